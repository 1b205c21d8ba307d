"""Reading an edited workbook safely: what is not an xlsx, is encrypted, or is too big (in
bytes, once unzipped, or in cells) is refused in one line before any spreadsheet parsing."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.problems import PlansError, counted

MAX_BYTES = 10_000_000
MAX_CELLS = 50_000
MAX_UNZIPPED = 100_000_000
"""A workbook of 50,000 cells unzips to a few megabytes; more is a zip bomb, not a plan."""
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")


class WorkbookRefused(PlansError):
    """A file the import will not read at all."""


@dataclass(frozen=True)
class SheetCell:
    """One cell as the workbook holds it: its value, and whether it is a formula."""

    value: Any
    formula: bool = False


Sheet = list[list[SheetCell]]
"""A sheet's rows, the first being its header row; row 1 is `sheet[0]`."""


def _refuse(path: Path, why: str) -> WorkbookRefused:
    return WorkbookRefused(f"{path.name}: {why}; nothing was imported")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_archive(path: Path, raw: bytes) -> None:
    """Refuse what is no xlsx, or too big, looking only at the bytes and the zip's directory
    and counting cell tags in the sheets' XML as it streams (nothing is parsed as XML)."""
    if raw.startswith(OLE_MAGIC):
        raise _refuse(
            path,
            "the workbook is password-protected or encrypted (or an old .xls file); save it "
            "as an Excel Workbook (.xlsx) without a password and import that",
        )
    if not raw.startswith(b"PK\x03\x04"):
        raise _refuse(
            path,
            "this is not an .xlsx workbook (a CSV or text file renamed?); save it from your "
            "spreadsheet as Excel Workbook (.xlsx)",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise _refuse(path, "this .xlsx file is damaged (not a readable zip archive)") from exc
    with archive:
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
        if "xl/workbook.xml" not in names:
            raise _refuse(path, "this is a zip archive but not an .xlsx workbook")
        unzipped = sum(entry.file_size for entry in entries)
        if unzipped > MAX_UNZIPPED:
            raise _refuse(
                path,
                f"it unzips to {_megabytes(unzipped)}; the limit is {_megabytes(MAX_UNZIPPED)}",
            )
        cells = 0
        for entry in entries:
            if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                cells += _count_cells(archive, entry, MAX_CELLS - cells)
                if cells > MAX_CELLS:
                    raise _refuse(
                        path,
                        f"it has more than {counted(MAX_CELLS, 'cell')}; a plan year's workbook "
                        "has far fewer (remove the extra rows)",
                    )


def _count_cells(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> int:
    """The cell tags in one sheet's XML, read in chunks; stops once past `limit`."""
    count = 0
    tail = b""
    with archive.open(entry) as stream:
        while chunk := stream.read(1 << 16):
            data = tail + chunk
            # a tag starting in the last bytes is counted with the next chunk, whole
            cut = max(0, len(data) - 64)
            count += sum(1 for match in _CELL_TAG.finditer(data) if match.start() < cut)
            tail = data[cut:]
            if count > limit:
                return count
        count += len(_CELL_TAG.findall(tail))
    return count


def read_workbook(path: Path) -> dict[str, Sheet]:
    """Every sheet's cells, by sheet name in the workbook's order; refuses (one line) what is
    not a readable, reasonably sized xlsx workbook."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkbookRefused(f"{path}: cannot be read ({exc.strerror})") from exc
    if size > MAX_BYTES:
        raise _refuse(path, f"it is {_megabytes(size)}; the limit is {_megabytes(MAX_BYTES)}")
    raw = path.read_bytes()
    check_archive(path, raw)
    from openpyxl import load_workbook  # imported here: only the import needs it

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a malformed package
        raise _refuse(path, f"it could not be read as a workbook ({type(exc).__name__})") from exc
    try:
        return {sheet.title: _cells(sheet) for sheet in book.worksheets}
    except Exception as exc:
        raise _refuse(path, f"a sheet could not be read ({type(exc).__name__})") from exc
    finally:
        book.close()


def _cells(sheet: Any) -> Sheet:
    rows: Sheet = []
    for row in sheet.iter_rows():
        cells = [SheetCell(cell.value, getattr(cell, "data_type", None) == "f") for cell in row]
        while cells and cells[-1].value in (None, ""):
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows
