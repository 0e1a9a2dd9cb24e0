"""Signals: what deserves a second look.

Dyads here are unordered country pairs. Two kinds of signal, each with a score in bits (the
surprise: −log2 of how likely the observation was under the pair's own history):

**Event signals, one per underlying event.** The events of one pair and one CAMEO root
(``19`` fight, ``08`` yield...) in the window, each less than ``fold_days`` (30) after the
previous one, are taken as one underlying event: its later mentions in other documents and
its corroborating reports are folded in (counted, not scored again). Its date is the first
report's. Two surprises, added (independent):

- *novelty*, when the pair had no event of that root in the ``lookback`` days (365) before it:
  the probability of the event's quad class given the pair's history in those days,
  ``(k_q + 2π_q) / (N + 2)`` (π_q the class's share of all dyadic events then: a pair's
  first-ever material cooperation is a surprise even with no history), times that of a root
  not seen yet in the class, ``2 / (k_q + 2)``;
- *salience against coverage*, for material cooperation or conflict (quads 2, 4) whose source
  count is known (at least one report names its outlet) and is at most ``few_sources`` (1):
  the share of all events at least as strong (|Goldstein|). An event from documents with no
  named outlet gets no salience: its coverage is unknown, not small.

**Period signals**, per pair and period (``by``): a *count spike* (the period's events against a
Poisson with the EWMA of the earlier periods), an *intensity shift* (robust z of the period's
mean Goldstein against the ``baseline`` periods before it, as a two-sided normal tail) and a
*change point* in the mean Goldstein series (``ruptures``, kernel PELT on the l2 cost), scored
by the z of the shift in means. They are worded by their period, an event signal by its own
date and the days before it, so that no two signals claim the same "first".

**Relevance to the watched powers** (``watch``), explicit and in two parts:

- a bonus in bits: +2 for a pair of two watched powers; for a watched power and a third state
  that figures in the documents of another watched edge (North Korea in U.S.–China coverage),
  +log2(1 + those documents), at most 3;
- a priority, ranked before the score: **1**, a *new line across the watch*: an event signal
  whose pair had no event of its quad class (no cooperation, or no conflict, of that kind —
  verbal or material) in the look-back, between a watched power and a state that figures in
  another watched edge, or between two watched powers; **2**, any other signal whose pair holds
  a watched power or such a state; **3**, the rest. Without a watch list every signal is 2.

So a first cooperation or conflict between a watched power and a state in another watched
edge outranks further coverage of what the watched powers already do, however many reports
that coverage has. Signals are ranked by priority, then score, then date.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date as Date
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .common import Params, Window, check_period, ewma, trailing_robust_z
from .triangle import FREQ

PAIR = ("least(actor_country, recipient_country) AS pa, "
        "greatest(actor_country, recipient_country) AS pb")
DYADIC = ("actor_country IS NOT NULL AND recipient_country IS NOT NULL AND "
          "actor_country <> recipient_country")
QUAD_NAME = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
             4: "material conflict"}
PRIORITY = {1: "new line across the watch", 2: "touches the watch", 3: "elsewhere"}


@dataclass
class Signal:
    kind: str
    a: str
    b: str
    when: Date
    score: float
    reason: str
    event_id: str | None = None          # event signals: the first report
    period: Date | None = None           # period signals
    evidence: list[dict[str, Any]] = field(default_factory=list)   # doc_id, sentence, event_id
    priority: int = 2
    quad: int | None = None
    first_of_class: bool = False         # the pair's first event of its quad class in look-back
    reports: int = 1                     # event signals: reports folded in
    event_ids: list[str] = field(default_factory=list)

    @property
    def dyad(self) -> str:
        return f"{self.a}–{self.b}"


def signals(con: Any, rel: str, *, watch: list[str] | None = None, since: Date | None = None,
            until: Date | None = None, by: str = "month", lookback: int = 365, top: int = 20,
            few_sources: int = 1, baseline: int = 12, min_score: float = 3.0,
            fold_days: int = 30, touching: list[str] | None = None,
            max_change_dyads: int = 5000, days: str | None = None,
            found: "Candidates | None" = None) -> list[Signal]:
    """The ``top`` signals from ``since`` (default: the last three periods of the data) to
    ``until``, ranked by priority then score (see the module's text), each with up to three
    sentences behind it; ``touching`` keeps only signals whose pair holds one of those
    countries. ``days``: the store's per-day sums of the same events (a relation with the
    columns of ``agg_day``, restricted to the same statuses and mentions), from which the
    period signals read their series instead of the events (the same counts and means).
    ``found``: the :func:`candidates` of the same arguments, computed earlier (they do not
    depend on ``watch``, ``touching``, ``top`` or ``min_score``; a server keeps them, so a
    new watch list costs only the relevance and the evidence); they are copied, not
    changed."""
    if found is None:
        found = candidates(con, rel, since=since, until=until, by=by, lookback=lookback,
                           few_sources=few_sources, baseline=baseline, fold_days=fold_days,
                           max_change_dyads=max_change_dyads, days=days)
    watch = watch or []
    win = found.win
    chosen = [replace(s, evidence=[], event_ids=list(s.event_ids)) for s in found.signals]
    _relevance(con, rel, chosen, watch, Window(win.since - timedelta(days=lookback), win.until))
    if touching:
        keep = set(touching)
        chosen = [s for s in chosen if {s.a, s.b} & keep]
    chosen = [s for s in chosen if s.score >= min_score]
    chosen.sort(key=lambda s: (s.priority, -s.score, s.when, s.a, s.b, s.kind))
    chosen = chosen[:top]
    _evidence(con, rel, chosen, by)
    return chosen


@dataclass(frozen=True)
class Candidates:
    """Every signal of a window before the watch list's relevance (:func:`candidates`)."""

    win: Window
    signals: tuple[Signal, ...]


