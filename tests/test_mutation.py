"""The mutation run's own machinery (bench/mutation.py), on a tiny project: not the run itself,
which is slow (`python -m bench.mutation`)."""

from __future__ import annotations

import queue
import textwrap
import time
from pathlib import Path

import pytest

from bench.mutation import (
    KILLED,
    ROOT,
    SURVIVED,
    TARGETS,
    TIMEOUT,
    FileResult,
    Target,
    copy_tree,
    describe,
    existing_tests,
    main,
    map_tests,
    mutants,
    read_equivalent,
    run_target,
    run_tests,
    sample,
    score_of,
)
from bench.mutation_select import Journal, LineTests, _test_digests, digests

SOURCE = textwrap.dedent(
    '''\
    """A docstring is never mutated."""

    ALLOWED = {"a": {"href", "title"}}


    def total(values: list[int], floor: int = 0) -> int:
        """Neither is this one, nor the annotations."""
        result = sum(values) + 1
        if result < floor:
            raise ValueError(f"{result} is below {floor}")
        return clean(result, strip=True)


    def kept(x: int) -> int:
        return x * 2  # pragma: no mutate
    '''
)


def changes(source: str, scopes: tuple[str, ...] | None = None) -> set[tuple[int, str]]:
    return {(m.line, m.change) for m in mutants(source, "pkg/m.py", scopes)}


def test_each_operator_makes_its_mutant_and_only_where_it_may() -> None:
    assert changes(SOURCE) == {
        # the allow-list: an entry, an element, a string changed
        (3, '`"a": {"href", "title"}` dropped'),
        (3, "`\"a\"` -> `'XXaXX'`"),
        (3, '`"href"` dropped'),
        (3, '`"title"` dropped'),
        (3, "`\"href\"` -> `'XXhrefXX'`"),
        (3, "`\"title\"` -> `'XXtitleXX'`"),
        # a default value, arithmetic, a number
        (6, "`0` -> `1`"),
        (6, "`0` -> `-1`"),
        (8, "`sum(values) + 1` -> `sum(values) - 1`"),
        (8, "`sum(values)` -> `values`"),
        (8, "`1` -> `2`"),
        (8, "`1` -> `0`"),
        # a comparison flipped both ways, the condition negated, the `if` dropped
        (9, "`result < floor` -> `result <= floor`"),
        (9, "`result < floor` -> `result >= floor`"),
        (9, "`result < floor` -> `not result < floor`"),
        (9, '`if result < floor: raise ValueError(f"{result} is below {floor}")` -> `pass`'),
        # a raise dropped, a call of one argument replaced by it (not inside the f-string)
        (10, '`raise ValueError(f"{result} is below {floor}")` -> `pass`'),
        (10, "`ValueError(f\"{result} is below {floor}\")` -> `f'{result} is below {floor}'`"),
        # a keyword argument dropped, a boolean swapped
        (11, "`strip=True` dropped"),
        (11, "`True` -> `False`"),
    }


def test_a_dropped_part_is_gone_from_the_source() -> None:
    (mutant,) = [m for m in mutants(SOURCE, "pkg/m.py") if m.dropped == '"href"']
    assert mutant.source == SOURCE.replace('{"href", "title"}', "({'title'})")


def test_a_mutant_is_the_whole_module_with_one_change() -> None:
    (mutant,) = [m for m in mutants(SOURCE, "pkg/m.py") if m.after == "sum(values) - 1"]
    assert mutant.source == SOURCE.replace("sum(values) + 1", "(sum(values) - 1)")
    assert mutant.scope == "total"
    assert str(mutant) == "pkg/m.py:8 (total): `sum(values) + 1` -> `sum(values) - 1`"
    assert mutant.ident == "pkg/m.py | total | `sum(values) + 1` -> `sum(values) - 1`"


