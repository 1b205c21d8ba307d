"""The validation record: with it, checking a project again after an edit types and checks only
the years the edit can change, and reports exactly what checking everything reports."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CHECKOUT, Tree

import generator.pipeline
import generator.validate.cache
from generator.load import FoundFile, discover, file_name, load_file
from generator.model import REFERENCE_KINDS, YEAR_KINDS, Project
from generator.pipeline import check_project
from generator.problems import Problem, Severity
from generator.validate.cache import RECORD, ValidateCache, year_keys

KEL = "plans/safer-kelderton/"
SAL = "plans/sallowfield/"


@pytest.fixture
def example(tmp_path: Path) -> Tree:
    """A copy of the bundled example: four partnerships, three years, priorities continuing
    from year to year and a PCC formula funding three partnerships."""
    root = tmp_path / "project"
    for part in ("plans", "data"):
        shutil.copytree(CHECKOUT / part, root / part)
    return Tree(root)


def check(tree: Tree, cache: Path | None = None) -> tuple[Project | None, list[Problem]]:
    return check_project(tree.root, jobs=1, cache=cache)


def warm_equals_cold(tree: Tree, cache: Path) -> tuple[Project | None, list[Problem]]:
    """Check with the record and without; both must report the same, with the same project."""
    warm = check(tree, cache)
    cold = check(tree)
    assert [str(p) for p in warm[1]] == [str(p) for p in cold[1]]
    assert warm[0] == cold[0]  # typing whatever was left untyped
    return warm


def typed_years(project: Project | None) -> dict[str, set[str]]:
    """Which kinds of file have been typed, by year (all of a kind across partnerships)."""
    assert project is not None
    found: dict[str, set[str]] = {}
    for py in project.plan_years():
        typed = set(py.files) - set(py.untyped)
        found.setdefault(py.year, set()).update(typed)
    return found


def touch(tree: Tree, name: str) -> None:
    """Change a file's bytes, not what it says."""
    tree.write(name, tree.read(name) + "# edited\n")


def _rename_last_years_priority(tree: Tree) -> None:
    # 2026-27 'continues: [domestic-abuse]': the 2025-26 priority is renamed under it
    for name in ("plan", "actions", "assessment", "indicators", "review", "services"):
        path = f"{KEL}2025-26/{name}.yml"
        tree.write(path, tree.read(path).replace("domestic-abuse", "domestic-harm"))


def _remove_the_middle_year(tree: Tree) -> None:
    tree.remove(f"{KEL}2025-26")  # 2026-27 now continues 2024-25's priorities


def _rename_an_organisation(tree: Tree) -> None:
    path = "data/organisations.yml"
    tree.write(path, tree.read(path).replace("id: kelderton-city-council", "id: kelderton-cc"))


def _move_a_partnership(tree: Tree) -> None:
    tree.edit(f"{SAL}partnership.yml", "area: ", "area: nowhere-")


def _mistype_a_plan(tree: Tree) -> None:
    tree.edit(f"{SAL}2024-25/plan.yml", "status: superseded", "status: supersedd")


def _drop_a_formula_allocation(tree: Tree) -> None:
    # the formula's owner (brackenshire-pcc) is warned that Kelderton records no allocation
    tree.edit(f"{KEL}2026-27/funding.yml", "formula: csf-formula-2026-27", "formula: nothing")


def _add_a_year(tree: Tree) -> None:
    for path in (tree.root / KEL / "2026-27").iterdir():
        text = path.read_text(encoding="utf-8").replace("2026-27", "2027-28")
        tree.write(f"{KEL}2027-28/{path.name}", text.replace("year: 2026", "year: 2027"))


def _warn_in_a_year(tree: Tree) -> None:
    tree.edit(f"{SAL}2024-25/plan.yml", "public: true", "public: false")


