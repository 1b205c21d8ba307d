"""`plans export --xlsx`: a workbook per partnership-year that a board can read and an officer
can edit (the columns the import takes are white; the rest is grey, locked and reported if
changed). Text that a spreadsheet would take for a formula is written as text."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.model import PlanYear, Project
from generator.problems import PlansError
from generator.sheets.tables import ABOUT, Cell, Column, Table, about_rows, plan_year_tables

FIXED_TIME = datetime(2000, 1, 1)
"""The workbook's created and modified times, and its zip entries': exporting the same plans
twice gives the same bytes (a workbook in git changes only when the plans do)."""
READ_ONLY_FILL = PatternFill("solid", start_color="FFE7E6E6", end_color="FFE7E6E6")
HEADER_FILL = PatternFill("solid", start_color="FF1F3864", end_color="FF1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFFFF")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEW_ROWS = 200
"""Blank rows left unlocked under the progress notes, for new notes."""
NUMBER_FORMATS = {"money": "£#,##0.00", "number": "#,##0.###", "figure": "#,##0.###"}
DATE_FORMAT = "yyyy-mm-dd"
EDITABLE_NOTE = "Editable: plans import reads this column back."
READ_ONLY_NOTE = "Read-only: a change here is reported, not imported; edit the YAML file."


@dataclass(frozen=True)
class Exported:
    """A workbook written: where, and for which plan year."""

    path: Path
    partnership: str
    year: str


def workbook_name(plan_year: PlanYear) -> str:
    return f"{plan_year.partnership}-{plan_year.year}.xlsx"


def _put(cell: SheetCell, value: Cell, column: Column | None = None) -> None:
    """Write a value; text that starts like a formula stays text (no formula injection)."""
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return
    cell.value = value
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal | int) and column is not None:
        cell.number_format = NUMBER_FORMATS.get(column.kind, "General")


def _sheet(book: Workbook, table: Table) -> None:
    sheet: Worksheet = book.create_sheet(table.name)
    for c, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=c)
        _put(cell, column.header)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(EDITABLE_NOTE if column.editable else READ_ONLY_NOTE, "plans")
        sheet.column_dimensions[get_column_letter(c)].width = column.width
    for r, row in enumerate(table.rows, start=2):
        for c, (column, value) in enumerate(zip(table.columns, row.cells, strict=True), start=1):
            cell = sheet.cell(row=r, column=c)
            _put(cell, value, column)
            cell.alignment = Alignment(wrap_text=column.width >= 30, vertical="top")
            if column.editable:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = READ_ONLY_FILL
    last = len(table.rows) + 1
    if table.new_rows:
        for r in range(last + 1, last + 1 + NEW_ROWS):
            for c, column in enumerate(table.columns, start=1):
                if column.editable or column.field == "action":
                    sheet.cell(row=r, column=c).protection = Protection(locked=False)
        last += NEW_ROWS
    for c, column in enumerate(table.columns, start=1):
        letter = get_column_letter(c)
        cells = f"{letter}2:{letter}{max(last, 2)}"
        if column.choices:
            choices = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
            )
            choices.error = f"Choose one of: {', '.join(column.choices)}"
            choices.showErrorMessage = True
            sheet.add_data_validation(choices)
            choices.add(cells)
        elif column.editable and column.kind == "date":
            for r in range(2, last + 1):
                sheet.cell(row=r, column=c).number_format = DATE_FORMAT
    sheet.freeze_panes = "B2"
    if table.columns and table.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    # Locked cells are the read-only ones; no password: the lock says "not here", it is no
    # security (the import checks every cell anyway).
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False
    sheet.protection.sort = False
    sheet.protection.formatColumns = False


def _about(book: Workbook, project: Project, plan_year: PlanYear) -> None:
    sheet = book.active
    assert sheet is not None
    sheet.title = ABOUT
    for r, (label, value) in enumerate(about_rows(project, plan_year), start=1):
        _put(sheet.cell(row=r, column=1), label)
        sheet.cell(row=r, column=1).font = Font(bold=True)
        _put(sheet.cell(row=r, column=2), value)
    notes = (
        "White columns can be edited and read back with: plans import FILE.xlsx",
        "Grey columns are read-only: a change there is reported, not imported.",
        "Add a progress note on a new row of the Progress sheet, with No. left blank.",
        "Keep the sheets, their names and their columns as they are.",
    )
    start = len(about_rows(project, plan_year)) + 2
    for r, note in enumerate(notes, start=start):
        _put(sheet.cell(row=r, column=1), note)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 60
    sheet.protection.sheet = True


def workbook_bytes(project: Project, plan_year: PlanYear) -> bytes:
    """The workbook of one plan year, byte for byte the same for the same plans."""
    book = Workbook()
    _about(book, project, plan_year)
    for table in plan_year_tables(plan_year):
        _sheet(book, table)
    book.properties.creator = "plans export"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    book.properties.title = f"{plan_year.partnership} {plan_year.year}"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return _fixed_times(raw.getvalue())


def _fixed_times(raw: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info))
    return out.getvalue()


def export_workbooks(
    project: Project, folder: Path, partnership: str | None = None, year: str | None = None
) -> list[Exported]:
    """Write a workbook per plan year (or the one asked for) into `folder`."""
    if partnership is not None:
        if partnership not in project.partnerships:
            raise PlansError(f"there is no partnership '{partnership}' in this project")
        if (partnership, year) not in project.years:
            years = ", ".join(sorted(y for p, y in project.years if p == partnership))
            raise PlansError(f"{partnership} has no plan year '{year}'; it has: {years}")
        chosen = [project.years[(partnership, str(year))]]
    else:
        chosen = [project.years[key] for key in sorted(project.years)]
    books = [(plan_year, workbook_bytes(project, plan_year)) for plan_year in chosen]
    folder.mkdir(parents=True, exist_ok=True)
    done = []
    for plan_year, raw in books:
        path = folder / workbook_name(plan_year)
        path.write_bytes(raw)
        done.append(Exported(path, plan_year.partnership, plan_year.year))
    return done
