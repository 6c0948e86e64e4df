"""Spaces inside a column's repeated values, settled by how most of its cells read them.

The recogniser sometimes puts a space inside a word where a glyph has wide side bearings,
most of all the "r" of monospaced text ("Ove rdue", "Keyboa rd"), and sometimes drops the
one between two short words ("Onhold"). The pixels cannot always tell: a real space in
small or condensed text is no wider than such a bearing. A column can, when the same value
comes back in other rows (a status, a city, a product): the form most of them were read in
is how it is written.
"""
from __future__ import annotations

from collections import Counter

_MIN_VOTES = 2  # cells the winning form needs


def settle_word_spaces(texts: list[str]) -> list[str]:
    """``texts`` of one column, each taking the spacing most cells with the same letters have."""
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        if _one_line_of_words(text):
            forms.setdefault(_letters(text), Counter())[text.strip()] += 1
    settled = list(texts)
    for i, text in enumerate(texts):
        counts = forms.get(_letters(text)) if _one_line_of_words(text) else None
        if not counts or len(counts) < 2:
            continue
        (best, votes), (_, runner_up) = counts.most_common(2)
        if best != text.strip() and votes >= _MIN_VOTES and votes > runner_up:
            settled[i] = best
    return settled


def _one_line_of_words(text: str) -> bool:
    return "\n" not in text and any(c.isalpha() for c in text)


def _letters(text: str) -> str:
    return "".join(text.split())
