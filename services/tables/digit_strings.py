"""Phone numbers, dates and codes of one column given the column's own spacing and separators.

The recogniser drops spaces inside long digit strings ("+442070676442" for
"+44 20 7067 6442"), above all in blurred photos, now and then adds one ("2025-04-1 3"),
and reads one separator for another ("2025-05.06"). A column is written by one hand: the
strings of one shape (the same digits, brackets and separators in the same order) share one
layout. So each such string is given the spaces that at least two of its column's strings of
that shape show at the same place, and at each separator the one most of them use (when most
do). A string with separators loses the spaces its column does not share; one whose spaces are
its only separators keeps its own. A string whose shape no other two share is left as read.

An international phone number ("+44207067 6442") showing some of the spaces of its country's
standard grouping, and no others, gets the rest ("+44 20 7067 6442"): a number written with
spaces at all is written in that grouping far more often than with spaces lost at random.
"""
from __future__ import annotations

import re
from collections import Counter

import phonenumbers

_DIGIT_STRING_RE = re.compile(r"^[\d\s()+\-./]+$")
_INTERNATIONAL_RE = re.compile(r"^\+\d[\d\s-]+$")
_SEPARATORS = "-./"
_MIN_DIGITS = 6        # shorter strings are amounts or small codes: their spaces are left alone
_MIN_SHAPE_COUNT = 3   # strings of one shape a column needs before its layout is trusted
_MIN_SPACE_VOTES = 2   # strings showing a space at one place before it is the column's


class _Layout:
    """One digit string taken apart: its characters without spaces, where spaces stood (as
    the number of characters before each), and its shape."""

    def __init__(self, text: str):
        self.chars = "".join(text.split())
        self.spaces = frozenset(i for i in range(1, len(self.chars))
                                if _space_before(text, i))
        self.shape = "".join("0" if c.isdigit() else "-" if c in _SEPARATORS else c
                             for c in self.chars)


def _space_before(text: str, index: int) -> bool:
    """Whether whitespace stands before the ``index``-th non-space character of ``text``."""
    seen = 0
    for pos, ch in enumerate(text):
        if ch.isspace():
            continue
        if seen == index:
            return pos > 0 and text[pos - 1].isspace()
        seen += 1
    return False


def settle_digit_strings(texts: list[str]) -> list[str]:
    """``texts`` (one column's cells, top to bottom) with the digit strings laid out as the
    column lays them out; every other text as it was."""
    layouts = {i: _Layout(t) for i, t in enumerate(texts)
               if _DIGIT_STRING_RE.match(t) and sum(c.isdigit() for c in t) >= _MIN_DIGITS}
    by_shape: dict[str, list[int]] = {}
    for i, layout in layouts.items():
        by_shape.setdefault(layout.shape, []).append(i)
    settled = list(texts)
    for shape, members in by_shape.items():
        if len(members) < _MIN_SHAPE_COUNT:
            continue
        votes = Counter(p for i in members for p in layouts[i].spaces)
        spaces = {p for p, n in votes.items() if n >= _MIN_SPACE_VOTES}
        separators = {}
        for p in (p for p, kind in enumerate(shape) if kind == "-"):
            mark, n = Counter(layouts[i].chars[p] for i in members).most_common(1)[0]
            if 2 * n > len(members):
                separators[p] = mark
        for i in members:
            chars = [separators.get(p, c) for p, c in enumerate(layouts[i].chars)]
            # Where spaces are a string's only separators ("+44 20 7067 6442") its own stay.
            kept = spaces if "-" in shape else spaces | layouts[i].spaces
            settled[i] = "".join((" " if p in kept else "") + c for p, c in enumerate(chars))
    return [_international_grouping(text) for text in settled]


def _international_grouping(text: str) -> str:
    """``text`` in its country's international grouping when it is a valid international
    number that shows some of that grouping's spaces and no others; else as it was."""
    if not _INTERNATIONAL_RE.match(text.strip()):
        return text
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(number):
        return text
    grouped = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    seen, standard = _Layout(text), _Layout(grouped)
    if seen.chars != standard.chars or not seen.spaces or not seen.spaces <= standard.spaces:
        return text
    return grouped