def candidates(con: Any, rel: str, *, since: Date | None = None, until: Date | None = None,
               by: str = "month", lookback: int = 365, few_sources: int = 1,
               baseline: int = 12, fold_days: int = 30, max_change_dyads: int = 5000,
               days: str | None = None) -> Candidates:
    """The event and period signals of the window (the default ``since`` as in
    :func:`signals`), scored without any watch list: the part of :func:`signals` that scans
    the events and the per-day sums."""
    check_period(by)
    p = Params()
    last = con.execute(f"SELECT max(date), min(date) FROM {rel} WHERE "
                       f"{Window(None, until).sql(p)}", p).fetchone()
    if last[0] is None:
        raise UsageError("no dated events in the store (with these statuses)")
    if since is None:
        since = _period_start(last[0], by, back=2)
    if since > last[0]:
        raise UsageError(f"empty period: no events on or after {since} (the last is {last[0]})")
    win = Window(since, until)
    found = (_events(con, rel, win, lookback, few_sources, fold_days)
             + _series_signals(con, rel, win, by, baseline, max_change_dyads, days))
    return Candidates(win, tuple(found))


def _period_start(day: Date, by: str, back: int) -> Date:
    stamp = pd.Timestamp(day).to_period({"day": "D", "week": "W-SUN", "month": "M",
                                          "quarter": "Q", "year": "Y"}[by])
    return (stamp - back).start_time.date()


def _bits(p: float) -> float:
    return -math.log2(max(p, 1e-300))


def _root_name(root: str) -> str:
    from ..ontology import cameo_table

    row = cameo_table().get(root or "")
    return f"“{row.name.lower()}” (CAMEO {root})" if row else f"CAMEO {root}"


