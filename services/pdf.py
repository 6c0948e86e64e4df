"""PDF uploads: check them, pick pages, and turn each page into recovered tables.

A page is rendered with PDFium (pypdfium2) to an RGB picture. When the page carries a
usable text layer, pdfplumber's words (exact text, boxes moved from PDF points to the
picture's pixels) stand in for OCR; otherwise the picture goes through the OCR engine.
Pictures embedded in a text page that have no text over them (a scan with a text stamp)
are OCRed on their own. Either way the words and the picture (which gives the ruling
lines) go through the same ``recover_tables`` as uploaded images.

PDFium is not thread-safe, so every call into it holds ``_PDFIUM_LOCK``.
"""
from __future__ import annotations

import io
import math
import re
import threading
import time
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image

from services.images import InvalidImage
from services.model import ImageResult, Word
from services.preprocess import straighten
from services.tables import recover_tables

_PDFIUM_LOCK = threading.Lock()
_PDFIUM_FILE_ERROR = 2      # FPDF_ERR_FILE: only loading by path sets it, so it marks "no error set"
_PDFIUM_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
_CID = re.compile(r"\(cid:\d+\)")
MIN_TEXT_WORDS = 3          # fewer words than this: not a table's text layer, OCR the page
MAX_GARBAGE_SHARE = 0.1     # share of unreadable characters above which the text layer is ignored
MAX_TEXT_CHARS = 200_000    # a page with more characters than this is not read through pdfminer
MIN_OCR_IMAGE_SHARE = 0.05  # a picture without text covering this share of the page is OCRed
_PAGE_SPEC = re.compile(r"^(\d{1,7})?\s*(-)?\s*(\d{1,7})?$")


class InvalidPdf(InvalidImage):
    """An unusable PDF or page choice; ``code`` is one of encrypted_pdf, corrupt_pdf,
    too_many_pages, invalid_pages, empty_pdf (and empty_file for no bytes at all)."""


def is_pdf(data: bytes) -> bool:
    """Judged by content: the ``%PDF-`` header within the first 1024 bytes."""
    return b"%PDF-" in data[:1024]


def _reset_last_error() -> None:
    """PDFium's last error outlives the load that set it, and a document with no pages is
    refused without setting one: without this, a PDF read after an encrypted one with no
    pages would be reported as encrypted. Loading a missing path sets FPDF_ERR_FILE."""
    handle = pdfium.raw.FPDF_LoadDocument(b"/nonexistent/tablesnap/reset.pdf", None)
    if handle:
        pdfium.raw.FPDF_CloseDocument(handle)


def _open(data: bytes) -> pdfium.PdfDocument:
    """Caller holds _PDFIUM_LOCK."""
    if not data:
        raise InvalidPdf("empty_file", "the file is empty")
    if not is_pdf(data):
        raise InvalidPdf("corrupt_pdf", "not a PDF: no %PDF- header in the first 1024 bytes")
    _reset_last_error()
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PDFIUM_PASSWORD_ERROR:
            raise InvalidPdf("encrypted_pdf", "the PDF is password-protected") from None
        if getattr(exc, "err_code", None) == _PDFIUM_FILE_ERROR:  # refused without a reason: no pages
            raise InvalidPdf("empty_pdf", "the PDF has no pages") from None
        raise InvalidPdf("corrupt_pdf", f"the PDF could not be read: {exc}") from None
    except Exception as exc:  # anything else from the binding on hostile input
        raise InvalidPdf("corrupt_pdf", f"the PDF could not be read: {exc}") from None


def inspect_pdf(data: bytes, max_pages: int) -> int:
    """The page count, after checking the PDF opens and has 1..max_pages pages. No rendering."""
    with _PDFIUM_LOCK:
        doc = _open(data)
        try:
            count = len(doc)
        finally:
            doc.close()
    if count < 1:
        raise InvalidPdf("empty_pdf", "the PDF has no pages")
    if count > max_pages:
        raise InvalidPdf("too_many_pages", f"the PDF has {count} pages, more than the {max_pages} allowed")
    return count


