"""Tables out of what a vision-language model writes: Markdown pipe tables and HTML tables.

Models wrap their answer in all kinds of packaging: YAML front matter (olmOCR always
writes one), ```html fences, a polite sentence before and after, headings between tables.
``parse_tables`` ignores the packaging and keeps every table, with a heading or caption
line right above a table as its title.

The whole answer goes through one ``html.parser`` pass: text inside ``<table>`` becomes
HTML tables, text outside stays prose in which Markdown tables are then found line by line.
``<br>`` becomes a line break inside a cell (as ``cell_text`` does for OCR'd cells), and a
space in prose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from services.model import Cell, Table
from services.values import parse_value, settle_date_order

_BR = "\ue000"  # private-use character standing for <br> until cell text is cleaned
_BLOCK_TAGS = frozenset("p div li ul ol hr section article header footer body html pre blockquote".split())
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_MAX_SPAN = 1000  # browsers cap colspan at 1000 too
_ROWSPAN_TO_END = 65534  # rowspan="0": down to the end of the table

_FENCE_RE = re.compile(r"^[ \t]*(```|~~~)[\w+-]*[ \t]*$", re.M)
_FRONT_KEY_RE = re.compile(r"^[\w-]+\s*:")
_UNESCAPED_PIPE_RE = re.compile(r"(?<!\\)\|")
_SEPARATOR_CELL_RE = re.compile(r"^:?-+:?$")
_MD_ESCAPE_RE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_EMPHASIS_RE = re.compile(r"^(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1$", re.S)
_HEADING_RE = re.compile(r"^#{1,6}\s+(.+?)\s*#*$")
_CAPTION_WORD_RE = re.compile(r"^(table|tab\.|tabelle|tableau|tabla)\b", re.I)


@dataclass
class _RawCell:
    parts: list[str] = field(default_factory=list)
    rowspan: int = 1
    colspan: int = 1
    header: bool = False

    @property
    def text(self) -> str:
        return _clean("".join(self.parts))


@dataclass
class _RawTable:
    rows: list[list[_RawCell]] = field(default_factory=list)
    head_rows: int = 0  # rows inside <thead>, or rows above a Markdown separator line
    explicit_head: bool = False  # head_rows was stated by the markup (not guessed)
    caption: str | None = None


def parse_tables(text: str, locale: str = "en") -> list[Table]:
    """Every table in a model's answer, in order; [] when there is none."""
    text = _FENCE_RE.sub("", _strip_front_matter(text or ""))
    tables: list[Table] = []
    prose: list[str] = []  # lines since the previous table, for the title of the next one
    for segment in _split_html(text):
        if isinstance(segment, str):
            for item in _markdown_items(segment.split("\n")):
                if isinstance(item, str):
                    prose.append(item)
                else:
                    tables.extend(_build(item, _title_above(prose), locale))
                    prose = []
        else:
            tables.extend(_build(segment, segment.caption or _title_above(prose), locale))
            prose = []
    return tables


# --- packaging ----------------------------------------------------------------------------

def _strip_front_matter(text: str) -> str:
    """Drop a leading ``---`` / ``key: value`` lines / ``---`` block (olmOCR's metadata)."""
    lines = text.lstrip().split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[i + 1:])
        if line.strip() and not _FRONT_KEY_RE.match(line.strip()):
            return text
    return text


def _title_above(lines: list[str]) -> str | None:
    """The line just above a table if it reads as a title: a heading, a bold line or a short
    stand-alone line. Sentences ("Here is the table:") are model chatter, not titles."""
    lines = [line.replace(_BR, " ") for line in lines]
    i = len(lines) - 1
    while i >= 0 and not lines[i].strip():
        i -= 1
    if i < 0:
        return None
    line = lines[i].strip()
    if not line.strip("#").strip():
        return None
    heading = _HEADING_RE.match(line)
    if heading:
        return _strip_emphasis(heading.group(1)) or None
    if i > 0 and lines[i - 1].strip():
        return None  # the last line of a paragraph
    bold = _EMPHASIS_RE.match(line)
    line = _strip_emphasis(line)
    if not line or len(line) > 120 or "|" in line:
        return None
    if line[-1] in ".!?:;" and not bold and not _CAPTION_WORD_RE.match(line):
        return None
    return line.rstrip(":").strip() or None


def _clean(text: str) -> str:
    """Whitespace collapsed; <br> (and block tags) kept as line breaks; empty lines dropped."""
    pieces = (" ".join(piece.split()) for piece in text.split(_BR))
    return "\n".join(p for p in pieces if p)


