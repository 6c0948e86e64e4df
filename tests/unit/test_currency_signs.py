"""services.tables.currency_signs: a column's habit settles "£" read as "E" and "$" read as "5" or "S"."""
from services.tables.currency_signs import settle_dollar_signs, settle_pound_letters
from services.values import parse_value


def test_e_before_amounts_of_many_magnitudes_becomes_a_pound_sign():
    column = ["Price", "E781", "E704690", "E27", "19", "E3"]
    assert settle_pound_letters(column) == ["Price", "£781", "£704690", "£27", "19", "£3"]


def test_group_marks_decimals_and_signs_show_money_even_at_one_magnitude():
    assert settle_pound_letters(["Due", "E5,740", "-E1,921", "E320"]) == ["Due", "£5,740", "-£1,921", "£320"]
    assert settle_pound_letters(["E11.03", "E61.46", "(E81.93)"]) == ["£11.03", "£61.46", "(£81.93)"]
    settled = settle_pound_letters(["E5,740", "-E1,921", "E320"])
    assert [parse_value(t).value for t in settled] == [5740, -1921, 320]
    assert parse_value(settled[1]).kind == "currency"


def test_fixed_width_codes_and_lone_cells_are_left_as_read():
    codes = ["Error", "E101", "E204", "E330", "E118"]
    assert settle_pound_letters(codes) == codes
    lone = ["Total", "E5,740", "1,200", "E7", "Note"]
    assert settle_pound_letters(lone) == lone
    words = ["Event", "East", "E-mail", "E 12 B"]
    assert settle_pound_letters(words) == words


def test_a_column_of_amounts_all_led_by_5_gets_its_dollar_signs():
    column = ["Amount", "56.235.68", "564.88", "54,646.40", "-5973.49", "S1,964.33", "$661.67", ""]
    assert settle_dollar_signs(column) == ["Amount", "$6.235.68", "$64.88", "$4,646.40", "-$973.49",
                                           "$1,964.33", "$661.67", ""]


def test_numbers_that_really_start_with_5_are_left_as_read():
    same_size = ["5,120.00", "5,874.50", "5,310.25", "5,002.10"]
    assert settle_dollar_signs(same_size) == same_size
    one_other = ["56,235.68", "564.88", "54,646.40", "973.49"]
    assert settle_dollar_signs(one_other) == one_other
    round_figures = ["50", "500", "5,000", "50,000"]
    assert settle_dollar_signs(round_figures) == round_figures
    ids = ["51234", "5123", "512345", "5012"]
    assert settle_dollar_signs(ids) == ids
