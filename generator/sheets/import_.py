"""`plans import FILE.xlsx`: an edited workbook read back into the plans.

The workbook is compared, cell by cell, with the workbook the plans would export now: a change
in an editable column (an action's due date and status, progress notes, indicators' quarterly
figures) becomes an edit of the YAML at the place it stands; a change anywhere else is
reported and not applied. Every edited value is typed by the model, then the whole project is
validated with the edits made (in a copy), so a cross-file rule or a published year's freeze
speaks as it would after a hand edit. Files are written only with `write`, only when nothing
is wrong, and only where a value changed: comments, order and layout are kept."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from generator.load import Document
from generator.load.reader import parse_text
from generator.model import YEAR_KINDS, PlanYear, Project
from generator.model.kinds import parse_document
from generator.pipeline import check_project
from generator.problems import (
    FieldPath,
    PlansError,
    Problem,
    Severity,
    counted,
    did_you_mean,
    format_path,
)
from generator.review import compare
from generator.sheets.tables import (
    ABOUT,
    EDITED_KINDS,
    FIGURE_WORDS,
    SHEETS,
    VERSION,
    Cell,
    Column,
    Row,
    Table,
    about_rows,
    plan_year_tables,
    quarter_actuals,
)
from generator.sheets.workbook import Sheet, read_workbook
from generator.sheets.yamledit import (
    AppendItem,
    Edit,
    EditRefused,
    RemoveKey,
    SetValue,
    apply_edits,
    edited_data,
)

MAX_ERRORS = 50
_SHEET_ORDER = {name: i for i, name in enumerate((ABOUT, *SHEETS))}


@dataclass(frozen=True)
class Place:
    """A cell of the workbook, named as an editor finds it."""

    book: str
    sheet: str
    row: int
    column: int
    header: str

    def __str__(self) -> str:
        letter = get_column_letter(self.column)
        return f"{self.book}: sheet '{self.sheet}', row {self.row}, column {letter} ({self.header})"


@dataclass(frozen=True)
class Changed:
    """A value the import changes: where it stands in the YAML and in the workbook."""

    file: str
    field: str
    before: str
    after: str
    place: Place


@dataclass
class Outcome:
    """What an import found: the changes it makes, what it did not import, and errors."""

    book: str
    partnership: str = ""
    year: str = ""
    changes: list[Changed] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    summary: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class _Collector:
    """Edits per YAML file, and the workbook cell each edited field came from."""

    def __init__(self, outcome: Outcome, root: Path) -> None:
        self.outcome = outcome
        self.root = root
        self.sources: dict[str, tuple[str, Any]] = {}
        self.order: dict[str, tuple[int, int, int]] = {}
        self.edits: dict[str, list[Edit]] = {}
        self.places: dict[tuple[str, str], Place] = {}

    def error(self, place: Place | str, message: str) -> None:
        text = f"{place}: {message}"
        self.outcome.errors.append(text)
        if isinstance(place, Place):
            self.order[text] = (_SHEET_ORDER.get(place.sheet, 0), place.row, place.column)

    def sorted_errors(self) -> None:
        """Errors in the workbook's order: sheet, row, column (the others after, as found)."""
        last = (len(_SHEET_ORDER) + 1, 0, 0)
        self.outcome.errors.sort(key=lambda text: self.order.get(text, last))

    def edit(self, file: str, edit: Edit, place: Place, before: Cell, after: str) -> FieldPath:
        """Note an edit; the path of the field (or of the item appended) it makes."""
        path = edit.path
        if isinstance(edit, AppendItem):
            node = self.source(file)[1]
            for part in path:
                node = node.get(part) if isinstance(node, dict) else node[part]
            earlier = [e for e in self.edits.get(file, []) if e.path == path]
            path = (*path, len(node or []) + len(earlier))
            after = ", ".join(f"{key}: {value}" for key, value in edit.item.items())
        self.edits.setdefault(file, []).append(edit)
        self.places[(file, format_path(path))] = place
        if not isinstance(edit, RemoveKey):
            shown = "" if before is None or isinstance(edit, AppendItem) else _shown(before)
            self.outcome.changes.append(Changed(file, format_path(path), shown, after, place))
        return path

    def source(self, file: str) -> tuple[str, Any]:
        """A YAML file's text and data as they are now (the project keeps no data)."""
        if file not in self.sources:
            text = (self.root / file).read_bytes().decode("utf-8")
            document, _ = parse_text(text, file)
            if document is None:  # pragma: no cover - the project validated a moment ago
                raise PlansError(f"{file} changed while importing; import again")
            self.sources[file] = (text, document.data)
        return self.sources[file]

    def place_of(self, file: str, path: str) -> Place | None:
        """The cell behind a problem's field: the field itself, the item holding it, or an
        edited field within it."""
        if (file, path) in self.places:
            return self.places[(file, path)]
        for (f, edited), place in self.places.items():
            if f == file and edited.startswith((path + ".", path + "[")):
                return place
        for (f, edited), place in self.places.items():
            if f == file and path.startswith((edited + ".", edited + "[")):
                return place
        return None


