"""services.tables.pound_letters: "E" before amounts in a money column is a misread "£"."""
from services.tables.pound_letters import settle_pound_letters
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
