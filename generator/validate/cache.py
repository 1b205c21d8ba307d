"""Stage 3, validate: what each financial year's files were last found to have wrong, kept by
the hashes of every file that could change it, so that checking a project again types and
validates only the years an edit can change.

Every rule checks a plan year against its own year, the reference data and the partnerships
(`partnership.yml`); one also reads the partnership's previous plan year (a priority that
`continues` one of last year's). So the problems of a year's files follow from: the code, the
reference data and every `partnership.yml`, the year's plan files, and the files of the
previous plan year of each partnership in it. A year's key is a hash of exactly those; a year
whose key is on record, from a run whose files all loaded and typed with no problem, is not
typed or checked again: its problems are those on record, with those its check found in a file
every year shares that follow from its plans (a pot's printed total against the year's
allocations). Any edit changes the key of its own year and of the partnership's next plan year,
which are checked afresh (with every file they read typed); an edit to the reference data or a
`partnership.yml`, adding or removing a plan year (a cut names the years it reduces), or a
change to the code, changes every key. A test holds every rule to this
(tests/test_validate_cache.py).

A year on record also keeps the hash of each of its files: when the year is checked again,
those of its files that have not changed typed with no problem before, so they are typed only
when a rule reads them (`typed_before`): the edited file is typed at once, to find a file that
does not fit before anything else is done.

The record is one file (`years.record`) beside the load cache's pack, written with `marshal`
under a checksum and a key of the code (the generator's source, pydantic and the load cache's
own key). A record that is missing, corrupt or from other code is ignored: everything is then
validated, as without a cache.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from generator import caches
from generator.load import FoundFile
from generator.load import cache as load_cache
from generator.problems import Problem, Severity

MAGIC = b"plans validate record 3\n"
RECORD = "years.record"

YearKeys = dict[str, bytes | None]
"""Each financial year's key; None where a file it depends on is not known yet (or changed)."""


def code_key(package: Path = caches.PACKAGE) -> bytes:
    """What problems depend on besides the files: all of the generator's code (rules, models
    and the messages they write), pydantic, and what the load cache's data depend on."""
    return caches.code_key(
        MAGIC,
        caches.source_files(package),
        package,
        dependencies=("pydantic", "pydantic-core"),
        extra=(load_cache.code_key(package).hex(),),
    )


@functools.cache
def running_code_key() -> bytes:
    """`code_key` of the code running now, worked out once a process (`year_keys` asks for it
    every run, and it reads every generator file)."""
    return code_key()


def year_keys(
    found: Sequence[FoundFile], names: Sequence[str], digests: Mapping[str, bytes | None]
) -> YearKeys:
    """The key of every financial year with a plan year in it (see the module's docstring).

    `names` are the found files' names; `digests` the sha256 of the bytes of each, None (or
    missing) when not known: a year that depends on such a file has the key None."""
    common = hashlib.sha256(running_code_key())
    shared: list[str] = []
    files: dict[tuple[str, str], list[str]] = {}
    plan_years: dict[str, list[str]] = {}
    for item, name in zip(found, names, strict=True):
        if item.year is None:
            shared.append(name)
        else:
            files.setdefault((str(item.partnership), item.year), []).append(name)
            if item.kind == "plan":
                plan_years.setdefault(str(item.partnership), []).append(item.year)

    for name in sorted(shared):
        known = digests.get(name)
        if known is None:
            return {year: None for year in _years(found)}
        common.update(name.encode() + b"\0" + known)

    def hashed(partnership: str, year: str) -> bytes | None:
        digest = hashlib.sha256(f"{partnership}/{year}\0".encode())
        for name in sorted(files[(partnership, year)]):
            known = digests.get(name)
            if known is None:
                return None
            digest.update(name.encode() + b"\0" + known)
        return digest.digest()

    # which plan years there are: a cut is warned about when it reduces a year its partnership
    # has no plan for (money.cuts_fall_in_year), so adding or removing one checks every year
    for partnership, years in sorted(plan_years.items()):
        common.update(f"{partnership}:{','.join(sorted(years))}\n".encode())
    by_year: dict[str, Any] = {}
    unknown: set[str] = set()
    for (partnership, year), _ in sorted(files.items()):
        own = hashed(partnership, year)
        earlier = [y for y in plan_years.get(partnership, ()) if y < year]
        if year not in plan_years.get(partnership, ()):
            previous: bytes | None = b"no plan.yml"
        else:
            previous = hashed(partnership, max(earlier)) if earlier else b"none"
        digest = by_year.setdefault(year, hashlib.sha256(common.digest()))
        if own is None or previous is None:
            unknown.add(year)
        else:
            digest.update(own + previous)
    keys: YearKeys = {year: digest.digest() for year, digest in by_year.items()}
    keys.update((year, None) for year in unknown)
    return dict(sorted(keys.items()))


