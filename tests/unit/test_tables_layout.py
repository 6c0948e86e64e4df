"""Table recovery from hand-made word boxes and drawn rulings: no OCR involved.

Words are laid out like OCR output: 10 px per character, 20 px tall boxes, one space
measuring 6 px between the words of a phrase.
"""
from __future__ import annotations

import datetime as dt

from PIL import Image, ImageDraw

from services.model import Table, Word
from services.tables import recover_tables
from services.tables.assemble import cell_text
from services.tables.lines import detect_rulings
from services.tables.stripes import fill_edges

CHAR, SPACE, HEIGHT = 10, 6, 20


def phrase(text: str, x: float, y: float, right: bool = False, conf: float = 0.99) -> list[Word]:
    """Words of ``text`` starting at x (or ending at x when ``right``), top at y."""
    parts = text.split()
    width = sum(len(p) * CHAR for p in parts) + SPACE * (len(parts) - 1)
    x = x - width if right else x
    words = []
    for part in parts:
        words.append(Word(part, (x, y, x + len(part) * CHAR, y + HEIGHT), conf))
        x += len(part) * CHAR + SPACE
    return words


def layout(rows: list[list[str]], lefts: list[float], aligns: str, top: float = 20,
           pitch: float = 36) -> list[Word]:
    """Words of a borderless table; for a right-aligned column ``lefts`` holds its right edge."""
    words = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                words += phrase(text, lefts[c], top + r * pitch, right=aligns[c] == "r")
    return words


def blank(w: int = 900, h: int = 500) -> Image.Image:
    return Image.new("RGB", (w, h), "white")


def texts(table: Table) -> list[list[str]]:
    return [[cell.text if cell else "" for cell in row] for row in table.grid()]


def test_no_words_no_tables():
    assert recover_tables(blank(), []) == []
    assert recover_tables(blank(), [Word("  ", (0, 0, 10, 10), 0.9)]) == []


def test_borderless_phrases_join_and_right_aligned_numbers_split():
    rows = [["Region", "Revenue", "Margin"],
            ["West Coast", "1,234", "54.1%"],
            ["Net income (loss)", "98,765", "-4.2%"],
            ["East", "7", "0.5%"]]
    tables = recover_tables(blank(), layout(rows, [20, 330, 460], "lrr"))
    assert len(tables) == 1
    assert texts(tables[0]) == rows
    assert (tables[0].n_rows, tables[0].n_cols) == (4, 3)


def test_aligned_spaces_do_not_make_a_column():
    # "West"/"East" have the same width, so the space after them lines up in every row.
    rows = [["West Coast", "10"], ["East Coast", "20"], ["West Shore", "30"]]
    tables = recover_tables(blank(), layout(rows, [20, 300], "lr"))
    assert texts(tables[0]) == rows


def test_aligned_spaces_with_an_empty_cell_below_do_not_make_a_column():
    rows = [["Item", "Region", "Sales"], ["Pens", "West Coast", "10"], ["Ink", "", "20"],
            ["Pads", "East Coast", "30"]]
    tables = recover_tables(blank(), layout(rows, [20, 160, 500], "llr"))
    assert texts(tables[0]) == rows


def test_tightly_packed_spreadsheet_columns_are_split():
    # 8 px (0.4 of the text height) between right-aligned numbers and left-aligned dates,
    # and between two left-aligned text columns: narrower than a phrase gap.
    rows = [["Name", "City", "Score", "Date"], ["Anna", "Oslo", "91", "2024-01-02"],
            ["Bob", "Bergen", "78", "2024-02-03"], ["Christopher", "Tromso", "66", "2024-03-04"]]
    tables = recover_tables(blank(), layout(rows, [20, 138, 280, 288], "llrl"))
    assert texts(tables[0]) == rows


def test_digit_groups_separated_by_spaces_stay_one_number():
    rows = [["Item", "Amount"], ["Rent", "1 200"], ["Car", "12 500"], ["House", "350 000"]]
    tables = recover_tables(blank(), layout(rows, [20, 400], "lr"))
    assert texts(tables[0]) == rows


def test_empty_cells_stay_in_their_columns():
    rows = [["Name", "Phone", "Score"], ["Anna", "", "91"], ["Bob", "555-0101", ""],
            ["", "555-0199", "12"]]
    tables = recover_tables(blank(), layout(rows, [20, 200, 420], "llr"))
    assert texts(tables[0]) == rows


def test_cell_confidence_is_the_lowest_and_bbox_the_union():
    words = (phrase("Item", 20, 20) + phrase("Qty", 300, 20, right=True)
             + [Word("Blue", (20, 56, 60, 76), 0.95), Word("pen", (66, 56, 96, 76), 0.7)]
             + phrase("3", 300, 56, right=True))
    cell = recover_tables(blank(), words)[0].grid()[1][0]
    assert cell.text == "Blue pen"
    assert cell.confidence == 0.7
    assert cell.bbox == (20, 56, 96, 76)


def test_values_are_typed():
    rows = [["Date", "Amount", "Share"], ["2024-01-15", "1,234.50", "12.5%"]]
    table = recover_tables(blank(), layout(rows, [20, 300, 420], "lrr"))[0]
    kinds = [cell.value.kind for cell in table.grid()[1]]
    assert kinds == ["date", "number", "percent"]
    assert table.grid()[0][0].value.kind == "text"


def test_title_line_above_block_goes_to_title():
    words = phrase("Revenue by quarter and region", 20, 10)
    words += layout([["Quarter", "Sales"], ["Q1", "1,200"], ["Q2", "1,350"]], [20, 260], "lr",
                    top=60)
    tables = recover_tables(blank(), words)
    assert len(tables) == 1
    assert tables[0].title == "Revenue by quarter and region"
    assert texts(tables[0]) == [["Quarter", "Sales"], ["Q1", "1,200"], ["Q2", "1,350"]]


def test_spanning_header_centred_over_two_columns_is_merged():
    words = phrase("2024", 265, 20)
    words += layout([["Region", "H1", "H2"], ["North", "120", "135"], ["South", "97", "110"]],
                    [20, 280, 380], "lrr", top=56)
    table = recover_tables(blank(), words)[0]
    assert (table.n_rows, table.n_cols) == (4, 3)
    top = table.grid()[0][1]
    assert top.text == "2024" and top.colspan == 2
    assert table.header_rows == 2
    assert texts(table)[1:] == [["Region", "H1", "H2"], ["North", "120", "135"],
                                ["South", "97", "110"]]


