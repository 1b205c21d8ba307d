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

The pack starts with a key of the code its data came from (`code_key`); then a record a file
(its data as a `marshal` blob, which holds the loader's data, only dicts, lists, strings and
None: tested, and reads them back faster than pickle; then its compressed text); then an index
of the records (name, hash, where, a CRC-32 of the record, `Stat`), and last the index's length
and sha256. A pack that is missing, truncated, corrupt or written by other code is ignored,
never trusted; a record whose CRC does not hold is loaded afresh.

Reading and rewriting the whole pack (331 MB at 350 x 10) took 1.5 s of every check, so it is
mapped into memory and only the index is read; a file's record is copied out when the file is
asked for. A run that keeps new files appends their records and a new index to the pack; the
pack is written anew (whole, or not at all) only when more than half of it is records no index
names any more. Writers hold an exclusive lock on the folder and readers a shared one while
they read the index, so that no reader sees half an index. A file's data stay a marshal blob
until that file is asked for, so the whole project's data are never alive at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import mmap
import os
import struct
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from generator import caches

try:
    import fcntl
except ImportError:  # Windows: packs are not locked there
    fcntl = None  # type: ignore[assignment]

from generator.load import reader
from generator.load.reader import MAX_FILE_BYTES, Document, SourceText, content_hash

MAGIC = b"plans load cache 4\n"
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


class _Kept(NamedTuple):
    """A file kept in the pack: the hash of its bytes, where its record starts and the lengths
    of its data (a marshal blob) and compressed text, the CRC-32 of the record, whether libyaml
    read it, whether its text may hold a link (`SourceText`), and its `Stat` before it was read
    (None: not known, or too recent to trust)."""

    digest: bytes
    offset: int
    data: int
    text: int
    crc: int
    libyaml: bool
    may_link: bool
    stat: Stat | None


class _New(NamedTuple):
    """A file loaded afresh in this run, to be added to the pack."""

    digest: bytes
    data: bytes
    text: bytes
    libyaml: bool
    may_link: bool
    stat: Stat | None


_END = b"plans load cache end"
_TRAILER = struct.Struct(f"<Q{_HASH_SIZE}s{len(_END)}s")
"""After the index: its length, its sha256 and `_END`."""


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
        self._pack = _Pack.open(folder / PACK, self._key)
        self._kept = self._pack.entries if self._pack is not None else {}
        self._seen: dict[str, _Kept | _New] = {}
        sources = [(root / name).resolve() for name in ("plans", "data")]
        self._writable = not any(folder.resolve().is_relative_to(s) for s in sources)

    def unchanged(self, path: Path, name: str) -> bool:
        """Whether the file `name` is kept and its bytes, read now, are those kept."""
        return self.digest(path, name) is not None

    def digest(self, path: Path, name: str) -> bytes | None:
        """The kept hash of the file `name` if it stats as it did when kept, or its bytes, read
        now, still hash to it, and its record is whole; else None (each file is looked at once
        a run, however often this is asked)."""
        if name in self._digests:
            return self._digests[name]
        entry = self._kept.get(name)
        found = None
        try:
            stat, size = stat_of(path)
            self._stats[name] = stat  # before any read: a later change stats otherwise
            if entry is not None and size <= MAX_FILE_BYTES and self._pack is not None:
                same = stat is not None and stat == entry.stat  # else read and hashed
                if (same or content_hash(path.read_bytes()) == entry.digest) and (
                    self._pack.whole(entry)
                ):
                    found = entry.digest
        except OSError:
            pass  # loaded afresh, which reports why
        self._digests[name] = found
        return found

    def document(self, name: str) -> Document:
        """The Document of a kept file found `unchanged`, kept again for the next run. Its data
        are `Marshalled` (unpacked when asked for) if the cache was opened with `defer`."""
        entry = self._kept[name]
        assert self._pack is not None  # a kept file comes from a pack
        self._seen[name] = entry._replace(stat=self._stats.get(name))
        data, compressed = self._pack.record(entry)
        loaded = Marshalled(data) if self._defer else marshal.loads(data)
        source = SourceText(compressed, entry.libyaml, entry.may_link)
        return Document(name, loaded, source, entry.digest)

    def keep(self, document: Document) -> None:
        """Keep a document just loaded from its file with no problem (under its `digest`)."""
        source = document.source
        assert source is not None and document.digest  # loaded from a file, text kept
        self._seen[document.file] = _New(
            document.digest, marshal.dumps(document.data), source.compressed, source.libyaml,
            source.may_link, self._stats.get(document.file),
        )  # fmt: skip

    def save(self) -> None:
        """Write what this run kept, if it changed the pack: exactly the files kept in this run
        (deleted files drop out). New records are appended with a new index; the pack is
        written anew, whole or not at all, when it was not there, was changed by another run
        since it was read, or would be more than half records no index names."""
        if not self._writable or self._seen == self._kept:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with _locked(self.folder, shared=False):
                path = self.folder / PACK
                pack = self._pack
                live = sum(e.data + e.text if isinstance(e, _Kept) else len(e.data) + len(e.text)
                           for e in self._seen.values())  # fmt: skip
                if pack is not None and pack.unchanged(path) and pack.size <= 2 * live + _SLACK:
                    pack.append(path, self._seen)
                else:
                    caches.write_atomically(path, self._write)
        except OSError:
            return  # an unwritable cache only makes the next run slower

    def _write(self, file: BinaryIO) -> None:
        """The pack anew: the magic line and code key, a record for each file kept in this
        run (copied from the old pack, or new), the index, the trailer."""
        file.write(MAGIC + self._key)
        index = {}
        for name, entry in self._seen.items():
            if isinstance(entry, _Kept):
                assert self._pack is not None
                data, text = self._pack.record(entry)
            else:
                data, text = entry.data, entry.text
            index[name] = _write_record(file, entry, data, text)
        _write_index(file, index)


