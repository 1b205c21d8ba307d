"""Mutation testing of the code whose mistakes the tests must catch: do they?

    python -m bench.mutation [--module NAME ...] [--limit N] [--seed S] [--jobs J] [--list]
                             [--fresh]

NAME is a group (compute, cycle, sanitize, money, caches; default: all five) or one file of a group
(e.g. generator/compute/rag.py). For each file, every mutant is made: one small, plausible
break of one place in its source (the operators below). Each mutant is written, one at a time,
into a copy of the project tree (in a temporary folder: the work tree is never touched) and the
file's own tests run against it (`TARGETS`: only the tests that exercise that file, so a run
takes minutes, not hours). A mutant is

    killed     a test failed (or the mutated module did not even import)
    survived   every test passed: a break no test notices
    timeout    the tests ran past three times their time on the unmutated code (at least 10 s),
               and past three times that again when tried once more (counted with killed in
               the score: an endless loop is noticed)
    error      the tests could not run (collection found nothing, an internal error)
    equivalent listed in bench/mutation_equivalent.txt: a change no test can tell, with the
               reason (its tests are still run, so a listed mutant that is killed is reported)

Each mutant is tried first against only the tests that run the lines it changes, quickest
first (a map made by one run of the file's tests under coverage.py, which is also the check
that they pass unmutated), and against all of them only if those pass; every outcome is kept
in a journal in the project's cache folder, and a later run takes what it still holds from it
instead of running it again (--fresh: run everything): bench/mutation_select.py says when.

With --limit N, each file gets a seeded random sample of at most N of its mutants (--seed, 0 by
default, so two runs sample the same mutants). --jobs J runs J mutants at a time, each in its own
copy (default 1: the machine is shared; run it under `nice`). The tests of a file must pass on
the unmutated copy first, or the file is skipped and reported. Each file prints its counts, its
score (killed and timeout over killed, timeout and survived) and each survivor and timeout as
`path:line (function): `before` -> `after``, so a developer can write the test that is missing
or, for a change nothing could ever tell, add a line to bench/mutation_equivalent.txt. The last
line is always

    mutation: killed=… survived=… timeout=… error=… equivalent=… total=… score=…

and the exit status is 1 when a mutant not listed equivalent survived (or could not be run).

The operators are described in bench/mutants.py.

Why not mutmut or cosmic-ray (both on PyPI): mutmut 3 mutates only inside functions (its
mutants are switched on through a trampoline per function), so the module-level allow-lists of
sanitize.py and the tuple of dependencies in a cache key are never mutated, and it needs a
newer libcst than the one installed here; cosmic-ray mutates the work tree in place, brings
aiohttp, SQLAlchemy and GitPython with it, has no operator that drops a keyword argument, an
element of an allow-list or a statement (the breaks issue 23 found surviving), and no sampling.
This module needs nothing beyond the standard library, pytest and coverage.py.
"""

from __future__ import annotations

import argparse
import glob
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from bench.mutants import PRAGMA, Mutant, mutants
from bench.mutation_select import (
    Journal,
    LineTests,
    digests,
    map_environment,
    map_key,
    read_coverage,
)

__all__ = ["PRAGMA", "Mutant", "mutants"]

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT_FILE = Path(__file__).with_name("mutation_equivalent.txt")
TIMEOUT_FACTOR = 3.0
TIMEOUT_MINIMUM = 10.0
RETRY_FACTOR = 3.0


@dataclass(frozen=True)
class Target:
    """A source file, the functions of it to mutate (None: all of it; `<module>` names its
    top-level statements) and the pytest arguments that run its tests (file globs and node
    ids, relative to the project root; a glob that matches nothing is left out)."""

    path: str
    tests: tuple[str, ...]
    scopes: tuple[str, ...] | None = None


