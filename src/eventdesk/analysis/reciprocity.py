"""Reciprocity of two actors: do they answer each other in kind?

The two directed series are net Goldstein per period (zero in a period without events).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .common import Window
from .dyads import dyad_series


@dataclass
class Reciprocity:
    a: str
    b: str
    series: pd.DataFrame            # period, a_to_b, b_to_a
    cross: pd.DataFrame             # lag, correlation (lag k: a→b at t against b→a at t+k)
    coefficient: float              # comparative reciprocity
    coefficient_se: float
    coefficient_p: float
    granger: pd.DataFrame           # causing, caused, lags, F, p

    def to_frame(self) -> pd.DataFrame:
        """The Granger tests, one row per direction."""
        return self.granger


def min_periods(lags: int) -> int:
    return 4 * lags + 4


def reciprocity(con: Any, rel: str, a: str, b: str, *, by: str = "month", lags: int = 2,
                win: Window = Window()) -> Reciprocity:
    """Lagged cross-correlations, the comparative-reciprocity coefficient (after Patchen and
    Bogumil: the change in b→a regressed on the previous period's gap a→b − b→a; positive means
    b answers in kind, negative that it bullies, yielding to the stronger and pressing the
    weaker), and Granger F tests both ways from a VAR with ``lags`` lags (statsmodels)."""
    if lags < 1:
        raise UsageError(f"--lags must be at least 1, got {lags}")
    ab = dyad_series(con, rel, a, b, by=by, directed=True, win=win)
    ba = dyad_series(con, rel, b, a, by=by, directed=True, win=win)
    for name, s in ((f"{a}→{b}", ab), (f"{b}→{a}", ba)):
        if s["n"].sum() < 2:
            raise UsageError(f"{name} has a single event in {win.describe()}: nothing to "
                             "correlate")
    frame = pd.merge(ab[["period", "net_goldstein"]], ba[["period", "net_goldstein"]],
                     on="period", how="outer", suffixes=("_ab", "_ba")).sort_values("period")
    frame = _fill(frame, by)
    x, y = frame["a_to_b"].to_numpy(float), frame["b_to_a"].to_numpy(float)
    need = min_periods(lags)
    if len(x) < need:
        raise UsageError(f"series too short for reciprocity with {lags} lags: {len(x)} "
                         f"{by}s of {a}–{b} events, at least {need} needed (use a finer --by, "
                         "fewer --lags or a longer period)")
    for name, s in ((f"{a}→{b}", x), (f"{b}→{a}", y)):
        if np.std(s) == 0:
            raise UsageError(f"{name} does not vary from {by} to {by}: nothing to test")
    coef, se, p = _comparative(x, y)
    return Reciprocity(a, b, frame, _cross(x, y, lags), coef, se, p, _granger(x, y, a, b, lags))


def _fill(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    from .triangle import FREQ

    full = pd.DataFrame({"period": pd.date_range(frame.period.min(), frame.period.max(),
                                                 freq=FREQ[by])})
    full = full.merge(frame, on="period", how="left").fillna(0.0)
    return full.rename(columns={"net_goldstein_ab": "a_to_b", "net_goldstein_ba": "b_to_a"})


def _cross(x: np.ndarray, y: np.ndarray, lags: int) -> pd.DataFrame:
    rows = []
    for k in range(-lags, lags + 1):
        xs, ys = (x[:len(x) - k], y[k:]) if k >= 0 else (x[-k:], y[:len(y) + k])
        r = np.corrcoef(xs, ys)[0, 1] if np.std(xs) > 0 and np.std(ys) > 0 else np.nan
        rows.append({"lag": k, "correlation": float(r)})
    return pd.DataFrame(rows)


def _comparative(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    import statsmodels.api as sm

    dy = np.diff(y)
    gap = (x - y)[:-1]
    fit = sm.OLS(dy, sm.add_constant(gap, has_constant="add")).fit()
    return float(fit.params[1]), float(fit.bse[1]), float(fit.pvalues[1])


def _granger(x: np.ndarray, y: np.ndarray, a: str, b: str, lags: int) -> pd.DataFrame:
    import warnings

    from statsmodels.tsa.api import VAR

    data = pd.DataFrame({"a_to_b": x, "b_to_a": y})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = VAR(data).fit(lags)
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise UsageError(f"the VAR cannot be fitted to these series ({exc})") from None
        rows = []
        for causing, caused in (("a_to_b", "b_to_a"), ("b_to_a", "a_to_b")):
            t = res.test_causality(caused, [causing], kind="f")
            name = {"a_to_b": f"{a}→{b}", "b_to_a": f"{b}→{a}"}
            rows.append({"causing": name[causing], "caused": name[caused], "lags": lags,
                         "F": float(t.test_statistic), "p": float(t.pvalue)})
    return pd.DataFrame(rows)
