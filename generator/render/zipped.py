"""The open-data archive's zip, written from members deflated beforehand: each shard deflates
its own downloads while it is built (in parallel, and kept in the build cache with it), and
putting a version together only lays them end to end (a national year's archive took a second
to compress on every rebuild).

The bytes are exactly those `zipfile` writes for the same files with `ZipInfo(name,
date_time)`, `ZIP_DEFLATED` at level 6, the permissions 0644 and no comment (a test holds it
to that), except that the system that made it is always Unix (3), so that an archive is the
same whichever system builds it.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

LEVEL = 6
"""zlib's default level: a third of the time of 9, for an archive 5% larger."""
_VERSION = 20  # what a reader needs for deflate (2.0)
_UNIX = 3
_DEFLATED = 8
_UTF8_NAME = 0x800
_LIMIT = 0xFFFF  # members, names: beyond, a zip needs its 64-bit records, not written here
_SIZE_LIMIT = (1 << 31) - 1


class Member(NamedTuple):
    """One file of the archive, deflated: the CRC-32 and size of its bytes, and the deflated
    stream."""

    crc: int
    size: int
    deflated: bytes


def deflate(data: bytes) -> Member:
    """`data` deflated as `zipfile` deflates a member at `LEVEL` (a raw stream, no header)."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return Member(zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush())


def zipped(members: Mapping[str, Member], when: date | None) -> bytes:
    """A zip of `members` (by name) that is the same for the same files: names sorted, every
    member dated `when` at midnight (or 1 January 1980, the format's first day)."""
    day = when or date(1980, 1, 1)
    dosdate = (day.year - 1980) << 9 | day.month << 5 | day.day
    dostime = 0
    if len(members) >= _LIMIT:
        raise ValueError(f"an archive of {len(members)} files needs zip64, not written here")
    body, directory = bytearray(), bytearray()
    for name in sorted(members):
        crc, size, deflated = members[name]
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        offset = len(body)
        if max(offset, size, len(deflated)) > _SIZE_LIMIT or len(encoded) >= _LIMIT:
            raise ValueError(f"{name} is too large for an archive without zip64")
        body += struct.pack(
            "<4s2B4HL2L2H", b"PK\x03\x04", _VERSION, 0, flags, _DEFLATED, dostime, dosdate,
            crc, len(deflated), size, len(encoded), 0,
        ) + encoded + deflated  # fmt: skip
        directory += struct.pack(
            "<4s4B4HL2L5H2L", b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, flags, _DEFLATED,
            dostime, dosdate, crc, len(deflated), size, len(encoded), 0, 0, 0, 0,
            0o644 << 16, offset,
        ) + encoded  # fmt: skip
    if len(body) > _SIZE_LIMIT:
        raise ValueError("the archive is too large without zip64")
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    return bytes(body + directory + end)
