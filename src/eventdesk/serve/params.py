"""Reading a request's parameters: each one checked against what it may be, or a
:class:`~eventdesk.errors.UsageError` whose message the app answers with a 400.

Pages and the API read the same parameters through these functions, so ``/events?actor=RUS``
and ``/api/events?actor=RUS`` select the same rows.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date as Date

from ..analysis.common import PERIODS, Window
from ..errors import UsageError
from ..ontology import is_cameo
from .data import SORTS, STATUSES, Filter

_CODE = re.compile(r"[A-Z][A-Z0-9]{1,11}")
MAX_PER_PAGE = 200


def code(value: str | None, name: str) -> str | None:
    """An actor code (RUS, RUSGOV, NATO), upper-cased; None when empty."""
    if value is None or not value.strip():
        return None
    text = value.strip().upper()
    if not _CODE.fullmatch(text):
        raise UsageError(f"{name}={_show(value)}: an actor code is 2 to 12 letters and digits, "
                         "such as RUS, USA or RUSGOV")
    return text


def codes(value: str | None, name: str, *, least: int = 0, most: int = 20) -> list[str]:
    """A comma-separated list of actor codes, duplicates dropped in order."""
    out: list[str] = []
    for part in (value or "").split(","):
        c = code(part, name)
        if c and c not in out:
            out.append(c)
    if len(out) < least:
        raise UsageError(f"{name}: give at least {least} different actor code"
                         f"{'s' if least > 1 else ''} (comma-separated, such as USA,CHN)")
    if len(out) > most:
        raise UsageError(f"{name}: at most {most} actor codes")
    return out


def day(value: str | None, name: str) -> Date | None:
    if value is None or not value.strip():
        return None
    try:
        return Date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{name}={_show(value)}: expected a date as YYYY-MM-DD") from None


def window(q: Mapping[str, str]) -> Window:
    since, until = day(q.get("since"), "since"), day(q.get("until"), "until")
    if since and until and since > until:
        raise UsageError(f"empty period: since {since} is after until {until}")
    return Window(since, until)


def period(q: Mapping[str, str], default: str = "month") -> str:
    by = (q.get("by") or default).strip().lower()
    if by not in PERIODS:
        raise UsageError(f"by={_show(by)}: choose one of {', '.join(PERIODS)}")
    return by


def cameo(value: str | None, name: str = "cameo") -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not text.isdigit() or not is_cameo(text):
        raise UsageError(f"{name}={_show(value)}: not a CAMEO code (such as 19, 190 or 0411)")
    return text


def statuses(value: str | None, default: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Comma-separated statuses, or ``all`` (None: no filter)."""
    if value is None or not value.strip():
        return default
    if value.strip().lower() == "all":
        return None
    out = []
    for part in value.lower().split(","):
        s = part.strip()
        if not s:
            continue
        if s not in STATUSES:
            raise UsageError(f"status={_show(part)}: choose from {', '.join(STATUSES)} or all")
        if s not in out:
            out.append(s)
    return tuple(out) or default


def integer(value: str | None, name: str, default: int, low: int, high: int) -> int:
    if value is None or not value.strip():
        return default
    try:
        n = int(value)
    except ValueError:
        raise UsageError(f"{name}={_show(value)}: expected a whole number") from None
    if not low <= n <= high:
        raise UsageError(f"{name}={n}: expected a number from {low} to {high}")
    return n


def number(value: str | None, name: str, default: float, low: float, high: float) -> float:
    if value is None or not value.strip():
        return default
    try:
        x = float(value)
    except ValueError:
        raise UsageError(f"{name}={_show(value)}: expected a number") from None
    if not low <= x <= high:
        raise UsageError(f"{name}={x:g}: expected a number from {low:g} to {high:g}")
    return x


def flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def boolean(value: str | None, name: str, default: bool = False) -> bool:
    """A yes/no parameter: 1, true, yes, on or 0, false, no, off (empty: ``default``)."""
    text = (value or "").strip().lower()
    if not text:
        return default
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise UsageError(f"{name}={_show(value or '')}: expected 1 or 0 (true or false)")