_SLACK = 1 << 20
"""Bytes a pack may hold beyond twice its live records before it is written anew."""


def _write_record(file: BinaryIO, entry: _Kept | _New, data: bytes, text: bytes) -> _Kept:
    """Write one record at the end of `file`; its entry in the index."""
    offset = file.tell()
    file.write(data)
    file.write(text)
    crc = zlib.crc32(text, zlib.crc32(data))
    return _Kept(entry.digest, offset, len(data), len(text), crc, entry.libyaml,
                 entry.may_link, entry.stat)  # fmt: skip


def _write_index(file: BinaryIO, index: dict[str, _Kept]) -> None:
    blob = marshal.dumps({name: tuple(entry) for name, entry in index.items()})
    file.write(blob)
    file.write(_TRAILER.pack(len(blob), hashlib.sha256(blob).digest(), _END))


@contextlib.contextmanager
def _locked(folder: Path, shared: bool) -> Iterator[None]:
    """A lock on `folder`: shared to read a pack's index, exclusive to write the pack (none
    where the system has no `fcntl`)."""
    if fcntl is None:
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


class _Pack:
    """A pack mapped into memory: its index, and its records copied out when asked for."""

    def __init__(self, mapped: mmap.mmap, entries: dict[str, _Kept], identity: tuple[int, int]):
        self._mapped = mapped
        self.entries = entries
        self.size = identity[1]
        self._identity = identity

    @classmethod
    def open(cls, path: Path, key: bytes) -> _Pack | None:
        """The pack at `path` written under `key`; None if it is missing, of another format or
        code, or its index is truncated or corrupt."""
        try:
            with _locked(path.parent, shared=True), path.open("rb") as file:
                found = os.fstat(file.fileno())
                size = found.st_size
                start = len(MAGIC) + len(key)
                if size < start + _TRAILER.size or file.read(start) != MAGIC + key:
                    return None
                file.seek(size - _TRAILER.size)
                length, digest, end = _TRAILER.unpack(file.read(_TRAILER.size))
                index_at = size - _TRAILER.size - length
                if end != _END or index_at < start:
                    return None
                file.seek(index_at)
                blob = file.read(length)
                if hashlib.sha256(blob).digest() != digest:
                    return None
                mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError, struct.error):
            return None
        entries = _entries(blob, start, index_at)
        if entries is None:
            mapped.close()
            return None
        return cls(mapped, entries, (found.st_ino, size))

    def whole(self, entry: _Kept) -> bool:
        """Whether the entry's record still has the CRC it was written with."""
        view = memoryview(self._mapped)[entry.offset : entry.offset + entry.data + entry.text]
        try:
            return zlib.crc32(view) == entry.crc
        finally:
            view.release()

    def record(self, entry: _Kept) -> tuple[bytes, bytes]:
        """A record's data blob and compressed text, copied out of the pack."""
        middle = entry.offset + entry.data
        return self._mapped[entry.offset : middle], self._mapped[middle : middle + entry.text]

    def unchanged(self, path: Path) -> bool:
        """Whether the pack at `path` is still the file this one was read from, as it was."""
        found = os.stat(path)
        return (found.st_ino, found.st_size) == self._identity

    def append(self, path: Path, seen: dict[str, _Kept | _New]) -> None:
        """Add the new records of `seen` and an index of all of it at the end of the pack; on a
        failure, the pack is cut back to what it was."""
        with path.open("r+b") as file:
            file.seek(self.size)
            try:
                index = {
                    name: entry if isinstance(entry, _Kept)
                    else _write_record(file, entry, entry.data, entry.text)
                    for name, entry in seen.items()
                }  # fmt: skip
                _write_index(file, index)
            except BaseException:
                file.truncate(self.size)
                raise


def _entries(blob: bytes, start: int, end: int) -> dict[str, _Kept] | None:
    """The index of a pack whose records lie between `start` and `end`; None if it is not
    one (of another layout, or pointing outside the records). The index's checksum held, and
    its format is this code's (the pack's key): a record's own CRC is checked when it is used."""
    try:
        raw = marshal.loads(blob)
        entries = {name: _Kept._make(entry) for name, entry in raw.items()}
    except (EOFError, ValueError, TypeError, AttributeError):
        return None
    if not all(start <= e.offset <= e.offset + e.data + e.text <= end for e in entries.values()):
        return None
    return entries


def _read_pack(path: Path, key: bytes) -> dict[str, _Kept]:
    """The files of a pack written under `key`; none if it is missing, truncated, corrupt or
    of another format or code."""
    pack = _Pack.open(path, key)
    return pack.entries if pack is not None else {}


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
