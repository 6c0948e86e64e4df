"""What RapidOCR is shown and which of its words are kept."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from services.images import is_dark_mode
from services.model import Word
from services.ocr.detections import (
    _stretched, drop_echoes, join_overlapping_repeats, join_split_decimals, minus_signs_read_as_points,
    restore_minus_signs)
from services.ocr.rapid import _letter_o, _noise_sigma, _reading_copy, _split_line


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


@pytest.mark.parametrize("left, right, joined", [
    (("1,372,", (352, 476, 420, 503)), ("2,524", (409, 477, 457, 502)), "1,372,524"),
    (("20", (246, 175, 264, 190)), ("0.16%", (261, 174, 307, 191)), "20.16%"),
    (("$415", (336, 790, 375, 808)), ("5", (375, 790, 381, 807)), "$415"),
])
def test_one_string_detected_twice_in_overlapping_pieces_is_one_word(left, right, joined):
    """RapidOCR's boxes from clean generated screenshots."""
    words = join_overlapping_repeats([Word(*right, 0.5), Word(*left, 0.99)])
    assert [(w.text, w.confidence) for w in words] == [(joined, 0.5)]
    assert words[0].bbox[0] == left[1][0] and words[0].bbox[2] == max(left[1][2], right[1][2])


def test_neighbours_a_space_apart_or_not_repeating_stay_apart():
    apart = [Word("2021", (100, 10, 140, 30), 0.9), Word("1,234", (146, 10, 196, 30), 0.9)]
    overlapping = [Word("USD", (100, 10, 140, 30), 0.9), Word("1,234", (138, 10, 188, 30), 0.9)]
    below = [Word("2021", (100, 10, 140, 30), 0.9), Word("1,234", (130, 26, 180, 46), 0.9)]
    for words in (apart, overlapping, below):
        assert join_overlapping_repeats(words) == words


def test_dark_mode_pages_reach_the_detector_as_dark_on_light():
    dark = Image.new("RGB", (40, 20), (20, 24, 30))
    ImageDraw.Draw(dark).text((2, 4), "42", fill=(230, 230, 230))
    seen = _reading_copy(dark, _gray(dark))
    assert seen.getpixel((0, 0)) == (235, 231, 225)
    light = Image.new("RGB", (40, 20), "white")
    assert _reading_copy(light, _gray(light)).getpixel((0, 0)) == (255, 255, 255)


def test_dark_mode_is_told_by_the_texts_polarity_not_the_overall_grey():
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 16)

    def page(background, ink, header=None):
        """Rows of ``ink`` text; under a ``header`` band whose text is as light as the paper."""
        image = Image.new("RGB", (300, 160), background)
        draw = ImageDraw.Draw(image)
        if header:
            draw.rectangle([0, 0, 300, 30], fill=header)
            draw.text((8, 6), "Order no  Change  Shipped", font=font, fill=background)
        for row in range(3 if header else 0, 8):
            draw.text((8, 6 + 19 * row), "06852   -75.0   2019-01-27", font=font, fill=ink)
        return _gray(image)

    assert is_dark_mode(page((30, 32, 36), (220, 220, 220)))
    assert not is_dark_mode(page((250, 250, 250), (20, 20, 20)))
    assert not is_dark_mode(page((100, 100, 100), (45, 45, 45)))  # a dim photo of a light page
    assert not is_dark_mode(page((100, 100, 100), (45, 45, 45), header=(50, 62, 44)))


def test_a_zero_starting_a_lowercase_word_is_the_letter_o():
    assert [_letter_o(t) for t in ("0verdue", "0ct", "0scar", "007", "0x1F", "0", "0k")] == [
        "Overdue", "Oct", "Oscar", "007", "0x1F", "0", "0k"]


def test_a_vertical_rule_read_into_a_line_parts_its_words_and_is_dropped():
    def box(x0: float, x1: float) -> list[list[float]]:
        return [[x0, 10], [x1, 10], [x1, 30], [x0, 30]]

    chars = list("116%|customs")
    boxes = [box(10 * i, 10 * i + 8) for i in range(len(chars))]
    words = _split_line(box(0, 120), "".join(chars), 0.4, boxes, chars, [0.9] * len(chars))
    assert [(w.text, w.bbox[0], w.bbox[2]) for w in words] == [("116%", 0, 38), ("customs", 50, 118)]
    assert _split_line(box(0, 8), "|", 0.5, [box(0, 8)], ["|"], [0.5]) == []


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


@pytest.fixture(scope="module")
def engine():
    from services.ocr.rapid import RapidOcrEngine

    return RapidOcrEngine()