def _shown(value: Cell | Any) -> str:
    if isinstance(value, datetime):
        value = value.date() if value.time() == time() else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return _number_text(value)
    return str(value)


def _number_text(value: float | int | Decimal) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _same(before: Cell, after: Any) -> bool:
    """Whether a cell still holds what the export wrote (as a spreadsheet gives it back)."""
    if after in (None, ""):
        return before in (None, "")
    if isinstance(before, Decimal | int) and isinstance(after, int | float):
        try:
            return Decimal(repr(after)) == Decimal(before)
        except InvalidOperation:  # pragma: no cover - a number always has a repr
            return False
    if isinstance(before, date) and isinstance(after, datetime):
        return after.time() == time() and after.date() == before
    return type(before) is type(after) and before == after


def _text(value: Any) -> str:
    """A cell's value as the text a YAML file would hold."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int | float | Decimal):
        return _number_text(value)
    return str(value)


def _date_text(value: Any) -> str | None:
    """A date column's cell as YAML text; None for a number (a date cell typed as a number)."""
    if isinstance(value, bool | int | float):
        return None
    return _text(value).strip() if isinstance(value, str) else _text(value)


def import_workbook(root: Path, book: Path, write: bool = False) -> Outcome:
    """Read an edited workbook back into the project at `root`: what would change, what is
    not imported, every error; the YAML files are written only with `write` and no error."""
    sheets = read_workbook(book)
    outcome = Outcome(book.name)
    project, problems = check_project(root)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if project is None or errors:
        raise PlansError(
            f"the project has {counted(len(errors), 'error')}; fix them first (plans validate), "
            "then import"
        )
    plan_year = _plan_year(project, sheets, outcome)
    if plan_year is None or outcome.errors:
        return outcome
    collect = _Collector(outcome, root)
    tables = {table.name: table for table in plan_year_tables(plan_year)}
    if not _structure(sheets, tables, outcome):
        return outcome
    for table in tables.values():
        _compare(table, sheets[table.name], plan_year, project, collect)
    if not collect.edits:
        return _capped(outcome, collect)
    texts = _typed_and_edited(collect)  # every edited value typed, even beside row errors
    if texts is None:
        return _capped(outcome, collect)
    after = _validated(root, texts, problems, collect)
    if after is None:
        return _capped(outcome, collect)
    report = compare(project, after, years=[plan_year.year], only=[plan_year.key])
    outcome.summary = report.summary()
    if write:
        for name, text in texts.items():
            target = root / name
            scratch = target.with_name(target.name + ".import-tmp")
            scratch.write_bytes(text.encode("utf-8"))
            scratch.replace(target)
            outcome.written.append(name)
    return outcome


def _capped(outcome: Outcome, collect: _Collector | None = None) -> Outcome:
    if collect is not None:
        collect.sorted_errors()
    if len(outcome.errors) > MAX_ERRORS:
        more = len(outcome.errors) - (MAX_ERRORS - 1)
        outcome.errors[MAX_ERRORS - 1 :] = [f"and {counted(more, 'more error')}"]
    return outcome