def _break_a_link_then_edit_another_file_of_its_year(tree: Tree) -> None:
    """The broken link's file comes from the load cache when its year is checked again: what
    the cache keeps says its text may hold a link (`SourceText.may_link`)."""
    tree.edit(
        f"{SAL}2024-25/plan.yml",
        "summary: Final year of the 2022–25 plan.",
        "summary: Final year of the plan; see [its priority](#priority.no-such-priority).",
    )
    broken = "links to '#priority.no-such-priority', but 2024-25 has no priority 'no-such-priority'"
    assert broken in [p.message for p in check(tree, tree.root.parent / "cache")[1]]
    touch(tree, f"{SAL}2024-25/actions.yml")


def _print_a_pot_total_then_edit_another_year(tree: Tree) -> None:
    """A pot's printed total is compared with its year's allocations: a warning in data/,
    which every year shares. Checking a later year again must neither lose it nor compare the
    pot with a year not checked (it once said the allocations were £0.00)."""
    tree.edit(
        "data/funding-streams.yml",
        "      - year: 2024-25\n        amount: 180000.00\n",
        "      - year: 2024-25\n        amount: 180000.00\n        published_total: 1.00\n",
    )
    cache = tree.root.parent / "cache"
    assert warm_equals_cold(tree, cache)[1]
    touch(tree, f"{KEL}2026-27/plan.yml")


def _print_a_right_pot_total_then_edit_another_year(tree: Tree) -> None:
    """The same with the total the allocations make: no warning, cold or warm."""
    tree.edit(
        "data/funding-streams.yml",
        "      - year: 2024-25\n        amount: 180000.00\n",
        "      - year: 2024-25\n        amount: 180000.00\n        published_total: 170000.00\n",
    )
    assert warm_equals_cold(tree, tree.root.parent / "cache")[1] == []
    touch(tree, f"{KEL}2026-27/plan.yml")
    tree.edit(f"{SAL}2024-25/plan.yml", "public: true", "public: false")  # one warning


MAR = "plans/marrowby/"
CUT = "    announced: 2024-02\n    applies_to: [2024-25]\n"


def _cut_a_year_not_checked_with_it(tree: Tree) -> None:
    """Marrowby's 2023-24 cut reduces 2025-26: checking 2023-24 and 2024-25 again must still
    see that Marrowby has a 2025-26 plan (it once warned that it had none)."""
    tree.edit(f"{MAR}2023-24/funding.yml", CUT, CUT.replace("2024-25", "2025-26"))
    assert warm_equals_cold(tree, tree.root.parent / "cache")[1] == []
    touch(tree, f"{MAR}2023-24/plan.yml")
    tree.edit(f"{SAL}2024-25/plan.yml", "public: true", "public: false")  # one warning


def _add_the_year_a_cut_reduces(tree: Tree) -> None:
    """A cut reducing a year its partnership has no plan for is warned about, in the cut's
    year; adding that plan year must end the warning though the cut's files are unchanged."""
    tree.edit(f"{MAR}2023-24/funding.yml", CUT, CUT.replace("2024-25", "2026-27"))
    warned = warm_equals_cold(tree, tree.root.parent / "cache")[1]
    assert [p.message for p in warned] == [
        "marrowby has no 2026-27 plan year, so no page shows this cut on the year it reduces"
    ]
    for path in (tree.root / MAR / "2025-26").iterdir():
        text = path.read_text(encoding="utf-8").replace("2025-26", "2026-27")
        tree.write(f"{MAR}2026-27/{path.name}", text.replace("year: 2025", "year: 2026"))


