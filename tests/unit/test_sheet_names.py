"""unique_sheet_names: valid, unique Excel sheet names derived from file names."""
from __future__ import annotations

import io

import openpyxl
import pytest
import xlsxwriter

from services.sheet_names import unique_sheet_names


@pytest.mark.parametrize("names, expected", [
    ([], []),
    (["invoice"], ["invoice"]),
    (["a", "b"], ["a", "b"]),
    (["Q1/Q2 report"], ["Q1_Q2 report"]),
    (["a[1]:b*c?d\\e"], ["a_1__b_c_d_e"]),
    (["'quoted'"], ["quoted"]),
    (["  spaced  "], ["spaced"]),
    (["line\nbreak\ttab"], ["line break tab"]),
    ([""], ["Sheet 1"]),
    (["x", "", "   ", "'"], ["x", "Sheet 2", "Sheet 3", "Sheet 4"]),
    (["History"], ["History (2)"]),
    (["history"], ["history (2)"]),
    (["Scan", "scan", "SCAN"], ["Scan", "scan (2)", "SCAN (3)"]),
    (["a", "a", "a (2)"], ["a", "a (2)", "a (2) (2)"]),
    (["Sheet 2", ""], ["Sheet 2", "Sheet 2 (2)"]),
])
def test_names(names, expected):
    assert unique_sheet_names(names) == expected


def test_long_names_are_cut_to_31_and_stay_unique():
    long = "A very long scanned invoice file name from March"
    names = unique_sheet_names([long, long, long])
    assert names[0] == long[:31]
    assert names[1] == long[:27] + " (2)"
    assert names[2] == long[:27] + " (3)"
    assert all(len(n) <= 31 for n in names)


def test_cut_does_not_leave_trailing_apostrophe_or_space():
    name = "x" * 29 + " 'tail"
    (result,) = unique_sheet_names([name])
    assert result == "x" * 29
    name2 = "y" * 30 + "'z"
    assert unique_sheet_names([name2]) == ["y" * 30]


def test_many_duplicates_get_increasing_numbers():
    names = unique_sheet_names(["dup"] * 12)
    assert names[-1] == "dup (12)"
    assert len({n.casefold() for n in names}) == 12


def test_result_is_accepted_by_excel_writers():
    """XlsxWriter enforces Excel's rules itself: every produced name must pass them."""
    weird = ["History", "a/b", "'x'", "", "[x]" * 20, "dup", "DUP", "ok:?*", "z" * 40, "z" * 40]
    names = unique_sheet_names(weird)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name in names:
        workbook.add_worksheet(name)
    workbook.close()
    assert openpyxl.load_workbook(buffer).sheetnames == names
