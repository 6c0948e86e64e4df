"""Row boundaries from separators (rules, stripe edges) and visual text lines.

Separators cut the region into bands; no row crosses a separator. Within a band, lines are
grouped into rows by ``wraps``: a band closed by separators above and below is normally
one row (wrapped text in a bordered or striped row); in an open band each line is a row
unless it is clearly wrapped text of the row above.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from services.tables.textlines import TextLine, phrase_count
from services.tables.wraps import Wraps, wrapped_line_pitch


@dataclass
class Rows:
    edges: list[float]
    groups: list[list[TextLine]]  # text lines per row; empty for a blank bordered row


@dataclass
class _Band:
    top: float
    bottom: float
    closed: bool
    lines: list[TextLine]


def build_rows(lines: list[TextLine], separators: list[float], height: float,
               column_of: Callable[[float], int], n_cols: int,
               keep_blank: bool = False) -> Rows:
    """``keep_blank``: keep text-free bands between separators as empty rows (bordered)."""
    bands = _bands(lines, separators)
    across = [b.center - a.center for a, b in zip(lines, lines[1:])
              if any(a.center < s < b.center for s in separators)]
    pitches = [b.center - a.center for a, b in zip(lines, lines[1:])]
    if across:
        row_pitch = float(np.median(across))
    elif len(pitches) >= 3:
        row_pitch = float(np.percentile(pitches, 75))
    else:
        row_pitch = max(pitches, default=0.0)
    wraps = Wraps(column_of, n_cols, height, row_pitch, wrapped_line_pitch(pitches, height, row_pitch))

    edges: list[float] = [bands[0].top]
    groups: list[list[TextLine]] = []
    for band in bands:
        if not band.lines:
            if keep_blank and band.closed and band.bottom - band.top >= 0.8 * height:
                groups.append([])
                edges.append(band.bottom)
            else:
                edges[-1] = band.bottom
            continue
        rows = (wraps.rows_in_closed_band(band.lines, top=not groups) if band.closed
                else wraps.rows_in_open_band(band.lines, top=not groups))
        for upper, lower in zip(rows, rows[1:]):
            edges.append((max(x.y1 for x in upper) + min(x.y0 for x in lower)) / 2)
        edges.append(band.bottom)
        groups.extend(rows)
    return Rows(edges, groups)


def _bands(lines: list[TextLine], separators: list[float]) -> list[_Band]:
    first, last = lines[0], lines[-1]
    above = [s for s in separators if s < first.center]
    below = [s for s in separators if s > last.center]
    top = max(above) if above else min(x.y0 for x in lines) - 1
    bottom = min(below) if below else max(x.y1 for x in lines) + 1
    cuts = [top] + [s for s in separators if top < s < bottom] + [bottom]
    real = [bool(above)] + [True] * (len(cuts) - 2) + [bool(below)]
    bands = [_Band(a, b, ra and rb, []) for a, b, ra, rb in zip(cuts, cuts[1:], real, real[1:])]
    for line in lines:
        index = int(np.clip(np.searchsorted(cuts, line.center) - 1, 0, len(bands) - 1))
        bands[index].lines.append(line)
    while not bands[0].lines:
        bands.pop(0)
    while not bands[-1].lines:
        bands.pop()
    return bands


def fold_centred_header(rows: Rows, column_of: Callable[[float], int],
                        ruled_over: Callable[[float, float, float], bool],
                        height: float) -> tuple[Rows, list[int]]:
    """A two-level header whose row labels sit centred between its two lines ("ID" halfway
    between "Amounts" above and "Temp" below) reads as three text rows, or as one row of
    three lines inside a filled header band. When the top line groups the bottom one (it
    holds fewer phrases: wrapped header cells have as many), the middle line uses only
    columns the other two leave empty, and no rule runs above or below its labels (a rule
    under "Amounts" alone is fine), fold the middle line into the top one and return its
    columns: each becomes one cell spanning both header rows."""
    groups, edges = rows.groups, rows.edges
    if len(groups) >= 2 and len(groups[0]) == 3:
        top, middle, bottom = ([line] for line in groups[0])
        inner = [(top[0].y1 + middle[0].y0) / 2, (middle[0].y1 + bottom[0].y0) / 2]
        rest = 1
    elif len(groups) >= 4 and all(groups[:3]):
        top, middle, bottom = groups[:3]
        inner, rest = edges[1:3], 3
    else:
        return rows, []

    def n_phrases(group: list[TextLine]) -> int:
        return sum(phrase_count(line.words, height) for line in group)

    labels = [w for line in middle for w in line.words]
    if any(ruled_over(e, w.bbox[0], w.bbox[2]) for e in inner for w in labels):
        return rows, []
    cols = [{column_of((w.bbox[0] + w.bbox[2]) / 2) for line in group for w in line.words}
            for group in (top, middle, bottom)]
    centre = [float(np.median([line.center for line in group])) for group in (top, middle, bottom)]
    off_centre = abs(centre[1] - (centre[0] + centre[2]) / 2) > 0.25 * (centre[2] - centre[0])
    if n_phrases(top) >= n_phrases(bottom) or cols[1] & (cols[0] | cols[2]) or off_centre:
        return rows, []
    folded = Rows([edges[0], inner[1]] + edges[rest:], [top + middle, bottom] + groups[rest:])
    return folded, sorted(cols[1])
