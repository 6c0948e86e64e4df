"""Turn the text of one table cell into a typed spreadsheet value.

The rule throughout is to be conservative: text becomes a number or a date only when it
reads unambiguously as one. Anything that merely looks numeric (ids, phone numbers, zip
codes with a leading zero, version strings, IP addresses, card numbers Excel would round)
stays text, because a silently wrong number in a spreadsheet is worse than a string.

``number_format`` is always an Excel format code (Excel codes use ``,`` for grouping and
``.`` for decimals whatever the user's locale) that shows the value the way it was written:
same decimal places, grouping only if it was written, the currency symbol on the same side.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import NamedTuple

from services.model import TypedValue

# Excel keeps 15 significant digits; anything longer would be silently rounded.
MAX_SIGNIFICANT_DIGITS = 15

_SPACES = " \u00a0\u2007\u2009\u202f"  # space, NBSP, figure space, thin space, narrow NBSP
# Read as "-": minus sign, figure dash, en dash, small and full-width hyphen-minus.
MINUS_SIGNS = "\u2212\u2012\u2013\ufe63\uff0d"
_MINUS_TABLE = str.maketrans({c: "-" for c in MINUS_SIGNS})

# Languages whose numbers are written 1.234,56 (or 1 234,56); regions that differ from
# their language's default are listed separately.
_DECIMAL_COMMA_LANGS = frozenset(
    "de fr es it nl pt ru pl cs sk sl hr sr bg ro hu sv da nb nn no fi tr id uk el lt lv et "
    "ca gl eu vi".split())
_DECIMAL_POINT_REGIONS = frozenset({"de_ch", "fr_ch", "it_ch", "es_mx", "es_us"})
# Where an ambiguous 01/02/2024 is January 2nd; everywhere else it is 1 February.
_MONTH_FIRST_LOCALES = frozenset({"en", "en_us"})

# Longest first so "US$" wins over "$".
_CURRENCY_CODES = (
    "USD EUR GBP JPY CHF CAD AUD NZD CNY RMB HKD SGD INR KRW SEK NOK DKK PLN CZK HUF RUB "
    "BRL MXN ZAR TRY ILS AED SAR".split())
_CURRENCY_SYMBOLS = ["US$", "CA$", "AU$", "NZ$", "HK$", "S$", "A$", "C$", "R$", "Fr.", "zł",
                     "Kč", "kr", "Rs", "$", "€", "£", "¥", "₹", "₩", "₽", "₺", "₪", "₫", "₴",
                     "₦", "₱", "฿"]
CURRENCY_SIGNS = "".join(c for c in _CURRENCY_SYMBOLS if len(c) == 1)
_CURRENCY = "|".join(re.escape(c) for c in sorted(_CURRENCY_CODES + _CURRENCY_SYMBOLS,
                                                   key=len, reverse=True))

_PREFIX_RE = re.compile(rf"^(?P<cur>{_CURRENCY})(?P<space>\s*)(?P<rest>.*)$", re.S)
_SUFFIX_RE = re.compile(rf"^(?P<rest>.*?)(?P<space>\s*)(?P<cur>{_CURRENCY}|%)$", re.S)
_SIGN_RE = re.compile(r"^(?P<sign>[-+])\s*(?P<rest>.*)$", re.S)
_IP_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


def _number_re(group_seps: str, decimal: str) -> re.Pattern:
    """Digits, optionally grouped in threes by one consistent separator, optional decimals."""
    groups = re.escape(group_seps)
    return re.compile(
        rf"^(?P<int>\d{{1,3}}(?P<sep>[{groups}])\d{{3}}(?:(?P=sep)\d{{3}})*|\d+)?"
        rf"(?:{re.escape(decimal)}(?P<frac>\d+))?$")


_POINT_NUMBER_RE = _number_re(",'’" + _SPACES, ".")
_COMMA_NUMBER_RE = _number_re(".'’" + _SPACES, ",")

# Dates. A trailing time is split off first (_TIME_RE), then the date part is matched.
_TIME_RE = re.compile(
    r"^(?P<date>.+?)(?:\s*T|,?\s+)(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?"
    r"(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?)?$")
_ISO_RE = re.compile(r"^(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})$")
_NUMERIC_DATE_RE = re.compile(
    r"^(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})$")
# OCR of "Jan 15, 2024" drops the space before the day ("Jan15,2024") and reads the comma
# as a point ("Jan 15.2024"); neither can mean anything else.
_MONTH_DAY_YEAR_RE = re.compile(
    r"^(?P<mon>0?[^\W\d_]+)\.?\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:(?P<comma>[,.])\s*|\s+)(?P<y>\d{4})$")
_DAY_MONTH_YEAR_RE = re.compile(
    r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?(?P<dot>\.?)(?P<sep>\s+|-)(?P<mon>0?[^\W\d_]+)\.?"
    r"(?:\s+|-)(?P<y>\d{4})$")
_MONTH_YEAR_RE = re.compile(r"^(?P<mon>0?[^\W\d_]+)\.?(?P<sep>\s+|-)(?P<y>\d{4})$")

_MONTHS_FULL = {
    name: i + 1
    for names in (
        "january february march april may june july august september october november december",
        "januar februar märz april mai juni juli august september oktober november dezember",
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    )
    for i, name in enumerate(names.split())
}
_MONTHS_ABBR = {
    name: month
    for month, names in enumerate((
        "jan janv ene", "feb febr fév févr", "mar mär mrz", "apr avr abr", "may mai",
        "jun juin", "jul juil", "aug ago", "sep sept", "oct okt", "nov", "dec dez déc dic",
    ), start=1)
    for name in names.split()
}


class _Number(NamedTuple):
    """A bare unsigned number as written: its value, decimals shown and whether grouped."""

    value: Decimal
    decimals: int
    grouped: bool
    space_grouped: bool


def parse_value(text: str, locale: str = "en") -> TypedValue:
    """What ``text`` means as a spreadsheet value; see the module docstring for the rules.

    ``locale`` (e.g. "en", "en_US", "en_GB", "de", "fr-FR") decides the decimal separator
    and whether an ambiguous 01/02/2024 is month-first.
    """
    s = (text or "").strip()
    if not s:
        return TypedValue("empty", None, None)
    loc = _locale_key(locale)
    decimal_comma = _uses_decimal_comma(loc)
    return (_parse_date(s, month_first=loc in _MONTH_FIRST_LOCALES)
            or _parse_numeric(s, decimal_comma)
            or _parse_misread_numeric(s, decimal_comma)
            or TypedValue("text", s, None))


def _parse_misread_numeric(s: str, decimal_comma: bool) -> TypedValue | None:
    """A number the OCR garbled in one of three common ways, read as meant; None otherwise."""
    fixed = _reread_pound(_reread_marks(_close_stray_spaces(s), decimal_comma))
    return _parse_numeric(fixed, decimal_comma) if fixed != s else None


_POUND_AS_F_RE = re.compile(
    r"^(?P<sign>[-(]?)f(?=\d{1,3}(?:,\d{3})+(?:\.\d+)?\)?$|\d{3,}\)?$|\d+\.\d\d\)?$)")


def _reread_pound(s: str) -> str:
    """"£" read as "f" ("f127", "-f4,174.31"): only before an amount shaped like money (three
    or more digits, digit groups or two decimals), so "f2.8" stays text."""
    return _POUND_AS_F_RE.sub(lambda m: m["sign"] + "£", s, count=1)


_SPACE_BEFORE_MARK_RE = re.compile(r"(?<=\d)\s+(?=[.,])")
_SPACE_AFTER_MARK_RE = re.compile(r"(?<=\d[.,])\s+(?=\d)")
_MARKED_DIGITS_RE = re.compile(r"\d[\d.,]*\d")


def _reread_marks(s: str, decimal_comma: bool) -> str:
    """Blur and JPEG make the OCR read a comma as a point and back ("9.089.64",
    "1.325.853", "1.601,879" for 9,089.64, 1,325,853 and 1,601,879). When digits are
    split by two or more marks into groups of three, every mark but the last is a group
    mark; the last one is too when three digits follow and it is the group mark or all
    marks are alike, else it must be the locale's decimal mark ("1.234,56" stays text in
    English). Left alone unless the groups fit exactly, and never for IP addresses or a
    last group of four or more digits (phones)."""
    m = _MARKED_DIGITS_RE.search(s)
    if not m or _IP_RE.match(m.group()):
        return s
    parts, marks = re.split(r"[.,]", m.group()), re.findall(r"[.,]", m.group())
    if len(marks) < 2 or not 1 <= len(parts[0]) <= 3 or any(len(p) != 3 for p in parts[1:-1]) \
            or not 1 <= len(parts[-1]) <= 3:
        return s
    group, decimal = _marks(decimal_comma)
    last_groups = len(parts[-1]) == 3 and (marks[-1] == group or len(set(marks)) == 1)
    if not last_groups and marks[-1] != decimal:
        return s
    body = group.join(parts[:-1]) + (group if last_groups else decimal) + parts[-1]
    return s[:m.start()] + body + s[m.end():]


def _close_stray_spaces(s: str) -> str:
    """OCR of monospaced digits puts spaces beside a decimal or group mark ("76 .2",
    "14. 6%", "9, 451.77", "- 36 . 44"); the text counts as a number only if it parses
    once they are gone."""
    return _SPACE_AFTER_MARK_RE.sub("", _SPACE_BEFORE_MARK_RE.sub("", s))


def _locale_key(locale: str) -> str:
    """"en-GB" -> "en_gb"."""
    return locale.replace("-", "_").lower()


def _uses_decimal_comma(loc: str) -> bool:
    return loc.split("_")[0] in _DECIMAL_COMMA_LANGS and loc not in _DECIMAL_POINT_REGIONS


def _marks(decimal_comma: bool) -> tuple[str, str]:
    """(group mark, decimal mark)."""
    return (".", ",") if decimal_comma else (",", ".")


# --- numbers, percentages, currency --------------------------------------------------------

def _parse_numeric(s: str, decimal_comma: bool) -> TypedValue | None:
    s = s.translate(_MINUS_TABLE)
    if _IP_RE.match(s):
        return None
    accounting, s = _take_parens(s)
    sign, s = _take_sign(s)
    prefix, s = _take_affix(_PREFIX_RE, s)
    if prefix and not sign:
        sign, s = _take_sign(s)  # "$-1,234.50"
    suffix, s = _take_affix(_SUFFIX_RE, s)
    if not accounting:
        accounting, s = _take_parens(s)  # "$(1,234.50)", "(1.234,56) €"
    if (prefix and suffix) or (accounting and sign):
        return None
    num = _parse_number(s, decimal_comma)
    if num is None or (sign == "+" and _phone_like(num)):
        return None

    value = -num.value if accounting or sign == "-" else num.value
    body = ("#,##0" if num.grouped else "0") + ("." + "0" * num.decimals if num.decimals else "")
    if suffix and suffix[0] == "%":
        return TypedValue("percent", float(value / 100), _signed(body + "%", accounting))
    plain = int(value) if num.decimals == 0 else float(value)
    if prefix or suffix:
        return TypedValue("currency", plain, _signed(_with_currency(body, prefix, suffix),
                                                      accounting))
    return TypedValue("number", plain, _signed(body, accounting))


def _phone_like(num: "_Number") -> bool:
    """After a plus sign: "+1 555 123", or a long run of digits with no grouping or decimals
    ("+442071234567", spaces lost in OCR)."""
    return num.space_grouped or (not num.grouped and num.decimals == 0 and abs(num.value) >= 1_000_000)


def _take_parens(s: str) -> tuple[bool, str]:
    if len(s) > 2 and s[0] == "(" and s[-1] == ")":
        return True, s[1:-1].strip()
    return False, s


def _take_sign(s: str) -> tuple[str, str]:
    m = _SIGN_RE.match(s)
    return (m["sign"], m["rest"]) if m else ("", s)


def _take_affix(pattern: re.Pattern, s: str) -> tuple[tuple[str, str] | None, str]:
    """Split a currency symbol/code (or %) off one end: ((symbol, space), rest)."""
    m = pattern.match(s)
    if not m or not m["rest"]:
        return None, s
    return (m["cur"], m["space"]), m["rest"]


def _parse_number(s: str, decimal_comma: bool) -> _Number | None:
    m = (_COMMA_NUMBER_RE if decimal_comma else _POINT_NUMBER_RE).match(s)
    if not m or not (m["int"] or m["frac"]):
        return None
    sep = m["sep"] or ""
    digits = (m["int"] or "0").replace(sep, "")
    frac = m["frac"] or ""
    if len(digits) > 1 and digits[0] == "0":  # "007", "02134": ids and zip codes
        return None
    if len((digits + frac).lstrip("0")) > MAX_SIGNIFICANT_DIGITS:
        return None
    return _Number(Decimal(f"{digits}.{frac or 0}"), len(frac), grouped=bool(sep),
                   space_grouped=bool(sep) and sep in _SPACES)


def _with_currency(body: str, prefix: tuple[str, str] | None,
                   suffix: tuple[str, str] | None) -> str:
    """Put the symbol on the side it was written; codes like USD always get a space."""
    symbol, space = prefix or suffix
    gap = " " if space or symbol[0 if suffix else -1].isalpha() else ""
    if prefix:
        return f'"{symbol}{gap}"{body}'
    return f'{body}{gap}"{symbol}"'


def _signed(fmt: str, accounting: bool) -> str:
    """Accounting negatives are shown in parentheses, as they were written."""
    return f"{fmt};({fmt})" if accounting else fmt


def settle_group_marks(texts: list[str], values: list[TypedValue], locale: str = "en"
                       ) -> list[TypedValue]:
    """``values`` (parsed from ``texts``, one column's cells) with group marks the OCR read as
    decimal marks put right. In a column of whole numbers, some written with group marks
    ("34,626"), where no number has a decimal part other than three digits, "835.778" and
    "1,792.459" are 835,778 and 1,792,459: blur turns commas into points, and a column that
    really held three decimals would not hold grouped whole numbers beside them. There too,
    "1483,696" and "1006.269" lost the mark after their first digit: 1,483,696 and 1,006,269."""
    shapes = [_shape(v) for v in values]
    known = [shape for shape in shapes if shape]
    if (len(known) < 3 or not any(grouped and decimals == 0 for grouped, decimals in known)
            or any(decimals not in (0, 3) for _, decimals in known)):
        return values
    group, decimal = _marks(_uses_decimal_comma(_locale_key(locale)))
    settled = []
    for text, value, shape in zip(texts, values, shapes):
        if shape and shape[1] == 3:
            at = text.rfind(decimal)
            written = text[:at] + group + text[at + 1:]
            reread = _regrouped(written, group, locale) or parse_value(written, locale)
            value = reread if reread.kind == value.kind else value
        elif value.kind == "text":
            value = _regrouped(text, group, locale) or value
        settled.append(value)
    return settled


def _regrouped(text: str, group: str, locale: str) -> TypedValue | None:
    """A whole number whose groups are right but for too many leading digits ("1483,696"),
    with the group mark it lost there put back; None for any other text."""
    m = re.fullmatch(rf"([1-9]\d{{3,}})((?:{re.escape(group)}\d{{3}})+)", text.strip())
    if not m:
        return None
    return parse_value(f"{int(m[1] + m[2].replace(group, '')):,}".replace(",", group), locale)


def settle_date_order(texts: list[str], values: list[TypedValue]) -> list[TypedValue]:
    """``values`` (parsed from ``texts``, one column's cells) with ambiguous numeric dates read
    in the column's order. A column is written one way: when some of its dates can only be
    day-first ("25/11/2021") and none can only be month-first, "03/02/2020" is 3 February,
    whatever the locale says, and the other way round."""
    orders = {order for order in map(_written_order, texts) if order is not None}
    if len(orders) != 1:
        return values
    month_first = orders.pop()
    return [(_parse_date(text.strip(), month_first) or value) if value.kind == "date" else value
            for text, value in zip(texts, values)]


def _written_order(text: str) -> bool | None:
    """True for a numeric date that can only be month-first, False for one that can only be
    day-first, None for anything else."""
    m = _TIME_RE.match(text.strip())
    m = _NUMERIC_DATE_RE.match(m["date"] if m else text.strip())
    if not m or (int(m["a"]) > 12) == (int(m["b"]) > 12):
        return None
    return int(m["b"]) > 12


def _shape(value: TypedValue) -> tuple[bool, int] | None:
    """(grouped, decimal places) of a number or amount as written, read off its format."""
    if value.kind not in ("number", "currency"):
        return None
    body = value.number_format.split(";")[0]
    decimals = re.search(r"0\.(0+)", body)
    return "#,##0" in body, len(decimals.group(1)) if decimals else 0


# --- dates ---------------------------------------------------------------------------------

def _parse_date(s: str, month_first: bool) -> TypedValue | None:
    time_part = None
    m = _TIME_RE.match(s)
    if m:
        time_part = _parse_time(m)
        if time_part is None:
            return None
        s = m["date"]
    parsed = _parse_date_only(s, month_first)
    if parsed is None:
        return None
    date, fmt = parsed
    if time_part is None:
        return TypedValue("date", date, fmt)
    time, time_fmt = time_part
    return TypedValue("date", dt.datetime.combine(date, time), f"{fmt} {time_fmt}")


def _parse_time(m: re.Match) -> tuple[dt.time, str] | None:
    hour, minute, second = int(m["h"]), int(m["m"]), int(m["s"] or 0)
    fmt = "hh:mm:ss" if m["s"] else "hh:mm"
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"].lower() == "p" else 0)
        fmt = fmt.replace("hh", "h") + " AM/PM"
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second), fmt


def _parse_date_only(s: str, month_first: bool) -> tuple[dt.date, str] | None:
    for parse in (_iso_date, _named_month_date, _month_year_date):
        result = parse(s)
        if result:
            return result
    return _numeric_date(s, month_first)


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _iso_date(s: str) -> tuple[dt.date, str] | None:
    m = _ISO_RE.match(s)
    date = m and _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if not date:
        return None
    sep, (month_code, day_code) = m["sep"], _numeric_codes(m["m"], m["d"])
    return date, f"yyyy{sep}{month_code}{sep}{day_code}"


def _numeric_date(s: str, month_first: bool) -> tuple[dt.date, str] | None:
    """15/01/2024 or 01/15/2024: whichever part is > 12 is the day; if neither, the locale
    decides (dotted dates are always day-first). A two-digit year is accepted only with
    zero-padded day and month ("01.02.24"), so version strings like "1.2.24" stay text."""
    m = _NUMERIC_DATE_RE.match(s)
    if not m:
        return None
    a, b, year_text, sep = m["a"], m["b"], m["y"], m["sep"]
    if len(year_text) == 2 and (len(a) < 2 or len(b) < 2 or sep == "-"):
        return None
    if int(a) > 12:
        month_first = False
    elif int(b) > 12:
        month_first = True
    elif sep == ".":
        month_first = False
    month, day = (a, b) if month_first else (b, a)
    year = int(year_text)
    if len(year_text) == 2:  # the pivot Python's %y uses
        year += 2000 if year < 69 else 1900
    date = _make_date(year, int(month), int(day))
    if not date:
        return None
    parts = list(_numeric_codes(month, day))
    if not month_first:
        parts.reverse()
    return date, sep.join(parts + ["y" * len(year_text)])


def _named_month_date(s: str) -> tuple[dt.date, str] | None:
    """"Jan 15, 2024", "January 15 2024", "15 Jan 2024", "15-Jan-2024", "15. Januar 2024"."""
    m = _MONTH_DAY_YEAR_RE.match(s)
    if m:
        month, mon_fmt = _month(m["mon"])
        date = month and _make_date(int(m["y"]), month, int(m["d"]))
        comma = "," if m["comma"] else ""
        return (date, f"{mon_fmt} {_day_code(m['d'])}{comma} yyyy") if date else None
    m = _DAY_MONTH_YEAR_RE.match(s)
    if m:
        month, mon_fmt = _month(m["mon"])
        date = month and _make_date(int(m["y"]), month, int(m["d"]))
        sep = "-" if m["sep"] == "-" else " "
        return (date, f"{_day_code(m['d'])}{m['dot']}{sep}{mon_fmt}{sep}yyyy") if date else None
    return None


def _month_year_date(s: str) -> tuple[dt.date, str] | None:
    """"Jan 2024" / "January 2024": the first of that month."""
    m = _MONTH_YEAR_RE.match(s)
    if not m:
        return None
    month, mon_fmt = _month(m["mon"])
    date = month and _make_date(int(m["y"]), month, 1)
    sep = "-" if m["sep"] == "-" else " "
    return (date, f"{mon_fmt}{sep}yyyy") if date else None


def _month(name: str) -> tuple[int | None, str]:
    """Month number and the Excel code showing it as written (full name or abbreviation).
    A leading zero is OCR's reading of "O" ("0ct")."""
    key = name.lower()
    if key.startswith("0"):
        key = "o" + key[1:]
    if key in _MONTHS_FULL and len(key) > 3:
        return _MONTHS_FULL[key], "mmmm"
    return _MONTHS_ABBR.get(key) or _MONTHS_FULL.get(key), "mmm"


def _numeric_codes(month: str, day: str) -> tuple[str, str]:
    """"mm", "dd" unless a part was written without padding ("1/5/2024" -> "m", "d")."""
    padded = len(month) == 2 and len(day) == 2
    return ("mm", "dd") if padded else ("m", "d")


def _day_code(day: str) -> str:
    """Beside a month name the day is "d" ("Jan 5, 2024") unless written "05"."""
    return "dd" if day.startswith("0") else "d"
