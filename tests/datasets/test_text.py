import pytest

from profundo.datasets import DownloadError, download, milton, shakespeare


@pytest.mark.parametrize(
    "module, length, start",
    [
        (shakespeare, 5_057_282, "ALL'S WELL THAT ENDS WELL\n"),
        (milton, 1_403_202, "AREOPAGITICA\n\n\nA SPEECH"),
    ],
)
def test_text_from_the_project_mirror(module, length, start, shared_mirror, monkeypatch):
    monkeypatch.setenv(download.MIRROR_ENV, str(shared_mirror))
    text = module.load_data()
    assert isinstance(text, str) and len(text) == length and text.startswith(start)
    assert "\r" not in text and "\ufeff" not in text


def test_text_without_a_mirror_says_how_to_get_it():
    with pytest.raises(DownloadError, match="shakespeare_gut.txt.gz.*PROFUNDO_DATASETS_MIRROR"):
        shakespeare.load_data()
