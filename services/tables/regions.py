"""Where the tables are: ruled boxes, blocks of text split by large vertical whitespace,
and a title line above a table that belongs to it rather than to its grid."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from services.model import BBox, Word
from services.tables.columns import find_column_gaps
from services.tables.lines import Rulings
from services.tables.textlines import TextLine, center, group_lines, phrase_count, union_bbox


_HEADER_GAP = 0.75  # of the text height: most blank between a header line and the box below
_ROW_GAP = 0.5  # of the text height: a gap this tall is whitespace between rows, not lines


@dataclass
class Region:
    lines: list[TextLine]
    bbox: BBox
    ruled: bool
    title: TextLine | None = None


def find_regions(words: list[Word], rulings: Rulings, height: float) -> list[Region]:
    boxes = ruled_boxes(rulings, height)
    inside: list[list[Word]] = [[] for _ in boxes]
    free: list[Word] = []
    for word in words:
        cx, cy = center(word)
        owner = next((i for i, b in enumerate(boxes)
                      if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]), None)
        (inside[owner] if owner is not None else free).append(word)
    free_lines = group_lines(free)
    units = []
    for box, ws in zip(boxes, inside):
        if not ws:
            continue
        header = _header_above(box, free_lines, height)
        if header is not None:
            free_lines.remove(header)
            ws = ws + header.words
            box = (box[0], header.y0, box[2], box[3])
        units.append(Region(group_lines(ws), box, True))
    for block in _blocks(free_lines, [r.bbox for r in units], height):
        units += [_text_region(part) for part in _split_leading_prose(block, height)]
    units.sort(key=lambda r: r.bbox[1])
    return _attach_titles(units, height)


def _text_region(lines: list[TextLine]) -> Region:
    return Region(lines, union_bbox([w.bbox for line in lines for w in line.words]), False)


def _split_leading_prose(lines: list[TextLine], height: float) -> list[list[TextLine]]:
    """Two or more single-phrase lines running across the column gaps of the lines below
    (a sentence introducing the table) form a block of their own."""
    spanning = set(find_column_gaps(lines, height).spanning)
    lead = 0
    while lead < len(lines) and lead in spanning:
        lead += 1
    if lead >= 2 and len(lines) - lead >= 2:
        return [lines[:lead], lines[lead:]]
    return [lines]


def ruled_boxes(rulings: Rulings, height: float) -> list[BBox]:
    """Bounding boxes of connected groups of rulings with enough lines to frame cells.

    Boxes that contain another box are dropped: an outer frame is decoration.
    """
    if not rulings.horizontal or not rulings.vertical:
        return []
    mask = cv2.dilate((rulings.h_mask | rulings.v_mask).astype(np.uint8), np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8,
                                                            ltype=cv2.CV_16U)
    n_h, n_v = np.zeros(n, int), np.zeros(n, int)
    for s in rulings.horizontal:
        n_h[labels[int(s.pos), int((s.start + s.end) / 2)]] += 1
    for s in rulings.vertical:
        n_v[labels[int((s.start + s.end) / 2), int(s.pos)]] += 1
    boxes: list[BBox] = []
    for label in range(1, n):
        x, y, w, h, _ = stats[label]
        if ((n_v[label] >= 2 and n_h[label] >= 1) or (n_v[label] >= 1 and n_h[label] >= 2)) \
                and w >= 2 * height and h >= 1.2 * height:
            boxes.append((float(x), float(y), float(x + w), float(y + h)))
    return [b for b in boxes if not any(o is not b and _contains(b, o) for o in boxes)]


def _header_above(box: BBox, lines: list[TextLine], height: float) -> TextLine | None:
    """A line of several phrases sitting right on top of a ruled box and within its width:
    the header row of a table whose header band is filled, so that its own rules (light on
    dark, or none) are not found and the box starts below it."""
    above = [line for line in lines if line.y1 <= box[1] + 0.25 * height
             and box[1] - line.y1 <= _HEADER_GAP * height
             and line.x0 >= box[0] - 0.5 * height and line.x1 <= box[2] + 0.5 * height]
    if not above:
        return None
    line = max(above, key=lambda l: l.y1)
    return line if phrase_count(line.words, height) >= 2 else None


def _contains(outer: BBox, inner: BBox) -> bool:
    return (outer[0] <= inner[0] and outer[1] <= inner[1]
            and outer[2] >= inner[2] and outer[3] >= inner[3])


def _blocks(lines: list[TextLine], boxes: list[BBox], height: float) -> list[list[TextLine]]:
    """Runs of lines without a large vertical gap or a ruled box between them.

    "Large" is relative to this image's own line spacing, so a loosely spaced dashboard and
    a dense spreadsheet are both split only between tables. Where cells wrap onto tight
    lines, most gaps are between the lines of one cell; a gap then up to 1.5 times the
    usual whitespace between rows does not split while the line below keeps to the columns
    above. A line sitting right on top of a ruled box (its likely title) is cut off from
    the lines above more readily.
    """
    if not lines:
        return []
    gaps = [b.y0 - a.y1 for a, b in zip(lines, lines[1:])]
    typical = max(0.0, float(np.median(gaps))) if gaps else 0.0
    limit = max(2.5 * typical, typical + height)
    row_gaps = [g for g in gaps if g >= _ROW_GAP * height]
    between_rows = 1.5 * float(np.median(row_gaps)) if len(row_gaps) >= 3 else 0.0
    blocks = [[lines[0]]]
    for a, b, gap in zip(lines, lines[1:], gaps):
        box_between = any(a.center < (bx[1] + bx[3]) / 2 < b.center for bx in boxes)
        heads_box = any(0 <= bx[1] - b.y1 <= 2 * height and _overlap(bx, _bbox(b)) > 0
                        for bx in boxes)
        large = gap > limit and not (gap <= between_rows
                                     and _keeps_columns(blocks[-1], b, height))
        if large or box_between or (heads_box and gap > 1.5 * typical + 0.25 * height):
            blocks.append([b])
        else:
            blocks[-1].append(b)
    return blocks


def _keeps_columns(block: list[TextLine], line: TextLine, height: float) -> bool:
    """``line`` stays clear of the column gaps of the ``block`` above it: the same table
    going on after a row gap, not the next table or a note."""
    if len(block) < 2:
        return False
    gaps = find_column_gaps(block, height).gaps
    return bool(gaps) and not any(w.bbox[0] < g1 and w.bbox[2] > g0
                                  for w in line.words for g0, g1 in gaps)


def _bbox(line: TextLine) -> BBox:
    return (line.x0, line.y0, line.x1, line.y1)


def _attach_titles(units: list[Region], height: float) -> list[Region]:
    """A lone one-phrase line just above a table becomes its title; so may the first line
    of a text block (``_split_inner_title``)."""
    out: list[Region] = []
    i = 0
    while i < len(units):
        unit = units[i]
        nxt = units[i + 1] if i + 1 < len(units) else None
        if (nxt is not None and not unit.ruled and len(unit.lines) == 1
                and phrase_count(unit.lines[0].words, height) == 1 and _is_table(nxt)
                and nxt.bbox[1] - unit.bbox[3] <= 4 * height
                and _overlap(unit.bbox, nxt.bbox) > 0 and nxt.title is None):
            nxt.title = unit.lines[0]
            i += 1
            continue
        if not unit.ruled and unit.title is None:
            _split_inner_title(unit, height)
        out.append(unit)
        i += 1
    return out


def _is_table(region: Region) -> bool:
    return region.ruled or len(region.lines) >= 2


def _overlap(a: BBox, b: BBox) -> float:
    return min(a[2], b[2]) - max(a[0], b[0])


def _split_inner_title(region: Region, height: float) -> None:
    """Take the first line of a text block as its title when it is one phrase starting in
    the first column and set apart: larger text, a clearly larger gap below it than between
    the other rows, or running well into the first column gap (a header row would have
    other phrases, a first-column cell would not reach past its column)."""
    if len(region.lines) < 3:
        return
    first, rest = region.lines[0], region.lines[1:]
    if phrase_count(first.words, height) != 1:
        return
    gaps = find_column_gaps(rest, height).gaps
    if not gaps or first.x0 >= gaps[0][0]:
        return
    row_gaps = [b.y0 - a.y1 for a, b in zip(rest, rest[1:])]
    gap_below = rest[0].y0 - first.y1
    g0, g1 = gaps[0]
    if (first.height >= 1.2 * float(np.median([line.height for line in rest]))
            or gap_below >= max(0.5 * height, 1.5 * float(np.median(row_gaps)))
            or first.x1 >= g0 + 0.25 * (g1 - g0)):
        region.title = first
        region.lines = rest
        region.bbox = union_bbox([w.bbox for line in rest for w in line.words])
