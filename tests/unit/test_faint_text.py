"""The second look for words the detector missed on a faint page."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from services.ocr.faint_text import like_found_text, unread_text_copy, worth_a_second_look
from services.ocr.rapid import _reading_copy

CITIES = ["Chicago", "Phoenix", "Atlanta", "Seattle", "Boston", "Denver", "Dallas", "Portland"]


@pytest.fixture(scope="module")
def engine():
    from services.ocr.rapid import RapidOcrEngine

    return RapidOcrEngine()


def _dim_screen(text_grey: int, blur: float = 1.5) -> Image.Image:
    """A photo of a dark-mode table: grey cities and phone numbers on dark grey, blurred."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 15)
    image = Image.new("RGB", (520, 40 * len(CITIES) + 40), (88, 90, 96))
    draw = ImageDraw.Draw(image)
    for i, city in enumerate(CITIES):
        draw.text((40, 30 + 40 * i), city, font=font, fill=(text_grey,) * 3)
        draw.text((200, 30 + 40 * i), f"+44 20 {7000 + 37 * i} {6400 + 11 * i}", font=font, fill=(text_grey,) * 3)
    return image.filter(ImageFilter.GaussianBlur(blur))


def _rows_read(words) -> list[tuple[bool, bool]]:
    """Per row of ``_dim_screen``: whether a word was found in its city and in its number column."""
    def found(i, left, right):
        return any(30 + 40 * i - 5 < (w.bbox[1] + w.bbox[3]) / 2 < 30 + 40 * i + 25 and left <= w.bbox[0] < right
                   for w in words)
    return [(found(i, 30, 190), found(i, 190, 520)) for i in range(len(CITIES))]


def _first_look(engine, image: Image.Image) -> list[str]:
    rgb = np.asarray(_reading_copy(image, np.asarray(image.convert("L"))))
    return [line[1] for line in engine._read_lines(rgb)]


def test_faint_words_the_detector_missed_beside_ones_it_found_are_read(engine):
    page = _dim_screen(180)
    assert not set(CITIES) & set(_first_look(engine, page)), "the detector now sees these: pick a fainter page"
    words = engine.recognize(page)
    assert _rows_read(words) == [(True, True)] * len(CITIES)
    assert sum(w.text in CITIES for w in words) >= 6, [w.text for w in words]
    assert sum(w.text.startswith("+44") for w in words) == len(CITIES), "each number is read once"


def test_a_page_where_the_detector_found_nothing_is_looked_at_again(engine):
    page = _dim_screen(150)
    assert _first_look(engine, page) == [], "the detector now sees this page: pick a fainter one"
    assert _rows_read(engine.recognize(page)) == [(True, True)] * len(CITIES)


@pytest.mark.parametrize("page", [
    Image.new("RGB", (800, 600), "white"),
    Image.fromarray((128 + np.random.default_rng(0).normal(0, 20, (600, 800, 3))).clip(0, 255).astype(np.uint8)),
    Image.fromarray(np.tile(np.linspace(60, 200, 800), (600, 1)).astype(np.uint8)).convert("RGB"),
], ids=["blank", "noise", "gradient"])
def test_pages_without_text_still_give_no_words(engine, page):
    assert engine.recognize(page) == []


def test_a_crisp_page_gets_no_second_look():
    page = Image.new("RGB", (300, 60), "white")
    ImageDraw.Draw(page).text((10, 10), "Chicago 1,234", fill="black",
                              font=ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 20))
    assert not worth_a_second_look(np.asarray(page), [(8, 8, 160, 36)])
    assert worth_a_second_look(np.asarray(page), [])


def test_found_lines_are_painted_over_and_the_rest_stretched():
    rgb = np.full((60, 200, 3), 100, dtype=np.uint8)
    rgb[20:30, 20:60] = 140   # a found line's ink
    rgb[20:30, 120:160] = 140  # ink nothing was found on
    seen = unread_text_copy(rgb, [(18.0, 18.0, 62.0, 32.0)])
    assert (seen[14:36, 14:66] == seen[15, 15]).all()
    assert int(seen[25, 140, 0]) - int(seen[5, 5, 0]) > 200


def test_second_look_keeps_text_of_the_usual_height_only():
    found = [(0, 0, 80, 20), (0, 40, 90, 62), (0, 80, 70, 101)]
    assert like_found_text((100, 0, 160, 22), "Chicago", found)
    assert not like_found_text((100, 0, 120, 120), "\u2014", found)
    assert not like_found_text((100, 0, 160, 120), "Chicago", found)
    assert not like_found_text((100, 0, 110, 20), "-", found)
    assert like_found_text((100, 0, 160, 120), "Chicago", [])
