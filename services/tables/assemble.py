"""Words into cells: merges, cell text in reading order, confidence, box, typed value."""
from __future__ import annotations

from services.model import Cell, Table, Word
from services.tables.capitals import settle_capitals
from services.tables.cell_sides import cell_sides, column_alignment, placed_like_its_column
from services.tables.columns import line_runs
from services.tables.currency_signs import settle_dollar_signs, settle_pound_letters
from services.tables.digit_strings import settle_digit_strings
from services.tables.grid import Grid
from services.tables.lines import Rulings
from services.tables.regions import Region
from services.tables.textlines import TextLine, center, group_lines, phrase_count, phrase_gap, union_bbox
from services.tables.word_spaces import settle_word_spaces
from services.values import parse_value, settle_date_order, settle_group_marks

_LINE_PRESENT = 0.5  # fraction of a cell side a ruling must cover to count as drawn


class _Merges:
    """Union-find over grid positions, kept rectangular."""

    def __init__(self, n_rows: int, n_cols: int):
        self.n_cols = n_cols
        self.parent = list(range(n_rows * n_cols))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = self.find(a[0] * self.n_cols + a[1]), self.find(b[0] * self.n_cols + b[1])
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def rectangles(self) -> list[tuple[int, int, int, int]]:
        """(row0, col0, row1, col1) inclusive, one per merged group, after closing each
        group to its bounding rectangle."""
        while True:
            spans: dict[int, list[int]] = {}
            for i in range(len(self.parent)):
                r, c = divmod(i, self.n_cols)
                s = spans.setdefault(self.find(i), [r, c, r, c])
                s[0], s[1], s[2], s[3] = min(s[0], r), min(s[1], c), max(s[2], r), max(s[3], c)
            changed = False
            for r0, c0, r1, c1 in spans.values():
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        if self.find(r * self.n_cols + c) != self.find(r0 * self.n_cols + c0):
                            self.union((r0, c0), (r, c))
                            changed = True
            if not changed:
                return [tuple(s) for s in spans.values()]


def assemble(region: Region, grid: Grid, rulings: Rulings, height: float,
             locale: str = "en") -> Table:
    merges = _Merges(grid.n_rows, grid.n_cols)
    _merge_missing_rulings(grid, rulings, height, merges)
    _merge_spanning_text(region, grid, height, merges)
    _merge_over_partial_rules(grid, rulings, height, merges)
    _merge_header_groups(grid, height, merges)

    by_cell: dict[tuple[int, int], list[Word]] = {}
    for row in grid.rows:
        for line in row:
            for word in line.words:
                cx, cy = center(word)
                by_cell.setdefault((grid.row_at(cy), grid.col_at(cx)), []).append(word)

    cells: list[Cell] = []
    for r0, c0, r1, c1 in merges.rectangles():
        words = [w for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                 for w in by_cell.get((r, c), [])]
        rowspan, colspan = r1 - r0 + 1, c1 - c0 + 1
        if not words and rowspan == colspan == 1:
            continue
        frame = (grid.col_edges[c0], grid.row_edges[r0],
                 grid.col_edges[c1 + 1], grid.row_edges[r1 + 1])
        text = cell_text(words, height, frame if region.ruled else None)
        cells.append(Cell(
            row=r0, col=c0, text=text, value=parse_value(text, locale),
            rowspan=rowspan, colspan=colspan,
            bbox=union_bbox([w.bbox for w in words]) if words else frame,
            confidence=min(w.confidence for w in words) if words else None,
        ))
    cells.sort(key=lambda c: (c.row, c.col))
    _settle_columns(cells, grid.n_cols, locale)
    return Table(
        n_rows=grid.n_rows, n_cols=grid.n_cols, cells=cells,
        bbox=(grid.col_edges[0], grid.row_edges[0], grid.col_edges[-1], grid.row_edges[-1]),
        header_rows=header_rows(cells, grid.n_rows, grid.n_cols),
        title=" ".join(w.text for w in region.title.words) if region.title else None,
    )


def _settle_columns(cells: list[Cell], n_cols: int, locale: str) -> None:
    """Texts and values that only their column's other cells can settle (see
    settle_capitals, settle_word_spaces, settle_pound_letters, settle_dollar_signs,
    settle_digit_strings, settle_group_marks and settle_date_order)."""
    for col in range(n_cols):
        column = [c for c in cells if c.col == col and c.colspan == 1]
        for settle in (settle_capitals, settle_word_spaces, settle_pound_letters, settle_dollar_signs,
                       settle_digit_strings):
            for cell, text in zip(column, settle([c.text for c in column])):
                value = parse_value(text, locale) if text != cell.text else cell.value
                if value.kind != "text" or cell.value.kind == "text":  # never loses its type
                    cell.text, cell.value = text, value
        texts = [c.text for c in column]
        settled = settle_date_order(texts, settle_group_marks(texts, [c.value for c in column], locale))
        for cell, value in zip(column, settled):
            cell.value = value


