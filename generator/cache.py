"""The build cache: a version (financial year) whose inputs did not change is not rebuilt.

A version's key is a hash of everything its pages can depend on: the generator's own code and
bundled theme, the project's theme and mkdocs.yml, the reference data, every partnership.yml,
every plan file of that year and of earlier years (trends and "what changed" look back), the
build options, which partnerships the latest version has (older pages link to them), and the
build date. Anything not in the key cannot change the pages, so the cache cannot serve a stale
version; when in doubt something belongs in the key. Entries are whole built version folders,
copied in and out, so the published site never shares files with the cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

FORMAT = "1"
YEAR_FOLDER_LENGTH = len("2024-25")


def _hash_files(digest: hashlib._Hash, root: Path, paths: Iterable[Path]) -> None:
    for path in sorted(paths):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def _tree(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []


class BuildCache:
    """Built versions by key, under one folder (by default `.cache/plans-build` in the project)."""

    def __init__(self, folder: Path, root: Path, bundled: Path) -> None:
        self.folder = folder
        self.root = root
        common = hashlib.sha256(f"partnership-plans cache {FORMAT}\0".encode())
        code = [p for p in _tree(bundled / "generator") if p.suffix == ".py"]  # not __pycache__
        _hash_files(common, bundled, code + _tree(bundled / "theme"))
        _hash_files(common, bundled, [bundled / "mkdocs.yml"])
        _hash_files(common, root, [*_tree(root / "theme"), root / "mkdocs.yml"])
        _hash_files(common, root, _tree(root / "data"))
        _hash_files(common, root, (root / "plans").glob("*/partnership.yml"))
        self._common = common.digest()
        self._years: dict[str, bytes] = {}
        for year_folder in sorted((root / "plans").glob("*/*")):
            if year_folder.is_dir() and len(year_folder.name) == YEAR_FOLDER_LENGTH:
                digest = hashlib.sha256()
                _hash_files(digest, root, year_folder.glob("*"))
                year = year_folder.name
                self._years[year] = hashlib.sha256(
                    self._years.get(year, b"") + digest.digest()
                ).digest()

    def key(self, year: str, options: Iterable[str]) -> str:
        """The key of one version: common inputs, this and earlier years' plans, options."""
        digest = hashlib.sha256(self._common)
        for other in sorted(self._years):
            if other <= year:
                digest.update(other.encode() + b"\0" + self._years[other])
        for option in options:
            digest.update(option.encode() + b"\0")
        return digest.hexdigest()

    def entry(self, year: str, key: str) -> Path:
        return self.folder / year / key

    def fetch(self, year: str, key: str, target: Path) -> bool:
        """Copy a cached version into `target`; False when there is none."""
        entry = self.entry(year, key)
        if not (entry / "complete").is_file():
            return False
        shutil.copytree(entry / "site", target)
        return True

    def store(self, year: str, key: str, built: Path) -> None:
        """Keep a freshly built version, replacing older entries of the same year."""
        year_folder = self.folder / year
        year_folder.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".new-", dir=year_folder))
        try:
            shutil.copytree(built, scratch / "site")
            (scratch / "complete").write_text(key + "\n", encoding="utf-8")
            for old in year_folder.iterdir():
                if old != scratch:
                    shutil.rmtree(old, ignore_errors=True)
            os.replace(scratch, self.entry(year, key))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
