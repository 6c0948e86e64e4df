"""Row and column boundaries of one table region.

Boundaries come from ruling lines where they exist and from the text where they do not:
vertical rulings plus text column gaps for columns; horizontal rulings plus stripe edges
for row separators, then text lines grouped into rows. A boundary drawn as a line is
"ruled": only there can a missing stretch of line mean a merged cell.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from services.tables.columns import find_column_gaps, line_runs
from services.tables.lines import Rulings, Segment
from services.tables.regions import Region
from services.tables.rows import build_rows, fold_centred_header
from services.tables.stripes import fill_edges, fill_extent
from services.tables.textlines import TextLine, phrase_gap


_FLOATING_RULE = 0.35  # of a ruled box's height: shortest vertical rule touching neither edge
_GLYPH_WIDTH = 0.6     # of the text height
_FULL_RULE = 0.8       # of a ruled box's height: a vertical rule this long runs the whole box
_PEN_SHARE = 0.5       # of the full rules' thickness: the thinnest a partial rule may be
_SAME_RULE_PX = 1.5    # pieces of one rule lie this close across it
_CELL_SHARE = 0.5      # of a column's width between vertical rules: the least a row rule covers


@dataclass
class Grid:
    col_edges: list[float]
    row_edges: list[float]
    col_ruled: list[bool]  # per edge; True where a vertical line draws it
    row_ruled: list[bool]  # per edge; True where a horizontal line draws it
    rows: list[list[TextLine]]
    text_gaps: list[tuple[float, float]]  # the blank x ranges behind text-derived col edges
    col_hard: list[bool]  # per edge: no phrase may span it (a ruling or a narrow text gap)
    header_spans: list[int]  # columns whose first cell spans the first two rows (a centred label)
    frame: tuple[float, float]  # drawn left and right sides, at or beyond the outer edges

    @property
    def n_rows(self) -> int:
        return len(self.row_edges) - 1

    @property
    def n_cols(self) -> int:
        return len(self.col_edges) - 1

    def col_at(self, x: float) -> int:
        return _index(self.col_edges, x)

    def row_at(self, y: float) -> int:
        return _index(self.row_edges, y)


def _index(edges: list[float], value: float) -> int:
    return min(max(bisect.bisect_left(edges, value) - 1, 0), len(edges) - 2)


def _cluster(positions: list[float], tol: float) -> list[float]:
    groups: list[list[float]] = []
    for p in sorted(positions):
        if groups and p - groups[-1][-1] <= tol:
            groups[-1].append(p)
        else:
            groups.append([p])
    return [float(np.mean(g)) for g in groups]


def build_grid(region: Region, rulings: Rulings, height: float) -> Grid:
    x0, y0, x1, y1 = region.bbox
    words = [w for line in region.lines for w in line.words]
    tx0, tx1 = min(w.bbox[0] for w in words), max(w.bbox[2] for w in words)
    tol = max(3.0, 0.25 * height)

    v_lines = []
    if region.ruled:
        inside = [s for s in rulings.vertical
                  if x0 - tol <= s.pos <= x1 + tol and s.end > y0 and s.start < y1
                  and _overlap(s.start, s.end, y0, y1) >= height]
        pen = _pen_width(inside, y0, y1)
        v_lines = _cluster([s.pos for s in inside if _frames_cells(s, y0, y1, height, pen)
                            and not _beside_a_longer_rule(s, inside, height)
                            and (_spans(s, y0, y1) or not _through_words(s, region.lines))], tol)
    col_edges, col_ruled, col_hard, text_gaps = _columns(region.lines, v_lines, tx0, tx1,
                                                         height, region.ruled)
    lo, hi = _trim(col_edges, [(w.bbox[0] + w.bbox[2]) / 2 for w in words])
    col_edges, col_ruled, col_hard = col_edges[lo:hi], col_ruled[lo:hi], col_hard[lo:hi]

    reach = tol if region.ruled else max(tol, height)
    row_rules = [s for s in rulings.horizontal
                 if y0 - reach <= s.pos <= y1 + reach and _overlap(s.start, s.end, x0, x1)
                 >= (height if region.ruled else 0.5 * (x1 - x0)) and _crosses_a_cell(s, v_lines)]
    h_rules = _cluster([s.pos for s in row_rules], tol)
    stripes = fill_edges(rulings.gray, x0, x1, y0 - height, y1 + height, 0.8 * height)
    frame = (col_edges[0], col_edges[-1]) if region.ruled else \
        _frame(col_edges, row_rules, fill_extent(rulings.gray, tx0, tx1, stripes, y0, y1))
    separators = _cluster(h_rules + stripes, tol)

    def column_of(x: float) -> int:
        return _index(col_edges, x)

    def ruled(y: float) -> bool:
        return any(abs(y - r) <= tol for r in h_rules)

    rows = build_rows(region.lines, separators, height, column_of, len(col_edges) - 1,
                      keep_blank=region.ruled)

    def ruled_over(y: float, a: float, b: float) -> bool:
        return any(abs(y - s.pos) <= tol and s.start <= b and s.end >= a
                   for s in rulings.horizontal)

    rows, header_spans = fold_centred_header(rows, column_of, ruled_over, height)
    row_ruled = [ruled(e) for e in rows.edges]
    return Grid(col_edges, rows.edges, col_ruled, row_ruled, rows.groups, text_gaps, col_hard,
                header_spans, frame)


def _frame(col_edges: list[float], row_rules: list[Segment],
           fill: tuple[float, float] | None) -> tuple[float, float]:
    """The table's drawn left and right sides: its outer columns' edges, or further out where
    row rules or a filled band reach past the text (the cell padding of a borderless table)."""
    left, right = col_edges[0], col_edges[-1]
    if row_rules:
        left = min(left, float(np.median([s.start for s in row_rules])))
        right = max(right, float(np.median([s.end for s in row_rules])))
    if fill is not None:
        left, right = min(left, fill[0]), max(right, fill[1])
    return left, right


def _pen_width(segments: list[Segment], y0: float, y1: float) -> float | None:
    """The thickness of the vertical rules that run the whole ruled box, if any do; a thick
    rule may come in pieces, cut where row rules cross it."""
    def run(segment: Segment) -> float:
        return sum(_overlap(o.start, o.end, y0, y1) for o in segments
                   if abs(o.pos - segment.pos) <= _SAME_RULE_PX and o.end > y0 and o.start < y1)

    full = [s.thickness for s in segments if run(s) >= _FULL_RULE * (y1 - y0)]
    return float(np.median(full)) if full else None


def _spans(segment: Segment, y0: float, y1: float) -> bool:
    return _overlap(segment.start, segment.end, y0, y1) >= _FULL_RULE * (y1 - y0)


def _frames_cells(segment: Segment, y0: float, y1: float, height: float,
                  pen: float | None) -> bool:
    """A vertical rule inside a ruled box reaches the box's top or bottom edge, or runs a good
    part of its height (a rule between merged rows). A short stretch floating in the middle is
    glyph strokes stacked over a few rows and joined through the row rules by blur: the stems
    of "£" over three right-aligned amounts. One table's rules are drawn with one pen: a
    partial rule much thinner than those running the whole box is a streak of noise."""
    if pen is not None and not _spans(segment, y0, y1) and segment.thickness < _PEN_SHARE * pen:
        return False
    return (segment.start <= y0 + height or segment.end >= y1 - height
            or segment.end - segment.start >= _FLOATING_RULE * (y1 - y0))


def _through_words(segment: Segment, lines: list[TextLine]) -> bool:
    """Whether the stroke runs inside a word's box on most of the text lines it passes (two at
    least): blur joins the right edges of "%" stacked in a right-aligned column into a stroke
    a few rows long, while a rule between cells passes beside the words."""
    half = segment.thickness / 2
    passed = [line for line in lines
              if _overlap(segment.start, segment.end, line.y0, line.y1) >= 0.5 * line.height]
    inside = sum(any(w.bbox[0] < segment.pos - half and w.bbox[2] > segment.pos + half
                     for w in line.words) for line in passed)
    return inside >= max(2, 0.5 * len(passed))


def _crosses_a_cell(segment: Segment, v_lines: list[float]) -> bool:
    """In a box divided by vertical rules, a row rule runs across at least one cell (a rule
    under a group header spans its columns). A stretch inside one column that covers less than
    half of it is the feet of a word's letters joined by blur and grain ("East" in a photo)."""
    if len(v_lines) < 3 or segment.end <= v_lines[0] or segment.start >= v_lines[-1]:
        return True
    return any(_overlap(segment.start, segment.end, a, b) >= _CELL_SHARE * (b - a)
               for a, b in zip(v_lines, v_lines[1:]))


