"""Generated table images with ground truth, for ``bench.accuracy``.

    .venv/bin/python -m bench.datasets OUT [--clean 40] [--degraded 30] [--seed 7]

Writes ``OUT/clean/<id>.png`` (screenshot-like renders) and ``OUT/degraded/<id>.png|.jpg``
(the same kind of renders, then rotated, warped, blurred, noised, JPEG-compressed, rescaled,
shaded or greyed like a scan or a phone photo), each beside ``<id>.json``::

    {"rows": [[cell, ...], ...], "spans": [[row, col, rowspan, colspan], ...], "tags": [...],
     "kinds": [kind of each column, ...]}

``rows`` is the grid exactly as ``shared/eval/score.py`` reads it and as our workbook lays a
table out (its first row is the header; one table, no title): a merged header keeps its text
at the top-left of its range and "" in the positions it covers, the way an XLSX merged range
reads back; a wrapped cell is its full text joined by single spaces. ``spans`` lists the
merged ranges (for TEDS); ``tags`` says which styles and degradations the image has;
``kinds`` what each column holds (amounts, dates, ids, ...).
Everything is deterministic from the seed.
"""
from __future__ import annotations

import argparse
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FAMILIES = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
}

FIRST_NAMES = ("Alice Bruno Chen Dana Elif Farah Gustav Hannah Ivan Julia Kofi Lena Marco Nadia "
               "Oscar Priya Quinn Rosa Sven Tariq Uma Victor Wen Yara Zoe").split()
LAST_NAMES = ("Abbott Baker Costa Dubois Evans Fischer Garcia Hughes Ito Jensen Kowalski Lopez "
              "Moreau Nakamura Olsen Patel Quist Rossi Schmidt Tanaka Varga Weber Young").split()
PLACES = ("North South East West Central Boston Denver Austin Seattle Chicago Dallas Miami "
          "Portland Atlanta Phoenix Detroit").split()
PRODUCTS = ("Widget Gadget Bracket Sensor Cable Adapter Router Monitor Keyboard Charger Battery "
            "Lamp Filter Valve Pump").split()
STATUSES = ("Open", "Closed", "Pending", "Shipped", "On hold", "Paid", "Overdue", "Draft")
NOTE_WORDS = ("quarterly review of supplier contract renewal pending approval from finance team "
              "shipment delayed at customs awaiting updated invoice and packing list replacement "
              "parts ordered for the north warehouse site visit scheduled next week").split()
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
NUMERIC_KINDS = frozenset({"thousands", "decimal", "paren", "minus", "currency", "code",
                           "percent"})


# --- content -------------------------------------------------------------------------------

@dataclass
class Column:
    kind: str
    header: str
    make: Callable[[random.Random], str]

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


def _amount(rng: random.Random, decimals: int) -> str:
    return f"{rng.uniform(1, 10 ** rng.randint(2, 6)):,.{decimals}f}"


def _date_column(rng: random.Random) -> Column:
    style = rng.choice(("iso", "dmy", "mdy"))

    def make(r: random.Random) -> str:
        y, m, d = r.randint(2019, 2025), r.randint(1, 12), r.randint(1, 28)
        return {"iso": f"{y}-{m:02d}-{d:02d}", "dmy": f"{d:02d}/{m:02d}/{y}",
                "mdy": f"{MONTHS[m - 1]} {d}, {y}"}[style]
    return Column("date", rng.choice(("Date", "Due", "Invoice date", "Shipped")), make)


