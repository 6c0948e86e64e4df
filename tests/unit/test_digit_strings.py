"""settle_digit_strings: one column's phone numbers, dates and codes laid out alike."""
from __future__ import annotations

from services.tables.digit_strings import settle_digit_strings

PHONES_AS_READ = ["+44 204029 3417", "+44 2051920148", "+442051689273", "+44 20 33149288",
                  "+442087776651", "+44 20 3859 4795"]


def test_dropped_spaces_come_back_where_the_column_has_them():
    assert settle_digit_strings(PHONES_AS_READ) == [
        "+44 20 4029 3417", "+44 20 5192 0148", "+44 20 5168 9273", "+44 20 3314 9288",
        "+44 20 8777 6651", "+44 20 3859 4795"]


def test_a_stray_space_and_a_wrong_separator_go():
    column = ["2025-04-1 3", "2024-03-10", "2025-05.06", "2023-01-01"]
    assert settle_digit_strings(column) == ["2025-04-13", "2024-03-10", "2025-05-06", "2023-01-01"]


def test_a_space_only_one_string_shows_is_not_copied_but_stays_there():
    column = ["442070676442", "442084278534", "44 207826 9532", "44 20 74366594"]
    assert settle_digit_strings(column) == [
        "44 2070676442", "44 2084278534", "44 207826 9532", "44 20 74366594"]


def test_an_international_number_showing_part_of_its_grouping_gets_the_rest():
    assert settle_digit_strings(["+44207067 6442", "+44 20 84278534", "+4420 12345678"]) == [
        "+44 20 7067 6442", "+44 20 8427 8534", "+44 20 1234 5678"]


def test_an_international_number_in_another_grouping_or_none_stays_as_read():
    column = ["+442070676442", "+44 207 067 6442", "+44 12 3456", "+1 650253-0000"]
    assert settle_digit_strings(column) == column


def test_separators_without_a_majority_stay_as_read():
    column = ["01.02.2024", "03/04/2024", "05-06-2024"]
    assert settle_digit_strings(column) == column


def test_other_texts_and_other_shapes_are_left_alone():
    column = ["Phone", "+44 20 1234 5678", "4420 12345678", "n/a", "1 234", "12 34 5",
              "(555) 123-4567", "West 12 3456"]
    assert settle_digit_strings(column) == column  # no shape has three strings


def test_group_spaces_of_a_column_of_whole_numbers():
    column = ["1 234 567", "2 345 678", "3456789"]
    assert settle_digit_strings(column) == ["1 234 567", "2 345 678", "3 456 789"]