def test_a_lone_header_word_over_two_packed_columns_spans_them():
    """"Shipping" centred over two left-aligned text columns 10 px apart: a gap too narrow
    for a phrase to span, but this is one word, alone on its row."""
    rows = [["Date", "Item", "Postcode"], ["2024-01-02", "Keyboard", "53318"],
            ["2024-02-03", "Pump", "47766"], ["2024-03-04", "Lamp", "68893"],
            ["2024-04-05", "Adapter", "02758"]]
    words = phrase("Shipping", 365, 20) + layout(rows, [20, 320, 410], "lll", top=56)
    table = recover_tables(blank(), words)[0]
    top = table.grid()[0][1]
    assert top.text == "Shipping" and top.colspan == 2
    assert texts(table)[1:] == rows


def test_continuation_line_joins_only_when_close_and_aligned():
    base = [["Task", "Description", "Hours"], ["Design", "Draw the first", "12"]]
    words = layout(base, [20, 160, 500], "llr")
    words += phrase("wireframes", 160, 20 + 36 + 22)  # 22 px below: tighter than the 36 px pitch
    words += layout([["Build", "Code", "30"]], [20, 160, 500], "llr", top=20 + 36 * 2 + 22)
    assert texts(recover_tables(blank(), words)[0]) == [
        ["Task", "Description", "Hours"], ["Design", "Draw the first wireframes", "12"],
        ["Build", "Code", "30"]]

    apart = layout(base + [["", "wireframes", ""], ["Build", "Code", "30"]],
                   [20, 160, 500], "llr")  # same line at the full row pitch: its own row
    assert texts(recover_tables(blank(), apart)[0]) == [
        ["Task", "Description", "Hours"], ["Design", "Draw the first", "12"],
        ["", "wireframes", ""], ["Build", "Code", "30"]]


def test_cells_centred_beside_wrapped_text_stay_in_one_row():
    words = layout([["Task", "Description", "Hours"]], [20, 160, 500], "llr")
    words += phrase("Draw the first", 160, 74) + phrase("wireframes", 160, 110)
    words += phrase("Design", 20, 92) + phrase("12", 500, 92, right=True)
    words += layout([["Build", "Code", "30"], ["Test", "Check", "8"]], [20, 160, 500], "llr",
                    top=164, pitch=54)
    assert texts(recover_tables(blank(), words)[0]) == [
        ["Task", "Description", "Hours"], ["Design", "Draw the first wireframes", "12"],
        ["Build", "Code", "30"], ["Test", "Check", "8"]]


def test_section_label_close_above_a_full_row_is_not_joined():
    words = []
    for text, y in (("Assets", 20), ("Liabilities", 140)):
        words += phrase(text, 20, y)
    for name, value, y in (("Cash", "100", 44), ("Receivables", "200", 92),
                           ("Loans", "50", 164), ("Payables", "70", 212)):
        words += phrase(name, 20, y) + phrase(value, 400, y, right=True)
    assert texts(recover_tables(blank(), words)[0]) == [
        ["Assets", ""], ["Cash", "100"], ["Receivables", "200"], ["Liabilities", ""],
        ["Loans", "50"], ["Payables", "70"]]


def test_header_cells_wrapping_over_two_lines_are_one_header_row():
    words = phrase("Product", 20, 31) + phrase("Unit", 260, 20, right=True)
    words += phrase("Stock", 380, 20, right=True) + phrase("price", 260, 42, right=True)
    words += phrase("level", 380, 42, right=True)
    words += layout([["Apples", "0.50", "120"], ["Pears", "0.75", "80"], ["Plums", "1.20", "45"]],
                    [20, 260, 380], "lrr", top=90, pitch=40)
    table = recover_tables(blank(), words)[0]
    assert texts(table) == [["Product", "Unit price", "Stock level"], ["Apples", "0.50", "120"],
                            ["Pears", "0.75", "80"], ["Plums", "1.20", "45"]]


def test_tight_first_rows_of_plain_text_are_not_taken_for_a_wrapped_header():
    words = layout([["Name", "City"], ["Anna", "Oslo"]], [20, 260], "ll", pitch=30)
    words += layout([["Bob", "Bergen"], ["Carl", "Tromso"]], [20, 260], "ll", top=100, pitch=50)
    assert texts(recover_tables(blank(), words)[0]) == [
        ["Name", "City"], ["Anna", "Oslo"], ["Bob", "Bergen"], ["Carl", "Tromso"]]


def test_sentence_lines_above_the_columns_form_their_own_block():
    words = phrase("The figures below show the sales of", 20, 20)
    words += phrase("each region for the first quarter.", 20, 48)
    words += layout([["Region", "Sales"], ["North", "120"], ["South", "97"]], [20, 420], "lr",
                    top=90)
    tables = recover_tables(blank(), words)
    assert [texts(t) for t in tables] == [
        [["The figures below show the sales of"], ["each region for the first quarter."]],
        [["Region", "Sales"], ["North", "120"], ["South", "97"]]]


def test_numbers_under_a_row_are_not_a_continuation():
    words = layout([["Item", "Q1", "Q2"], ["Pens", "10", "12"]], [20, 260, 380], "lrr")
    words += phrase("14", 380, 20 + 36 + 22, right=True)
    table = recover_tables(blank(), words)[0]
    assert table.n_rows == 3
    assert texts(table)[2] == ["", "", "14"]


def test_blocks_far_apart_are_separate_tables():
    first = [["Fruit", "Stock"], ["Apples", "12"], ["Pears", "7"]]
    second = [["Country", "Code"], ["France", "FR"], ["Spain", "ES"]]
    words = layout(first, [20, 300], "lr") + layout(second, [20, 300], "ll", top=300)
    assert [texts(t) for t in recover_tables(blank(), words)] == [first, second]


def _wrapped_rows(top: float, row_gaps: list[int]) -> tuple[list[Word], float]:
    """A header and rows whose comment wraps onto three tight lines, the other cells centred
    beside it (gen2 c004's layout): the gaps between lines are tiny, those between rows
    about a text height."""
    words = [Word("Account", (50, top, 200, top + 40), 0.9), Word("Fee", (300, top, 380, top + 40), 0.9),
             Word("Comment", (500, top, 700, top + 40), 0.9)]
    y = top + 80
    for r, gap in enumerate(row_gaps):
        for k in range(3):
            words += [Word(f"word{r}{k}", (500, y + 42 * k, 600, y + 42 * k + 40), 0.9),
                      Word("and", (615, y + 42 * k, 680, y + 42 * k + 40), 0.9)]
        middle = y + 42 + 20
        words += [Word(f"00{r}47", (50, middle - 20, 150, middle + 20), 0.9),
                  Word(f"{r},518", (300, middle - 20, 380, middle + 20), 0.9)]
        y += 2 * 42 + 40 + gap
    return words, y


def test_a_row_gap_in_a_table_of_wrapped_rows_does_not_split_it():
    words, _ = _wrapped_rows(20, [36, 44, 36, 44, 36, 44])
    tables = recover_tables(blank(900, 1400), words)
    assert len(tables) == 1
    assert (tables[0].n_rows, tables[0].n_cols) == (7, 3)
    assert texts(tables[0])[2] == ["00147", "1,518", "word10 and word11 and word12 and"]


