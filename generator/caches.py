"""What made a cache's entries: one way to key them by the code and the dependencies that
shape them, and one way to write a cache file whole or not at all. Used by the load cache,
the validation record and the build cache, so that none of them can serve what an older
version of the code, or of a library, made.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

CACHE_ENV = "PLANS_CACHE_DIR"

PACKAGE = Path(__file__).resolve().parent
"""The generator's own source: the code every cache's key covers."""


@functools.cache
def installed_version(name: str) -> str:
    """The installed version of a distribution, or `none`: asked once a process (the answer
    cannot change while it runs, and reading the metadata leaves garbage cycles behind)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def dependency_versions(names: Iterable[str]) -> list[str]:
    """`name==version` of each installed distribution (`name==none` for one not installed)."""
    return [f"{name}=={installed_version(name)}" for name in names]


def code_key(
    magic: bytes,
    files: Iterable[Path],
    base: Path,
    dependencies: Iterable[str] = (),
    extra: Iterable[str] = (),
) -> bytes:
    """A key of what made a cache's entries: the cache's format (`magic`), the bytes of each
    of `files` with its name relative to `base`, the installed version of each of
    `dependencies` (distribution names), and any `extra` facts (e.g. a C library's version)."""
    digest = hashlib.sha256(magic)
    for path in sorted(files):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for part in (*dependency_versions(dependencies), *extra):
        digest.update(b"\0" + part.encode())
    return digest.digest()


def source_files(package: Path = PACKAGE) -> Iterator[Path]:
    """Every Python file of the generator (not its `__pycache__`), in no particular order
    (`code_key` sorts them)."""
    return package.rglob("*.py")


def write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file whole or not at all: into a temporary file beside it, then renamed over it."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            write(file)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def cache_folder(root: Path) -> Path:
    """Where the caches of the project at `root` are kept: outside the project, so that nothing
    a pull request adds to it can pass for a cached result. Under $PLANS_CACHE_DIR, else
    $XDG_CACHE_HOME/partnership-plans, else ~/.cache/partnership-plans; one folder a project,
    named after it and a hash of its full path."""
    base = os.environ.get(CACHE_ENV)
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = str(Path(xdg if xdg else Path.home() / ".cache") / "partnership-plans")
    resolved = root.resolve()
    tag = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return Path(base) / f"{resolved.name or 'project'}-{tag}"
