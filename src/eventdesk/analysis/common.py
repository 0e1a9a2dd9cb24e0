"""What every analysis shares: the relation it reads, periods, actor codes, small statistics.

An analysis takes a DuckDB connection and a *relation*: a table name or a parenthesised
subquery with the columns of :meth:`eventdesk.store.Store.analysis_events`. Aggregation happens
in SQL; numpy works only on the short per-period series that come back.

Every value a query compares with (an actor code, a date, an event id, a country read back from
the store) is bound as a parameter through :class:`Params`, never written into the SQL text:
imported data may hold any characters (an id ``O'Brien-1``, or one crafted to run SQL). What
the SQL text holds besides is the relation, column names and keywords chosen from fixed lists
(the period, checked by :func:`check_period`) and integers.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date as Date
from typing import Any

import numpy as np

from ..errors import UsageError

PERIODS = ("day", "week", "month", "quarter", "year")
# sectors of a state's own apparatus; the bare state ("RUS") speaks for its government too
STATE_SECTORS = ("GOV", "MIL", "LEG", "JUD", "COP", "SPY")


class Params(dict):
    """The values bound to one query as named parameters: ``p(value)`` stores the value and
    returns its placeholder (``$p0``, ``$p1``, ...; a value given twice gets one placeholder);
    run the query with ``con.execute(sql, p)``.

    >>> p = Params(); f"actor_country = {p('RUS')} OR recipient_country = {p('RUS')}", dict(p)
    ('actor_country = $p0 OR recipient_country = $p0', {'p0': 'RUS'})
    """

    def __call__(self, value: Any) -> str:
        for name, held in self.items():
            if type(held) is type(value) and held == value:
                return "$" + name
        name = f"p{len(self)}"
        self[name] = value
        return "$" + name


@dataclass(frozen=True)
class Window:
    """The dates an analysis looks at (either end may be open)."""

    since: Date | None = None
    until: Date | None = None

    def sql(self, p: Params, col: str = "date") -> str:
        """The window as a predicate on ``col``, its dates bound in ``p``."""
        parts = [f"{col} IS NOT NULL"]
        if self.since:
            parts.append(f"{col} >= {p(self.since)}")
        if self.until:
            parts.append(f"{col} <= {p(self.until)}")
        return " AND ".join(parts)

    def describe(self) -> str:
        if not self.since and not self.until:
            return "all dates"
        return f"{self.since or 'start'} to {self.until or 'end'}"


def window(since: str | Date | None = None, until: str | Date | None = None) -> Window:
    """A :class:`Window` from ISO dates; a bad or reversed range is a :class:`UsageError`."""
    s, u = _day(since, "--since"), _day(until, "--until")
    if s and u and s > u:
        raise UsageError(f"empty period: --since {s} is after --until {u}")
    return Window(s, u)


def _day(value: str | Date | None, flag: str) -> Date | None:
    if value is None or isinstance(value, Date):
        return value
    try:
        return Date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(f"{flag} {value!r}: expected a date as YYYY-MM-DD") from None


def check_period(by: str) -> str:
    if by not in PERIODS:
        raise UsageError(f"--by {by!r}: choose one of {', '.join(PERIODS)}")
    return by


def side_sql(prefix: str, code: str, p: Params) -> str:
    """Predicate for one party: a country code matches the country, a longer code the actor
    code itself (``RUS`` matches RUSGOV and RUSMIL; ``RUSMIL`` only the military); the code
    is bound in ``p``."""
    if code in state_codes():           # a state: its country column says it all
        return f"({prefix}_country = {p(code)})"
    return f"({prefix}_country = {p(code)} OR {prefix}_code = {p(code)})"


def state_codes() -> frozenset[str]:
    """State codes of the knowledge base with the user's ``--actors`` files (read without
    spaCy, once: :func:`eventdesk.actors.tables.current_tables`)."""
    from ..actors.tables import current_tables

    return current_tables().state_codes()


def known_codes() -> frozenset[str]:
    """State and organisation codes of the knowledge base with the user's ``--actors`` files
    (read without spaCy, once: :func:`eventdesk.actors.tables.current_tables`)."""
    from ..actors.tables import current_tables

    return current_tables().known_codes()


def code_names() -> dict[str, str]:
    """Names of the state and organisation codes of the knowledge base with the user's
    ``--actors`` files (``RUS`` → ``Russia``), from :func:`eventdesk.actors.tables.current_tables`."""
    from ..actors.tables import current_tables

    tables = current_tables()
    return {code: row["name"] for rows in (tables.orgs, tables.states)
            for code, row in rows.items() if row.get("name")}


#: words for the sector part of an actor code, in prose ("Russia's military")
SECTOR_WORDS = {"GOV": "government", "MIL": "military", "LEG": "legislature",
                "JUD": "judiciary", "COP": "police", "SPY": "intelligence services",
                "BUS": "businesses", "MED": "media", "OPP": "opposition", "REB": "rebels",
                "CVL": "civilians", "ELI": "elites", "NGO": "NGOs", "EDU": "educators"}


def name_of(code: str | None) -> str:
    """An actor code in words with the code in parentheses: ``Russia (RUS)``,
    ``Russia's military (RUSMIL)``; a code the knowledge base does not name stays a code."""
    if not code:
        return "an unnamed actor"
    names = code_names()
    if code in names:
        return f"{names[code]} ({code})"
    head, rest = code[:3], code[3:]
    if head in names and rest in SECTOR_WORDS:
        owner = names[head] + ("'" if names[head].endswith("s") else "'s")
        return f"{owner} {SECTOR_WORDS[rest]} ({code})"
    if head in names and rest:
        return f"{names[head]} ({code})"
    return code