def test_two_tables_of_wrapped_rows_a_few_rows_apart_stay_apart():
    first, bottom = _wrapped_rows(20, [36, 44, 36])
    second, _ = _wrapped_rows(bottom + 120, [36, 44, 36])
    assert [(t.n_rows, t.n_cols) for t in recover_tables(blank(900, 2000), first + second)] \
        == [(4, 3), (4, 3)]


def test_single_column_is_n_by_1():
    rows = [["Apples and pears"], ["Bananas"], ["Cherry pie"]]
    table = recover_tables(blank(), layout(rows, [20], "l"))[0]
    assert (table.n_rows, table.n_cols) == (3, 1)
    assert texts(table) == rows


def test_cell_text_keeps_a_break_only_where_the_next_word_would_have_fitted():
    wrapped = phrase("Draw the first", 10, 0) + phrase("wireframes", 10, 24)
    assert cell_text(wrapped, HEIGHT, frame=(0, 0, 160, 60)) == "Draw the first wireframes"
    broken = phrase("Oslo", 10, 0) + phrase("Norway", 10, 24)
    assert cell_text(broken, HEIGHT, frame=(0, 0, 300, 60)) == "Oslo\nNorway"
    assert cell_text(broken, HEIGHT) == "Oslo Norway"


def _grid_image(color=(0, 0, 0), width=1, zebra=None) -> Image.Image:
    image = blank(600, 300)
    draw = ImageDraw.Draw(image)
    if zebra:
        for y in range(40, 260, 80):
            draw.rectangle([20, y, 580, y + 39], fill=zebra)
    if color:
        for y in range(20, 281, 40):
            draw.line([(20, y), (580, y)], fill=color, width=width)
        for x in (20, 200, 400, 580):
            draw.line([(x, 20), (x, 280)], fill=color, width=width)
    return image


def test_rulings_found_for_dark_and_light_grey_lines():
    for color in ((0, 0, 0), (215, 215, 215)):
        rulings = detect_rulings(_grid_image(color), [], HEIGHT)
        assert [round(s.pos) for s in rulings.horizontal] == list(range(20, 281, 40))
        assert [round(s.pos) for s in rulings.vertical] == [20, 200, 400, 580]
        assert rulings.h_coverage(60, 30, 570) == 1.0
        assert rulings.v_coverage(200, 30, 270) == 1.0


def test_zebra_stripes_are_not_rulings_but_their_edges_separate_rows():
    image = _grid_image(color=None, zebra=(225, 228, 232))
    rulings = detect_rulings(image, [], HEIGHT)
    assert rulings.horizontal == [] and rulings.vertical == []
    edges = fill_edges(rulings.gray, 20, 580, 20, 280, 0.8 * HEIGHT)
    assert [round(e) for e in edges] == [40, 80, 120, 160, 200, 240]


def test_dark_mode_lines_lighter_than_background_are_found():
    image = Image.new("RGB", (600, 300), (30, 32, 36))
    draw = ImageDraw.Draw(image)
    for y in (20, 60, 100):
        draw.line([(20, y), (580, y)], fill=(80, 84, 90), width=1)
    rulings = detect_rulings(image, [], HEIGHT)
    assert [round(s.pos) for s in rulings.horizontal] == [20, 60, 100]


def test_bordered_grid_with_a_missing_segment_gives_a_merged_cell():
    image = blank(620, 200)
    draw = ImageDraw.Draw(image)
    xs, ys = (20, 220, 420, 600), (20, 60, 100, 140)
    for y in ys:
        draw.line([(20, y), (600, y)], fill=(0, 0, 0), width=1)
    for x in xs:
        draw.line([(x, 60 if x == 420 else 20), (x, 140)], fill=(0, 0, 0), width=1)
    words = (phrase("Region", 30, 30) + phrase("Total", 380, 30)
             + phrase("North", 30, 70) + phrase("10", 320, 70) + phrase("12", 520, 70)
             + phrase("South", 30, 110) + phrase("11", 320, 110) + phrase("13", 520, 110))
    table = recover_tables(image, words)[0]
    assert (table.n_rows, table.n_cols) == (3, 3)
    total = table.grid()[0][1]
    assert total.text == "Total" and total.colspan == 2
    assert texts(table) == [["Region", "Total", ""], ["North", "10", "12"], ["South", "11", "13"]]


def test_vertical_rulings_read_as_bars_are_removed():
    image = blank(520, 140)
    draw = ImageDraw.Draw(image)
    for y in (20, 60, 100):
        draw.line([(20, y), (500, y)], fill=(0, 0, 0), width=1)
    for x in (20, 260, 500):
        draw.line([(x, 20), (x, 100)], fill=(0, 0, 0), width=1)
    words = (phrase("Item", 30, 30) + [Word("|Price", (258, 30, 330, 50), 0.9)]
             + [Word("|", (256, 70, 264, 90), 0.6)]
             + phrase("Pens", 30, 70) + phrase("2.50", 490, 70, right=True))
    table = recover_tables(image, words)[0]
    assert texts(table) == [["Item", "Price"], ["Pens", "2.50"]]


def test_recovery_is_fast_on_a_1200x600_image():
    import time

    image = Image.new("RGB", (1200, 600), "white")
    draw = ImageDraw.Draw(image)
    for y in range(100, 561, 52):
        draw.line([(40, y), (1150, y)], fill=(220, 220, 220), width=1)
    rows = [[f"Name{r}", f"{r * 13},{r:03d}.50", "2024-03-02", "Paid", f"{r}.5%"]
            for r in range(9)]
    words = layout(rows, [60, 420, 500, 800, 1100], "lrllr", top=115, pitch=52)
    words += [w for r in range(9) for w in phrase("note text", 900, 115 + r * 52)]
    recover_tables(image, words)
    started = time.perf_counter()
    for _ in range(5):
        tables = recover_tables(image, words)
    assert (time.perf_counter() - started) / 5 < 0.1
    assert (tables[0].n_rows, tables[0].n_cols) == (9, 6)


def test_glyph_strokes_poking_out_of_a_word_box_are_not_rules():
    """OCR boxes may end short of the glyphs: the tops of "000" still belong to the word."""
    image = blank(520, 140)
    draw = ImageDraw.Draw(image)
    for y in (20, 60, 100):
        draw.line([(20, y), (500, y)], fill=(0, 0, 0), width=1)
    draw.line([(468, 78), (494, 78)], fill=(0, 0, 0), width=2)  # a stroke 4 px past the box
    words = (phrase("Item", 30, 30) + phrase("Price", 490, 30, right=True)
             + phrase("Pens", 30, 70) + [Word("45,000", (448, 70, 490, 90), 0.9)])
    table = recover_tables(image, words)[0]
    assert texts(table) == [["Item", "Price"], ["Pens", "45,000"]]