# -- event signals --------------------------------------------------------------------------------
def _events(con: Any, rel: str, win: Window, lookback: int, few: int, fold: int
            ) -> list[Signal]:
    """One candidate per underlying event (see the module's text), with its novelty and
    salience."""
    p = Params()
    since, look, fold_p = p(win.since), p(lookback), p(fold)
    until = Window(None, win.until).sql(p)
    sql = f"""
        WITH dy_ AS (SELECT {PAIR}, * FROM {rel} WHERE {DYADIC} AND {until}
                       AND date >= {since} - to_days(CAST({look} AS INTEGER))),
        cur_ AS (SELECT *, CASE WHEN date - lag(date) OVER w >= {fold_p} THEN 1 ELSE 0 END
                           AS brk FROM dy_ WHERE date >= {since}
                 WINDOW w AS (PARTITION BY pa, pb, root ORDER BY date, event_id)),
        run_ AS (SELECT *, sum(brk) OVER (PARTITION BY pa, pb, root ORDER BY date, event_id
                                          ROWS UNBOUNDED PRECEDING) AS unit FROM cur_),
        unit_ AS (SELECT pa, pb, root, unit, min(date) AS first_date,
                         list(event_id ORDER BY date, abs(goldstein) DESC, event_id) AS ids,
                         count(*) AS n_events, sum(n_reports) AS n_reports,
                         count(DISTINCT doc_id) AS n_docs,
                         sum(CASE WHEN n_sources > 0 THEN n_sources ELSE 0 END) AS n_sources,
                         mode(quad) AS quad, max(abs(goldstein)) AS strength
                  FROM run_ GROUP BY ALL),
        hist_ AS (SELECT u.pa, u.pb, u.root, u.unit, count(h.pa) AS n_all,
                         count(h.pa) FILTER (WHERE h.quad = u.quad) AS k_quad,
                         count(h.pa) FILTER (WHERE h.root = u.root) AS k_root
                  FROM unit_ u LEFT JOIN dy_ h ON h.pa = u.pa AND h.pb = u.pb
                       AND h.date < u.first_date
                       AND h.date >= u.first_date - to_days(CAST({look} AS INTEGER))
                  GROUP BY ALL),
        tail_ AS (SELECT round(abs(goldstein)) AS g, count(*) AS n FROM {rel}
                  WHERE goldstein IS NOT NULL GROUP BY 1),
        cum_ AS (SELECT g, sum(n) OVER (ORDER BY g DESC) / sum(n) OVER () AS share FROM tail_)
        SELECT u.pa, u.pb, u.root, u.first_date, u.ids, u.n_events, u.n_reports, u.n_docs,
               u.n_sources, u.quad, u.strength, h.n_all, h.k_quad, h.k_root, c.share
        FROM unit_ u JOIN hist_ h USING (pa, pb, root, unit)
        LEFT JOIN cum_ c ON c.g = round(u.strength)
        ORDER BY u.pa, u.pb, u.first_date, u.root"""
    # the share of each quad class among all dyadic events of the look-back window: the prior
    # that a pair's next event is of that class
    q = Params()
    prior = dict(con.execute(
        f"SELECT quad, count(*) / sum(count(*)) OVER () FROM {rel} WHERE {DYADIC} AND "
        f"date >= {q(win.since)} - to_days(CAST({q(lookback)} AS INTEGER)) AND "
        f"{Window(None, win.until).sql(q)} GROUP BY quad", q).fetchall())
    out = []
    for (pa, pb, root, day, ids, n_ev, n_rep, n_docs, n_src, quad, strength, n, k, k_root,
         share) in con.execute(sql, p).fetchall():
        parts, bits, kinds = [], 0.0, []
        what = f"{_root_name(root)}, {QUAD_NAME.get(quad, 'unclassed')}"
        if k_root == 0:
            pi = float(prior.get(quad, 0.25))
            prob = (k + 2 * pi) / (n + 2) * 2 / (k + 2)
            bits += _bits(prob)
            kinds.append("novelty")
            history = (f"none of them {QUAD_NAME.get(quad, 'of its class')}" if k == 0 else
                       f"{k} of them {QUAD_NAME.get(quad, 'of its class')}")
            parts.append(f"first {what} between {pa} and {pb} in the {lookback} days before "
                         f"{day}: the pair had {n} event{'s' if n != 1 else ''} then, "
                         + (history if n else "so this is its first in that time"))
        if quad in (2, 4) and n_src and 0 < n_src <= few and share is not None:
            bits += _bits(float(share))
            kinds.append("salience")
            parts.append(f"{QUAD_NAME[quad]} of strength {strength:.1f} (as strong as "
                         f"{100 * share:.1f}% of all events) reported by {n_src} named "
                         f"source{'s' if n_src != 1 else ''}")
        if not kinds:
            continue
        if n_ev > 1:
            parts.append(f"{n_ev - 1} later report{'s' if n_ev > 2 else ''} folded in "
                         f"({n_docs} document{'s' if n_docs != 1 else ''} in all)")
        out.append(Signal(", ".join(kinds), pa, pb, day, bits, "; ".join(parts),
                          event_id=ids[0], quad=quad, first_of_class=(k == 0),
                          reports=int(n_rep or n_ev), event_ids=list(ids)))
    return out


