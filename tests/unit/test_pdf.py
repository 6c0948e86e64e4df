"""PDF pages to tables, on PDFs built with reportlab and read by the real OCR engine (no mocks).

Text-layer pages must come out exact (the PDF's own text, no OCR errors); pages without a
usable text layer go through RapidOCR and must still give the right grid.
"""
from __future__ import annotations

import datetime as dt
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from services.images import InvalidImage
from services.model import Table
from services.pdf import (
    InvalidPdf, _garbage_share, convert_pdf_page, inspect_pdf, is_pdf, parse_pages, read_text_layer,
    render_page, render_scale,
)
from tests import pdfs
from tests.imaging import SALES, render_table

MAX_PIXELS = 20_000_000


@pytest.fixture(scope="module")
def ocr():
    from services.ocr.rapid import RapidOcrEngine

    return RapidOcrEngine()


def texts(table: Table) -> list[list[str]]:
    return [[cell.text if cell else "" for cell in row] for row in table.grid()]


def cell(table: Table, row: int, col: int):
    return table.grid()[row][col]


def convert(data: bytes, page: int, engine, **options):
    return convert_pdf_page(data, page, engine, max_pixels=options.pop("max_pixels", MAX_PIXELS), **options)


def assert_sales_values(table: Table):
    assert (cell(table, 1, 1).value.kind, cell(table, 1, 1).value.value) == ("number", 1234.5)
    assert (cell(table, 1, 2).value.kind, cell(table, 1, 2).value.value) == ("percent", 0.125)
    assert (cell(table, 1, 3).value.kind, cell(table, 1, 3).value.value) == ("date", dt.date(2024, 1, 15))
    assert (cell(table, 2, 1).value.kind, cell(table, 2, 1).value.value) == ("number", -987.0)
    assert (cell(table, 2, 2).value.kind, cell(table, 2, 2).value.value) == ("percent", -0.032)
    assert (cell(table, 3, 1).value.kind, cell(table, 3, 1).value.value) == ("number", 45000)
    assert cell(table, 0, 0).value.kind == "text"


# --- text layer ---------------------------------------------------------------------------

def test_ruled_text_table_comes_exactly_from_the_text_layer(ocr):
    result = convert(pdfs.table_pdf([SALES]), 1, ocr)
    assert result.engine == "pdf-text"
    assert (result.width, result.height) == (1700, 2200)  # letter at 200 dpi
    assert set(result.timings) == {"render", "text", "tables"}
    assert all(t >= 0 for t in result.timings.values())
    [table] = result.tables
    assert texts(table) == SALES
    assert_sales_values(table)
    assert {c.confidence for c in table.cells} == {1.0}


def test_borderless_text_table(ocr):
    result = convert(pdfs.table_pdf([SALES], ruled=False), 1, ocr)
    assert result.engine == "pdf-text"
    [table] = result.tables
    assert texts(table) == SALES
    assert_sales_values(table)


def test_each_page_of_a_multi_page_pdf_has_its_own_table(ocr):
    data = pdfs.table_pdf([SALES, pdfs.PRODUCTS, pdfs.STAFF])
    assert inspect_pdf(data, max_pages=10) == 3
    results = [convert(data, page, ocr) for page in parse_pages("1-3", 3)]
    assert [r.engine for r in results] == ["pdf-text"] * 3
    assert [texts(r.tables[0]) for r in results] == [SALES, pdfs.PRODUCTS, pdfs.STAFF]
    products, staff = results[1].tables[0], results[2].tables[0]
    assert (cell(products, 1, 2).value.kind, cell(products, 1, 2).value.value) == ("currency", 4.99)
    assert (cell(products, 3, 1).value.kind, cell(products, 3, 1).value.value) == ("number", 1500)
    assert (cell(products, 2, 3).value.kind, cell(products, 2, 3).value.value) == ("date", dt.date(2023, 12, 24))
    assert (cell(staff, 1, 2).value.kind, cell(staff, 1, 2).value.value) == ("percent", 0.4)
    assert cell(staff, 3, 0).text == "Carol White"


def test_text_over_a_full_page_background_picture_still_uses_the_text_layer(ocr):
    result = convert(pdfs.letterhead_table_pdf(SALES), 1, ocr)
    assert result.engine == "pdf-text"
    assert [texts(t) for t in result.tables] == [SALES]


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_pages_map_words_onto_the_picture_as_shown(ocr, rotation):
    data = pdfs.rotated_table_pdf(SALES, rotation)
    image = render_page(data, 1, max_pixels=MAX_PIXELS)
    assert image.size == (1700, 2200)  # shown upright, portrait
    layer = read_text_layer(data, 1, image)
    assert layer is not None and not layer.bare_images
    ink = np.asarray(image.convert("L")) < 128
    for word in layer.words:
        x0, y0, x1, y1 = (round(v) for v in word.bbox)
        assert ink[y0:y1, x0:x1].sum() > 10, word  # every box sits on its own glyphs
    result = convert(data, 1, ocr)
    assert result.engine == "pdf-text"
    assert [texts(t) for t in result.tables] == [SALES]


