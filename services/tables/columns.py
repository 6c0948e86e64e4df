"""Column separators found from text alone: x ranges that no cell's text reaches.

Word boxes of all rows are projected onto the x axis; a column gap is an uncovered range
wider than the space between two words of one phrase. Rows whose single phrase runs
across such a gap or is centred in it (a title, a section label, a header spanning several
columns) are left out of the projection, since they would close the gaps they cross.

Narrower uncovered ranges, down to a quarter of the text height, occur between words of
one phrase that happen to line up ("West Coast" over "East Coast") and between tightly
packed spreadsheet columns. They count as column gaps only with evidence that they are
not spaces (``_narrow_is_column``).

OCR now and then reads across a column gap that every other row leaves open: two cells
glued into one word ("558,095 5Open"), a stray bracket in the gap. A range that all but a
few rows leave blank is weighed the same way, without the rows that cross it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from services.model import Word
from services.tables.textlines import TextLine, phrase_gap, phrases

Interval = tuple[float, float]


NARROW_GAP = 0.25  # of the text height: the narrowest uncovered range worth a look
STRAY_ROWS = 0.1  # share of rows whose words may cross a gap the others leave open
_APART = 0.75     # share of rows whose words either side of a crossed range are separate phrases
_GRAZE = 0.1      # of the text height: how far a word box may reach into a range without crossing it


@dataclass
class ColumnGaps:
    gaps: list[Interval]
    narrow: list[bool]  # per gap: narrower than a phrase gap, so no phrase may span it
    spanning: list[int]  # indices of lines left out because they cross a gap


def line_runs(line: TextLine, max_gap: float, cuts: list[float] = ()) -> list[Interval]:
    """Extents of a line's phrases, also split wherever a ruling line (``cuts``) passes."""
    runs: list[Interval] = []
    for run in phrases(line.words, max_gap):
        pieces = [run[0]]
        for word in run[1:]:
            prev_end = pieces[-1].bbox[2]
            if any(prev_end <= c <= word.bbox[0] for c in cuts):
                runs.append((pieces[0].bbox[0], max(w.bbox[2] for w in pieces)))
                pieces = [word]
            else:
                pieces.append(word)
        runs.append((pieces[0].bbox[0], max(w.bbox[2] for w in pieces)))
    return runs


def projection_gaps(runs: list[Interval], min_gap: float) -> list[Interval]:
    gaps: list[Interval] = []
    end = None
    for start, stop in sorted(runs):
        if end is not None and start - end >= min_gap:
            gaps.append((end, start))
        end = stop if end is None else max(end, stop)
    return gaps


def crosses(run: Interval, gap: Interval) -> bool:
    """The run covers most of the gap, or is centred inside it."""
    quarter = 0.25 * (gap[1] - gap[0])
    return ((run[0] < gap[0] + quarter and run[1] > gap[1] - quarter)
            or gap[0] < (run[0] + run[1]) / 2 < gap[1])


def find_column_gaps(lines: list[TextLine], height: float,
                     cuts: list[float] = ()) -> ColumnGaps:
    min_gap = phrase_gap(height)
    runs = [line_runs(line, min_gap, cuts) for line in lines]
    multi = [r for r in runs if len(r) >= 2]
    base = multi if len(multi) >= 2 else runs
    first = projection_gaps([iv for r in base for iv in r], min_gap)
    spanning = [i for i, r in enumerate(runs)
                if len(r) == 1 and len(lines) > 2 and any(crosses(r[0], g) for g in first)]
    kept = [line for i, line in enumerate(lines) if i not in spanning]
    boxes = [(w.bbox[0], w.bbox[2]) for line in kept for w in line.words]
    candidates = projection_gaps(boxes, NARROW_GAP * height)
    wide = [g for g in candidates if g[1] - g[0] >= min_gap]
    found = []
    for gap in candidates:
        is_narrow = gap[1] - gap[0] < min_gap
        if not is_narrow or _narrow_is_column(kept, gap, wide, height):
            found.append((gap, is_narrow))
    for gap, crossing in _crossed_gaps(kept, height, candidates):
        others = [line for line in kept if line not in crossing]
        if _narrow_is_column(others, gap, wide, height, strict=True):
            found.append((gap, True))
    found.sort()
    return ColumnGaps([g for g, _ in found], [n for _, n in found], spanning)


