"""Signals: what deserves a second look, ranked by one score, the surprise in bits (−log2 of
how likely the observation was under the dyad's own history), plus a bonus for relevance to
the watched powers.

- novelty: the first event of a CAMEO code in a dyad within the look-back window. Its
  probability is smoothed in two steps: the event's quad class given the dyad's look-back
  history ((k_q + 2π_q) / (N + 2), π_q the class's share of all dyadic events in the window, so
  a dyad's first-ever material cooperation is a surprise even with no history), then a code not
  yet seen in that class (2 / (k_q + 2)), so a first cooperation in a dyad of conflict is more
  surprising than one more kind of threat;
- count spike: a period's event count against a Poisson with the EWMA of the earlier periods;
- intensity shift: the robust z of a period's mean Goldstein against the earlier periods (as
  a two-sided normal tail), and change points in the mean Goldstein series (``ruptures``: PELT on the l2 cost, its C kernel version),
  scored by the z of the shift in means;
- salience against coverage: material cooperation or conflict reported by at most
  ``few_sources`` sources, scored by how rare an event that strong is in the whole relation;
- relevance: +2 bits for a dyad of two watched powers; for a dyad of a watched power and a
  third state that figures in the documents of another watched edge (North Korea in U.S.–China
  coverage), +log2(1 + those documents), at most 3.

Dyads here are unordered country pairs. Aggregation happens in SQL; numpy and scipy work on
the per-dyad period series.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .common import Window, check_period, ewma, trailing_robust_z
from .triangle import FREQ

PAIR = ("least(actor_country, recipient_country) AS pa, "
        "greatest(actor_country, recipient_country) AS pb")
DYADIC = ("actor_country IS NOT NULL AND recipient_country IS NOT NULL AND "
          "actor_country <> recipient_country")
QUAD_NAME = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
             4: "material conflict"}


@dataclass
class Signal:
    kind: str
    a: str
    b: str
    when: Date
    score: float
    reason: str
    event_id: str | None = None          # event-level signals
    period: Date | None = None           # period-level signals
    evidence: list[dict[str, Any]] = field(default_factory=list)   # doc_id, sentence, event_id


def signals(con: Any, rel: str, *, watch: list[str] | None = None, since: Date | None = None,
            until: Date | None = None, by: str = "month", lookback: int = 365, top: int = 20,
            few_sources: int = 1, baseline: int = 12, min_score: float = 3.0,
            max_change_dyads: int = 5000) -> list[Signal]:
    """The ``top`` signals from ``since`` (default: the last three periods of the data) to
    ``until``, highest score first, each with up to three sentences behind it."""
    check_period(by)
    watch = watch or []
    last = con.execute(f"SELECT max(date), min(date) FROM {rel} WHERE "
                       f"{Window(None, until).sql()}").fetchone()
    if last[0] is None:
        raise UsageError("no dated events in the store (with these statuses)")
    if since is None:
        since = _period_start(last[0], by, back=2)
    if since > last[0]:
        raise UsageError(f"empty period: no events on or after {since} (the last is {last[0]})")
    win = Window(since, until)
    found = (_novelty(con, rel, win, lookback) + _salience(con, rel, win, few_sources)
             + _series_signals(con, rel, win, by, baseline, max_change_dyads))
    _relevance(con, rel, found, watch, Window(since - timedelta(days=lookback), until))
    found = [s for s in found if s.score >= min_score]
    found.sort(key=lambda s: (-s.score, s.when, s.a, s.b, s.kind))
    chosen = found[:top]
    _evidence(con, rel, chosen, by)
    return chosen


def _period_start(day: Date, by: str, back: int) -> Date:
    stamp = pd.Timestamp(day).to_period({"day": "D", "week": "W-SUN", "month": "M",
                                          "quarter": "Q", "year": "Y"}[by])
    return (stamp - back).start_time.date()


def _bits(p: float) -> float:
    return -math.log2(max(p, 1e-300))


# -- event-level ----------------------------------------------------------------------------------
def _novelty(con: Any, rel: str, win: Window, lookback: int) -> list[Signal]:
    since = f"DATE '{win.since.isoformat()}'"
    start = f"({since} - INTERVAL {lookback} DAY)"
    sql = f"""
        WITH sel_ AS (SELECT {PAIR}, * FROM {rel}
                      WHERE {DYADIC} AND date >= {start} AND {Window(None, win.until).sql()}),
        first_ AS (SELECT pa, pb, cameo, arg_min(event_id, (date, event_id)) AS event_id,
                          min(date) AS first_date
                   FROM sel_ WHERE date >= {since} GROUP BY ALL),
        before_ AS (SELECT pa, pb, cameo, max(date) AS prev FROM sel_ WHERE date < {since}
                    GROUP BY ALL),
        hist_ AS (SELECT pa, pb, count(*) AS n_all,
                         count(*) FILTER (WHERE quad = 1) AS q1, count(*) FILTER (WHERE quad = 2) AS q2,
                         count(*) FILTER (WHERE quad = 3) AS q3, count(*) FILTER (WHERE quad = 4) AS q4
                  FROM sel_ WHERE date < {since} GROUP BY ALL)
        SELECT f.pa, f.pb, f.cameo, f.event_id, f.first_date, s.quad, s.goldstein,
               coalesce(h.n_all, 0) AS n_all,
               coalesce(CASE s.quad WHEN 1 THEN h.q1 WHEN 2 THEN h.q2 WHEN 3 THEN h.q3
                                    ELSE h.q4 END, 0) AS k_quad
        FROM first_ f JOIN sel_ s USING (event_id)
        LEFT JOIN before_ b ON b.pa = f.pa AND b.pb = f.pb AND b.cameo = f.cameo
        LEFT JOIN hist_ h ON h.pa = f.pa AND h.pb = f.pb
        WHERE b.prev IS NULL"""
    # the share of each quad class among all dyadic events of the look-back window: the prior
    # that a dyad's next event is of that class, so that a dyad's first-ever material
    # cooperation (a rare class) is a surprise even with no history of its own
    prior = dict(con.execute(
        f"SELECT quad, count(*) / sum(count(*)) OVER () FROM {rel} WHERE {DYADIC} AND "
        f"date >= {start} AND {Window(None, win.until).sql()} GROUP BY quad").fetchall())
    out = []
    for r in con.execute(sql).fetchall():
        pa, pb, cameo, event_id, day, quad, gold, n, k = r
        pi = float(prior.get(quad, 0.25))
        p = (k + 2 * pi) / (n + 2) * 2 / (k + 2)
        seen = (f"after {n} earlier events, {k} of them {QUAD_NAME.get(quad, 'of its class')}"
                if n else "the dyad's first event in the look-back window")
        out.append(Signal("novelty", pa, pb, day, _bits(p),
                          f"first CAMEO {cameo} ({QUAD_NAME.get(quad, '?')}, Goldstein "
                          f"{gold:+.1f}) between {pa} and {pb} in {lookback} days, {seen}",
                          event_id=event_id))
    return out


def _salience(con: Any, rel: str, win: Window, few: int) -> list[Signal]:
    sql = f"""
        WITH tail_ AS (SELECT round(abs(goldstein)) AS g, count(*) AS n FROM {rel}
                       WHERE goldstein IS NOT NULL GROUP BY 1),
        cum_ AS (SELECT g, sum(n) OVER (ORDER BY g DESC) / sum(n) OVER () AS share FROM tail_)
        SELECT {PAIR}, date, event_id, quad, goldstein, n_sources, share
        FROM {rel} JOIN cum_ ON cum_.g = round(abs(goldstein))
        WHERE {DYADIC} AND {win.sql()} AND quad IN (2, 4) AND n_sources <= {few}"""
    out = []
    for pa, pb, day, event_id, quad, gold, n_src, share in con.execute(sql).fetchall():
        out.append(Signal("salience", pa, pb, day, _bits(share),
                          f"{QUAD_NAME[quad]} (Goldstein {gold:+.1f}) between {pa} and {pb} "
                          f"reported by {n_src or 'no named'} source{'' if n_src == 1 else 's'}; "
                          f"{100 * share:.1f}% of events are as strong",
                          event_id=event_id))
    return out


# -- period-level ---------------------------------------------------------------------------------
def _series_signals(con: Any, rel: str, win: Window, by: str, baseline: int,
                    max_change: int) -> list[Signal]:
    sql = f"""
        SELECT {PAIR}, CAST(date_trunc('{by}', date) AS DATE) AS period, count(*) AS n,
               avg(goldstein) AS mean
        FROM {rel} WHERE {DYADIC} AND {Window(None, win.until).sql()} GROUP BY ALL"""
    agg = con.execute(sql).df()
    if agg.empty:
        return []
    periods = pd.date_range(agg.period.min(), agg.period.max(), freq=FREQ[by])
    col = {p.date(): t for t, p in enumerate(periods)}
    pairs = agg[["pa", "pb"]].drop_duplicates().reset_index(drop=True)
    row = {(a, b): i for i, (a, b) in enumerate(pairs.itertuples(index=False))}
    ri = np.array([row[(a, b)] for a, b in zip(agg.pa, agg.pb)])
    ci = np.array([col[p.date() if hasattr(p, "date") else p] for p in agg.period])
    counts = np.zeros((len(pairs), len(periods)))
    means = np.full((len(pairs), len(periods)), np.nan)
    counts[ri, ci] = agg.n.to_numpy()
    means[ri, ci] = agg["mean"].to_numpy()
    recent = np.array([p.date() >= win.since for p in periods])
    out = _spikes(counts, pairs, periods, recent)
    out += _shifts(means, counts, pairs, periods, recent, baseline)
    out += _change_points(means, counts, pairs, periods, recent, max_change)
    return out


def _spikes(counts: np.ndarray, pairs: pd.DataFrame, periods: pd.DatetimeIndex,
            recent: np.ndarray) -> list[Signal]:
    from scipy.stats import poisson

    base = np.zeros_like(counts)
    base[:, 1:] = ewma(counts, 0.3)[:, :-1]
    lam = np.maximum(base, 0.1)
    first_seen = np.argmax(counts > 0, axis=1)
    has_history = np.arange(counts.shape[1])[None, :] > first_seen[:, None]
    mask = recent[None, :] & has_history & (counts > lam) & (counts >= 3)
    out = []
    for i, t in zip(*np.nonzero(mask)):
        p = float(poisson.sf(counts[i, t] - 1, lam[i, t]))
        a, b = pairs.iloc[i]
        out.append(Signal("count spike", a, b, periods[t].date(), _bits(p),
                          f"{int(counts[i, t])} events between {a} and {b} against about "
                          f"{lam[i, t]:.1f} expected from earlier periods",
                          period=periods[t].date()))
    return out


def _shifts(means: np.ndarray, counts: np.ndarray, pairs: pd.DataFrame,
            periods: pd.DatetimeIndex, recent: np.ndarray, baseline: int) -> list[Signal]:
    from scipy.stats import norm

    z = trailing_robust_z(means, baseline)
    mask = recent[None, :] & ~np.isnan(z) & (np.abs(z) >= 2) & (counts >= 2)
    out = []
    for i, t in zip(*np.nonzero(mask)):
        a, b = pairs.iloc[i]
        word = "warmer" if z[i, t] > 0 else "colder"
        out.append(Signal("intensity shift", a, b, periods[t].date(),
                          _bits(2 * float(norm.sf(abs(z[i, t])))),
                          f"mean Goldstein {means[i, t]:+.1f} between {a} and {b}, {word} than "
                          f"the earlier periods (robust z {z[i, t]:+.1f})",
                          period=periods[t].date()))
    return out


def _change_points(means: np.ndarray, counts: np.ndarray, pairs: pd.DataFrame,
                   periods: pd.DatetimeIndex, recent: np.ndarray, limit: int) -> list[Signal]:
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
                              f"{before.mean():+.1f} to {after.mean():+.1f} from this period on",
                              period=periods[t].date()))
    return out


# -- relevance and evidence -----------------------------------------------------------------------
def _relevance(con: Any, rel: str, found: list[Signal], watch: list[str], win: Window) -> None:
    if not watch:
        return
    ws = set(watch)
    quoted = ", ".join("'" + w.replace("'", "''") + "'" for w in watch)
    sql = f"""
        WITH sel_ AS (SELECT doc_id, actor_country, recipient_country FROM {rel}
                      WHERE {win.sql()} AND {DYADIC}),
        edge_docs AS (SELECT DISTINCT doc_id, least(actor_country, recipient_country) AS wa,
                             greatest(actor_country, recipient_country) AS wb FROM sel_
                      WHERE actor_country IN ({quoted}) AND recipient_country IN ({quoted})),
        parties AS (SELECT doc_id, actor_country AS x FROM sel_
                    UNION SELECT doc_id, recipient_country FROM sel_)
        SELECT x, wa, wb, count(DISTINCT doc_id) AS docs FROM parties JOIN edge_docs USING (doc_id)
        WHERE x NOT IN ({quoted}) GROUP BY ALL"""
    figures: dict[str, list[tuple[str, str, int]]] = {}
    for x, wa, wb, docs in con.execute(sql).fetchall():
        figures.setdefault(x, []).append((wa, wb, docs))
    for s in found:
        pair = {s.a, s.b}
        if pair <= ws:
            s.score += 2.0
            s.reason += "; between two watched powers"
            continue
        inside = pair & ws
        if len(inside) != 1:
            continue
        (x,) = pair - ws
        edges = [(wa, wb, d) for wa, wb, d in figures.get(x, []) if {wa, wb} != pair]
        if edges:
            wa, wb, d = max(edges, key=lambda e: (e[2], e[0], e[1]))
            s.score += min(3.0, math.log2(1 + d))
            s.reason += f"; {x} figures in {d} document{'s' if d != 1 else ''} on {wa}–{wb}"


def _evidence(con: Any, rel: str, chosen: list[Signal], by: str, per: int = 3) -> None:
    """Up to ``per`` sentences behind each signal: the event itself, or the period's strongest
    events, in one query."""
    if not chosen:
        return
    keys = []
    for k, s in enumerate(chosen):
        if s.event_id is not None:
            keys.append(f"({k}, '{s.event_id}', NULL::VARCHAR, NULL::VARCHAR, NULL::DATE)")
        else:
            keys.append(f"({k}, NULL::VARCHAR, '{s.a}', '{s.b}', DATE '{s.period.isoformat()}')")
    sql = f"""
        WITH keys_(k, event_id, a, b, period) AS (VALUES {", ".join(keys)}),
        sel_ AS (SELECT {PAIR}, CAST(date_trunc('{by}', date) AS DATE) AS period, event_id,
                        doc_id, sentence, goldstein, date FROM {rel} WHERE {DYADIC}),
        both_ AS (SELECT k, s.* FROM keys_ JOIN sel_ s USING (event_id)
                  UNION ALL
                  SELECT k, s.* FROM keys_ JOIN sel_ s ON s.pa = keys_.a AND s.pb = keys_.b
                                                   AND s.period = keys_.period)
        SELECT k, event_id, doc_id, sentence, date FROM both_ s
        QUALIFY row_number() OVER (PARTITION BY k ORDER BY abs(s.goldstein) DESC, s.date,
                                   s.event_id) <= {per}
        ORDER BY k, abs(s.goldstein) DESC, s.date, s.event_id"""
    for k, event_id, doc_id, sentence, day in con.execute(sql).fetchall():
        chosen[k].evidence.append({"event_id": event_id, "doc_id": doc_id,
                                   "sentence": sentence, "date": day})


def as_frame(found: list[Signal]) -> pd.DataFrame:
    rows = [{"rank": k + 1, "score": round(s.score, 2), "kind": s.kind, "dyad": f"{s.a}–{s.b}",
             "date": s.when, "reason": s.reason,
             "evidence": " | ".join(f"[{e['doc_id']}] {e['sentence']}" for e in s.evidence)}
            for k, s in enumerate(found)]
    return pd.DataFrame(rows, columns=["rank", "score", "kind", "dyad", "date", "reason",
                                       "evidence"])
