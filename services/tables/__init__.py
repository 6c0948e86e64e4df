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

_RULE_GLYPHS = set("|Il1!]][")


def recover_tables(image: Image.Image, words: list[Word], locale: str = "en") -> list[Table]:
    """Every table in ``image``, top to bottom; [] when there is no text."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    height = text_height(words)
    rulings = detect_rulings(image, words, height)
    words = [w for w in words if not _is_ruling_glyph(w, rulings)]
    if not words:
        return []
    return [assemble(region, build_grid(region, rulings, height), rulings, height, locale)
            for region in find_regions(words, rulings, height)]


def _is_ruling_glyph(word: Word, rulings: Rulings) -> bool:
    """OCR sometimes reads a vertical ruling next to text as '|' or 'l'."""
    if not set(word.text.strip()) <= _RULE_GLYPHS:
        return False
    x0, y0, x1, y1 = word.bbox
    return any(x0 - 2 <= s.pos <= x1 + 2 and s.start <= y1 and s.end >= y0
               for s in rulings.vertical)