EDITS: dict[str, Callable[[Tree], None]] = {
    "a priority a later year continues is renamed": _rename_last_years_priority,
    "the year between two years is removed": _remove_the_middle_year,
    "an organisation is renamed": _rename_an_organisation,
    "a partnership names an unknown area": _move_a_partnership,
    "a plan does not type": _mistype_a_plan,
    "a formula recipient drops its allocation": _drop_a_formula_allocation,
    "a year is added": _add_a_year,
    "a year gains a warning": _warn_in_a_year,
    "a pot's printed total is wrong, then another year changes": (
        _print_a_pot_total_then_edit_another_year
    ),
    "a pot's printed total is right, then another year changes": (
        _print_a_right_pot_total_then_edit_another_year
    ),
    "a cut reduces a year not checked with it": _cut_a_year_not_checked_with_it,
    "the year a cut reduces is added": _add_the_year_a_cut_reduces,
    "a link breaks, then another file of its year changes": (
        _break_a_link_then_edit_another_file_of_its_year
    ),
}


@pytest.mark.parametrize("edit", list(EDITS.values()), ids=list(EDITS))
def test_after_an_edit_the_record_reports_what_checking_everything_reports(
    example: Tree, tmp_path: Path, edit: Callable[[Tree], None]
) -> None:
    cache = tmp_path / "cache"
    before = tree_text(example)
    assert warm_equals_cold(example, cache)[1] == []
    assert (cache / RECORD).is_file()
    edit(example)
    first = warm_equals_cold(example, cache)
    quiet = (_add_a_year, _remove_the_middle_year, _add_the_year_a_cut_reduces)
    assert first[1] != [] or edit in quiet
    warm_equals_cold(example, cache)  # and again, from what that run recorded
    restore(example, before)
    assert warm_equals_cold(example, cache)[1] == []


def tree_text(tree: Tree) -> dict[str, bytes]:
    return {
        path.relative_to(tree.root).as_posix(): path.read_bytes()
        for path in sorted(tree.root.rglob("*"))
        if path.is_file()
    }


def restore(tree: Tree, files: dict[str, bytes]) -> None:
    for part in ("plans", "data"):
        shutil.rmtree(tree.root / part)
    for name, raw in files.items():
        tree.write_bytes(name, raw)