def test_row_labels_centred_between_two_header_lines_span_both():
    """"ID" and "Name" sit halfway between "Amounts" and its sub-headers: one cell each,
    spanning the two header rows, not a row of their own."""
    lefts, aligns = [40, 200, 520, 700], "llrr"
    words = (phrase("Amounts", 560, 20) + phrase("ID", 40, 38) + phrase("Name", 200, 38)
             + layout([["", "", "Q1", "Q2"]], lefts, aligns, top=56)
             + layout([["001", "Alpha one", "12.5", "7"], ["002", "Beta", "3.25", "11"],
                       ["003", "Gamma", "0.5", "42"]], lefts, aligns, top=96, pitch=36))
    table = recover_tables(blank(900, 260), words)[0]
    assert texts(table) == [["ID", "Name", "Amounts", ""], ["", "", "Q1", "Q2"],
                            ["001", "Alpha one", "12.5", "7"], ["002", "Beta", "3.25", "11"],
                            ["003", "Gamma", "0.5", "42"]]
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells}
    assert spans[(0, 0)] == spans[(0, 1)] == (2, 1) and spans[(0, 2)] == (1, 2)
    assert table.header_rows == 2


def test_a_word_read_across_a_packed_column_gap_does_not_close_it():
    """Right-aligned numbers 10 px from left-aligned words; in one row the OCR read the
    number and the word as one box ("558,095 Open" -> "5Open" starting in the number)."""
    rows = [["Region", "Units", "Status"], ["East", "360,518", "Shipped"],
            ["Detroit", "562,763", "Closed"], ["Chicago", "558,095", "Open"],
            ["South", "1,082,405", "Draft"], ["Central", "507,533", "Overdue"]]
    words = [w for w in layout(rows, [20, 280, 290], "lrl") if w.text != "Open"]
    words.append(Word("5Open", (275, 20 + 3 * 36, 330, 20 + 3 * 36 + HEIGHT), 0.7))
    table = recover_tables(blank(), words)[0]
    assert texts(table)[3] == ["Chicago", "558,095", "5Open"]
    assert [r[1:] for r in texts(table)[1:3]] == [["360,518", "Shipped"], ["562,763", "Closed"]]


def test_box_edges_a_pixel_into_a_packed_column_gap_do_not_close_it():
    """Right-aligned amounts 7 px from right-aligned percentages. The header "Fee" ends a
    pixel and a half past the amounts and one percentage starts a pixel early: two rows
    that only graze the gap, where one row crossing it is all a gap may take."""
    rows = [["Ref", "Fee", "Share"], ["A1", "$32", "81.37%"], ["A2", "$528,595", "-39.0%"],
            ["A3", "$67", "68.42%"], ["A4", "-$65", "102.35%"], ["A5", "$595,286", "-31.54%"],
            ["A6", "$38", "-7.1%"]]
    words = layout(rows[:1], [20, 301.5, 310], "lrl") + layout(rows[1:], [20, 300, 377], "lrr", top=56)
    words = [Word(w.text, (w.bbox[0] - 1, *w.bbox[1:]), w.confidence) if w.text == "102.35%" else w
             for w in words]
    table = recover_tables(blank(), words)[0]
    assert texts(table) == rows


def _glued(words: list[Word], left: str, right: str) -> list[Word]:
    """``words`` with the two cells ``left`` and ``right`` of one row read as one OCR word."""
    a, b = (next(w for w in words if w.text == text) for text in (left, right))
    return [w for w in words if w not in (a, b)] + [
        Word(left + right, (a.bbox[0], a.bbox[1], b.bbox[2], b.bbox[3]), 0.5)]


def test_fixed_width_ids_and_a_close_header_keep_their_column_when_one_row_reads_across():
    """Left-aligned 5-digit ids, then left-aligned amounts 30 px on: the spacing is the same
    in every row, the header words are only a space apart, and one row's two cells came out
    as one word. The other rows still hold two phrases there."""
    rows = [["Postcode", "Account", "Orders"], ["42504", "04550", "81,559"],
            ["59328", "06982", "433,513"], ["73098", "00449", "1,358,028"],
            ["89636", "05070", "1,227,692"], ["25122", "09537", "1,419,721"]]
    words = layout(rows[:1], [20, 150, 226], "lll") + layout(rows[1:], [20, 150, 230], "lll", top=56)
    table = recover_tables(blank(), _glued(words, "09537", "1,419,721"))[0]
    assert table.n_cols == 3
    assert texts(table)[:5] == rows[:5]


def test_packed_numbers_under_a_left_aligned_header_are_their_own_column():
    """Right-aligned amounts 8 px from left-aligned names; the "Amount" header is left-aligned
    (so it breaks the numbers' right edge) and one row reads the two cells as one word."""
    rows = [["Part", "Amount", "Customer"], ["Battery", "265,908.34", "Dana Moreau"],
            ["Charger", "326,174.67", "Oscar Kowalski"], ["Valve", "98.13", "Ivan Costa"],
            ["Pump", "16,409.20", "Tariq Patel"], ["Cable", "6,180.91", "Gustav Moreau"],
            ["Gadget", "35.11", "Lena Jensen"], ["Sensor", "24.41", "Rosa Kowalski"]]
    words = layout(rows[:1], [20, 180, 308], "lll") + layout(rows[1:], [20, 300, 308], "lrl", top=56)
    table = recover_tables(blank(), _glued(words, "6,180.91", "Gustav"))[0]
    assert table.n_cols == 3
    assert [row[1:] for row in texts(table)[:5]] == [row[1:] for row in rows[:5]]


def test_header_over_a_rule_drawn_under_some_columns_spans_them():
    """A booktabs header: "Amounts" over a rule that runs under its three columns only."""
    image = blank(720, 260)
    draw = ImageDraw.Draw(image)
    draw.line([(290, 50), (700, 50)], fill=(0, 0, 0), width=1)
    for y in (90, 130, 170):
        draw.line([(10, y), (700, y)], fill=(0, 0, 0), width=1)
    lefts, aligns = [20, 150, 300, 420, 560], "lllll"
    words = (phrase("Amounts", 450, 22) + phrase("Region", 20, 40) + phrase("Notes", 150, 40)
             + layout([["", "", "Q1", "Q2", "Q3"]], lefts, aligns, top=60)
             + layout([["North", "ok", "12", "7", "x"], ["South", "late", "3", "11", "y"]],
                      lefts, aligns, top=100, pitch=40))
    table = recover_tables(image, words)[0]
    amounts = table.grid()[0][2]
    assert amounts.text == "Amounts" and amounts.colspan == 3
    assert texts(table)[2:] == [["North", "ok", "12", "7", "x"], ["South", "late", "3", "11", "y"]]