def _strip_emphasis(text: str) -> str:
    """``**Total**`` -> ``Total``: models often bold header cells and titles."""
    match = _EMPHASIS_RE.match(text)
    return match.group(2).strip() if match else text


# --- HTML ---------------------------------------------------------------------------------

def _split_html(text: str) -> list[str | _RawTable]:
    parser = _TableSplitter()
    parser.feed(text)
    parser.close()
    return parser.finish()


class _TableSplitter(HTMLParser):
    """Splits text into prose (str) and HTML tables (_RawTable), in document order.

    A table nested in a cell is flattened into that cell's text. Implied ends (a ``<td>``
    after an unclosed ``<td>``, a ``<tr>`` after an unclosed row) are closed as browsers do,
    and a table cut off by the model's token limit is kept as far as it got.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.segments: list[str | _RawTable] = []
        self.prose: list[str] = []
        self.stack: list[_TableBuilder] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            if not self.stack:
                self._flush_prose()
            self.stack.append(_TableBuilder())
        elif self.stack:
            self.stack[-1].start(tag, dict(attrs))
        elif tag == "br":
            self.prose.append(_BR)
        elif tag in _HEADINGS:
            self.prose.append("\n# ")
        elif tag in _BLOCK_TAGS:
            self.prose.append("\n")

    def handle_endtag(self, tag):
        if tag == "table" and self.stack:
            self._close_table()
        elif self.stack:
            self.stack[-1].end(tag)
        elif tag in _HEADINGS or tag in _BLOCK_TAGS:
            self.prose.append("\n")

    def handle_data(self, data):
        if self.stack:
            self.stack[-1].data(data)
        else:
            self.prose.append(data)

    def _close_table(self):
        table = self.stack.pop().finish()
        if self.stack:  # nested: its text joins the enclosing cell
            self.stack[-1].data(" " + " ".join(c.text for row in table.rows for c in row) + " ")
        else:
            self.segments.append(table)

    def _flush_prose(self):
        if self.prose:
            self.segments.append("".join(self.prose))
            self.prose = []

    def finish(self) -> list[str | _RawTable]:
        while self.stack:
            self._close_table()
        self._flush_prose()
        return self.segments


class _TableBuilder:
    def __init__(self):
        self.table = _RawTable()
        self.row: list[_RawCell] | None = None
        self.cell: _RawCell | None = None
        self.in_head = False
        self.caption: list[str] | None = None

    def start(self, tag: str, attrs: dict) -> None:
        if tag in ("thead", "tbody", "tfoot"):
            self._end_row()
            self.in_head = tag == "thead"
        elif tag == "tr":
            self._end_row()
            self.row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self.row is None:
                self.row = []
            self.cell = _RawCell(rowspan=_span(attrs.get("rowspan"), _ROWSPAN_TO_END),
                                 colspan=min(_span(attrs.get("colspan"), 1), _MAX_SPAN), header=tag == "th")
        elif tag == "caption":
            self.caption = []
        elif tag == "br" or tag in _BLOCK_TAGS or tag in _HEADINGS:
            self.data(_BR)

    def end(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag in ("thead", "tbody", "tfoot"):
            self._end_row()
            self.in_head = False
        elif tag == "caption" and self.caption is not None:
            self.table.caption = _strip_emphasis(_clean("".join(self.caption)).replace("\n", " ")) or None
            self.caption = None
        elif tag in _BLOCK_TAGS or tag in _HEADINGS:
            self.data(_BR)

    def data(self, text: str) -> None:
        if self.caption is not None:
            self.caption.append(text)
        elif self.cell is not None:
            self.cell.parts.append(text)
        # text between cells (stray whitespace, junk) has no place in the grid

    def _end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            self.row.append(self.cell)
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.row:  # a <tr> without cells adds nothing
            self.table.rows.append(self.row)
            if self.in_head:
                self.table.head_rows += 1
                self.table.explicit_head = True
        self.row = None

    def finish(self) -> _RawTable:
        self._end_row()
        return self.table


def _span(value: str | None, zero: int) -> int:
    """A rowspan/colspan attribute as an int; junk means 1, 0 means ``zero``."""
    match = re.match(r"\s*(\d+)", value or "")
    if not match:
        return 1
    n = int(match.group(1))
    return zero if n == 0 else min(n, _ROWSPAN_TO_END)


# --- Markdown -----------------------------------------------------------------------------

def _markdown_items(lines: list[str]):
    """Prose lines (str) and Markdown tables (_RawTable) in order.

    A table is a run of consecutive lines holding an unescaped ``|`` that has a separator
    line (``|---|:--:|``), or whose lines all start and end with ``|``. Anything else with
    pipes is prose.
    """
    i = 0
    while i < len(lines):
        if not _UNESCAPED_PIPE_RE.search(lines[i]):
            yield lines[i]
            i += 1
            continue
        j = i
        while j < len(lines) and _UNESCAPED_PIPE_RE.search(lines[j]):
            j += 1
        block = [line.strip() for line in lines[i:j]]
        table = _markdown_table(block)
        if table is None:
            yield from lines[i:j]
        else:
            yield table
        i = j


def _markdown_table(block: list[str]) -> _RawTable | None:
    rows = [_split_row(line) for line in block]
    separators = [k for k, row in enumerate(rows)
                  if all(_SEPARATOR_CELL_RE.match(c.replace(" ", "")) for c in row)]
    fenced = all(line.startswith("|") and line.endswith("|") for line in block)
    if not separators and not (fenced and len(block) >= 2):
        return None
    head = separators[0] if separators else 1
    table = _RawTable(explicit_head=True)
    for k, row in enumerate(rows):
        if k in separators:
            continue
        if k < head and not any(row):
            continue  # "| | |" header of a table the model saw no header in
        table.rows.append([_RawCell([_markdown_cell(c)], header=k < head) for c in row])
        if k < head:
            table.head_rows += 1
    return table if table.rows else None


def _split_row(line: str) -> list[str]:
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [cell.strip() for cell in _UNESCAPED_PIPE_RE.split(line)]


def _markdown_cell(text: str) -> str:
    return _MD_ESCAPE_RE.sub(r"\1", _strip_emphasis(text))


# --- the grid -----------------------------------------------------------------------------

def _build(raw: _RawTable, title: str | None, locale: str) -> list[Table]:
    """Place cells on an occupancy grid the way HTML does: each cell takes the next free
    position in its row; spans reserve positions below and to the right. Spans that would
    overlap an earlier cell or run past the table's real width are cut back."""
    rows = raw.rows
    n_rows = len(rows)
    occupied: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, int, int, _RawCell]] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            colspan = next((k for k in range(1, cell.colspan) if (r, c + k) in occupied), cell.colspan)
            rowspan = max(1, min(cell.rowspan, n_rows - r))
            rowspan = next((k for k in range(1, rowspan)
                            if any((r + k, c + j) in occupied for j in range(colspan))), rowspan)
            occupied.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
            placed.append((r, c, rowspan, colspan, cell))
            c += colspan
    if not placed:
        return []
    single = [c + 1 for _, c, _, cs, _ in placed if cs == 1]
    width = max(single) if single else max(c + cs for _, c, _, cs, _ in placed)

    cells: list[Cell] = []
    header_spans: list[int] = []
    for r, c, rowspan, colspan, raw_cell in placed:
        colspan = max(1, min(colspan, width - c))
        text = raw_cell.text
        if not text and rowspan == colspan == 1:
            continue
        cells.append(Cell(row=r, col=c, text=text, value=parse_value(text, locale),
                          rowspan=rowspan, colspan=colspan))
    if not any(cell.text for cell in cells):
        return []
    n_cols = max(cell.col + cell.colspan for cell in cells)
    for col in range(n_cols):  # a model reads "03/02/2020" as it is written, order unsettled
        column = [cell for cell in cells if cell.col == col and cell.colspan == 1]
        for cell, value in zip(column, settle_date_order([c.text for c in column], [c.value for c in column])):
            cell.value = value
    return [Table(n_rows=n_rows, n_cols=n_cols, cells=cells,
                  header_rows=_header_rows(raw, placed), title=title)]


def _header_rows(raw: _RawTable, placed) -> int:
    """<thead> rows (or rows above a Markdown separator); else the top rows made only of
    <th>, extended down to the bottom of a header cell spanning rows; else 1."""
    n_rows = len(raw.rows)
    if raw.explicit_head:
        return min(raw.head_rows, n_rows)
    rows = 0
    while rows < n_rows and all(cell.header for cell in raw.rows[rows]):
        rows += 1
    if rows == 0:
        return min(1, n_rows)
    spans = [r + rs for r, _, rs, _, cell in placed if r < rows and cell.header and r + rs < n_rows]
    return max([rows, *spans])