def _column(kind: str, rng: random.Random) -> Column:
    """One column of ``kind``; per-column choices (currency, decimals) are fixed here."""
    decimals = rng.choice((0, 2))
    symbol, code = rng.choice("$€£"), rng.choice(("USD", "EUR", "GBP"))
    phone = rng.choice(("({a}) {b}-{c}", "{a}-{b}-{c}", "+44 20 {b} {c}"))
    makers: dict[str, tuple[tuple[str, ...], Callable[[random.Random], str]]] = {
        "name": (("Name", "Customer", "Contact", "Owner"),
                 lambda r: f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}"),
        "place": (("Region", "City", "Branch", "Site"), lambda r: r.choice(PLACES)),
        "product": (("Product", "Item", "Part"), lambda r: r.choice(PRODUCTS)),
        "status": (("Status", "State"), lambda r: r.choice(STATUSES)),
        "notes": (("Notes", "Description", "Comment"),
                  lambda r: " ".join(r.sample(NOTE_WORDS, r.randint(4, 9)))),
        "thousands": (("Units", "Visitors", "Quantity", "Orders"),
                      lambda r: f"{r.randint(1000, 2_000_000):,}"),
        "decimal": (("Revenue", "Amount", "Total", "Cost"), lambda r: _amount(r, 2)),
        "paren": (("Net", "Balance", "P&L", "Variance"),
                  lambda r: (f"({_amount(r, 2)})" if r.random() < 0.35 else _amount(r, 2))),
        "minus": (("Change", "Delta", "Temp"),
                  lambda r: f"{r.uniform(-99, 99):.{r.choice((1, 2))}f}"),
        "currency": (("Price", "Fee", "Budget"),
                     lambda r: ("-" if r.random() < 0.1 else "") + symbol + _amount(r, decimals)),
        "code": (("Payout", "Invoice total", "Wire"), lambda r: f"{code} {_amount(r, decimals)}"),
        "percent": (("Growth", "Margin", "Share", "Rate"),
                    lambda r: f"{r.uniform(-40, 120):.{r.choice((0, 1, 2))}f}%"),
        "id": (("ID", "Account", "Ref", "Order no"),
               lambda r: f"{r.randint(1, 9999):0{r.choice((5, 6))}d}"),
        "phone": (("Phone", "Tel"), lambda r: phone.format(
            a=r.randint(200, 989), b=r.randint(100, 999) if "44" not in phone else r.randint(3000, 8999),
            c=f"{r.randint(0, 9999):04d}")),
        "zip": (("ZIP", "Postcode"),
                lambda r: (f"{r.randint(0, 99999):05d}" if r.random() < 0.7
                           else f"{r.randint(1000, 99999):05d}-{r.randint(0, 9999):04d}")),
    }
    if kind == "date":
        return _date_column(rng)
    headers, make = makers[kind]
    return Column(kind, rng.choice(headers), make)


FIRST_KINDS = ("name", "place", "product", "id", "date")
OTHER_KINDS = ("place", "product", "status", "thousands", "decimal", "paren", "minus", "currency",
               "code", "percent", "id", "phone", "zip", "date", "name")
GROUP_LABELS = ("Quarterly results", "Contact details", "Amounts", "This year", "Shipping")


@dataclass
class Content:
    """The table to draw: header rows, body rows, merged header ranges, wrapped column."""

    columns: list[Column]
    header: list[list[str]]                       # 1 or 2 header rows
    body: list[list[str]]
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)  # row, col, rs, cs
    wrap_col: int | None = None

    @property
    def rows(self) -> list[list[str]]:
        return self.header + self.body


def make_content(rng: random.Random, tags: set[str]) -> Content:
    n_cols, n_body = rng.randint(3, 8), rng.randint(3, 19)
    first = rng.choice(FIRST_KINDS)  # distinct kinds, so header names do not repeat
    kinds = [first] + rng.sample([k for k in OTHER_KINDS if k != first], n_cols - 1)
    wrap_col = None
    if "wrapped" in tags:
        wrap_col = rng.randrange(1, n_cols)
        kinds[wrap_col] = "notes"
    columns = [_column(k, rng) for k in kinds]
    body = [[col.make(rng) for col in columns] for _ in range(n_body)]
    if "empty-cells" in tags:
        for row in body:
            for c in range(1, n_cols):
                if rng.random() < 0.12:
                    row[c] = ""
        for c in range(1, n_cols):  # an all-empty column or row would not be a column or row
            if all(not row[c] for row in body):
                body[0][c] = columns[c].make(rng)
    content = Content(columns, [[col.header for col in columns]], body, wrap_col=wrap_col)
    if "span-header" in tags:
        _add_group_header(content, rng)
    return content


