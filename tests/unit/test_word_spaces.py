"""Spaces inside a column's repeated values follow the form most of its cells were read in."""
from services.tables.word_spaces import settle_word_spaces


def test_a_column_settles_spaces_inside_its_repeated_values():
    texts = ["Overdue", "Ove rdue", "Overdue", "On hold", "Onhold", "On hold", "Open", "Ove rdue",
             "Overdue"]
    assert settle_word_spaces(texts) == ["Overdue", "Overdue", "Overdue", "On hold", "On hold",
                                         "On hold", "Open", "Overdue", "Overdue"]


def test_spaces_stay_as_read_without_a_clear_majority():
    assert settle_word_spaces(["On hold", "Onhold", "Paid"]) == ["On hold", "Onhold", "Paid"]
    assert settle_word_spaces(["Ove rdue", "Overdue", "Ove rdue", "Overdue"]) == [
        "Ove rdue", "Overdue", "Ove rdue", "Overdue"]


def test_wrapped_cells_and_numbers_are_left_alone():
    assert settle_word_spaces(["Newport", "New\nport", "Newport"]) == ["Newport", "New\nport", "Newport"]
    assert settle_word_spaces(["1 200", "1200", "1200"]) == ["1 200", "1200", "1200"]