def test_scopes_choose_functions_and_module_level_code() -> None:
    assert {line for line, _ in changes(SOURCE, ("<module>",))} == {3}
    assert {line for line, _ in changes(SOURCE, ("total",))} == {6, 8, 9, 10, 11}


def test_a_scope_naming_no_function_is_an_error_not_an_empty_run() -> None:
    with pytest.raises(ValueError, match="no function or class named gone"):
        mutants(SOURCE, "pkg/m.py", ("total", "gone"))


def test_the_runner_stops_on_a_stale_scope_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(SOURCE)
    monkeypatch.setitem(TARGETS, "stale", (Target("pkg/m.py", (), ("total", "gone")),))
    with pytest.raises(SystemExit, match=r"^pkg/m.py: no function or class named gone$"):
        main(["--module", "stale", "--list", "--root", str(tmp_path)])


def test_every_targets_scopes_name_code_that_exists() -> None:
    for group in TARGETS.values():
        for target in group:
            text = (ROOT / target.path).read_text(encoding="utf-8")
            assert mutants(text, target.path, target.scopes), target.path


def test_sampling_is_seeded_and_keeps_source_order() -> None:
    found = mutants(SOURCE, "pkg/m.py")
    first, again = sample(found, 5, seed=3), sample(found, 5, seed=3)
    assert first == again and len(first) == 5
    assert [m.line for m in first] == sorted(m.line for m in first)
    assert sample(found, None, seed=3) == found


def test_the_breaks_issue_23_found_surviving_are_among_the_mutants() -> None:
    def made(path: str, before: str, after: str) -> bool:
        text = (ROOT / path).read_text(encoding="utf-8")
        return any(m.before == before and m.after == after for m in mutants(text, path))

    sanitizer = "generator/site/sanitize.py"
    assert made(sanitizer, '{"class"}', "{*()}")  # nothing allowed on `span`
    dropped = [m for m in mutants((ROOT / sanitizer).read_text(encoding="utf-8"), sanitizer)]
    assert any(
        "attribute_filter=" in m.before and "attribute_filter" not in m.after for m in dropped
    )
    assert made("generator/validate/money.py", "total > amount", "total >= amount")  # the pot


def test_every_target_has_tests_that_exist() -> None:
    for group in TARGETS.values():
        for target in group:
            assert existing_tests(ROOT, target.tests), target.path


TINY = {
    "pyproject.toml": "[tool.pytest.ini_options]\n",
    "pkg/__init__.py": "",
    "pkg/calc.py": "def add(a, b):\n    return a + b\n\n\ndef untested(a):\n    return -a\n",
    "tests/test_calc.py": (
        "from pkg.calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
    ),
}


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, queue.Queue[Path]]:
    root = tmp_path / "project"
    for name, text in TINY.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    trees: queue.Queue[Path] = queue.Queue()
    trees.put(copy_tree(root, tmp_path / "tree"))
    return root, trees


def test_a_break_a_test_notices_is_killed_and_one_it_misses_survives(
    tiny: tuple[Path, queue.Queue[Path]],
) -> None:
    root, trees = tiny
    target = Target("pkg/calc.py", ("tests/test_calc.py", "tests/test_absent*.py"))
    result = run_target(root, trees, target, limit=None, seed=0, jobs=1)
    assert result.tests == ["tests/test_calc.py"]
    outcomes = {(m.scope, m.after): outcome for m, outcome in result.outcomes}
    assert outcomes == {("add", "a - b"): KILLED, ("untested", "a"): SURVIVED}
    # the copy is restored after each mutant, and the work tree never touched
    assert (trees.get() / "pkg/calc.py").read_text() == TINY["pkg/calc.py"]
    assert (root / "pkg/calc.py").read_text() == TINY["pkg/calc.py"]

    lines = describe(result, {})
    assert lines[1] == ("  killed=1 survived=1 timeout=0 error=0 equivalent=0 total=2 score=50.0%")
    assert lines[2:] == ["  survived pkg/calc.py:6 (untested): `-a` -> `a`"]

    # listed as equivalent, the survivor is no longer one, and the score is whole
    equivalent = {"pkg/calc.py | untested | `-a` -> `a`": "a fiction for this test"}
    assert describe(result, equivalent)[2:] == []
    assert score_of(result, equivalent).line() == (
        "killed=1 survived=0 timeout=0 error=0 equivalent=1 total=2 score=100.0%"
    )