def _plan_year(project: Project, sheets: dict[str, Sheet], outcome: Outcome) -> PlanYear | None:
    """The plan year the workbook's About sheet names."""
    about = sheets.get(ABOUT)
    if about is None:
        outcome.errors.append(
            f"{outcome.book}: there is no sheet '{ABOUT}' naming the partnership and year; "
            "import a workbook plans export wrote"
        )
        return None
    values = {str(row[0].value): row[1].value for row in about if len(row) >= 2 and row[0].value}
    partnership, year = values.get("Partnership"), values.get("Year")
    outcome.partnership, outcome.year = str(partnership or ""), str(year or "")
    plan_year = project.years.get((str(partnership), str(year)))
    if plan_year is None:
        outcome.errors.append(
            f"{outcome.book}: sheet '{ABOUT}' names {partnership} {year}, which is not a plan "
            "year of this project"
        )
        return None
    expected = about_rows(project, plan_year)
    for r, (label, value) in enumerate(expected, start=1):
        cells = about[r - 1] if r <= len(about) else []
        got = cells[1].value if len(cells) >= 2 else None
        if label == VERSION and got != value:
            names = " or ".join(f"{kind}.yml" for kind in EDITED_KINDS)
            outcome.errors.append(
                f"{outcome.book}: the plan year's {names} changed after this workbook was "
                "exported, and importing it would undo those changes; export the workbook "
                "again and make the edits in the new one"
            )
        elif len(cells) < 2 or cells[0].value != label or got != value:
            shown = _shown(got) if got is not None else "nothing"
            outcome.not_imported.append(
                f"{Place(outcome.book, ABOUT, r, 2, label)}: changed to {shown}: not imported "
                "(the About sheet is read-only)"
            )
    return plan_year


def _structure(sheets: dict[str, Sheet], tables: dict[str, Table], outcome: Outcome) -> bool:
    """Sheets and columns as the export wrote them; each difference is an error."""
    book = outcome.book
    for name in sheets:
        if name != ABOUT and name not in tables:
            hint = did_you_mean(name, tables)
            outcome.errors.append(
                f"{book}: sheet '{name}' is not one plans export writes{hint}; the sheets are "
                f"{', '.join((ABOUT, *SHEETS))}"
            )
    for name, table in tables.items():
        if name not in sheets:
            outcome.errors.append(f"{book}: sheet '{name}' is missing (renamed or deleted?)")
            continue
        header = [cell.value for cell in (sheets[name][0] if sheets[name] else [])]
        for c, column in enumerate(table.columns, start=1):
            got = header[c - 1] if c <= len(header) else None
            if got != column.header:
                shown = f"'{got}'" if got not in (None, "") else "nothing"
                outcome.errors.append(
                    f"{Place(book, name, 1, c, column.header)}: the header is {shown}, expected "
                    f"'{column.header}'; keep the columns as exported"
                )
        for c in range(len(table.columns) + 1, len(header) + 1):
            outcome.errors.append(
                f"{book}: sheet '{name}', row 1, column {get_column_letter(c)}: an extra column "
                f"('{header[c - 1]}') is not imported; remove it"
            )
    return not outcome.errors


def _compare(
    table: Table, sheet: Sheet, plan_year: PlanYear, project: Project, collect: _Collector
) -> None:
    """Every row of a sheet against the row the plans would export."""
    book = collect.outcome.book
    width = len(table.columns)
    by_key = {row.key: row for row in table.rows}
    seen: dict[str, int] = {}
    file = plan_year.files.get(table.kind, YEAR_KINDS[table.kind].where)
    for r, cells in enumerate(sheet[1:], start=2):
        values = [cells[c].value if c < len(cells) else None for c in range(width)]
        if any(cell.value not in (None, "") for cell in cells[width:]):
            collect.outcome.not_imported.append(
                f"{book}: sheet '{table.name}', row {r}: the values right of the last column "
                "are not imported"
            )
        if all(v in (None, "") for v in values):
            continue
        cell = partial(_cell, book, table, r)
        formulas = [c for c in range(min(width, len(cells))) if cells[c].formula]
        for c in formulas:
            collect.error(
                cell(c),
                f"holds a formula ({str(cells[c].value)[:40]}); type the value itself",
            )
        if formulas:
            continue
        key = _row_key(table, values)
        if key is None:
            if table.new_rows:
                _new_progress(table, values, r, plan_year, collect, file)
                continue
            collect.error(cell(0), "the ID is empty; rows are matched by ID")
            continue
        if key in seen:
            collect.error(
                cell(0),
                f"'{key}' is on row {seen[key]} too; keep one row per item",
            )
            continue
        seen[key] = r
        row = by_key.get(key)
        if row is None:
            _unknown(table, values, key, by_key, r, collect)
            continue
        for c, column in enumerate(table.columns):
            if _same(row.cells[c], values[c]):
                continue
            if not column.editable:
                before = "nothing" if row.cells[c] in (None, "") else _shown(row.cells[c])
                after = "nothing" if values[c] in (None, "") else _shown(values[c])
                collect.outcome.not_imported.append(
                    f"{cell(c)}: changed from {before} to {after}: not imported, edit "
                    f"{Path(file).name}"
                )
                continue
            _edit(
                table,
                column,
                row,
                values[c],
                cell(c),
                plan_year,
                project,
                collect,
                file,
            )
    for key in by_key:
        if key not in seen:
            what = "progress note" if table.new_rows else table.kind.rstrip("s")
            collect.outcome.not_imported.append(
                f"{book}: sheet '{table.name}': the row of {what} '{key}' was removed: not "
                f"imported, remove it in {Path(file).name}"
            )


