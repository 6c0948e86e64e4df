"""services.tables.dollar_signs: a column's habit settles "$" read as "5" or "S"."""
from services.tables.dollar_signs import settle_dollar_signs


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
