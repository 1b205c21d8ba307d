"""Spreadsheets both ways (issue 21, item 4): `plans export --xlsx` writes a workbook per plan
year; `plans import` reads an edited one back, changing exactly the values edited in the
columns it takes, keeping every comment, and refusing bad workbooks with located errors."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook

from generator.cli import main
from generator.load.reader import parse_text
from generator.pipeline import check_project
from generator.sheets.export import export_workbooks, workbook_bytes
from generator.sheets.import_ import Outcome, import_workbook, report_lines
from generator.sheets.workbook import OLE_MAGIC, WorkbookRefused
from generator.sheets.yamledit import AppendItem, EditRefused, RemoveKey, SetValue, apply_edits
from tests.conftest import CHECKOUT, Tree

FEN = "plans/fenwick-csp/2024-25/"
ACTIONS = FEN + "actions.yml"
INDICATORS = FEN + "indicators.yml"
BOOK = "fenwick-csp-2024-25.xlsx"
EXAMPLE = CHECKOUT


def plans(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="plans")


def export(tree: Tree) -> Path:
    """The fenwick-csp 2024-25 workbook of the tree, written into tree/exports."""
    project, problems = check_project(tree.root)
    assert project is not None and problems == []
    [done] = export_workbooks(project, tree.root / "exports", "fenwick-csp", "2024-25")
    return done.path


def edited(book: Path, cells: dict[tuple[str, str], Any], name: str = "edited.xlsx") -> Path:
    """A copy of a workbook with some cells changed, as an officer would save it."""
    workbook = load_workbook(book)
    for (sheet, ref), value in cells.items():
        workbook[sheet][ref] = value
    out = book.with_name(name)
    workbook.save(out)
    return out


def snapshot(tree: Tree) -> dict[str, bytes]:
    return {
        path.relative_to(tree.root).as_posix(): path.read_bytes()
        for path in sorted((tree.root / "plans").rglob("*"))
        if path.is_file()
    }


def commented(tree: Tree) -> None:
    """Comments beside the values the import edits, and elsewhere."""
    tree.edit(ACTIONS, "actions:\n", "# The action plan, as the board agreed it\nactions:\n")
    tree.edit(ACTIONS, "    due: 2025-03-31", "    due: 2025-03-31  # the board's date")
    tree.edit(INDICATORS, "indicators:\n", "# Indicators\nindicators:\n")
    tree.edit(INDICATORS, "        value: 30", "        value: 30  # from the Q1 return")
    tree.edit(INDICATORS, "      value: 120", "      value: 120 # agreed in March")


def lines(outcome: Outcome) -> list[str]:
    return [line for line, _ in report_lines(outcome)]


# --- export ---------------------------------------------------------------------------------


def test_a_workbook_per_plan_year_with_one_sheet_each(tree: Tree) -> None:
    project, _ = check_project(tree.root)
    assert project is not None
    done = export_workbooks(project, tree.root / "exports")
    assert sorted(d.path.name for d in done) == [
        "ashdown-pcc-2024-25.xlsx",
        "ashdown-pcc-2025-26.xlsx",
        "fenwick-csp-2024-25.xlsx",
        "fenwick-csp-2025-26.xlsx",
    ]
    book = load_workbook(tree.root / "exports" / BOOK)
    assert book.sheetnames == [
        "About",
        "Actions",
        "Progress",
        "Indicators",
        "Services",
        "Risks",
        "Allocations",
    ]
    actions = book["Actions"]
    assert [c.value for c in actions[1]] == [
        "ID",
        "Title",
        "Priority",
        "Lead",
        "Partners",
        "Services",
        "Milestones",
        "Due",
        "Status",
    ]
    assert actions.freeze_panes == "B2"
    assert actions["H2"].value == datetime(2025, 3, 31)
    assert actions["H2"].number_format == "yyyy-mm-dd"
    assert actions["I2"].value == "not-started"
    [statuses] = actions.data_validations.dataValidation
    assert statuses.formula1 == '"not-started,on-track,at-risk,off-track,complete,cancelled"'
    assert "I2" in str(statuses.sqref)
    # read-only columns are grey and locked, editable ones white and unlocked
    assert actions["A2"].fill.start_color.rgb == "FFE7E6E6" and actions["A2"].protection.locked
    assert actions["I2"].fill.fill_type is None and not actions["I2"].protection.locked
    assert actions.protection.sheet
    assert "Read-only" in actions["A1"].comment.text
    assert "Editable" in actions["I1"].comment.text
    services = book["Services"]
    assert services["G2"].value == 40000 and services["G2"].number_format == "£#,##0.00"
    assert book["Indicators"]["H2"].value == 30


def test_exporting_twice_gives_the_same_bytes(tree: Tree) -> None:
    project, _ = check_project(tree.root)
    assert project is not None
    plan_year = project.years[("fenwick-csp", "2024-25")]
    assert workbook_bytes(project, plan_year) == workbook_bytes(project, plan_year)


def test_text_that_looks_like_a_formula_is_exported_as_text(tree: Tree) -> None:
    tree.edit(ACTIONS, "title: Fund refuge places", """title: '=HYPERLINK("http://x","y")'""")
    tree.edit(
        ACTIONS,
        "    due: 2025-03-31",
        "    due: 2025-03-31\n    progress:\n      - date: 2024-05-01\n        note: '@SUM(A1)'",
    )
    book = export(tree)
    with zipfile.ZipFile(book) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml").decode()
        progress = archive.read("xl/worksheets/sheet3.xml").decode()
    # a text cell holding the characters, never a formula (<f>) for the spreadsheet to run
    [cell] = re.findall(r'<c r="B2"[^>]*>.*?</c>', sheet)
    assert 't="inlineStr"' in cell and "<f>" not in cell, cell
    assert '<t>=HYPERLINK("http://x","y")</t>' in cell
    [note] = re.findall(r'<c r="D2"[^>]*>.*?</c>', progress)
    assert 't="inlineStr"' in note and "<f>" not in note and "<t>@SUM(A1)</t>" in note
    workbook = load_workbook(book)
    title = workbook["Actions"]["B2"]
    assert (title.data_type, title.value) == ("s", '=HYPERLINK("http://x","y")')
    assert title.quotePrefix  # the spreadsheet keeps it text when the cell is edited
    assert workbook["Progress"]["D2"].quotePrefix


def test_export_command_writes_into_exports_and_refuses_plans_folder(tree: Tree) -> None:
    result = plans("export", "--xlsx", "fenwick-csp", "2024-25", "--project", str(tree.root))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {(tree.root / 'exports' / BOOK).resolve()}\n"
    inside = tree.root / "plans" / "books"
    result = plans("export", "--xlsx", "--out", str(inside), "--project", str(tree.root))
    assert result.exit_code == 1
    assert result.stderr == "Error: write the workbooks outside plans/ (--out FOLDER)\n"
    assert not inside.exists()
    result = plans("export", "--xlsx", "fenwick-csp", "--project", str(tree.root))
    assert result.exit_code == 2 and "give both PARTNERSHIP and YEAR, or neither" in result.stderr
    result = plans("export", "--xlsx", "fenwick-csp", "2030-31", "--project", str(tree.root))
    assert result.stderr == (
        "Error: fenwick-csp has no plan year '2030-31'; it has: 2024-25, 2025-26\n"
    )


# --- import: the round trip -----------------------------------------------------------------


def test_export_then_unchanged_import_changes_nothing(tree: Tree) -> None:
    commented(tree)
    before = snapshot(tree)
    outcome = import_workbook(tree.root, export(tree), write=True)
    assert (outcome.errors, outcome.changes, outcome.not_imported) == ([], [], [])
    assert lines(outcome) == [f"{BOOK}: nothing to import; no file changed."]
    assert snapshot(tree) == before


def test_every_example_workbook_round_trips_unchanged(tmp_path: Path) -> None:
    project, _ = check_project(EXAMPLE)
    assert project is not None
    for key in (("marrowby", "2024-25"), ("brackenshire-pcc", "2025-26")):
        book = tmp_path / f"{key[0]}.xlsx"
        book.write_bytes(workbook_bytes(project, project.years[key]))
        outcome = import_workbook(EXAMPLE, book)  # no --write: the example is not touched
        assert (outcome.errors, outcome.changes, outcome.not_imported) == ([], [], []), key


def test_an_import_changes_exactly_the_values_edited_and_keeps_every_comment(tree: Tree) -> None:
    commented(tree)
    actions, indicators = tree.read(ACTIONS), tree.read(INDICATORS)
    book = edited(
        export(tree),
        {("Actions", "I2"): "on-track", ("Indicators", "H2"): 33, ("Indicators", "I2"): 35},
    )
    outcome = import_workbook(tree.root, book, write=True)
    assert lines(outcome) == [
        f"Changed 3 values in {ACTIONS}, {INDICATORS}:",
        f"  {ACTIONS}: actions[0].status: not-started -> on-track "
        "(edited.xlsx: sheet 'Actions', row 2, column I (Status))",
        f"  {INDICATORS}: indicators[0].actuals[0].value: 30 -> 33 "
        "(edited.xlsx: sheet 'Indicators', row 2, column H (Q1))",
        f"  {INDICATORS}: indicators[0].actuals[1]: + quarter: Q2, value: 35 "
        "(edited.xlsx: sheet 'Indicators', row 2, column I (Q2))",
        "In short: 1 action status changed, 1 actual changed, 1 actual added.",
        "Export the workbook again before editing it further.",
    ]
    assert tree.read(ACTIONS) == actions.replace(
        "        status: met\n", "        status: met\n    status: on-track\n"
    )
    assert tree.read(INDICATORS) == indicators.replace(
        "        value: 30  # from the Q1 return\n",
        "        value: 33  # from the Q1 return\n      - quarter: Q2\n        value: 35\n",
    )
    assert tree.problems() == []


def test_a_dry_run_shows_the_changes_and_writes_nothing(tree: Tree) -> None:
    before = snapshot(tree)
    book = edited(export(tree), {("Actions", "H2"): datetime(2025, 6, 30)})
    result = plans("import", str(book), "--project", str(tree.root))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "Would change 1 value (--write makes the changes):"
    assert f"{ACTIONS}: actions[0].due: 2025-03-31 -> 2025-06-30" in result.stdout
    assert snapshot(tree) == before


def test_progress_notes_are_edited_and_added(tree: Tree) -> None:
    tree.edit(
        ACTIONS,
        "    due: 2025-03-31",
        "    due: 2025-03-31\n    progress:\n      - date: 2024-05-01  # first\n"
        "        note: Tender drafted",
    )
    book = edited(
        export(tree),
        {
            ("Progress", "D2"): "Tender drafted and agreed",
            ("Progress", "A3"): "refuge-places",
            ("Progress", "C3"): datetime(2024, 7, 1),
            ("Progress", "D3"): 'Tender out: "lots" 1 & 2 # on time',
        },
    )
    outcome = import_workbook(tree.root, book, write=True)
    assert outcome.errors == []
    assert (
        "    due: 2025-03-31\n"
        "    progress:\n"
        "      - date: 2024-05-01  # first\n"
        "        note: Tender drafted and agreed\n"
        "      - date: 2024-07-01\n"
        '        note: "Tender out: \\"lots\\" 1 & 2 # on time"\n'
        "    services: [refuge]\n"
    ) in tree.read(ACTIONS)
    assert tree.problems() == []


def test_a_quarter_figure_may_become_a_number_or_a_reason(tree: Tree) -> None:
    tree.edit(
        INDICATORS,
        "        value: 30",
        "        value: 30\n      - quarter: Q2\n        status: not-yet-available\n"
        '        printed: "-"',
    )
    book = edited(export(tree), {("Indicators", "I2"): 41, ("Indicators", "H2"): "no-new-data"})
    outcome = import_workbook(tree.root, book, write=True)
    assert outcome.errors == []
    assert tree.read(INDICATORS).endswith(
        "    actuals:\n"
        "      - quarter: Q1\n"
        "        status: no-new-data\n"
        "      - quarter: Q2\n"
        "        value: 41\n"
    )


def test_a_read_only_change_is_reported_and_not_applied(tree: Tree) -> None:
    before = snapshot(tree)
    book = edited(
        export(tree),
        {("Services", "G2"): 45000, ("Actions", "B2"): "Fund more refuge places"},
    )
    outcome = import_workbook(tree.root, book, write=True)
    assert outcome.errors == [] and outcome.changes == []
    assert lines(outcome) == [
        "edited.xlsx: nothing to import; no file changed.",
        "Not imported (read-only in the workbook):",
        "  edited.xlsx: sheet 'Actions', row 2, column B (Title): changed from Fund refuge "
        "places to Fund more refuge places: not imported, edit actions.yml",
        "  edited.xlsx: sheet 'Services', row 2, column G (Contract value): changed from 40000 "
        "to 45000: not imported, edit services.yml",
    ]
    assert snapshot(tree) == before


def test_a_removed_row_is_reported_not_applied(tree: Tree) -> None:
    book = load_workbook(export(tree))
    book["Actions"].delete_rows(2)
    out = tree.root / "exports" / "removed.xlsx"
    book.save(out)
    outcome = import_workbook(tree.root, out, write=True)
    assert outcome.not_imported == [
        "removed.xlsx: sheet 'Actions': the row of action 'refuge-places' was removed: not "
        "imported, remove it in actions.yml"
    ]


def test_a_workbook_older_than_the_plans_is_refused(tree: Tree) -> None:
    """Importing it would undo what changed in the YAML since it was exported."""
    book = edited(export(tree), {("Indicators", "H2"): 31})
    tree.edit(ACTIONS, "    due: 2025-03-31", "    due: 2025-03-31\n    status: complete")
    before = snapshot(tree)
    outcome = import_workbook(tree.root, book, write=True)
    assert outcome.errors == [
        "edited.xlsx: the plan year's actions.yml or indicators.yml changed after this workbook "
        "was exported, and importing it would undo those changes; export the workbook again "
        "and make the edits in the new one"
    ]
    assert snapshot(tree) == before


def test_values_right_of_the_last_column_are_reported(tree: Tree) -> None:
    book = edited(export(tree), {("Actions", "K2"): "ask Sam"})
    outcome = import_workbook(tree.root, book)
    assert outcome.not_imported == [
        "edited.xlsx: sheet 'Actions', row 2: the values right of the last column are not imported"
    ]


# --- import: errors, located ----------------------------------------------------------------


def test_a_bad_date_an_unknown_id_and_text_for_a_number_give_three_located_errors(
    tree: Tree,
) -> None:
    before = snapshot(tree)
    book = edited(
        export(tree),
        {
            ("Actions", "H2"): "next March",
            ("Actions", "A3"): "refuge-placez",
            ("Indicators", "I2"): "thirty",
        },
    )
    result = plans("import", str(book), "--write", "--project", str(tree.root))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "edited.xlsx: 3 errors:",
        "  edited.xlsx: sheet 'Actions', row 2, column H (Due): write the date as YYYY-MM-DD, "
        "or YYYY-MM or YYYY where the source gives only the month or the year (e.g. 2012-11), "
        "got 'next March'",
        "  edited.xlsx: sheet 'Actions', row 3, column A (ID): unknown action 'refuge-placez': "
        "rows are matched by ID, and a new action is added in actions.yml — did you mean "
        "'refuge-places'?",
        "  edited.xlsx: sheet 'Indicators', row 2, column I (Q2): expected a number, got 'thirty'",
        "Error: nothing was imported; fix the workbook and import it again",
    ]
    assert snapshot(tree) == before


def test_a_number_in_the_status_column_and_a_formula_are_located(tree: Tree) -> None:
    book = edited(export(tree), {("Actions", "I2"): 3, ("Indicators", "H2"): "=30+3"})
    outcome = import_workbook(tree.root, book, write=True)
    assert outcome.errors == [
        "edited.xlsx: sheet 'Actions', row 2, column I (Status): '3' is not allowed here; use "
        "one of: not-started, on-track, at-risk, off-track, complete, cancelled",
        "edited.xlsx: sheet 'Indicators', row 2, column H (Q1): holds a formula (=30+3); type "
        "the value itself",
    ]


def test_a_date_typed_as_a_number_and_a_bad_progress_row_are_located(tree: Tree) -> None:
    book = load_workbook(export(tree))
    book["Actions"]["H2"] = 45000  # a date-formatted cell would turn this into a date
    book["Actions"]["H2"].number_format = "General"
    book.save(tree.root / "exports" / "number.xlsx")
    book = edited(
        tree.root / "exports" / "number.xlsx",
        {
            ("Progress", "A2"): "refuge-places",
            ("Progress", "C2"): "soon",
            ("Progress", "A3"): "patrols",
            ("Progress", "D3"): "Note",
        },
    )
    outcome = import_workbook(tree.root, book)
    assert outcome.errors == [
        "edited.xlsx: sheet 'Actions', row 2, column H (Due): expected a date (YYYY-MM-DD, or "
        "YYYY-MM or YYYY), got the number 45000; format the cell as a date or type the date "
        "as text",
        "edited.xlsx: sheet 'Progress', row 2, column C (Date): write the date as YYYY-MM-DD "
        "(e.g. 2025-03-31), got 'soon'",
        "edited.xlsx: sheet 'Progress', row 2, column D (Note): missing required field 'note'",
        "edited.xlsx: sheet 'Progress', row 3, column A (Action): unknown action 'patrols'",
    ]


def test_a_cross_file_rule_speaks_at_the_cell(tree: Tree) -> None:
    """The project is validated whole with the edits made: a published year's freeze."""
    from generator.cycle.publish import publish

    publish(tree.root, "fenwick-csp", "2024-25", "the board", date(2024, 4, 15))
    before = snapshot(tree)
    book = edited(export(tree), {("Actions", "H2"): datetime(2025, 6, 30)})
    outcome = import_workbook(tree.root, book, write=True)
    assert outcome.errors == [
        "edited.xlsx: sheet 'Actions', row 2, column H (Due): 'actions[refuge-places].due' "
        "changed since the year was published on 2024-04-15: undo it, or record it in "
        "changes.yml (a correction or variation) with 'actions[refuge-places].due' under fields"
    ]
    assert outcome.written == []
    assert snapshot(tree) == before
    # a status and a quarter's figure stay open after publication: they import
    book = edited(export(tree), {("Actions", "I2"): "complete", ("Indicators", "I2"): 35})
    outcome = import_workbook(tree.root, book, write=True)
    assert outcome.errors == [] and len(outcome.written) == 2


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda b: b.create_sheet("Notes"),
            "edited.xlsx: sheet 'Notes' is not one plans export writes; the sheets are About, "
            "Actions, Progress, Indicators, Services, Risks, Allocations",
        ),
        (
            lambda b: setattr(b["Risks"], "title", "Risk"),
            "edited.xlsx: sheet 'Risk' is not one plans export writes — did you mean 'Risks'?; "
            "the sheets are About, Actions, Progress, Indicators, Services, Risks, Allocations",
        ),
        (
            lambda b: b["Actions"].cell(1, 9, "State"),
            "edited.xlsx: sheet 'Actions', row 1, column I (Status): the header is 'State', "
            "expected 'Status'; keep the columns as exported",
        ),
        (
            lambda b: b["Indicators"].cell(1, 12, "Comments"),
            "edited.xlsx: sheet 'Indicators', row 1, column L: an extra column ('Comments') is "
            "not imported; remove it",
        ),
    ],
    ids=["extra sheet", "renamed sheet", "renamed column", "extra column"],
)
def test_sheets_and_columns_are_as_exported(tree: Tree, change: Any, error: str) -> None:
    book = load_workbook(export(tree))
    change(book)
    out = tree.root / "exports" / "edited.xlsx"
    book.save(out)
    outcome = import_workbook(tree.root, out, write=True)
    assert error in outcome.errors


