"""The documentation site's sources: every page the navigation names exists, every guide page has
its Spanish twin, and README.es.md gives the README's two commands. (CI builds the site itself
with `mkdocs build --strict`.)"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
yaml = pytest.importorskip("yaml")


def _nav_pages(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _nav_pages(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _nav_pages(value)


def test_every_page_in_the_navigation_exists():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    pages = list(_nav_pages(config["nav"]))
    assert "index.md" in pages and len(pages) > 20
    missing = [p for p in pages if not (ROOT / "docs" / p).is_file()]
    assert not missing, f"mkdocs.yml's nav names pages that do not exist: {missing}"


def test_every_guide_page_is_in_english_and_spanish():
    english = sorted(p.name for p in (ROOT / "docs" / "guide").glob("*.md") if ".es." not in p.name)
    spanish = sorted(
        p.name.replace(".es.md", ".md") for p in (ROOT / "docs" / "guide").glob("*.es.md")
    )
    assert english and english == spanish
    assert (ROOT / "docs" / "index.es.md").is_file()


def test_readme_es_gives_the_same_two_commands():
    def commands(name):
        text = (ROOT / name).read_text()
        return re.findall(r"```bash\n(.*?)\n```", text, re.DOTALL)

    assert len(commands("README.md")) == 2 and commands("README.es.md") == commands("README.md")