def _years(found: Iterable[FoundFile]) -> set[str]:
    return {item.year for item in found if item.year is not None}


class ValidateCache:
    """The years on record in one folder; `update` records this run's and writes them."""

    def __init__(self, folder: Path, root: Path) -> None:
        """Read the record in `folder`; a folder inside the project's plans/ or data/ is never
        written (as for the load cache)."""
        self.folder = folder
        self._key = running_code_key()
        self._years = _read_record(folder / RECORD, self._key)
        sources = [(root / name).resolve() for name in ("plans", "data")]
        self._writable = not any(folder.resolve().is_relative_to(s) for s in sources)

    def typed_before(self, name: str, digest: bytes | None) -> bool:
        """Whether the plan file `name` is one of a year on record with these bytes: it typed
        with no problem then, so it needs no typing until something reads it (when the year
        is checked again because another of its files changed)."""
        year = _year_of(name)
        entry = self._years.get(year) if year is not None else None
        return digest is not None and entry is not None and entry[2].get(name) == digest

    def unchanged(self, keys: YearKeys) -> set[str]:
        """The years whose key is the one on record: their files need no typing or checking."""
        return {
            year
            for year, key in keys.items()
            if key is not None and year in self._years and self._years[year][0] == key
        }

    def replay(self, years: Iterable[str]) -> list[Problem]:
        """The problems on record for the files of `years`."""
        return [
            Problem(Severity(severity), *rest)
            for year in sorted(years)
            for severity, *rest in self._years[year][1]
        ]

    def update(
        self,
        keys: YearKeys,
        checked: Iterable[str],
        problems: Iterable[Problem],
        digests: Mapping[str, bytes | None],
    ) -> None:
        """Record the years `checked` in this run (every file in them and the reference data
        typed with no problem, every rule run) with the problems found in their files, or in a
        file every year shares where the problem names the year it follows from (a pot's
        printed total against the year's allocations), and the hash of each of their files
        (`digests`, by name); drop years the project no longer has, and write the record if it
        changed."""
        checked = set(checked)
        files: dict[str, dict[str, bytes]] = {year: {} for year in checked}
        for name, digest in digests.items():
            year = _year_of(name)
            if year in files and digest is not None:
                files[year][name] = digest
        years = {year: kept for year, kept in self._years.items() if keys.get(year) == kept[0]}
        found: dict[str, list[tuple[Any, ...]]] = {year: [] for year in checked}
        for problem in problems:
            year = _year_of(problem.file) or problem.year
            if year in found:
                found[year].append(
                    (problem.severity.value, problem.file, problem.line, problem.column,
                     problem.field, problem.message)
                )  # fmt: skip
        for year in checked:
            key = keys.get(year)
            if key is not None:
                years[year] = (key, sorted(set(found[year])), files[year])
        if years == self._years or not self._writable:
            return
        self._years = years
        blob = marshal.dumps(years)

        def write(file: BinaryIO) -> None:
            file.write(MAGIC + self._key + hashlib.sha256(blob).digest() + blob)

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            caches.write_atomically(self.folder / RECORD, write)
        except OSError:
            return  # an unwritable record only makes the next run slower


def _year_of(file: str) -> str | None:
    """The financial year of a plan file (plans/<partnership>/<year>/<kind>.yml), else None."""
    parts = file.split("/")
    return parts[2] if len(parts) == 4 and parts[0] == "plans" else None


_Year = tuple[bytes, list[tuple[Any, ...]], dict[str, bytes]]
"""A year on record: its key, the problems of its files, and the hash of each of its files."""


def _read_record(path: Path, key: bytes) -> dict[str, _Year]:
    """The years of a record written under `key`; none if it is missing, corrupt or of other
    code."""
    checked = load_cache.read_checked(path, MAGIC, key)
    if checked is None:
        return {}
    try:
        years = marshal.loads(memoryview(checked[0])[checked[1] :])
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(years, dict) or not all(_well_formed(k, v) for k, v in years.items()):
        return {}
    return years


def _well_formed(year: Any, entry: Any) -> bool:
    return (
        isinstance(year, str)
        and isinstance(entry, tuple)
        and len(entry) == 3
        and isinstance(entry[0], bytes)
        and isinstance(entry[1], list)
        and isinstance(entry[2], dict)
        and all(isinstance(n, str) and isinstance(d, bytes) for n, d in entry[2].items())
        and all(
            isinstance(p, tuple)
            and len(p) == 6
            and p[0] in ("error", "warning")
            and isinstance(p[1], str)
            and isinstance(p[2], int)
            and isinstance(p[3], int)
            and isinstance(p[4], str)
            and isinstance(p[5], str)
            for p in entry[1]
        )
    )
