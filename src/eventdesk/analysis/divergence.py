"""Does the leader say what his government does? The head of state's events toward a target
against those of the rest of the same state's apparatus.

The leader is the actor holding the office ``head_of_state`` on the event's date (the store
resolves offices on the event's date). For a state whose leader is the head of government
(a parliamentary system: GBR, JPN, DEU, IND...), ``office="auto"`` (the default) takes whichever
of the two offices has more events by that state in the relation, ties going to the head of
state; the other office then counts as part of the government. Pass ``office`` to decide it
yourself. The government is every other actor of the state in the state sectors (GOV, MIL,
LEG, JUD, COP, SPY), and the bare state ("Russia said...").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .common import STATE_SECTORS, Params, Window, bootstrap_diff, hedges_g, side_sql

OFFICES = ("head_of_state", "head_of_government")


@dataclass
class Divergence:
    country: str
    target: str
    office: str
    rows: pd.DataFrame          # kind, n_leader, n_government, means, difference, interval, g
    evidence: pd.DataFrame      # the leader's and the government's events, strongest first

    def to_frame(self) -> pd.DataFrame:
        return self.rows


def leader_office(con: Any, rel: str, country: str) -> str:
    """``head_of_state``, unless the state's head of government acts more often."""
    rows = dict(con.execute(
        f"SELECT actor_office, count(*) FROM {rel} WHERE actor_country = $c "
        f"AND actor_office IN ('head_of_state', 'head_of_government') GROUP BY 1",
        {"c": country}).fetchall())
    return ("head_of_government" if rows.get("head_of_government", 0)
            > rows.get("head_of_state", 0) else "head_of_state")


def divergence(con: Any, rel: str, country: str, target: str, *, office: str = "auto",
               win: Window = Window(), reps: int = 2000, seed: int = 0) -> Divergence:
    """Leader minus government mean Goldstein toward ``target``, with a bootstrap interval and
    Hedges' g, for all, verbal (quads 1, 3) and material (2, 4) events, and the say–do gap:
    the leader's words against the government's deeds."""
    if country == target:
        raise UsageError(f"divergence needs two different actors, got {country} twice")
    if office == "auto":
        office = leader_office(con, rel, country)
    elif office not in OFFICES:
        raise UsageError(f"--office {office!r}: choose auto, {' or '.join(OFFICES)}")
    p = Params()
    c, off, sectors = p(country), p(office), p(list(STATE_SECTORS))
    sql = f"""
        SELECT CASE WHEN actor_office = {off} THEN 'leader' ELSE 'government' END AS side,
               quad, goldstein, date, event_id, doc_id, sentence, actor_code, actor_name
        FROM {rel}
        WHERE {win.sql(p)} AND actor_country = {c} AND {side_sql('recipient', target, p)}
          AND (actor_office = {off} OR list_contains({sectors}, actor_sector)
               OR actor_code = {c})
        ORDER BY abs(goldstein) DESC, date, event_id"""
    ev = con.execute(sql, p).df()
    lead, gov = ev[ev.side == "leader"], ev[ev.side == "government"]
    who = f"{country}'s {office.replace('_', ' ')}"
    for part, name in ((lead, who), (gov, f"the rest of {country}'s government")):
        if len(part) < 2:
            raise UsageError(f"too few events to compare: {name} has {len(part)} toward "
                             f"{target} in {win.describe()} (at least 2 needed)")
    words = lambda d: d[d.quad.isin([1, 3])]  # noqa: E731
    deeds = lambda d: d[d.quad.isin([2, 4])]  # noqa: E731
    specs = [("all", lead, gov), ("verbal", words(lead), words(gov)),
             ("material", deeds(lead), deeds(gov)), ("say-do gap", words(lead), deeds(gov))]
    rows = [_compare(kind, a.goldstein.to_numpy(float), b.goldstein.to_numpy(float), reps, seed)
            for kind, a, b in specs]
    return Divergence(country, target, office, pd.DataFrame(rows), ev)


def _compare(kind: str, a: np.ndarray, b: np.ndarray, reps: int, seed: int) -> dict[str, Any]:
    row: dict[str, Any] = {"kind": kind, "n_leader": len(a), "n_government": len(b),
                           "mean_leader": a.mean() if len(a) else np.nan,
                           "mean_government": b.mean() if len(b) else np.nan}
    row["difference"] = row["mean_leader"] - row["mean_government"]
    if len(a) and len(b):
        row["lo"], row["hi"] = bootstrap_diff(a, b, reps=reps, seed=seed)
    else:
        row["lo"] = row["hi"] = np.nan
    row["hedges_g"] = hedges_g(a, b)
    return row
