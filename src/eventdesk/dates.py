"""Date phrases → (date, precision).

Explicit dates are read with the project's own patterns (ISO ``2017-05-22``, ``May 22, 2017``,
``22 May 2017``, ``May 2017``, ``2017``); anything else falls back to ``dateparser`` (pinned).
"""
from __future__ import annotations

import re
from datetime import date as Date

from .errors import InputError
from .model import Precision

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"

_PATTERNS: list[tuple[re.Pattern[str], Precision]] = [
    (re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\b"), Precision.DAY),
    (re.compile(_MON + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
     Precision.DAY),
    (re.compile(r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>(?:19|20)\d\d)\b",
                re.I), Precision.DAY),
    (re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)\b(?!-)"), Precision.MONTH),
    (re.compile(r"\b" + _MON + r"\s+(?P<y>(?:19|20)\d\d)\b", re.I), Precision.MONTH),
]


def _build(m: re.Match[str], precision: Precision) -> Date | None:
    g = m.groupdict()
    month = int(g["m"]) if g.get("m") else MONTHS.get(g["mon"].lower().rstrip("."), 0)
    day = int(g["d"]) if g.get("d") else 1
    try:
        return Date(int(g["y"]), month, day)
    except ValueError:
        return None


def find_date(text: str) -> tuple[Date, Precision, tuple[int, int]] | None:
    """The first explicit date in ``text`` with its precision and character span, or None."""
    best: tuple[Date, Precision, tuple[int, int]] | None = None
    for pattern, precision in _PATTERNS:
        for m in pattern.finditer(text):
            d = _build(m, precision)
            if d is not None:
                if best is None or m.start() < best[2][0]:
                    best = (d, precision, m.span())
                break
    return best


def parse_date(value: str | Date | None) -> tuple[Date | None, Precision]:
    """Parse a date given by a user or a record; raise :class:`InputError` if it does not parse.

    >>> parse_date("2017-05-22")
    (datetime.date(2017, 5, 22), <Precision.DAY: 'day'>)
    >>> parse_date("May 2017")[1].value
    'month'
    """
    if value is None or value == "":
        return None, Precision.UNKNOWN
    if isinstance(value, Date):
        return value, Precision.DAY
    text = str(value).strip()
    if re.fullmatch(r"(?:19|20)\d\d", text):
        return Date(int(text), 1, 1), Precision.YEAR
    found = find_date(text)
    if found and found[2][0] <= 1 and found[2][1] >= len(text) - 12:
        return found[0], found[1]
    import dateparser  # slow to import: only for what our own patterns do not read

    parsed = dateparser.parse(text, languages=["en"],
                              settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"})
    if parsed is None:
        raise InputError(f"date {text!r} does not parse (use YYYY-MM-DD)")
    return parsed.date(), Precision.DAY
