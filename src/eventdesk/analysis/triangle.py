"""The strategic triangle (after Dittmer 1981) and structural balance of a set of actors.

An edge score S_ij is the mean of the two directions' mean Goldstein scores. In the triangle it
is computed per period and smoothed (EWMA); it gets a sign only outside a neutral band and when
its bootstrap interval excludes zero. The bootstrap is parametric: each direction's period mean
is redrawn from a normal with the period's standard error (the direction's pooled variance when
the period has a single event), so it runs on per-period sums that SQL returns, not on events.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .common import Params, Window, check_period, ewma, side_sql

FREQ = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS", "year": "YS"}
CONFIGS = {3: "ménage à trois", 2: "romantic triangle", 1: "stable marriage", 0: "unit veto"}
DEFAULT_SD = 3.0       # Goldstein spread assumed for a direction seen only once


def _directed_stats(con: Any, rel: str, players: list[str], by: str | None,
                    win: Window, days: str | None = None) -> pd.DataFrame:
    """n, mean and variance of Goldstein per (period,) source and target player, in SQL.
    ``days``: the store's per-day sums of the same events (``agg_day``'s columns), read
    instead of the events when every player is a state (matched by its country column,
    which the sums keep); the variance then comes from the sums of squares, equal to
    DuckDB's ``var_samp`` up to rounding."""
    from .common import state_codes

    if days is not None and all(pl in state_codes() for pl in players):
        return _directed_stats_from_days(days, players, by, win, con)
    p = Params()
    case = _player_case(players, p)
    period = f"date_trunc('{by}', date)" if by else "NULL"
    sql = f"""
        WITH sel_ AS (SELECT {period} AS period, {case('actor')} AS src,
                           {case('recipient')} AS dst, goldstein FROM {rel}
                    WHERE {win.sql(p)})
        SELECT CAST(period AS DATE) AS period, src, dst, count(*) AS n,
               avg(goldstein) AS mean, var_samp(goldstein) AS var
        FROM sel_ WHERE src IS NOT NULL AND dst IS NOT NULL AND src <> dst
        GROUP BY ALL ORDER BY ALL"""
    return con.execute(sql, p).df()


def _player_case(players: list[str], p: Params) -> Any:
    """``case(side)``: the SQL giving the index of the player an event's actor or recipient
    side is (``side``: "actor" or "recipient"), NULL for none."""
    return lambda side: "CASE " + " ".join(
        f"WHEN {side_sql(side, pl, p)} THEN {i}" for i, pl in enumerate(players)) + " END"


def _directed_stats_from_days(days: str, players: list[str], by: str | None, win: Window,
                              con: Any) -> pd.DataFrame:
    p = Params()
    case = _player_case(players, p)
    period = f"date_trunc('{by}', date)" if by else "NULL"
    sql = f"""
        WITH sel_ AS (SELECT {period} AS period, {case('actor')} AS src,
                           {case('recipient')} AS dst, n, n_g, sum_g, sum_g2 FROM {days}
                    WHERE {win.sql(p)}),
        agg_ AS (SELECT CAST(period AS DATE) AS period, src, dst, sum(n) AS n, sum(n_g) AS g,
                        sum(sum_g) AS s, sum(sum_g2) AS s2
                 FROM sel_ WHERE src IS NOT NULL AND dst IS NOT NULL AND src <> dst
                 GROUP BY ALL)
        SELECT period, src, dst, CAST(n AS BIGINT) AS n, s / nullif(g, 0) AS mean,
               CASE WHEN g > 1 THEN greatest(s2 - s * s / g, 0) / (g - 1) END AS var
        FROM agg_ ORDER BY ALL"""
    return con.execute(sql, p).df()


def _pooled_var(stats: pd.DataFrame) -> dict[tuple[int, int], float]:
    out = {}
    for (s, d), g in stats.groupby(["src", "dst"]):
        ok = g[g["n"] >= 2]
        dof = (ok["n"] - 1).sum()
        out[(s, d)] = float(((ok["n"] - 1) * ok["var"]).sum() / dof) if dof > 0 else DEFAULT_SD**2
    return out


