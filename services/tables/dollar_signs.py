"""Dollar signs the recogniser read as a "5" or an "S", put back from the column's own habit.

In a blurred photo "$" before an amount is often read "5" ("56,235.68" for $6,235.68,
"5973.49" for $973.49), which no single cell can tell from a number starting with 5.
A column can: amounts that span two orders of magnitude or more do not all start with
the same digit, so when every number of a column starts with "5" (or "S", or a "$" read
right) and the rest, written with group or decimal marks and no leading zero, spans such
magnitudes, that first character is the sign.
"""
from __future__ import annotations

import re

_LED_RE = re.compile(r"^(?P<lead>[-(]?)\s*(?P<sign>[5S$])\s?(?P<amount>(?!0\d)\d(?:[\d.,:\s]*\d)?\)?)$")
_NUMBER_RE = re.compile(r"^[-(]?\s*\S?\s?\d[\d.,:\s]*\)?%?$")
_MIN_CELLS = 3         # 5- or S-led numbers a column needs before its habit is trusted
_MAGNITUDE_SPREAD = 2  # digit counts of the amounts this far apart


def settle_dollar_signs(texts: list[str]) -> list[str]:
    """``texts`` of one column, with "5" or "S" before an amount read as "$" where every
    number of the column starts that way."""
    numbers = [t.strip() for t in texts if _NUMBER_RE.match(t.strip())]
    found = {i: m for i, m in enumerate(_LED_RE.match(t.strip()) for t in texts) if m}
    misread = [m for m in found.values() if m["sign"] != "$"]
    if len(misread) < _MIN_CELLS or len(found) < len(numbers):
        return texts
    digits = [sum(c.isdigit() for c in m["amount"]) for m in misread]
    if max(digits) - min(digits) < _MAGNITUDE_SPREAD or not any(
            re.search(r"[.,:]", m["amount"]) for m in misread):
        return texts
    settled = list(texts)
    for i, m in found.items():
        settled[i] = f"{m['lead']}${m['amount']}"
    return settled
