"""Tables out of the Markdown and HTML that vision-language models really write."""
from __future__ import annotations

import datetime as dt

from services.ocr.markup_tables import parse_tables


def texts(table) -> list[list[str | None]]:
    return [[c.text if c else None for c in row] for row in table.grid()]


def assert_consistent(table) -> None:
    """Anchors inside the grid and no two cells covering the same position."""
    covered = set()
    for cell in table.cells:
        assert cell.row + cell.rowspan <= table.n_rows and cell.col + cell.colspan <= table.n_cols
        spots = {(cell.row + i, cell.col + j) for i in range(cell.rowspan) for j in range(cell.colspan)}
        assert not spots & covered
        covered |= spots


def parse(text: str, locale: str = "en"):
    tables = parse_tables(text, locale)
    for table in tables:
        assert_consistent(table)
    return tables


# --- olmOCR's own format: front matter, then HTML ------------------------------------------

OLMOCR_ANSWER = """---
primary_language: en
is_rotation_valid: True
rotation_correction: 0
is_table: True
is_diagram: False
---
<table>
  <tr>
    <th>Product</th>
    <th>Units<br>sold</th>
    <th>Price (USD)</th>
    <th>Launch date</th>
  </tr>
  <tr>
    <td>Widget&nbsp;A</td>
    <td>1,204</td>
    <td>$19.99</td>
    <td>2024-03-01</td>
  </tr>
  <tr>
    <td>R&amp;D kit</td>
    <td>&lt;5</td>
    <td>$1,250.00</td>
    <td></td>
  </tr>
</table>"""


def test_olmocr_front_matter_and_html():
    [table] = parse(OLMOCR_ANSWER)
    assert texts(table) == [
        ["Product", "Units\nsold", "Price (USD)", "Launch date"],
        ["Widget A", "1,204", "$19.99", "2024-03-01"],
        ["R&D kit", "<5", "$1,250.00", None],
    ]
    assert table.header_rows == 1 and table.title is None
    grid = table.grid()
    assert grid[1][1].value.value == 1204
    assert grid[1][2].value.kind == "currency" and grid[1][2].value.value == 19.99
    assert grid[1][3].value.kind == "date" and grid[1][3].value.value == dt.date(2024, 3, 1)
    assert grid[2][1].value.kind == "text"


def test_html_merged_header_and_row_label():
    [table] = parse(
        "<table><thead>"
        "<tr><th rowspan=2>Region</th><th rowspan=2>City</th><th colspan=3>Sales</th></tr>"
        "<tr><th>Q1</th><th>Q2</th><th>Q3</th></tr></thead><tbody>"
        "<tr><td rowspan=2>North</td><td>Oslo</td><td>10</td><td>11</td><td>12</td></tr>"
        "<tr><td>Bergen</td><td>7</td><td>8</td><td>9</td></tr>"
        "<tr><td>South</td><td>Rome</td><td>5</td><td>6</td><td>7</td></tr>"
        "</tbody></table>")
    assert (table.n_rows, table.n_cols, table.header_rows) == (5, 5, 2)
    assert texts(table) == [
        ["Region", "City", "Sales", None, None],
        [None, None, "Q1", "Q2", "Q3"],
        ["North", "Oslo", "10", "11", "12"],
        [None, "Bergen", "7", "8", "9"],
        ["South", "Rome", "5", "6", "7"],
    ]
    north = table.grid()[2][0]
    assert (north.rowspan, north.colspan) == (2, 1)
    assert (table.grid()[0][2].rowspan, table.grid()[0][2].colspan) == (1, 3)


def test_th_rows_count_as_header_without_thead():
    [table] = parse("<table><tr><th rowspan='2'>Item</th><th colspan='2'>Cost</th></tr>"
                    "<tr><th>net</th><th>gross</th></tr>"
                    "<tr><th>Rent</th><td>100</td><td>119</td></tr></table>")
    assert table.header_rows == 2  # a <th> row label further down is not a header row


def test_header_cell_spanning_into_td_row_extends_the_header():
    [table] = parse("<table><tr><th rowspan=2>Item</th><th colspan=2>Cost</th></tr>"
                    "<tr><td>net</td><td>gross</td></tr><tr><td>Rent</td><td>100</td><td>119</td></tr></table>")
    assert table.header_rows == 2


def test_html_without_header_markup_defaults_to_one_header_row():
    [table] = parse("<table><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>")
    assert table.header_rows == 1


def test_unclosed_cells_and_rows_close_like_a_browser():
    [table] = parse("<table><tr><td>a<td>b<tr><td>1<td>2</table>")
    assert texts(table) == [["a", "b"], ["1", "2"]]


def test_nested_tags_are_stripped_and_block_tags_break_lines():
    [table] = parse("<table><tr><td><b>Total</b> <span class='x'>cost</span></td>"
                    "<td><p>line one</p><p>line two</p></td></tr></table>")
    assert texts(table) == [["Total cost", "line one\nline two"]]


def test_span_wider_than_the_table_is_cut_to_its_width():
    [table] = parse("<table><tr><td colspan='10'>Annual report</td></tr>"
                    "<tr><td>a</td><td>b</td><td>c</td></tr></table>")
    assert table.n_cols == 3 and table.grid()[0][0].colspan == 3


def test_overlapping_spans_from_sloppy_html_do_not_collide():
    parse("<table><tr><td>a</td><td rowspan=3>b</td></tr>"
          "<tr><td colspan=3>c</td></tr><tr><td>d</td><td>e</td></tr></table>")


def test_caption_is_the_title():
    [table] = parse("<table><caption>Table 4. Staff by <i>site</i></caption>"
                    "<tr><th>Site</th><th>Staff</th></tr><tr><td>Lyon</td><td>12</td></tr></table>")
    assert table.title == "Table 4. Staff by site"