def _add_group_header(content: Content, rng: random.Random) -> None:
    """A header cell spanning 2-3 columns above their sub-headers. Columns outside the group
    either span both header rows (rowspan 2) or keep their header in the lower row."""
    n_cols = len(content.columns)
    width = rng.randint(2, min(3, n_cols - 1))
    start = rng.randint(1, n_cols - width)
    tall = rng.random() < 0.5
    sub = content.header[0]
    top = [""] * n_cols
    top[start] = rng.choice(GROUP_LABELS)
    content.spans.append((0, start, 1, width))
    low = list(sub)
    for c in range(n_cols):
        if start <= c < start + width:
            continue
        if tall:
            top[c], low[c] = sub[c], ""
            content.spans.append((0, c, 2, 1))
    content.header = [top, low]


# --- style ---------------------------------------------------------------------------------

@dataclass
class Style:
    family: str
    size: int
    pad_x: int
    pad_y: int
    ruling: str                 # grid | rows | none
    zebra: bool
    header_fill: tuple | None
    header_text: tuple
    dark: bool
    numbers: str                # right | left | center alignment of numeric columns
    margins: tuple[int, int, int, int]
    background: tuple = (255, 255, 255)
    text: tuple = (0, 0, 0)
    rule: tuple = (0, 0, 0)
    stripe: tuple = (245, 245, 245)
    line_width: int = 1


LIGHT_HEADERS = ((217, 225, 242), (235, 235, 235), (255, 242, 204), (226, 239, 218))
STRONG_HEADERS = ((68, 114, 196), (31, 78, 121), (84, 130, 53))
DARK_BACKGROUNDS = ((30, 30, 30), (24, 26, 27), (40, 44, 52), (13, 17, 23))


