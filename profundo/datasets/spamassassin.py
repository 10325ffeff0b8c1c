"""The SpamAssassin public corpus: 6,046 raw e-mails, 4,150 ham and 1,896 spam (2002–2003).

>>> (x_train, y_train), (x_test, y_test) = profundo.datasets.spamassassin.load_data()
>>> x_train[0][:5], y_train[:3]            # raw RFC 822 messages (bytes); 1 = spam, 0 = ham
(b'From ', array([0, 0, 0]))

The corpus is published at https://spamassassin.apache.org/old/publiccorpus/ as one archive per
group, ``20030228_<group>.tar.bz2``: ``easy_ham`` (2,500), ``easy_ham_2`` (1,400), ``hard_ham``
(250 ham messages that look like spam), ``spam`` (500) and ``spam_2`` (1,396). Each message is a
file ``<group>/NNNNN.<md5>``, named by the MD5 of its bytes. Copies of the archives differ in their
packing, so the loader verifies what matters instead of the archive's hash: every message against
the MD5 in its name, and the number of messages of each group.

The archives are read as a stream, straight from the cache: nothing is extracted to disk, only
regular files named like messages are read (the ``cmds`` scripts and anything else are skipped,
links are never followed), and every archive has limits on its members' number and sizes.

The split (``split``) is by group and by time: within each group, the most recent messages (by
the date on their mbox ``From`` line) are held out for the test set, so that a model is judged on
mail that arrived after the mail it learned from, and every group — ``hard_ham``, the hard case,
included — has its share of the test set.
"""

from __future__ import annotations

import calendar
import email.utils
import hashlib
import re
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .download import RemoteFile, fetch

ORIGIN = "https://spamassassin.apache.org/old/publiccorpus/"
GROUPS = {"easy_ham": 2500, "easy_ham_2": 1400, "hard_ham": 250, "spam": 500, "spam_2": 1396}
SPAM_GROUPS = ("spam", "spam_2")
#: The one message whose bytes, in every copy we could check, are not those its name's MD5 was
#: taken of: it is verified by the sha256 of the bytes the corpus has.
KNOWN_RENAMED = {
    "hard_ham/00230.244a63cd74c81123ef26129453e32c95": (
        "6959c8a5762801f2ac923192c773f5d56e6e08e9377e5cb3a9ae6ff98cea6651"
    )
}
MAX_MESSAGE_BYTES = 4 << 20  #: a larger member is not a message of this corpus
MAX_ARCHIVE_BYTES = 256 << 20  #: the most that is read from one archive
MAX_MEMBERS = 10_000  #: the most members one archive may have
_MESSAGE = re.compile(r"(?P<number>\d{5})\.(?P<md5>[0-9a-f]{32})")


class CorpusError(ValueError):
    """An archive is not the published group: a message does not match its name, or is missing."""


@dataclass(frozen=True)
class Message:
    """One e-mail of the corpus: its group, file name, raw bytes, and arrival time."""

    group: str
    name: str
    raw: bytes
    time: float  # seconds since the epoch (from the mbox From line or Date:), or nan

    @property
    def is_spam(self) -> bool:
        return self.group in SPAM_GROUPS


def _remote(group: str) -> RemoteFile:
    name = f"20030228_{group}.tar.bz2"
    return RemoteFile(
        "spamassassin", name, None, (ORIGIN + name,), verifier=lambda path: _problem(path, group)
    )


FILES = {group: _remote(group) for group in GROUPS}


def load_data(
    test_fraction: float = 0.2, with_groups: bool = False, progress: bool | None = None
) -> tuple:
    """``(x_train, y_train), (x_test, y_test)``: raw messages and labels (1 = spam, 0 = ham).

    x are object arrays of ``bytes`` (each message exactly as published: parse it with
    ``email.message_from_bytes``), y int64. The most recent ``test_fraction`` of each group is
    held out (1,209 messages by default, 50 of them ``hard_ham``). ``with_groups=True`` adds a
    third array to each pair: the group name of every message.
    """
    train, test = split(load_messages(progress), test_fraction)

    def arrays(messages):
        x = np.empty(len(messages), dtype=object)
        x[:] = [m.raw for m in messages]
        y = np.array([m.is_spam for m in messages], dtype=np.int64)
        return (x, y, np.array([m.group for m in messages])) if with_groups else (x, y)

    return arrays(train), arrays(test)


