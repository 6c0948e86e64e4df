"""Where the cell sides of a borderless table lie, judged from how each column's text aligns.

A text gap's middle is a poor stand-in for the side between two cells: a column's extra width
goes to the side its text does not hug. Text hugs the left side of a left-aligned column and
the right side of a right-aligned one, at a fixed padding from the cell's side. Where the
padding shows (a right-aligned column beside a left-aligned one, the gap is twice it) that
is the padding used; otherwise half the text height, about what tables people read use.
"""
from __future__ import annotations

import numpy as np

from services.tables.grid import Grid

_ALIGNED = 0.25   # of the text height: the spread of the edges of an aligned column's texts
_MIN_TEXTS = 2


def cell_sides(grid: Grid, height: float, from_row: int = 1) -> list[float]:
    """One x per column edge of ``grid``: the estimated side between cells, the table's drawn
    sides (``grid.frame``) where it has them."""
    left_x, right_x, hug_left, hug_right = _alignment(grid, height, from_row)
    shown = [(left_x[c + 1] - right_x[c]) / 2 for c in range(grid.n_cols - 1)
             if hug_right[c] and hug_left[c + 1]]
    pad = float(np.median(shown)) if shown else 0.5 * height

    sides = [grid.frame[0], *grid.col_edges[1:-1], grid.frame[1]]
    for e in range(1, grid.n_cols):
        guesses = ([right_x[e - 1] + pad] if hug_right[e - 1] else []) + \
                  ([left_x[e] - pad] if hug_left[e] else [])
        if guesses:
            sides[e] = float(np.mean(guesses))
    if hug_left[0]:
        sides[0] = min(sides[0], left_x[0] - pad)
    if hug_right[-1]:
        sides[-1] = max(sides[-1], right_x[-1] + pad)
    return sides


def aligned_in_its_columns(grid: Grid, height: float, c0: int, c1: int, x0: float, x1: float,
                           from_row: int = 1) -> bool:
    """Whether text from ``x0`` to ``x1`` starts where the texts of column ``c0`` line up on
    the left, or ends where those of column ``c1`` line up on the right: it is placed like its
    column's text, not centred."""
    lefts, rights = _text_edges(grid, from_row)
    return (_aligned(lefts[c0], height) and abs(float(np.median(lefts[c0])) - x0) <= _ALIGNED * height) \
        or (_aligned(rights[c1], height) and abs(float(np.median(rights[c1])) - x1) <= _ALIGNED * height)


def _alignment(grid: Grid, height: float, from_row: int
               ) -> tuple[list[float], list[float], list[bool], list[bool]]:
    """Per column: where its texts start and end (medians), whether they line up on the left
    only, and whether on the right only."""
    lefts, rights = _text_edges(grid, from_row)
    hug_left = [_aligned(a, height) and not _aligned(b, height) for a, b in zip(lefts, rights)]
    hug_right = [_aligned(b, height) and not _aligned(a, height) for a, b in zip(lefts, rights)]
    left_x = [float(np.median(xs)) if xs else 0.0 for xs in lefts]
    right_x = [float(np.median(xs)) if xs else 0.0 for xs in rights]
    return left_x, right_x, hug_left, hug_right


def _text_edges(grid: Grid, from_row: int) -> tuple[list[list[float]], list[list[float]]]:
    """Per column, the left and right ends of its text on each row from ``from_row`` on."""
    lefts: list[list[float]] = [[] for _ in range(grid.n_cols)]
    rights: list[list[float]] = [[] for _ in range(grid.n_cols)]
    for row in grid.rows[from_row:]:
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


def _aligned(xs: list[float], height: float) -> bool:
    """Most of a column's texts end at one x."""
    if len(xs) < _MIN_TEXTS:
        return False
    middle = float(np.median(xs))
    return sum(abs(x - middle) <= _ALIGNED * height for x in xs) >= 0.75 * len(xs)
