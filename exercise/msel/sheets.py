"""Spreadsheet files in and out: CSV (RFC 4180, UTF-8 with a BOM) and XLSX (openpyxl).

A sheet is untrusted: it is read as values only. A formula is never evaluated (an XLSX
is opened without computing anything, and a CSV cell is text); a cell that holds one is
marked so that the importer reports it. The file is bounded before it is parsed: its
size, the unpacked size of an XLSX (a zip bomb is refused before it is opened), and the
rows and columns read.

On the way out, a cell whose text a spreadsheet program would take for a formula (it
starts with ``=``, ``+``, ``-`` or ``@``) is written so that it stays text: in an XLSX as
a text cell, in a CSV behind an apostrophe, which the reader here takes off again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exercise.files import FileProblem, read_input

MAX_BYTES = 10 * 1024 * 1024  # the file as stored
MAX_UNPACKED = 100 * 1024 * 1024  # an XLSX's parts, unzipped
MAX_ROWS = 5_000  # rows read from a sheet (a scenario holds at most 500 injects)
MAX_COLUMNS = 200

_FORMULA_START = ("=", "+", "-", "@")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls) and other compound files


class SheetProblem(Exception):
    """A file that cannot be read as a spreadsheet; the message is one sentence."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell's value as text (empty when blank), and whether it was a formula."""

    text: str
    formula: bool = False


@dataclass
class Sheet:
    """The cells of one sheet, row by row, with their 1-based row numbers."""

    kind: str  # "csv" or "xlsx"
    title: str | None = None  # the XLSX sheet's name
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


def kind_of(path: str | Path, data: bytes) -> str:
    """Whether ``data`` is an XLSX workbook or CSV text, by its content (the name may lie).

    Raises:
        SheetProblem: for an old .xls workbook, an OpenDocument sheet or other binary data.
    """
    if data.startswith(_ZIP):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError):
            raise SheetProblem("this is a damaged zip file, not an XLSX workbook") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "mimetype" in names or "content.xml" in names:
            raise SheetProblem("this is an OpenDocument spreadsheet (.ods); save it as .xlsx "
                               "or .csv first")
        raise SheetProblem("this is a zip file but not an XLSX workbook; save the sheet as "
                           ".xlsx or .csv")
    if data.startswith(_OLE):
        raise SheetProblem("this is an Excel 97-2003 workbook (.xls); save it as .xlsx or .csv "
                           "first")
    if b"\0" in data[:8192]:
        raise SheetProblem("this is not a spreadsheet: neither an XLSX workbook nor CSV text")
    if str(path).lower().endswith((".xlsx", ".xlsm")):
        raise SheetProblem("the name says XLSX but this is not an XLSX workbook (an XLSX "
                           "file is a zip archive)")
    return "csv"


def read_sheet(path: str | Path, sheet: str | None = None) -> tuple[Sheet, list[str]]:
    """Read the sheet at ``path`` (CSV or XLSX; ``sheet`` names an XLSX sheet).

    Returns:
        the sheet, and the names of every sheet in the workbook (for a CSV, none).

    Raises:
        SheetProblem: the file is missing, too large, not a spreadsheet, or has no such sheet.
    """
    try:
        data = read_input(path, MAX_BYTES)
    except FileProblem as exc:
        raise SheetProblem(str(exc)) from None
    if not data.strip():
        raise SheetProblem("the file is empty")
    kind = kind_of(path, data)
    if kind == "xlsx":
        return _read_xlsx(data, sheet)
    if sheet is not None:
        raise SheetProblem("--sheet names a sheet of an XLSX workbook; this is a CSV file")
    return _read_csv(data), []


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SheetProblem(f"line {line} is not UTF-8 text; save the sheet as 'CSV UTF-8' "
                           "(or as .xlsx)") from None