def test_ten_thousand_rows_give_capped_errors_in_one_run(tree: Tree) -> None:
    book = load_workbook(export(tree))
    for r in range(3, 10_003):
        book["Actions"].cell(r, 1, f"action-{r}")
    out = tree.root / "exports" / "long.xlsx"
    book.save(out)
    outcome = import_workbook(tree.root, out)
    assert len(outcome.errors) == 50
    assert outcome.errors[-1] == "and 9,951 more errors"


# --- import: refusals before any parsing ----------------------------------------------------


def refused(book: Path, tree: Tree) -> str:
    result = plans("import", str(book), "--write", "--project", str(tree.root))
    assert result.exit_code == 1 and result.stdout == ""
    assert "Traceback" not in result.stderr
    return result.stderr


def test_a_csv_renamed_is_refused(tree: Tree) -> None:
    book = tree.root / "actions.xlsx"
    book.write_text("ID,Status\nrefuge-places,complete\n")
    assert refused(book, tree) == (
        "Error: actions.xlsx: this is not an .xlsx workbook (a CSV or text file renamed?); save "
        "it from your spreadsheet as Excel Workbook (.xlsx); nothing was imported\n"
    )


def test_a_password_protected_workbook_is_refused(tree: Tree) -> None:
    book = tree.root / "locked.xlsx"
    book.write_bytes(OLE_MAGIC + bytes(4096))
    assert refused(book, tree) == (
        "Error: locked.xlsx: the workbook is password-protected or encrypted (or an old .xls "
        "file); save it as an Excel Workbook (.xlsx) without a password and import that; "
        "nothing was imported\n"
    )