def make_style(rng: random.Random, tags: set[str]) -> Style:
    size = (rng.randint(11, 14) if "small-font" in tags else rng.randint(26, 34) if "large" in tags
            else rng.randint(15, 22))
    family = next(f for f in FAMILIES if f in tags)
    ruling = "grid" if "bordered" in tags else "rows" if "rows-ruled" in tags else "none"
    style = Style(family=family, size=size, pad_x=rng.randint(size // 3, size),
                  pad_y=rng.randint(size // 4, size // 2 + 2), ruling=ruling, zebra="zebra" in tags,
                  header_fill=None, header_text=(0, 0, 0),
                  dark="dark" in tags, numbers=rng.choices(("right", "left", "center"), (7, 2, 1))[0],
                  margins=(rng.randint(8, 80), rng.randint(8, 60), rng.randint(8, 300), rng.randint(8, 80)),
                  line_width=2 if size > 25 and rng.random() < 0.5 else 1)
    if style.dark:
        bg = rng.choice(DARK_BACKGROUNDS)
        style.background, style.text = bg, (rng.randint(200, 240),) * 3
        style.rule = tuple(v + 45 for v in bg)
        style.stripe = tuple(v + 14 for v in bg)
        style.header_text = style.text
        if "header-fill" in tags:
            style.header_fill = tuple(v + 30 for v in bg)
    else:
        grey = rng.randint(0, 60)
        style.text, style.rule = (grey,) * 3, (rng.randint(0, 190),) * 3
        style.stripe = rng.choice(((245, 245, 245), (242, 246, 252), (248, 248, 240)))
        style.header_text = style.text
        if "header-fill" in tags:
            strong = rng.random() < 0.4
            style.header_fill = rng.choice(STRONG_HEADERS if strong else LIGHT_HEADERS)
            style.header_text = (255, 255, 255) if strong else style.text
    return style


# --- rendering -----------------------------------------------------------------------------

@dataclass
class Layout:
    widths: list[int]
    heights: list[int]
    lines: list[list[list[str]]]               # per row, per column: the text lines drawn
    x: list[int]                               # left edge of each column, then the right edge
    y: list[int]                               # top edge of each row, then the bottom edge


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _layout(content: Content, style: Style, fonts: tuple, rng: random.Random) -> Layout:
    regular, bold = fonts
    n_head = len(content.header)
    rows = content.rows
    wrap_width = style.size * rng.uniform(9, 15)
    lines = [[(_wrap(t, regular, wrap_width) if c == content.wrap_col and r >= n_head else [t])
              for c, t in enumerate(row)] for r, row in enumerate(rows)]
    spanned = {(r, c) for r, c, rs, cs in content.spans if cs > 1}
    widths = []
    for c in range(len(content.columns)):
        texts = [(line, bold if r < n_head else regular) for r, row in enumerate(lines)
                 if (r, c) not in spanned for line in row[c]]
        widest = int(max(f.getlength(t) for t, f in texts))
        widths.append(widest + 2 * style.pad_x + rng.randint(0, style.size * 2))
    for r, c, _, cs in content.spans:
        if cs > 1:  # the group label must fit over the columns it spans
            need = int(bold.getlength(rows[r][c])) + 2 * style.pad_x
            widths[c + cs - 1] += max(0, need - sum(widths[c:c + cs]))
    line_h = int(style.size * 1.3)
    heights = [max(len(cell) for cell in row) * line_h + 2 * style.pad_y for row in lines]
    left, top = style.margins[0], style.margins[1]
    return Layout(widths, heights, lines, list(np.cumsum([left] + widths)), list(np.cumsum([top] + heights)))


def render(content: Content, style: Style, rng: random.Random) -> Image.Image:
    regular_file, bold_file = FAMILIES[style.family]
    fonts = (ImageFont.truetype(f"{FONT_DIR}/{regular_file}", style.size),
             ImageFont.truetype(f"{FONT_DIR}/{bold_file}", style.size))
    lay = _layout(content, style, fonts, rng)
    size = (int(lay.x[-1]) + style.margins[2], int(lay.y[-1]) + style.margins[3])
    image = Image.new("RGB", size, style.background)
    draw = ImageDraw.Draw(image)
    _fill(draw, content, style, lay)
    _rules(draw, content, style, lay)
    _texts(draw, content, style, lay, fonts)
    return image


def _fill(draw: ImageDraw.ImageDraw, content: Content, style: Style, lay: Layout) -> None:
    n_head = len(content.header)
    if style.header_fill:
        draw.rectangle([lay.x[0], lay.y[0], lay.x[-1], lay.y[n_head]], fill=style.header_fill)
    if style.zebra:
        for r in range(n_head + 1, len(lay.heights), 2):
            draw.rectangle([lay.x[0], lay.y[r], lay.x[-1], lay.y[r + 1]], fill=style.stripe)


def _rules(draw: ImageDraw.ImageDraw, content: Content, style: Style, lay: Layout) -> None:
    """Grid: every row and column line, except inside merged header ranges. Rows: horizontal
    lines between rows only. None: nothing."""
    if style.ruling == "none":
        return
    n_rows, n_cols, w = len(lay.heights), len(lay.widths), style.line_width
    covered = _covered(content)
    edges = range(n_rows + 1) if style.ruling == "grid" else range(1, n_rows)
    for r in edges:  # the line above row r, drawn column by column
        for c in range(n_cols):
            if 0 < r < n_rows and (r - 1, c) in covered["down"]:
                continue
            draw.line([(lay.x[c], lay.y[r]), (lay.x[c + 1], lay.y[r])], fill=style.rule, width=w)
    if style.ruling == "grid":
        for c in range(n_cols + 1):
            for r in range(n_rows):
                if 0 < c < n_cols and (r, c - 1) in covered["right"]:
                    continue
                draw.line([(lay.x[c], lay.y[r]), (lay.x[c], lay.y[r + 1])], fill=style.rule, width=w)


def _covered(content: Content) -> dict[str, set[tuple[int, int]]]:
    """Cells whose right or lower edge is inside a merged range (no line drawn there)."""
    right, down = set(), set()
    for r, c, rs, cs in content.spans:
        right.update((rr, cc) for rr in range(r, r + rs) for cc in range(c, c + cs - 1))
        down.update((rr, cc) for rr in range(r, r + rs - 1) for cc in range(c, c + cs))
    return {"right": right, "down": down}


def _texts(draw: ImageDraw.ImageDraw, content: Content, style: Style, lay: Layout, fonts: tuple) -> None:
    regular, bold = fonts
    n_head = len(content.header)
    spans = {(r, c): (rs, cs) for r, c, rs, cs in content.spans}
    line_h = int(style.size * 1.3)
    for r, row in enumerate(lay.lines):
        for c, cell_lines in enumerate(row):
            if not any(cell_lines):
                continue
            rs, cs = spans.get((r, c), (1, 1))
            x0, x1 = lay.x[c], lay.x[c + cs]
            y0, y1 = lay.y[r], lay.y[r + rs]
            header = r < n_head
            align = ("center" if header and cs > 1 else "left" if header or not content.columns[c].numeric
                     else style.numbers)
            top = (y0 + y1 - len(cell_lines) * line_h) / 2
            for i, text in enumerate(cell_lines):
                y = top + (i + 0.5) * line_h
                x, anchor = {"left": (x0 + style.pad_x, "lm"), "right": (x1 - style.pad_x, "rm"),
                             "center": ((x0 + x1) / 2, "mm")}[align]
                draw.text((x, y), text, font=bold if header else regular, anchor=anchor,
                          fill=style.header_text if header else style.text)


# --- degradation ---------------------------------------------------------------------------

def _paper(rng: random.Random) -> tuple[int, int, int]:
    v = rng.randint(225, 255)
    return (v, v, max(0, v - rng.randint(0, 12)))


def _low_contrast(img: Image.Image, rng: random.Random, text_px: int) -> Image.Image:
    lo, hi = rng.randint(50, 110), rng.randint(170, 215)
    a = np.asarray(img, dtype=np.float32)
    return Image.fromarray((lo + a * (hi - lo) / 255).astype(np.uint8))


def _rotate(img: Image.Image, rng: random.Random, text_px: int) -> Image.Image:
    angle = rng.uniform(0.5, 5) * rng.choice((-1, 1))
    return img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=_paper(rng))


def _perspective(img: Image.Image, rng: random.Random, text_px: int) -> Image.Image:
    """Each corner pulled inwards by up to 3% of the side: a camera that tilts away from the
    page, with the whole table still in the frame."""
    w, h = img.size
    d = 0.03
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    inwards = [(1, 1), (-1, 1), (-1, -1), (1, -1)]
    dst = [(x + sx * rng.uniform(0, d) * w, y + sy * rng.uniform(0, d) * h)
           for (x, y), (sx, sy) in zip(src, inwards)]
    coeffs = _perspective_coeffs(src, dst)
    return img.transform((w, h), Image.PERSPECTIVE, coeffs, Image.BICUBIC, fillcolor=_paper(rng))


def _perspective_coeffs(src: list, dst: list) -> list[float]:
    """The 8 coefficients with which PIL's PERSPECTIVE transform moves the picture's ``src``
    corners to ``dst`` (PIL maps each output point back to the input point it samples)."""
    rows = []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    return list(np.linalg.solve(np.array(rows, dtype=float), np.array(src, dtype=float).reshape(8)))


def _shadow(img: Image.Image, rng: random.Random, text_px: int) -> Image.Image:
    w, h = img.size
    angle = rng.uniform(0, 2 * math.pi)
    xs, ys = np.meshgrid(np.linspace(-1, 1, w), np.linspace(-1, 1, h))
    ramp = (xs * math.cos(angle) + ys * math.sin(angle) + 1.5) / 3  # ~0..1 across the page
    light = rng.uniform(0.45, 0.75) + (1 - rng.uniform(0.45, 0.75)) * ramp
    a = np.asarray(img, dtype=np.float32) * np.clip(light, 0, 1)[..., None]
    return Image.fromarray(a.astype(np.uint8))


def _blur(img: Image.Image, rng: random.Random, text_px: int) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.4) * min(1.0, text_px / 16)))