def _label(signs: tuple[int, int, int]) -> tuple[str, int | None]:
    """Configuration name and its key player (pivot of a romantic triangle, pariah of a
    stable marriage) from the signs of edges (0,1), (0,2), (1,2)."""
    if 0 in signs:
        return "indeterminate", None
    pos = [e for e, s in zip(EDGES, signs) if s > 0]
    key = None
    if len(pos) == 2:
        key = (set(pos[0]) & set(pos[1])).pop()
    elif len(pos) == 1:
        key = ({0, 1, 2} - set(pos[0])).pop()
    return CONFIGS[len(pos)], key


EDGES = [(0, 1), (0, 2), (1, 2)]


def _labels(signs: np.ndarray) -> np.ndarray:
    """Vectorised :func:`_label` over signs of shape (..., 3, T): an integer per period that
    differs exactly when the (configuration, key player) pair differs (-1 indeterminate)."""
    pos = (signs > 0).astype(int)
    code = pos[..., 0, :] + 2 * pos[..., 1, :] + 4 * pos[..., 2, :]   # which edges are positive
    return np.where((signs == 0).any(axis=-2), -1, code)


@dataclass
class Triangle:
    """The triangle of three players: ``frame`` one row per period, ``changes`` the periods
    where the configuration or the pivot changed, in words."""

    players: list[str]
    frame: pd.DataFrame                        # one row per period
    changes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        return self.frame


def triangle(con: Any, rel: str, players: list[str], *, by: str = "month",
             win: Window = Window(), band: float = 1.0, alpha: float = 0.5,
             reps: int = 1000, seed: int = 0, days: str | None = None) -> Triangle:
    """Edge scores, configuration (with its bootstrap probability), role scores, each player's
    pivot leverage L_P = min(S_PA, S_PB) − S_AB with its 95% interval (the same parametric
    bootstrap draws as the edges', each draw's leverage from that draw's three edge scores),
    and the periods where the configuration or the pivot changes. ``days``: the store's
    per-day sums of the same events (see :func:`_directed_stats`)."""
    check_period(by)
    if len(set(players)) != 3:
        raise UsageError(f"a triangle needs three different actors, got {', '.join(players)}")
    stats = _directed_stats(con, rel, players, by, win, days)
    if stats.empty:
        raise UsageError(f"no events among {', '.join(players)} in {win.describe()}")
    periods = pd.date_range(stats["period"].min(), stats["period"].max(), freq=FREQ[by])
    idx = {p.date(): t for t, p in enumerate(periods)}
    T = len(periods)
    mean = np.full((3, 3, T), np.nan)
    se = np.full((3, 3, T), np.nan)
    pooled = _pooled_var(stats)
    for r in stats.itertuples():
        t = idx[r.period if not hasattr(r.period, "date") else r.period.date()]
        var = r.var if r.n >= 2 and not np.isnan(r.var) else pooled[(r.src, r.dst)]
        mean[r.src, r.dst, t] = r.mean
        se[r.src, r.dst, t] = np.sqrt(max(var, 1e-6) / r.n)
    rng = np.random.default_rng(seed)
    draws = rng.normal(mean, np.nan_to_num(se), size=(reps, 3, 3, T))
    draws[:, np.isnan(mean)] = np.nan
    S = _edges(mean, alpha)                               # (3, T)
    boot = _edges(draws, alpha)                           # (reps, 3, T)
    import warnings

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = _nanquantile(boot, 0.025) if reps else S
        hi = _nanquantile(boot, 0.975) if reps else S
        lev = _leverage(S)                                # (3, T)
        boot_lev = _leverage(boot) if reps else None      # (reps, 3, T)
        lev_lo = _nanquantile(boot_lev, 0.025) if reps else lev
        lev_hi = _nanquantile(boot_lev, 0.975) if reps else lev
    signs = np.where((S > band) & (lo > 0), 1, np.where((S < -band) & (hi < 0), -1, 0))
    boot_signs = np.where(boot > band, 1, np.where(boot < -band, -1, 0))
    point = _labels(signs)                                # (T,)
    same = (_labels(boot_signs) == point[None, :]).mean(axis=0) if reps else np.full(T, np.nan)
    rows = []
    for t, p in enumerate(periods):
        cfg, key = _label(tuple(int(s) for s in signs[:, t]))
        row: dict[str, Any] = {"period": p.date()}
        for e, (i, j) in enumerate(EDGES):
            name = f"{players[i]}-{players[j]}"
            row[f"S {name}"], row[f"lo {name}"], row[f"hi {name}"] = S[e, t], lo[e, t], hi[e, t]
        row["configuration"], row["key_player"] = cfg, players[key] if key is not None else ""
        row["probability"] = float(same[t])
        for i, pl in enumerate(players):
            row[f"leverage {pl}"] = lev[i, t]
            row[f"leverage lo {pl}"], row[f"leverage hi {pl}"] = lev_lo[i, t], lev_hi[i, t]
            row[f"role {pl}"] = _role(S[:, t], i)
        best = int(np.nanargmax(lev[:, t])) if not np.all(np.isnan(lev[:, t])) else None
        row["pivot"] = players[best] if best is not None and lev[best, t] > 0 else ""
        rows.append(row)
    frame = pd.DataFrame(rows)
    return Triangle(players, frame, _changes(frame))


