"""Table recovery on rendered pictures read by the real OCR engine (no mocks).

Text is drawn at 30 px (a 2x "retina" screenshot of 15 px text) unless a test says
otherwise: smaller text makes the recogniser drop spaces inside phrases ("WestCoast"),
which is an OCR limitation these tests are not about.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from PIL import Image, ImageDraw, ImageFont

from services.model import Table
from services.tables import recover_tables

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@pytest.fixture(scope="module")
def ocr():
    from services.ocr.rapid import RapidOcrEngine

    return RapidOcrEngine()


@dataclass
class Style:
    size: int = 30
    pad: int = 16
    row_h: int = 56
    fg: tuple = (0, 0, 0)
    bg: tuple = (255, 255, 255)
    rules: str = "grid"  # grid | rows | header | none
    line: tuple = (0, 0, 0)
    line_w: int = 2
    zebra: tuple | None = None
    align: str = ""  # one letter per column: l, r or c (default l)
    bold_header: bool = True
    header_rows: int = 1
    row_heights: dict = field(default_factory=dict)


def draw_table(draw: ImageDraw.ImageDraw, x: int, y: int, rows: list[list[str | None]],
               widths: list[int], st: Style, spans: dict | None = None) -> tuple[int, int]:
    """Draw ``rows`` ("" empty, None covered by a span, "\\n" = line break) at (x, y).

    ``spans`` maps (row, col) -> (rowspan, colspan). Returns the bottom-right corner.
    """
    spans = spans or {}
    font = ImageFont.truetype(FONT, st.size)
    bold = ImageFont.truetype(BOLD, st.size)
    xs = [x]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [y]
    for r in range(len(rows)):
        ys.append(ys[-1] + st.row_heights.get(r, st.row_h))
    if st.zebra:
        for r in range(st.header_rows, len(rows)):
            if (r - st.header_rows) % 2 == 1:
                draw.rectangle([xs[0], ys[r], xs[-1] - 1, ys[r + 1] - 1], fill=st.zebra)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            box = (xs[c], ys[r], xs[c + cs], ys[r + rs])
            if st.rules == "grid":
                draw.rectangle([box[0], box[1], box[2], box[3]], outline=st.line, width=st.line_w)
            f = bold if (st.bold_header and r < st.header_rows) else font
            align = "c" if cs > 1 else (st.align[c] if c < len(st.align) else "l")
            _draw_text(draw, box, text, f, st, align)
    if st.rules == "rows":
        for yy in ys:
            draw.line([(xs[0], yy), (xs[-1], yy)], fill=st.line, width=st.line_w)
    if st.rules == "header":
        yy = ys[st.header_rows]
        draw.line([(xs[0], yy), (xs[-1], yy)], fill=st.line, width=st.line_w)
    return xs[-1], ys[-1]


def _draw_text(draw, box, text, font, st: Style, align: str) -> None:
    parts = text.split("\n")
    line_h = int(st.size * 1.2)
    top = (box[1] + box[3]) / 2 - line_h * len(parts) / 2
    for i, part in enumerate(parts):
        w = draw.textlength(part, font=font)
        if align == "r":
            tx = box[2] - st.pad - w
        elif align == "c":
            tx = (box[0] + box[2] - w) / 2
        else:
            tx = box[0] + st.pad
        draw.text((tx, top + i * line_h), part, font=font, fill=st.fg)


def canvas(w: int, h: int, st: Style | None = None) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (w, h), (st or Style()).bg)
    return image, ImageDraw.Draw(image)


def texts(table: Table) -> list[list[str]]:
    """The grid as strings: "" for an empty position or one covered by a merge."""
    return [[cell.text if cell else "" for cell in row] for row in table.grid()]


def recover(ocr, image: Image.Image) -> list[Table]:
    return recover_tables(image, ocr.recognize(image))


def expected(rows: list[list[str | None]]) -> list[list[str]]:
    return [[(t or "").replace("\n", " ") for t in row] for row in rows]


FINANCE = [
    ["Item", "Amount", "Share", "Date"],
    ["Alpha", "1,234.50", "12.5%", "2024-01-15"],
    ["Beta", "987.00", "-3.2%", "2024-02-01"],
    ["Gamma", "45,000", "0.5%", "2024-03-31"],
    ["Delta", "12", "100%", "2024-12-24"],
]


def test_bordered_table_with_numbers_dates_and_percentages(ocr):
    image, draw = canvas(900, 360)
    draw_table(draw, 20, 20, FINANCE, [180, 220, 160, 240], Style(align="lrrl"))
    tables = recover(ocr, image)
    assert len(tables) == 1
    table = tables[0]
    assert (table.n_rows, table.n_cols) == (5, 4)
    assert texts(table) == FINANCE
    assert table.header_rows == 1
    grid = table.grid()
    assert grid[1][1].value.kind == "number" and grid[1][1].value.value == pytest.approx(1234.5)
    assert grid[1][2].value.kind == "percent" and grid[1][2].value.value == pytest.approx(0.125)
    assert grid[1][3].value.kind == "date" and grid[1][3].value.value.isoformat() == "2024-01-15"
    assert all(c.rowspan == c.colspan == 1 for c in table.cells)
    assert all(0 < c.confidence <= 1 for c in table.cells)


REGIONS = [
    ["Region", "Revenue", "Costs", "Margin"],
    ["West Coast", "1,234", "567", "54.1%"],
    ["South Africa", "98,765", "12,345", "87.5%"],
    ["Net income (loss)", "250", "1,300", "-4.2%"],
    ["East", "7", "3", "57.1%"],
]


def test_borderless_right_aligned_numbers_and_multi_word_text(ocr):
    st = Style(rules="none", align="lrrr")
    image, draw = canvas(1100, 330, st)
    draw_table(draw, 20, 20, REGIONS, [340, 200, 280, 180], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == REGIONS
    cell = tables[0].grid()[3][0]
    assert cell.bbox[0] < cell.bbox[2] and cell.text == "Net income (loss)"


def test_bordered_two_row_header_with_spanning_year(ocr):
    rows = [
        ["Region", "2024", None, "Total"],
        [None, "H1", "H2", None],
        ["North", "120", "135", "255"],
        ["South", "97", "110", "208"],
    ]
    spans = {(0, 0): (2, 1), (0, 1): (1, 2), (0, 3): (2, 1)}
    image, draw = canvas(760, 280)
    draw_table(draw, 20, 20, rows, [200, 160, 160, 180], Style(align="lrrr", header_rows=2), spans)
    tables = recover(ocr, image)
    assert len(tables) == 1
    table = tables[0]
    assert (table.n_rows, table.n_cols) == (4, 4)
    assert table.header_rows == 2
    grid = table.grid()
    assert grid[0][1].text == "2024" and grid[0][1].colspan == 2 and grid[0][1].rowspan == 1
    assert grid[0][0].text == "Region" and grid[0][0].rowspan == 2
    assert grid[0][3].text == "Total" and grid[0][3].rowspan == 2
    assert texts(table) == [
        ["Region", "2024", "", "Total"],
        ["", "H1", "H2", ""],
        ["North", "120", "135", "255"],
        ["South", "97", "110", "208"],
    ]


def test_zebra_striping_without_lines(ocr):
    st = Style(rules="none", zebra=(236, 240, 244), align="lrr")
    rows = [["Product", "Units", "Price"]] + [
        [name, str(units), price] for name, units, price in [
            ("Apples", 120, "0.50"), ("Pears", 80, "0.75"), ("Plums", 45, "1.20"),
            ("Cherries", 300, "4.10"), ("Grapes", 64, "2.35")]]
    image, draw = canvas(700, 400, st)
    draw_table(draw, 20, 20, rows, [260, 180, 180], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == rows


def test_only_horizontal_lines_between_rows(ocr):
    st = Style(rules="rows", line=(160, 160, 160), line_w=1, align="lrr")
    rows = [["City", "Population", "Change"], ["Oslo", "709,000", "1.2%"],
            ["Bergen", "291,000", "0.8%"], ["Tromso", "77,000", "-0.4%"]]
    image, draw = canvas(700, 280, st)
    draw_table(draw, 20, 20, rows, [220, 220, 180], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == rows


def test_header_underline_only(ocr):
    st = Style(rules="header", align="lr", row_h=48)
    rows = [["Team", "Score"], ["Lions", "31"], ["Bears", "27"], ["Wolves", "19"]]
    image, draw = canvas(520, 260, st)
    draw_table(draw, 20, 20, rows, [240, 180], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == rows


def test_empty_cells_keep_their_place(ocr):
    rows = [["Name", "Phone", "Email", "Score"],
            ["Anna", "", "anna@example.com", "91"],
            ["Bob", "555-0101", "", "78"],
            ["", "555-0199", "carl@example.com", ""]]
    for st in (Style(align="llll"), Style(rules="none", align="lllr")):
        image, draw = canvas(1060, 280, st)
        draw_table(draw, 20, 20, rows, [160, 230, 400, 150], st)
        tables = recover(ocr, image)
        assert len(tables) == 1, st.rules
        assert texts(tables[0]) == rows, st.rules


def test_title_above_table_goes_to_title(ocr):
    st = Style(rules="none", align="lr")
    image, draw = canvas(640, 340, st)
    draw.text((20, 14), "Quarterly sales", font=ImageFont.truetype(BOLD, 36), fill=(0, 0, 0))
    rows = [["Quarter", "Sales"], ["Q1", "1,200"], ["Q2", "1,350"], ["Q3", "1,410"]]
    draw_table(draw, 20, 80, rows, [260, 200], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert tables[0].title == "Quarterly sales"
    assert texts(tables[0]) == rows


def test_title_above_bordered_table(ocr):
    image, draw = canvas(640, 330)
    draw.text((20, 14), "Monthly costs", font=ImageFont.truetype(FONT, 30), fill=(0, 0, 0))
    rows = [["Month", "Cost"], ["January", "310"], ["February", "295"]]
    draw_table(draw, 20, 70, rows, [260, 200], Style(align="lr"))
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert tables[0].title == "Monthly costs"
    assert texts(tables[0]) == rows


def test_two_tables_in_one_image(ocr):
    st = Style(rules="none", align="lr")
    image, draw = canvas(700, 600, st)
    first = [["Fruit", "Stock"], ["Apples", "12"], ["Pears", "7"]]
    second = [["Country", "Capital", "Code"], ["France", "Paris", "FR"], ["Spain", "Madrid", "ES"],
              ["Italy", "Rome", "IT"]]
    draw_table(draw, 20, 20, first, [240, 160], st)
    draw_table(draw, 20, 300, second, [220, 220, 140], Style(align="lll"))
    tables = recover(ocr, image)
    assert [texts(t) for t in tables] == [first, second]


def test_two_tables_each_with_its_title(ocr):
    st = Style(rules="none", align="lr")
    image, draw = canvas(700, 640, st)
    bold = ImageFont.truetype(BOLD, 32)
    first = [["Fruit", "Stock"], ["Apples", "12"], ["Pears", "7"]]
    second = [["Country", "Capital"], ["France", "Paris"], ["Spain", "Madrid"]]
    draw.text((20, 10), "Stock levels", font=bold, fill=(0, 0, 0))
    draw_table(draw, 20, 60, first, [240, 160], st)
    draw.text((20, 300), "Capitals", font=bold, fill=(0, 0, 0))
    draw_table(draw, 20, 350, second, [240, 220], Style(align="ll"))
    tables = recover(ocr, image)
    assert [(t.title, texts(t)) for t in tables] == [("Stock levels", first), ("Capitals", second)]


def test_wrapped_two_line_cell_in_bordered_table(ocr):
    rows = [["Task", "Description", "Hours"],
            ["Design", "Draw the first\nwireframes", "12"],
            ["Build", "Code", "30"]]
    st = Style(align="llr", row_heights={1: 96})
    image, draw = canvas(760, 300)
    draw_table(draw, 20, 20, rows, [180, 300, 160], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == expected(rows)


def test_light_grey_one_pixel_lines(ocr):
    st = Style(line=(215, 215, 215), line_w=1, align="lrr")
    rows = [["Code", "Qty", "Total"], ["A-100", "3", "29.97"], ["B-200", "10", "150.00"],
            ["C-300", "4", "7.50"]]
    image, draw = canvas(640, 280)
    draw_table(draw, 20, 20, rows, [200, 160, 200], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    table = tables[0]
    assert texts(table) == rows
    assert all(c.colspan == c.rowspan == 1 for c in table.cells)


def test_dark_mode_with_lines_lighter_than_background(ocr):
    st = Style(fg=(230, 230, 230), bg=(30, 32, 36), line=(90, 94, 100), line_w=1, align="lrl")
    rows = [["Server", "Load", "Status"], ["web-1", "0.42", "healthy"], ["web-2", "1.87", "busy"],
            ["db-1", "0.15", "healthy"]]
    image, draw = canvas(700, 280, st)
    draw_table(draw, 20, 20, rows, [200, 160, 240], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == rows
    assert all(c.colspan == c.rowspan == 1 for c in tables[0].cells)


SCREEN_ROWS = [
    ["Order", "Customer", "Date", "Amount", "Status"],
    ["10421", "Acme", "2024-03-02", "1,250.00", "Paid"],
    ["10422", "Globex", "2024-03-04", "980.50", "Pending"],
    ["10423", "Initech", "2024-03-05", "12,400.00", "Paid"],
    ["10424", "Umbrella", "2024-03-07", "45.99", "Refunded"],
    ["10425", "Hooli", "2024-03-09", "3,310.10", "Paid"],
    ["10426", "Stark", "2024-03-11", "720.00", "Pending"],
    ["10427", "Wayne", "2024-03-12", "5,000.00", "Paid"],
]


def _screenshot() -> Image.Image:
    st = Style(size=20, rules="rows", line=(225, 228, 232), line_w=1, row_h=52, pad=24,
               align="llrrl", zebra=(247, 248, 250))
    image, draw = canvas(1200, 600, st)
    draw.text((40, 40), "Recent orders", font=ImageFont.truetype(BOLD, 26), fill=(20, 20, 20))
    draw_table(draw, 40, 110, SCREEN_ROWS, [180, 280, 230, 220, 200], st)
    return image


def test_screenshot_1200x600_eight_rows_five_columns_and_speed(ocr):
    image = _screenshot()
    words = ocr.recognize(image)
    tables = recover_tables(image, words)
    assert len(tables) == 1
    assert tables[0].title == "Recent orders"
    assert texts(tables[0]) == SCREEN_ROWS
    recover_tables(image, words)
    started = time.perf_counter()
    for _ in range(5):
        recover_tables(image, words)
    per_call = (time.perf_counter() - started) / 5
    assert per_call < 0.1, f"recovery took {per_call * 1000:.1f} ms"


def test_borderless_header_centred_over_two_columns(ocr):
    st = Style(rules="none", align="lrrr", header_rows=2)
    rows = [["", "2024", None, ""], ["Region", "H1", "H2", "Total"],
            ["North", "120", "135", "255"], ["South", "97", "110", "208"]]
    image, draw = canvas(800, 300, st)
    draw_table(draw, 20, 20, rows, [200, 160, 160, 180], st, {(0, 1): (1, 2)})
    tables = recover(ocr, image)
    assert len(tables) == 1
    table = tables[0]
    assert table.grid()[0][1].text == "2024" and table.grid()[0][1].colspan == 2
    assert table.header_rows == 2
    assert texts(table) == expected(rows)


@pytest.mark.parametrize("rules, fill", [("rows", None), ("none", (215, 225, 240))])
def test_group_header_centred_over_more_columns_than_its_text_reaches(ocr, rules, fill):
    """"Contact details" is centred over Name, City and Email but its words lie over City and
    Email only; the row rules, or the shaded header band, show where the table ends."""
    st = Style(rules=rules, header_rows=2)
    rows = [["", "Contact details", None, None], ["Order", "Name", "City", "Email"],
            ["A-1041", "Ana Ruiz", "Lyon", "ana@ruiz.fr"],
            ["A-1042", "Bo Lind", "Oslo", "bo@lind.no"],
            ["A-1043", "Cem Aksoy", "Izmir", "cem@aksoy.tr"]]
    image, draw = canvas(900, 340, st)
    if fill:
        draw.rectangle([20, 20, 889, 131], fill=fill)
    draw_table(draw, 20, 20, rows, [200, 210, 160, 300], st, {(0, 1): (1, 3)})
    tables = recover(ocr, image)
    assert len(tables) == 1
    cell = tables[0].grid()[0][1]
    assert cell is not None and (cell.text, cell.colspan) == ("Contact details", 3)
    assert texts(tables[0]) == expected(rows)


def test_lone_top_label_aligned_with_its_column_keeps_to_it(ocr):
    """"Notes" starts where the City column's texts start: it labels that column, though it
    happens to sit near the middle of the first three."""
    st = Style(rules="none", header_rows=2)
    rows = [["", "Notes", "", ""], ["Name", "City", "Team", "Role"], ["Ana", "Lyon", "Blue", "Lead"],
            ["Bo", "Oslo", "Red", "Dev"], ["Cem", "Izmir", "Blue", "QA"]]
    image, draw = canvas(1000, 340, st)
    draw_table(draw, 20, 20, rows, [180, 160, 160, 180], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert [(c.col, c.colspan) for c in tables[0].cells if c.row == 0] == [(1, 1)]
    assert texts(tables[0]) == rows


def test_rules_above_below_and_under_header_only(ocr):
    """Booktabs style: the body between two rules is still one row per line."""
    st = Style(rules="none", align="lrr", row_h=44)
    rows = [["Model", "Params", "Score"], ["Small", "12M", "71.2"], ["Base", "110M", "78.9"],
            ["Large", "340M", "81.4"]]
    image, draw = canvas(640, 300, st)
    draw_table(draw, 20, 30, rows, [200, 180, 180], st)
    for y, w in ((22, 2), (74, 1), (210, 2)):
        draw.line([(20, y), (580, y)], fill=(0, 0, 0), width=w)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == rows


def test_shaded_header_with_white_text(ocr):
    rows = [["Product", "Units", "Price"], ["Apples", "120", "0.50"], ["Pears", "80", "0.75"],
            ["Plums", "45", "1.20"]]
    image, draw = canvas(700, 300)
    draw.rectangle([20, 20, 640, 75], fill=(40, 60, 120))
    draw_table(draw, 20, 20, rows[:1], [260, 180, 180],
               Style(rules="none", align="lrr", fg=(255, 255, 255)))
    draw_table(draw, 20, 76, rows[1:], [260, 180, 180],
               Style(rules="none", align="lrr", bold_header=False))
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == rows


def test_blurred_noisy_jpeg_photo_of_a_grid(ocr):
    import io

    import numpy as np
    from PIL import ImageFilter

    image, draw = canvas(900, 360)
    draw_table(draw, 20, 20, FINANCE, [180, 220, 160, 240],
               Style(align="lrrl", line=(120, 120, 120), line_w=1))
    pixels = np.asarray(image.filter(ImageFilter.GaussianBlur(1.2))).astype(float)
    shade = np.linspace(0.8, 1.0, pixels.shape[1])[None, :, None]
    noise = np.random.default_rng(0).normal(0, 6, pixels.shape)
    photo = Image.fromarray(np.clip(pixels * shade + noise, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=60)
    tables = recover(ocr, Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    assert len(tables) == 1
    assert texts(tables[0]) == FINANCE


def test_grid_photographed_two_degrees_askew(ocr):
    image, draw = canvas(900, 360)
    draw_table(draw, 20, 20, FINANCE, [180, 220, 160, 240], Style(align="lrrl"))
    tables = recover(ocr, image.rotate(2.0, fillcolor=(255, 255, 255), resample=Image.BICUBIC))
    assert len(tables) == 1
    assert texts(tables[0]) == FINANCE
    assert all(c.rowspan == c.colspan == 1 for c in tables[0].cells)


def test_header_cells_wrapping_over_two_lines_under_a_rule(ocr):
    st = Style(rules="header", align="lrr", row_heights={0: 90})
    rows = [["Product", "Unit\nprice", "Stock\nlevel"], ["Apples", "0.50", "120"],
            ["Pears", "0.75", "80"]]
    image, draw = canvas(640, 300, st)
    draw_table(draw, 20, 20, rows, [240, 160, 160], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == expected(rows)


def test_sentence_above_a_table_stays_out_of_its_grid(ocr):
    st = Style(rules="none", align="lr")
    image, draw = canvas(800, 420, st)
    sentence = ["The figures below show the sales of", "each region for the first quarter."]
    for i, line in enumerate(sentence):
        draw.text((20, 10 + i * 40), line, font=ImageFont.truetype(FONT, 30), fill=(0, 0, 0))
    rows = [["Region", "Sales"], ["North", "120"], ["South", "97"]]
    draw_table(draw, 20, 110, rows, [400, 200], st)
    tables = recover(ocr, image)
    assert [texts(t) for t in tables] == [[[line] for line in sentence], rows]


def test_spreadsheet_gridlines_beyond_the_data_are_trimmed(ocr):
    st = Style(size=18, line=(218, 220, 224), line_w=1, row_h=30, pad=6, align="lrr",
               bold_header=False)
    rows = [["Item", "Qty", "Price"], ["Widget", "4", "2.50"], ["Gadget", "12", "3.75"],
            ["Sprocket", "7", "10.00"]]
    sheet = [row + ["", "", ""] for row in rows] + [[""] * 6] * 12
    image, draw = canvas(900, 520, st)
    draw_table(draw, 0, 0, sheet, [120, 80, 80, 80, 80, 80], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == rows


def test_single_column_is_n_by_1(ocr):
    st = Style(rules="none")
    rows = [["Apples"], ["Bananas"], ["Cherries"], ["Dates"]]
    image, draw = canvas(400, 280, st)
    draw_table(draw, 20, 20, rows, [300], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert (tables[0].n_rows, tables[0].n_cols) == (4, 1)
    assert texts(tables[0]) == rows


def test_blank_image_gives_no_tables(ocr):
    image, _ = canvas(300, 200)
    assert recover(ocr, image) == []


SMALL_TEXT = [
    ["Region", "Revenue", "Growth"],
    ["West Coast", "1,234.50", "12.5%"],
    ["South East Asia", "(987.00)", "-3.2%"],
    ["East", "45,000", "0.8%"],
    ["Mid West Region", "3,400.25", "7.5%"],
]


@pytest.mark.parametrize("size", [14, 16])
def test_small_screenshot_text_keeps_spaces_between_words(ocr, size):
    """The recogniser drops the space in "WestCoast" at these sizes; it is put back from
    the pixels, and digit strokes poking out of their word box are not taken for rules."""
    st = Style(size=size, pad=size // 2, row_h=int(size * 2.2), line_w=1, align="lrr")
    image, draw = canvas(size * 40, size * 16, st)
    draw_table(draw, size, size, SMALL_TEXT, [size * 14, size * 9, size * 7], st)
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == SMALL_TEXT


@pytest.mark.parametrize("degrees", [-4.5, 3.5])
def test_photo_a_few_degrees_askew_is_straightened_first(ocr, degrees):
    from services.pipeline import convert_image
    from tests.imaging import png_bytes

    st = Style(rules="none", align="lrrr")
    image, draw = canvas(1100, 330, st)
    draw_table(draw, 20, 20, REGIONS, [340, 200, 280, 180], st)
    photo = image.rotate(degrees, expand=True, fillcolor=(255, 255, 255), resample=Image.BICUBIC)
    tables = convert_image(png_bytes(photo), ocr, max_pixels=50_000_000).tables
    assert len(tables) == 1
    assert texts(tables[0]) == REGIONS


def test_filled_header_band_above_a_ruled_box_is_its_header_row(ocr):
    """The header sits in a dark band whose rules are not drawn; the grid's lines start
    under it. The header is the table's first row, one cell per column, not a table of its own."""
    rows = [["Contact", "Part", "Postcode", "Share"], ["Yara Tanaka", "Sensor", "91735", "73.1%"],
            ["Victor Moreau", "Valve", "30787", "-2%"], ["Gustav Schmidt", "Monitor", "79555", "-22%"]]
    widths = [300, 200, 200, 160]
    image, draw = canvas(960, 320)
    draw.rectangle([20, 20, 20 + sum(widths), 76], fill=(70, 100, 130))
    draw_table(draw, 20, 20, rows[:1], widths, Style(rules="none", fg=(230, 230, 230)))
    draw_table(draw, 20, 76, rows[1:], widths, Style(line=(110, 110, 110), line_w=1,
                                                      bold_header=False, align="llrr"))
    tables = recover(ocr, image)
    assert len(tables) == 1
    assert texts(tables[0]) == rows


def test_a_slanted_rule_cut_into_pieces_is_one_ruling():
    """A photographed grid leans: its first vertical rule drifts 24 px over the table's
    height and is found in three pieces; they make one column boundary, while short
    strokes of noise beside each other stay apart."""
    from services.tables.lines import detect_rulings

    image, draw = canvas(600, 420)
    for i, (x, y0, y1) in enumerate([(100, 40, 160), (110, 150, 270), (120, 260, 380)]):
        draw.line([(x, y0), (x, y1)], fill=(0, 0, 0), width=2)
    for x in (300, 306, 312):
        draw.line([(x, 100 + (x - 300) * 4), (x, 125 + (x - 300) * 4)], fill=(0, 0, 0), width=2)
    draw.line([(500, 40), (500, 380)], fill=(0, 0, 0), width=2)
    vertical = detect_rulings(image, [], 20).vertical
    slanted = [s for s in vertical if 90 <= s.pos <= 130]
    assert len(slanted) == 1 and slanted[0].start <= 45 and slanted[0].end >= 375
    assert 105 <= slanted[0].pos <= 115
    assert len([s for s in vertical if 295 <= s.pos <= 315]) == 3