def parse_pages(spec: str | None, page_count: int) -> list[int]:
    """1-based page numbers, ascending and unique, from e.g. "1-3,7" or "3-" (3 to the end);
    None or blank means every page."""
    if spec is None or not spec.strip():
        return list(range(1, page_count + 1))
    shown = spec if len(spec) <= 40 else spec[:40] + "..."
    pages: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        match = _PAGE_SPEC.match(part)
        if not match or match.groups() in ((None, None, None), (None, "-", None)) \
                or (match.group(2) is None and match.group(3) is not None):
            raise InvalidPdf("invalid_pages", f"pages {shown!r}: {part[:20]!r} is not a page number or range "
                                              "(use e.g. \"1-3,7\" or \"3-\")")
        first, dash, last = match.groups()
        start = int(first) if first else 1
        end = (int(last) if last else page_count) if dash else start
        if start < 1 or end < start:
            raise InvalidPdf("invalid_pages", f"pages {shown!r}: {part!r} is not a valid range")
        if end > page_count:
            raise InvalidPdf("invalid_pages",
                             f"pages {shown!r}: page {end} is out of range, the PDF has {page_count} pages")
        pages.update(range(start, end + 1))
    return sorted(pages)


def render_scale(width_pt: float, height_pt: float, dpi: int, max_dpi: int, max_pixels: int) -> float:
    """Pixels per point: ``min(dpi, max_dpi)/72``, lowered until the rendered size
    (PDFium rounds each side up) holds at most ``max_pixels`` pixels."""
    scale = max(1, min(dpi, max_dpi)) / 72 * (1 - 1e-9)  # 792 pt at 150 dpi is 1650 px, not 1651
    width_pt, height_pt, max_pixels = max(width_pt, 1e-3), max(height_pt, 1e-3), max(max_pixels, 1)
    if width_pt * height_pt * scale * scale > max_pixels:
        scale = math.sqrt(max_pixels / (width_pt * height_pt))
    while scale > 0 and math.ceil(width_pt * scale) * math.ceil(height_pt * scale) > max_pixels:
        scale *= 0.995
    return scale


def render_page(data: bytes, page_number: int, *, dpi: int = 200, max_dpi: int = 300,
                max_pixels: int) -> Image.Image:
    """Page ``page_number`` (1-based) as an RGB picture, as shown (the page's /Rotate applied)."""
    return _render(data, page_number, dpi, max_dpi, max_pixels)[0]


def _render(data: bytes, page_number: int, dpi: int, max_dpi: int, max_pixels: int) -> tuple[Image.Image, int]:
    """The page as RGB and its count of text characters (PDFium's count, no extraction)."""
    with _PDFIUM_LOCK:
        doc = _open(data)
        try:
            if not 1 <= page_number <= len(doc):
                raise InvalidPdf("invalid_pages", f"page {page_number} is out of range, the PDF has {len(doc)} pages")
            try:
                page = doc[page_number - 1]
                try:
                    width, height = page.get_size()
                    scale = render_scale(width, height, dpi, max_dpi, max_pixels)
                    if math.ceil(width * scale) < 1 or math.ceil(height * scale) < 1:
                        raise InvalidPdf("corrupt_pdf", f"page {page_number} has no area")
                    bitmap = page.render(scale=scale)
                    try:
                        image = bitmap.to_pil().convert("RGB")
                    finally:
                        bitmap.close()
                    textpage = page.get_textpage()
                    try:
                        n_chars = textpage.count_chars()
                    finally:
                        textpage.close()
                finally:
                    page.close()
            except (pdfium.PdfiumError, ValueError) as exc:
                raise InvalidPdf("corrupt_pdf", f"page {page_number} could not be rendered: {exc}") from None
        finally:
            doc.close()
    return image, n_chars


def _is_garbage(ch: str) -> bool:
    return ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cc", "Cf", "Cn", "Cs")


def _garbage_share(texts: list[str]) -> float:
    """Share of characters that carry no readable text: (cid:NN) glyph numbers (a font with
    no Unicode map), U+FFFD, private-use, control, format or unassigned code points."""
    total = bad = 0
    for text in texts:
        cids = len(_CID.findall(text))
        rest = _CID.sub("", text)
        total += cids + len(rest)
        bad += cids + sum(map(_is_garbage, rest))
    return bad / total if total else 1.0


def _clean(text: str) -> str:
    """Word text as a reader sees it: ligatures spelled out, invisible characters dropped."""
    text = "".join(unicodedata.normalize("NFKC", ch) if "\ufb00" <= ch <= "\ufb06" else ch for ch in text)
    return "".join(ch for ch in _CID.sub("", text) if not _is_garbage(ch)).strip()


@dataclass
class TextLayer:
    """A page's own words in pixels of the rendered picture, and the boxes of pictures on
    the page that carry no text of their own (scans, screenshots): those still need OCR."""

    words: list[Word]
    bare_images: list[tuple[int, int, int, int]]


