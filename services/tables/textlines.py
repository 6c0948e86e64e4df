"""Word geometry: visual text lines, runs of words that read as one phrase, text size."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from services.model import BBox, Word


@dataclass
class TextLine:
    """Words sharing one visual baseline, left to right."""

    words: list[Word]

    @property
    def y0(self) -> float:
        return min(w.bbox[1] for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.bbox[3] for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.bbox[0] for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.bbox[2] for w in self.words)

    @property
    def center(self) -> float:
        return _median([(w.bbox[1] + w.bbox[3]) / 2 for w in self.words])

    @property
    def height(self) -> float:
        return _median([w.bbox[3] - w.bbox[1] for w in self.words])


def _median(values: list[float]) -> float:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def text_height(words: list[Word]) -> float:
    """Median word box height: the unit every distance threshold is scaled by."""
    return max(4.0, float(np.median([w.bbox[3] - w.bbox[1] for w in words])))


def phrase_gap(height: float) -> float:
    """Widest gap that still separates two words of one phrase rather than two columns.

    A space in OCR word boxes measures about 0.3-0.5 of the box height; cell padding in any
    table people can read is at least about twice that.
    """
    return 0.8 * height


def _vertical_overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def group_lines(words: list[Word]) -> list[TextLine]:
    """Visual lines, top to bottom: a word joins the line whose core it overlaps by 60%.

    The core is the first word's vertical extent, so a tall word cannot make a line swallow
    the next one. Not half: OCR boxes are often nearly as tall as the line pitch, and a
    cell centred beside wrapped text overlaps two of its lines by about half each.
    """
    lines: list[TextLine] = []
    cores: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2):
        span = (word.bbox[1], word.bbox[3])
        height = span[1] - span[0]
        for i in range(len(lines) - 1, max(-1, len(lines) - 3), -1):
            core = cores[i]
            if _vertical_overlap(span, core) >= 0.6 * min(height, core[1] - core[0]):
                lines[i].words.append(word)
                break
        else:
            lines.append(TextLine([word]))
            cores.append(span)
    for line in lines:
        line.words.sort(key=lambda w: w.bbox[0])
    lines.sort(key=lambda line: line.center)
    return lines


def phrase_count(words: list[Word], height: float) -> int:
    """How many phrases ``words`` of one line make at this text height."""
    return len(phrases(words, phrase_gap(height)))


def phrases(words: list[Word], max_gap: float) -> list[list[Word]]:
    """Split one line's words (left to right) wherever the horizontal gap exceeds max_gap."""
    runs: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.bbox[0]):
        if runs and word.bbox[0] - max(w.bbox[2] for w in runs[-1]) <= max_gap:
            runs[-1].append(word)
        else:
            runs.append([word])
    return runs


def union_bbox(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def center(word: Word) -> tuple[float, float]:
    x0, y0, x1, y1 = word.bbox
    return (x0 + x1) / 2, (y0 + y1) / 2