# -- period signals -------------------------------------------------------------------------------
def _series_signals(con: Any, rel: str, win: Window, by: str, baseline: int,
                    max_change: int, days: str | None = None) -> list[Signal]:
    p = Params()
    if days is None:
        sql = f"""
            SELECT {PAIR}, CAST(date_trunc('{by}', date) AS DATE) AS period, count(*) AS n,
                   avg(goldstein) AS mean
            FROM {rel} WHERE {DYADIC} AND {Window(None, win.until).sql(p)} GROUP BY ALL"""
    else:
        sql = f"""
            SELECT {PAIR}, CAST(date_trunc('{by}', date) AS DATE) AS period,
                   CAST(sum(n) AS BIGINT) AS n, sum(sum_g) / nullif(sum(n_g), 0) AS mean
            FROM {days} WHERE {DYADIC} AND {Window(None, win.until).sql(p)} GROUP BY ALL"""
    agg = con.execute(sql, p).df().sort_values(["pa", "pb", "period"], kind="stable")
    if agg.empty:
        return []
    periods = pd.date_range(agg.period.min(), agg.period.max(), freq=FREQ[by])
    col = {q.date(): t for t, q in enumerate(periods)}
    pairs = agg[["pa", "pb"]].drop_duplicates().reset_index(drop=True)
    row = {(a, b): i for i, (a, b) in enumerate(pairs.itertuples(index=False))}
    ri = np.array([row[(a, b)] for a, b in zip(agg.pa, agg.pb)])
    ci = np.array([col[q.date() if hasattr(q, "date") else q] for q in agg.period])
    counts = np.zeros((len(pairs), len(periods)))
    means = np.full((len(pairs), len(periods)), np.nan)
    counts[ri, ci] = agg.n.to_numpy()
    means[ri, ci] = agg["mean"].to_numpy()
    recent = np.array([q.date() >= win.since for q in periods])
    out = _spikes(counts, pairs, periods, recent, by)
    out += _shifts(means, counts, pairs, periods, recent, baseline, by)
    out += _change_points(means, counts, pairs, periods, recent, max_change, by)
    return out


def period_label(day: Date, by: str) -> str:
    """A period in words: ``June 2017``, ``2017-Q2``, ``the week of 2017-06-05``."""
    stamp = pd.Timestamp(day)
    if by == "month":
        return stamp.strftime("%B %Y")
    if by == "quarter":
        return f"{stamp.year}-Q{stamp.quarter}"
    if by == "year":
        return str(stamp.year)
    if by == "week":
        return f"the week of {stamp.date()}"
    return str(stamp.date())


def _spikes(counts: np.ndarray, pairs: pd.DataFrame, periods: pd.DatetimeIndex,
            recent: np.ndarray, by: str) -> list[Signal]:
    from scipy.stats import poisson

    base = np.zeros_like(counts)
    base[:, 1:] = ewma(counts, 0.3)[:, :-1]
    lam = np.maximum(base, 0.1)
    first_seen = np.argmax(counts > 0, axis=1)
    has_history = np.arange(counts.shape[1])[None, :] > first_seen[:, None]
    mask = recent[None, :] & has_history & (counts > lam) & (counts >= 3)
    out = []
    for i, t in zip(*np.nonzero(mask)):
        prob = float(poisson.sf(counts[i, t] - 1, lam[i, t]))
        a, b = pairs.iloc[i]
        out.append(Signal("count spike", a, b, periods[t].date(), _bits(prob),
                          f"{int(counts[i, t])} events between {a} and {b} in "
                          f"{period_label(periods[t], by)} against about {lam[i, t]:.1f} "
                          f"expected from the {by}s before", period=periods[t].date()))
    return out


def _shifts(means: np.ndarray, counts: np.ndarray, pairs: pd.DataFrame,
            periods: pd.DatetimeIndex, recent: np.ndarray, baseline: int, by: str
            ) -> list[Signal]:
    from scipy.stats import norm

    z = trailing_robust_z(means, baseline)
    mask = recent[None, :] & ~np.isnan(z) & (np.abs(z) >= 2) & (counts >= 2)
    out = []
    for i, t in zip(*np.nonzero(mask)):
        a, b = pairs.iloc[i]
        word = "warmer" if z[i, t] > 0 else "colder"
        out.append(Signal("intensity shift", a, b, periods[t].date(),
                          _bits(2 * float(norm.sf(abs(z[i, t])))),
                          f"mean Goldstein {means[i, t]:+.1f} between {a} and {b} in "
                          f"{period_label(periods[t], by)}, {word} than the {by}s before "
                          f"(robust z {z[i, t]:+.1f})", period=periods[t].date()))
    return out