def test_a_warning_on_record_is_reported_again_when_another_year_is_edited(
    example: Tree, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _warn_in_a_year(example)
    warned = warm_equals_cold(example, cache)[1]
    assert [(p.severity, p.file) for p in warned] == [(Severity.WARNING, f"{SAL}2024-25/plan.yml")]
    touch(example, f"{KEL}2026-27/plan.yml")
    assert warm_equals_cold(example, cache)[1] == warned
    example.edit(f"{SAL}2024-25/plan.yml", "public: false", "public: true")
    assert warm_equals_cold(example, cache)[1] == []


def test_an_edit_types_and_checks_only_its_year_and_the_next(
    example: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    check(example, cache)
    project, _ = check(example, cache)
    assert typed_years(project) == {
        "2023-24": set(), "2024-25": set(), "2025-26": set(), "2026-27": set()
    }  # fmt: skip
    touch(example, f"{KEL}2025-26/plan.yml")
    checked: list[list[str]] = []
    rules = generator.pipeline.validate_project

    def recording(part: Project) -> list[Problem]:
        checked.append(part.all_years())
        return rules(part)

    monkeypatch.setattr(generator.pipeline, "validate_project", recording)
    project, problems = check(example, cache)
    assert problems == []
    assert checked == [["2025-26", "2026-27"]]
    assert project is not None
    for py in project.plan_years():
        if py.year == "2023-24":  # two years before the edit: not read at all
            assert py.untyped == list(py.files)
        elif py.year == "2024-25":
            assert py.untyped == [kind for kind in py.files if kind != "plan"]
        else:
            assert py.untyped == []
    # of the year before, only the plans: their priorities, for 'continues'
    assert typed_years(project)["2024-25"] == {"plan"}


def test_a_broken_or_foreign_record_is_ignored(
    example: Tree, tmp_path: Path, fake_version: Callable[[str, str], None]
) -> None:
    cache = tmp_path / "cache"
    check(example, cache)
    _warn_in_a_year(example)
    record = cache / RECORD
    raw = record.read_bytes()
    for broken in (raw[:-1], raw[:-1] + bytes([raw[-1] ^ 1]), b"", raw[:40]):
        record.write_bytes(broken)
        assert ValidateCache(cache, example.root).unchanged({"2024-25": b"x"}) == set()
        project, problems = check(example, cache)  # (warm_equals_cold types everything)
        assert len(problems) == 1
        assert typed_years(project)["2026-27"]  # nothing on record: everything typed
        warm_equals_cold(example, cache)
    project, problems = check(example, cache)
    assert len(problems) == 1
    assert not typed_years(project)["2026-27"]  # a sound record is used again
    fake_version("pydantic", "99.0")  # models and messages from another pydantic
    project, problems = check(example, cache)
    assert len(problems) == 1
    assert typed_years(project)["2026-27"]  # the record of other code: everything typed
    warm_equals_cold(example, cache)


def found_files(tree: Tree) -> tuple[list[FoundFile], list[str], dict[str, bytes | None]]:
    """The project's files as a run finds them, their names and the sha256 of each."""
    where = {name: kind.where for name, kind in REFERENCE_KINDS.items()}
    found, problems = discover(tree.root, where, list(YEAR_KINDS))
    assert problems == []
    names = [file_name(item.path, tree.root) for item in found]
    digests: dict[str, bytes | None] = {}
    for item, name in zip(found, names, strict=True):
        document = load_file(item.path, tree.root)[0]
        assert document is not None
        digests[name] = document.digest
    return found, names, digests


def test_year_keys_follow_the_files_each_year_depends_on(example: Tree) -> None:
    found, names, digests = found_files(example)
    keys = year_keys(found, names, digests)
    assert list(keys) == ["2023-24", "2024-25", "2025-26", "2026-27"]
    assert None not in keys.values()

    def changed(name: str) -> list[str]:
        other = year_keys(found, names, {**digests, name: b"changed"})
        return [year for year in keys if other[year] != keys[year]]

    assert changed(f"{KEL}2024-25/changes.yml") == ["2024-25", "2025-26"]
    assert changed(f"{KEL}2026-27/plan.yml") == ["2026-27"]
    assert changed("data/areas.yml") == list(keys)
    assert changed(f"{SAL}partnership.yml") == list(keys)
    unknown = year_keys(found, names, {**digests, f"{KEL}2025-26/plan.yml": None})
    assert [year for year, key in unknown.items() if key is None] == ["2025-26", "2026-27"]
    shared_unknown = year_keys(found, names, {**digests, "data/areas.yml": None})
    assert shared_unknown == dict.fromkeys(keys)
    with pytest.raises(ValueError, match="zip"):  # a file without its name is never keyed
        year_keys(found, names[:-1], digests)


def test_year_keys_do_not_follow_the_order_the_files_are_found_in(example: Tree) -> None:
    """A folder lists its files in the file system's order, which differs between machines."""
    found, names, digests = found_files(example)
    keys = year_keys(found, names, digests)
    assert year_keys(found[::-1], names[::-1], digests) == keys
    middle = len(found) // 2
    turned = [*found[middle:], *found[:middle]], [*names[middle:], *names[:middle]]
    assert year_keys(*turned, digests) == keys


def test_a_plan_added_or_removed_rekeys_every_year(example: Tree) -> None:
    """Which years a partnership has a plan for decides whether a cut in any year is warned
    about: a year folder that loses its plan.yml, its other files kept, checks every year."""
    found, names, digests = found_files(example)
    keys = year_keys(found, names, digests)
    plan = f"{KEL}2025-26/plan.yml"
    kept = [i for i, name in enumerate(names) if name != plan]
    assert len(kept) == len(names) - 1
    without = year_keys([found[i] for i in kept], [names[i] for i in kept], digests)
    assert list(without) == list(keys)
    assert all(without[year] != keys[year] for year in keys)


def test_an_edit_first_seen_in_a_run_with_problems_is_checked_in_the_year_after_it(
    example: Tree, tmp_path: Path
) -> None:
    # The load cache keeps the edited files from the run that stopped at a typing problem; the
    # record does not (no rule ran), so the next run knows their hashes before loading them,
    # and must still check the year after theirs against them.
    cache = tmp_path / "cache"
    assert warm_equals_cold(example, cache)[1] == []
    _rename_last_years_priority(example)
    _mistype_a_plan(example)
    assert [p.file for p in warm_equals_cold(example, cache)[1]] == [f"{SAL}2024-25/plan.yml"]
    example.edit(f"{SAL}2024-25/plan.yml", "status: supersedd", "status: superseded")
    problems = warm_equals_cold(example, cache)[1]
    assert f"{KEL}2026-27/plan.yml" in {p.file for p in problems}


def test_the_record_key_follows_what_the_loaded_data_depend_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Problems are found in loaded data: what changes those (libyaml's version, the Python
    that packs them) changes the record's key too, as it changes the load cache's."""
    import sys

    from generator.validate.cache import code_key

    key = code_key()
    monkeypatch.setattr(sys.implementation, "cache_tag", "other-99")
    assert code_key() != key


def test_the_record_key_follows_every_module_and_pydantic(
    tmp_path: Path, fake_version: Callable[[str, str], None]
) -> None:
    """Problems come from all of the generator's code (rules, models, their messages): a copy
    of the package keys alike, and an edit to any one module keys differently."""
    import generator.caches
    from generator.validate.cache import code_key

    package = tmp_path / "generator"
    shutil.copytree(generator.caches.PACKAGE, package,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    key = code_key()
    assert code_key(package) == key
    for name in ("validate/money.py", "model/partnership.py", "load/reader.py", "site/build.py"):
        original = (package / name).read_text()
        (package / name).write_text(original + "# one line more\n")
        assert code_key(package) != key, name
        (package / name).write_text(original)
    fake_version("pydantic-core", "99.0")
    assert code_key() != key


@pytest.mark.xfail(
    strict=True,
    reason="known gap: a cut's interventions name services of the years it reduces, which a "
    "year's key does not cover; renaming such a service checks that year, not the cut's",
)
def test_renaming_a_service_a_cut_of_an_earlier_year_names_is_reported(
    example: Tree, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    example.edit(
        f"{MAR}2023-24/funding.yml",
        "    interventions:\n",
        "    interventions:\n      - service: town-centre-patrols\n        outcome: Fewer.\n",
    )
    assert warm_equals_cold(example, cache)[1] == []
    example.edit(f"{MAR}2024-25/services.yml", "id: town-centre-patrols", "id: patrols")
    warm_equals_cold(example, cache)


def test_a_year_checked_again_types_at_once_only_the_files_that_changed(
    example: Tree, tmp_path: Path
) -> None:
    """Its other files typed with no problem as they are: they are typed when the rules read
    them, which `plans build` runs beside its first shards."""
    cache = tmp_path / "cache"
    check(example, cache)
    touch(example, f"{KEL}2025-26/actions.yml")
    project, checking = generator.pipeline.start_check(example.root, jobs=1, cache=cache)
    assert project is not None and checking.problems == []
    for py in project.plan_years():
        if py.key == ("safer-kelderton", "2025-26"):
            assert py.untyped == [kind for kind in py.files if kind != "actions"]
        else:
            assert py.untyped == list(py.files)
    assert checking.finish(project) == check(example)[1] == []
    # a file that does not type is found at once, and the rules are not run
    example.edit(f"{KEL}2025-26/actions.yml", "actions:", "actionz:")
    project, checking = generator.pipeline.start_check(example.root, jobs=1, cache=cache)
    assert project is None and checking.problems
    assert checking.finish(project) == checking.problems