CACHE_TESTS = ("tests/test_cache*.py", "tests/test_load_cache.py", "tests/test_validate_cache.py")
SANITIZE_TESTS = (
    "tests/test_sanitize*.py",
    "tests/test_scan.py",
    "tests/test_hostile.py::test_remote_image_never_reaches_a_published_page",
    "tests/test_hostile_properties.py",
)
TARGETS: dict[str, tuple[Target, ...]] = {
    "compute": (
        Target(
            "generator/compute/allocation.py",
            ("tests/test_compute_allocation.py", "tests/test_funding.py"),
        ),
        Target(
            "generator/compute/rag.py", ("tests/test_compute_rag.py", "tests/test_indicators.py")
        ),
        Target("generator/compute/risk.py", ("tests/test_compute_risk.py",)),
        Target("generator/compute/record.py", ("tests/test_record.py",)),
        *(
            Target(
                f"generator/compute/{name}.py",
                (
                    "tests/test_compute_facts.py",
                    "tests/test_funding.py",
                    "tests/test_indicators.py",
                    "tests/test_services.py",
                    "tests/test_disclosure.py",
                    "tests/test_tables_charts.py",
                    "tests/test_pages.py",
                    "tests/test_open_data.py",
                    "tests/test_golden.py",
                    *(("tests/test_compute_money.py",) if name == "money" else ()),
                ),
            )
            for name in ("facts", "indicators", "money")
        ),
    ),
    "cycle": (
        Target("generator/compute/frozen.py", ("tests/test_frozen.py", "tests/test_new.py")),
        Target("generator/validate/cycle.py", ("tests/test_frozen.py", "tests/test_new.py")),
    ),
    "sanitize": (Target("generator/site/sanitize.py", SANITIZE_TESTS),),
    "money": (
        Target(
            "generator/validate/money.py",
            ("tests/test_funding.py", "tests/test_validate_money.py", "tests/test_validate.py"),
        ),
    ),
    "caches": (
        Target(
            "generator/caches.py",
            CACHE_TESTS,
            (
                "<module>",
                "installed_version",
                "dependency_versions",
                "code_key",
                "source_files",
                "cache_folder",
            ),
        ),
        Target(
            "generator/site/cache.py",
            CACHE_TESTS,
            (
                "<module>",
                "_hash_files",
                "_names",
                "_hash_folder",
                "_tree",
                "ShardKeys",
                "BuildCache.__init__",
            ),
        ),
        Target("generator/load/cache.py", CACHE_TESTS, ("<module>", "code_key")),
        Target(
            "generator/validate/cache.py",
            CACHE_TESTS,
            ("<module>", "code_key", "running_code_key", "year_keys"),
        ),
    ),
}


# ---- running them -------------------------------------------------------------------------

KILLED, SURVIVED, TIMEOUT, ERROR = "killed", "survived", "timeout", "error"
OUTCOMES = (KILLED, SURVIVED, TIMEOUT, ERROR)
IGNORED = shutil.ignore_patterns(
    ".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis"
)
IGNORED_AT_TOP = {"site", "build", "dist", ".ci"}
"""Built output at the project's top (not `generator/site/`, the site stage's package)."""


def copy_tree(root: Path, into: Path) -> Path:
    """A copy of the project at `root` to mutate: its sources, tests and example, without
    bytecode (the tests run with none written, so a mutant is never taken for the module)."""

    def ignored(folder: str, names: list[str]) -> set[str]:
        top = IGNORED_AT_TOP if Path(folder) == root else set()
        return set(IGNORED(folder, names)) | (top & set(names))

    shutil.copytree(root, into, ignore=ignored, symlinks=True)
    return into


def existing_tests(root: Path, tests: Sequence[str]) -> list[str]:
    """The pytest arguments of `tests` that exist under `root` (globs expanded, in order)."""
    found: list[str] = []
    for test in tests:
        path, _, node = test.partition("::")
        matches = (
            sorted(glob.glob(path, root_dir=root)) if any(c in path for c in "*?[") else [path]
        )
        for match in matches:
            if (root / match).is_file():
                found.append(f"{match}::{node}" if node else match)
    return found


class Ran(NamedTuple):
    outcome: str
    seconds: float
    failed: str = ""
    """The node id of the first test that failed, when one did."""


