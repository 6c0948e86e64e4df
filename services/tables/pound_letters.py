"""Pound signs the recogniser read as a letter E, put back from the column's own habit.

The PP-OCR recogniser's alphabet has no "£" (nor "€"), so it drops the sign or, in blurred
photos, most often reads it as "E" ("E5,740", "-E1,921"). "E" before digits is also how
codes are written (error "E101", a grid "E12"), so a single cell cannot tell. A column can:
codes have a fixed shape, while a column of amounts spans magnitudes and carries group
marks, decimals and signs. Only the leading letter is changed; the number is left to
parse_value and the column's group-mark settling. ("£" read as "f" needs no column:
parse_value reads "f127" as money by itself.)
"""
from __future__ import annotations

import re

_E_AMOUNT_RE = re.compile(r"^(?P<lead>[-(]?)\s*[Ee]\s?(?P<amount>\d(?:[\d.,\s]*\d)?\)?)$")
_MIN_CELLS = 3         # E-led numbers a column needs before its habit is trusted
_MAGNITUDE_SPREAD = 2  # digit counts this far apart show amounts rather than fixed-width codes


def settle_pound_letters(texts: list[str]) -> list[str]:
    """``texts`` of one column, with "E" before an amount read as "£" where the column's
    E-led cells read as money."""
    found = {i: m for i, m in enumerate(_E_AMOUNT_RE.match(t.strip()) for t in texts) if m}
    if len(found) < _MIN_CELLS or not _money_like(list(found.values())):
        return texts
    settled = list(texts)
    for i, m in found.items():
        settled[i] = f"{m['lead']}£{m['amount']}"
    return settled


def _money_like(matches: list[re.Match]) -> bool:
    digits = [sum(c.isdigit() for c in m["amount"]) for m in matches]
    return (max(digits) - min(digits) >= _MAGNITUDE_SPREAD
            or any(m["lead"] or re.search(r"[.,]", m["amount"]) for m in matches))