def cameo_name(code: str | None) -> str:
    """``CAMEO 163 "Impose embargo, boycott, or sanctions"``; an unknown code as itself."""
    from ..ontology import cameo_table

    row = cameo_table().get(code or "")
    return f"CAMEO {code} “{row.name}”" if row else f"CAMEO {code}"


def parse_codes(text: str | list[str] | None) -> list[str]:
    """``"USA,CHN"`` or ``["USA", "CHN"]`` → upper-cased codes, duplicates dropped in order."""
    if not text:
        return []
    items = text.split(",") if isinstance(text, str) else [c for t in text for c in t.split(",")]
    out: list[str] = []
    for c in (i.strip().upper() for i in items):
        if c and c not in out:
            out.append(c)
    return out


def check_actors(con: Any, rel: str, codes: list[str]) -> list[str]:
    """Each code must name a party the relation holds; say whether an unknown one is at least
    a state or organisation the knowledge base knows."""
    codes = parse_codes(codes)
    for code in codes:
        p = Params()
        row = con.execute(f"SELECT 1 FROM {rel} WHERE {side_sql('actor', code, p)} OR "
                          f"{side_sql('recipient', code, p)} LIMIT 1", p).fetchone()
        if row is not None:
            continue
        if code in known_codes():
            raise UsageError(f"{code}: a known actor code, but the store has no events with it "
                             "(with these statuses)")
        raise UsageError(f"{code}: unknown actor code (not in the store, and not a state or "
                         "organisation of the knowledge base; use codes such as RUS, USA, CHN)")
    return codes


def distinct(codes: list[str], need: int, what: str) -> list[str]:
    if len(codes) < need:
        raise UsageError(f"{what} needs {need} different actors, got {len(codes)}")
    return codes


# -- small statistics on per-period series -------------------------------------------------------
def ewma(x: np.ndarray, alpha: float) -> np.ndarray:
    """Exponentially weighted mean along the last axis; NaN periods carry the previous value
    (and leading NaNs stay NaN)."""
    x = np.asarray(x, dtype=float)
    out = np.full_like(x, np.nan)
    prev = np.full(x.shape[:-1], np.nan)
    for t in range(x.shape[-1]):
        cur = x[..., t]
        upd = np.where(np.isnan(prev), cur, alpha * cur + (1 - alpha) * prev)
        prev = np.where(np.isnan(cur), prev, upd)
        out[..., t] = prev
    return out


def trailing_robust_z(x: np.ndarray, baseline: int) -> np.ndarray:
    """Each value's robust z against the ``baseline`` periods before it (median and scaled MAD
    of the observed ones); NaN when fewer than three are observed or they do not vary. Every
    period at once, over a sliding window of the series padded with ``baseline`` missing
    values in front (a missing value counts for nothing)."""
    from numpy.lib.stride_tricks import sliding_window_view

    x = np.asarray(x, dtype=float)
    z = np.full(x.shape, np.nan)
    n = x.shape[-1]
    if n <= 3 or baseline < 1:
        return z
    pad = np.full(x.shape[:-1] + (baseline,), np.nan)
    # window t (t = 0..n-1): the periods t-baseline .. t-1
    past = sliding_window_view(np.concatenate([pad, x], axis=-1), baseline, axis=-1)
    past = past[..., 3:n, :]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(past, axis=-1)
        mad = 1.4826 * np.nanmedian(np.abs(past - med[..., None]), axis=-1)
        enough = np.sum(~np.isnan(past), axis=-1) >= 3
        z[..., 3:] = np.where(enough & (mad > 1e-9), (x[..., 3:] - med) / mad, np.nan)
    return z


def hedges_g(a: np.ndarray, b: np.ndarray) -> float:
    """Standardised mean difference of a and b with the small-sample correction."""
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return float("nan")
    pooled = ((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2)
    if pooled <= 0:
        return float("nan")
    d = (a.mean() - b.mean()) / np.sqrt(pooled)
    return float(d * (1 - 3 / (4 * (na + nb) - 9)))


def bootstrap_diff(a: np.ndarray, b: np.ndarray, *, reps: int = 2000, seed: int = 0,
                   level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of mean(a) − mean(b), resampling each group."""
    rng = np.random.default_rng(seed)
    ma = rng.choice(a, size=(reps, len(a))).mean(axis=1)
    mb = rng.choice(b, size=(reps, len(b))).mean(axis=1)
    lo, hi = np.quantile(ma - mb, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)
