"""Mutation testing of the code whose mistakes the tests must catch: do they?

    python -m bench.mutation [--module NAME ...] [--limit N] [--seed S] [--jobs J] [--list]

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

The operators, applied one at a time to the AST and spliced into the source as text (so the
rest of the file, its line numbers and its comments, are unchanged): a comparison flipped
(`<` to `<=` and `>=`, `==` to `!=`, `in` to `not in`, `is` to `is not`), an arithmetic or set
operator swapped (`+`/`-`, `*`/`/`, `//`, `%`, `|`/`&`, also in `+=` and the like), a number
one more and one less, `True` and `False` swapped, a string changed ('XX' around it), `and`/`or`
swapped, a `not` or a unary minus removed, a condition negated, an element dropped from a list,
tuple or set literal and an entry from a dict literal (allow-lists, the parts of a key), a
keyword argument dropped from a call, a call of one argument replaced by its argument, and a
statement (an expression or call, an augmented or
attribute assignment, an `if`, a `raise`, `break`, `continue`) replaced by `pass`. Docstrings,
annotations, f-strings, decorators, subscripts (generic types such as `dict[str, int]`) and
lines marked `# pragma: no mutate` are left alone.

Why not mutmut or cosmic-ray (both on PyPI): mutmut 3 mutates only inside functions (its
mutants are switched on through a trampoline per function), so the module-level allow-lists of
sanitize.py and the tuple of dependencies in a cache key are never mutated, and it needs a
newer libcst than the one installed here; cosmic-ray mutates the work tree in place, brings
aiohttp, SQLAlchemy and GitPython with it, has no operator that drops a keyword argument, an
element of an allow-list or a statement (the breaks issue 23 found surviving), and no sampling.
This module needs nothing beyond the standard library and pytest.
"""

from __future__ import annotations

import argparse
import ast
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
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENT_FILE = Path(__file__).with_name("mutation_equivalent.txt")
PRAGMA = "pragma: no mutate"
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
                    "tests/test_site.py",
                ),
            )
            for name in ("facts", "indicators", "money")
        ),
    ),
    "cycle": (
        Target("generator/compute/frozen.py", ("tests/test_frozen.py", "tests/test_publish.py")),
        Target("generator/validate/cycle.py", ("tests/test_frozen.py", "tests/test_publish.py")),
    ),
    "sanitize": (Target("generator/site/sanitize.py", SANITIZE_TESTS),),
    "money": (
        Target("generator/validate/money.py", ("tests/test_funding.py", "tests/test_validate.py")),
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
                "BuildCache.__init__",
                "BuildCache.key",
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


@dataclass(frozen=True)
class Mutant:
    """One change to one file: `before` (the source text it replaces) by `after`; `dropped`,
    when the change drops a part of it (an element, an entry, a keyword argument)."""

    path: str
    line: int
    scope: str
    before: str
    after: str
    source: str = field(repr=False)
    dropped: str = ""

    @property
    def change(self) -> str:
        if self.dropped:
            return f"`{_short(self.dropped)}` dropped"
        return f"`{_short(self.before)}` -> `{_short(self.after)}`"

    @property
    def ident(self) -> str:
        """How bench/mutation_equivalent.txt names it: without the line, which edits move."""
        return f"{self.path} | {self.scope} | {self.change}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line} ({self.scope}): {self.change}"


def _short(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


# ---- making mutants -----------------------------------------------------------------------

COMPARISONS: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Lt: (ast.LtE, ast.GtE),
    ast.LtE: (ast.Lt, ast.Gt),
    ast.Gt: (ast.GtE, ast.LtE),
    ast.GtE: (ast.Gt, ast.Lt),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
}
DROPPED_STATEMENTS = (ast.Expr, ast.AugAssign, ast.If, ast.Raise, ast.Break, ast.Continue)

# (node to replace, its replacement: a node of the same kind, or None for `pass` in place of a
# statement)
Located = ast.expr | ast.stmt | ast.keyword
# or, when the edit drops a part of the node (an element, an entry, a keyword argument), with
# the first and last nodes of that part, which is how the mutant is shown
Edit = tuple[Located, ast.AST | None] | tuple[Located, ast.AST | None, tuple[Located, Located]]


def _expression_edits(node: ast.expr) -> Iterator[Edit]:
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            for other in COMPARISONS.get(type(op), ()):
                ops = [*node.ops[:i], other(), *node.ops[i + 1 :]]
                yield node, ast.Compare(node.left, ops, node.comparators)
    elif isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
        yield node, ast.BinOp(node.left, ARITHMETIC[type(node.op)](), node.right)
    elif isinstance(node, ast.BoolOp):
        yield node, ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), node.values)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        yield node, node.operand
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            yield node, ast.Constant(not value)
        elif isinstance(value, (int, float)):
            yield node, ast.Constant(value + 1)
            yield node, ast.Constant(value - 1)
        elif isinstance(value, str):
            yield node, ast.Constant(f"XX{value}XX")
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)) and isinstance(
        getattr(node, "ctx", ast.Load()), ast.Load
    ):
        for i, element in enumerate(node.elts):
            if not isinstance(element, ast.Starred):
                rest = [*node.elts[:i], *node.elts[i + 1 :]]
                if isinstance(node, ast.Set):
                    yield node, ast.Set(rest), (element, element)
                else:
                    yield node, type(node)(rest, ast.Load()), (element, element)
    elif isinstance(node, ast.Dict):
        for i, key in enumerate(node.keys):
            if key is not None:
                keys = [*node.keys[:i], *node.keys[i + 1 :]]
                values = [*node.values[:i], *node.values[i + 1 :]]
                yield node, ast.Dict(keys, values), (key, node.values[i])
    elif isinstance(node, ast.Call):
        for i, keyword in enumerate(node.keywords):
            if keyword.arg is not None:
                keywords = [*node.keywords[:i], *node.keywords[i + 1 :]]
                yield node, ast.Call(node.func, node.args, keywords), (keyword, keyword)
        if (
            isinstance(node.func, ast.Name)
            and len(node.args) == 1
            and not node.keywords
            and not isinstance(node.args[0], ast.Starred)
        ):
            yield node, node.args[0]
    elif isinstance(node, ast.IfExp):
        yield from _negation(node.test)


