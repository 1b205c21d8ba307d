"""Stage 1, load: loaded files kept by content hash, so that checking a project again parses
only the YAML files that changed.

The cache is one pack file in a folder (by default `load` in `generator.caches.cache_folder`,
outside the project). For
each file that loaded with no problem at all in the last run it keeps the file's name, the
sha256 of its bytes, its data and its compressed text (for positions). A file is answered
from the pack only when its bytes hash to the kept hash, so an edit is never missed; a file
with any problem is loaded afresh every time, so its problems are exactly as without a cache.

Hashing every file (265 MB at 350 x 10) was most of what a check of an unchanged project
costs, so a kept file also keeps what `os.stat` said of it just before it was read: its size,
modification and change times (to the nanosecond) and inode. A file that stats exactly so is
not read again, as git's index does. Writing a file changes its change time, which no program
can set back; a file changed within two seconds before it was stat-ed keeps no such record (a
second write within the same clock tick could leave the same times), so it is hashed again.

The pack is written with `marshal`, which holds the loader's data (only dicts, lists, strings
and None: tested) and reads them back a little faster than pickle, writing them twice as fast.
It starts with a key of the code its data came from (`code_key`) and a sha256 of its records,
one a file: a pack that is missing, truncated, corrupt or written by other code is ignored,
never trusted. A file's data stay a marshal blob until that file is asked for, so the whole
project's data are never alive at once, and the pack is written a record at a time, so saving
never makes a second copy of it.
"""

from __future__ import annotations

import hashlib
import io
import marshal
import os
import sys
import time
import zlib
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from generator import caches
from generator.load import reader
from generator.load.reader import MAX_FILE_BYTES, Document, SourceText, content_hash

MAGIC = b"plans load cache 3\n"
"""The start of every pack; the number changes with the pack's layout."""
PACK = "files.pack"
_HASH_SIZE = 32


class Marshalled(NamedTuple):
    """A kept file's data, still packed: `load()` unpacks a fresh copy."""

    blob: bytes

    def load(self) -> Any:
        return marshal.loads(self.blob)


Stat = tuple[int, int, int, int]
"""What `os.stat` said of a file: its size, modification and change times (ns) and inode."""

_Entry = tuple[bytes, bytes, bytes, bool, bool, Stat | None]
"""A kept file: the hash of its bytes, its data (a marshal blob), its compressed text,
whether libyaml read it, whether its text may hold a link (`SourceText`) and its `Stat`
before it was read (None: not known, or too recent to trust)."""

RECENT_NS = 2_000_000_000
"""A file changed this recently (2 s) when it was stat-ed is hashed again next time."""


def stat_of(path: Path) -> tuple[Stat | None, int]:
    """The `Stat` of a file worth keeping (None if it changed in the last `RECENT_NS`), and its
    size."""
    found = os.stat(path)
    stat = (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)
    recent = time.time_ns() - max(found.st_mtime_ns, found.st_ctime_ns) < RECENT_NS
    return (None if recent else stat), found.st_size


def code_key(package: Path = caches.PACKAGE) -> bytes:
    """What loaded data depend on besides the files: the load stage's source (`generator/load/`,
    this module included, which packs them), PyYAML and libyaml, the Python that writes marshal
    (its format follows `cache_tag`, as .pyc files' does) and zlib (the compressed text)."""
    libyaml = "none"
    if reader.HAVE_LIBYAML:
        from yaml import _yaml

        libyaml = _yaml.get_version_string()
    return caches.code_key(
        MAGIC,
        caches.source_files(package / "load"),
        package,
        dependencies=("PyYAML",),
        extra=(f"libyaml {libyaml}", sys.implementation.cache_tag, zlib.ZLIB_RUNTIME_VERSION),
    )


