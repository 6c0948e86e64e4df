"""parse_value: what each kind of cell text becomes (kind, value with its Python type, format)."""
from __future__ import annotations

import datetime as dt

import pytest

from services.values import parse_value, settle_date_order, settle_group_marks

D = dt.date
DT = dt.datetime


def check(text, locale, kind, value, number_format):
    tv = parse_value(text, locale)
    assert (tv.kind, tv.value, tv.number_format) == (kind, value, number_format)
    assert type(tv.value) is type(value)  # int vs float vs date vs datetime matters to Excel


@pytest.mark.parametrize("text", ["", "   ", "\u00a0\t\n"])
def test_empty(text):
    check(text, "en", "empty", None, None)


@pytest.mark.parametrize("text, value, fmt", [
    ("0", 0, "0"),
    ("42", 42, "0"),
    ("2024", 2024, "0"),  # a year alone stays a number
    ("  17 ", 17, "0"),
    ("1,234", 1234, "#,##0"),
    ("1,234,567", 1234567, "#,##0"),
    ("1,234,567.89", 1234567.89, "#,##0.00"),
    ("1234.5", 1234.5, "0.0"),
    ("0.5", 0.5, "0.0"),
    (".5", 0.5, "0.0"),
    ("1.50", 1.5, "0.00"),
    ("3.000", 3.0, "0.000"),
    ("-3.2", -3.2, "0.0"),
    ("\u22123.2", -3.2, "0.0"),  # unicode minus
    ("\u20133.2", -3.2, "0.0"),  # en dash from OCR
    ("+5", 5, "0"),
    ("- 7", -7, "0"),
    ("(1,234)", -1234, "#,##0;(#,##0)"),
    ("(1,234.50)", -1234.5, "#,##0.00;(#,##0.00)"),
    ("(12)", -12, "0;(0)"),
    ("1 234.50", 1234.5, "#,##0.00"),  # space grouping in threes
    ("1\u00a0234", 1234, "#,##0"),
    ("1\u2009234", 1234, "#,##0"),  # thin space
    ("1'234.50", 1234.5, "#,##0.00"),  # Swiss grouping
    ("123456789012345", 123456789012345, "0"),  # 15 digits: still exact in Excel
])
def test_numbers_en(text, value, fmt):
    check(text, "en", "number", value, fmt)


@pytest.mark.parametrize("text, locale, value, fmt", [
    ("1.234,56", "de", 1234.56, "#,##0.00"),
    ("1 234,56", "fr", 1234.56, "#,##0.00"),
    ("1\u00a0234,56", "fr", 1234.56, "#,##0.00"),
    ("1\u202f234,56", "fr_FR", 1234.56, "#,##0.00"),  # narrow NBSP, as French typesetting does
    ("0,5", "de", 0.5, "0.0"),
    ("1,5", "es", 1.5, "0.0"),
    ("1.234", "de", 1234, "#,##0"),
    ("1,234", "de", 1.234, "0.000"),
    ("-12,75", "it", -12.75, "0.00"),
    ("1.234.567,8", "nl", 1234567.8, "#,##0.0"),
    ("(1.234)", "pt", -1234, "#,##0;(#,##0)"),
    ("1 234 567", "ru", 1234567, "#,##0"),
    ("1'234.50", "de_CH", 1234.5, "#,##0.00"),  # Swiss German uses a decimal point
    ("1,234.5", "en_GB", 1234.5, "#,##0.0"),
])
def test_numbers_other_locales(text, locale, value, fmt):
    check(text, locale, "number", value, fmt)


@pytest.mark.parametrize("text, value, fmt", [
    ("12.5%", 0.125, "0.0%"),
    ("50%", 0.5, "0%"),
    ("100%", 1.0, "0%"),
    ("3.25%", 0.0325, "0.00%"),
    ("-0.8 %", -0.008, "0.0%"),
    ("(3.5%)", -0.035, "0.0%;(0.0%)"),
    ("1,200%", 12.0, "#,##0%"),
    ("+2%", 0.02, "0%"),
])
def test_percent(text, value, fmt):
    tv = parse_value(text)
    assert tv.kind == "percent"
    assert tv.value == pytest.approx(value)
    assert isinstance(tv.value, float)
    assert tv.number_format == fmt


def test_percent_decimal_comma():
    tv = parse_value("12,5 %", "fr")
    assert (tv.kind, tv.value, tv.number_format) == ("percent", 0.125, "0.0%")