def _change_points(means: np.ndarray, counts: np.ndarray, pairs: pd.DataFrame,
                   periods: pd.DatetimeIndex, recent: np.ndarray, limit: int, by: str
                   ) -> list[Signal]:
    import ruptures as rpt
    from scipy.stats import norm

    active = (counts > 0).sum(axis=1)
    order = np.argsort(-counts.sum(axis=1), kind="stable")[:limit]
    out = []
    for i in order:
        if active[i] < 8:
            continue
        series = pd.Series(means[i]).ffill().bfill().to_numpy()
        sigma = 1.4826 * np.median(np.abs(np.diff(series))) / np.sqrt(2)
        if not sigma > 1e-9:
            continue
        n = len(series)
        breaks = rpt.KernelCPD(kernel="linear", min_size=3).fit(series).predict(
            pen=3 * np.log(n) * sigma**2)
        edges = [0] + [int(b) for b in breaks]
        for k in range(1, len(edges) - 1):
            t = edges[k]
            if not recent[t]:
                continue
            before, after = series[edges[k - 1]:t], series[t:edges[k + 1]]
            zz = (after.mean() - before.mean()) / (sigma * np.sqrt(1 / len(before) + 1 / len(after)))
            a, b = pairs.iloc[i]
            out.append(Signal("change point", a, b, periods[t].date(),
                              _bits(2 * float(norm.sf(abs(zz)))),
                              f"mean Goldstein between {a} and {b} moved from "
                              f"{before.mean():+.1f} to {after.mean():+.1f} from "
                              f"{period_label(periods[t], by)} on", period=periods[t].date()))
    return out


# -- relevance and evidence -----------------------------------------------------------------------
def _relevance(con: Any, rel: str, found: list[Signal], watch: list[str], win: Window) -> None:
    """The bonus and the priority of each signal (see the module's text)."""
    if not watch:
        return
    ws = set(watch)
    p = Params()
    watched = p(list(watch))
    sql = f"""
        WITH sel_ AS (SELECT doc_id, actor_country, recipient_country FROM {rel}
                      WHERE {win.sql(p)} AND {DYADIC}),
        edge_docs AS (SELECT DISTINCT doc_id, least(actor_country, recipient_country) AS wa,
                             greatest(actor_country, recipient_country) AS wb FROM sel_
                      WHERE list_contains({watched}, actor_country)
                        AND list_contains({watched}, recipient_country)),
        parties AS (SELECT doc_id, actor_country AS x FROM sel_
                    UNION SELECT doc_id, recipient_country FROM sel_)
        SELECT x, wa, wb, count(DISTINCT doc_id) AS docs FROM parties JOIN edge_docs USING (doc_id)
        WHERE NOT list_contains({watched}, x) GROUP BY ALL"""
    figures: dict[str, list[tuple[str, str, int]]] = {}
    for x, wa, wb, docs in con.execute(sql, p).fetchall():
        figures.setdefault(x, []).append((wa, wb, docs))
    for s in found:
        pair = {s.a, s.b}
        new_line = s.event_id is not None and "novelty" in s.kind and s.first_of_class
        if pair <= ws:
            s.score += 2.0
            s.reason += "; between two watched powers"
            s.priority = 1 if new_line else 2
            continue
        inside = pair & ws
        if len(inside) != 1:
            s.priority = 2 if any(figures.get(x) for x in pair) else 3
            continue
        (x,) = pair - ws
        edges = [(wa, wb, d) for wa, wb, d in figures.get(x, []) if {wa, wb} != pair]
        if edges:
            wa, wb, d = max(edges, key=lambda e: (e[2], e[0], e[1]))
            s.score += min(3.0, math.log2(1 + d))
            s.reason += (f"; {x} also figures in {d} document{'s' if d != 1 else ''} on "
                         f"{wa}–{wb} relations")
            s.priority = 1 if new_line else 2
        else:
            s.priority = 2