def test_a_file_whose_tests_fail_unmutated_is_skipped(
    tiny: tuple[Path, queue.Queue[Path]],
) -> None:
    root, trees = tiny
    (root / "tests/test_calc.py").write_text("def test_no():\n    assert False\n")
    tree = trees.get()
    (tree / "tests/test_calc.py").write_text("def test_no():\n    assert False\n")
    trees.put(tree)
    result = run_target(root, trees, Target("pkg/calc.py", ("tests/test_calc.py",)), None, 0, 1)
    assert result.outcomes == []
    assert describe(result, {}) == [
        "pkg/calc.py: skipped: its tests do not pass on the unmutated code: a test fails"
    ]


def test_tests_that_run_too_long_time_out_with_what_they_started(
    tiny: tuple[Path, queue.Queue[Path]],
) -> None:
    tree = tiny[1].get()
    (tree / "tests/test_slow.py").write_text(
        "import subprocess, time\n\n\ndef test_slow():\n"
        "    child = subprocess.Popen(['sleep', '60'])\n"
        "    open('child.pid', 'w').write(str(child.pid))\n"
        "    time.sleep(60)\n"
    )
    outcome, seconds, _ = run_tests(tree, ["tests/test_slow.py"], timeout=5)
    assert outcome == TIMEOUT and seconds < 30
    pid = int((tree / "child.pid").read_text())
    status = Path(f"/proc/{pid}/status")
    for _ in range(50):  # a SIGKILL takes effect when the process is next scheduled
        if not status.exists() or "zombie" in status.read_text():
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the process the tests started still runs")


def test_the_committed_equivalent_list_is_well_formed() -> None:
    for ident, reason in read_equivalent().items():
        path = ident.split(" | ")[0]
        assert (ROOT / path).is_file() and reason.strip(), ident


def test_the_copy_keeps_every_package_and_leaves_out_built_output(tmp_path: Path) -> None:
    """A package named like an output folder (`generator/site/`) is source: copied."""
    root = tmp_path / "project"
    for name in ("generator/site/build.py", "site/index.html", "build/lib/x.py", "tests/t.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")
    (root / "generator" / "__pycache__").mkdir()
    copy = copy_tree(root, tmp_path / "copy")
    copied = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    assert copied == ["generator/site/build.py", "tests/t.py"]


def test_a_mutant_is_tried_first_on_the_tests_that_run_its_line(
    tiny: tuple[Path, queue.Queue[Path]],
) -> None:
    """The map (coverage.py, a context a test) sends `add`'s mutant to test_add alone, which
    kills it; `untested` is run by no test, so its mutant is tried against all of them."""
    root, trees = tiny
    tree = trees.get()
    test_map = map_tests(tree, ["tests/test_calc.py"], ["pkg/calc.py"])
    trees.put(tree)
    assert test_map is not None and test_map.failed == []
    assert test_map.covering("pkg/calc.py", 2, 2) == ["tests/test_calc.py::test_add"]
    assert test_map.covering("pkg/calc.py", 6, 6) == []
    assert set(test_map.seconds) == {"tests/test_calc.py::test_add"}

    result = run_target(root, trees, Target("pkg/calc.py", ("tests/test_calc.py",)), None, 0, 1)
    assert (result.quick, result.whole, result.known) == (1, 1, 0)