def _merge_missing_rulings(grid: Grid, rulings: Rulings, height: float, merges: _Merges) -> None:
    """Join neighbours across a ruled boundary whose line is absent along their shared side.

    The line is looked for within a third of the neighbouring cells' size of the boundary,
    so a slightly skewed scan or photo still finds its lines.
    """
    cols, rows = grid.col_edges, grid.row_edges
    missing: dict[int, list[int]] = {}
    ruled = [c for c in range(1, grid.n_cols) if grid.col_ruled[c]]
    for c in ruled:
        tol = max(2, int(0.3 * min(cols[c] - cols[c - 1], cols[c + 1] - cols[c])))
        for r in range(grid.n_rows):
            m = 0.2 * (rows[r + 1] - rows[r])
            if rulings.v_coverage(cols[c], rows[r] + m, rows[r + 1] - m, tol) < _LINE_PRESENT:
                missing.setdefault(r, []).append(c)
    for r, gone in missing.items():
        if len(ruled) < 2 or len(gone) < len(ruled) or not _apart_in_columns(grid, r, height):
            for c in gone:
                merges.union((r, c - 1), (r, c))
    for r in range(1, grid.n_rows):
        if not grid.row_ruled[r]:
            continue
        tol = max(2, int(0.3 * min(rows[r] - rows[r - 1], rows[r + 1] - rows[r])))
        for c in range(grid.n_cols):
            m = 0.2 * (cols[c + 1] - cols[c])
            if rulings.h_coverage(rows[r], cols[c] + m, cols[c + 1] - m, tol) < _LINE_PRESENT:
                merges.union((r - 1, c), (r, c))


def _apart_in_columns(grid: Grid, r: int, height: float) -> bool:
    """Whether row ``r`` holds separate phrases in two or more columns. A row without a single
    vertical rule is then not one merged cell but a header the rules do not reach (a filled
    band above the ruled box): its text decides its cells."""
    return len({grid.col_at((a + b) / 2) for line in grid.rows[r]
                for a, b in line_runs(line, phrase_gap(height))}) >= 2


def _merge_spanning_text(region: Region, grid: Grid, height: float, merges: _Merges) -> None:
    """A phrase running across text-derived column boundaries, or centred over one (a
    header centred above two right-aligned columns), becomes one merged cell.

    A boundary no phrase may span (a narrow text gap) may still run through a word that is
    alone on its row: "Shipping" over the packed columns "Item" and "Postcode". A space
    there could be a column gap; a word cannot.

    A phrase on the top row may also span empty columns beside those it reaches, when it is
    centred over them (``_centred_span``)."""
    cuts = [x for x, hard in zip(grid.col_edges, grid.col_hard) if hard]
    for row in grid.rows:
        runs_by_line = [(line, line_runs(line, phrase_gap(height), cuts)) for line in row]
        lone = len(runs_by_line) == 1 and len(runs_by_line[0][1]) == 1
        taken = {grid.col_at((a + b) / 2) for _, runs in runs_by_line for a, b in runs}
        for line, runs in runs_by_line:
            r = grid.row_at(line.center)
            for a, b in runs:
                c0, c1 = grid.col_at(a + 1), grid.col_at(b - 1)
                for g0, g1 in grid.text_gaps:
                    if g0 < (a + b) / 2 < g1:
                        c0, c1 = min(c0, grid.col_at(g0)), max(c1, grid.col_at(g1))
                if any(grid.col_hard[c] and not (lone and _gap_through_a_word(grid, c, line))
                       for c in range(c0 + 1, c1 + 1)):
                    continue
                if r == 0 and grid.n_rows > 2:
                    c0, c1 = _centred_span(grid, c0, c1, (a, b), taken, height)
                for c in range(c0 + 1, c1 + 1):
                    merges.union((r, c0), (r, c))


def _centred_span(grid: Grid, c0: int, c1: int, run: tuple[float, float], taken: set[int],
                  height: float) -> tuple[int, int]:
    """The columns a top-row label is centred over: the run of columns around ``c0..c1``, free
    of rulings and of other text (``taken``), whose middle lies nearest the label's, within
    half the text height. A group header is centred over its columns ("Contact details" over
    three), which its own extent, within one or two of them, does not show."""
    lo = c0
    while lo > 0 and lo - 1 not in taken and not grid.col_ruled[lo]:
        lo -= 1
    hi = c1
    while hi < grid.n_cols - 1 and hi + 1 not in taken and not grid.col_ruled[hi + 1]:
        hi += 1
    if (lo, hi) == (c0, c1):
        return c0, c1
    alignment = column_alignment(grid, height)
    if placed_like_its_column(alignment, c0, c1, run, height):
        return c0, c1
    sides = cell_sides(grid, alignment, height)
    middle = (run[0] + run[1]) / 2

    def off_centre(span: tuple[int, int]) -> float:
        return abs((sides[span[0]] + sides[span[1] + 1]) / 2 - middle)

    best = min(((a, b) for a in range(lo, c0 + 1) for b in range(c1, hi + 1)), key=off_centre)
    return best if off_centre(best) <= 0.5 * height else (c0, c1)


