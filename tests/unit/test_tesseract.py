"""The tesseract engine on rendered tables (needs Debian's tesseract-ocr)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from services.ocr.base import EngineUnavailable
from services.ocr.tesseract import TesseractEngine, parse_tsv, prepare

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ROWS = [
    ["Region", "Units", "Revenue", "Date"],
    ["North", "7", "1,234.50", "2024-01-15"],
    ["South", "42", "(987.00)", "2024-02-01"],
    ["East", "0", "45,000", "2024-03-31"],
    ["West Coast", "315", "12.75", "2024-12-31"],
]
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="tesseract is not installed (apt-get install tesseract-ocr)")


def render(rows=ROWS, size=(1200, 600), origin=(80, 80), col_width=240, row_height=56) -> Image.Image:
    """Black on white, 20 px DejaVu Sans, with ruling lines like a printed table."""
    font = ImageFont.truetype(FONT, 20)
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    x0, y0 = origin
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            draw.text((x0 + c * col_width + 14, y0 + r * row_height + 16), text, fill="black", font=font)
    right, bottom = x0 + col_width * len(rows[0]), y0 + row_height * len(rows)
    for r in range(len(rows) + 1):
        draw.line([(x0, y0 + r * row_height), (right, y0 + r * row_height)], fill="black", width=2)
    for c in range(len(rows[0]) + 1):
        draw.line([(x0 + c * col_width, y0), (x0 + c * col_width, bottom)], fill="black", width=2)
    return image


@pytest.fixture(scope="module")
def engine():
    return TesseractEngine()


@pytest.fixture(scope="module")
def words(engine):
    return engine.recognize(render())


@needs_tesseract
def test_name_and_version(engine):
    assert engine.name == "tesseract"
    assert engine.version[0].isdigit()


@needs_tesseract
def test_every_cell_is_read(words):
    found = [w.text for w in words]
    for row in ROWS:
        for cell in row:
            for token in cell.split():
                assert token in found, (token, found)
    assert "|" not in found  # ruling lines are not words


@needs_tesseract
def test_boxes_and_confidences(words):
    for word in words:
        x0, y0, x1, y1 = word.bbox
        assert 0 <= x0 < x1 <= 1200 and 0 <= y0 < y1 <= 600
        assert 0 <= word.confidence <= 1
    assert sum(w.confidence for w in words) / len(words) > 0.8
    revenue = next(w for w in words if w.text == "Revenue")
    # third column, first row of the rendered grid
    assert 80 + 2 * 240 < revenue.bbox[0] < 80 + 3 * 240 and 80 < revenue.bbox[1] < 80 + 56


@needs_tesseract
def test_reading_order_is_row_by_row(words):
    def first(text):
        return next(i for i, w in enumerate(words) if w.text == text)

    rows = [[first(cell.split()[0]) for cell in row] for row in ROWS]
    for row in rows:
        assert row == sorted(row)  # left to right
    for upper, lower in zip(rows, rows[1:]):
        assert max(upper) < min(lower)  # top to bottom


@needs_tesseract
def test_uneven_lighting(engine):
    """Light falling off to one side, as in a phone photo: most of the table still reads."""
    pixels = np.asarray(render()).astype(float)
    h, w = pixels.shape[:2]
    pixels *= np.linspace(0.45, 1.0, w)[None, :, None] * np.linspace(0.75, 1.0, h)[:, None, None]
    found = [word.text for word in engine.recognize(Image.fromarray(pixels.astype(np.uint8)))]
    expected = [token for row in ROWS for cell in row for token in cell.split()]
    assert sum(token in found for token in expected) >= 0.9 * len(expected)


def test_prepare_erases_rulings_and_scales_small_text():
    prepared, scale = prepare(render())
    assert 1.4 < scale < 2.2  # 20 px DejaVu: glyphs about 15 px tall, scaled towards 26
    assert prepared.size == (round(1200 * scale), round(600 * scale)) and prepared.mode == "L"
    pixels = np.asarray(prepared)
    left_rule, top_rule = round(80 * scale), round(80 * scale)
    assert pixels[round(200 * scale), left_rule - 2:left_rule + 3].min() > 200  # vertical rule gone
    assert pixels[top_rule - 2:top_rule + 3, round(200 * scale)].min() > 200  # horizontal rule gone
    assert pixels.min() < 60  # the text is still there


def shaded_header() -> Image.Image:
    """Large text, and a dark header band with white text in it."""
    image = Image.new("RGB", (800, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 90, 700, 180), fill=(40, 40, 40))
    draw.text((120, 100), "Quarter", fill="white", font=ImageFont.truetype(FONT, 56))
    draw.text((120, 220), "Totals 2024", fill="black", font=ImageFont.truetype(FONT, 56))
    return image


def test_prepare_keeps_large_text_and_turns_a_dark_fill_light():
    prepared, scale = prepare(shaded_header())
    pixels = np.asarray(prepared)
    assert scale == 1
    assert pixels[170, 600] > 150  # the band is light now...
    assert pixels[100:170, 120:330].min() < 80  # ...with dark letters
    assert pixels[220:280, 120:440].min() < 60 and pixels[300, 400] > 200  # the rest as it was


@needs_tesseract
def test_light_text_on_a_dark_header_is_read(engine):
    assert [w.text for w in engine.recognize(shaded_header())] == ["Quarter", "Totals", "2024"]


@needs_tesseract
def test_blank_image_has_no_words(engine):
    assert engine.recognize(Image.new("RGB", (400, 200), "white")) == []


@needs_tesseract
def test_missing_language_is_reported():
    reason = TesseractEngine.unavailable_reason("tesseract", "eng+zzz")
    assert reason is not None and "zzz" in reason and "tesseract-ocr-zzz" in reason
    assert TesseractEngine.unavailable_reason("tesseract", "eng") is None
    with pytest.raises(EngineUnavailable, match="zzz"):
        TesseractEngine(lang="zzz")


def test_missing_binary_is_reported():
    reason = TesseractEngine.unavailable_reason("tesseract-that-is-not-there", "eng")
    assert reason == "tesseract is not installed (apt-get install tesseract-ocr)"


def test_tsv_parsing():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t1200\t600\t-1\t\n"
        "4\t1\t1\t1\t1\t0\t80\t80\t900\t30\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t94\t96\t70\t20\t96.5\tRegion\n"
        "5\t1\t1\t1\t1\t2\t318\t80\t3\t56\t40.1\t|\n"
        "5\t1\t1\t1\t1\t3\t334\t96\t50\t20\t-1\t \n"
        "5\t1\t1\t1\t1\t4\t574\t96\t88\t20\t91\t\"Revenue\"\n"
    )
    words = parse_tsv(tsv)
    assert [w.text for w in words] == ["Region", '"Revenue"']
    assert words[0].bbox == (94, 96, 164, 116) and words[0].confidence == pytest.approx(0.965)