def test_the_map_orders_the_tests_quickest_first_over_every_line_of_the_change() -> None:
    lines = {"m.py": {3: ["t::slow", "t::quick"], 4: ["t::other"], 9: ["t::far"]}}
    seconds = {"t::slow": 2.0, "t::quick": 0.1, "t::other": 0.5, "t::far": 0.0}
    test_map = LineTests(lines, seconds, [], 3.0)
    assert test_map.covering("m.py", 3, 4) == ["t::quick", "t::other", "t::slow"]
    assert LineTests.from_json(test_map.to_json()) == test_map


def test_the_journal_keeps_a_kill_while_its_test_stays_and_a_survivor_while_all_does(
    tiny: tuple[Path, queue.Queue[Path]], tmp_path: Path
) -> None:
    root, trees = tiny
    target = Target("pkg/calc.py", ("tests/test_*.py",))

    def write(name: str, text: str) -> None:  # into the project and the copy the tests run in
        tree = trees.get()
        for folder in (root, tree):
            (folder / name).write_text(text, encoding="utf-8")
        trees.put(tree)

    def run() -> tuple[dict[str, str], tuple[int, int, int]]:
        journal = Journal(tmp_path / "journal", digests(root))
        result = run_target(root, trees, target, None, 0, 1, journal=journal)
        outcomes = {m.scope: outcome for m, outcome in result.outcomes}
        return outcomes, (result.quick, result.whole, result.known)

    assert run() == ({"add": KILLED, "untested": SURVIVED}, (1, 1, 0))
    assert run() == ({"add": KILLED, "untested": SURVIVED}, (0, 0, 2))

    # the code changed elsewhere (a comment is enough): the kill holds, the survivor is tried
    write("pkg/__init__.py", "# changed\n")
    assert run() == ({"add": KILLED, "untested": SURVIVED}, (0, 1, 1))

    # a new test file: the kill still holds (test_add is as it was), the survivor is tried again
    write(
        "tests/test_neg.py",
        "from pkg.calc import untested\n\n\ndef test_neg():\n    assert untested(2) == -2\n",
    )
    assert run() == ({"add": KILLED, "untested": KILLED}, (1, 0, 1))
    assert run() == ({"add": KILLED, "untested": KILLED}, (0, 0, 2))

    # a test written beside the killing one: the kill still holds
    extra = "\n\ndef test_add_again():\n    assert add(1, 1) == 2\n"
    write("tests/test_calc.py", TINY["tests/test_calc.py"] + extra)
    assert run() == ({"add": KILLED, "untested": KILLED}, (0, 0, 2))

    # the killing test's module changed outside its tests: that kill is tried again
    write("tests/test_calc.py", TINY["tests/test_calc.py"] + extra + "\nLIMIT = 3\n")
    assert run()[1] == (1, 0, 1)

    # a file the tests share changed: nothing is known
    write("tests/conftest.py", "# shared\n")
    assert run()[1] == (2, 0, 0)


def test_the_journal_reads_past_a_line_cut_short(tmp_path: Path) -> None:
    folder = tmp_path / "journal"
    folder.mkdir()
    (folder / "journal.jsonl").write_text('{"key": "abc", "outc')
    state = digests(tmp_path)
    assert Journal(folder, state).records == {}


def test_a_listed_change_killed_in_one_place_is_not_reported_while_its_namesake_survives() -> None:
    """`"0"` twice in one function (a `return "0"` and a `rstrip("0")`) makes two mutants of
    the same ident: the list can only name both."""
    text = 'def f(x):\n    if not x:\n        return "0"\n    return x.rstrip("0")\n'
    returned, stripped = (m for m in mutants(text, "m.py") if m.before == '"0"')
    assert returned.ident == stripped.ident
    listed = {returned.ident: "rstrip takes a set of characters"}
    result = FileResult(Target("m.py", ()), [], 2, [(returned, KILLED), (stripped, SURVIVED)])
    assert describe(result, listed)[2:] == []
    alone = FileResult(Target("m.py", ()), [], 1, [(returned, KILLED)])
    assert describe(alone, listed)[2:] == [f"  listed equivalent but killed: {returned}"]


