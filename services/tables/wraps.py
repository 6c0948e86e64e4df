"""Is a text line wrapped text of the row above, or a row of its own?

Only lines closer together than the row pitch are candidates, and the verdict leans
towards "a row of its own": joining two real rows corrupts data, while an unjoined wrap
merely leaves a continuation in a row of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Callable

from services.model import Word
from services.tables.textlines import TextLine, phrase_count, phrase_gap, phrases

WRAP_PITCH = 0.8  # a wrapped line sits closer than this fraction of the row pitch
FULL_ROW = 0.6  # a line filling this share of the columns reads as a row of its own
_SAME_LINE = 0.6  # share of a line's height inside another line that makes it part of it
_LEAD_MARGIN = 0.3  # of the text height: a leading wrap is this much closer to the row below
_SPLIT_LINE = 0.8  # of the text height: lines closer than this are one line the grouping split
_MIN_WRAPS = 3     # line pitches that must show the wrapped lines' own spacing


def wrapped_line_pitch(pitches: list[float], height: float, row_pitch: float) -> float | None:
    """The usual spacing of wrapped lines: the median of the line pitches closer than rows
    (``WRAP_PITCH``), when at least ``_MIN_WRAPS`` show it; None otherwise."""
    wrapped = [p for p in pitches if _SPLIT_LINE * height <= p < WRAP_PITCH * row_pitch]
    return median(wrapped) if len(wrapped) >= _MIN_WRAPS else None


@dataclass
class Wraps:
    column_of: Callable[[float], int]
    n_cols: int
    height: float
    row_pitch: float
    line_pitch: float | None = None  # usual spacing of wrapped lines, when enough of them show it

    def columns(self, words: list[Word]) -> dict[int, list[Word]]:
        out: dict[int, list[Word]] = {}
        for w in words:
            out.setdefault(self.column_of((w.bbox[0] + w.bbox[2]) / 2), []).append(w)
        return out

    def full(self, line: TextLine, among: set[int] | None = None) -> bool:
        """``line`` fills most columns (counting only the columns ``among``, when given)."""
        cols = set(self.columns(line.words))
        return len(cols if among is None else cols & among) >= max(2.0, FULL_ROW * self.n_cols)

    @property
    def wrap_limit(self) -> float:
        """The widest spacing of wrapped lines: nearer than most rows are, or, in a table that
        shows its wrapped lines' own spacing, nearer to that than to the rows' (wraps set a
        little wider than usual, almost as far apart as the rows)."""
        limit = WRAP_PITCH * self.row_pitch
        if self.line_pitch is not None:
            limit = max(limit, (self.line_pitch + self.row_pitch) / 2)
        return limit

    def tight(self, upper: TextLine, lower: TextLine) -> bool:
        pitch = self.pitch(upper, lower)
        return 0 < pitch < self.wrap_limit and pitch <= 1.8 * self.height

    def pitch(self, upper: TextLine, lower: TextLine) -> float:
        """How far ``lower`` sits below ``upper``, measured in the columns both fill where
        there are any: a line that also holds cells centred beside wrapped text has its
        centre pulled away from the wrapped text's own line."""
        above, below = self.columns(upper.words), self.columns(lower.words)
        shared = [TextLine(below[col]).center - TextLine(above[col]).center
                  for col in set(above) & set(below)]
        return median(shared) if shared else lower.center - upper.center

    def rows_in_closed_band(self, lines: list[TextLine], top: bool = False) -> list[list[TextLine]]:
        """A bordered or striped row: one row, unless it holds several lines that each fill
        most columns at a normal row pitch (a booktabs body between two rules), or, in the
        band that starts the table (``top``), group labels above the column headers they
        group (one filled header band)."""
        rows = [[lines[0]]]
        for line in lines[1:]:
            if self.full(line) and ((top and line is lines[1] and self.groups(lines[0], line)) or (
                    any(self.full(x) for x in rows[-1]) and not self.tight(rows[-1][-1], line))):
                rows.append([line])
            else:
                rows[-1].append(line)
        return rows

    def groups(self, upper: TextLine, line: TextLine) -> bool:
        """``upper`` holds fewer labels than ``line`` has, each reaching over two or more of
        its columns: group labels ("Shipping" over "Invoice date" and "Status"). A wrapped
        header's first line stays inside its column."""
        labels = phrases(upper.words, phrase_gap(self.height))
        return len(labels) < phrase_count(line.words, self.height) and all(
            self.column_of(min(w.bbox[0] for w in label)) != self.column_of(max(w.bbox[2] for w in label))
            for label in labels)

    def rows_in_open_band(self, lines: list[TextLine], top: bool = False) -> list[list[TextLine]]:
        """Unruled text: runs of tightly spaced lines are one row when they read as a row
        with wrapped cells (``one_row``), else lines join only as plain continuations.
        ``top``: the band starts the table, so its first run may be a wrapped header."""
        clusters = [[lines[0]]]
        for upper, lower in zip(lines, lines[1:]):
            if self.tight(upper, lower):
                clusters[-1].append(lower)
            else:
                clusters.append([lower])
        rows: list[list[TextLine]] = []
        for i, cluster in enumerate(clusters):
            if len(cluster) > 1 and self.one_row(cluster, header=top and i == 0):
                rows.append(cluster)
                continue
            rows.append([cluster[0]])
            for line in cluster[1:]:
                if self.same_line(rows[-1], line) or self.continues(rows[-1], line):
                    rows[-1].append(line)
                else:
                    rows.append([line])
        return self._join_leading_wraps(rows)

    def same_line(self, row: list[TextLine], line: TextLine) -> bool:
        """``line`` is a piece of the row's last line that the line grouping left apart (a
        leaning photo): it lies within that line's height, in columns the row leaves empty."""
        last = row[-1]
        inside = min(last.y1, line.y1) - max(last.y0, line.y0)
        return (inside >= _SAME_LINE * (line.y1 - line.y0)
                and not set(self.columns(line.words)) & set(self.columns(
                    [w for upper in row for w in upper.words])))

    def _join_leading_wraps(self, rows: list[list[TextLine]]) -> list[list[TextLine]]:
        """Rows that are the first lines of a wrapped cell in the row below, whose other cells are
        vertically centred beside it: words only, in columns the row below fills and lined up
        with its text there, and clearly closer to it than to the row above."""
        out: list[list[TextLine]] = []
        for i, row in enumerate(rows):
            below = rows[i + 1] if i + 1 < len(rows) else None
            if below is not None and out and self._leads(out[-1], row, below):
                rows[i + 1] = row + below
                continue
            out.append(row)
        return out

    def _leads(self, above: list[TextLine], row: list[TextLine], below: list[TextLine]) -> bool:
        words = [w for line in row for w in line.words]
        if any(self.full(line) for line in row) or not all(_wordy([w]) for w in words):
            return False
        gap_above = row[0].y0 - above[-1].y1
        gap_below = below[0].y0 - row[-1].y1
        if below[0].center - row[-1].center > 1.8 * self.height \
                or gap_above - gap_below < _LEAD_MARGIN * self.height:
            return False
        cols = self.columns(words)
        under = self.columns([w for line in below for w in line.words])
        return set(cols) <= set(under) and self._lines_up(cols, under) and self._centred(row + below)

    def _centred(self, lines: list[TextLine]) -> bool:
        """Every cell of one line sits halfway down the lines (a section label above a row
        does not: the row's other cells are then level with its last line)."""
        middle = _middle(lines)
        singles = [self.columns(lines[at[0]].words)[col]
                   for col, at in self._lines_per_column(lines).items() if len(at) == 1]
        return bool(singles) and all(abs(_mid(ws) - middle) <= 0.35 * self.height for ws in singles)

    def _lines_per_column(self, lines: list[TextLine]) -> dict[int, list[int]]:
        """Per column, the indexes of the lines holding words in it."""
        at: dict[int, list[int]] = {}
        for i, line in enumerate(lines):
            for col in self.columns(line.words):
                at.setdefault(col, []).append(i)
        return at

    def _lines_up(self, cols: dict[int, list[Word]], other: dict[int, list[Word]]) -> bool:
        """Each column's words line up with words (not bare numbers) of ``other`` there."""
        return all(_wordy(other[col]) and _aligned(other[col], words, 0.6 * self.height)
                   for col, words in cols.items())

    def one_row(self, lines: list[TextLine], header: bool = False) -> bool:
        """Wrapped cells with the other cells top-aligned or vertically centred beside them.

        At least one column holds text on several closely spaced lines, aligned and made of
        words; every column starts on the first line or is a single line at the middle; at
        most one line fills most of the columns that run over several lines (the line grouping
        may share the centred cells out between two wrapped lines), unless these are the
        table's first lines, all words, at a text line spacing (a header whose cells wrap:
        "Unit / price"). Line spacing is measured per column: a line's centre drifts when it
        also holds centred cells.
        """
        if header:
            if not all(_wordy([w]) for line in lines for w in line.words) or any(
                    b.center - a.center > 1.35 * self.height for a, b in zip(lines, lines[1:])):
                return False
        per_column = self._lines_per_column(lines)
        on_several = {col for col, at in per_column.items() if len(at) > 1}
        if not header and sum(self.full(line, on_several) for line in lines) > 1:
            return False
        middle = _middle(lines)
        wrapped = False
        for col, rows in per_column.items():
            if len(rows) == 1:
                if rows[0] != 0 and abs(_mid(self.columns(lines[rows[0]].words)[col]) - middle) \
                        > 0.3 * self.height:
                    return False
                continue
            parts = [self.columns(lines[i].words)[col] for i in rows]
            if rows[0] != 0 or not all(
                    TextLine(b).center - TextLine(a).center < self.wrap_limit
                    for a, b in zip(parts, parts[1:])):
                return False
            if not all(_wordy(p) for p in parts) or not all(
                    _aligned(parts[0], p, 0.6 * self.height) for p in parts[1:]):
                return False
            wrapped = True
        return wrapped

    def continues(self, row: list[TextLine], line: TextLine) -> bool:
        """``line`` carries on the cells of ``row`` beneath them: it fills only some of the
        columns the row fills, holds words (not numbers) and lines up with the text above."""
        if not self.tight(row[-1], line):
            return False
        above = self.columns([w for upper in row for w in upper.words])
        below = self.columns(line.words)
        return set(below) < set(above) and _wordy(line.words) and self._lines_up(below, above)


def _middle(lines: list[TextLine]) -> float:
    return (lines[0].center + lines[-1].center) / 2


def _mid(words: list[Word]) -> float:
    return (min(w.bbox[1] for w in words) + max(w.bbox[3] for w in words)) / 2


def _wordy(words: list[Word]) -> bool:
    return any(c.isalpha() for w in words for c in w.text)


def _aligned(top: list[Word], below: list[Word], tol: float) -> bool:
    a0, a1 = min(w.bbox[0] for w in top), max(w.bbox[2] for w in top)
    b0, b1 = min(w.bbox[0] for w in below), max(w.bbox[2] for w in below)
    return abs(a0 - b0) <= tol or abs(a1 - b1) <= tol or abs((a0 + a1) - (b0 + b1)) <= 2 * tol
