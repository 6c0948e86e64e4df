"""services.tables.capitals: a column's habit of capitals settles c/o/s/v/w/x/z read small."""
from services.tables.capitals import settle_capitals


def test_a_small_same_shape_letter_takes_the_columns_capital():
    column = ["Status", "Shipped", "Pending", "shipped", "Open", "Closed"]
    assert settle_capitals(column) == ["Status", "Shipped", "Pending", "Shipped", "Open", "Closed"]
    assert settle_capitals(["City", "Boston", "chicago", "Austin", "Denver"])[2] == "Chicago"


def test_letters_with_a_shape_of_their_own_are_left_as_read():
    assert settle_capitals(["Name", "Anna", "Bo", "pending", "Eve"])[3] == "pending"
    assert settle_capitals(["Name", "Anna", "Bo", "eBay", "Eve"])[3] == "eBay"


def test_short_words_mixed_words_and_columns_without_the_habit_are_left_as_read():
    assert settle_capitals(["Unit", "Kg", "Box", "cm", "Pack"])[3] == "cm"
    assert settle_capitals(["Id", "Alpha", "Beta", "sKU12", "Gamma"])[3] == "sKU12"
    lower_case_column = ["Code", "open", "closed", "shipped", "Draft"]
    assert settle_capitals(lower_case_column) == lower_case_column
    assert settle_capitals(["Item", "Pump", "valve"]) == ["Item", "Pump", "valve"]


def test_only_the_first_letter_is_raised_and_numbers_are_untouched():
    assert settle_capitals(["City", "Paris", "Rome", "Oslo", "san jose", "12.5"]) \
        == ["City", "Paris", "Rome", "Oslo", "San jose", "12.5"]
