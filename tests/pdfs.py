"""PDFs built for tests with reportlab: text tables (ruled or not), scanned-looking pages,
encrypted, truncated and unreadable-font files."""
from __future__ import annotations

import io

from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from tests.imaging import FONT

PRODUCTS = [
    ["Product", "Units", "Price", "Shipped"],
    ["Widget", "120", "$4.99", "2023-11-02"],
    ["Gadget", "8", "$129.00", "2023-12-24"],
    ["Gizmo Pro", "1,500", "$0.75", "2024-01-09"],
]
STAFF = [
    ["Name", "Team", "Share"],
    ["Alice Smith", "Sales", "40%"],
    ["Bob Jones", "Support", "35%"],
    ["Carol White", "Research", "25%"],
]


def draw_table(c: canvas.Canvas, rows: list[list[str]], *, left: float = 72, top: float = 700,
               ruled: bool = True, font: str = "Helvetica", bold: str = "Helvetica-Bold",
               size: float = 10, row_h: float = 20, pad: float = 8) -> None:
    """``rows`` with the first as a bold header, numbers right-aligned, top-left at (left, top)."""
    widths = [max(pdfmetrics.stringWidth(r[i], bold, size) for r in rows) + 2 * pad + 24
              for i in range(len(rows[0]))]
    for r, row in enumerate(rows):
        x = left
        baseline = top - r * row_h - row_h / 2 - size * 0.35
        face = bold if r == 0 else font
        for i, text in enumerate(row):
            c.setFont(face, size)
            if r > 0 and text[:1] in "0123456789(-$":
                c.drawRightString(x + widths[i] - pad, baseline, text)
            else:
                c.drawString(x + pad, baseline, text)
            x += widths[i]
    if ruled:
        right, bottom = left + sum(widths), top - len(rows) * row_h
        c.setLineWidth(0.75)
        for r in range(len(rows) + 1):
            c.line(left, top - r * row_h, right, top - r * row_h)
        x = left
        for w in [0] + widths:
            x += w
            c.line(x, top, x, bottom)


def table_pdf(pages: list[list[list[str]]], *, ruled: bool = True, pagesize=letter, font: str = "Helvetica",
              bold: str = "Helvetica-Bold", size: float = 10, **canvas_options) -> bytes:
    """One table per page; ``canvas_options`` go to reportlab's Canvas (encrypt=, pageCompression=)."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=pagesize, **canvas_options)
    for rows in pages:
        draw_table(c, rows, ruled=ruled, top=pagesize[1] - 92, font=font, bold=bold, size=size)
        c.showPage()
    c.save()
    return buffer.getvalue()


def image_pdf(image: Image.Image, width_pt: float = 432) -> bytes:
    """A scanned-looking page: only ``image``, drawn ``width_pt`` wide, no text layer."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    height_pt = width_pt * image.height / image.width
    c.drawImage(ImageReader(image), 72, letter[1] - 72 - height_pt, width_pt, height_pt)
    c.showPage()
    c.save()
    return buffer.getvalue()


def encrypted_pdf(rows: list[list[str]], password: str = "secret") -> bytes:
    return table_pdf([rows], encrypt=password)


def truncated_pdf(rows: list[list[str]]) -> bytes:
    """The first 40% of a valid PDF: a header, no cross-reference table, no pages."""
    data = table_pdf([rows])
    return data[: int(len(data) * 0.4)]


def cid_font_pdf(rows: list[list[str]]) -> bytes:
    """A table in an embedded subset font whose /ToUnicode map is cut off, so text
    extraction yields only (cid:NN) glyph numbers while the page still renders normally."""
    if "DejaVuSans-Opaque" not in pdfmetrics.getRegisteredFontNames():
        # asciiReadable=False: glyph codes are handed out in order of use, not as ASCII
        pdfmetrics.registerFont(TTFont("DejaVuSans-Opaque", FONT, asciiReadable=False))
    data = table_pdf([rows], font="DejaVuSans-Opaque", bold="DejaVuSans-Opaque", pageCompression=0)
    assert b"/ToUnicode" in data
    return data.replace(b"/ToUnicode", b"/NoUnicode")  # same length: offsets stay valid


def rotated_table_pdf(rows: list[list[str]], rotation: int) -> bytes:
    """A letter page with /Rotate ``rotation`` whose table still reads upright on screen:
    the content is drawn turned the other way, as scanners and landscape exports do."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    c.setPageRotation(rotation)
    width, height = letter
    if rotation == 90:    # the media box is 792 x 612 and is shown turned clockwise
        c.translate(height, 0)
        c.rotate(90)
    elif rotation == 180:
        c.translate(width, height)
        c.rotate(180)
    elif rotation == 270:
        c.translate(0, width)
        c.rotate(-90)
    draw_table(c, rows, top=height - 92)
    c.showPage()
    c.save()
    return buffer.getvalue()


def stamped_scan_pdf(image: Image.Image, stamp: str = "Scanned with TableSnap test scanner 2024") -> bytes:
    """A scanned page (``image`` only) with a line of real text added above it, as scanner
    apps and fax headers do: the text layer exists but does not hold the table."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    height_pt = 432 * image.height / image.width
    c.drawImage(ImageReader(image), 72, letter[1] - 110 - height_pt, 432, height_pt)
    c.setFont("Helvetica", 9)
    c.drawString(72, letter[1] - 60, stamp)
    c.showPage()
    c.save()
    return buffer.getvalue()


def letterhead_table_pdf(rows: list[list[str]]) -> bytes:
    """A text table drawn over a full-page background picture (a letterhead template)."""
    background = Image.new("RGB", (850, 1100), (250, 248, 240))
    background.paste((225, 235, 250), (0, 0, 850, 90))  # a pale band across the top
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    c.drawImage(ImageReader(background), 0, 0, *letter)
    draw_table(c, rows, top=letter[1] - 92)
    c.showPage()
    c.save()
    return buffer.getvalue()


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand from object bodies (object 1 is the catalog), with a correct
    cross-reference table: for shapes no PDF library will produce."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def no_pages_pdf() -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def cropped_table_pdf(rows: list[list[str]]) -> bytes:
    """A table inside a crop box that starts away from the media box origin, and a line of
    text outside the crop box (not shown, so it must not be read)."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    c.setCropBox((50, 300, 450, 750))
    draw_table(c, rows, top=700)
    c.setFont("Helvetica", 10)
    c.drawString(480, 100, "Hidden outside the crop box")
    c.showPage()
    c.save()
    return buffer.getvalue()
