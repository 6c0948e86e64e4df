"""write_workbook: real XLSX files read back with openpyxl (types, formats, layout, notes)."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import xlsxwriter

from services.model import Cell, ImageResult, Table, TypedValue
from services.values import parse_value
from services.xlsx import (LOW_CONFIDENCE_FILL, MAX_WIDTH, WorkbookEntry, _Formats,
                           suggest_download_name, write_workbook)

YELLOW = "FF" + LOW_CONFIDENCE_FILL.lstrip("#")


def cell(row, col, text, locale="en", **kw) -> Cell:
    return Cell(row=row, col=col, text=text, value=parse_value(text, locale), **kw)


def table(rows: list[list[str]], header_rows=1, title=None, merges=(), confidence=None) -> Table:
    """A table from rows of text; ``merges`` are (row, col, rowspan, colspan) anchors whose
    covered positions are dropped, as table recovery does."""
    spans = {(r, c): (rs, cs) for r, c, rs, cs in merges}
    covered = {(r + i, c + j) for (r, c), (rs, cs) in spans.items()
               for i in range(rs) for j in range(cs)} - set(spans)
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            conf = (confidence or {}).get((r, c))
            cells.append(cell(r, c, text, rowspan=rs, colspan=cs, confidence=conf))
    return Table(n_rows=len(rows), n_cols=max(len(r) for r in rows), cells=cells,
                 header_rows=header_rows, title=title)


def result(*tables: Table) -> ImageResult:
    return ImageResult(tables=list(tables), width=800, height=600, engine="test")


def read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


INVOICE = table([
    ["Item", "Qty", "Price", "Date", "Share"],
    ["Widget", "1,200", "$1,234.50", "2024-01-15", "12.5%"],
    ["=SUM(A1:A3)", "3", "(45.50)", "Jan 5, 2024", "(3.5%)"],
    ["Total", "", "€2.00", "2024-01-15 13:45", ""],
])


def invoice_entry() -> WorkbookEntry:
    return WorkbookEntry(name="invoice.png", result=result(INVOICE), error=None)


# --- typed cells ---------------------------------------------------------------------------

def test_values_are_typed_with_their_formats():
    ws = read(write_workbook([invoice_entry()]))["invoice"]
    expected = {
        "A2": ("Widget", str, "General"),
        "B2": (1200, int, "#,##0"),
        "C2": (1234.5, float, '"$"#,##0.00'),
        "D2": (dt.datetime(2024, 1, 15), dt.datetime, "yyyy-mm-dd"),
        "E2": (0.125, float, "0.0%"),
        "B3": (3, int, "0"),
        "C3": (-45.5, float, "0.00;(0.00)"),
        "D3": (dt.datetime(2024, 1, 5), dt.datetime, "mmm d, yyyy"),
        "E3": (-0.035, float, "0.0%;(0.0%)"),
        # XLSX stores every number as a double: an integral float reads back as int
        "C4": (2, int, '"€"0.00'),
        "D4": (dt.datetime(2024, 1, 15, 13, 45), dt.datetime, "yyyy-mm-dd hh:mm"),
    }
    for ref, (value, kind, fmt) in expected.items():
        c = ws[ref]
        assert (c.value, type(c.value), c.number_format) == (value, kind, fmt), ref


def test_text_starting_with_equals_stays_literal_text():
    ws = read(write_workbook([invoice_entry()]))["invoice"]
    assert ws["A3"].value == "=SUM(A1:A3)"
    assert ws["A3"].data_type == "s"


def test_numeric_looking_text_is_written_as_text():
    t = table([["Id", "Phone", "Zip"], ["00123", "+1 555-123-4567", "02134"]])
    ws = read(write_workbook([WorkbookEntry("ids.png", result(t), None)]))["ids"]
    assert [c.value for c in ws[2]] == ["00123", "+1 555-123-4567", "02134"]
    assert all(c.data_type == "s" for c in ws[2])


def test_empty_cells_are_blank():
    ws = read(write_workbook([invoice_entry()]))["invoice"]
    assert ws["B4"].value is None
    assert ws["E4"].value is None


def test_locale_values_after_json_round_trip():
    t = table([["Betrag", "Datum"], ["1.234,56 €", "15.01.2024"]])
    t.cells = [cell(c.row, c.col, c.text, "de") for c in t.cells]
    again = ImageResult.from_dict(result(t).to_dict())
    ws = read(write_workbook([WorkbookEntry("beleg.jpg", again, None)]))["beleg"]
    assert (ws["A2"].value, ws["A2"].number_format) == (1234.56, '#,##0.00 "€"')
    assert (ws["B2"].value, ws["B2"].number_format) == (dt.datetime(2024, 1, 15), "dd.mm.yyyy")


def test_values_that_cannot_be_written_as_their_kind_fall_back_to_text_or_defaults():
    t = Table(n_rows=2, n_cols=5, header_rows=1, cells=[
        Cell(0, 0, "h", TypedValue("text", "h")),
        Cell(1, 0, "nan?", TypedValue("number", float("nan"), "0")),
        Cell(1, 1, "1850-01-01", TypedValue("date", dt.date(1850, 1, 1), "yyyy-mm-dd")),
        Cell(1, 2, "x", TypedValue("date", "2024-01-15T13:45:00", None)),  # ISO string
        Cell(1, 3, "d", TypedValue("date", dt.date(2024, 3, 1), None)),  # no format given
        Cell(1, 4, "", TypedValue("text", "")),
    ])
    ws = read(write_workbook([WorkbookEntry("f.png", result(t), None)]))["f"]
    assert ws["A2"].value == "nan?"
    assert ws["B2"].value == "1850-01-01" and ws["B2"].data_type == "s"
    assert (ws["C2"].value, ws["C2"].number_format) == (dt.datetime(2024, 1, 15, 13, 45),
                                                        "yyyy-mm-dd hh:mm")
    assert (ws["D2"].value, ws["D2"].number_format) == (dt.datetime(2024, 3, 1), "yyyy-mm-dd")
    assert ws["E2"].value is None


# --- structure: header, merges, freeze, filter, widths ------------------------------------

def test_header_is_bold_with_bottom_border_and_body_is_not():
    ws = read(write_workbook([invoice_entry()]))["invoice"]
    for c in ws[1]:
        assert c.font.b and c.border.bottom.style == "thin", c.coordinate
    assert not ws["A2"].font.b
    assert ws["A2"].border.bottom.style is None


def test_single_table_sheet_freezes_and_filters_below_header():
    ws = read(write_workbook([invoice_entry()]))["invoice"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E4"


def test_merged_cells_are_merged_and_typed():
    t = table([
        ["Region", "Sales", "Sales"],
        ["North", "1,000", "2,000"],
        ["Total", "", "3,000"],
        ["Period", "Jan 2024", ""],
    ], merges=[(2, 0, 1, 2), (3, 1, 1, 2)])
    ws = read(write_workbook([WorkbookEntry("sales.png", result(t), None)]))["sales"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A3:B3", "B4:C4"}
    assert ws["A3"].value == "Total"
    assert (ws["B4"].value, ws["B4"].number_format) == (dt.datetime(2024, 1, 1), "mmm yyyy")
    assert ws.auto_filter.ref == "A1:C4"  # body merges do not block the filter


def test_merged_header_blocks_autofilter_but_keeps_freeze():
    t = table([
        ["Name", "Q1", ""],
        ["", "Jan", "Feb"],
        ["Ann", "1", "2"],
    ], header_rows=2, merges=[(0, 0, 2, 1), (0, 1, 1, 2)])
    ws = read(write_workbook([WorkbookEntry("q.png", result(t), None)]))["q"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:A2", "B1:C1"}
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref is None
    assert ws["A1"].font.b and ws["B1"].font.b and ws["B2"].font.b
    assert ws["A1"].border.bottom.style == "thin"  # spans down to the last header row
    assert ws["B1"].border.bottom.style is None  # the line is below the last header row
    assert ws["B2"].border.bottom.style == "thin"


def test_empty_merged_cell_is_still_merged():
    t = table([["A", "B", "C"], ["", "", "1"]], merges=[(1, 0, 1, 2)])
    ws = read(write_workbook([WorkbookEntry("m.png", result(t), None)]))["m"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A2:B2"}
    assert ws["A2"].value is None


def test_overlapping_spans_do_not_break_the_workbook():
    t = Table(n_rows=2, n_cols=2, header_rows=1, cells=[
        cell(0, 0, "a", colspan=2), cell(0, 1, "b"), cell(1, 0, "c", rowspan=5)])
    ws = read(write_workbook([WorkbookEntry("bad.png", result(t), None)]))["bad"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:B1"}  # c's span clipped to 1 row
    assert ws["A2"].value == "c"


def test_column_widths_fit_content():
    t = table([
        ["#", "Description", "Amount"],
        ["1", "x" * 200, "$1,234,567.89"],
    ])
    ws = read(write_workbook([WorkbookEntry("w.png", result(t), None)]))["w"]
    width = {k: ws.column_dimensions[k].width for k in "ABC"}
    assert 6 <= width["A"] < 8  # min width
    assert MAX_WIDTH <= width["B"] < MAX_WIDTH + 1  # capped
    assert len("$1,234,567.89") <= width["C"] < 20


# --- several tables, titles and layouts ----------------------------------------------------

def two_table_entry() -> WorkbookEntry:
    first = table([["Name", "Score"], ["Ann", "7"]], title="Results")
    second = table([["Key", "Value"], ["a", "1.5"], ["b", "2.5"]])
    return WorkbookEntry(name="scans/report.final.jpg", result=result(first, second), error=None)


def test_sheet_per_image_stacks_tables_with_titles():
    wb = read(write_workbook([invoice_entry(), two_table_entry()]))
    assert wb.sheetnames == ["invoice", "report.final"]
    ws = wb["report.final"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows == [
        ["Results", None],
        ["Name", "Score"],
        ["Ann", 7],
        [None, None],
        ["Key", "Value"],
        ["a", 1.5],
        ["b", 2.5],
    ]
    assert ws["A1"].font.b  # title row
    assert ws["A2"].font.b and ws["A5"].font.b  # each table's header
    assert ws.freeze_panes is None  # several tables: nothing frozen or filtered
    assert ws.auto_filter.ref is None


def test_single_table_with_title_freezes_below_its_header():
    t = table([["a", "b"], ["1", "2"]], title="Prices")
    ws = read(write_workbook([WorkbookEntry("p.png", result(t), None)]))["p"]
    assert ws["A1"].value == "Prices"
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:B3"


def test_single_sheet_layout():
    wb = read(write_workbook([invoice_entry(), two_table_entry()], layout="single_sheet"))
    assert wb.sheetnames == ["Tables"]
    ws = wb["Tables"]
    col_a = [c.value for c in ws["A"]]
    assert col_a == [
        "invoice.png", "Item", "Widget", "=SUM(A1:A3)", "Total", None,
        "scans/report.final.jpg — table 1 — Results", "Name", "Ann", None,
        "scans/report.final.jpg — table 2", "Key", "a", "b",
    ]
    assert ws["A1"].font.b and ws["A7"].font.b and ws["A11"].font.b
    assert ws["A8"].font.b  # header of the first table of the second image
    assert (ws["C3"].value, ws["C3"].number_format) == (1234.5, '"$"#,##0.00')
    assert ws.freeze_panes is None
    assert ws.auto_filter.ref is None


def test_duplicate_file_names_get_unique_sheet_names():
    wb = read(write_workbook([invoice_entry(), invoice_entry(),
                              WorkbookEntry("INVOICE.jpeg", result(INVOICE), None)]))
    assert wb.sheetnames == ["invoice", "invoice (2)", "INVOICE (3)"]


def test_image_without_tables_gets_a_note():
    wb = read(write_workbook([WorkbookEntry("blank.png", result(), None)]))
    assert wb.sheetnames == ["blank"]
    assert wb["blank"]["A1"].value == "No table found in blank.png"


def test_unknown_layout_is_rejected():
    with pytest.raises(ValueError):
        write_workbook([invoice_entry()], layout="pivot")


# --- failures ------------------------------------------------------------------------------

FAILED = WorkbookEntry(name="blurry.jpg", result=None, error="image too small")


def test_failed_entry_note_and_summary_last():
    wb = read(write_workbook([invoice_entry(), FAILED]))
    assert wb.sheetnames == ["invoice", "blurry", "Summary"]
    note = wb["blurry"]["A1"]
    assert note.value == "Could not read blurry.jpg: image too small"
    assert note.font.b and note.font.color.rgb == "FFC00000"
    summary = [list(r) for r in wb["Summary"].iter_rows(values_only=True)]
    assert summary == [
        ["File", "Status", "Details"],
        ["invoice.png", "ok", "1 table"],
        ["blurry.jpg", "failed", "image too small"],
    ]
    assert wb["Summary"]["A1"].font.b


def test_no_summary_when_everything_succeeded():
    assert read(write_workbook([invoice_entry()])).sheetnames == ["invoice"]


def test_summary_name_does_not_clash_with_an_image_called_summary():
    wb = read(write_workbook([WorkbookEntry("summary.png", result(INVOICE), None), FAILED]))
    assert wb.sheetnames == ["summary", "blurry", "Summary (2)"]


def test_first_sheet_is_first_image_even_if_it_failed():
    wb = read(write_workbook([FAILED, invoice_entry()]))
    assert wb.sheetnames == ["blurry", "invoice", "Summary"]


def test_single_sheet_failure_has_title_and_note():
    wb = read(write_workbook([FAILED, invoice_entry()], layout="single_sheet"))
    assert wb.sheetnames == ["Tables", "Summary"]
    ws = wb["Tables"]
    assert ws["A1"].value == "blurry.jpg" and ws["A1"].font.b
    assert ws["A2"].value == "Could not read blurry.jpg: image too small"
    assert ws["A2"].font.color.rgb == "FFC00000"
    assert ws["A3"].value is None
    assert ws["A4"].value == "invoice.png"
    assert ws["A5"].value == "Item"


# --- low-confidence highlight --------------------------------------------------------------

def low_confidence_entry() -> WorkbookEntry:
    t = table([["Item", "Price"], ["Widget", "$1,234.50"], ["Gadget", "7"]],
              confidence={(1, 1): 0.62, (2, 1): 0.95, (1, 0): 0.99})
    return WorkbookEntry("lc.png", result(t), None)


def test_low_confidence_cells_are_highlighted_with_comment():
    ws = read(write_workbook([low_confidence_entry()], highlight_low_confidence=0.8))["lc"]
    low = ws["B2"]
    assert low.comment.text == "OCR confidence 0.62; read as: $1,234.50"
    assert low.fill.fgColor.rgb == YELLOW
    assert (low.value, low.number_format) == (1234.5, '"$"#,##0.00')  # still typed
    for ok in (ws["B3"], ws["A2"], ws["A1"]):  # above threshold or no confidence
        assert ok.comment is None
        assert ok.fill.fgColor.rgb != YELLOW


def test_no_highlight_without_threshold():
    ws = read(write_workbook([low_confidence_entry()]))["lc"]
    assert ws["B2"].comment is None
    assert ws["B2"].fill.fgColor.rgb != YELLOW


# --- format cache and download names -------------------------------------------------------

def test_formats_are_cached_per_combination():
    workbook = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    formats = _Formats(workbook)
    a = formats.get(num_format="0.00", bold=True)
    assert formats.get(bold=True, num_format="0.00") is a
    assert formats.get(num_format="0.00") is not a
    assert formats.get(bold=False, num_format=None) is None  # plain cells need no format
    assert len(formats) == 2
    workbook.close()


def test_returns_xlsx_bytes():
    data = write_workbook([invoice_entry()])
    assert isinstance(data, bytes) and data[:2] == b"PK"


@pytest.mark.parametrize("names, expected", [
    (["invoice.png"], "invoice.xlsx"),
    (["invoice.png", "b.jpg", "c.jpg"], "invoice-and-2-more.xlsx"),
    (["Rechnung März.png"], "Rechnung Marz.xlsx"),
    (["C:\\scans\\day 1.jpeg"], "day 1.xlsx"),
    (["a/b/c.tar.gz"], "c.tar.xlsx"),
    (["日本語.png"], "tables.xlsx"),
    (["日本語.png", "x.png"], "tables-and-1-more.xlsx"),
    (["..png"], "tables.xlsx"),
    (["we<ird>|na\"me?.png"], "weirdname.xlsx"),
    ([], "tables.xlsx"),
])
def test_suggest_download_name(names, expected):
    assert suggest_download_name(names) == expected