def _cell(book: str, table: Table, row: int, c: int) -> Place:
    """The cell of row `row` (1-based, as the spreadsheet shows it) in column `c` (0-based)."""
    return Place(book, table.name, row, c + 1, table.columns[c].header)


def _row_key(table: Table, values: list[Any]) -> str | None:
    if values[0] in (None, ""):
        return None
    if table.new_rows:
        if values[1] in (None, ""):
            return None
        return f"{_text(values[0])} #{_text(values[1])}"
    return _text(values[0])


def _unknown(
    table: Table,
    values: list[Any],
    key: str,
    by_key: dict[str, Row],
    r: int,
    collect: _Collector,
) -> None:
    """An error for a row whose ID (or action and note number) the plans do not have."""
    cell = partial(_cell, collect.outcome.book, table, r)
    if table.new_rows:
        collect.error(
            cell(1),
            f"action '{_text(values[0])}' has no progress note {_text(values[1])}; leave "
            "No. blank to add a note",
        )
        return
    hint = did_you_mean(key, by_key)
    what = table.kind.rstrip("s")
    collect.error(
        cell(0),
        f"unknown {what} '{key}': rows are matched by ID, and a new {what} is added in "
        f"{table.kind}.yml{hint}",
    )


def _new_progress(
    table: Table,
    values: list[Any],
    r: int,
    plan_year: PlanYear,
    collect: _Collector,
    file: str,
) -> None:
    """A row with No. blank: a progress note to add to its action."""
    book = collect.outcome.book
    action = _text(values[0]) if values[0] not in (None, "") else ""
    ids = [a.id for a in plan_year.actions.actions]
    cell = partial(_cell, book, table, r)
    if not action:
        collect.error(cell(0), "a new progress note names its action")
        return
    if action not in ids:
        hint = did_you_mean(action, ids)
        collect.error(cell(0), f"unknown action '{action}'{hint}")
        return
    i = ids.index(action)
    item: dict[str, str] = {}
    if values[2] not in (None, ""):
        text = _date_text(values[2])
        if text is None:
            collect.error(cell(2), _number_in_date(values[2]))
            return
        item["date"] = text
    if values[3] not in (None, ""):
        item["note"] = _text(values[3])
    added = collect.edit(file, AppendItem(("actions", i, "progress"), item), cell(3), None, "")
    for c, name in ((2, "date"), (3, "note")):
        collect.places[(file, format_path((*added, name)))] = cell(c)


def _number_in_date(value: Any) -> str:
    return (
        f"expected a date (YYYY-MM-DD, or YYYY-MM or YYYY), got the number {_text(value)}; "
        "format the cell as a date or type the date as text"
    )


def _edit(
    table: Table,
    column: Column,
    row: Row,
    value: Any,
    place: Place,
    plan_year: PlanYear,
    project: Project,
    collect: _Collector,
    file: str,
) -> None:
    """The YAML edit behind a changed editable cell."""
    assert row.path is not None
    before = row.cells[table.columns.index(column)]
    if value in (None, ""):
        collect.outcome.not_imported.append(
            f"{place}: emptied: not imported; remove the {column.field} in {Path(file).name}"
        )
        return
    if column.kind == "date":
        text = _date_text(value)
        if text is None:
            collect.error(place, _number_in_date(value))
            return
    else:
        text = _text(value)
    if column.kind != "figure":
        collect.edit(file, SetValue((*row.path, column.field), text), place, before, text)
        return
    indicator = plan_year.indicators.indicators[int(row.path[1])]
    found = quarter_actuals(indicator.actuals, column.header)
    if len(found) > 1:
        collect.outcome.not_imported.append(
            f"{place}: the indicator has more than one {column.header} figure: not imported, "
            f"edit {Path(file).name}"
        )
        return
    word = text if text in FIGURE_WORDS else None
    if not found:
        item = {"quarter": column.header, ("status" if word else "value"): text}
        collect.edit(file, AppendItem((*row.path, "actuals"), item), place, before, text)
        return
    actual: FieldPath = (*row.path, "actuals", found[0])
    raw = collect.source(file)[1]["indicators"][int(row.path[1])]["actuals"][found[0]]
    if word:
        collect.edit(file, SetValue((*actual, "status"), word), place, before, text)
        if "value" in raw:
            collect.edit(file, RemoveKey((*actual, "value")), place, before, text)
        return
    collect.edit(file, SetValue((*actual, "value"), text), place, before, text)
    for key in ("status", "printed"):
        if key in raw:
            collect.edit(file, RemoveKey((*actual, key)), place, before, text)