NEGATED_BY_FLIP = (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)


def _negation(test: ast.expr) -> Iterator[Edit]:
    """`test` negated, unless removing its `not` or flipping its comparison does the same."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], NEGATED_BY_FLIP)
    ):
        return
    yield test, ast.UnaryOp(ast.Not(), test)


def _statement_edits(node: ast.stmt) -> Iterator[Edit]:
    if isinstance(node, (ast.If, ast.While)):
        yield from _negation(node.test)
    if isinstance(node, ast.AugAssign) and type(node.op) in ARITHMETIC:
        yield node, ast.AugAssign(node.target, ARITHMETIC[type(node.op)](), node.value)
    if isinstance(node, DROPPED_STATEMENTS) or (
        isinstance(node, ast.Assign)
        and all(isinstance(t, (ast.Attribute, ast.Subscript)) for t in node.targets)
    ):
        yield node, None


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _children(node: ast.AST) -> Iterator[ast.AST]:
    """What to look into: not annotations, decorators, f-strings or `if TYPE_CHECKING:`."""
    for name, value in ast.iter_fields(node):
        if name in ("annotation", "returns", "decorator_list", "type_comment"):
            continue
        if isinstance(node, ast.AnnAssign) and name == "target":
            continue
        if isinstance(node, ast.Subscript) and name == "slice":
            continue  # generic types such as dict[str, int], and indexes: kept by constants
        values = value if isinstance(value, list) else [value]
        for child in values:
            if isinstance(child, ast.AST):
                yield child


def _edits(tree: ast.Module) -> Iterator[tuple[str, Edit]]:
    """Every edit of the module, with the qualified name of the function (or class, or
    `<module>`) it is in."""

    def walk(node: ast.AST, scope: str) -> Iterator[tuple[str, Edit]]:
        if isinstance(node, ast.JoinedStr):
            return
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope = node.name if scope == "<module>" else f"{scope}.{node.name}"
        if isinstance(node, ast.stmt):
            if _is_docstring(node):
                return
            for edit in _statement_edits(node):
                yield scope, edit
        elif isinstance(node, ast.expr):
            for edit in _expression_edits(node):
                yield scope, edit
        for child in _children(node):
            yield from walk(child, scope)

    yield from walk(tree, "<module>")


class _Source:
    """A module's text, addressed as the AST does (line, UTF-8 byte column)."""

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8")
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line.encode("utf-8")))

    def span(self, node: Located) -> tuple[int, int]:
        start = self.starts[node.lineno - 1] + node.col_offset
        end_line, end_col = node.end_lineno, node.end_col_offset
        assert end_line is not None and end_col is not None
        return start, self.starts[end_line - 1] + end_col

    def text(self, node: Located) -> str:
        return self.between(node, node)

    def between(self, first: Located, last: Located) -> str:
        """The text from the start of `first` to the end of `last`."""
        return self.data[self.span(first)[0] : self.span(last)[1]].decode("utf-8")

    def replaced(self, node: Located, by: str) -> str:
        start, end = self.span(node)
        return (self.data[:start] + by.encode("utf-8") + self.data[end:]).decode("utf-8")


def mutants(text: str, path: str, scopes: Sequence[str] | None = None) -> list[Mutant]:
    """Every mutant of the module `text` (named `path`), in the functions `scopes` if given."""
    source = _Source(text)
    found: list[Mutant] = []
    for scope, (node, new, *part) in _edits(ast.parse(text)):
        if scopes is not None and not any(scope == s or scope.startswith(f"{s}.") for s in scopes):
            continue
        if PRAGMA in source.lines[node.lineno - 1]:
            continue
        if new is None:
            after = "pass"
        elif isinstance(node, ast.expr):
            after = f"({ast.unparse(new)})"
        else:
            after = ast.unparse(new)
        before = source.text(node)
        mutated = source.replaced(node, after)
        try:
            ast.parse(mutated)
        except SyntaxError:  # e.g. an implicitly concatenated string in a call
            continue
        shown = "pass" if new is None else ast.unparse(new)
        dropped = source.between(*part[0]) if part else ""
        found.append(Mutant(path, node.lineno, scope, before, shown, mutated, dropped))
    return found


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


