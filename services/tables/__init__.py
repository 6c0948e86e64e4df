"""Table structure recovery: OCR words plus the picture in, grids of cells out.

Pipeline: rulings are detected once for the whole image (``lines``); words and rulings
are split into table regions with their titles (``regions``); each region gets row and
column boundaries (``grid``, from ``columns``, ``rows``, ``stripes``); words are then
placed into cells, merged cells found and values typed (``assemble``).
"""
from __future__ import annotations

from PIL import Image

from services.model import Table, Word
from services.tables.assemble import assemble
from services.tables.grid import build_grid
from services.tables.lines import Rulings, detect_rulings
from services.tables.regions import find_regions
from services.tables.textlines import text_height

__all__ = ["recover_tables"]

_RULE_GLYPHS = set("|Il1![]")


def recover_tables(image: Image.Image, words: list[Word], locale: str = "en") -> list[Table]:
    """Every table in ``image``, top to bottom; [] when there is no text."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    height = text_height(words)
    rulings = detect_rulings(image, words, height)
    words = [w for w in (_strip_ruling_bars(w, rulings, height) for w in words)
             if w is not None]
    if not words:
        return []
    return [assemble(region, build_grid(region, rulings, height), rulings, height, locale)
            for region in find_regions(words, rulings, height)]


def _strip_ruling_bars(word: Word, rulings: Rulings, height: float) -> Word | None:
    """OCR sometimes reads a vertical ruling as '|' (or 'l', 'I', '1'): alone as a word
    whose box the ruling crosses, or glued to a word's end next to the ruling."""
    x0, y0, x1, y1 = word.bbox
    crossing = [s.pos for s in rulings.vertical if s.start <= y1 and s.end >= y0
                and x0 - 2 <= s.pos <= x1 + 2]
    if not crossing:
        return word
    text = word.text.strip()
    if set(text) <= _RULE_GLYPHS and any(x0 <= x <= x1 for x in crossing):
        return None
    if text.startswith("|") and any(x <= x0 + 0.5 * height for x in crossing):
        text = text.lstrip("|").strip()
    if text.endswith("|") and any(x >= x1 - 0.5 * height for x in crossing):
        text = text.rstrip("|").strip()
    if not text:
        return None
    return word if text == word.text else Word(text, word.bbox, word.confidence)