def read_text_layer(data: bytes, page_number: int, image: Image.Image) -> TextLayer | None:
    """The page's text layer mapped onto ``image`` (the page as rendered), or None when it is
    not usable: fewer than MIN_TEXT_WORDS words, or more than MAX_GARBAGE_SHARE unreadable."""
    import pdfplumber  # pdfminer is slow to import; only pages with text need it

    try:
        with pdfplumber.open(io.BytesIO(data), pages=[page_number]) as pdf:
            page = pdf.pages[0]
            # pdfplumber gives boxes top-based, with the page's /Rotate applied, like PDFium's picture
            x0, top, x1, bottom = page.cropbox
            raw = [w for w in page.dedupe_chars().extract_words() if w.get("upright", True)]
            pictures = [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in page.images]
    except Exception:  # pdfminer trips on PDFs that PDFium repairs: OCR the rendered page instead
        return None
    if len(raw) < MIN_TEXT_WORDS or _garbage_share([w["text"] for w in raw]) > MAX_GARBAGE_SHARE:
        return None
    sx = image.width / max(x1 - x0, 1e-6)
    sy = image.height / max(bottom - top, 1e-6)

    def to_pixels(a, b, c, d):
        return ((a - x0) * sx, (b - top) * sy, (c - x0) * sx, (d - top) * sy)

    words = []
    for w in raw:
        text = _clean(w["text"])
        box = to_pixels(w["x0"], w["top"], w["x1"], w["bottom"])
        if text and 0 <= (box[0] + box[2]) / 2 < image.width and 0 <= (box[1] + box[3]) / 2 < image.height:
            box = (max(0.0, box[0]), max(0.0, box[1]), min(float(image.width), box[2]), min(float(image.height), box[3]))
            words.append(Word(text, box, 1.0))
    if len(words) < MIN_TEXT_WORDS:
        return None
    bare = []
    for picture in pictures:
        a, b, c, d = to_pixels(*picture)
        box = (max(0, int(a)), max(0, int(b)), min(image.width, math.ceil(c)), min(image.height, math.ceil(d)))
        if (box[2] - box[0]) * (box[3] - box[1]) < MIN_OCR_IMAGE_SHARE * image.width * image.height:
            continue
        inside = sum(box[0] <= (w.bbox[0] + w.bbox[2]) / 2 <= box[2] and box[1] <= (w.bbox[1] + w.bbox[3]) / 2 <= box[3]
                     for w in words)
        centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        seen = any(b[0] <= centre[0] <= b[2] and b[1] <= centre[1] <= b[3] for b in bare)
        if inside < MIN_TEXT_WORDS and not seen:  # a background under the text has the text on it
            bare.append(box)
    return TextLayer(words, bare)


def _ocr_region(engine, image: Image.Image, box: tuple[int, int, int, int]) -> list[Word]:
    left, upper = box[0], box[1]
    return [Word(w.text, (w.bbox[0] + left, w.bbox[1] + upper, w.bbox[2] + left, w.bbox[3] + upper), w.confidence)
            for w in engine.recognize(image.crop(box))]


def convert_pdf_page(data: bytes, page_number: int, engine, *, dpi: int = 200, max_dpi: int = 300,
                     max_pixels: int, locale: str = "en") -> ImageResult:
    """Tables of one page (1-based). engine is "pdf-text" when the page's own text layer gave
    every word; else ``engine.name``: the rendered page went through OCR, or (a scan with some
    real text, such as a stamp, on the page) just the pictures that carry no text did."""
    started = time.perf_counter()
    image, n_chars = _render(data, page_number, dpi, max_dpi, max_pixels)
    rendered = time.perf_counter()
    timings = {"render": rendered - started}
    layer = None
    # No characters (a scan): skip pdfminer. Huge text: not a table, and pdfminer is slow on it.
    if 0 < n_chars <= MAX_TEXT_CHARS:
        layer = read_text_layer(data, page_number, image)
        timings["text"] = time.perf_counter() - rendered
    ocr_started = time.perf_counter()
    if layer is None:  # a scan: straightened like an uploaded photo
        image, _ = straighten(image)
        words, name = engine.recognize(image), engine.name
    elif layer.bare_images:
        words, name = list(layer.words), engine.name
        for box in layer.bare_images:
            words.extend(_ocr_region(engine, image, box))
    else:
        words, name = layer.words, "pdf-text"
    if name != "pdf-text":
        timings["ocr"] = time.perf_counter() - ocr_started
    tables_started = time.perf_counter()
    tables = recover_tables(image, words, locale=locale)
    timings["tables"] = time.perf_counter() - tables_started
    return ImageResult(tables=tables, width=image.width, height=image.height, engine=name, timings=timings)