def test_crop_box_is_what_is_read(ocr):
    result = convert(pdfs.cropped_table_pdf(SALES), 1, ocr)
    assert (result.width, result.height) == (math.ceil(400 * 200 / 72), math.ceil(450 * 200 / 72))
    assert result.engine == "pdf-text"
    assert [texts(t) for t in result.tables] == [SALES]  # the text outside the crop box is gone


# --- OCR fallback -------------------------------------------------------------------------

def test_image_only_page_goes_through_ocr(ocr):
    result = convert(pdfs.image_pdf(render_table(SALES)), 1, ocr)
    assert result.engine == "rapidocr"
    assert "ocr" in result.timings and "text" not in result.timings  # no characters: pdfminer skipped
    [table] = result.tables
    assert texts(table) == SALES
    assert_sales_values(table)
    assert all(c.confidence < 1.0 for c in table.cells)


def test_unmapped_cid_font_falls_back_to_ocr(ocr):
    data = pdfs.cid_font_pdf(SALES)
    assert read_text_layer(data, 1, render_page(data, 1, max_pixels=MAX_PIXELS)) is None
    result = convert(data, 1, ocr)
    assert result.engine == "rapidocr"
    assert {"text", "ocr"} <= set(result.timings)
    [table] = result.tables
    assert texts(table) == SALES
    assert_sales_values(table)


def test_scan_with_a_text_stamp_ocrs_the_scanned_picture(ocr):
    stamp = "Scanned with TableSnap test scanner 2024"
    result = convert(pdfs.stamped_scan_pdf(render_table(SALES), stamp), 1, ocr)
    assert result.engine == "rapidocr"
    grids = [texts(t) for t in result.tables]
    assert SALES in grids
    assert any(stamp in " ".join(row) for g in grids for row in g)  # the stamp, exact, from the text layer


def test_garbage_share_counts_unreadable_characters():
    assert _garbage_share(["(cid:3)(cid:14)", "(cid:7)"]) == 1.0
    assert _garbage_share(["Revenue", "1,234.50", "12.5%", "Zürich", "—"]) == 0.0
    assert _garbage_share(["\ufffd\ufffd\ufffd", "ab"]) == 0.6
    assert _garbage_share(["\ue000\ue001", "\x01\x02"]) == 1.0
    assert _garbage_share([]) == 1.0


# --- rendering limits ---------------------------------------------------------------------

def test_rendering_respects_max_pixels(ocr):
    result = convert(pdfs.table_pdf([SALES]), 1, ocr, max_pixels=1_000_000)
    assert result.width * result.height <= 1_000_000
    assert result.width * result.height > 950_000
    assert abs(result.width / result.height - 8.5 / 11) < 0.01
    assert result.engine == "pdf-text"
    assert [texts(t) for t in result.tables] == [SALES]  # boxes follow the lowered scale


def test_dpi_is_capped_by_max_dpi():
    data = pdfs.table_pdf([SALES])
    assert render_page(data, 1, dpi=600, max_dpi=150, max_pixels=MAX_PIXELS).size == (1275, 1650)
    assert render_page(data, 1, dpi=100, max_dpi=300, max_pixels=MAX_PIXELS).size == (850, 1100)