class LoadCache:
    """The files kept in one folder's pack, and those kept in this run (`save` writes them)."""

    def __init__(self, folder: Path, root: Path, defer: bool = False) -> None:
        """Open the pack in `folder` for the project at `root`: an unusable pack is empty, and
        a folder inside the project's plans/ or data/ is never written. With `defer`, kept
        files' data are handed out `Marshalled`, for the caller to unpack only if it needs them."""
        self.folder = folder
        self._defer = defer
        self._digests: dict[str, bytes | None] = {}
        self._stats: dict[str, Stat | None] = {}
        self._key = code_key()
        self._kept = _read_pack(folder / PACK, self._key)
        self._seen: dict[str, _Entry] = {}
        sources = [(root / name).resolve() for name in ("plans", "data")]
        self._writable = not any(folder.resolve().is_relative_to(s) for s in sources)

    def unchanged(self, path: Path, name: str) -> bool:
        """Whether the file `name` is kept and its bytes, read now, are those kept."""
        return self.digest(path, name) is not None

    def digest(self, path: Path, name: str) -> bytes | None:
        """The kept hash of the file `name` if it stats as it did when kept, or its bytes, read
        now, still hash to it; else None (each file is looked at once a run, however often
        this is asked)."""
        if name in self._digests:
            return self._digests[name]
        entry = self._kept.get(name)
        found = None
        try:
            stat, size = stat_of(path)
            self._stats[name] = stat  # before any read: a later change stats otherwise
            if entry is not None and size <= MAX_FILE_BYTES:
                same = stat is not None and stat == entry[5]  # else read and hashed
                if same or content_hash(path.read_bytes()) == entry[0]:
                    found = entry[0]
        except OSError:
            pass  # loaded afresh, which reports why
        self._digests[name] = found
        return found

    def document(self, name: str) -> Document:
        """The Document of a kept file found `unchanged`, kept again for the next run. Its data
        are `Marshalled` (unpacked when asked for) if the cache was opened with `defer`."""
        entry = self._kept[name]
        self._seen[name] = (*entry[:5], self._stats.get(name))
        digest, data, compressed, libyaml, may_link, _ = entry
        loaded = Marshalled(data) if self._defer else marshal.loads(data)
        return Document(name, loaded, SourceText(compressed, libyaml, may_link), digest)

    def keep(self, document: Document) -> None:
        """Keep a document just loaded from its file with no problem (under its `digest`)."""
        source = document.source
        assert source is not None and document.digest  # loaded from a file, text kept
        blob = marshal.dumps(document.data)
        self._seen[document.file] = (
            document.digest, blob, source.compressed, source.libyaml, source.may_link,
            self._stats.get(document.file),
        )  # fmt: skip

    def save(self) -> None:
        """Write the pack again, if this run changed it, holding exactly the files kept in this
        run (deleted files drop out); whole or not at all, and not where it cannot be written."""
        if self._seen == self._kept or not self._writable:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            caches.write_atomically(self.folder / PACK, self._write)
        except OSError:
            return  # an unwritable cache only makes the next run slower

    def _write(self, file: BinaryIO) -> None:
        """The pack: the magic line, the code key, the checksum of the records (written once
        they are), and a marshal record for each file kept in this run."""
        file.write(MAGIC + self._key)
        at = file.tell()
        file.write(bytes(_HASH_SIZE))
        checksum = hashlib.sha256()
        for name, entry in self._seen.items():
            record = marshal.dumps((name, *entry))
            checksum.update(record)
            file.write(record)
        file.seek(at)
        file.write(checksum.digest())


def _read_pack(path: Path, key: bytes) -> dict[str, _Entry]:
    """The files of a pack written under `key`; none if it is missing, truncated, corrupt or
    of another format or code."""
    checked = read_checked(path, MAGIC, key)
    if checked is None:
        return {}
    raw, start = checked
    stream = io.BytesIO(raw)  # shares the bytes, never written to
    stream.seek(start)
    entries: dict[str, _Entry] = {}
    try:
        while stream.tell() < len(raw):
            match marshal.load(stream):
                case (
                    str(name), bytes(digest), bytes(data), bytes(compressed), bool(libyaml),
                    bool(may_link), None | (int(), int(), int(), int()) as stat,
                ):  # fmt: skip
                    entries[name] = (digest, data, compressed, libyaml, may_link, stat)
                case _:
                    return {}
    except (EOFError, ValueError, TypeError):
        return {}
    return entries


def read_checked(path: Path, magic: bytes, key: bytes) -> tuple[bytes, int] | None:
    """A file laid out as `magic`, `key`, the sha256 of the rest, and the rest: its bytes and
    where the rest starts; None if it is missing, of another layout or code, or corrupt."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    start = len(magic) + len(key) + _HASH_SIZE
    if raw[: start - _HASH_SIZE] != magic + key:
        return None
    if hashlib.sha256(memoryview(raw)[start:]).digest() != raw[start - _HASH_SIZE : start]:
        return None
    return raw, start