def test_packed_column_beside_wrapped_text_is_split():
    """Names 10 px from a notes column whose cells wrap over three lines: most lines hold
    notes only, yet the names column is its own."""
    names = ["Hannah Hughes", "Sven Moreau", "Wen Abbott", "Bo Li"]
    notes = [["week from renewal", "list site approval", "warehouse at"],
             ["approval supplier", "at and ordered", "delayed updated"],
             ["at quarterly parts", "finance pending", "list"],
             ["next of site", "invoice north", "customs"]]
    words = phrase("Name", 20, 20) + phrase("Notes", 156, 20) + phrase("Total", 420, 20, right=True)
    for r, (name, lines) in enumerate(zip(names, notes)):
        top = 60 + r * 80
        words += phrase(name, 20, top) + phrase(f"{r + 1}.50", 420, top, right=True)
        for i, text in enumerate(lines):
            words += phrase(text, 156, top + i * 22)
    table = recover_tables(blank(), words)[0]
    assert [row[:2] for row in texts(table)] == [["Name", "Notes"]] + [
        [name, " ".join(lines)] for name, lines in zip(names, notes)]


# RapidOCR's boxes for the top of a generated zebra-striped serif table whose notes wrap
# over up to four lines beside vertically centred cells: boxes nearly as tall as the pitch.
_WRAPPED_ROWS_OCR = [
    ('Order', (34, 19, 119, 55)), ('no', (133, 19, 172, 55)), ('Payout', (230, 21, 332, 55)),
    ('Postcode', (508, 21, 644, 52)), ('Phone', (712, 20, 810, 54)),
    ('Description', (961, 22, 1137, 55)), ('packing', (955, 76, 1069, 107)),
    ('replacement', (955, 111, 1136, 144)), ('05333', (33, 129, 121, 157)),
    ('USD', (308, 128, 367, 157)), ('270.33', (382, 128, 476, 157)),
    ('32139-4111', (508, 128, 676, 157)), ('537-495-7325', (713, 129, 907, 156)),
    ('renewal', (954, 146, 1068, 179)), ('delayed', (1080, 146, 1188, 179)),
    ('north', (959, 183, 1034, 213)), ('for', (954, 232, 995, 267)),
    ('pending', (1007, 232, 1118, 267)), ('scheduled', (955, 270, 1098, 300)),
    ('team', (1110, 270, 1177, 300)), ('02586', (30, 287, 119, 318)),
    ('USD', (264, 288, 320, 317)), ('57,518.67', (335, 288, 479, 317)),
    ('73902', (508, 288, 593, 317)), ('259-246-5761', (711, 286, 909, 318)),
    ('packing', (957, 303, 1068, 340)), ('warehouse', (1082, 303, 1230, 340)),
    ('customs', (955, 344, 1076, 374)), ('awaiting', (956, 394, 1078, 426)),
    ('at', (1092, 394, 1114, 426)), ('site', (1128, 394, 1176, 426)),
    ('08014', (30, 412, 119, 443)), ('USD', (282, 412, 339, 442)),
    ('6,337.76', (355, 412, 475, 442)), ('54320-4776', (509, 412, 676, 442)),
    ('969-877-8699', (716, 413, 908, 440)), ('pending', (959, 429, 1072, 465)),
]


def test_cells_centred_beside_four_wrapped_lines_stay_in_one_row():
    """The centred cells overlap the second wrapped line by half its height, yet belong to
    no wrapped line: the first line ("packing") is not a row of its own."""
    image = blank(1300, 480)
    ImageDraw.Draw(image).rectangle([18, 222, 1268, 384], fill=(244, 244, 244))
    words = [Word(text, box, 0.99) for text, box in _WRAPPED_ROWS_OCR]
    rows = texts(recover_tables(image, words)[0])
    assert rows[:3] == [
        ["Order no", "Payout", "Postcode", "Phone", "Description"],
        ["05333", "USD 270.33", "32139-4111", "537-495-7325", "packing replacement renewal delayed north"],
        ["02586", "USD 57,518.67", "73902", "259-246-5761", "for pending scheduled team packing warehouse customs"]]


def test_two_level_header_inside_a_filled_band():
    """A coloured header band holding "This year" over three sub-labels, with "Item" and
    "ZIP" centred beside them: two header rows, the centred labels spanning both."""
    image = blank(760, 300)
    ImageDraw.Draw(image).rectangle([10, 10, 740, 80], fill=(68, 114, 196))
    lefts, aligns = [20, 140, 300, 420, 600], "llrll"
    words = (phrase("This year", 330, 16) + phrase("Item", 20, 35) + phrase("ZIP", 600, 35)
             + layout([["", "Ref", "P&L", "Comment", ""]], lefts, aligns, top=54)
             + layout([["Charger", "02631", "77.81", "customs visit", "52899"],
                       ["Router", "06454", "47.90", "site approval", "12762"]],
                      lefts, aligns, top=100, pitch=40))
    table = recover_tables(image, words)[0]
    assert texts(table) == [["Item", "This year", "", "", "ZIP"], ["", "Ref", "P&L", "Comment", ""],
                            ["Charger", "02631", "77.81", "customs visit", "52899"],
                            ["Router", "06454", "47.90", "site approval", "12762"]]
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells}
    assert spans[(0, 0)] == spans[(0, 4)] == (2, 1) and spans[(0, 1)] == (1, 3)


def test_group_label_over_a_full_header_line_in_a_filled_band_is_a_row_of_its_own():
    """A dark header band holding "Shipping" over "Invoice date" and "Status" above the full
    header line: two header rows, "Shipping" spanning the two columns it reaches over."""
    image = Image.new("RGB", (900, 330), (28, 28, 30))
    ImageDraw.Draw(image).rectangle([10, 46, 890, 120], fill=(58, 58, 60))
    lefts, aligns = [20, 250, 340, 540, 690], "lrlll"
    words = (phrase("Shipping", 437, 50)
             + layout([["Name", "Delta", "Invoice date", "Status", "City"]], lefts, aligns, top=86)
             + layout([["Elif Tanaka", "8.6", "2019-11-17", "On hold", "Detroit"],
                       ["Zoe Patel", "54.42", "2020-04-01", "Closed", "Boston"]],
                      lefts, aligns, top=134, pitch=40))
    table = recover_tables(image, words)[0]
    assert texts(table)[:2] == [["", "", "Shipping", "", ""], ["Name", "Delta", "Invoice date", "Status", "City"]]
    assert texts(table)[2][0] == "Elif Tanaka"
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in table.cells}
    assert spans[(0, 2)] == (1, 2)


