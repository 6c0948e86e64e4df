"""Spaces the recogniser dropped, decided from the ink between character centres."""
from __future__ import annotations

import numpy as np

from services.ocr.spacing import missing_space_positions


def line(chars: str, pitch: float, blanks: dict[int, int], stroke: int = 6, gap: int = 2):
    """Character centres and an ink row: each glyph ``stroke`` px of ink, ``gap`` px apart,
    plus ``blanks[i]`` extra blank px after character i."""
    ink, centres, x = [], [], 0
    for i, _ in enumerate(chars):
        centres.append(x + stroke / 2)
        ink += [True] * stroke + [False] * (gap + blanks.get(i, 0))
        x += stroke + gap + blanks.get(i, 0)
    return centres, np.array(ink)


def test_two_cells_read_as_one_line_are_split_at_the_wide_blank():
    chars = "(59.99)59563"
    centres, ink = line(chars, 8, {6: 14})
    assert missing_space_positions(list(chars), centres, ink, 0, 24) == [6]


def test_letters_far_apart_get_a_space_and_normal_letters_none():
    chars = "WestCoast"
    centres, ink = line(chars, 8, {3: 6})
    assert missing_space_positions(list(chars), centres, ink, 0, 20) == [3]
    centres, ink = line(chars, 8, {})
    assert missing_space_positions(list(chars), centres, ink, 0, 20) == []


def test_a_space_already_read_is_not_doubled():
    chars = "(59.99) 59563"
    centres, ink = line(chars, 8, {6: 7, 7: 7})
    assert missing_space_positions(list(chars), centres, ink, 0, 24) == []


def test_digits_far_apart_get_a_space_and_a_wide_one_none():
    chars = "+442053308082"
    centres, ink = line(chars, 8, {2: 8, 4: 8, 8: 8})
    assert missing_space_positions(list(chars), centres, ink, 0, 24) == [2, 4, 8]
    chars = "2021"
    centres, ink = line(chars, 8, {2: 4})  # the side bearings of a "1"
    assert missing_space_positions(list(chars), centres, ink, 0, 24) == []


def test_a_currency_code_bracket_or_percent_sign_is_parted_from_its_neighbour():
    for chars, at in (("EUR278.64", 2), ("(204)507-8004", 4), ("Jun9,2023", 2), ("15%89538", 2)):
        centres, ink = line(chars, 8, {at: 8})
        assert missing_space_positions(list(chars), centres, ink, 0, 24) == [at], chars


def test_no_space_around_decimal_and_group_marks_or_dashes():
    for chars in ("1,234.56", "07582-4475", "21/03/2024"):
        centres, ink = line(chars, 8, {i: 6 for i, c in enumerate(chars) if not c.isdigit()})
        assert missing_space_positions(list(chars), centres, ink, 0, 24) == [], chars


def test_a_closing_bracket_needs_less_blank_to_end_a_word():
    chars = "(660)882-6764"
    centres, ink = line(chars, 8, {4: 3})  # 5 px blank after ")" in 24 px small text
    assert missing_space_positions(list(chars), centres, ink, 0, 24) == [4]
    centres, ink = line(chars, 8, {4: 1})
    assert missing_space_positions(list(chars), centres, ink, 0, 24) == []


def test_a_small_letter_before_a_capital_needs_less_blank_to_part_two_names():
    chars = "VictorWeber"
    centres, ink = line(chars, 8, {5: 3})  # 5 px blank in 24 px text: a narrow space
    assert missing_space_positions(list(chars), centres, ink, 0, 24) == [5]
    for chars, blanks in (("McDonald", {1: 1}), ("iPhone", {0: 1}), ("PowerPoint", {4: 1})):
        centres, ink = line(chars, 8, blanks)  # camel case: no more blank than a letter pair
        assert missing_space_positions(list(chars), centres, ink, 0, 24) == [], chars
