"""Write recovered tables to an XLSX workbook with real typed cells.

Numbers, percentages and currency are written as numbers and dates as dates, each with the
``number_format`` that ``services.values`` chose, so the spreadsheet can compute with them
while showing them as they were printed. Text is always written as a literal string: a cell
reading "=1+1" or "00123" must not turn into a formula or a number.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from dataclasses import dataclass

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from services.model import Cell, ImageResult, Table
from services.sheet_names import unique_sheet_names

LAYOUTS = ("sheet_per_image", "single_sheet")
SINGLE_SHEET_NAME = "Tables"
SUMMARY_SHEET_NAME = "Summary"
MIN_WIDTH, MAX_WIDTH = 6, 60
LOW_CONFIDENCE_FILL = "#FFF2CC"  # light yellow
ERROR_FONT = "#C00000"
_NUMERIC_KINDS = frozenset({"number", "percent", "currency"})


@dataclass
class WorkbookEntry:
    """One uploaded image: its original file name and either its result or why it failed."""

    name: str
    result: ImageResult | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or self.result is None

    @property
    def error_text(self) -> str:
        return self.error or "no result"


def write_workbook(entries: list[WorkbookEntry], layout: str = "sheet_per_image",
                   highlight_low_confidence: float | None = None) -> bytes:
    """The XLSX file (as bytes) for ``entries``; ``layout`` is one of ``LAYOUTS``.

    With ``highlight_low_confidence`` set, cells whose OCR confidence is below it are filled
    yellow and carry a comment with the confidence and the raw text.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {
        "in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False, "remove_timezone": True,
    })
    formats = _Formats(workbook)
    any_failed = any(e.failed for e in entries)
    if layout == "sheet_per_image":
        names = unique_sheet_names([_stem(e.name) for e in entries]
                                   + ([SUMMARY_SHEET_NAME] if any_failed else []))
        for entry, name in zip(entries, names):
            _write_image_sheet(workbook.add_worksheet(name), formats, entry,
                               highlight_low_confidence)
    else:
        names = [SINGLE_SHEET_NAME, SUMMARY_SHEET_NAME]
        _write_single_sheet(workbook.add_worksheet(SINGLE_SHEET_NAME), formats, entries,
                            highlight_low_confidence)
    if any_failed:  # last, so the first sheet is still the first image
        _write_summary(workbook.add_worksheet(names[-1]), formats, entries)
    workbook.close()
    return buffer.getvalue()


def suggest_download_name(names: list[str]) -> str:
    """"invoice.png" -> "invoice.xlsx"; several -> "<first>-and-N-more.xlsx"; ASCII only."""
    if not names:
        return "tables.xlsx"
    stem = _ascii_file_stem(_stem(names[0])) or "tables"
    if len(names) == 1:
        return f"{stem}.xlsx"
    return f"{stem}-and-{len(names) - 1}-more.xlsx"


# --- layouts -------------------------------------------------------------------------------

def _write_image_sheet(ws: Worksheet, formats: "_Formats", entry: WorkbookEntry,
                       threshold: float | None) -> None:
    sheet = _SheetWriter(ws, formats, threshold)
    if entry.failed:
        sheet.note(0, f"Could not read {entry.name}: {entry.error_text}")
    elif not entry.result.tables:
        sheet.info(0, f"No table found in {entry.name}")
    else:
        row = 0
        for table in entry.result.tables:
            if table.title:
                sheet.title(row, table.title)
                row += 1
            top = row
            row = sheet.table(table, top) + 1  # one blank row between tables
        if len(entry.result.tables) == 1:
            sheet.freeze_and_filter(entry.result.tables[0], top)
    sheet.fit_columns()


def _write_single_sheet(ws: Worksheet, formats: "_Formats", entries: list[WorkbookEntry],
                        threshold: float | None) -> None:
    sheet = _SheetWriter(ws, formats, threshold)
    row = 0
    for entry in entries:
        if entry.failed or not entry.result.tables:
            sheet.title(row, entry.name)
            if entry.failed:
                sheet.note(row + 1, f"Could not read {entry.name}: {entry.error_text}")
            else:
                sheet.info(row + 1, f"No table found in {entry.name}")
            row += 3
            continue
        tables = entry.result.tables
        for number, table in enumerate(tables, start=1):
            parts = [entry.name]
            if len(tables) > 1:
                parts.append(f"table {number}")
            if table.title:
                parts.append(table.title)
            sheet.title(row, " — ".join(parts))
            row = sheet.table(table, row + 1) + 1
    sheet.fit_columns()