def test_a_column_of_day_first_dates_settles_the_ambiguous_ones():
    rows = [["Item", "Due"], ["Pump", "25/11/2021"], ["Valve", "03/02/2020"], ["Cable", "12/06/2023"]]
    table = recover_tables(blank(), layout(rows, [20, 400], "ll"))[0]
    assert [row[1].value.value for row in table.grid()[1:]] == [
        dt.date(2021, 11, 25), dt.date(2020, 2, 3), dt.date(2023, 6, 12)]


def test_a_column_of_whole_numbers_settles_a_comma_read_as_a_point():
    rows = [["Item", "Units"], ["Pump", "1,023,107"], ["Valve", "670.934"], ["Cable", "88"]]
    table = recover_tables(blank(), layout(rows, [20, 400], "lr"))[0]
    assert [row[1].value.value for row in table.grid()[1:]] == [1023107, 670934, 88]


# RapidOCR's boxes for the top of a generated photo (straightened; mono font, JPEG): notes
# wrap over two to four lines and the other cells sit halfway down each row. In the Elif
# Tanaka row the first notes line is closer to the row below than to the one above, and the
# city was read as a line of its own, a few pixels below the name.
_CENTRED_ROWS_OCR = [
    ('city', (584, 43, 626, 79)), ('Ref', (249, 47, 281, 73)), ('Name', (43, 48, 87, 75)),
    ('Phone', (702, 49, 759, 74)), ('Comment', (363, 51, 440, 72)),
    ('contract', (365, 81, 451, 108)), ('awaiting', (464, 81, 552, 108)),
    ('Chen', (49, 93, 91, 120)), ('Evans', (101, 93, 157, 120)), ('007433', (251, 94, 314, 118)),
    ('Detroit', (583, 94, 658, 118)), ('(669)', (708, 94, 759, 118)),
    ('455-1826', (772, 94, 855, 118)), ('scheduled', (365, 107, 462, 132)),
    ('week', (474, 107, 518, 132)), ('warehouse', (369, 141, 464, 164)),
    ('ordered', (476, 141, 552, 164)), ('contract', (367, 162, 454, 190)),
    ('the', (465, 162, 496, 190)), ('of', (508, 162, 531, 190)), ('Alice', (52, 164, 105, 188)),
    ('Kowalski', (116, 164, 203, 188)), ('07098', (254, 164, 309, 188)),
    ('East', (585, 164, 630, 189)), ('(274)', (709, 164, 762, 187)),
    ('186-4640', (774, 164, 857, 187)), ('shipment', (370, 191, 455, 211)),
    ('site', (466, 191, 509, 211)), ('week', (523, 191, 564, 211)), ('list', (373, 219, 412, 246)),
    ('warehouse', (425, 219, 520, 246)), ('Seattle', (592, 231, 665, 258)),
    ('Rosa', (55, 233, 98, 257)), ('Jensen', (111, 233, 174, 257)), ('02055', (256, 233, 311, 257)),
    ('(348)', (710, 233, 763, 256)), ('569-9514', (775, 233, 858, 256)),
    ('customs', (371, 244, 447, 269)), ('review', (459, 244, 524, 269)),
    ('supplier', (372, 276, 459, 302)), ('ordered', (471, 276, 547, 302)),
    ('Victor', (59, 287, 124, 313)), ('Olsen', (134, 287, 189, 313)),
    ('South', (593, 287, 645, 312)), ('001654', (259, 288, 326, 312)),
    ('(316)', (713, 289, 766, 312)), ('699-8641', (774, 289, 862, 312)),
    ('review', (377, 301, 439, 324)), ('next', (450, 301, 491, 324)),
    ('renewal', (376, 332, 449, 356)), ('site', (464, 332, 503, 356)),
    ('warehouse', (378, 355, 474, 382)), ('packing', (485, 355, 559, 382)),
    ('Elif', (64, 365, 107, 393)), ('Tanaka', (118, 365, 183, 393)),
    ('(828)', (714, 365, 765, 392)), ('613-5491', (778, 365, 861, 392)),
    ('07780', (267, 367, 319, 392)), ('East', (596, 367, 637, 393)),
    ('contract', (380, 379, 463, 405)), ('the', (476, 379, 505, 405)),
    ('customs', (378, 402, 453, 430)), ('approval', (464, 402, 552, 430)),
    ('and', (380, 436, 412, 459)), ('delayed', (426, 436, 496, 459)), ('for', (511, 436, 541, 459)),
    ('North', (598, 458, 650, 483)), ('(381)', (717, 458, 768, 481)),
    ('661-9231', (778, 458, 866, 481)), ('Dana', (70, 459, 111, 483)),
    ('Rossi', (126, 459, 177, 483)), ('03638', (271, 459, 321, 483)),
    ('awaiting', (381, 461, 466, 484)), ('team', (477, 461, 522, 484)),
    ('quarterly', (385, 481, 478, 507)), ('finance', (489, 481, 564, 507)),
]


def test_wrapped_cells_with_the_other_cells_centred_beside_them():
    words = [Word(text, box, 0.9) for text, box in _CENTRED_ROWS_OCR]
    table = recover_tables(blank(1168, 771), words)[0]
    assert texts(table)[4:] == [
        ["Victor Olsen", "001654", "supplier ordered review next", "South", "(316) 699-8641"],
        ["Elif Tanaka", "07780", "renewal site warehouse packing contract the customs approval",
         "East", "(828) 613-5491"],
        ["Dana Rossi", "03638", "and delayed for awaiting team quarterly finance", "North",
         "(381) 661-9231"]]


