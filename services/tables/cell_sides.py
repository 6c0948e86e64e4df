"""Where the cell sides of a borderless table lie, judged from how each column's text aligns.

A text gap's middle is a poor stand-in for the side between two cells: a column's extra width
goes to the side its text does not hug. Text hugs the left side of a left-aligned column and
the right side of a right-aligned one, at a fixed padding from the cell's side. Where the
padding shows (a right-aligned column beside a left-aligned one, the gap is twice it) that
is the padding used; otherwise half the text height, about what tables people read use.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from services.tables.grid import Grid

_ALIGNED = 0.25   # of the text height: the spread of the edges of an aligned column's texts
_MIN_TEXTS = 2


class Alignment(NamedTuple):
    """Per column, the x where most of its texts below the top row start, and the x where most
    of them end; None where they do not line up. Both set: texts all of one width."""

    starts: list[float | None]
    ends: list[float | None]


def column_alignment(grid: Grid, height: float) -> Alignment:
    lefts, rights = _text_edges(grid)
    return Alignment([_lined_up(xs, height) for xs in lefts], [_lined_up(xs, height) for xs in rights])


def placed_like_its_column(alignment: Alignment, c0: int, c1: int, run: tuple[float, float],
                           height: float) -> bool:
    """Whether text running over ``run`` starts where the texts of column ``c0`` start, or ends
    where those of column ``c1`` end: it is placed like its column's text, not centred."""
    start, end = alignment.starts[c0], alignment.ends[c1]
    return (start is not None and abs(start - run[0]) <= _ALIGNED * height) or \
        (end is not None and abs(end - run[1]) <= _ALIGNED * height)


def cell_sides(grid: Grid, alignment: Alignment, height: float) -> list[float]:
    """One x per column edge of ``grid``: the estimated side between cells, the table's drawn
    sides (``grid.frame``) where it has them."""
    hug_left = [s if e is None else None for s, e in zip(*alignment)]
    hug_right = [e if s is None else None for s, e in zip(*alignment)]
    shown = [(left - right) / 2 for right, left in zip(hug_right, hug_left[1:])
             if right is not None and left is not None]
    pad = float(np.median(shown)) if shown else 0.5 * height

    sides = [grid.frame[0], *grid.col_edges[1:-1], grid.frame[1]]
    for e in range(1, grid.n_cols):
        guesses = ([hug_right[e - 1] + pad] if hug_right[e - 1] is not None else []) + \
                  ([hug_left[e] - pad] if hug_left[e] is not None else [])
        if guesses:
            sides[e] = float(np.mean(guesses))
    if hug_left[0] is not None:
        sides[0] = min(sides[0], hug_left[0] - pad)
    if hug_right[-1] is not None:
        sides[-1] = max(sides[-1], hug_right[-1] + pad)
    return sides


def _text_edges(grid: Grid) -> tuple[list[list[float]], list[list[float]]]:
    """Per column, the left and right ends of its text on each row below the top one."""
    lefts: list[list[float]] = [[] for _ in range(grid.n_cols)]
    rights: list[list[float]] = [[] for _ in range(grid.n_cols)]
    for row in grid.rows[1:]:
        spans: dict[int, list[float]] = {}
        for line in row:
            for w in line.words:
                c = grid.col_at((w.bbox[0] + w.bbox[2]) / 2)
                s = spans.setdefault(c, [w.bbox[0], w.bbox[2]])
                s[0], s[1] = min(s[0], w.bbox[0]), max(s[1], w.bbox[2])
        for c, (a, b) in spans.items():
            lefts[c].append(a)
            rights[c].append(b)
    return lefts, rights


def _lined_up(xs: list[float], height: float) -> float | None:
    """The x most of a column's text ends lie at, if they do."""
    if len(xs) < _MIN_TEXTS:
        return None
    middle = float(np.median(xs))
    return middle if sum(abs(x - middle) <= _ALIGNED * height for x in xs) >= 0.75 * len(xs) else None
