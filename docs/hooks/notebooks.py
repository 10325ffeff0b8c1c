"""A MkDocs hook: the course's notebooks become pages in every language's build.

mkdocs-static-i18n rebuilds the list of files for each language after mkdocs-jupyter has marked
the notebooks as pages, so they would be copied as downloads (mkdocs-static-i18n issue 198).
This hook runs after i18n and marks the notebooks of the final list once more.
"""

from mkdocs.plugins import event_priority
from mkdocs_jupyter.plugin import NotebookFile


@event_priority(-200)  # after i18n's on_files (-100)
def on_files(files, config):
    jupyter = config.plugins["mkdocs-jupyter"]
    for file in [f for f in files if not isinstance(f, NotebookFile) and jupyter.should_include(f)]:
        files.remove(file)  # in place: i18n's list finds each language's pages by name
        files.append(NotebookFile(file, **config))
    return files
