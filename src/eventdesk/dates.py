"""Date phrases → (date, precision).

Explicit dates are read with the project's own patterns (ISO ``2017-05-22``, ``May 22, 2017``,
``22 May 2017``, ``May 2017``, ``2017``); anything else falls back to ``dateparser`` (pinned).
"""
from __future__ import annotations

import re
from datetime import date as Date
from datetime import timedelta

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
    if re.fullmatch(r"(?:19|20)\d{6}", text):        # GDELT's and PETRARCH's YYYYMMDD
        try:
            return Date(int(text[:4]), int(text[4:6]), int(text[6:])), Precision.DAY
        except ValueError:
            raise InputError(f"date {text!r} does not parse (not a day of the calendar)") from None
    found = find_date(text)
    if found and found[2][0] <= 1 and found[2][1] >= len(text) - 12:
        return found[0], found[1]
    import dateparser  # slow to import: only for what our own patterns do not read

    parsed = dateparser.parse(text, languages=["en"],
                              settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"})
    if parsed is None:
        raise InputError(f"date {text!r} does not parse (use YYYY-MM-DD)")
    return parsed.date(), Precision.DAY


WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = re.compile(r"\b(?:(last|this|next|on|early|late)\s+)?(" + "|".join(WEEKDAYS) +
                      r")(?:\s+(?:morning|afternoon|evening|night))?\b", re.I)
_RELATIVE = {
    # phrase → (unit, offset); offset in units relative to the base date
    "today": ("day", 0), "tonight": ("day", 0), "yesterday": ("day", -1),
    "tomorrow": ("day", 1), "this week": ("week", 0), "last week": ("week", -1),
    "earlier this week": ("week", 0), "later this week": ("week", 0), "next week": ("week", 1),
    "this month": ("month", 0), "earlier this month": ("month", 0),
    "later this month": ("month", 0), "last month": ("month", -1), "next month": ("month", 1),
    "this year": ("year", 0), "earlier this year": ("year", 0), "last year": ("year", -1),
    "next year": ("year", 1), "later this year": ("year", 0),
}


def _shift(base: Date, unit: str, offset: int) -> tuple[Date, Precision]:
    if unit == "day":
        return base + timedelta(days=offset), Precision.DAY
    if unit == "week":
        monday = base - timedelta(days=base.weekday()) + timedelta(weeks=offset)
        return monday, Precision.WEEK
    if unit == "month":
        m = base.month - 1 + offset
        return Date(base.year + m // 12, m % 12 + 1, 1), Precision.MONTH
    return Date(base.year + offset, 1, 1), Precision.YEAR


def resolve_relative(text: str, base: Date, future: bool = False
                     ) -> tuple[Date, Precision] | None:
    """A date phrase of a sentence ("on Thursday", "last month", "May 14", "next week") as a
    date relative to the document's date ``base``; ``future`` when the verb looks ahead.

    >>> resolve_relative("on Thursday", Date(2017, 4, 12))        # a Wednesday
    (datetime.date(2017, 4, 6), <Precision.DAY: 'day'>)
    >>> resolve_relative("on Thursday", Date(2017, 4, 12), future=True)[0]
    datetime.date(2017, 4, 13)
    """
    phrase = original = " ".join(text.lower().replace("’", "'").split())
    phrase = re.sub(r"^(on|in|during|since|by|from|until|of)\s+", "", phrase)
    if phrase in _RELATIVE:
        return _shift(base, *_RELATIVE[phrase])
    m = _WEEKDAY.search(phrase)
    if m and len(phrase) <= len(m.group(0)) + 2:
        target = WEEKDAYS.index(m.group(2).lower())
        qualifier = (m.group(1) or "").lower()
        if qualifier == "next" or (future and qualifier != "last"):
            days = (target - base.weekday()) % 7
            if qualifier == "next" and days == 0:
                days = 7
            return base + timedelta(days=days), Precision.DAY
        days = (base.weekday() - target) % 7
        if qualifier == "last" and days == 0:
            days = 7
        return base - timedelta(days=days), Precision.DAY
    found = find_date(phrase)
    if found:
        return found[0], found[1]
    # a month and day without a year ("May 14"), or a month alone ("in March")
    m = re.fullmatch(_MON + r"(?:\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?)?", phrase, re.I)
    if m:
        month = MONTHS[m.group("mon").lower().rstrip(".")]
        day = int(m.group("d")) if m.group("d") else 1
        year = base.year
        try:
            d = Date(year, month, day)
        except ValueError:
            return None
        if not future and d > base + timedelta(days=1):
            d = d.replace(year=year - 1)       # "in December", written in April: the last one
        elif future and d < base - timedelta(days=1):
            d = d.replace(year=year + 1)
        return d, Precision.DAY if m.group("d") else Precision.MONTH
    if re.fullmatch(r"(?:19|20)\d\d", phrase):
        return Date(int(phrase), 1, 1), Precision.YEAR
    return _dateparser(original, base, future)


_COUNTED = re.compile(r"\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|"
                      r"several)\s+(?:day|week|month|year)s?\s+(?:ago|earlier|before)\b|"
                      r"\bin\s+(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
                      r"(?:day|week|month|year)s?\b", re.I)


def _dateparser(phrase: str, base: Date, future: bool) -> tuple[Date, Precision] | None:
    """What the project's own rules do not read ("three weeks ago", "in two days"), through
    dateparser (pinned: its relative-date handling has changed between releases)."""
    if not _COUNTED.search(phrase):
        return None
    from datetime import datetime

    import dateparser

    parsed = dateparser.parse(phrase, languages=["en"], settings={
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "future" if future else "past",
        "RETURN_TIME_AS_PERIOD": True, "STRICT_PARSING": False})
    if parsed is None:
        return None
    unit = "day"
    if "week" in phrase:
        unit = "week"
    elif "month" in phrase:
        unit = "month"
    elif "year" in phrase:
        unit = "year"
    d = parsed.date()
    return (_shift(d, unit, 0) if unit != "day" else (d, Precision.DAY))