@pytest.mark.parametrize("text, locale, value, fmt", [
    ("$1,234.50", "en", 1234.5, '"$"#,##0.00'),
    ("$5", "en", 5, '"$"0'),
    ("$ 12.00", "en", 12.0, '"$ "0.00'),
    ("-$1,234.50", "en", -1234.5, '"$"#,##0.00'),
    ("$-1,234.50", "en", -1234.5, '"$"#,##0.00'),
    ("($1,234.50)", "en", -1234.5, '"$"#,##0.00;("$"#,##0.00)'),
    ("$(1,234.50)", "en", -1234.5, '"$"#,##0.00;("$"#,##0.00)'),
    ("US$5.00", "en", 5.0, '"US$"0.00'),
    ("€1,000", "en", 1000, '"€"#,##0'),
    ("£99.99", "en", 99.99, '"£"0.00'),
    ("¥1,000", "en", 1000, '"¥"#,##0'),
    ("₹250", "en", 250, '"₹"0'),
    ("USD 1,234.50", "en", 1234.5, '"USD "#,##0.00'),
    ("USD1,234.50", "en", 1234.5, '"USD "#,##0.00'),  # codes always get a space
    ("1,234.50 EUR", "en", 1234.5, '#,##0.00 "EUR"'),
    ("CHF 1'234.50", "en", 1234.5, '"CHF "#,##0.00'),
    ("GBP -20", "en", -20, '"GBP "0'),
    ("JPY 5,000", "en", 5000, '"JPY "#,##0'),
    ("1.234,56 €", "de", 1234.56, '#,##0.00 "€"'),
    ("1.234,56€", "de", 1234.56, '#,##0.00"€"'),
    ("-5,00 €", "fr", -5.0, '0.00 "€"'),
    ("(1.234,56) €", "de", -1234.56, '#,##0.00 "€";(#,##0.00 "€")'),
    ("\u22122,50 EUR", "de", -2.5, '0.00 "EUR"'),
])
def test_currency(text, locale, value, fmt):
    check(text, locale, "currency", value, fmt)


@pytest.mark.parametrize("text, locale, value, fmt", [
    ("2024-01-15", "en", D(2024, 1, 15), "yyyy-mm-dd"),
    ("2024/01/15", "en", D(2024, 1, 15), "yyyy/mm/dd"),
    ("2024-1-5", "en", D(2024, 1, 5), "yyyy-m-d"),
    ("15/01/2024", "en", D(2024, 1, 15), "dd/mm/yyyy"),  # 15 > 12: day first even in en
    ("01/15/2024", "en", D(2024, 1, 15), "mm/dd/yyyy"),
    ("01/15/2024", "de", D(2024, 1, 15), "mm/dd/yyyy"),  # 15 > 12: month first even in de
    ("01/02/2024", "en", D(2024, 1, 2), "mm/dd/yyyy"),  # ambiguous: month first in en
    ("01/02/2024", "en_US", D(2024, 1, 2), "mm/dd/yyyy"),
    ("01/02/2024", "en-US", D(2024, 1, 2), "mm/dd/yyyy"),
    ("01/02/2024", "en_GB", D(2024, 2, 1), "dd/mm/yyyy"),  # ambiguous: day first elsewhere
    ("01/02/2024", "de", D(2024, 2, 1), "dd/mm/yyyy"),
    ("01/02/2024", "fr", D(2024, 2, 1), "dd/mm/yyyy"),
    ("1/5/2024", "en", D(2024, 1, 5), "m/d/yyyy"),
    ("15.01.2024", "en", D(2024, 1, 15), "dd.mm.yyyy"),
    ("01.02.2024", "en", D(2024, 2, 1), "dd.mm.yyyy"),  # dotted dates are day first
    ("15.01.2024", "de", D(2024, 1, 15), "dd.mm.yyyy"),
    ("15-01-2024", "en", D(2024, 1, 15), "dd-mm-yyyy"),
    ("01.02.24", "de", D(2024, 2, 1), "dd.mm.yy"),
    ("12/31/99", "en", D(1999, 12, 31), "mm/dd/yy"),
    ("Jan 15, 2024", "en", D(2024, 1, 15), "mmm d, yyyy"),
    ("Dec 28,2020", "en", D(2020, 12, 28), "mmm d, yyyy"),  # OCR lost the space after the comma
    ("0ct 8, 2024", "en", D(2024, 10, 8), "mmm d, yyyy"),  # and read O as 0
    ("Jan. 5 2024", "en", D(2024, 1, 5), "mmm d yyyy"),
    ("January 15, 2024", "en", D(2024, 1, 15), "mmmm d, yyyy"),
    ("Sept 3, 2024", "en", D(2024, 9, 3), "mmm d, yyyy"),
    ("15 Jan 2024", "en", D(2024, 1, 15), "d mmm yyyy"),
    ("05 Jan 2024", "en", D(2024, 1, 5), "dd mmm yyyy"),
    ("1st March 2024", "en", D(2024, 3, 1), "d mmmm yyyy"),
    ("15-Jan-2024", "en", D(2024, 1, 15), "d-mmm-yyyy"),
    ("15. Januar 2024", "de", D(2024, 1, 15), "d. mmmm yyyy"),
    ("3 mars 2024", "fr", D(2024, 3, 3), "d mmmm yyyy"),
    ("January 2024", "en", D(2024, 1, 1), "mmmm yyyy"),  # month-year: the first of the month
    ("Jan 2024", "en", D(2024, 1, 1), "mmm yyyy"),
    ("Dez 2023", "de", D(2023, 12, 1), "mmm yyyy"),
    ("2024-01-15 13:45", "en", DT(2024, 1, 15, 13, 45), "yyyy-mm-dd hh:mm"),
    ("2024-01-15T13:45:30", "en", DT(2024, 1, 15, 13, 45, 30), "yyyy-mm-dd hh:mm:ss"),
    ("15.01.2024 08:05", "de", DT(2024, 1, 15, 8, 5), "dd.mm.yyyy hh:mm"),
    ("1/5/2024 1:45 PM", "en", DT(2024, 1, 5, 13, 45), "m/d/yyyy h:mm AM/PM"),
    ("Jan 15, 2024 12:10 am", "en", DT(2024, 1, 15, 0, 10), "mmm d, yyyy h:mm AM/PM"),
])
def test_dates(text, locale, value, fmt):
    check(text, locale, "date", value, fmt)