def _nanquantile(a: np.ndarray, q: float) -> np.ndarray:
    """``np.nanquantile(a, q, axis=0)``, the same numbers, vectorised: numpy's nanquantile
    sorts each column on its own in Python (0.2 s of a triangle's 0.37 s on 120 months),
    so only the columns that hold some NaN but not only NaN go through it."""
    out = np.quantile(a, q, axis=0)
    missing = np.isnan(a)
    some = missing.any(axis=0) & ~missing.all(axis=0)
    if some.any():
        out[some] = np.nanquantile(a[:, some], q, axis=0)
    return out


def _edges(mean: np.ndarray, alpha: float) -> np.ndarray:
    """Directed means (..., 3, 3, T) → smoothed undirected edge scores (..., 3, T)."""
    import warnings

    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for i, j in EDGES:
            pair = np.stack([mean[..., i, j, :], mean[..., j, i, :]])
            out.append(ewma(np.nanmean(pair, axis=0), alpha))
    return np.stack(out, axis=-2)


def _edge(S: np.ndarray, i: int, j: int) -> float:
    return float(S[EDGES.index((min(i, j), max(i, j)))])


def _leverage(S: np.ndarray) -> np.ndarray:
    """Each player's pivot leverage min(S_PA, S_PB) − S_AB from edge scores of shape
    (..., 3, T) (edges in the order of :data:`EDGES`): the same shape, players in place of
    edges; NaN where an edge has no score."""
    out = []
    for p in range(3):
        a, b = [q for q in range(3) if q != p]
        e = lambda i, j: S[..., EDGES.index((min(i, j), max(i, j))), :]  # noqa: E731
        # np.minimum, not nanmin: a missing edge leaves the leverage unknown
        out.append(np.minimum(e(p, a), e(p, b)) - e(a, b))
    return np.stack(out, axis=-2)


def _role(S: np.ndarray, p: int) -> float:
    a, b = [q for q in range(3) if q != p]
    return _edge(S, p, a) + _edge(S, p, b) - _edge(S, a, b)


def _changes(frame: pd.DataFrame) -> list[str]:
    out, prev = [], None
    for r in frame.itertuples(index=False):
        cur = (r.configuration, r.key_player, r.pivot)
        if prev is not None and cur != prev:
            what = []
            if cur[:2] != prev[:2]:
                what.append(f"configuration {_cfg_text(*prev[:2])} → {_cfg_text(*cur[:2])}")
            if cur[2] != prev[2]:
                what.append(f"pivot {prev[2] or 'none'} → {cur[2] or 'none'}")
            out.append(f"{r.period}: " + "; ".join(what))
        prev = cur
    return out


def _cfg_text(cfg: str, key: str) -> str:
    if cfg == "romantic triangle" and key:
        return f"romantic triangle (pivot {key})"
    if cfg == "stable marriage" and key:
        return f"stable marriage ({key} the pariah)"
    return cfg