def test_a_damaged_or_foreign_zip_is_refused(tree: Tree) -> None:
    book = tree.root / "damaged.xlsx"
    book.write_bytes(export(tree).read_bytes()[:2000])
    assert "this .xlsx file is damaged" in refused(book, tree)
    other = tree.root / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "this is a zip archive but not an .xlsx workbook" in refused(other, tree)


def test_a_workbook_over_ten_megabytes_is_refused(tree: Tree) -> None:
    book = tree.root / "big.xlsx"
    with book.open("wb") as out:
        out.truncate(10_000_001)
    assert refused(book, tree) == (
        "Error: big.xlsx: it is 10.0 MB; the limit is 10.0 MB; nothing was imported\n"
    )


def test_a_zip_bomb_is_refused_from_the_zip_directory(tree: Tree) -> None:
    book = tree.root / "bomb.xlsx"
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(101):
                sheet.write(bytes(1_000_000))
    assert book.stat().st_size < 1_000_000
    assert refused(book, tree) == (
        "Error: bomb.xlsx: it unzips to 101.0 MB; the limit is 100.0 MB; nothing was imported\n"
    )


def test_more_than_fifty_thousand_cells_are_refused_before_parsing(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Actions")
    for r in range(10_001):
        sheet.append([f"a{r}", "x", "y", "z", "w"])
    out = tree.root / "wide.xlsx"
    book.save(out)
    import openpyxl

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed before the cells were counted")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)
    with pytest.raises(WorkbookRefused) as refusal:
        import_workbook(tree.root, out)
    assert str(refusal.value) == (
        "wide.xlsx: it has more than 50,000 cells; a plan year's workbook has far fewer "
        "(remove the extra rows); nothing was imported"
    )


def test_an_import_into_a_project_with_errors_is_refused(tree: Tree) -> None:
    book = export(tree)
    tree.edit(ACTIONS, "lead: fenwick-council", "lead: fenwick-councl")
    assert refused(book, tree) == (
        "Error: the project has 1 error; fix them first (plans validate), then import\n"
    )


# --- the YAML edited in place ---------------------------------------------------------------

TEXT = """\
# top
actions:
  - id: a   # the id
    due: 2025-03-31  # kept
    note: |
      two
      lines

    progress: []
    flow: {a: 1, b: 2}
  - id: b
    progress:
    - date: 2024-01-01
      note: x
"""


def test_edits_touch_only_their_spans() -> None:
    document, _ = parse_text(TEXT, "f.yml")
    assert document is not None
    edits = [
        SetValue(("actions", 0, "due"), "2025-04"),
        SetValue(("actions", 0, "note"), "one: line"),
        SetValue(("actions", 0, "status"), "complete"),
        AppendItem(("actions", 0, "progress"), {"date": "2025-01-01", "note": "=X"}),
        AppendItem(("actions", 1, "progress"), {"date": "2025-01-02", "note": "y"}),
        AppendItem(("actions", 1, "milestones"), {"title": "T", "due": "2025"}),
        RemoveKey(("actions", 0, "flow", "a")),
        SetValue(("actions", 0, "flow", "c"), "null"),
    ]
    assert apply_edits(TEXT, document.data, edits, "f.yml") == (
        "# top\n"
        "actions:\n"
        "  - id: a   # the id\n"
        "    due: 2025-04  # kept\n"
        '    note: "one: line"\n'
        "\n"
        '    progress: [{date: 2025-01-01, note: "=X"}]\n'
        '    flow: {b: 2, c: "null"}\n'
        "    status: complete\n"
        "  - id: b\n"
        "    progress:\n"
        "    - date: 2024-01-01\n"
        "      note: x\n"
        "    - date: 2025-01-02\n"
        "      note: y\n"
        "    milestones:\n"
        "      - title: T\n"
        "        due: 2025\n"
    )


def test_an_edit_the_text_cannot_take_is_refused() -> None:
    document, _ = parse_text(TEXT, "f.yml")
    assert document is not None
    with pytest.raises(EditRefused, match="is not a single value"):
        apply_edits(TEXT, document.data, [SetValue(("actions", 1, "progress"), "x")], "f.yml")
    with pytest.raises(EditRefused, match="is not where the workbook expects it"):
        apply_edits(TEXT, document.data, [SetValue(("actions", 5, "due"), "x")], "f.yml")


def test_the_example_copy_imports_an_edit(tmp_path: Path) -> None:
    """An edit on the example's irregular files (a copy) leaves the rest byte for byte."""
    root = tmp_path / "example"
    for folder in ("data", "plans"):
        shutil.copytree(EXAMPLE / folder, root / folder)
    project, _ = check_project(root)
    assert project is not None
    plan_year = project.years[("safer-kelderton", "2025-26")]
    book = tmp_path / "marrowby.xlsx"
    book.write_bytes(workbook_bytes(project, plan_year))
    workbook = load_workbook(book)
    workbook["Actions"]["I2"] = "at-risk"
    workbook.save(book)
    name = plan_year.files["actions"]
    before = (root / name).read_text(encoding="utf-8")
    outcome = import_workbook(root, book, write=True)
    assert outcome.errors == [] and outcome.written == [name]
    after = (root / name).read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=False) if a != b
    ]
    assert len(changed) <= 1 and len(after.splitlines()) - len(before.splitlines()) <= 1