@pytest.mark.parametrize("text, locale", [
    ("hello", "en"),
    ("=SUM(A1:A3)", "en"),
    ("1,5", "en"),  # in en a comma must be followed by exactly three digits
    ("1,23", "en"),
    ("1,2345", "en"),
    ("1.234,56", "en"),
    ("12,34,567", "en"),
    ("00123", "en"),  # leading zeros: ids, zip codes
    ("007", "en"),
    ("02134", "en"),
    ("00.5", "en"),
    ("0123,5", "de"),
    ("+1 555-123-4567", "en"),  # phone numbers
    ("(555) 123-4567", "en"),
    ("555-1234", "en"),
    ("+1 555 123", "en"),
    ("+44 20 7946 0958", "en"),
    ("+442079460958", "en"),  # the same with the spaces lost in OCR
    ("12-345", "en"),  # ids
    ("A-1234", "en"),
    ("1.2.3", "en"),  # version strings
    ("1.2.3", "de"),
    ("v2.0", "en"),
    ("1.2.24", "en"),  # version, not a date: two-digit years need padded day and month
    ("192.168.1.1", "en"),  # IP addresses
    ("192.168.100.200", "de"),
    ("1234567890123456", "en"),  # > 15 significant digits: Excel would round it
    ("4111 1111 1111 1111", "en"),
    ("123,456,789,012,345,678", "en"),
    ("1 23", "en"),  # space groups must be exactly three digits
    ("1 2345.5", "en"),
    ("12 %%", "en"),
    ("$5 USD", "en"),  # two currencies
    ("$5%", "en"),
    ("-(5)", "en"),
    ("--5", "en"),
    ("5-", "en"),
    ("1e5", "en"),
    ("$", "en"),
    ("%", "en"),
    ("()", "en"),
    ("31/31/2024", "en"),  # no such date
    ("2024-02-30", "en"),
    ("Jan 15", "en"),  # no year
    ("Foo 15, 2024", "en"),
    ("13:45", "en"),  # a time alone
    ("2024-01-15 25:00", "en"),
    ("Q1 2024", "en"),
])
def test_stays_text(text, locale):
    check(text, locale, "text", text, None)


def test_text_is_stripped():
    check("  Total due \n", "en", "text", "Total due", None)


def test_default_locale_is_en():
    assert parse_value("1,234").value == 1234
    assert parse_value("01/02/2024").value == D(2024, 1, 2)


@pytest.mark.parametrize("text,kind,value", [
    ("76 .2", "number", 76.2),  # monospaced digits read with spaces beside the mark
    ("14. 6%", "percent", 0.146),
    ("9, 451.77", "number", 9451.77),
    ("- 36 . 44", "number", -36.44),
    ("(346 .04)", "number", -346.04),
])
def test_spaces_the_ocr_put_beside_a_mark_are_dropped(text, kind, value):
    typed = parse_value(text)
    assert (typed.kind, typed.value) == (kind, pytest.approx(value))


@pytest.mark.parametrize("text", ["3, 4", "21 28%", "Item 3 .5", "20 0.16%"])
def test_spaces_beside_a_mark_stay_when_the_rest_is_no_number(text):
    assert parse_value(text).kind == "text"