FAILED_FILE = ".mutation-failed"


def run_tests(
    tree: Path, tests: Sequence[str], timeout: float | None, env: dict[str, str] | None = None
) -> Ran:
    """Run `tests` in `tree` (stopping at the first failure): the outcome, the seconds and the
    test that failed. `env` is added to the tests' environment."""
    failed_file = tree / FAILED_FILE
    failed_file.unlink(missing_ok=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    environment.update(
        # the project's bench/ after the tree's: the plugin, for a tree that has none
        PYTHONPATH=os.pathsep.join((str(tree), str(ROOT))),
        PYTHONDONTWRITEBYTECODE="1",  # a mutant must never be cached as the module's bytecode
        PLANS_CACHE_DIR=str(tree / ".cache-mutation"),
        PLANS_MUTATION_FAILED=str(failed_file),
        **(env or {}),
    )
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "bench.mutation_plugin", *tests]
    started = time.perf_counter()
    quiet = subprocess.DEVNULL
    # its own process group: on a timeout, whatever the tests started is stopped with them
    with subprocess.Popen(
        command, cwd=tree, env=environment, stdout=quiet, stderr=quiet, start_new_session=True
    ) as process:
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return Ran(TIMEOUT, time.perf_counter() - started)
    seconds = time.perf_counter() - started
    failed = failed_file.read_text(encoding="utf-8") if failed_file.is_file() else ""
    if returncode == 0:
        return Ran(SURVIVED, seconds)
    if returncode in (1, 2):  # tests failed; interrupted (the mutant did not import)
        return Ran(KILLED, seconds, failed)
    return Ran(ERROR, seconds)


def map_tests(tree: Path, tests: Sequence[str], files: Sequence[str]) -> LineTests | None:
    """Run `tests` in `tree` once, unmutated, measuring which of them runs each line of
    `files`: None when they do not all pass."""
    data_file = tree / ".mutation-map"
    for stale in tree.glob(".mutation-map*"):
        stale.unlink()
    ran = run_tests(tree, tests, None, map_environment(tree, files, data_file))
    if ran.outcome != SURVIVED:
        return None
    return read_coverage(tree, data_file, ran.seconds)


@dataclass
class FileResult:
    target: Target
    tests: list[str]
    available: int
    outcomes: list[tuple[Mutant, str]] = field(default_factory=list)
    baseline: float = 0.0
    skipped: str = ""
    quick: int = 0
    """Mutants killed by the tests that run their lines, tried first."""
    whole: int = 0
    """Mutants tried against every test of the file."""
    known: int = 0
    """Mutants whose outcome the journal knew."""


def read_equivalent(path: Path = EQUIVALENT_FILE) -> dict[str, str]:
    """The mutants known to be equivalent, by `Mutant.ident`, with the reason given."""
    known: dict[str, str] = {}
    if not path.is_file():
        return known
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            parts = line.split(" | ")
            if len(parts) != 4:
                raise SystemExit(f"{path}: expected 'path | scope | change | reason': {line}")
            known[" | ".join(parts[:3])] = parts[3]
    return known


def sample(found: list[Mutant], limit: int | None, seed: int) -> list[Mutant]:
    """At most `limit` of the mutants, chosen by `seed`, in source order."""
    if limit is None or len(found) <= limit:
        return found
    chosen = random.Random(seed).sample(range(len(found)), limit)
    return [found[i] for i in sorted(chosen)]


def _test_map(
    tree: Path, tests: list[str], files: Sequence[str], journal: Journal | None
) -> LineTests | None:
    """The map of `tests` over `files`, kept beside the journal for the next file measured with
    the same tests (and the next run, while the tree is as it was)."""
    kept = None
    if journal is not None:
        kept = journal.path.parent / "maps" / f"{map_key(journal.state, tests, files)}.json"
        if kept.is_file():
            return LineTests.from_json(kept.read_text(encoding="utf-8"))
    test_map = map_tests(tree, tests, files)
    if kept is not None and test_map is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(test_map.to_json(), encoding="utf-8")
    return test_map


