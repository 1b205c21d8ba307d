"""The build cache: a shard of a version (financial year) whose inputs did not change is not
rebuilt.

A version is built in shards (generator.site): the home pages, and one shard per police force
area. A shard's key is a hash of everything its pages can depend on: the generator's own code
and bundled theme, the versions of the libraries that shape the pages (`BUILD_DEPENDENCIES`:
the Markdown converter, the theme, the sanitiser's allow-list...), the project's theme and
mkdocs.yml, the reference data, every partnership.yml, the plan files of this and earlier years
(trends and "what changed" look back) of the partnerships the shard reads (its own, and those
whose funding formulas allocate to them; the home shard reads every partnership), the build
options, which partnerships the version and the latest version have (every page's navigation
and links), and the build date. Anything not in the key cannot change the pages, so the cache
cannot serve a stale shard; when in doubt something belongs in the key.

Entries are built shard folders. They are hard-linked into the site, not copied (a national
site is gigabytes): the published site shares its files with the cache, and nothing the build
does ever writes into a linked file. A tool that post-processes the published site must
write new files rather than edit files in place, or the cache must be turned off (--no-cache).

The cache also notes, per published site, each version's key and the identity (inode,
modification and change times) of its folder there. A version whose shards would all come from
the cache unchanged, and whose published folder is still the one noted, is moved over from the
old site instead of being put together again (at national scale, joining and deleting ten
years of unchanged pages took half a one-plan rebuild). Replacing or renaming a version
folder, or a build without the cache, changes its identity, so it is then put together afresh.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator import caches

FORMAT = "4"
BUILD_DEPENDENCIES = (
    "mkdocs",
    "mkdocs-material",
    "Markdown",
    "pymdown-extensions",
    "Pygments",
    "nh3",
    "Jinja2",
    "MarkupSafe",
    "selectolax",
    "PyYAML",
    "pydantic",
    "pydantic-core",
)
"""The libraries whose versions shape the pages a shard holds (the Markdown converter and
its extensions, the theme, the sanitiser's allow-list, the templates' engine, the search
index's parser, the model): a build after upgrading any of them builds every shard afresh."""
PUBLISHED = "published.json"
"""In the cache folder: per published site, each version's key and its folder's identity."""
YEAR_FOLDER_LENGTH = len("2024-25")


def _hash_files(
    digest: hashlib._Hash, root: Path, paths: Iterable[Path], known: Mapping[str, bytes]
) -> None:
    """Each file's name and the sha256 of its bytes: from `known` (by name relative to `root`)
    when the file was hashed as it was loaded, else read now."""
    for path in sorted(paths):
        if path.is_file():
            name = path.relative_to(root).as_posix()
            digest.update(name.encode() + b"\0")
            digest.update(known.get(name) or hashlib.sha256(path.read_bytes()).digest())


def _names(folder: str, folders: bool) -> list[str]:
    """The sorted names of the folders (or else the files) directly in `folder`, if any."""
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if (e.is_dir() if folders else e.is_file()))
    except (FileNotFoundError, NotADirectoryError):
        return []


def _hash_folder(
    digest: hashlib._Hash, root: Path, folder: str, known: Mapping[str, bytes]
) -> None:
    """`_hash_files` of every file directly in `folder` (a name relative to `root`), with
    plain strings: Path objects were most of the time for the 31,524 files of 350 x 10."""
    for name in _names(os.path.join(root, folder), folders=False):
        relative = f"{folder}/{name}"
        digest.update(relative.encode() + b"\0")
        digest.update(
            known.get(relative) or hashlib.sha256((root / relative).read_bytes()).digest()
        )