# RapidOCR's boxes for a generated photo (straightened; blur, grain, JPEG) whose notes wrap
# over up to four lines 15 px apart in 18 px boxes, the other cells centred beside them.
_TIGHT_WRAPS_OCR = [
    ('Due', (129, 97, 154, 119)), ('Temp', (238, 98, 274, 120)),
    ('Visitors', (451, 98, 499, 118)), ('Description', (540, 98, 609, 121)),
    ('Tel', (325, 99, 342, 116)), ('Variance', (711, 101, 765, 119)),
    ('State', (789, 102, 822, 120)), ('Account', (871, 102, 924, 120)),
    ('quarterly', (538, 128, 591, 148)), ('ordered', (595, 128, 638, 148)),
    ('replacement', (537, 142, 610, 162)), ('ist', (615, 142, 633, 162)),
    ('2021-12-15', (129, 149, 195, 167)), ('94.42', (239, 149, 274, 168)),
    ('(660)', (321, 149, 355, 167)), ('882-6764', (357, 149, 412, 167)),
    ('Shipped', (790, 150, 835, 171)), ('07642', (871, 151, 909, 169)),
    ('awaiting', (538, 159, 587, 176)), ('reviewvisit', (592, 159, 658, 176)),
    ('finance', (538, 173, 580, 190)), ('customs', (586, 173, 632, 190)),
    ('weeknext', (542, 198, 599, 218)), ('scheduled', (603, 198, 663, 218)),
    ('40.1', (238, 206, 263, 225)), ('2019-01-10', (127, 207, 197, 224)),
    ('(598)', (319, 207, 355, 224)), ('124-4406', (356, 207, 411, 224)),
    ('729.420', (449, 207, 498, 225)), ('3.845.97', (711, 207, 759, 225)),
    ('Overdue', (790, 208, 835, 226)), ('003289', (872, 208, 916, 226)),
    ('pending', (540, 216, 585, 234)), ('contract', (536, 241, 586, 262)),
    ('ordered', (590, 241, 635, 262)), ('87.0', (239, 256, 265, 275)),
    ('003376', (872, 256, 916, 274)), ('2025-01-14', (127, 257, 197, 274)),
    ('(634)', (319, 257, 355, 274)), ('900-3998', (356, 257, 411, 274)),
    ('1.093,611', (448, 257, 509, 274)), ('updated', (539, 257, 585, 274)),
    ('warehouse', (594, 257, 655, 274)), ('356.68', (709, 257, 751, 276)),
    ('Overdue', (790, 257, 839, 275)), ('scheduledpacking', (536, 269, 646, 292)),
    ('supplier', (538, 299, 585, 319)), ('of', (591, 299, 599, 319)),
    ('invoice', (602, 299, 643, 319)), ('63.7', (237, 307, 262, 326)),
    ('1.771.572', (449, 307, 506, 325)), ('29.94', (711, 307, 743, 326)),
    ('Closed', (791, 307, 827, 325)), ('004526', (870, 307, 917, 325)),
    ('2022-08-13', (126, 308, 196, 325)), ('contract', (537, 315, 588, 333)),
    ('Pending', (788, 339, 836, 364)), ('5.376.28', (710, 341, 762, 361)),
    ('(837)', (320, 342, 354, 362)), ('192-0518', (357, 342, 410, 362)),
    ('01605', (870, 342, 910, 361)), ('2020-08-06', (127, 343, 197, 361)),
    ('-82.17', (238, 343, 274, 361)), ('843.641', (451, 343, 496, 361)),
    ('parts', (538, 372, 569, 389)), ('north', (572, 372, 600, 389)),
    ('site', (607, 372, 626, 389)), ('Pending', (789, 382, 834, 405)),
    ('2.381.22', (711, 385, 759, 403)), ('01988', (872, 385, 910, 403)),
    ('-44.20', (236, 386, 275, 404)), ('(503)561-7445', (319, 386, 411, 403)),
    ('1,964,482', (449, 386, 506, 403)), ('2023-01-09', (128, 387, 194, 404)),
    ('customs', (537, 387, 586, 404)), ('updated', (592, 387, 639, 404)),
    ('replacement', (536, 401, 612, 418)), ('from', (616, 401, 641, 418)),
    ('involce', (538, 427, 579, 447)), ('ordered', (584, 427, 627, 447)),
    ('updated', (538, 444, 586, 462)), ('packing', (592, 444, 634, 462)),
    ('06387', (873, 448, 909, 469)), ('Open', (791, 450, 820, 469)),
    ('880.849', (449, 451, 498, 469)), ('2025-05-14', (126, 452, 196, 470)),
    ('-88.5', (237, 452, 267, 470)), ('(639)', (319, 452, 355, 469)),
    ('105-4930', (356, 452, 411, 469)), ('supplier', (535, 456, 584, 478)),
    ('delayed', (589, 456, 636, 478)), ('pending', (539, 473, 585, 493)),
    ('renewal', (589, 473, 636, 493)), ('from', (538, 501, 562, 519)),
    ('for', (569, 501, 586, 519)), ('ordered', (590, 501, 634, 519)),
    ('team', (638, 501, 664, 519)), ('Onhold', (792, 505, 835, 527)),
    ('006257', (872, 506, 918, 525)), ('(751)', (318, 509, 354, 526)),
    ('723-9131', (355, 509, 410, 526)), ('1,037,308', (449, 509, 506, 527)),
    ('2021-05-17', (126, 510, 192, 528)), ('14.1', (236, 511, 261, 527)),
    ('Ofreviewquarterly', (539, 514, 649, 536)),
]


def test_cells_centred_beside_lines_wrapped_tighter_than_their_boxes_stay_in_one_row():
    """The 2025-05-14 row's centred cells sit between its second and third notes lines, and the
    line grouping gives some of them to each: both lines then hold most columns, and the
    lines' centres drift from the notes' own spacing."""
    words = [Word(text, box, 0.9) for text, box in _TIGHT_WRAPS_OCR]
    rows = texts(recover_tables(blank(1115, 635), words)[0])
    assert len(rows) == 9
    assert rows[7:] == [
        ["2025-05-14", "-88.5", "(639) 105-4930", "880.849",
         "involce ordered updated packing supplier delayed pending renewal", "", "Open", "06387"],
        ["2021-05-17", "14.1", "(751) 723-9131", "1,037,308", "from for ordered team Ofreviewquarterly",
         "", "Onhold", "006257"]]


def test_a_short_stroke_floating_inside_a_ruled_box_is_not_a_column_rule():
    """Blur joins the stems of "£" over three right-aligned amounts, through the row rules,
    into a 2-row vertical stroke in the middle of a grid; it does not split the column."""
    image, words = _ruled_price_table(PRICES)
    ImageDraw.Draw(image).line([(300, 95), (300, 165)], fill=(0, 0, 0), width=1)
    assert texts(recover_tables(image, words)[0]) == PRICES


def _ruled_price_table(rows: list[list[str]], pen: int = 1) -> tuple[Image.Image, list[Word]]:
    """A 3-column grid drawn ``pen`` px wide, prices right-aligned to x=390 beside the rule
    at x=400."""
    image = blank(620, 320)
    draw = ImageDraw.Draw(image)
    for r in range(len(rows) + 1):
        draw.line([(10, 10 + 40 * r), (600, 10 + 40 * r)], fill=(0, 0, 0), width=pen)
    for x in (10, 200, 400, 600):
        draw.line([(x, 10), (x, 10 + 40 * len(rows))], fill=(0, 0, 0), width=pen)
    return image, layout(rows, [20, 390, 410], "lrl", top=20, pitch=40)


PRICES = [["Part", "Price", "Status"], ["Filter", "", "Open"], ["Adapter", "20,682", "Overdue"],
          ["Monitor", "7,600", "Pending"], ["Widget", "1,855", "Draft"], ["Cable", "946", "Closed"],
          ["Valve", "12", "Paid"]]