def run_target(
    root: Path,
    trees: queue.Queue[Path],
    target: Target,
    limit: int | None,
    seed: int,
    jobs: int,
    report: Callable[[Mutant, str], None] = lambda mutant, outcome: None,
    journal: Journal | None = None,
    measured: Sequence[str] = (),
) -> FileResult:
    """Mutate one file: each sampled mutant written into a tree of `trees`, its tests run (those
    that run its lines first, then all). `measured`: the files whose map of tests is made
    together with this one's (they have the same tests); `journal`: outcomes already known."""
    tests = existing_tests(root, target.tests)
    original = (root / target.path).read_text(encoding="utf-8")
    found = mutants(original, target.path, target.scopes)
    result = FileResult(target, tests, len(found))
    if not tests:
        result.skipped = "no test file of it exists"
        return result
    tree = trees.get()
    try:
        test_map = _test_map(tree, tests, sorted({target.path, *measured}), journal)
    finally:
        trees.put(tree)
    if test_map is None:
        result.skipped = "its tests do not pass on the unmutated code: a test fails"
        return result
    result.baseline = test_map.wall
    timeout = max(TIMEOUT_MINIMUM, TIMEOUT_FACTOR * result.baseline)

    def tried(mutant: Mutant, tree: Path) -> tuple[Ran, str]:
        covering = test_map.covering(mutant.path, mutant.line, max(mutant.line, mutant.last))
        if covering:
            ran = run_tests(tree, covering, timeout)
            if ran.outcome == KILLED:
                return ran, "quick"
        ran = run_tests(tree, tests, timeout)
        if ran.outcome == TIMEOUT:  # once more, longer: a busy machine is not an endless loop
            ran = run_tests(tree, tests, RETRY_FACTOR * timeout)
        return ran, "whole"

    def one(mutant: Mutant) -> tuple[Mutant, str, str]:
        outcome = journal.known(mutant, tests) if journal is not None else None
        if outcome is not None:
            report(mutant, outcome)
            return mutant, outcome, "known"
        tree = trees.get()
        file = tree / mutant.path
        try:
            file.write_text(mutant.source, encoding="utf-8")
            ran, how = tried(mutant, tree)
        finally:
            file.write_text(original, encoding="utf-8")
            trees.put(tree)
        if journal is not None:
            journal.record(mutant, tests, ran.outcome, ran.failed)
        report(mutant, ran.outcome)
        return mutant, ran.outcome, how

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        done = list(pool.map(one, sample(found, limit, seed)))
    result.outcomes = [(mutant, outcome) for mutant, outcome, _ in done]
    hows = [how for _, _, how in done]
    result.quick, result.whole, result.known = (hows.count(h) for h in ("quick", "whole", "known"))
    return result


