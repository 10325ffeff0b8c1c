"""``python -m profundo.playground``: start the playground (see ``profundo.playground.server``)."""

import sys

from .server import main

sys.exit(main())