def _beside_a_longer_rule(segment: Segment, others: list[Segment], height: float) -> bool:
    """Whether a longer vertical rule runs closer than a glyph's width: the right edges of
    right-aligned figures stacked beside a rule, joined by blur into a stroke of their own."""
    length = segment.end - segment.start
    return any(abs(o.pos - segment.pos) <= _GLYPH_WIDTH * height and o.end - o.start > length
               for o in others)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _columns(lines: list[TextLine], v_lines: list[float], tx0: float, tx1: float,
             height: float, ruled: bool):
    """Edges with, per edge, whether a ruling draws it and whether text may span it."""
    edges = [(x, True, True) for x in v_lines]
    text_gaps = []
    found = find_column_gaps(lines, height, v_lines)
    for (g0, g1), narrow in zip(found.gaps, found.narrow):
        if any(g0 <= x <= g1 for x in v_lines):
            continue
        if ruled and not _both_sides(lines, g0, g1, v_lines, height):
            continue
        edges.append(((g0 + g1) / 2, False, narrow))
        text_gaps.append((g0, g1))
    edges.sort()
    if not edges or edges[0][0] > tx0:
        edges.insert(0, (tx0 - 1, False, False))
    if edges[-1][0] < tx1:
        edges.append((tx1 + 1, False, False))
    return [e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges], text_gaps


def _trim(edges: list[float], xs: list[float]) -> tuple[int, int]:
    """Slice bounds dropping text-free columns at either end (a spreadsheet's gridlines
    beyond its data)."""
    lo = max((i for i in range(len(edges) - 1) if edges[i] < min(xs)), default=0)
    hi = min((i for i in range(1, len(edges)) if edges[i] > max(xs)), default=len(edges) - 1)
    return lo, hi + 1


def _both_sides(lines: list[TextLine], g0: float, g1: float, v_lines: list[float],
                height: float) -> bool:
    """Inside a ruled cell, a text gap counts only if at least two rows use both sides."""
    left = max([x for x in v_lines if x < g0], default=-np.inf)
    right = min([x for x in v_lines if x > g1], default=np.inf)
    count = 0
    for line in lines:
        runs = line_runs(line, phrase_gap(height), v_lines)
        if (any(left < a and b <= g0 + 1 for a, b in runs)
                and any(g1 - 1 <= a and b < right for a, b in runs)):
            count += 1
    return count >= min(2, len(lines))