def _gap_through_a_word(grid: Grid, edge: int, line: TextLine) -> bool:
    """Column edge ``edge`` is a text gap, not a ruling, and it runs through a word of ``line``."""
    x = grid.col_edges[edge]
    return not grid.col_ruled[edge] and any(w.bbox[0] < x < w.bbox[2] for w in line.words)


def _merge_over_partial_rules(grid: Grid, rulings: Rulings, height: float,
                              merges: _Merges) -> None:
    """A header label with a rule drawn under it across some of the columns, not the whole
    table (a booktabs ``cmidrule`` under "Amounts"), spans the columns the rule covers,
    when it is the only text in them on its row."""
    width = grid.col_edges[-1] - grid.col_edges[0]
    tol = max(3.0, 0.25 * height)
    for r in range(min(2, grid.n_rows - 1)):
        labels = [w for line in grid.rows[r] for w in line.words]
        below = [w for line in grid.rows[r + 1] for w in line.words]
        for rule in rulings.horizontal:
            if rule.end - rule.start > 0.9 * width:
                continue
            inside = [w for w in labels if rule.start <= center(w)[0] <= rule.end]
            under = [w for w in below if rule.start <= center(w)[0] <= rule.end]
            if not inside or any(w.bbox[3] > rule.pos + tol for w in inside) \
                    or any(w.bbox[1] < rule.pos - tol for w in under):
                continue
            cols = [c for c in range(grid.n_cols)
                    if min(rule.end, grid.col_edges[c + 1]) - max(rule.start, grid.col_edges[c])
                    >= 0.5 * (grid.col_edges[c + 1] - grid.col_edges[c])]
            used = {grid.col_at(center(w)[0]) for w in labels}
            inside_cols = {grid.col_at(center(w)[0]) for w in inside}
            if len(cols) >= 2 and inside_cols <= set(cols) and not (
                    (used - inside_cols) & set(range(cols[0], cols[-1] + 1))) \
                    and phrase_count(inside, height) == 1:
                for c in cols[1:]:
                    merges.union((r, cols[0]), (r, c))


def _merge_header_groups(grid: Grid, height: float, merges: _Merges) -> None:
    """A two-level header: labels that span both rows ("ID", "Name") stand between groups
    of columns; a group whose top row holds one phrase ("This year") is one cell across it,
    even where the phrase's words fall on either side of a packed column gap."""
    if not grid.header_spans:
        return
    for c in grid.header_spans:
        merges.union((0, c), (1, c))
    top = [w for line in grid.rows[0] for w in line.words if grid.row_at(center(w)[1]) == 0]
    group: list[int] = []
    for c in range(grid.n_cols + 1):
        if c < grid.n_cols and c not in grid.header_spans:
            group.append(c)
            continue
        labels = [w for w in top if grid.col_at(center(w)[0]) in group]
        if len(group) >= 2 and labels and phrase_count(labels, height) == 1:
            for other in group[1:]:
                merges.union((0, group[0]), (0, other))
        group = []


def cell_text(words: list[Word], height: float, frame=None) -> str:
    """Words in reading order: spaces within a visual line, and between lines too when the
    text merely wrapped. A line break is kept only inside a known cell frame where the next
    line's first word would clearly have fitted on the line before."""
    if not words:
        return ""
    lines = group_lines(words)
    text = " ".join(w.text for w in lines[0].words)
    for prev, line in zip(lines, lines[1:]):
        sep = " "
        if frame is not None:
            pad = max(0.0, prev.x0 - frame[0])
            first = line.words[0]
            room = frame[2] - pad - prev.x1
            if first.bbox[2] - first.bbox[0] + height < room:
                sep = "\n"
        text += sep + " ".join(w.text for w in line.words)
    return text


def header_rows(cells: list[Cell], n_rows: int, n_cols: int) -> int:
    """1, or more when the top row holds cells spanning columns above sub-headers (or
    spanning rows down beside them)."""
    if n_rows < 3:
        return 1
    top = [c for c in cells if c.row == 0]
    rows = 1
    if any(c.colspan > 1 for c in top):
        rows = 2
    rows = max([rows] + [c.rowspan for c in top if c.rowspan < n_rows])
    return min(rows, n_rows - 1)