def mentions(q: Mapping[str, str]) -> bool:
    """``include_mentions``: keep the mentions of earlier events ("since the strike"), which
    the analyses and event lists leave out by default, as the CLI does."""
    return boolean(q.get("include_mentions"), "include_mentions")


def after(q: Mapping[str, str], sort_key: str, name: str = "after"
          ) -> tuple[object, object, str] | None:
    """``after`` (or ``before``): the keyset cursor of the events table (the last (first)
    row's sort value, date and event id, as a JSON list), as the next-page (previous-page)
    link carries it; None when absent."""
    import json

    text = q.get(name)
    if text is None or not text.strip():
        return None
    bad = UsageError(f"{name}={_show(text)}: not a page cursor (follow the page links)")
    if len(text) > 400:
        raise bad
    try:
        value = json.loads(text)
    except ValueError:
        raise bad from None
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[2], str)):
        raise bad
    key, day_, eid = value
    kind = {"goldstein": (int, float), "reports": (int,)}.get(sort_key, (str,))
    if key is not None and (isinstance(key, bool) or not isinstance(key, kind)):
        raise bad
    if sort_key == "date" and key is not None:
        key = _cursor_day(key, bad)
    if day_ is not None:
        if not isinstance(day_, str):
            raise bad
        day_ = _cursor_day(day_, bad)
    return key, day_, eid


def _cursor_day(text: str, bad: UsageError) -> Date:
    try:
        return Date.fromisoformat(text)
    except (TypeError, ValueError):
        raise bad from None


def event_filter(q: Mapping[str, str]) -> Filter:
    """The events table's and the map's filter; every status by default."""
    win = window(q)
    pair = codes(q.get("dyad"), "dyad", most=2)
    if pair and len(pair) != 2:
        raise UsageError("dyad: give two different actor codes, such as RUS,USA")
    root = q.get("root")
    if root and root.strip() and len(root.strip()) != 2:
        raise UsageError(f"root={_show(root)}: a CAMEO root is two digits, such as 19")
    return Filter(actor=code(q.get("actor"), "actor"),
                  recipient=code(q.get("recipient"), "recipient"),
                  dyad=(pair[0], pair[1]) if pair else None,
                  cameo=cameo(q.get("cameo")), root=cameo(root, "root"),
                  statuses=statuses(q.get("status"), None), since=win.since, until=win.until,
                  min_reports=integer(q.get("min_reports"), "min_reports", 0, 0, 10**6) or None,
                  min_confidence=confidence(q.get("min_confidence")),
                  place=_place(q.get("place")), doc=_place(q.get("doc")),
                  reports=flag(q.get("reports")), include_mentions=mentions(q))


def confidence(value: str | None) -> float | None:
    """The least confidence of the coder (0 to 1); None when not given."""
    if value is None or not value.strip():
        return None
    return number(value, "min_confidence", 0.0, 0.0, 1.0)


def _place(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > 200:
        raise UsageError("place, doc: at most 200 characters")
    return value.strip()


def sort(q: Mapping[str, str]) -> tuple[str, bool]:
    key = (q.get("sort") or "date").strip().lower()
    descending = key.startswith("-")
    key = key.lstrip("-")
    if key not in SORTS:
        raise UsageError(f"sort={_show(key)}: choose one of {', '.join(SORTS)} "
                         "(a leading - sorts descending)")
    return key, descending


def paging(q: Mapping[str, str]) -> tuple[int, int]:
    return (integer(q.get("page"), "page", 1, 1, 10**6),
            integer(q.get("per"), "per", 50, 1, MAX_PER_PAGE))


def _show(value: str) -> str:
    """A parameter's value quoted for a message, cut short."""
    text = value if len(value) <= 40 else value[:40] + "…"
    return repr(text)