def _write_summary(ws: Worksheet, formats: "_Formats", entries: list[WorkbookEntry]) -> None:
    sheet = _SheetWriter(ws, formats, None)
    header = formats.get(bold=True, bottom=1)
    for col, label in enumerate(("File", "Status", "Details")):
        sheet.text(0, col, label, header)
    for row, entry in enumerate(entries, start=1):
        if entry.failed:
            status, details = "failed", entry.error_text
        else:
            n = len(entry.result.tables)
            status, details = "ok", f"{n} table{'s' if n != 1 else ''}"
        for col, value in enumerate((entry.name, status, details)):
            sheet.text(row, col, value, formats.get(font_color=ERROR_FONT) if
                       entry.failed and col == 1 else None)
    ws.freeze_panes(1, 0)
    sheet.fit_columns()


# --- one worksheet -------------------------------------------------------------------------

class _Formats:
    """One XlsxWriter Format per distinct set of properties, shared by every cell using it."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self._workbook = workbook
        self._cache: dict[tuple, Format] = {}

    def get(self, **props) -> Format | None:
        props = {k: v for k, v in props.items() if v not in (None, False)}
        if not props:
            return None
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._workbook.add_format(props)
        return self._cache[key]

    def __len__(self) -> int:
        return len(self._cache)


class _SheetWriter:
    """Writes titles, notes and tables to one worksheet and tracks column widths."""

    def __init__(self, ws: Worksheet, formats: _Formats, threshold: float | None):
        self.ws = ws
        self.formats = formats
        self.threshold = threshold
        self.widths: dict[int, int] = {}

    # Titles and notes overflow into empty neighbours, so they do not widen column A.
    def title(self, row: int, text: str) -> None:
        self.ws.write_string(row, 0, text, self.formats.get(bold=True))

    def note(self, row: int, text: str) -> None:
        self.ws.write_string(row, 0, text, self.formats.get(bold=True, font_color=ERROR_FONT))

    def info(self, row: int, text: str) -> None:
        self.ws.write_string(row, 0, text, self.formats.get(italic=True))

    def text(self, row: int, col: int, text: str, fmt: Format | None) -> None:
        self.ws.write_string(row, col, text, fmt)
        self._track(col, text)

    def table(self, table: Table, top: int) -> int:
        """Write ``table`` with its first row at ``top``; return the row after it."""
        covered: set[tuple[int, int]] = set()
        for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
            last_row, last_col = _span(cell, table, covered)
            if last_row is None:
                continue
            covered.update((r, c) for r in range(cell.row, last_row + 1)
                           for c in range(cell.col, last_col + 1))
            self._cell(cell, top, last_row, last_col, table.header_rows)
        for r in range(min(table.header_rows, table.n_rows)):  # keep the header line unbroken
            for c in range(table.n_cols):
                if (r, c) not in covered:
                    fmt = self.formats.get(bold=True, bottom=1 if r == table.header_rows - 1
                                           else None)
                    self.ws.write_blank(top + r, c, None, fmt)
        return top + table.n_rows

    def freeze_and_filter(self, table: Table, top: int) -> None:
        """Freeze below the header; autofilter unless the header has merges (Excel's filter
        buttons misbehave over merged header cells)."""
        header = table.header_rows
        if header <= 0 or table.n_rows <= header or table.n_cols <= 0:
            return
        self.ws.freeze_panes(top + header, 0)
        header_merged = any(c.row < header and (c.rowspan > 1 or c.colspan > 1)
                            for c in table.cells)
        if not header_merged:
            self.ws.autofilter(top + header - 1, 0, top + table.n_rows - 1, table.n_cols - 1)

    def fit_columns(self) -> None:
        for col, length in self.widths.items():
            self.ws.set_column(col, col, min(max(length + 2, MIN_WIDTH), MAX_WIDTH))

    def _cell(self, cell: Cell, top: int, last_row: int, last_col: int, header_rows: int) -> None:
        kind, value = _typed(cell)
        num_format = _number_format(kind, value, cell.value.number_format)
        merged = last_row > cell.row or last_col > cell.col
        is_header = cell.row < header_rows
        low = (self.threshold is not None and cell.confidence is not None
               and cell.confidence < self.threshold and bool(cell.text.strip()))
        fmt = self.formats.get(
            num_format=num_format,
            bold=is_header,
            bottom=1 if is_header and last_row == header_rows - 1 else None,
            align="center" if merged and is_header else None,
            valign="vcenter" if merged else None,
            bg_color=LOW_CONFIDENCE_FILL if low else None,
            pattern=1 if low else None,
        )
        row, col = top + cell.row, cell.col
        if merged:
            self.ws.merge_range(row, col, top + last_row, last_col, "", fmt)
        if kind in _NUMERIC_KINDS:
            self.ws.write_number(row, col, value, fmt)
        elif kind == "date":
            self.ws.write_datetime(row, col, value, fmt)
        elif kind == "text":
            self.ws.write_string(row, col, value, fmt)
        elif fmt is not None and not merged:
            self.ws.write_blank(row, col, None, fmt)
        if low:
            self.ws.write_comment(row, col, f"OCR confidence {cell.confidence:.2f}; "
                                            f"read as: {cell.text}")
        if last_col == col and kind != "empty":
            self._track(col, _display_text(kind, value, num_format))

    def _track(self, col: int, text: str) -> None:
        length = max((len(line) for line in text.splitlines()), default=0)
        self.widths[col] = max(self.widths.get(col, 0), length)


def _span(cell: Cell, table: Table, covered: set) -> tuple[int | None, int | None]:
    """Last row/col of a cell's range clipped to the table; (None, None) if the anchor is
    outside the table or already covered. A span overlapping an earlier merge is dropped
    (the cell is written unmerged) because Excel rejects overlapping merges."""
    if not (0 <= cell.row < table.n_rows and 0 <= cell.col < table.n_cols):
        return None, None
    if (cell.row, cell.col) in covered:
        return None, None
    last_row = min(cell.row + max(cell.rowspan, 1), table.n_rows) - 1
    last_col = min(cell.col + max(cell.colspan, 1), table.n_cols) - 1
    if any((r, c) in covered for r in range(cell.row, last_row + 1)
           for c in range(cell.col, last_col + 1)):
        return cell.row, cell.col
    return last_row, last_col


def _typed(cell: Cell) -> tuple[str, object]:
    """(kind, value) ready to write: "number"/"percent"/"currency", "date", "text" or "empty".

    Anything that cannot be written as its kind (NaN, a date before 1900, a value of the
    wrong type after a JSON round trip) falls back to the cell's text.
    """
    kind, value = cell.value.kind, cell.value.value
    if kind in _NUMERIC_KINDS and _is_finite_number(value):
        return kind, value
    if kind == "date":
        date = _as_date(value)
        if date is not None:
            return kind, date
    elif kind not in _NUMERIC_KINDS and kind != "empty" and value not in (None, ""):
        return "text", str(value)
    text = cell.text.strip()
    return ("text", text) if text else ("empty", None)


def _is_finite_number(value) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _as_date(value) -> dt.date | None:
    """A date Excel can show (1900 onwards); ISO strings are accepted because a datetime
    does not survive ``Cell.from_dict`` as a date object."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, dt.date) and value.year >= 1900 else None