def run_tests(tree: Path, tests: Sequence[str], timeout: float | None) -> tuple[str, float]:
    """Run `tests` in `tree` (stopping at the first failure): the outcome and seconds."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(
        PYTHONPATH=str(tree),
        PYTHONDONTWRITEBYTECODE="1",  # a mutant must never be cached as the module's bytecode
        PLANS_CACHE_DIR=str(tree / ".cache-mutation"),
    )
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    started = time.perf_counter()
    quiet = subprocess.DEVNULL
    # its own process group: on a timeout, whatever the tests started is stopped with them
    with subprocess.Popen(
        command, cwd=tree, env=env, stdout=quiet, stderr=quiet, start_new_session=True
    ) as process:
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return TIMEOUT, time.perf_counter() - started
    seconds = time.perf_counter() - started
    if returncode == 0:
        return SURVIVED, seconds
    if returncode in (1, 2):  # tests failed; interrupted (the mutant did not import)
        return KILLED, seconds
    return ERROR, seconds


@dataclass
class FileResult:
    target: Target
    tests: list[str]
    available: int
    outcomes: list[tuple[Mutant, str]] = field(default_factory=list)
    baseline: float = 0.0
    skipped: str = ""


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


def run_target(
    root: Path,
    trees: queue.Queue[Path],
    target: Target,
    limit: int | None,
    seed: int,
    jobs: int,
    report: Callable[[Mutant, str], None] = lambda mutant, outcome: None,
) -> FileResult:
    """Mutate one file: each sampled mutant written into a tree of `trees`, its tests run."""
    tests = existing_tests(root, target.tests)
    original = (root / target.path).read_text(encoding="utf-8")
    found = mutants(original, target.path, target.scopes)
    result = FileResult(target, tests, len(found))
    if not tests:
        result.skipped = "no test file of it exists"
        return result
    tree = trees.get()
    try:
        outcome, result.baseline = run_tests(tree, tests, None)
    finally:
        trees.put(tree)
    if outcome != SURVIVED:
        why = "a test fails" if outcome == KILLED else "pytest could not run them"
        result.skipped = f"its tests do not pass on the unmutated code: {why}"
        return result
    timeout = max(TIMEOUT_MINIMUM, TIMEOUT_FACTOR * result.baseline)

    def one(mutant: Mutant) -> tuple[Mutant, str]:
        tree = trees.get()
        file = tree / mutant.path
        try:
            file.write_text(mutant.source, encoding="utf-8")
            outcome, _ = run_tests(tree, tests, timeout)
            if outcome == TIMEOUT:  # once more, longer: a busy machine is not an endless loop
                outcome, _ = run_tests(tree, tests, RETRY_FACTOR * timeout)
        finally:
            file.write_text(original, encoding="utf-8")
            trees.put(tree)
        report(mutant, outcome)
        return mutant, outcome

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        result.outcomes = list(pool.map(one, sample(found, limit, seed)))
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
    for mutant, outcome in result.outcomes:
        listed = mutant.ident in equivalent
        if outcome == SURVIVED and not listed:
            lines.append(f"  survived {mutant}")
        elif outcome in (TIMEOUT, ERROR) and not listed:
            lines.append(f"  {outcome:8} {mutant}")
        elif listed and outcome != SURVIVED:
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mutation", description=__doc__)
    parser.add_argument("--module", action="append", default=[], metavar="NAME")
    parser.add_argument("--limit", type=int, default=None, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, metavar="J")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    targets = [t for t in resolve(args.module) if (root / t.path).is_file()]
    equivalent = read_equivalent()
    if args.list:
        for target in targets:
            text = (root / target.path).read_text(encoding="utf-8")
            for mutant in sample(mutants(text, target.path, target.scopes), args.limit, args.seed):
                print(mutant)
        return 0
    total = Score()
    with tempfile.TemporaryDirectory(prefix="plans-mutation-") as scratch:
        trees: queue.Queue[Path] = queue.Queue()
        for n in range(max(1, args.jobs)):
            trees.put(copy_tree(root, Path(scratch) / f"tree{n}"))
        for target in targets:
            started = time.perf_counter()
            result = run_target(root, trees, target, args.limit, args.seed, max(1, args.jobs))
            for line in describe(result, equivalent):
                print(line, flush=True)
            print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
            total += score_of(result, equivalent)
            if result.skipped:
                total.error += 1
    print(f"mutation: {total.line()}", flush=True)
    return 1 if total.survived or total.error else 0


if __name__ == "__main__":
    sys.exit(main())