def _read_csv(data: bytes) -> Sheet:
    text = _decode(data)
    if not text.strip():
        raise SheetProblem("the file is empty")
    sample = text[:16384]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    sheet = Sheet("csv")
    try:
        for values in reader:
            if reader.line_num > MAX_ROWS * 20 or len(sheet.rows) >= MAX_ROWS:
                raise SheetProblem(f"more than {MAX_ROWS:,} rows; an MSEL of a scenario holds "
                                   "at most 500 injects")
            if len(values) > MAX_COLUMNS:
                raise SheetProblem(f"row {len(sheet.rows) + 1} has {len(values):,} columns; at "
                                   f"most {MAX_COLUMNS} are read")
            sheet.rows.append((len(sheet.rows) + 1, [_csv_cell(v) for v in values]))
    except csv.Error as exc:
        raise SheetProblem(f"row {len(sheet.rows) + 1} is not valid CSV ({exc})") from None
    return sheet


def _looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program would read this text (past any apostrophes) as a formula."""
    first = text.lstrip("'")[:1]
    return first != "" and first in _FORMULA_START


def _csv_cell(value: str) -> Cell:
    if value.startswith("'") and _looks_like_formula(value):
        return Cell(value[1:])  # written so by export, to keep it text
    return Cell(value, formula=value.startswith("=") and len(value) > 1)


def _read_xlsx(data: bytes, wanted: str | None) -> tuple[Sheet, list[str]]:
    import openpyxl  # a heavy import, only for XLSX

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED:
        raise SheetProblem(f"this workbook unpacks to {unpacked:,} bytes; at most "
                           f"{MAX_UNPACKED:,} are read")
    try:
        # read_only: rows are streamed; data_only=False: a formula stays a formula (its text),
        # never a value some program once computed for it.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False,
                                      keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise SheetProblem(f"this workbook cannot be read ({type(exc).__name__}: "
                           f"{str(exc)[:120]})") from None
    try:
        names = list(book.sheetnames)
        if wanted is None:
            title = names[0]
        elif wanted in names:
            title = wanted
        else:
            from exercise.scenario.problems import did_you_mean

            raise SheetProblem(f"no sheet named '{wanted}'{did_you_mean(wanted, names)}; its "
                               f"sheets: {', '.join(names)}")
        ws = book[title]
        sheet = Sheet("xlsx", title)
        for number, row in enumerate(ws.iter_rows(), start=1):
            if number > MAX_ROWS:
                raise SheetProblem(f"sheet '{title}' has more than {MAX_ROWS:,} rows; an MSEL "
                                   "of a scenario holds at most 500 injects")
            cells = [_xlsx_cell(c) for c in row[:MAX_COLUMNS + 1]]
            if len(cells) > MAX_COLUMNS and any(c.text for c in cells[MAX_COLUMNS:]):
                raise SheetProblem(f"row {number} has more than {MAX_COLUMNS} columns")
            sheet.rows.append((number, cells[:MAX_COLUMNS]))
        return sheet, names
    finally:
        book.close()


def _xlsx_cell(cell: Any) -> Cell:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f" or (
            isinstance(value, str) and value.startswith("=") and
            getattr(cell, "data_type", "s") not in ("s", "inlineStr")):
        return Cell(str(value), formula=True)
    return Cell(cell_text(value))


def cell_text(value: Any) -> str:
    """A cell's value as the text the importer reads."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
        return f"T+{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- writing --------------------------------------------------------------------------


def _safe_csv(text: str) -> str:
    return "'" + text if _looks_like_formula(text) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """The table as RFC 4180 CSV (CRLF line ends, quotes where needed) in UTF-8 with a BOM,
    so that a spreadsheet program opens accented text correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_safe_csv(h) for h in header])
    for row in rows:
        writer.writerow([_safe_csv(v) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[str]], *,
               title: str = "MSEL", wide: Sequence[str] = ()) -> bytes:
    """The table as an XLSX workbook of one sheet: every cell text (never a formula), the
    header bold and frozen, long columns (``wide``) wide and wrapped."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = title
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for row_cells in ws.iter_rows():
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it starts with '='
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(index)].width = 60 if name in wide else \
            max(8, min(24, len(name) + 4))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
