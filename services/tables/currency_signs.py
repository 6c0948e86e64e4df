"""Currency signs the recogniser read as another character, put back from the column's habit.

The PP-OCR recogniser's alphabet has no "£" (nor "€"): it drops the sign or, in blurred
photos, most often reads it as "E" ("E5,740", "-E1,921"). It has "$", but in a blurred photo
reads it "5" or "S" ("56,235.68" for $6,235.68). A single cell cannot tell: "E101" is a
code and "5973.49" a number. A column can, because amounts span magnitudes while codes have
a fixed shape and numbers spanning two orders of magnitude do not all start with one digit.
Only the leading character is changed; the number is left to parse_value and the column's
group-mark settling. ("£" read as "f" needs no column: parse_value reads "f127" as money.)
"""
from __future__ import annotations

import re

_MIN_CELLS = 3         # led numbers a column needs before its habit is trusted
_MAGNITUDE_SPREAD = 2  # digit counts this far apart show amounts rather than fixed-width codes


def _led(signs: str, marks: str, first_digit: str = r"\d") -> re.Pattern:
    """An amount led by one of ``signs``, its digits parted by ``marks`` and spaces."""
    return re.compile(rf"^(?P<lead>[-(]?)\s*(?P<sign>[{signs}])\s?"
                      rf"(?P<amount>{first_digit}(?:[\d{marks}\s]*\d)?\)?)$")


_E_LED = _led("Ee", ".,")
# No leading zero: "$" is never followed by "05", while a number led by 5 may be "505".
_DOLLAR_LED = _led("5S$", ".,:", first_digit=r"(?!0\d)\d")
_NUMBER_RE = re.compile(r"^[-(]?\s*\S?\s?\d[\d.,:\s]*\)?%?$")


def settle_pound_letters(texts: list[str]) -> list[str]:
    """``texts`` of one column, with "E" before an amount read as "£" where the column's
    E-led cells read as money: several magnitudes, or group marks, decimals or signs."""
    found = _matches(texts, _E_LED)
    if len(found) < _MIN_CELLS or not (_spread(found.values()) or any(
            m["lead"] or re.search(r"[.,]", m["amount"]) for m in found.values())):
        return texts
    return _with_sign(texts, found, "£")


def settle_dollar_signs(texts: list[str]) -> list[str]:
    """``texts`` of one column, with "5" or "S" before an amount read as "$" where every
    number of the column starts so (or with "$"), and the amounts after it carry marks and
    span magnitudes."""
    found = _matches(texts, _DOLLAR_LED)
    misread = [m for m in found.values() if m["sign"] != "$"]
    if (len(misread) < _MIN_CELLS or len(found) < sum(bool(_NUMBER_RE.match(t.strip())) for t in texts)
            or not _spread(misread) or not any(re.search(r"[.,:]", m["amount"]) for m in misread)):
        return texts
    return _with_sign(texts, found, "$")


def _matches(texts: list[str], pattern: re.Pattern) -> dict[int, re.Match]:
    return {i: m for i, m in enumerate(pattern.match(t.strip()) for t in texts) if m}


def _spread(matches) -> bool:
    digits = [sum(c.isdigit() for c in m["amount"]) for m in matches]
    return max(digits) - min(digits) >= _MAGNITUDE_SPREAD


def _with_sign(texts: list[str], found: dict[int, re.Match], sign: str) -> list[str]:
    settled = list(texts)
    for i, m in found.items():
        settled[i] = f"{m['lead']}{sign}{m['amount']}"
    return settled