def _faint_number(text: str, rule_at: int | None = None, size: int = 20,
                  blur: float = 1) -> tuple[np.ndarray, np.ndarray, Word]:
    """Grey ``text`` on a dark grey cell, blurred, at x=40 (with a vertical rule at ``rule_at``),
    and the word box a detector gives it when it leaves the leading minus out."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", size)
    image = Image.new("RGB", (200, 40), (60, 60, 60))
    draw = ImageDraw.Draw(image)
    draw.text((40, 8), text, font=font, fill=(110, 110, 110))
    if rule_at is not None:
        draw.line([(rule_at, 0), (rule_at, 40)], fill=(110, 110, 110), width=1)
    image = image.filter(ImageFilter.GaussianBlur(blur))
    start = draw.textbbox((40, 8), text[:1], font=font)[2] + 1 if text.startswith("-") else 40
    end = draw.textbbox((40, 8), text, font=font)[2] + 2
    return _gray(image), np.asarray(image), Word(text.lstrip("-"), (start, 8, end, 12 + size), 0.9)


def test_a_minus_sign_left_out_of_a_faint_numbers_box_is_read_again_and_kept(engine):
    gray, rgb, word = _faint_number("-25.33")
    restored = restore_minus_signs([word], gray, lambda boxes: engine.read_boxes(rgb, boxes))
    assert [w.text for w in restored] == ["-25.33"]
    assert restored[0].bbox[0] < word.bbox[0]


def test_a_minus_sign_only_the_second_recogniser_reads_is_kept(engine):
    gray, rgb, word = _faint_number("-86.72", size=14, blur=2)
    readings = []
    restored = restore_minus_signs([word], gray, lambda boxes: readings.extend(engine.read_boxes(rgb, boxes))
                                   or readings)
    assert [w.text for w in restored] == ["-86.72"]
    assert readings[0] == ("86.72", "-86.72"), "PP-OCRv4 now sees this minus: pick a fainter one"


def test_a_rule_or_a_word_left_of_a_number_is_not_read_as_a_minus(engine):
    asked = []

    def reread(rgb):
        return lambda boxes: asked.extend(boxes) or engine.read_boxes(rgb, boxes)

    gray, rgb, word = _faint_number("25.33", rule_at=34)
    assert restore_minus_signs([word], gray, reread(rgb)) == [word]
    gray, rgb, word = _faint_number("-25.33")
    dash = Word("-", (34, 8, 38, 32), 0.5)
    assert restore_minus_signs([dash, word], gray, reread(rgb)) == [dash, word]
    assert asked == []


def test_the_minus_is_judged_against_each_recognisers_own_reading_of_the_word(engine):
    """The word holds "25.38" where the picture shows "-25.33": the recognisers read the
    stretched box as their own reading of the word's box with a minus in front, so the sign
    is taken and the word's text otherwise kept (a misread digit is no evidence against it)."""
    gray, rgb, word = _faint_number("-25.33")
    misread = Word("25.38", word.bbox, 0.9)
    restored = restore_minus_signs([misread], gray, lambda boxes: engine.read_boxes(rgb, boxes))
    assert [w.text for w in restored] == ["-25.38"]


def test_a_new_reading_that_differs_beyond_the_minus_is_not_taken():
    gray, _, word = _faint_number("-25.33")
    readings = {_stretched(word): ("-25.38", "-25.38"), word.bbox: ("25.33", "25.33")}
    assert restore_minus_signs([word], gray, lambda boxes: [readings[b] for b in boxes]) == [word]


def _number_box(text: str, size: int = 16) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Dark ``text`` on white, slightly blurred, and the box a detector gives it."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", size)
    image = Image.new("RGB", (160, 40), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 10), text, font=font, fill=(70, 70, 70))
    x0, _, x1, _ = draw.textbbox((20, 10), text, font=font)
    return _gray(image.filter(ImageFilter.GaussianBlur(0.8))), (x0 - 2, 8, x1 + 2, 14 + size)


@pytest.mark.parametrize("drawn, read, kept", [
    ("-58.14", ".58.14", "-58.14"),
    ("-£81,758", ".£81.758", "-£81.758"),
    (".58", ".58", ".58"),
    ("-58.14", "58.14", "58.14"),
])
def test_a_leading_point_at_minus_height_is_a_minus_and_one_on_the_baseline_a_point(drawn, read, kept):
    gray, box = _number_box(drawn)
    assert [w.text for w in minus_signs_read_as_points([Word(read, box, 0.9)], gray)] == [kept]