def test_stacked_figure_edges_beside_a_rule_do_not_split_the_column():
    """Blur joins the right edges of right-aligned amounts, a few pixels past their OCR
    boxes, into a stroke of its own that reaches the box's bottom edge next to the rule."""
    image, words = _ruled_price_table(PRICES)
    ImageDraw.Draw(image).line([(394, 95), (394, 290)], fill=(0, 0, 0), width=1)
    assert texts(recover_tables(image, words)[0]) == PRICES


def test_glyph_stems_inside_the_words_of_the_last_rows_are_not_a_rule():
    """The stems of "U" in "USD" over the last rows reach the box's bottom edge; the OCR boxes
    cover them but for a few pixels above and below each line."""
    rows = [row[:2] + [status] for row, status in
            zip(PRICES, ["Status", "Open", "Paid", "USD 12", "USD 40", "USD 7", "USD 19"])]
    image, words = _ruled_price_table(rows)
    ImageDraw.Draw(image).line([(412, 126), (412, 290)], fill=(0, 0, 0), width=1)
    assert texts(recover_tables(image, words)[0]) == rows


def test_a_thin_streak_in_a_grid_drawn_with_a_thick_pen_is_not_a_column_rule():
    image, words = _ruled_price_table(PRICES, pen=3)
    ImageDraw.Draw(image).line([(120, 250), (120, 290)], fill=(90, 90, 90), width=1)
    assert texts(recover_tables(image, words)[0]) == PRICES


def test_a_monospaced_phone_number_stays_one_cell_when_ocr_drops_a_digit():
    """Its groups sit one character apart in every row; where the OCR dropped a group's first
    digit ("629" for "7629") the gap before that group looks wider, as between columns."""
    def mono(text: str, x: float, y: float, short: int | None = None) -> list[Word]:
        words, at = [], 0
        for i, group in enumerate(text.split(" ")):
            skip = 1 if i == short else 0
            left, right = x + (at + skip) * CHAR, x + (at + len(group)) * CHAR
            words.append(Word(group[skip:], (left, y, right, y + HEIGHT), 0.99))
            at += len(group) + 1
        return words

    phones = ["+44 20 6147 0434", "+44 20 7629 3747", "+44 20 4010 3996", "+44 20 7114 8255",
              "+44 20 3617 0112"]
    words = phrase("ZIP", 20, 20) + phrase("Tel", 200, 20)
    for r, phone in enumerate(phones, start=1):
        words += phrase(f"5380{r}", 20, 20 + 36 * r)
        words += mono(phone, 200, 20 + 36 * r, short=2 if r in (2, 4) else None)
    table = recover_tables(blank(), words)[0]
    assert texts(table)[0] == ["ZIP", "Tel"]
    assert [row[1] for row in texts(table)[1:]] == [
        "+44 20 6147 0434", "+44 20 629 3747", "+44 20 4010 3996", "+44 20 114 8255",
        "+44 20 3617 0112"]


def test_a_date_read_with_a_stray_space_is_a_date_like_the_rest_of_its_column():
    rows = [["Date", "Phone"],
            ["2025-04-1 3", "+44 20 7067 6442"],
            ["2024-03-10", "+442084278534"],
            ["2019-11-05", "+44 20 5807 6317"]]
    table = recover_tables(blank(), layout(rows, [20, 300], "ll"))[0]
    assert texts(table) == [["Date", "Phone"], ["2025-04-13", "+44 20 7067 6442"],
                            ["2024-03-10", "+44 20 8427 8534"], ["2019-11-05", "+44 20 5807 6317"]]
    assert table.grid()[1][0].value.value == dt.date(2025, 4, 13)
    assert table.grid()[2][1].value.kind == "text"


def test_a_number_never_becomes_text_to_match_its_column():
    rows = [["Id"], ["12 34567"], ["23 45678"], ["3456789"]]
    table = recover_tables(blank(), layout(rows, [20], "l"))[0]
    assert table.grid()[3][0].value.value == 3456789


def test_a_short_stroke_inside_one_cell_of_a_gridded_table_is_not_a_row_rule():
    image = blank(640, 260)
    draw = ImageDraw.Draw(image)
    xs, ys = [20, 220, 420, 620], [20, 80, 140, 200]
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=(0, 0, 0), width=2)
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=(0, 0, 0), width=2)
    draw.line([(240, 110), (300, 110)], fill=(0, 0, 0), width=2)  # grain joining the letters' feet
    rows = [["Item", "Region", "Growth"], ["Valve", "East", "33%"], ["Pump", "West", "5%"]]
    words = [w for r, row in enumerate(rows) for c, text in enumerate(row)
             for w in phrase(text, xs[c] + 15, ys[r] + 20)]
    tables = recover_tables(image, words)
    assert texts(tables[0]) == rows


def test_a_stroke_through_the_words_of_several_rows_is_not_a_column_rule():
    """Blur joins the right edges of "%" stacked in a right-aligned column into a stroke a few
    rows long that runs inside the OCR boxes of most rows it passes: glyphs, not a rule."""
    image, words = _ruled_price_table(PRICES)
    ImageDraw.Draw(image).line([(385, 50), (385, 170)], fill=(0, 0, 0), width=1)
    assert texts(recover_tables(image, words)[0]) == PRICES


def test_wrapped_lines_set_a_little_wider_than_usual_stay_in_their_row():
    """Unruled rows whose comments wrap over three lines 20 px apart, with the other cells
    centred beside them, rows 26 px apart line to line; in one row the wrapped lines came out
    21.5 px apart (0.83 of the rows' spacing, past the usual 0.8), still far nearer to the
    wrapped lines' own spacing than to the rows'."""
    rows = [["Chen Evans", "007433", ["contract awaiting", "scheduled week", "north"], "Detroit"],
            ["Rosa Jensen", "02055", ["list warehouse"], "Seattle"],
            ["Victor Olsen", "001654", ["supplier ordered", "review next", "week"], "South"],
            ["Sven Dubois", "002913", ["invoice approval", "team finance at", "supplier"], "East"],
            ["Dana Rossi", "03638", ["and delayed for"], "North"],
            ["Elif Tanaka", "07780", ["renewal site", "warehouse packing", "contract"], "Miami"]]
    words = layout([["Name", "Ref", "Comment", "City"]], [20, 200, 320, 560], "llll")
    y = 20 + 26
    for name, ref, comment, city in rows:
        spacing = 21.5 if name == "Sven Dubois" else 20
        middle = y + spacing * (len(comment) - 1) / 2
        words += phrase(name, 20, middle) + phrase(ref, 200, middle) + phrase(city, 560, middle)
        for i, text in enumerate(comment):
            words += phrase(text, 320, y + i * spacing)
        y += spacing * (len(comment) - 1) + 26
    table = recover_tables(blank(), words)[0]
    assert texts(table)[1:] == [[name, ref, " ".join(comment), city] for name, ref, comment, city in rows]
