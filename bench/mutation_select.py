"""What makes a full mutation run (bench.mutation) take hours and not days: the tests tried
first, and what earlier runs found.

The map. One run of a file's tests under coverage.py (bench/mutation_plugin.py) records which
test runs each line of it, and how long each test took; that run is also the check that the
tests pass on the unmutated code. A mutant is then tried first against only the tests that run
its lines, quickest first, stopping at the first failure. Only when they all pass is it tried
against every test of its file, so nothing is called a survivor on the map's word: the map can
only make a kill quicker (what a forked build worker runs, for instance, is not in it).

The journal. Each outcome is kept (JSON lines, in the project's cache folder), so that a run
stopped part way, or run again after tests were written, does not run again what it knows:

  - a killed mutant stays killed while its file (whose every byte the journal's key of a
    mutant covers), the test that failed (its function, and its module's code other than
    its test functions) and the tests' shared files
    (everything under tests/ but the test_*.py files) are as they were (as Stryker's
    incremental mode reuses a kill): an edit elsewhere in the code rarely saves a mutant, and
    a run after one would otherwise start again from nothing. A timeout (an endless loop,
    which names no test) holds while its file and the shared files do;
  - any other outcome is known only while all of the code (every file but those of
    `NOT_CODE`, such as tests/, docs/ and bench/, and the top-level Markdown files) and every
    test file are as they were, and the file's tests are the same list.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.mutants import Mutant

NOT_CODE = {"tests", "docs", "bench", ".git", ".ci", "site", "build", "dist", ".venv"}
"""Top-level folders that are not what the tests test; nor are the top-level Markdown files."""
SKIPPED_NAMES = {"__pycache__", ".hypothesis", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
JOURNAL_NAME = "journal.jsonl"


def _files(root: Path, part: Path) -> list[Path]:
    found: list[Path] = []
    for folder, names, files in os.walk(part):
        names[:] = sorted(n for n in names if n not in SKIPPED_NAMES)
        if Path(folder) == root:
            names[:] = [n for n in names if n not in NOT_CODE]
            files = [f for f in files if not f.endswith(".md")]
        found += [Path(folder) / f for f in sorted(files)]
    return found


def _digest_of(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _test_digests(text: str) -> dict[str, str]:
    """Each top-level test function of a test module, by name: the digest of its own source
    (decorators included) and of the module's other code (imports, constants, helpers,
    fixtures: every line that is not blank and not in a test function). A test written, or
    changed, beside it leaves it alone."""
    try:
        module = ast.parse(text)
    except SyntaxError:
        return {}
    lines = text.splitlines(keepends=True)
    spans: dict[str, tuple[int, int]] = {}
    for node in module.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(
            "test"
        ):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            spans[node.name] = (first - 1, node.end_lineno or node.lineno)
    tests = {n for first, last in spans.values() for n in range(first, last)}
    common = "".join(line for n, line in enumerate(lines) if n not in tests and line.strip())
    base = hashlib.sha256(common.encode()).hexdigest()
    return {
        name: hashlib.sha256((base + "".join(lines[first:last])).encode()).hexdigest()
        for name, (first, last) in spans.items()
    }


@dataclass(frozen=True)
class Digests:
    """The state of a project tree that outcomes depend on."""

    code: str
    support: str
    test_files: dict[str, str] = field(hash=False)
    test_functions: dict[str, dict[str, str]] = field(hash=False, default_factory=dict)

    @property
    def tests(self) -> str:
        return hashlib.sha256(json.dumps(sorted(self.test_files.items())).encode()).hexdigest()

    def tests_of(self, tests: Sequence[str]) -> str:
        """The digest of the test files `tests` (pytest arguments: files, node ids, folders)
        name: what a survivor rests on besides the code and the shared files."""
        places = {test.partition("::")[0].rstrip("/") for test in tests}
        chosen = sorted(
            (file, digest)
            for file, digest in self.test_files.items()
            if file in places or any(file.startswith(f"{place}/") for place in places)
        )
        return hashlib.sha256(json.dumps(chosen).encode()).hexdigest()

    def test_digest(self, node: str) -> str:
        """What a kill by the test `node` rests on: its function (see `_test_digests`), or its
        whole file for a test that is not a module's function (a method of a class)."""
        file, _, rest = node.partition("::")
        name = rest.partition("[")[0]
        return self.test_functions.get(file, {}).get(name) or self.test_files.get(file, "")


def digests(root: Path) -> Digests:
    code = _digest_of(_files(root, root), root)
    support: list[Path] = []
    test_files: dict[str, str] = {}
    test_functions: dict[str, dict[str, str]] = {}
    for path in _files(root, root / "tests"):
        if path.name.startswith("test_") and path.suffix == ".py":
            relative = path.relative_to(root).as_posix()
            data = path.read_bytes()
            test_files[relative] = hashlib.sha256(data).hexdigest()
            test_functions[relative] = _test_digests(data.decode("utf-8", "replace"))
        else:
            support.append(path)
    return Digests(code, _digest_of(support, root), test_files, test_functions)