def _number_format(kind: str, value, number_format: str | None) -> str | None:
    """The cell's format; a date always needs one or Excel shows a serial number."""
    if kind == "date" and not number_format:
        return "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
    return number_format if kind in _NUMERIC_KINDS or kind == "date" else None


# --- widths: roughly how a value appears with its number format ---------------------------

_QUOTED_RE = re.compile(r'"([^"]*)"')


def _display_text(kind: str, value, number_format: str | None) -> str:
    if kind == "text":
        return value
    fmt = (number_format or "").split(";")[0]
    literals = "".join(_QUOTED_RE.findall(fmt))
    code = _QUOTED_RE.sub("", fmt)
    if kind == "date":
        if not code:
            return value.isoformat()
        return literals + code.replace("mmmm", "m" * 9).replace("AM/PM", "AM")
    decimals = len(code.split(".")[1].rstrip("%").strip()) if "." in code else 0
    shown = abs(value) * 100 if "%" in code else abs(value)
    digits = f"{shown:,.{decimals}f}" if "," in code else f"{shown:.{decimals}f}"
    sign = ("()" if ";" in (number_format or "") else "-") if value < 0 else ""
    return sign + literals + digits + ("%" if "%" in code else "")


# --- names ---------------------------------------------------------------------------------

def _stem(name: str) -> str:
    """File name without folders and without its extension: "scans/invoice.png" -> "invoice"."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    return stem if dot and stem and ext else base


def _ascii_file_stem(stem: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._ -]", "", ascii_text)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .-")
    return cleaned[:100].rstrip(" .-")