def test_the_journal_keeps_a_timeout_while_the_tests_change(tmp_path: Path) -> None:
    """An endless loop names no failing test: it holds while its file and the shared files
    do, as a kill does, and is not run again (three times its tests' time, twice) for every
    test written elsewhere."""
    root = tmp_path / "project"
    (root / "tests").mkdir(parents=True)
    (root / "tests/test_a.py").write_text("def test_a():\n    pass\n")
    mutant = mutants("def f(n):\n    while n:\n        n -= 1\n", "m.py")[0]
    Journal(tmp_path / "journal", digests(root)).record(mutant, ["tests"], TIMEOUT, "")
    (root / "tests/test_b.py").write_text("def test_b():\n    pass\n")
    assert Journal(tmp_path / "journal", digests(root)).known(mutant, ["tests"]) == TIMEOUT
    (root / "tests/conftest.py").write_text("# shared\n")
    assert Journal(tmp_path / "journal", digests(root)).known(mutant, ["tests"]) is None


def test_the_journal_keeps_a_survivor_while_its_own_tests_and_the_code_stay(
    tmp_path: Path,
) -> None:
    """A survivor (or a listed equivalent) passed every test of its file's list: it holds
    while the code, the shared files and those tests are unchanged, whatever other test files
    are written, and is run again when any of them changes."""
    root = tmp_path / "project"
    (root / "tests" / "unit").mkdir(parents=True)
    (root / "tests/test_a.py").write_text("def test_a():\n    pass\n")
    (root / "tests/unit/test_c.py").write_text("def test_c():\n    pass\n")
    mutant = mutants("def f(n):\n    return n + 1\n", "m.py")[0]

    def known(tests: list[str]) -> str | None:
        return Journal(tmp_path / "journal", digests(root)).known(mutant, tests)

    for tests in (["tests/test_a.py::test_a"], ["tests/unit"]):
        Journal(tmp_path / "journal", digests(root)).record(mutant, tests, SURVIVED, "")
    (root / "tests/test_b.py").write_text("def test_b():\n    pass\n")
    assert known(["tests/test_a.py::test_a"]) == SURVIVED
    assert known(["tests/unit"]) == SURVIVED
    assert known(["tests/test_b.py"]) is None  # never run on these tests
    (root / "tests/unit/test_c.py").write_text("def test_c():\n    assert 1\n")
    assert known(["tests/unit"]) is None
    assert known(["tests/test_a.py::test_a"]) == SURVIVED
    (root / "tests/test_a.py").write_text("def test_a():\n    assert 1\n")
    assert known(["tests/test_a.py::test_a"]) is None
    (root / "tests/test_a.py").write_text("def test_a():\n    pass\n")
    assert known(["tests/test_a.py::test_a"]) == SURVIVED
    (root / "tests/conftest.py").write_text("# shared\n")
    assert known(["tests/test_a.py::test_a"]) is None


def test_a_tests_digest_follows_its_own_source_and_its_modules_code_not_other_tests() -> None:
    module = "import x\n\n\ndef test_a():\n    assert x.a\n\n\n@mark\ndef test_b():\n    pass\n"
    before = _test_digests(module)
    assert set(before) == {"test_a", "test_b"}
    beside = _test_digests(module + "\n\ndef test_c():\n    pass\n")
    assert beside["test_a"] == before["test_a"] and beside["test_b"] == before["test_b"]
    edited = _test_digests(module.replace("x.a", "x.b"))
    assert edited["test_a"] != before["test_a"] and edited["test_b"] == before["test_b"]
    undecorated = _test_digests(module.replace("@mark\n", ""))
    assert undecorated["test_b"] != before["test_b"]
    helper = _test_digests(module.replace("import x", "import x\nY = 1"))
    assert helper["test_a"] != before["test_a"]
