"""What RapidOCR is shown and which of its words are kept."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from services.model import Word
from services.ocr.detections import drop_echoes, join_split_decimals
from services.ocr.rapid import _letter_o, _noise_sigma, _reading_copy


def test_a_glyph_read_again_inside_a_wider_word_is_dropped():
    number = Word("558,095", (230, 252, 305, 276), 0.98)
    echo = Word("5", (299, 250, 307, 279), 0.74)
    status = Word("Open", (330, 252, 380, 276), 0.99)
    assert drop_echoes([echo, number, status]) == [number, status]


def test_the_same_text_elsewhere_is_kept():
    number = Word("558,095", (230, 252, 305, 276), 0.98)
    five = Word("5", (400, 252, 410, 276), 0.9)
    assert drop_echoes([number, five]) == [number, five]


def test_an_echo_in_another_case_is_dropped():
    month = Word("Nov", (100, 10, 140, 30), 0.98)
    echo = Word("V", (128, 9, 141, 31), 0.6)
    assert drop_echoes([month, echo]) == [month]


def test_dark_mode_pages_reach_the_detector_as_dark_on_light():
    dark = Image.new("RGB", (40, 20), (20, 24, 30))
    ImageDraw.Draw(dark).text((2, 4), "42", fill=(230, 230, 230))
    seen = _reading_copy(dark, _gray(dark))
    assert seen.getpixel((0, 0)) == (235, 231, 225)
    light = Image.new("RGB", (40, 20), "white")
    assert _reading_copy(light, _gray(light)).getpixel((0, 0)) == (255, 255, 255)


def test_a_zero_starting_a_lowercase_word_is_the_letter_o():
    assert [_letter_o(t) for t in ("0verdue", "0ct", "0scar", "007", "0x1F", "0", "0k")] == [
        "Overdue", "Oct", "Oscar", "007", "0x1F", "0", "0k"]


def test_a_grainy_photo_reaches_the_detector_smoothed_and_a_clean_one_untouched():
    rng = np.random.default_rng(7)
    page = Image.new("RGB", (200, 60), (150, 150, 150))
    ImageDraw.Draw(page).text((10, 20), "Monitor 57701", fill=(110, 110, 110))
    grain = rng.normal(0, 25, (60, 200, 1))
    grainy = Image.fromarray(np.clip(np.asarray(page) + grain, 0, 255).astype(np.uint8))
    before = _noise_sigma(np.asarray(grainy.convert("L")))
    assert before >= 6
    assert _noise_sigma(np.asarray(_reading_copy(grainy, _gray(grainy)).convert("L"))) < 0.25 * before
    assert _noise_sigma(np.asarray(page.convert("L"))) < 6
    assert _reading_copy(page, _gray(page)).tobytes() == page.tobytes()


def _digits_and_mark(mark: str) -> np.ndarray:
    """Two blocks of "digits" 20 px apart with a decimal point, a colon or nothing between."""
    page = Image.new("L", (120, 40), 255)
    draw = ImageDraw.Draw(page)
    for x in (10, 22, 60, 72, 84):  # outlined "glyphs", 10 px wide, 2 px strokes
        draw.rectangle([x, 10, x + 10, 30], outline=0, width=2)
    if mark in (".", ":"):
        draw.rectangle([48, 26, 51, 29], fill=0)
    if mark == ":":
        draw.rectangle([48, 14, 51, 17], fill=0)
    return np.asarray(page)


def test_a_number_cut_at_its_decimal_point_is_joined():
    left, right = Word("21", (10, 10, 40, 30), 0.99), Word("28%", (60, 10, 100, 30), 0.9)
    joined = join_split_decimals([right, left], _digits_and_mark("."))
    assert [(w.text, w.bbox, w.confidence) for w in joined] == [("21.28%", (10, 10, 100, 30), 0.9)]


def test_numbers_apart_without_a_point_between_stay_apart():
    left, right = Word("21", (10, 10, 40, 30), 0.99), Word("28%", (60, 10, 100, 30), 0.9)
    for mark in ("", ":"):
        assert len(join_split_decimals([left, right], _digits_and_mark(mark))) == 2
    point = Word(".", (47, 24, 52, 30), 0.8)  # the point read as a word of its own
    assert len(join_split_decimals([left, point, right], _digits_and_mark("."))) == 3


def _gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))
