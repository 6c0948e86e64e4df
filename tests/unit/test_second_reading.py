"""The second recogniser's letters at the first one's character positions."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from services.ocr.second_reading import TINY, TwoReaders, load_recognizer, merge_readings
from tests.imaging import FONT


def _reading(text: str, frames: list[float], scores: list[float] | None = None) -> tuple:
    """A rapidocr recogniser result with word boxes, one frame per character."""
    scores = scores or [0.9] * len(text)
    return (text, sum(scores) / len(scores), [40.0, [list(text)], [frames], ["en&num"], scores])


def _chars_and_frames(reading: tuple) -> tuple[str, list[float]]:
    words, frames = reading[2][1], reading[2][2]
    return "".join(c for w in words for c in w), [f for w in frames for f in w]


def test_the_same_letters_keep_the_first_reading_whole():
    first = _reading("Pump", [2, 4, 6, 8])
    assert merge_readings(first, _reading("Pump", [3, 5, 7, 9])) is first


def test_a_letter_read_otherwise_takes_the_first_readings_frame_and_the_seconds_score():
    first = _reading("Keyboart", [2, 4, 6, 8, 10, 12, 14, 16], [0.99] * 7 + [0.4])
    merged = merge_readings(first, _reading("Keyboard", [3, 5, 7, 9, 11, 13, 15, 17], [0.98] * 8))
    assert merged[0] == "Keyboard"
    assert _chars_and_frames(merged)[1] == [2, 4, 6, 8, 10, 12, 14, 16]
    assert merged[2][4] == [0.98] * 8


def test_spaces_between_digits_are_the_first_readings():
    first = _reading("+442031368308", [float(i) for i in range(13)])
    assert merge_readings(first, _reading("+44 203136 8308", [float(i) for i in range(15)])) is first


def test_a_space_the_first_reader_put_inside_a_word_the_second_read_whole_goes():
    merged = merge_readings(_reading("Ove rdue", [1, 4, 7, 9, 11, 13, 17, 19]),
                            _reading("Overdue", [2, 5, 8, 11, 14, 17, 20]))
    assert _chars_and_frames(merged) == ("Overdue", [1, 4, 7, 11, 13, 17, 19])


def test_a_space_the_first_reader_put_inside_a_number_the_second_read_whole_goes():
    merged = merge_readings(_reading("11 7.6%", [1, 4, 6, 7, 9, 11, 14]), _reading("117.6%", [2, 4, 8, 10, 12, 14]))
    assert _chars_and_frames(merged) == ("117.6%", [1, 4, 7, 9, 11, 14])
    first = _reading("EUR 93.37", [1, 3, 5, 7, 9, 11, 12, 14, 16])
    assert merge_readings(first, _reading("EUR93.37", [1, 3, 5, 9, 11, 12, 14, 16])) is first


def test_a_letter_only_the_second_reader_saw_stays_on_its_side_of_the_space():
    merged = merge_readings(_reading("Kof Garcia", [2, 5, 8, 11, 14, 17, 20, 22, 24, 26]),
                            _reading("Kofi Garcia", [3, 6, 8, 10, 11, 14, 17, 20, 23, 25, 27]))
    assert merged[0] == "Kofi Garcia"


def test_a_space_the_second_reader_saw_between_letters_parts_them():
    merged = merge_readings(_reading("Onhold", [1, 3, 7, 9, 11, 13]),
                            _reading("On hold", [1, 3, 5, 8, 10, 12, 14]))
    assert _chars_and_frames(merged) == ("On hold", [1, 3, 5, 7, 9, 11, 13])
    assert merged[2][1] == [["O", "n", " ", "h", "o", "l", "d"]]


def test_letters_only_the_second_reader_saw_sit_at_its_own_frames():
    merged = merge_readings(_reading("19", [10, 12]), _reading("£119", [6, 8, 10, 12]))
    assert _chars_and_frames(merged) == ("£119", [6, 8, 10, 12])


def test_frames_stay_in_reading_order():
    merged = merge_readings(_reading("Miam.", [2, 4, 6, 8, 10]), _reading("Miami", [2, 4, 6, 8, 7]))
    text, frames = _chars_and_frames(merged)
    assert text == "Miami"
    assert frames == sorted(frames) and len(set(frames)) == len(frames)


def test_letters_only_the_first_reader_saw_are_dropped():
    merged = merge_readings(_reading("Miami.", [2, 4, 6, 8, 10, 12]), _reading("Miami", [2, 4, 6, 8, 10]))
    assert _chars_and_frames(merged) == ("Miami", [2, 4, 6, 8, 10])


def test_characters_far_apart_are_separate_words_for_rapidocrs_boxes():
    merged = merge_readings(_reading("$32 81%", [1, 3, 5, 7, 15, 17, 19]),
                            _reading("$32 81.", [1, 3, 5, 7, 15, 17, 19]))
    assert merged[2][1] == [["$", "3", "2", " "], ["8", "1", "."]]


def test_an_empty_second_reading_changes_nothing():
    first = _reading("Pump", [2, 4, 6, 8])
    assert merge_readings(first, ("", 0.0, [40.0, [], [], [], []])) is first
    assert merge_readings(first, ("", 0.0)) is first


@pytest.fixture(scope="module")
def second_reader():
    return load_recognizer()


@pytest.fixture(scope="module")
def check_reader():
    return load_recognizer(TINY)


def _line(text: str, blur: float) -> np.ndarray:
    font = ImageFont.truetype(FONT, 14)
    image = Image.new("RGB", (200, 24), (255, 255, 255))
    ImageDraw.Draw(image).text((4, 4), text, font=font, fill=(40, 40, 40))
    return np.asarray(image.filter(ImageFilter.GaussianBlur(blur)))[:, :, ::-1].copy()


def test_the_packaged_model_reads_a_line_with_its_own_dictionary(second_reader):
    (reading,), _ = second_reader([_line("Invoice 1,234.56", 0.5)], True)
    assert reading[0] == "Invoice 1,234.56"
    assert reading[2][0] > 0


def test_two_readers_read_each_line_with_both_and_only_the_first_without_word_boxes(second_reader, check_reader):
    calls = []

    def first(crops, return_word_box=False):
        calls.append(return_word_box)
        return [_reading("lnvoice", [2, 4, 6, 8, 10, 12, 14])] * len(crops), 0.1

    readers = TwoReaders(first, second_reader, check_reader)
    crops = [_line("Invoice", 0.5)]
    assert readers(crops)[0][0][0] == "lnvoice"
    (merged,), _ = readers(crops, True)
    assert merged[0] == "Invoice"
    assert _chars_and_frames(merged)[1] == [2, 4, 6, 8, 10, 12, 14]
    assert calls == [False, True]


def test_the_check_settles_lines_it_reads_alike_and_surely_and_the_second_reads_the_rest(
        second_reader, check_reader):
    frames = [float(2 * i) for i in range(12)]
    firsts = [_reading("Invoice date", frames, [0.99] * 12),
              _reading("lnvoice date", frames, [0.99] * 12),
              _reading("Invoice date", frames, [0.99] * 11 + [0.5])]
    second_saw = []

    def first(batch, return_word_box=False):
        return firsts[:len(batch)], 0.1

    def second(batch, return_word_box=False):
        second_saw.append(len(batch))
        return second_reader(batch, return_word_box)

    crops = [_line("Invoice date", 0.5) for _ in firsts]
    (settled, misread, unsure), _ = TwoReaders(first, second, check_reader)(crops, True)
    assert second_saw == [2]
    assert settled is firsts[0]
    assert misread[0] == "Invoice date"
    assert unsure[0] == "Invoice date"


def test_the_packaged_check_model_reads_a_line(check_reader):
    (reading,), _ = check_reader([_line("Invoice date", 0.5)], True)
    assert reading[0] == "Invoice date"
    assert min(reading[2][4]) > 0.9