def test_huge_page_is_scaled_down_to_max_pixels():
    data = pdfs.table_pdf([SALES], pagesize=(14400, 14400))  # PDF's largest page, 200 inches square
    image = render_page(data, 1, max_pixels=4_000_000)
    assert image.width * image.height <= 4_000_000 and image.width == image.height > 1900
    for width, height, limit in [(14400, 14400, 20_000_000), (3, 14400, 1000), (612, 792, 1_234_567)]:
        scale = render_scale(width, height, 200, 300, limit)
        assert -(-width * scale // 1) * -(-height * scale // 1) <= limit


# --- checking uploads ---------------------------------------------------------------------

def test_is_pdf_judges_by_content():
    assert is_pdf(pdfs.table_pdf([SALES]))
    assert is_pdf(b"\x00" * 1000 + b"%PDF-1.7\n")
    assert not is_pdf(b"\x00" * 1020 + b"%PDF-1.7\n")
    assert not is_pdf(b"")
    assert not is_pdf(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("make, code", [
    (lambda: pdfs.encrypted_pdf(SALES), "encrypted_pdf"),
    (lambda: pdfs.truncated_pdf(SALES), "corrupt_pdf"),
    (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 200, "corrupt_pdf"),
    (lambda: b"just some text, not a PDF", "corrupt_pdf"),
    (lambda: pdfs.no_pages_pdf(), "empty_pdf"),
    (lambda: pdfs.table_pdf([SALES] * 3), "too_many_pages"),
    (lambda: b"", "empty_file"),
])
def test_bad_pdfs_are_refused_at_inspection(make, code):
    with pytest.raises(InvalidPdf) as caught:
        inspect_pdf(make(), max_pages=2)
    assert caught.value.code == code and caught.value.message
    assert isinstance(caught.value, InvalidImage)


def test_encrypted_and_corrupt_pdfs_are_refused_at_conversion_too(ocr):
    for data, code in [(pdfs.encrypted_pdf(SALES), "encrypted_pdf"), (pdfs.truncated_pdf(SALES), "corrupt_pdf")]:
        with pytest.raises(InvalidPdf) as caught:
            convert(data, 1, ocr)
        assert caught.value.code == code


def test_page_that_cannot_be_loaded_is_corrupt(ocr):
    # The page tree claims 5 pages but holds none.
    data = pdfs.raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 5 >>"])
    assert inspect_pdf(data, max_pages=5) == 5
    with pytest.raises(InvalidPdf) as caught:
        convert(data, 2, ocr)
    assert caught.value.code == "corrupt_pdf"


def test_page_out_of_range_at_conversion(ocr):
    with pytest.raises(InvalidPdf) as caught:
        convert(pdfs.table_pdf([SALES]), 2, ocr)
    assert caught.value.code == "invalid_pages"


def test_inspection_within_the_page_limit():
    assert inspect_pdf(pdfs.table_pdf([SALES] * 3), max_pages=3) == 3


def test_concurrent_use_from_threads_is_safe():
    data = pdfs.table_pdf([SALES, pdfs.PRODUCTS])

    def work(i):
        if i % 2:
            return inspect_pdf(data, max_pages=5)
        return render_page(data, 1 + i % 4 // 2, dpi=72, max_pixels=MAX_PIXELS).size

    with ThreadPoolExecutor(4) as pool:
        out = list(pool.map(work, range(24)))
    assert out == [(612, 792) if i % 2 == 0 else 2 for i in range(24)]


# --- page selection -----------------------------------------------------------------------

@pytest.mark.parametrize("spec, expected", [
    (None, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ("", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ("   ", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ("1-3,7", [1, 2, 3, 7]),
    (" 7 , 1 - 3 ", [1, 2, 3, 7]),
    ("3-", [3, 4, 5, 6, 7, 8, 9, 10]),
    ("8 -", [8, 9, 10]),
    ("-2", [1, 2]),
    ("5,2,5,1-2", [1, 2, 5]),
    ("10", [10]),
    ("4-4", [4]),
])
def test_parse_pages(spec, expected):
    assert parse_pages(spec, 10) == expected


@pytest.mark.parametrize("spec", [
    "0", "11", "1-11", "12-", "5-3", "1,,2", "1,", "a", "1-2-3", "-", "1.5", "2 3", "+1", "1;2",
    "9" * 5000, "0-2",
])
def test_parse_pages_refuses_bad_specs(spec):
    with pytest.raises(InvalidPdf) as caught:
        parse_pages(spec, 10)
    assert caught.value.code == "invalid_pages"
    assert "pages" in caught.value.message


def test_error_codes_do_not_leak_from_one_pdf_to_the_next():
    # PDFium keeps its last error and sets none for a PDF without pages: reset before each load.
    for data, code in [(pdfs.encrypted_pdf(SALES), "encrypted_pdf"), (pdfs.no_pages_pdf(), "empty_pdf"),
                       (pdfs.truncated_pdf(SALES), "corrupt_pdf"), (pdfs.no_pages_pdf(), "empty_pdf")]:
        with pytest.raises(InvalidPdf) as caught:
            inspect_pdf(data, max_pages=5)
        assert caught.value.code == code


@pytest.mark.parametrize("media_box", [b"0 0 0 0", b"0 0 -100 -100", b"0 0 1e9 1e9", b"0 0 1e9 1", b"a b c"])
def test_hostile_page_boxes_still_render_within_max_pixels(media_box):
    data = pdfs.raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                         b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] >>" % media_box])
    image = render_page(data, 1, max_pixels=1_000_000)
    assert 1 <= image.width * image.height <= 1_000_000