@pytest.mark.parametrize("text,locale,value", [
    ("9.089.64", "en", 9089.64),  # commas read as points by the OCR of a blurred scan
    ("1.325.853", "en", 1325853),
    ("1.601,879", "en", 1601879),
    ("GBP2.707.41", "en", 2707.41),
    ("1,234,56", "de", 1234.56),  # and the other way round
])
def test_group_and_decimal_marks_the_ocr_confused_are_reread(text, locale, value):
    assert parse_value(text, locale).value == pytest.approx(value)


@pytest.mark.parametrize("text", ["555.123.4567", "192.168.100.200", "1.2.3", "2024.01.15"])
def test_marks_are_not_reread_where_the_groups_do_not_fit(text):
    assert parse_value(text).kind in ("text", "date")


def test_group_marks_read_as_points_are_settled_by_their_column():
    texts = ["1,023,107", "670.934", "1,792.459", "88", "-12,345"]
    values = [parse_value(t) for t in texts]
    settled = settle_group_marks(texts, values)
    assert [v.value for v in settled] == [1023107, 670934, 1792459, 88, -12345]
    assert settled[1].number_format == "#,##0"


def test_a_group_mark_dropped_after_the_first_digits_is_settled_by_the_column():
    texts = ["Quantity", "1006.269", "1,620,306", "1483,696", "938,889", "0123,456", "25.500"]
    settled = settle_group_marks(texts, [parse_value(t) for t in texts])
    assert [v.value for v in settled[1:]] == [1006269, 1620306, 1483696, 938889, "0123,456", 25500]
    assert settled[3].number_format == "#,##0"
    alone = ["1483,696", "12.5", "938,889", "4.25"]  # real decimals: nothing to settle
    assert settle_group_marks(alone, [parse_value(t) for t in alone])[0].kind == "text"


def test_a_column_with_real_decimals_keeps_its_points():
    for texts in (["1,023,107", "670.934", "12.5"],       # another decimal part: real decimals
                  ["670.934", "0.125", "12.500"],          # no grouped whole number
                  ["1,023,107", "670.934"]):               # too few numbers to tell
        values = [parse_value(t) for t in texts]
        assert settle_group_marks(texts, values) == values, texts


def test_group_marks_follow_the_locale():
    texts = ["1.023.107", "670,934", "88"]
    settled = settle_group_marks(texts, [parse_value(t, "de") for t in texts], "de")
    assert [v.value for v in settled] == [1023107, 670934, 88]


def test_ambiguous_dates_follow_their_column_order_over_the_locale():
    texts = ["Due", "14/05/2024", "03/02/2020", "12/06/2023 10:30", "25/11/2021"]
    settled = settle_date_order(texts, [parse_value(t, "en_US") for t in texts])
    assert [v.value for v in settled[1:]] == [
        dt.date(2024, 5, 14), dt.date(2020, 2, 3), dt.datetime(2023, 6, 12, 10, 30),
        dt.date(2021, 11, 25)]
    assert settled[2].number_format == "dd/mm/yyyy"
    texts = ["02/03/2020", "12/25/2021"]  # month-first beats a day-first locale
    assert [v.value for v in settle_date_order(texts, [parse_value(t, "en_GB") for t in texts])] \
        == [dt.date(2020, 2, 3), dt.date(2021, 12, 25)]


def test_a_column_with_both_orders_or_neither_keeps_the_locale_reading():
    for texts in (["14/05/2024", "05/14/2024", "03/02/2020"], ["03/02/2020", "2021-11-25", "04/05/2021"]):
        values = [parse_value(t) for t in texts]
        assert settle_date_order(texts, values) == values, texts


@pytest.mark.parametrize("text, value, fmt", [
    ("f127", 127, '"£"0'), ("-f4,174.31", -4174.31, '"£"#,##0.00'), ("f418.13", 418.13, '"£"0.00')])
def test_a_pound_sign_read_as_f_before_an_amount_is_a_pound(text, value, fmt):
    typed = parse_value(text)
    assert (typed.kind, typed.value, typed.number_format) == ("currency", value, fmt)


@pytest.mark.parametrize("text", ["f2.8", "f1", "F100", "fee", "f12"])
def test_f_before_a_short_number_or_word_stays_text(text):
    assert parse_value(text).kind == "text"


@pytest.mark.parametrize("text, date", [
    ("Apr10,2021", dt.date(2021, 4, 10)), ("Feb 24.2020", dt.date(2020, 2, 24)),
    ("Mar19, 2020", dt.date(2020, 3, 19))])
def test_month_day_year_dates_as_ocr_garbles_them(text, date):
    typed = parse_value(text)
    assert (typed.kind, typed.value, typed.number_format) == ("date", date, "mmm d, yyyy")
