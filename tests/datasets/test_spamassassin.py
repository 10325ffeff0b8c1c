"""The SpamAssassin corpus: from the project's mirror, and from small archives made here."""

import email
import hashlib
import io
import tarfile

import numpy as np
import pytest

from profundo.datasets import ChecksumError, download, spamassassin


def test_the_published_corpus_from_the_mirror(shared_mirror, monkeypatch):
    monkeypatch.setenv(download.MIRROR_ENV, str(shared_mirror))
    (x_train, y_train, g_train), (x_test, y_test, g_test) = spamassassin.load_data(with_groups=True)
    groups, labels = np.concatenate([g_train, g_test]), np.concatenate([y_train, y_test])
    assert dict(zip(*np.unique(groups, return_counts=True))) == {
        "easy_ham": 2500,
        "easy_ham_2": 1400,
        "hard_ham": 250,
        "spam": 500,
        "spam_2": 1396,
    }
    assert labels.sum() == 1896 and list(labels) == [g.startswith("spam") for g in groups]
    assert x_train.dtype == object and isinstance(x_train[0], bytes)
    assert (g_test == "hard_ham").sum() == 50 and (g_train == "hard_ham").sum() == 200
    assert y_test.sum() == round(0.2 * 500) + round(0.2 * 1396)
    parsed = email.message_from_bytes(x_test[0])
    assert parsed["Subject"] is not None and parsed.get_payload() is not None


def _archive(group, bodies, extra=()):
    """A ``20030228_<group>.tar.bz2`` of messages named by their MD5, plus ``extra`` members."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:bz2") as tar:
        members = [
            (f"{group}/{i:05d}.{hashlib.md5(body).hexdigest()}", body)
            for i, body in enumerate(bodies, 1)
        ]
        for name, body in members + list(extra):
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return buffer.getvalue()


def _message(day, spam, i):
    subject = "WIN MONEY NOW" if spam else "meeting notes"
    return (
        f"From someone@example.com  Mon Sep {day:2d} 10:00:00 2002\n"
        f"Subject: {subject} {i}\n\nbody {i}\n"
    ).encode()


@pytest.fixture
def toy_corpus(tmp_path, monkeypatch):
    """A mirror with five groups of 4 messages each (days 1..4, shuffled in the archive)."""
    monkeypatch.setattr(spamassassin, "GROUPS", {g: 4 for g in spamassassin.GROUPS})
    root = tmp_path / "mirror" / "spamassassin"
    root.mkdir(parents=True)
    for group in spamassassin.GROUPS:
        bodies = [_message(day, group in spamassassin.SPAM_GROUPS, day) for day in (3, 1, 4, 2)]
        (root / f"20030228_{group}.tar.bz2").write_bytes(_archive(group, bodies))
    monkeypatch.setenv(download.MIRROR_ENV, str(tmp_path / "mirror"))
    return root


def test_small_corpus_split_by_group_and_time(toy_corpus):
    (x_train, y_train, _), (x_test, y_test, g_test) = spamassassin.load_data(
        test_fraction=0.5, with_groups=True
    )
    assert sorted(g_test) == sorted(2 * list(spamassassin.GROUPS))
    days = sorted(x.split(b"\n")[0][-24:-14] for x in x_test)
    assert days == 5 * [b"Mon Sep  3"] + 5 * [b"Mon Sep  4"]  # the latest half of each group
    assert list(y_test) == [g.startswith("spam") for g in g_test]
    assert len(x_train) == 10 and y_train.sum() == 4


def test_the_origins_are_the_original_publication():
    assert spamassassin.FILES["hard_ham"].urls == (
        "https://spamassassin.apache.org/old/publiccorpus/20030228_hard_ham.tar.bz2",
    )


def test_a_message_that_does_not_match_its_md5_is_refused_and_not_cached(toy_corpus, home):
    good = _message(1, True, 1)
    forged = ("spam/00002." + hashlib.md5(b"something else").hexdigest(), _message(2, True, 2))
    (toy_corpus / "20030228_spam.tar.bz2").write_bytes(
        _archive("spam", [good, good, good], extra=[forged])
    )
    with pytest.raises(ChecksumError, match=r"spam/00002\.\w+ is not the published message"):
        spamassassin.load_data()
    assert not (home / "datasets" / "spamassassin" / "20030228_spam.tar.bz2").exists()


def test_a_missing_message_is_refused(toy_corpus):
    (toy_corpus / "20030228_spam_2.tar.bz2").write_bytes(
        _archive("spam_2", [_message(1, True, 1)] * 3)
    )
    with pytest.raises(ChecksumError, match="3 messages of spam_2, but the published group has 4"):
        spamassassin.load_data()


def test_other_members_are_skipped_never_extracted(toy_corpus, tmp_path):
    bodies = [_message(day, False, day) for day in (1, 2, 3, 4)]
    extra = [("easy_ham/cmds", b"mv a b\n"), ("../escape.txt", b"x"), ("/etc/evil", b"x")]
    (toy_corpus / "20030228_easy_ham.tar.bz2").write_bytes(_archive("easy_ham", bodies, extra))
    messages = spamassassin.load_messages(groups=["easy_ham"])
    assert len(messages) == 4 and all(m.name.startswith("easy_ham/0000") for m in messages)
    assert not (tmp_path / "escape.txt").exists()


def test_an_oversized_member_is_refused(toy_corpus, monkeypatch):
    monkeypatch.setattr(spamassassin, "MAX_MESSAGE_BYTES", 20)
    with pytest.raises(ChecksumError, match="more than the 20 a message of this corpus may have"):
        spamassassin.load_messages(groups=["spam"])


def test_a_bad_fraction_is_a_clear_error():
    with pytest.raises(ValueError, match="test_fraction must be between 0 and 1, got 1.5"):
        spamassassin.split([], test_fraction=1.5)


def test_arrival_time_from_the_from_line_or_the_date_header():
    assert spamassassin.arrival_time(b"From a@b  Thu Aug 22 12:36:23 2002\nX: y\n\n") == 1030019783
    dated = b"Subject: hi\nDate: Thu, 22 Aug 2002 12:36:23 +0000\n\nbody"
    assert spamassassin.arrival_time(dated) == 1030019783
    assert np.isnan(spamassassin.arrival_time(b"Subject: no date\n\nbody"))