def _noise(img: Image.Image, rng: random.Random, text_px: int) -> Image.Image:
    noise_rng = np.random.default_rng(rng.randrange(2 ** 32))
    noise = noise_rng.normal(0, rng.uniform(4, 14), (img.height, img.width, 1))
    return Image.fromarray(np.clip(np.asarray(img, dtype=np.float32) + noise, 0, 255).astype(np.uint8))


def _rescale(img: Image.Image, rng: random.Random, text_px: int) -> Image.Image:
    """Down to a resolution where text is still at least ~9 px high, then back up."""
    floor = min(0.85, 9 / text_px)
    f = rng.uniform(max(0.45, floor), max(0.75, floor + 0.05))
    small = img.resize((max(1, int(img.width * f)), max(1, int(img.height * f))), Image.BILINEAR)
    return small.resize(img.size, Image.BILINEAR)


# Applied in this order (paper first, camera geometry, light, optics, sensor).
DEGRADATIONS: tuple[tuple[str, Callable], ...] = (
    ("low-contrast", _low_contrast), ("rotate", _rotate), ("perspective", _perspective),
    ("shadow", _shadow), ("blur", _blur), ("rescale", _rescale), ("noise", _noise))


def degrade(img: Image.Image, rng: random.Random, text_px: int) -> tuple[Image.Image, list[str], int | None]:
    """The degraded image, what was done, and a JPEG quality (None: save as PNG). Blur and
    downscaling are milder for small text (``text_px``), which a scan or photo would resolve."""
    chosen = set(rng.sample([name for name, _ in DEGRADATIONS], rng.randint(2, 4)))
    for name, fn in DEGRADATIONS:
        if name in chosen:
            img = fn(img, rng, text_px)
    quality = rng.randint(30, 70) if rng.random() < 0.6 else None
    return img, sorted(chosen) + (["jpeg"] if quality else []), quality