# -- balance --------------------------------------------------------------------------------------
@dataclass
class Balance:
    """The signed graph of a set of players and what it says.

    ``edges``: one row per pair with events (``a``, ``b``, ``score``, ``lo``, ``hi``, ``sign``
    +1/−1/0, ``n``); ``splits``: the two-camp splits that cost least, each with its
    ``frustration`` (signed edges it contradicts: a warm edge across the camps or a hostile one
    inside a camp) and those ``frustrated`` edges; ``verdict`` ``balanced``, ``unbalanced`` or
    ``indeterminate``, and ``reason`` in words. ``camps`` is the best split (the first of
    ``splits``)."""

    players: list[str]
    edges: pd.DataFrame                 # a, b, score, lo, hi, sign, n
    triads: int
    balanced_triads: int
    frustration: int
    camps: tuple[list[str], list[str]]
    frustrated: list[tuple[str, str]]
    splits: pd.DataFrame = field(default_factory=pd.DataFrame)
    verdict: str = "indeterminate"
    reason: str = ""

    @property
    def balanced_share(self) -> float:
        return self.balanced_triads / self.triads if self.triads else float("nan")

    def to_frame(self) -> pd.DataFrame:
        return self.edges


#: at most this many players, every split is tried (2^(n-1) of them) so ties are found;
#: beyond, the integer program gives one best split
EXHAUSTIVE = 16


def balance(con: Any, rel: str, players: list[str], *, win: Window = Window(),
            band: float = 1.0) -> Balance:
    """The signed graph of edge scores over the window: the share of balanced triads, the exact
    frustration index (fewest edges whose removal leaves a balanced graph) and the two camps it
    implies. An edge inside the neutral band, or whose 95% interval includes zero, or with no
    events, is unsigned: left out of the graph.

    The verdict is ``indeterminate`` when the data cannot tell the camps: no triad has three
    signed edges, or a player has no signed edge (it could sit in either camp), or several
    splits cost the same least frustration; else ``balanced`` (frustration 0) or
    ``unbalanced``. The reason names the unsigned edges."""
    if len(set(players)) < 3:
        raise UsageError(f"balance needs at least three different actors, got {len(set(players))}")
    stats = _directed_stats(con, rel, players, None, win)
    if stats.empty:
        raise UsageError(f"no events among {', '.join(players)} in {win.describe()}")
    rows = []
    for i, j in combinations(range(len(players)), 2):
        d = stats[((stats.src == i) & (stats.dst == j)) | ((stats.src == j) & (stats.dst == i))]
        if d.empty:
            continue
        var = d["var"].fillna(DEFAULT_SD**2).to_numpy()
        score = float(d["mean"].mean())
        se = float(np.sqrt(np.sum(var / d["n"].to_numpy())) / len(d))
        lo, hi = score - 1.96 * se, score + 1.96 * se
        sign = 1 if score > band and lo > 0 else -1 if score < -band and hi < 0 else 0
        rows.append({"a": players[i], "b": players[j], "score": score, "lo": lo, "hi": hi,
                     "sign": sign, "n": int(d["n"].sum())})
    edges = pd.DataFrame(rows, columns=["a", "b", "score", "lo", "hi", "sign", "n"])
    signed = {(r.a, r.b): r.sign for r in edges.itertuples() if r.sign != 0}
    tri = bal = 0
    for x, y, z in combinations(players, 3):
        s = [signed.get(k) for k in ((x, y), (x, z), (y, z))]
        if None not in s:
            tri += 1
            bal += int(np.prod(s) > 0)
    if len(players) <= EXHAUSTIVE:
        splits = _best_splits(players, signed)
    else:
        cost, side = frustration_index(players, signed)
        splits = [(cost, side)]
    frustration, side = splits[0]
    least = [sp for sp in splits if sp[0] == frustration]
    camps = ([p for p in players if side[p] == 0], [p for p in players if side[p] == 1])
    frustrated = _frustrated(signed, side)
    verdict, reason = _verdict(players, edges, signed, tri, least, band)
    table = pd.DataFrame(
        [{"camp_1": ", ".join(p for p in players if sd[p] == 0),
          "camp_2": ", ".join(p for p in players if sd[p] == 1), "frustration": cost,
          "frustrated": ", ".join(f"{x}–{y}" for x, y in _frustrated(signed, sd))}
         for cost, sd in splits], columns=["camp_1", "camp_2", "frustration", "frustrated"])
    return Balance(players, edges, tri, bal, frustration, camps, frustrated, table, verdict,
                   reason)


