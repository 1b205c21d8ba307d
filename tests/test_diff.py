"""`plans diff`: two versions of a project compared on throwaway git repositories, as a
reviewer reads the result (golden Markdown and JSON) and as a tool reads it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import markdown as python_markdown
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.model.types import PartialDate
from generator.render.diff import MARKER, NO_CHANGES, html_text, markdown_text
from generator.review.changes import Change, Report, Section
from generator.review.words import amount_words, moved_by, pounds
from tests.conftest import Tree

GOLDEN = Path(__file__).resolve().parent / "golden" / "diff"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=folder, env={**os.environ, **GIT_ENV}, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    return done.stdout


def commit(folder: Path, message: str) -> None:
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "--no-gpg-sign", "-m", message)


@pytest.fixture
def repo(tree: Tree) -> Tree:
    """The minimal fixture, committed as the first commit of a fresh repository."""
    git(tree.root, "init", "-q", "-b", "main")
    commit(tree.root, "base")
    return tree


def plans_diff(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["diff", "--project", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def reviewed_edit(tree: Tree) -> None:
    """A target changed (and so its RAG status), a service decommissioned, an action's date
    moved by three weeks and one formula input edited."""
    tree.edit("plans/fenwick-csp/2025-26/indicators.yml", "value: 120", "value: 30")
    tree.edit(
        "plans/fenwick-csp/2025-26/services.yml",
        "  - id: refuge\n",
        "  - id: refuge\n    status: decommissioned\n",
    )
    tree.edit("plans/fenwick-csp/2025-26/actions.yml", "due: 2026-03-31", "due: 2026-04-21")
    tree.edit("plans/ashdown-pcc/2025-26/funding.yml", "crime: 10}", "crime: 12}")  # fmt: skip


def test_a_reviewed_change_gives_exactly_the_expected_report(
    repo: Tree, update_golden: bool
) -> None:
    reviewed_edit(repo)
    commit(repo.root, "edit")
    outputs = {
        "report.md": plans_diff(repo.root, "HEAD~1", "HEAD"),
        "report.json": plans_diff(repo.root, "HEAD~1", "HEAD", "--format", "json"),
    }
    for name, (code, out, err) in outputs.items():
        assert (code, err) == (0, ""), err
        if update_golden:
            GOLDEN.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(out, encoding="utf-8")
        assert out == (GOLDEN / name).read_text(encoding="utf-8"), name
    data = json.loads(outputs["report.json"][1])
    assert data["changed"] is True
    whats = [c["what"] for s in data["sections"] for c in s["changes"]]
    assert "due date moved 3 weeks later" in whats
    assert "decommissioned" in whats
    assert "target changed" in whats
    assert "RAG status red → green" in whats
    assert "Safer Fenwick Partnership's 'Recorded crime' input changed" in whats


def test_head_defaults_to_the_working_tree(repo: Tree) -> None:
    repo.edit("plans/fenwick-csp/2025-26/actions.yml", "due: 2026-03-31", "due: 2026-05")
    code, out, _ = plans_diff(repo.root, "HEAD")
    assert code == 0
    assert out.startswith(f"{MARKER}\n### Plan changes: HEAD → working tree\n")
    assert "due date moved 2 months later: 31 March 2026 → May 2026" in out


def test_two_folders_are_compared_too(repo: Tree, tmp_path: Path) -> None:
    before = tmp_path / "before"
    git(repo.root, "worktree", "add", "-q", str(before), "HEAD")
    repo.edit("plans/fenwick-csp/2025-26/indicators.yml", "value: 120", "value: 100")
    code, out, _ = plans_diff(repo.root, str(before), str(repo.root))
    assert code == 0
    assert "target changed: 120 (count) → 100 (count)" in out


def _reorder(value: object) -> object:
    """The same data with every list of items and every mapping's keys in reverse order."""
    if isinstance(value, dict):
        return {key: _reorder(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        items = [_reorder(item) for item in value]
        # only lists of items matched by id (or keyed) are free to move; others keep their order
        return items[::-1] if all(isinstance(i, dict) for i in items) else items
    return value


class _Quoted(yaml.SafeDumper):
    pass


_Quoted.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
)


def test_reordering_requoting_and_reindenting_is_no_change(repo: Tree) -> None:
    for path in sorted((repo.root / "plans").rglob("*.yml")):
        name = path.relative_to(repo.root).as_posix()
        data = yaml.load(repo.read(name), Loader=yaml.BaseLoader)  # every scalar as text
        text = yaml.dump(_reorder(data), Dumper=_Quoted, indent=4, sort_keys=False, width=60)
        repo.write(name, text.replace('"', "'").replace("\\'", "''"))
    commit(repo.root, "re-ordered, re-quoted and re-indented")
    assert git(repo.root, "diff", "--stat", "HEAD~1", "HEAD").strip()  # the text did change
    code, out, _ = plans_diff(repo.root, "HEAD~1", "HEAD")
    assert (code, out) == (0, f"{MARKER}\n### Plan changes: HEAD\\~1 → HEAD\n\n{NO_CHANGES}\n")
    code, out, _ = plans_diff(repo.root, "HEAD~1", "HEAD", "--format", "json")
    assert json.loads(out)["changed"] is False


def test_an_unknown_revision_is_a_one_line_error(repo: Tree) -> None:
    code, out, err = plans_diff(repo.root, "no-such-branch")
    assert (code, out, err) == (1, "", "Error: unknown revision 'no-such-branch'\n")
    code, out, err = plans_diff(repo.root, "--", "-x")
    assert (code, err) == (1, "Error: unknown revision '-x'\n")


def test_a_shallow_clone_missing_the_base_says_how_to_fetch_it(repo: Tree, tmp_path: Path) -> None:
    reviewed_edit(repo)
    commit(repo.root, "edit")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    code, out, err = plans_diff(clone, "HEAD~1")
    assert (code, out) == (1, "")
    assert err == (
        "Error: 'HEAD~1' is not in this shallow clone: fetch more history "
        "(`git fetch --deepen=50`, or `git fetch --unshallow`) and run again\n"
    )


def test_outside_a_repository_is_a_one_line_error(tree: Tree) -> None:
    code, out, err = plans_diff(tree.root, "HEAD~1")
    assert (code, out) == (1, "")
    assert err == f"Error: {tree.root} is not in a git repository: give two folders instead\n"


def test_a_side_that_does_not_load_is_compared_as_far_as_it_loads(repo: Tree) -> None:
    repo.edit("plans/fenwick-csp/2025-26/indicators.yml", "value: 120", "value: 100")
    repo.write("plans/fenwick-csp/2025-26/actions.yml", "actions: [\n")
    code, out, _ = plans_diff(repo.root, "HEAD")
    assert code == 0
    assert "target changed: 120 (count) → 100 (count)" in out
    assert "These files do not load, so their changes are not shown: plans/fenwick\\-csp" not in out
    assert "plans/fenwick-csp/2025-26/actions.yml" in out
    assert "This change introduces 1 problem" in out
    assert "action removed" not in out  # the old actions stand in for the file that did not load


def test_a_problem_introduced_and_one_fixed_are_listed(repo: Tree) -> None:
    repo.edit("plans/fenwick-csp/2025-26/actions.yml", "lead: fenwick-council", "lead: nobody")
    commit(repo.root, "bad lead")
    code, out, _ = plans_diff(repo.root, "HEAD~1", "HEAD")
    assert code == 0
    assert "This change introduces 1 problem" in out
    assert "lead changed: fenwick\\-council → nobody" not in out
    assert "lead changed: fenwick-council → nobody" in out
    code, out, _ = plans_diff(repo.root, "HEAD", "HEAD~1")
    assert "It fixes 1 problem" in out


HOSTILE = "<script>alert(1)</script></details> **bold** [x](http://e.example) @everyone `c` $x$"


def test_text_from_the_plans_is_shown_as_text(repo: Tree) -> None:
    repo.edit(
        "plans/fenwick-csp/2025-26/actions.yml", "title: Fund refuge places", f"title: '{HOSTILE}'"
    )
    code, out, _ = plans_diff(repo.root, "HEAD")
    assert code == 0
    assert "<script>" not in out and out.count("</details>") == out.count("<details>") == 1
    html = python_markdown.markdown(out, extensions=["md_in_html"])
    assert "<script>" not in html and "<strong>bold</strong>" not in html
    assert "<a " not in html and "@everyone" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/details&gt; **bold** [x](http" in (
        html.replace("\\", "")
    )


def test_escaping_for_a_comment() -> None:
    assert markdown_text("<b>&x</b> *a* _b_ `c` [d](e) |f| ~g~ $h$ !i \\j @k") == (
        "&lt;b&gt;&amp;x&lt;/b&gt; \\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\|f\\| \\~g\\~ "
        "\\$h\\$ \\!i \\\\j @\u2060k"
    )
    assert markdown_text("# heading") == "\\# heading"
    assert markdown_text("- item") == "\\- item"
    assert markdown_text("12. item") == "12\\. item"
    assert markdown_text("two\nlines\r\n\n# not a heading") == "two lines # not a heading"
    assert (
        html_text('<a href="x">@y</a>\n&') == "&lt;a href=&quot;x&quot;&gt;@\u2060y&lt;/a&gt; &amp;"
    )


@pytest.mark.parametrize(
    ("before", "after", "words"),
    [
        (PartialDate(2026, 3, 31), PartialDate(2026, 4, 21), "3 weeks later"),
        (PartialDate(2026, 3, 31), PartialDate(2026, 3, 30), "1 day earlier"),
        (PartialDate(2026, 3, 31), PartialDate(2026, 5), "2 months later"),
        (PartialDate(2026, 3), PartialDate(2025, 12), "3 months earlier"),
        (PartialDate(2026, 3), PartialDate(2026, 3, 15), "made more precise"),
        (PartialDate(2026), PartialDate(2028, 1), "2 years later"),
        (PartialDate(2026, 5), PartialDate(2026), "made less precise"),
    ],
)
def test_how_far_a_date_moved(before: PartialDate, after: PartialDate, words: str) -> None:
    assert moved_by(before, after) == words


def test_an_unknown_amount_is_never_pounds_zero() -> None:
    from generator.model.delivery import Contract

    withheld = Contract(amount_status="withheld", amount_reason="FOI s43")  # type: ignore[arg-type]
    assert amount_words(None, withheld) == "withheld"
    assert amount_words(None, None) == "not known"
    assert amount_words(Decimal("0"), withheld) == "£0"
    assert pounds(Decimal("-12400.5"), signed=True) == "-£12,400.50"
    assert pounds(Decimal("12400"), signed=True) == "+£12,400"


def test_the_summary_counts_and_pluralises() -> None:
    change = Change("indicator", "x", "X", "target changed", counts="target changed")
    other = Change("service", "s", "S", "decommissioned", counts="service decommissioned")
    report = Report("a", "b", (Section("p", "P", "2025-26", (change, change, other)),))
    assert report.summary() == ("2 targets changed", "1 service decommissioned")
    entry = Change("priority", "p", "P", "priority added", counts="priority added")
    report = Report("a", "b", (Section("p", "P", "2025-26", (entry, entry)),))
    assert report.summary() == ("2 priorities added",)


def test_a_formula_input_recomputes_every_share_to_the_penny(tmp_path: Path) -> None:
    """On the example: one partnership's input changes, and the money moves between all
    three recipients of the Brackenshire formula, shown to the penny in each one's plans."""
    root = tmp_path / "example"
    for folder in ("plans", "data"):
        shutil.copytree(Path(__file__).resolve().parents[1] / folder, root / folder)
    git(root, "init", "-q", "-b", "main")
    commit(root, "base")
    tree = Tree(root)
    funding = "plans/brackenshire-pcc/2025-26/funding.yml"
    tree.edit(funding, "recorded-crime: 6240", "recorded-crime: 6840")
    code, out, _ = plans_diff(root, "HEAD")
    assert code == 0
    assert out.splitlines()[3] == (
        "**1 formula input changed, 3 shares recomputed, 3 allocations changed, £3,730.89 moved "
        "between 3 recipients "
        "of Community safety fund formula 2025/26, 1 problem introduced.**"
    )  # 2025-26 is published: the change needs an entry in its changes.yml
    assert (
        "Sallowfield Community Safety Partnership's share recomputed (+£3,730.89): "
        "£226,833.74 → £230,564.63"
        in out
        and "Safer Kelderton Partnership's share recomputed (-£2,299.05): £591,588.85 → £589,289.80"
        in out
        and "Dunmarsh and Wyckholt Community Safety Partnership's share recomputed (-£1,431.84): "
        "£448,336.67 → £446,904.83"
        in out
    )
    assert (
        "- **Allocation** community-safety-fund “PCC community safety fund”: allocation changed "
        "(+£3,730.89): £226,833.74 → £230,564.63"
    ) in out


def test_a_problem_that_only_moved_down_its_file_is_neither_introduced_nor_fixed(
    repo: Tree,
) -> None:
    repo.edit("plans/fenwick-csp/2025-26/actions.yml", "lead: fenwick-council", "lead: nobody")
    commit(repo.root, "bad lead")
    text = repo.read("plans/fenwick-csp/2025-26/actions.yml")
    repo.write("plans/fenwick-csp/2025-26/actions.yml", "# Reviewed in May.\n\n" + text)
    code, out, _ = plans_diff(repo.root, "HEAD")
    assert (code, out.splitlines()[-1]) == (0, NO_CHANGES)


EXAMPLE_EDITS = {
    # an action's lead that does not exist: a problem in the edited file
    "own-file": ("plans/sallowfield/2025-26/actions.yml", "lead: ", "lead: nobody-"),
    # a priority renamed that next year's plan continues: a problem in the next year's plan
    "next-year": ("plans/sallowfield/2025-26/plan.yml", "  - id: domestic-abuse", "  - id: da"),
    # a formula renamed: problems in the other partnerships' allocations that name it
    "formula": (
        "plans/brackenshire-pcc/2025-26/funding.yml",
        "  - id: csf-formula-2025-26",
        "  - id: csf-formula-renamed",
    ),
    # an organisation removed from the reference data: problems in every year
    "reference": ("data/organisations.yml", "  - id: marrowby-borough-council", "  - id: gone"),
}


@pytest.fixture(scope="module")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example") / "project"
    for folder in ("plans", "data"):
        shutil.copytree(Path(__file__).resolve().parents[1] / folder, root / folder)
    git(root, "init", "-q", "-b", "main")
    commit(root, "base")
    return root


@pytest.mark.parametrize("edit", EXAMPLE_EDITS, ids=list(EXAMPLE_EDITS))
def test_problems_introduced_and_fixed_are_those_of_validating_both_whole(
    example_repo: Path, edit: str, tmp_path: Path
) -> None:
    """Reading only what a change can affect loses no problem: the problems introduced and
    fixed are exactly those `plans validate` finds on the whole of each version."""
    from generator.pipeline import check_project

    after = tmp_path / "after"
    shutil.copytree(example_repo, after, ignore=shutil.ignore_patterns(".git"))
    name, old, new = EXAMPLE_EDITS[edit]
    text = (after / name).read_text(encoding="utf-8")
    assert old in text
    (after / name).write_text(text.replace(old, new), encoding="utf-8")
    code, out, _ = plans_diff(example_repo, "HEAD", str(after), "--format", "json")
    assert code == 0
    report = json.loads(out)
    _, before_problems = check_project(example_repo)
    _, after_problems = check_project(after)
    old_set, new_set = set(map(str, before_problems)), set(map(str, after_problems))
    assert set(report["introduced"]) == new_set - old_set != set()
    assert set(report["fixed"]) == old_set - new_set


def test_a_project_in_a_folder_of_the_repository(tree: Tree, tmp_path: Path) -> None:
    outer = tmp_path / "repository"
    shutil.copytree(tree.root, outer / "plans-site")
    git(outer, "init", "-q", "-b", "main")
    commit(outer, "base")
    Tree(outer / "plans-site").edit(
        "plans/fenwick-csp/2025-26/indicators.yml", "value: 120", "value: 100"
    )
    commit(outer, "edit")
    code, out, _ = plans_diff(outer / "plans-site", "HEAD~1", "HEAD")
    assert code == 0
    assert "target changed: 120 (count) → 100 (count)" in out


# --- what changed since last year: the same engine, a plan year against the one before ------


def test_each_plan_year_says_what_changed_since_last_year_in_its_open_data() -> None:
    from generator.render import Version, render_version
    from generator.site.versions import versions_of
    from tests.conftest import CHECKOUT, checked_example

    project = checked_example()
    _, latest = versions_of(project, drafts=False)
    files = render_version(project, CHECKOUT / "theme", Version("2025-26", latest, False)).files
    document = json.loads(files["marrowby/data/marrowby-2025-26.json"])
    changes = {(c["topic"], c["id"], c["what"]): c for c in document["since_last_year"]}
    assert changes[("priority", "safer-streets", "continues last year's")]["before"] == (
        "anti-social-behaviour"
    )
    dropped = changes[("priority", "environmental-crime", "priority dropped")]
    assert dropped["after"].startswith("Left to the council's environmental services")
    assert ("priority", "safer-streets", "priority added") not in changes  # it continues one
    page = files["marrowby/changes.md"].decode("utf-8")
    assert (
        "| Priority | Safer streets and town centre | continues last year's | "
        "Anti\\-social behaviour in the town centre | Safer streets and town centre |"
    ) in page


def test_a_first_year_has_nothing_to_compare_with() -> None:
    from generator.review import since_last_year
    from tests.conftest import checked_example

    project = checked_example()
    first = project.years_of("marrowby")[0]
    assert since_last_year(project, first) == ()


@pytest.mark.parametrize(
    ("what", "phrase"),
    [
        ("target changed", "3 targets changed"),
        ("plan year removed", "3 plan years removed"),
        ("formula weight changed", "3 formula weights changed"),
        ("RAG status changed", "3 RAG statuses changed"),
        ("priority added", "3 priorities added"),
        ("rationale rewritten", "3 rationales rewritten"),
    ],
)
def test_the_summary_counts_the_noun_before_its_verb(what: str, phrase: str) -> None:
    from generator.review.changes import _counted

    assert _counted(3, what) == phrase
    assert _counted(1, what) == f"1 {what}"
