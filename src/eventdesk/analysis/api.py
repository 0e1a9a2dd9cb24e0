"""The analyses as plain functions for a notebook or a script.

Each takes a :class:`~eventdesk.store.Store` (or the path of one, opened read-only for the call)
as its first argument and returns a pandas DataFrame or a small result object whose
``.to_frame()`` gives its main table::

    import eventdesk.analysis as ea

    ea.dyad("demo/eventdesk.duckdb", "RUS", "USA", by="month")          # DataFrame
    tri = ea.triangle("demo/eventdesk.duckdb", ["RUS", "USA", "CHN"])   # Triangle
    tri.to_frame(); tri.changes

Every function reads the corroborated, asserted events (one row per event however many
reports it has); ``raw=True`` reads every report instead and ``status`` other statuses
(``"all"`` for every one); mentions of earlier events ("since the U.S. missile strike on
Syria": ``Event.mention``) are left out unless ``include_mentions=True``; ``min_confidence=0.6``
reads only the events the coder is at least that sure of (``Event.confidence``; a corroborated
event by its representative report; imported events, which have none, are then left out; a value
that is not a number from 0 to 1 raises :class:`~eventdesk.errors.UsageError`). ``since``/``until``
are ISO dates or :class:`datetime.date`. Actor codes are states (``RUS``) or longer codes (``RUSMIL``: the military only). Bad requests
raise :class:`~eventdesk.errors.UsageError` with the reason; the glossary of every column is
``docs/glossary.md``.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date as Date
from typing import Any

import pandas as pd

from .common import check_actors, distinct, parse_codes, window

StoreLike = Any            # a Store, or a path (str or os.PathLike) to open read-only


@contextmanager
def relation(store: StoreLike, *, raw: bool = False,
             status: str | list[str] | None = "asserted", include_mentions: bool = False,
             min_confidence: float | None = None) -> Iterator[tuple[Any, Any, str]]:
    """``(store, connection, relation)`` for an analysis: ``store`` itself, or the store at that
    path opened read-only and closed afterwards. ``status``: a status, a list or a
    comma-separated string of them, or ``"all"``/None for every status. ``include_mentions``:
    keep the mentions of earlier events ("since the strike"), which are left out by default.
    ``min_confidence``: only events the coder is at least that sure of (0 to 1)."""
    from ..store import Store, open_store

    if status is None or status == "all":
        statuses = None
    else:
        statuses = tuple(s.lower() for s in parse_codes(status))
    if isinstance(store, Store):
        yield store, store.con, store.analysis_events(raw=raw, statuses=statuses,
                                                      include_mentions=include_mentions,
                                                      min_confidence=min_confidence)
        return
    if not isinstance(store, (str, os.PathLike)):
        raise TypeError(f"expected a Store or the path of one, got {type(store).__name__}")
    with open_store(store, read_only=True) as opened:
        yield opened, opened.con, opened.analysis_events(raw=raw, statuses=statuses,
                                                      include_mentions=include_mentions,
                                                      min_confidence=min_confidence)


Day = str | Date | None


def dyad(store: StoreLike, a: str, b: str, *, by: str = "month", directed: bool = False,
         since: Day = None, until: Day = None, raw: bool = False,
         status: str | list[str] | None = "asserted",
        include_mentions: bool = False,
        min_confidence: float | None = None) -> pd.DataFrame:
    """One pair of actors period by period (``directed``: only a → b). One row per period,
    empty periods included: ``n``, counts per quad class, ``net_goldstein``,
    ``mean_goldstein``, ``intensity``, ``coop_mass``, ``conflict_mass``, ``balance``,
    ``net_per_100``, ``ewma``, ``robust_z`` (see :func:`eventdesk.analysis.dyads.dyad_series`)."""
    from .dyads import dyad_series

    with relation(store, raw=raw, status=status,
                  include_mentions=include_mentions,
                  min_confidence=min_confidence) as (_, con, rel):
        a, b = check_actors(con, rel, [a, b])
        df = dyad_series(con, rel, a, b, by=by, directed=directed, win=window(since, until))
    df["period"] = pd.to_datetime(df["period"]).dt.date
    return df


def dyads(store: StoreLike, *, top: int = 20, rank: str = "activity", by: str = "month",
          since: Day = None, until: Day = None, raw: bool = False,
          status: str | list[str] | None = "asserted",
        include_mentions: bool = False,
        min_confidence: float | None = None) -> pd.DataFrame:
    """Country pairs ranked by ``rank="activity"`` (events) or ``"movement"`` (how far the
    last period's mean Goldstein moved from the earlier ones, in standard errors)."""
    from .dyads import top_dyads

    with relation(store, raw=raw, status=status,
                  include_mentions=include_mentions,
                  min_confidence=min_confidence) as (_, con, rel):
        return top_dyads(con, rel, top=top, rank=rank, by=by, win=window(since, until))


def triangle(store: StoreLike, players: list[str] | str, *, by: str = "month",
             since: Day = None, until: Day = None, band: float = 1.0, reps: int = 1000,
             raw: bool = False, status: str | list[str] | None = "asserted",
        include_mentions: bool = False,
        min_confidence: float | None = None) -> Any:
    """The strategic triangle of three actors (``["RUS", "USA", "CHN"]`` or ``"RUS,USA,CHN"``):
    a :class:`~eventdesk.analysis.triangle.Triangle` with ``.to_frame()`` (one row per period:
    edge scores with intervals, configuration, bootstrap probability, leverage and role of
    each player, pivot) and ``.changes`` (the periods where the configuration or pivot
    changed)."""
    from .triangle import triangle as run

    with relation(store, raw=raw, status=status,
                  include_mentions=include_mentions,
                  min_confidence=min_confidence) as (_, con, rel):
        players = distinct(check_actors(con, rel, parse_codes(players)), 3, "a triangle")
        return run(con, rel, players, by=by, win=window(since, until), band=band, reps=reps)


def balance(store: StoreLike, players: list[str] | str, *, since: Day = None,
            until: Day = None, band: float = 1.0, raw: bool = False,
            status: str | list[str] | None = "asserted",
        include_mentions: bool = False,
        min_confidence: float | None = None) -> Any:
    """Structural balance of the signed graph of three or more actors: a
    :class:`~eventdesk.analysis.triangle.Balance` with ``.to_frame()`` (one row per edge: score,
    interval, sign, events), ``.verdict`` (``"balanced"``, ``"unbalanced"`` or
    ``"indeterminate"``), ``.reason``, ``.camps`` and ``.frustration``."""
    from .triangle import balance as run

    with relation(store, raw=raw, status=status,
                  include_mentions=include_mentions,
                  min_confidence=min_confidence) as (_, con, rel):
        players = distinct(check_actors(con, rel, parse_codes(players)), 3, "balance")
        return run(con, rel, players, win=window(since, until), band=band)


def divergence(store: StoreLike, country: str, toward: str, *, office: str = "auto",
               since: Day = None, until: Day = None, raw: bool = False,
               status: str | list[str] | None = "asserted",
        include_mentions: bool = False,
        min_confidence: float | None = None) -> Any:
    """The leader of ``country`` against the rest of its government toward ``toward``: a
    :class:`~eventdesk.analysis.divergence.Divergence` with ``.to_frame()`` (rows all, verbal,
    material and the say–do gap) and ``.evidence`` (the events behind it)."""
    from .divergence import divergence as run

    with relation(store, raw=raw, status=status,
                  include_mentions=include_mentions,
                  min_confidence=min_confidence) as (_, con, rel):
        c, t = check_actors(con, rel, [country, toward])
        return run(con, rel, c, t, office=office, win=window(since, until))


def reciprocity(store: StoreLike, a: str, b: str, *, by: str = "month", lags: int = 2,
                since: Day = None, until: Day = None, raw: bool = False,
                status: str | list[str] | None = "asserted",
        include_mentions: bool = False,
        min_confidence: float | None = None) -> Any:
    """Do a and b answer each other in kind: a
    :class:`~eventdesk.analysis.reciprocity.Reciprocity` with ``.to_frame()`` (the Granger
    tests), ``.series``, ``.cross`` and the comparative-reciprocity ``.coefficient``."""
    from .reciprocity import reciprocity as run

    with relation(store, raw=raw, status=status,
                  include_mentions=include_mentions,
                  min_confidence=min_confidence) as (_, con, rel):
        a, b = check_actors(con, rel, [a, b])
        return run(con, rel, a, b, by=by, lags=lags, win=window(since, until))


def signals(store: StoreLike, *, watch: list[str] | str | None = None, since: Day = None,
            until: Day = None, by: str = "month", lookback: int = 365, top: int = 20,
            min_score: float = 3.0, raw: bool = False,
            status: str | list[str] | None = "asserted",
        include_mentions: bool = False,
        min_confidence: float | None = None) -> pd.DataFrame:
    """What deserves a second look, one row per signal, best first: ``rank``, ``priority``,
    ``score`` (bits), ``kind``, ``dyad``, ``date``, ``reason``, ``evidence`` (see
    :mod:`eventdesk.analysis.signals` for the scoring)."""
    from .signals import as_frame, signals as run

    win = window(since, until)
    with relation(store, raw=raw, status=status,
                  include_mentions=include_mentions,
                  min_confidence=min_confidence) as (_, con, rel):
        w = check_actors(con, rel, parse_codes(watch)) if watch else []
        found = run(con, rel, watch=w, since=win.since, until=win.until, by=by,
                    lookback=lookback, top=top, min_score=min_score)
    return as_frame(found)


def brief(store: StoreLike, focus: str, partners: list[str] | str, *, by: str = "month",
          since: Day = None, until: Day = None, raw: bool = False,
          status: str | list[str] | None = "asserted",
        include_mentions: bool = False,
        min_confidence: float | None = None) -> Any:
    """The analyst's brief on ``focus`` and its ``partners``: a
    :class:`~eventdesk.analysis.brief.Brief` with ``.html()``, ``.markdown()``, ``.save(path)``
    (``.html`` or ``.md``) and ``.to_frame()`` (one row per relationship: the verdict, the
    periods compared and their means)."""
    from ..store import Store
    from .brief import build

    with relation(store, raw=raw, status=status,
                  include_mentions=include_mentions,
                  min_confidence=min_confidence) as (opened, con, rel):
        focus_, *others = check_actors(con, rel, [focus, *parse_codes(partners)])
        if not others:
            from ..errors import UsageError

            raise UsageError("a brief needs at least one partner (e.g. USA,CHN)")
        path = opened.path if isinstance(opened, Store) else store
        return build(con, rel, focus_, others, win=window(since, until), by=by,
                     document=opened.document, store=str(path), raw=raw, status=status)