def _evidence(con: Any, rel: str, chosen: list[Signal], by: str, per: int = 3) -> None:
    """Up to ``per`` sentences behind each signal: the underlying event's reports, first
    first; or the period's strongest events. One query, every key bound."""
    if not chosen:
        return
    p = Params()
    ids = [(k, e) for k, s in enumerate(chosen) if s.event_id is not None
           for e in s.event_ids[:per]]
    per_ = [(k, s) for k, s in enumerate(chosen) if s.event_id is None]
    # only the rows that can be evidence: the events named, and the dates of the periods
    # (a period lasts at most 366 days), so DuckDB reads the sentences of those alone
    near = ["event_id IN (SELECT event_id FROM ek_)"] if ids else []
    if per_:
        lo = min(s.period for _, s in per_)
        hi = max(s.period for _, s in per_)
        near.append(f"(date >= {p(lo)} AND date <= CAST({p(hi)} AS DATE) + 366)")
    near = " OR ".join(near) or "false"
    sql = f"""
        WITH ek_ AS (SELECT unnest({p([k for k, _ in ids] or [-1])}) AS k,
                            unnest({p([e for _, e in ids] or [""])}) AS event_id,
                            unnest({p(list(range(len(ids))) or [0])}) AS o),
        pk_ AS (SELECT unnest({p([k for k, _ in per_] or [-1])}) AS k,
                       unnest({p([s.a for _, s in per_] or [""])}) AS a,
                       unnest({p([s.b for _, s in per_] or [""])}) AS b,
                       unnest({p([s.period for _, s in per_] or [Date(1, 1, 1)])}) AS period),
        sel_ AS (SELECT {PAIR}, CAST(date_trunc('{by}', date) AS DATE) AS period, event_id,
                        doc_id, sentence, goldstein, date FROM {rel} WHERE {DYADIC}
                 AND ({near})),
        both_ AS (SELECT ek_.k, ek_.o AS o, s.* FROM ek_ JOIN sel_ s USING (event_id)
                  UNION ALL
                  SELECT pk_.k, 0 AS o, s.* FROM pk_ JOIN sel_ s ON s.pa = pk_.a
                         AND s.pb = pk_.b AND s.period = pk_.period)
        SELECT k, event_id, doc_id, sentence, date FROM both_ s
        QUALIFY row_number() OVER (PARTITION BY k ORDER BY o, abs(s.goldstein) DESC, s.date,
                                   s.event_id) <= {per}
        ORDER BY k, o, abs(s.goldstein) DESC, s.date, s.event_id"""
    for k, event_id, doc_id, sentence, day in con.execute(sql, p).fetchall():
        chosen[k].evidence.append({"event_id": event_id, "doc_id": doc_id,
                                   "sentence": one_line(sentence), "date": day})


def one_line(text: str | None) -> str:
    """A sentence on one line: runs of white space (newlines included) as one space."""
    return re.sub(r"\s+", " ", text or "").strip()


COLUMNS = ["rank", "priority", "score", "kind", "dyad", "date", "reason", "evidence"]


def as_frame(found: list[Signal]) -> pd.DataFrame:
    rows = [{"rank": k + 1, "priority": s.priority, "score": round(s.score, 2), "kind": s.kind,
             "dyad": s.dyad, "date": s.when, "reason": s.reason,
             "evidence": " | ".join(f"[{e['doc_id']}] {e['sentence']}" for e in s.evidence)}
            for k, s in enumerate(found)]
    return pd.DataFrame(rows, columns=COLUMNS)


def render(found: list[Signal], width: int) -> str:
    """Signals for a terminal ``width`` columns wide: a heading line per signal, then its
    reason and each sentence of evidence on lines of their own, wrapped."""
    import textwrap

    if not found:
        return "no signal reaches the threshold\n"
    lines = []
    width = max(40, width)
    for k, s in enumerate(found, 1):
        lines += textwrap.wrap(f"{k:>2}. {s.when}  {s.dyad}  {s.kind}  score {s.score:.1f}  "
                               f"priority {s.priority} ({PRIORITY[s.priority]})", width,
                               subsequent_indent="    ")
        lines += textwrap.wrap(s.reason, width, initial_indent="    ",
                               subsequent_indent="    ")
        for e in s.evidence:
            lines += textwrap.wrap(f"“{e['sentence']}” [{e['doc_id']}, {e['date']}]", width,
                                   initial_indent="    > ", subsequent_indent="      ")
        lines.append("")
    return "\n".join(lines)
