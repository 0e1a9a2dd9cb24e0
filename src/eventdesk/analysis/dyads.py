"""Dyad series (one pair of actors, period by period) and the ranking of all dyads."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .common import Params, Window, check_period, ewma, side_sql, trailing_robust_z

QUADS = {1: "verbal_coop", 2: "material_coop", 3: "verbal_conflict", 4: "material_conflict"}


def pair_sql(a: str, b: str, directed: bool, p: Params) -> str:
    """Events from a to b, and from b to a unless ``directed`` (codes bound in ``p``)."""
    ab = f"({side_sql('actor', a, p)} AND {side_sql('recipient', b, p)})"
    if directed:
        return ab
    return f"({ab} OR ({side_sql('actor', b, p)} AND {side_sql('recipient', a, p)}))"


def dyad_series(con: Any, rel: str, a: str, b: str, *, by: str = "month",
                directed: bool = False, win: Window = Window(), alpha: float = 0.3,
                baseline: int = 12, days: str | None = None) -> pd.DataFrame:
    """Per period (empty periods included): counts by quad class, net and mean Goldstein, mean
    intensity (mean |Goldstein|), cooperation and conflict mass (sums of the positive and of the
    negative scores, kept apart), balance ratio (C+ − C−)/(C+ + C−), net Goldstein per 100
    events that involve either party in that period with anyone (volume-normalised: a pair
    that is simply more in the news does not score higher), an EWMA of the mean, and
    the mean's robust z against the ``baseline`` periods before it. ``days``: the store's
    per-day sums of the same events (``agg_day``'s columns), read instead of the events when
    both actors are states (their country column, which the sums keep, says it all)."""
    from .common import state_codes

    check_period(by)
    if a == b:
        raise UsageError(f"a dyad needs two different actors, got {a} twice")
    hit = "FILTER (WHERE hit)"
    # one scan: the dyad's figures and the volume of both parties' events per period together
    p = Params()
    either = " OR ".join(side_sql(role, x, p) for role in ("actor", "recipient") for x in (a, b))
    if days is not None and a in state_codes() and b in state_codes():
        quads = ", ".join(f"CAST(coalesce(sum(n) {hit[:-1]} AND quad = {q}), 0) AS BIGINT) "
                          f"AS {name}" for q, name in QUADS.items())
        agg = f"""
        WITH sel_ AS (SELECT date_trunc('{by}', date) AS period, quad, n, n_g, sum_g, sum_pos,
                             sum_neg, sum_abs, {pair_sql(a, b, directed, p)} AS hit FROM {days}
                      WHERE {win.sql(p)} AND ({either})),
        agg_ AS (SELECT period, CAST(coalesce(sum(n) {hit}, 0) AS BIGINT) AS n, {quads},
                        sum(sum_g) {hit} AS net_goldstein,
                        sum(sum_g) {hit} / nullif(sum(n_g) {hit}, 0) AS mean_goldstein,
                        sum(sum_abs) {hit} / nullif(sum(n_g) {hit}, 0) AS intensity,
                        sum(sum_pos) {hit} AS coop_mass,
                        sum(sum_neg) {hit} AS conflict_mass,
                        CAST(sum(n) AS BIGINT) AS n_all
                 FROM sel_ GROUP BY period),"""
    else:
        quads = ", ".join(f"count(*) {hit[:-1]} AND quad = {q}) AS {name}"
                          for q, name in QUADS.items())
        agg = f"""
        WITH sel_ AS (SELECT date_trunc('{by}', date) AS period, goldstein, quad,
                             {pair_sql(a, b, directed, p)} AS hit FROM {rel}
                      WHERE {win.sql(p)} AND ({either})),
        agg_ AS (SELECT period, count(*) {hit} AS n, {quads},
                        sum(goldstein) {hit} AS net_goldstein,
                        avg(goldstein) {hit} AS mean_goldstein,
                        avg(abs(goldstein)) {hit} AS intensity,
                        sum(greatest(goldstein, 0)) {hit} AS coop_mass,
                        sum(greatest(-goldstein, 0)) {hit} AS conflict_mass,
                        count(*) AS n_all
                 FROM sel_ GROUP BY period),"""
    sql = agg + f"""
        span_ AS (SELECT unnest(generate_series(min(period), max(period),
                                                INTERVAL 1 {by})) AS period FROM agg_
                  WHERE n > 0)
        SELECT CAST(span_.period AS DATE) AS period, coalesce(n, 0) AS n,
               {", ".join(f"coalesce({q}, 0) AS {q}" for q in QUADS.values())},
               coalesce(net_goldstein, 0) AS net_goldstein, mean_goldstein, intensity,
               coalesce(coop_mass, 0) AS coop_mass, coalesce(conflict_mass, 0) AS conflict_mass,
               (coop_mass - conflict_mass) / nullif(coop_mass + conflict_mass, 0) AS balance,
               100.0 * coalesce(net_goldstein, 0) / nullif(n_all, 0) AS net_per_100
        FROM span_ LEFT JOIN agg_ USING (period)
        ORDER BY period"""
    df = con.execute(sql, p).df()
    if df.empty or df["n"].sum() == 0:
        arrow = "→" if directed else "–"
        raise UsageError(f"no events {a}{arrow}{b} in {win.describe()}")
    mean = df["mean_goldstein"].to_numpy(dtype=float)
    df["ewma"] = ewma(mean, alpha)
    df["robust_z"] = trailing_robust_z(mean, baseline)
    return df


def top_dyads(con: Any, rel: str, *, top: int = 20, rank: str = "activity", by: str = "month",
              win: Window = Window()) -> pd.DataFrame:
    """Undirected country pairs ranked by activity (events in the window) or by movement: how
    far the last period's mean Goldstein sits from the pair's earlier periods, in standard
    errors (a shift that only one event makes counts little)."""
    _check_ranking(by, rank)
    p = Params()
    sql = f"""
        WITH sel_ AS (SELECT least(actor_country, recipient_country) AS a,
                           greatest(actor_country, recipient_country) AS b,
                           date_trunc('{by}', date) AS period, goldstein FROM {rel}
                    WHERE {win.sql(p)} AND actor_country IS NOT NULL
                      AND recipient_country IS NOT NULL AND actor_country <> recipient_country),
        last_ AS (SELECT max(period) AS p FROM sel_)
        SELECT a, b, count(*) AS n, sum(goldstein) AS net_goldstein,
               avg(goldstein) AS mean_goldstein,
               count(*) FILTER (WHERE period = p) AS n_last,
               avg(goldstein) FILTER (WHERE period = p) AS mean_last,
               avg(goldstein) FILTER (WHERE period < p) AS mean_before,
               stddev_samp(goldstein) AS sd
        FROM sel_, last_ GROUP BY a, b"""
    return _ranked(con.execute(sql, p).df(), rank, top, win)


def top_dyads_from_days(con: Any, days: str, *, top: int = 20, rank: str = "activity",
                        by: str = "month", win: Window = Window()) -> pd.DataFrame:
    """:func:`top_dyads` from the store's per-day, per-dyad sums (``days``: a relation with
    the columns of the store's ``agg_day`` already restricted to the statuses and mentions
    asked for) instead of the events: the same counts and means, the standard deviation
    from the sums of squares (equal to DuckDB's ``stddev_samp`` up to rounding), a few
    thousand rows read where the events are millions."""
    _check_ranking(by, rank)
    p = Params()
    sql = f"""
        WITH sel_ AS (SELECT least(actor_country, recipient_country) AS a,
                             greatest(actor_country, recipient_country) AS b,
                             date_trunc('{by}', date) AS period, sum(n) AS n, sum(n_g) AS n_g,
                             sum(sum_g) AS s, sum(sum_g2) AS s2 FROM {days}
                      WHERE {win.sql(p)} AND actor_country IS NOT NULL
                        AND recipient_country IS NOT NULL AND actor_country <> recipient_country
                      GROUP BY ALL),
        last_ AS (SELECT max(period) AS p FROM sel_),
        pair_ AS (SELECT a, b, sum(n) AS n, sum(s) AS net_goldstein, sum(n_g) AS n_g,
                         sum(s2) AS s2,
                         coalesce(sum(n) FILTER (WHERE period = p), 0) AS n_last,
                         sum(s) FILTER (WHERE period = p) AS s_last,
                         sum(n_g) FILTER (WHERE period = p) AS g_last,
                         sum(s) FILTER (WHERE period < p) AS s_before,
                         sum(n_g) FILTER (WHERE period < p) AS g_before
                  FROM sel_, last_ GROUP BY a, b)
        SELECT a, b, CAST(n AS BIGINT) AS n, net_goldstein,
               net_goldstein / nullif(n_g, 0) AS mean_goldstein, CAST(n_last AS BIGINT) AS n_last,
               s_last / nullif(g_last, 0) AS mean_last, s_before / nullif(g_before, 0) AS mean_before,
               CASE WHEN n_g > 1 THEN sqrt(greatest(s2 - net_goldstein * net_goldstein / n_g, 0)
                                           / (n_g - 1)) END AS sd
        FROM pair_"""
    return _ranked(con.execute(sql, p).df(), rank, top, win)


def _check_ranking(by: str, rank: str) -> None:
    check_period(by)
    if rank not in ("activity", "movement"):
        raise UsageError(f"--rank {rank!r}: choose activity or movement")


def _ranked(df: pd.DataFrame, rank: str, top: int, win: Window) -> pd.DataFrame:
    """The pairs of :func:`top_dyads` ranked: by count, or by the size of the last period's
    movement (its mean against the mean before, over the standard error)."""
    if df.empty:
        raise UsageError(f"no events between two countries in {win.describe()}")
    se = df["sd"].fillna(0).clip(lower=1.0) / np.sqrt(df["n_last"].clip(lower=1))
    df["movement"] = ((df["mean_last"] - df["mean_before"]) / se).fillna(0.0)
    # movements equal to 9 decimals are a tie (broken by the pair's codes), so the ranking
    # does not hang on rounding (the sums of squares and DuckDB's stddev differ below that)
    key = df["n"] if rank == "activity" else df["movement"].abs().round(9)
    df = df.assign(_k=key).sort_values(["_k", "a", "b"], ascending=[False, True, True])
    return df.drop(columns=["_k", "sd"]).head(top).reset_index(drop=True)