def load_messages(progress: bool | None = None, groups=None) -> list[Message]:
    """Every message of ``groups`` (default: all five), downloaded once into the cache and
    verified."""
    messages = []
    for group in GROUPS if groups is None else groups:
        path = fetch(FILES[group], progress)  # verified: its messages were just read
        messages += _just_verified.pop(_identity(path), []) or read_group(path, group)
    return messages


def split(
    messages: list[Message], test_fraction: float = 0.2
) -> tuple[list[Message], list[Message]]:
    """``(train, test)``: in each group, the latest messages by time go to the test set.

    Messages without a readable date sort by their number after the dated ones of their group.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(
            f"spamassassin.split: test_fraction must be between 0 and 1, got {test_fraction!r}"
        )
    train, test = [], []
    for group in dict.fromkeys(m.group for m in messages):
        members = [m for m in messages if m.group == group]
        members.sort(key=lambda m: (np.isnan(m.time), 0.0 if np.isnan(m.time) else m.time, m.name))
        held = max(1, round(test_fraction * len(members))) if len(members) > 1 else 0
        train += members[: len(members) - held]
        test += members[len(members) - held :]
    return train, test


def read_group(path, group: str) -> list[Message]:
    """The verified messages of one group's archive at ``path``; ``CorpusError`` if it is not the
    published group (a message whose bytes do not match its name, a message missing, too large)."""
    messages, total = [], 0
    with tarfile.open(path, "r|bz2") as archive:  # one pass over the stream
        for count, member in enumerate(archive, 1):
            if count > MAX_MEMBERS:
                raise CorpusError(f"{path}: more than {MAX_MEMBERS} members; not a corpus group")
            folder, _, base = member.name.rpartition("/")
            match = _MESSAGE.fullmatch(base)
            if not (member.isfile() and match and folder.rstrip("/").endswith(group)):
                continue  # folders, the cmds script, others
            if member.size > MAX_MESSAGE_BYTES:
                raise CorpusError(
                    f"{path}: {member.name} has {member.size} bytes, more than "
                    f"the {MAX_MESSAGE_BYTES} a message of this corpus may have"
                )
            total += member.size
            if total > MAX_ARCHIVE_BYTES:
                raise CorpusError(f"{path}: more than {MAX_ARCHIVE_BYTES} bytes of messages")
            stream = archive.extractfile(member)
            assert stream is not None  # a regular file: member.isfile() above
            raw = stream.read()
            name = f"{group}/{base}"
            _check(raw, name, match.group("md5"), path)
            messages.append(Message(group, name, raw, arrival_time(raw)))
    expected = GROUPS.get(group)
    if expected is not None and len(messages) != expected:
        raise CorpusError(
            f"{path}: {len(messages)} messages of {group}, but the published group has {expected}"
        )
    return messages


def _check(raw: bytes, name: str, md5: str, path) -> None:
    actual = hashlib.md5(raw, usedforsecurity=False).hexdigest()
    if actual != md5 and KNOWN_RENAMED.get(name) != hashlib.sha256(raw).hexdigest():
        raise CorpusError(
            f"{path}: {name} is not the published message: the MD5 of its bytes "
            f"is {actual}, its name says {md5}"
        )


#: The messages the verifier has just read, by file identity, so that a load reads each archive
#: once (``load_messages`` takes them out again; a file changed since has another identity).
_just_verified: dict[tuple, list[Message]] = {}


def _identity(path) -> tuple:
    stat = Path(path).stat()
    return (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _problem(path: Path, group: str) -> str | None:
    try:
        messages = read_group(path, group)
    except (CorpusError, tarfile.TarError, EOFError, OSError) as err:
        return str(err) or type(err).__name__
    _just_verified.clear()
    _just_verified[_identity(path)] = messages
    return None


_FROM_LINE = re.compile(rb"From \S+\s+(\w{3} \w{3}\s+\d{1,2} \d\d:\d\d:\d\d \d{4})")


def arrival_time(raw: bytes) -> float:
    """When the message arrived: the date of its mbox ``From`` line, else of its ``Date:``
    header, in seconds since the epoch; ``nan`` when neither can be read."""
    match = _FROM_LINE.match(raw)
    if match:
        try:
            return float(
                calendar.timegm(
                    time.strptime(match.group(1).decode("ascii"), "%a %b %d %H:%M:%S %Y")
                )
            )
        except ValueError:
            pass
    header = re.search(rb"^Date:[ \t]*(.+)$", raw[:65536], re.MULTILINE | re.IGNORECASE)
    if header:
        try:
            return email.utils.parsedate_to_datetime(header.group(1).decode("latin-1")).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    return float("nan")