def _typed_and_edited(collect: _Collector) -> dict[str, str] | None:
    """Each edited file's new text, once its edited data types as its file kind; None (with
    the errors noted) when a value does not."""
    texts: dict[str, str] = {}
    for file, edits in collect.edits.items():
        text, before = collect.source(file)
        data = edited_data(before, edits)
        kind = YEAR_KINDS[_kind_of(file)]
        _, problems = parse_document(kind, Document(file, data))
        for problem in problems:
            _located(problem, collect)
        if problems:
            continue
        try:
            texts[file] = apply_edits(text, before, edits, file)
        except EditRefused as exc:
            collect.error(file, str(exc))
    return None if collect.outcome.errors else texts


def _kind_of(file: str) -> str:
    return Path(file).stem


def _located(problem: Problem, collect: _Collector) -> None:
    """A problem in the words validation uses, at the workbook cell it came from."""
    place = collect.place_of(problem.file, problem.field)
    if place is not None:
        collect.error(place, problem.message)
    else:
        collect.outcome.errors.append(str(problem))


def _validated(
    root: Path, texts: dict[str, str], before: list[Problem], collect: _Collector
) -> Project | None:
    """The project with the edits made, validated whole in a copy (cross-file rules and the
    published years' freeze included); None when it has errors. Warnings the project did not
    have before are shown, as after a hand edit, and do not stop the import."""
    known = {str(p) for p in before}
    with tempfile.TemporaryDirectory(prefix="plans-import-") as scratch:
        copy = Path(scratch) / "project"
        for folder in ("data", "plans"):
            if (root / folder).is_dir():
                shutil.copytree(root / folder, copy / folder)
        for name, text in texts.items():
            (copy / name).write_bytes(text.encode("utf-8"))
        after, problems = check_project(copy)
    for problem in problems:
        if problem.severity is Severity.ERROR:
            _located(problem, collect)
        elif str(problem) not in known:
            collect.outcome.warnings.append(str(problem))
    return None if collect.outcome.errors else after


def report_lines(outcome: Outcome) -> list[tuple[str, bool]]:
    """What the import says, line by line, each with whether it belongs on stderr."""
    lines: list[tuple[str, bool]] = []
    if outcome.errors:
        lines.append((f"{outcome.book}: {counted(len(outcome.errors), 'error')}:", True))
        lines.extend((f"  {error}", True) for error in outcome.errors)
    changes = outcome.changes
    if changes and not outcome.errors:
        if outcome.written:
            head = f"Changed {counted(len(changes), 'value')} in {', '.join(outcome.written)}:"
        else:
            head = f"Would change {counted(len(changes), 'value')} (--write makes the changes):"
        lines.append((head, False))
        for change in changes:
            what = f"{change.before} -> {change.after}" if change.before else f"+ {change.after}"
            lines.append((f"  {change.file}: {change.field}: {what} ({change.place})", False))
        if outcome.summary:
            lines.append((f"In short: {', '.join(outcome.summary)}.", False))
        if outcome.written:
            lines.append(("Export the workbook again before editing it further.", False))
    elif not changes and not outcome.errors:
        lines.append((f"{outcome.book}: nothing to import; no file changed.", False))
    if outcome.not_imported:
        lines.append(("Not imported (read-only in the workbook):", False))
        lines.extend((f"  {line}", False) for line in outcome.not_imported)
    if outcome.warnings:
        lines.append(("Warnings after the change (as plans validate would give them):", False))
        lines.extend((f"  {line}", False) for line in outcome.warnings)
    if outcome.errors:
        lines.append(("Error: nothing was imported; fix the workbook and import it again", True))
    return lines