@dataclass
class Score:
    killed: int = 0
    survived: int = 0
    timeout: int = 0
    error: int = 0
    equivalent: int = 0
    total: int = 0

    def add(self, outcome: str, equivalent: bool) -> None:
        self.total += 1
        if equivalent and outcome == SURVIVED:
            self.equivalent += 1
        else:
            setattr(self, outcome, getattr(self, outcome) + 1)

    def __iadd__(self, other: Score) -> Score:
        for name in ("killed", "survived", "timeout", "error", "equivalent", "total"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def score(self) -> float:
        judged = self.killed + self.timeout + self.survived
        return 100.0 * (self.killed + self.timeout) / judged if judged else float("nan")

    def line(self) -> str:
        return (
            f"killed={self.killed} survived={self.survived} timeout={self.timeout} "
            f"error={self.error} equivalent={self.equivalent} total={self.total} "
            f"score={self.score:.1f}%"
        )


def score_of(result: FileResult, equivalent: dict[str, str]) -> Score:
    score = Score()
    for mutant, outcome in result.outcomes:
        score.add(outcome, mutant.ident in equivalent)
    return score


def describe(result: FileResult, equivalent: dict[str, str]) -> list[str]:
    """The lines printed for one file: its counts and score, then each survivor."""
    target = result.target
    if result.skipped:
        return [f"{target.path}: skipped: {result.skipped}"]
    score = score_of(result, equivalent)
    lines = [
        f"{target.path}: {score.total} of {result.available} mutants, tests "
        f"{' '.join(result.tests)} ({result.baseline:.1f} s unmutated)",
        f"  {score.line()}",
    ]
    # two mutants may share an ident (the same change twice in a function): a listed one
    # killed is worth a word only if none of its namesakes survived
    surviving = {mutant.ident for mutant, outcome in result.outcomes if outcome == SURVIVED}
    for mutant, outcome in result.outcomes:
        listed = mutant.ident in equivalent
        if outcome == SURVIVED and not listed:
            lines.append(f"  survived {mutant}")
        elif outcome in (TIMEOUT, ERROR) and not listed:
            lines.append(f"  {outcome:8} {mutant}")
        elif listed and outcome != SURVIVED and mutant.ident not in surviving:
            lines.append(f"  listed equivalent but {outcome}: {mutant}")
    return lines


def resolve(names: Sequence[str]) -> list[Target]:
    """The targets named: groups, or single files of a group."""
    chosen: list[Target] = []
    every = [t for group in TARGETS.values() for t in group]
    for name in names or list(TARGETS):
        if name in TARGETS:
            picked = list(TARGETS[name])
        else:
            picked = [t for t in every if t.path == name or t.path.endswith(f"/{name}")]
            if not picked:
                groups = ", ".join(TARGETS)
                raise SystemExit(f"unknown module {name!r}: a group ({groups}) or one of its files")
        chosen += [t for t in picked if t not in chosen]
    return chosen


def journal_folder(root: Path) -> Path:
    """Where the journal and the maps of tests are kept: the project's cache folder."""
    from generator.caches import cache_folder

    return cache_folder(root) / "mutation"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mutation", description=__doc__)
    parser.add_argument("--module", action="append", default=[], metavar="NAME")
    parser.add_argument("--limit", type=int, default=None, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, metavar="J")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--fresh", action="store_true", help="run every mutant, known or not")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    targets = [t for t in resolve(args.module) if (root / t.path).is_file()]
    for target in targets:  # a scope that names nothing is a stale target, not an empty run
        try:
            mutants((root / target.path).read_text(encoding="utf-8"), target.path, target.scopes)
        except ValueError as exc:
            raise SystemExit(str(exc)) from None
    equivalent = read_equivalent()
    if args.list:
        for target in targets:
            text = (root / target.path).read_text(encoding="utf-8")
            for mutant in sample(mutants(text, target.path, target.scopes), args.limit, args.seed):
                print(mutant)
        return 0
    total = Score()
    journal = Journal(journal_folder(root), digests(root))
    if args.fresh:
        journal.records.clear()
    with tempfile.TemporaryDirectory(prefix="plans-mutation-") as scratch:
        trees: queue.Queue[Path] = queue.Queue()
        for n in range(max(1, args.jobs)):
            trees.put(copy_tree(root, Path(scratch) / f"tree{n}"))
        for target in targets:
            started = time.perf_counter()
            measured = [t.path for t in targets if t.tests == target.tests]
            result = run_target(
                root,
                trees,
                target,
                args.limit,
                args.seed,
                max(1, args.jobs),
                journal=journal,
                measured=measured,
            )
            for line in describe(result, equivalent):
                print(line, flush=True)
            seconds = time.perf_counter() - started
            print(
                f"  ({seconds:.0f} s; {result.quick} killed by the tests that run their lines, "
                f"{result.whole} run against all, {result.known} known from {journal.path})",
                flush=True,
            )
            total += score_of(result, equivalent)
            if result.skipped:
                total.error += 1
    print(f"mutation: {total.line()}", flush=True)
    return 1 if total.survived or total.error else 0


if __name__ == "__main__":
    sys.exit(main())