def _crossed_gaps(lines: list[TextLine], height: float, open_gaps: list[Interval]
                  ) -> list[tuple[Interval, list[TextLine]]]:
    """Ranges at least ``NARROW_GAP`` wide that words of at most ``STRAY_ROWS`` of the rows
    cover, with text on both sides; returned with the rows that cross them. A word that
    reaches less than ``_GRAZE`` into a range does not cross it: the recogniser places a
    word's ends only to a pixel or two."""
    allowed = max(1, math.floor(STRAY_ROWS * len(lines)))
    boxes = [(w.bbox[0], w.bbox[2]) for line in lines for w in line.words]
    if len(lines) < 4 or not boxes:
        return []
    origin = math.floor(min(a for a, _ in boxes))
    cover = np.zeros(math.ceil(max(b for _, b in boxes)) - origin + 1, dtype=int)
    for a, b in boxes:
        cover[math.floor(a) - origin:math.ceil(b) - origin] += 1
    out = []
    graze = _GRAZE * height
    thin = np.flatnonzero(cover <= allowed)
    for run in np.split(thin, np.flatnonzero(np.diff(thin) > 1) + 1):
        if not len(run) or run[0] == 0 or run[-1] == len(cover) - 1:
            continue
        gap = (float(run[0] + origin), float(run[-1] + 1 + origin))
        if gap[1] - gap[0] < NARROW_GAP * height or any(
                g[0] < gap[1] and gap[0] < g[1] for g in open_gaps):
            continue
        crossing = [line for line in lines
                    if any(w.bbox[0] < gap[1] - graze and w.bbox[2] > gap[0] + graze for w in line.words)]
        if len(crossing) <= allowed:
            out.append((gap, crossing))
    return out


# Digit groups of one number: "1 234", "$12 500", and phone groups "+44 20 7067 6442"
_DIGIT_GROUPS = re.compile(r"[-+(]?[^\d\s]{0,3}\d{1,4}")
_GROUP_TAIL = re.compile(r"\d{3,4}(?:[.,]\d+)?\)?%?")


def _numeric(text: str) -> bool:
    return any(c.isdigit() for c in text) and not any(c.isalpha() for c in text)


def _narrow_is_column(lines: list[TextLine], gap: Interval, wide: list[Interval],
                      height: float, strict: bool = False) -> bool:
    """A narrow uncovered range separates columns when, in at least two rows and half of
    those with text on its less used side (the other side may hold wrapped lines), words
    sit on both sides (within the neighbouring wide gaps), and either the words
    before it are right-aligned numbers of different widths (a numeric column packed
    against the next one), or the distance between the two words changes from row to row
    (a space would not). ``strict``, for a range some rows cross: the distance changes in a
    quarter of the rows, so one word the OCR missed does not count. Numbers with spaces
    between digit groups ("1 234", "+44 20 7067 6442") stay whole."""
    lo = max([g[1] for g in wide if g[1] <= gap[0]], default=float("-inf"))
    hi = min([g[0] for g in wide if g[0] >= gap[1]], default=float("inf"))
    pairs = []
    n_before = n_after = 0
    for line in lines:
        before = [w for w in line.words if lo <= w.bbox[0] and w.bbox[2] <= gap[0] + 0.5]
        after = [w for w in line.words if gap[1] - 0.5 <= w.bbox[0] and w.bbox[2] <= hi]
        n_before += bool(before)
        n_after += bool(after)
        if before and after:
            pairs.append((max(before, key=lambda w: w.bbox[2]),
                          min(after, key=lambda w: w.bbox[0])))
    if len(pairs) < max(2, 0.5 * min(n_before, n_after)):
        return False
    if all(_DIGIT_GROUPS.fullmatch(a.text) and _GROUP_TAIL.fullmatch(b.text) for a, b in pairs):
        return False
    right_aligned = _right_aligned_numbers([a for a, _ in pairs], height)
    spacing = [b.bbox[0] - a.bbox[2] for a, b in pairs]
    if strict:
        usual = float(np.median(spacing))
        varies = (sum(abs(s - usual) >= 0.5 * height for s in spacing) >= max(2, 0.25 * len(pairs))
                  or sum(s > phrase_gap(height) for s in spacing) >= max(2, _APART * len(pairs)))
    else:
        varies = max(spacing) - min(spacing) >= 0.5 * height
    return right_aligned or varies


def _right_aligned_numbers(words: list[Word], height: float) -> bool:
    """Mostly numbers of different widths whose right edges line up; a header above them,
    aligned its own way, may be the one exception (``STRAY_ROWS``)."""
    end = float(np.median([w.bbox[2] for w in words]))
    aligned = [w for w in words if abs(w.bbox[2] - end) <= 0.25 * height]
    starts = [w.bbox[0] for w in aligned]
    return (len(words) - len(aligned) <= max(1, math.floor(STRAY_ROWS * len(words)))
            and max(starts) - min(starts) >= 0.5 * height
            and sum(_numeric(w.text) for w in aligned) >= 0.5 * len(aligned))