def test_html_heading_above_the_table_is_the_title():
    [table] = parse("<h2>Opening hours</h2>\n<table><tr><th>Day</th><th>Hours</th></tr>"
                    "<tr><td>Mon</td><td>9-17</td></tr></table>")
    assert table.title == "Opening hours"


def test_nested_table_is_flattened_into_its_cell():
    [table] = parse("<table><tr><td>Notes</td><td><table><tr><td>x</td><td>y</td></tr></table></td></tr></table>")
    assert texts(table) == [["Notes", "x y"]]


def test_html_table_fenced_with_prose():
    [table] = parse("Here is the table extracted from the image:\n\n```html\n<table>\n"
                    "<tr><th>Code</th><th>Amount</th></tr>\n<tr><td>A-17</td><td>(45.10)</td></tr>\n"
                    "</table>\n```\n\nThe amount in parentheses is negative.")
    assert texts(table) == [["Code", "Amount"], ["A-17", "(45.10)"]]
    assert table.title is None
    assert table.grid()[1][1].value.value == -45.1


# --- Markdown -----------------------------------------------------------------------------

def test_markdown_in_a_fence_with_bold_header_and_heading():
    [table] = parse("### Monthly expenses\n\n```markdown\n| **Month** | **Rent** | **Food** |\n"
                    "|:---------|---------:|:--------:|\n| January | 1,200.00 | 345.10 |\n"
                    "| February | 1,200.00 | 298.75 |\n```")
    assert table.title == "Monthly expenses"
    assert texts(table) == [["Month", "Rent", "Food"], ["January", "1,200.00", "345.10"],
                            ["February", "1,200.00", "298.75"]]
    assert table.header_rows == 1
    assert table.grid()[2][2].value.value == 298.75


def test_markdown_without_outer_pipes():
    [table] = parse("Name | Age | City\n--- | --- | ---\nAnn | 34 | Oslo\nBo | 29 | Turku")
    assert texts(table) == [["Name", "Age", "City"], ["Ann", "34", "Oslo"], ["Bo", "29", "Turku"]]


def test_markdown_escaped_pipes_br_and_entities():
    [table] = parse("| Expression | Meaning |\n| --- | --- |\n| a \\| b | a or b |\n"
                    "| Net<br>income | R&amp;D \\* costs |")
    assert texts(table) == [["Expression", "Meaning"], ["a | b", "a or b"],
                            ["Net\nincome", "R&D * costs"]]


def test_markdown_ragged_rows():
    [table] = parse("| A | B | C |\n|---|---|---|\n| 1 | 2 |\n| 4 | 5 | 6 |")
    assert table.n_cols == 3 and texts(table)[1] == ["1", "2", None]


def test_markdown_empty_header_row_means_no_header():
    [table] = parse("|  |  |\n|---|---|\n| Tax | 20% |\n| Net | 80% |")
    assert table.header_rows == 0 and texts(table) == [["Tax", "20%"], ["Net", "80%"]]


def test_markdown_table_without_separator_needs_outer_pipes():
    [table] = parse("| a | b |\n| 1 | 2 |")
    assert texts(table) == [["a", "b"], ["1", "2"]]
    assert parse("Pipe the output with a | b to filter it.\nOr use c | d.") == []


def test_locale_types_the_cells():
    [table] = parse("| Artikel | Preis |\n|---|---|\n| Tisch | 1.234,56 € |", locale="de")
    price = table.grid()[1][1].value
    assert price.kind == "currency" and price.value == 1234.56


# --- several tables, titles, prose --------------------------------------------------------

def test_several_tables_with_titles_and_prose_between():
    answer = (
        "The image contains two tables.\n\n"
        "**Table 1: Revenue**\n\n| Year | Revenue |\n|---|---|\n| 2023 | 1.2M |\n| 2024 | 1.5M |\n\n"
        "Revenue grew by 25% year over year.\n\n"
        "Table 2: Headcount\n<table><tr><th>Team</th><th>People</th></tr>"
        "<tr><td>Sales</td><td>14</td></tr></table>\n\n"
        "| Key | Value |\n|---|---|\n| a | 1 |\n"
    )
    first, second, third = parse(answer)
    assert first.title == "Table 1: Revenue" and first.n_rows == 3
    assert second.title == "Table 2: Headcount" and texts(second)[1] == ["Sales", "14"]
    assert third.title is None and texts(third) == [["Key", "Value"], ["a", "1"]]


def test_chatter_is_never_a_title():
    for line in ("Sure, here is the table:", "Here's the data in Markdown format.",
                 "I have transcribed the table below, keeping the original numbers exactly as they "
                 "appear in the picture without any changes or corrections made"):
        [table] = parse(f"{line}\n\n| A | B |\n|---|---|\n| 1 | 2 |")
        assert table.title is None, line


def test_last_line_of_a_paragraph_is_not_a_title():
    [table] = parse("This paragraph talks about the numbers\nand ends on a short line\n\n| A |\n|---|\n| 1 |")
    assert table.title is None


def test_no_table():
    assert parse("") == []
    assert parse("   \n\n") == []
    assert parse("null") == []
    assert parse("---\nprimary_language: en\nis_table: False\n---\nJust a paragraph of text.") == []
    assert parse("<table><tr><td></td><td> </td></tr></table>") == []


def test_ambiguous_dates_follow_their_column_order():
    table = parse("| Due |\n|---|\n| 25/11/2021 |\n| 03/02/2020 |\n")[0]
    assert [row[0].value.value for row in table.grid()[1:]] == [dt.date(2021, 11, 25), dt.date(2020, 2, 3)]
