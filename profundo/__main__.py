"""``python -m profundo``: the same as the ``profundo`` command."""

import sys

from .cli import main

sys.exit(main())