# --- the data set --------------------------------------------------------------------------

def pick_tags(i: int, rng: random.Random) -> set[str]:
    """Styles for image ``i``: ruling and font family cycle so every kind appears; the rest
    is drawn at random."""
    tags = {("bordered", "borderless", "rows-ruled")[i % 3], ("sans", "serif", "mono")[(i // 3) % 3]}
    size = rng.choices(("small-font", "large", "normal"), (3, 2, 6))[0]
    if size != "normal":
        tags.add(size)
    for tag, p in (("zebra", 0.3), ("header-fill", 0.4), ("dark", 0.15), ("wrapped", 0.25),
                   ("span-header", 0.25), ("empty-cells", 0.3)):
        if rng.random() < p:
            tags.add(tag)
    return tags


def make_case(i: int, rng: random.Random) -> tuple[Image.Image, dict, int]:
    """The image, its truth, and its font size in pixels."""
    tags = pick_tags(i, rng)
    content = make_content(rng, tags)
    style = make_style(rng, tags)
    image = render(content, style, rng)
    truth = {"rows": content.rows, "spans": [list(s) for s in content.spans],
             "tags": sorted(tags), "kinds": [col.kind for col in content.columns]}
    return image, truth, style.size


def write_set(out: Path, count: int, seed: int, degraded: bool) -> None:
    folder = out / ("degraded" if degraded else "clean")
    folder.mkdir(parents=True, exist_ok=True)
    prefix = "d" if degraded else "c"
    for i in range(count):
        rng = random.Random(f"{seed}-{prefix}-{i}")
        image, truth, text_px = make_case(i, rng)
        ext, quality = ".png", None
        if degraded:
            image, done, quality = degrade(image, rng, text_px)
            truth["tags"] = sorted(truth["tags"] + done)
            ext = ".jpg" if quality else ".png"
        case = f"{prefix}{i:03d}"
        image.save(folder / f"{case}{ext}", **({"quality": quality} if quality else {}))
        (folder / f"{case}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1),
                                             encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--clean", type=int, default=40)
    ap.add_argument("--degraded", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    write_set(a.out, a.clean, a.seed, degraded=False)
    write_set(a.out, a.degraded, a.seed, degraded=True)
    print(f"wrote {a.clean} clean and {a.degraded} degraded images to {a.out}")


if __name__ == "__main__":
    main()
