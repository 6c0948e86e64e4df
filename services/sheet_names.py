"""Worksheet names Excel accepts, derived from the names people gave their files.

Excel's rules: 1..31 characters, none of ``[ ] : * ? / \\``, no apostrophe at either end,
not "History" (reserved by Excel's change tracking), and unique ignoring case.
"""
from __future__ import annotations

import re

MAX_LEN = 31
_INVALID_RE = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_RESERVED = frozenset({"history"})


def unique_sheet_names(names: list[str]) -> list[str]:
    """One valid, case-insensitively unique sheet name per input, in the same order.

    Invalid characters become "_", names are cut to 31 characters, an empty result falls
    back to "Sheet N" (N = 1-based position) and a repeat gets " (2)", " (3)", ...
    """
    taken = set(_RESERVED)
    result = []
    for position, name in enumerate(names, start=1):
        base = _clean(name) or f"Sheet {position}"
        unique = _first_free(base, taken)
        taken.add(unique.casefold())
        result.append(unique)
    return result


def _clean(name: str) -> str:
    name = " ".join((name or "").split())  # newlines/tabs/runs of spaces -> one space
    name = _INVALID_RE.sub("_", name)
    return _trim(name[:MAX_LEN])


def _trim(name: str) -> str:
    return name.strip().strip("'").strip()


def _first_free(base: str, taken: set[str]) -> str:
    if base.casefold() not in taken:
        return base
    n = 2
    while True:
        suffix = f" ({n})"
        candidate = _trim(base[:MAX_LEN - len(suffix)]) + suffix
        if candidate.casefold() not in taken:
            return candidate
        n += 1