def mutant_key(mutant: Mutant) -> str:
    return hashlib.sha256(f"{mutant.path}\0{mutant.source}".encode()).hexdigest()


class Journal:
    """The outcomes of earlier runs, in `folder`/journal.jsonl, for the tree `state` describes."""

    def __init__(self, folder: Path, state: Digests) -> None:
        self.path = folder / JOURNAL_NAME
        self.state = state
        self.lock = threading.Lock()
        self.records: dict[str, list[dict[str, Any]]] = {}
        folder.mkdir(parents=True, exist_ok=True)
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                    self.records.setdefault(record["key"], []).append(record)
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a stopped run

    def known(self, mutant: Mutant, tests: Sequence[str]) -> str | None:
        """The outcome of `mutant` an earlier run found, if it still holds."""
        state = self.state
        for record in reversed(self.records.get(mutant_key(mutant), [])):
            if record.get("support") != state.support:
                continue
            if record.get("outcome") in ("killed", "timeout"):  # a timeout names no test
                killer = record.get("killer", "")  # records kept before it named the file
                file = killer.partition("::")[0] or record.get("killer_file", "")
                digest = record.get("killer_digest")
                if (
                    not file
                    or (killer and state.test_digest(killer) == digest)
                    or state.test_files.get(file) == digest  # a record kept before "killer"
                ):
                    return str(record["outcome"])
            elif (
                record.get("code") == state.code
                and record.get("test_list") == list(tests)
                and (
                    record.get("tests") == state.tests
                    or record.get("own_tests") == state.tests_of(tests)
                )
            ):
                return str(record["outcome"])
        return None

    def record(self, mutant: Mutant, tests: Sequence[str], outcome: str, failed: str) -> None:
        if outcome == "error":
            return  # not an outcome to keep: the run could not say
        record: dict[str, Any] = {
            "key": mutant_key(mutant),
            "mutant": str(mutant),
            "outcome": outcome,
            "code": self.state.code,
            "support": self.state.support,
            "tests": self.state.tests,
            "own_tests": self.state.tests_of(tests),
            "test_list": list(tests),
            "killer": failed,
            "killer_digest": self.state.test_digest(failed) if failed else "",
        }
        with self.lock:
            self.records.setdefault(record["key"], []).append(record)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")


@dataclass
class LineTests:
    """Which tests run each line of the measured files, and how long each test took."""

    lines: dict[str, dict[int, list[str]]]
    seconds: dict[str, float]
    failed: list[str]
    wall: float

    def covering(self, path: str, first: int, last: int) -> list[str]:
        """The tests that run any of the lines `first`..`last` of `path`, quickest first."""
        of_file = self.lines.get(path, {})
        nodes: set[str] = set()
        for line in range(first, max(first, last) + 1):
            nodes.update(of_file.get(line, ()))
        return sorted(nodes, key=lambda node: (self.seconds.get(node, 0.0), node))

    def to_json(self) -> str:
        lines = {p: {str(n): t for n, t in m.items()} for p, m in self.lines.items()}
        data = {"lines": lines, "seconds": self.seconds, "failed": self.failed, "wall": self.wall}
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> LineTests:
        data = json.loads(text)
        lines = {p: {int(n): t for n, t in m.items()} for p, m in data["lines"].items()}
        return cls(lines, data["seconds"], data["failed"], data["wall"])


def read_coverage(tree: Path, data_file: Path, wall: float) -> LineTests:
    """The map from what bench/mutation_plugin.py wrote in `tree` (paths relative to it)."""
    import coverage

    data = coverage.CoverageData(basename=str(data_file))
    data.read()
    lines: dict[str, dict[int, list[str]]] = {}
    for measured in data.measured_files():
        by_line = data.contexts_by_lineno(measured)
        relative = Path(measured).resolve().relative_to(tree.resolve()).as_posix()
        lines[relative] = {n: sorted(c for c in ctx if c) for n, ctx in by_line.items()}
    tests = json.loads(Path(f"{data_file}.json").read_text(encoding="utf-8"))
    seconds = {node: float(t["seconds"]) for node, t in tests.items()}
    failed = sorted(node for node, t in tests.items() if not t["passed"])
    return LineTests(lines, seconds, failed, wall)


def map_key(state: Digests, tests: Sequence[str], files: Sequence[str]) -> str:
    text = json.dumps([state.code, state.support, state.tests, list(tests), sorted(files)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def map_environment(tree: Path, files: Sequence[str], data_file: Path) -> dict[str, str]:
    """What bench/mutation_plugin.py reads to measure `files` of `tree` into `data_file`."""
    return {
        "PLANS_MUTATION_MAP": str(data_file),
        "PLANS_MUTATION_FILES": os.pathsep.join(str(tree / f) for f in files),
    }