def _tree(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []


class ShardKeys:
    """The key of each shard: what it was built from (also what a part of a build on several
    machines names as its inputs, so that parts of different commits are never joined)."""

    def __init__(
        self,
        root: Path,
        bundled: Path,
        loaded: Mapping[str, bytes] | None = None,
        package: Path = caches.PACKAGE,
    ) -> None:
        """`bundled`: the folder of the default theme/ and mkdocs.yml; `package`: the
        generator's code; `loaded`: the sha256 of each project file as it was loaded, by name
        relative to `root` (those files are not read again; the key then follows what was
        validated)."""
        known = loaded or {}
        theme = [*_tree(bundled / "theme"), *[p for p in [bundled / "mkdocs.yml"] if p.is_file()]]
        common = hashlib.sha256(
            caches.code_key(
                f"partnership-plans cache {FORMAT}\0".encode(),
                caches.source_files(package),
                package,
                BUILD_DEPENDENCIES,
                extra=[caches.code_key(b"bundled theme", theme, bundled).hex()],
            )
        )
        _hash_files(common, root, [*_tree(root / "theme"), root / "mkdocs.yml"], {})
        _hash_files(common, root, _tree(root / "data"), known)
        _hash_files(common, root, (root / "plans").glob("*/partnership.yml"), known)
        self._common = common.digest()
        # each partnership's year folders, oldest first: (year, digest of its files)
        self._by_partnership: dict[str, list[tuple[str, bytes]]] = {}
        plans = str(root / "plans")
        for partnership in _names(plans, folders=True):
            for year in _names(os.path.join(plans, partnership), folders=True):
                if len(year) == YEAR_FOLDER_LENGTH:
                    digest = hashlib.sha256()
                    _hash_folder(digest, root, f"plans/{partnership}/{year}", known)
                    years = self._by_partnership.setdefault(partnership, [])
                    years.append((year, digest.digest()))

    def key(self, year: str, options: Iterable[str], partnerships: Iterable[str] | None) -> str:
        """The key of one shard: common inputs, the plan files of this and earlier years of
        the partnerships it reads (None: every partnership), and the options."""
        digest = hashlib.sha256(self._common)
        wanted = sorted(self._by_partnership if partnerships is None else set(partnerships))
        for partnership in wanted:
            for other, hashed in self._by_partnership.get(partnership, ()):
                if other <= year:
                    digest.update(f"{partnership}/{other}".encode() + b"\0" + hashed)
        for option in options:
            digest.update(option.encode() + b"\0")
        return digest.hexdigest()


class BuildCache(ShardKeys):
    """Built versions by key, under one folder (by default `build` in `cache_folder`)."""

    def __init__(
        self,
        folder: Path,
        root: Path,
        bundled: Path,
        loaded: Mapping[str, bytes] | None = None,
        package: Path = caches.PACKAGE,
    ) -> None:
        super().__init__(root, bundled, loaded, package)
        self.folder = folder

    def entry(self, year: str, shard: str, key: str) -> Path:
        return self.folder / year / shard / key

    def fetch(self, year: str, shard: str, key: str) -> Path | None:
        """The built folder of a cached shard, to be linked from, never written to."""
        entry = self.entry(year, shard, key)
        return entry / "site" if (entry / "complete").is_file() else None

    def store(self, year: str, shard: str, key: str, built: Path) -> None:
        """Keep a freshly built shard (hard links to its files), replacing older entries."""
        shard_folder = self.folder / year / shard
        shard_folder.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".new-", dir=shard_folder))
        try:
            link_tree(built, scratch / "site")
            (scratch / "complete").write_text(key + "\n", encoding="utf-8")
            for old in shard_folder.iterdir():
                if old != scratch:
                    shutil.rmtree(old, ignore_errors=True)
            os.replace(scratch, self.entry(year, shard, key))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def published(self, out: Path) -> dict[str, tuple[str, dict[str, str]]]:
        """What the site at `out` holds as this cache last published it: for each folder
        (a version, or `latest`) that is still the very folder published (`_identity`), its
        key and its shards' keys."""
        try:
            sites = json.loads((self.folder / PUBLISHED).read_text(encoding="utf-8"))["sites"]
            recorded = dict(sites.get(str(out), {}))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}  # unknown or unreadable: nothing is taken over
        found: dict[str, tuple[str, dict[str, str]]] = {}
        for name, entry in recorded.items():
            with contextlib.suppress(OSError, ValueError, TypeError, KeyError, AttributeError):
                key, shards, identity = entry["key"], dict(entry["shards"]), entry["identity"]
                if (
                    isinstance(key, str)
                    and all(isinstance(v, str) for v in shards.values())
                    and "/" not in name
                    and name not in ("", ".", "..")
                    and _identity(out / name) == identity
                ):
                    found[name] = (key, shards)
        return found

    def record_published(
        self, out: Path, folders: Mapping[str, tuple[str, Mapping[str, str]]]
    ) -> None:
        """Note what the site just published at `out` holds: each folder's key, its shards'
        keys and the identity of the folder."""
        path = self.folder / PUBLISHED
        try:
            sites = json.loads(path.read_text(encoding="utf-8"))["sites"]
            if not isinstance(sites, dict):
                sites = {}
        except (OSError, ValueError, TypeError, KeyError):
            sites = {}
        try:
            entries = {
                name: {"key": key, "shards": dict(shards), "identity": _identity(out / name)}
                for name, (key, shards) in folders.items()
            }
            sites[str(out)] = entries
            self.folder.mkdir(parents=True, exist_ok=True)
            text = json.dumps({"sites": sites}, indent=1) + "\n"
            caches.write_atomically(path, lambda file: file.write(text.encode("utf-8")))
        except OSError:
            pass  # the site is published; only the next build's shortcut is lost


def _identity(folder: Path) -> list[int]:
    """Which folder this is: its inode, and its modification and change times (a copy made in
    its place, even one keeping its times, gets a new change time; so does a rename)."""
    stat = folder.stat()
    return [stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns]


def link_file(source: str, target: str) -> None:
    """A hard link (the same bytes, nothing copied); a plain copy only across devices."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copy2(source, target)


def link_tree(source: Path, target: Path) -> None:
    """A folder copied as hard links (`target` must not exist). Folder times and permissions
    are not copied: nothing reads them, and copying them was most of the time at scale."""
    target.mkdir(parents=True)
    start, into = str(source), str(target)  # plain strings: Path objects were half the time
    for folder, subfolders, files in os.walk(start):
        there = into + folder[len(start) :]
        for name in subfolders:
            os.mkdir(os.path.join(there, name))
        for name in files:
            link_file(os.path.join(folder, name), os.path.join(there, name))