def _frustrated(signed: dict[tuple[str, str], int], side: dict[str, int]
                ) -> list[tuple[str, str]]:
    return [k for k, s in signed.items() if (s > 0) == (side[k[0]] != side[k[1]])]


def _best_splits(players: list[str], signed: dict[tuple[str, str], int], extra: int = 1
                 ) -> list[tuple[int, dict[str, int]]]:
    """Every split into two camps (the first player in camp 0) that costs at most ``extra``
    more than the least, cheapest first; camp 1 may be empty."""
    n = len(players)
    out = []
    for mask in range(2 ** (n - 1)):
        side = {p: (mask >> (k - 1)) & 1 if k else 0 for k, p in enumerate(players)}
        out.append((len(_frustrated(signed, side)), mask, side))
    least = min(c for c, _, _ in out)
    return [(c, sd) for c, _, sd in sorted(out, key=lambda t: (t[0], t[1]))
            if c <= least + extra][:10]


def _verdict(players: list[str], edges: pd.DataFrame, signed: dict[tuple[str, str], int],
             triads: int, least: list[tuple[int, dict[str, int]]], band: float
             ) -> tuple[str, str]:
    unsigned = [f"{r.a}–{r.b} {r.score:+.1f}" + (f" inside the ±{band:g} band"
                if abs(r.score) <= band else " (its 95% interval includes 0)")
                for r in edges.itertuples() if r.sign == 0]
    have = {(r.a, r.b) for r in edges.itertuples()}
    missing = [f"{x}–{y}" for x, y in combinations(players, 2) if (x, y) not in have]
    notes = []
    if unsigned:
        notes.append("unsigned: " + "; ".join(unsigned))
    if missing:
        notes.append("no events: " + ", ".join(missing))
    tail = (" (" + "; ".join(notes) + ")") if notes else ""
    lonely = [p for p in players if not any(p in k for k in signed)]
    if triads == 0:
        return "indeterminate", ("no triad has three signed edges, so balance cannot be "
                                 f"judged{tail}")
    if lonely:
        return "indeterminate", (f"{', '.join(lonely)} {'has' if len(lonely) == 1 else 'have'} "
                                 "no signed edge and could sit in either camp" + tail)
    if len(least) > 1:
        return "indeterminate", (f"{len(least)} splits into camps each cost the least "
                                 f"frustration ({least[0][0]}), so the data cannot tell the "
                                 f"camps apart{tail}")
    cost = least[0][0]
    if cost == 0:
        return "balanced", f"every signed edge agrees with the two camps{tail}"
    return "unbalanced", (f"{cost} signed edge{'s contradict' if cost != 1 else ' contradicts'} "
                          f"the best split into camps{tail}")


def frustration_index(players: list[str], signed: dict[tuple[str, str], int]
                      ) -> tuple[int, dict[str, int]]:
    """Exact frustration index by a 0/1 integer program (scipy's HiGHS): choose a side x_p for
    each player and a flag y_e for each edge, minimise the flags, where a positive edge across
    the sides or a negative edge within a side must be flagged."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    n, edges = len(players), list(signed.items())
    if not edges:
        return 0, {p: 0 for p in players}
    pos = {p: k for k, p in enumerate(players)}
    m = len(edges)
    A = np.zeros((2 * m, n + m))
    lb = np.zeros(2 * m)
    for e, ((a, b), s) in enumerate(edges):
        i, j, y = pos[a], pos[b], n + e
        A[2 * e, [y, i, j]] = [1, -1, 1] if s > 0 else [1, -1, -1]
        A[2 * e + 1, [y, i, j]] = [1, 1, -1] if s > 0 else [1, 1, 1]
        lb[2 * e], lb[2 * e + 1] = (0, 0) if s > 0 else (-1, 1)
    c = np.r_[np.zeros(n), np.ones(m)]
    upper = np.ones(n + m)
    upper[0] = 0                                    # the first player's side is fixed
    res = milp(c, constraints=LinearConstraint(A, lb, np.inf), integrality=np.ones(n + m),
               bounds=Bounds(np.zeros(n + m), upper))
    if not res.success:
        raise RuntimeError(f"frustration index: the integer program failed ({res.message})")
    x = np.round(res.x).astype(int)
    return int(round(res.fun)), {p: int(x[pos[p]]) for p in players}
