"""The web app's one door to the store and the analyses: every page and API call gets its
figures from a function here, so the rest of :mod:`eventdesk.serve` knows neither SQL nor the
analysis functions' signatures.

Each function takes an open read-only :class:`~eventdesk.store.Store` and already-checked
parameters (:mod:`eventdesk.serve.params`), and returns DataFrames or plain dicts. Every value
from a request reaches SQL as a bound parameter; the only text put into SQL is a column or an
order chosen from a fixed list here.
"""
from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.common import Window, check_actors as _check_actors
from ..errors import StoreError, UsageError
from ..store import Store, confidence_condition
from ..store.sql import literal_list

#: what the events table may be sorted by: the name in the URL -> the relation's column
SORTS = {"date": "date", "actor": "actor_code", "recipient": "recipient_code",
         "cameo": "cameo", "goldstein": "goldstein", "status": "status",
         "reports": "n_reports"}
STATUSES = ("asserted", "negated", "hypothetical", "future", "desired", "reported")


# -- opening the store ------------------------------------------------------------------------
class StoreBusy(StoreError):
    """The store is being written by another process."""


class Readers:
    """Read-only handles on the store for the requests, one per request (each its own DuckDB
    cursor on one open database).

    Opening a DuckDB file costs far more than a cursor on an open one, so the store stays open
    while requests come, and is closed once none has come for ``linger`` seconds, or as soon as
    the requests in flight are done when a writer waits for it (the flag file a waiting
    :class:`~eventdesk.store.Store` writer keeps beside the store, see
    :func:`~eventdesk.store.waiting_flag`). While a writer waits or writes, a request waits for
    up to ``wait`` seconds, then raises :class:`StoreBusy`."""

    def __init__(self, path: Path, *, wait: float = 3.0, linger: float = 2.0):
        from ..store import waiting_flag

        self.path, self.wait, self.linger = path, wait, linger
        self.flag = waiting_flag(path)
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._active = 0
        self._last = 0.0
        self._closer: threading.Thread | None = None
        self._generation: tuple[int, ...] | None = None

    def stamp(self) -> tuple[int, ...]:
        """The store file's and its write-ahead log's modification time and size: what any
        write changes, so two equal stamps mean the same data."""
        out: list[int] = []
        for p in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                st = p.stat()
                out += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                out += [0, 0]
        return tuple(out)

    @contextmanager
    def open(self) -> Iterator[Store]:
        """A handle for one request; ``handle.generation`` is the :meth:`stamp` of the data it
        reads (constant while the store is open here: no writer can get in meanwhile)."""
        handle = self._acquire()
        try:
            yield handle
        finally:
            handle.close()
            with self._lock:
                self._active -= 1
                self._last = time.monotonic()
                if self._active == 0 and self.flag.exists():
                    self._close()

    def _acquire(self) -> Store:
        deadline = time.monotonic() + self.wait
        pause = 0.02
        while True:
            with self._lock:
                if not self.flag.exists():
                    try:
                        if self._store is None:
                            self._store = Store(self.path, read_only=True)
                            self._generation = self.stamp()
                            self._start_closer()
                        handle = self._store.cursor()
                        handle.generation = self._generation  # type: ignore[attr-defined]
                        self._active += 1
                        return handle
                    except StoreError as exc:
                        if "in use by another process" not in str(exc):
                            raise
                        reason = str(exc)
                else:
                    reason = f"{self.path}: a writer is waiting for the store"
                    if self._active == 0:
                        self._close()
            if time.monotonic() + pause > deadline:
                raise StoreBusy(reason)
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

    def _close(self) -> None:
        """With the lock held and no request in flight."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def _start_closer(self) -> None:
        if self._closer is not None and self._closer.is_alive():
            return

        def run() -> None:
            while True:
                time.sleep(min(0.2, self.linger))
                with self._lock:
                    if self._store is None:
                        self._closer = None
                        return
                    idle = time.monotonic() - self._last > self.linger
                    if self._active == 0 and (idle or self.flag.exists()):
                        self._close()
                        self._closer = None
                        return

        self._last = time.monotonic()
        self._closer = threading.Thread(target=run, name="eventdesk-store-closer", daemon=True)
        self._closer.start()

    def close(self) -> None:
        with self._lock:
            self._close()


def relation(store: Store, *, reports: bool = False,
             statuses: tuple[str, ...] | None = ("asserted",),
             include_mentions: bool = False) -> str:
    """The relation analyses read (:meth:`Store.analysis_events`): one row per corroborated
    event, or per report; the mentions of earlier events left out unless
    ``include_mentions``, as the analyses and the CLI do."""
    return store.analysis_events(raw=reports, statuses=statuses,
                                 include_mentions=include_mentions)


def stored(store: Store, flt: "Filter") -> bool:
    """Whether the filter's relation is the stored ``corroborated`` table (store version 9),
    which also holds each event's place and confidence."""
    return not flt.reports and store.reads_stored


def days_relation(include_mentions: bool = False) -> str:
    """The store's per-day sums (``agg_day``, store version 9) of the events
    :func:`relation` gives: corroborated asserted events, without the mentions of earlier
    events unless ``include_mentions``."""
    return ("(SELECT * FROM agg_day WHERE status = 'asserted'"
            + ("" if include_mentions else " AND NOT mention_only") + ")")


def check_actors(store: Store, codes: list[str]) -> list[str]:
    """Each code must name a party of the store's (asserted) events: a :class:`UsageError`
    with the reason otherwise."""
    return _check_actors(store.con, relation(store), codes)


# -- filters over the events ------------------------------------------------------------------
@dataclass(frozen=True)
class Filter:
    """What the events table and the map select (every field already checked)."""

    actor: str | None = None
    recipient: str | None = None
    dyad: tuple[str, str] | None = None          # either direction
    cameo: str | None = None                     # a code prefix
    root: str | None = None
    statuses: tuple[str, ...] | None = None      # None: every status
    since: Date | None = None
    until: Date | None = None
    min_reports: int | None = None
    min_confidence: float | None = None          # the coder's confidence, 0 to 1
    place: str | None = None                     # the place a report names
    doc: str | None = None                       # the document a report comes from
    reports: bool = False                        # one row per report, not per event
    include_mentions: bool = False               # mentions of earlier events too

    def relation(self, store: Store) -> str:
        """The relation the filter selects from."""
        if stored(store, self):
            # the stored corroborated events with their places (what relation() reads, and
            # the representative report's place and confidence)
            where = []
            if self.statuses is not None:
                where.append(f"status IN {literal_list(self.statuses)}")
            if not self.include_mentions:
                where.append("NOT mention_only")
            return ("(SELECT * FROM corroborated"
                    + (" WHERE " + " AND ".join(where) if where else "") + ")")
        return relation(store, reports=self.reports, statuses=self.statuses,
                        include_mentions=self.include_mentions)

    def where(self, own: bool = False) -> tuple[str, list[Any]]:
        """The filter's WHERE clause and parameters; ``own``: over a relation that holds the
        events' own places (:meth:`relation` of a stored store)."""
        clauses: list[str] = []
        params: list[Any] = []

        def party(role: str, code: str) -> str:
            params.extend([code, code])
            return f"({role}_country = ? OR starts_with({role}_code, ?))"

        if self.actor:
            clauses.append(party("actor", self.actor))
        if self.recipient:
            clauses.append(party("recipient", self.recipient))
        if self.dyad:
            a, b = self.dyad
            ab = party("actor", a) + " AND " + party("recipient", b)
            ba = party("actor", b) + " AND " + party("recipient", a)
            clauses.append(f"(({ab}) OR ({ba}))")
        if self.cameo:
            clauses.append("starts_with(cameo, ?)")
            params.append(self.cameo)
        if self.root:
            clauses.append("root = ?")
            params.append(self.root)
        if self.since:
            clauses.append("date >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("date <= ?")
            params.append(self.until)
        if self.place:
            clauses.append("location = ?" if own else
                           "event_id IN (SELECT event_id FROM events WHERE location = ?)")
            params.append(self.place)
        if self.doc:
            clauses.append("doc_id = ?")
            params.append(self.doc)
        if self.min_reports:
            clauses.append("n_reports >= ?")
            params.append(self.min_reports)
        if self.min_confidence is not None:
            # the (representative) report's confidence, the store's one rule for it: only
            # coded reports have one, and they store their id, so event_rows answers without
            # the view's derivations
            sql, values = confidence_condition(self.min_confidence, grouped=True)
            clauses.append(sql)
            params.extend(values)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


#: the SQL type of each sort column, for the cursor's values (a URL carries them as JSON)
SORT_TYPES = {"date": "DATE", "actor_code": "VARCHAR", "recipient_code": "VARCHAR",
              "cameo": "VARCHAR", "goldstein": "DOUBLE", "status": "VARCHAR",
              "n_reports": "BIGINT"}


def keyset(col: str, descending: bool, after: tuple[Any, Any, str]) -> tuple[str, list[Any]]:
    """The rows after ``after`` (the sort value, date and event id of a page's last row) in
    the events table's order (``col`` ascending or descending, NULLs last, then date, NULLs
    last, then event id): a condition DuckDB applies before sorting, so a deep page costs
    what the first does (no OFFSET that sorts and skips every row before it)."""
    value, day, eid = after
    kind = SORT_TYPES[col]

    def level(expr: str, v: Any, cast: str, desc: bool) -> tuple[str, str, list[Any]]:
        """(after, equal, parameters) for one sort key with NULLs last."""
        if v is None:
            return "false", f"{expr} IS NULL", []
        op = "<" if desc else ">"
        return (f"({expr} IS NULL OR {expr} {op} CAST(? AS {cast}))",
                f"{expr} = CAST(? AS {cast})", [v])

    g1, e1, p1 = level(col, value, kind, descending)
    g2, e2, p2 = level("date", day, "DATE", False)
    cond = f"({g1} OR ({e1} AND ({g2} OR ({e2} AND event_id > ?))))"
    # the placeholders in order: after and equal of the sort value, of the date, the id
    return cond, [*p1, *p1, *p2, *p2, eid]


def events_table(store: Store, flt: Filter, *, sort: str = "date", descending: bool = False,
                 page: int = 1, per: int = 50, after: tuple[Any, Any, str] | None = None,
                 before: tuple[Any, Any, str] | None = None) -> tuple[pd.DataFrame, int]:
    """One page of the filtered events, sorted and cut by DuckDB, and how many match. The
    page after ``after`` (the last row's sort value, date and event id, as
    :func:`cursor` gives them), or the page before ``before`` (the first row's), is found by
    keyset (no OFFSET); without either, ``page`` counts pages from the first."""
    rel = flt.relation(store)
    where, params = flt.where(own=stored(store, flt))
    total = store.con.execute(f"SELECT count(*) FROM {rel} r{where}", params).fetchone()[0]
    col = SORTS[sort]
    way = "DESC" if descending else "ASC"
    page_where, page_params, offset = where, list(params), (page - 1) * per
    order = f"{col} {way} NULLS LAST, date NULLS LAST, event_id"
    if after is not None or before is not None:
        cond, extra = keyset(col, descending, after or before)   # type: ignore[arg-type]
        if before is not None:
            # the rows before it: neither after it nor it, read backwards from it
            cond = f"NOT {cond} AND event_id <> ?"
            extra = [*extra, before[2]]
            order = (f"{col} {'ASC' if descending else 'DESC'} NULLS FIRST, date DESC NULLS "
                     "FIRST, event_id DESC")
        page_where = (where + " AND " if where else " WHERE ") + cond
        page_params += extra
        offset = 0
    sql = (f"SELECT event_id, group_id, date, actor_code, actor_country, recipient_code, "
           f"recipient_country, cameo, root, goldstein, quad, status, n_reports, n_sources, "
           f"doc_id, sentence FROM {rel} r{page_where} ORDER BY {order} LIMIT ? OFFSET ?")
    frame = store.con.execute(sql, page_params + [per, offset]).df()
    if before is not None:
        frame = frame.iloc[::-1].reset_index(drop=True)
    # the coder's confidence of the page's reports (None for imported ones): read for these
    # rows alone, from the row groups that hold any (imported rows have none)
    known = dict(store.con.execute(
        "SELECT event_id, confidence FROM event_rows WHERE confidence IS NOT NULL AND "
        "list_contains($ids, event_id)", {"ids": [str(x) for x in frame["event_id"]]}
    ).fetchall()) if len(frame) else {}
    frame.insert(frame.columns.get_loc("status") + 1, "confidence",
                 [known.get(x) for x in frame["event_id"]])
    return frame, int(total)


def cursor(frame: pd.DataFrame, sort: str, first: bool = False) -> list[Any] | None:
    """The keyset cursor of a page's last row (``first``: its first row): its sort value,
    date and event id, as JSON values (dates as ISO strings), for the next (previous)
    page's link."""
    if not len(frame):
        return None
    row = frame.iloc[0 if first else -1]

    def plain(v: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            return None
        if hasattr(v, "isoformat"):
            return v.isoformat()[:10]
        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, np.floating):
            return float(v)
        return v

    return [plain(row[SORTS[sort]]), plain(row["date"]), str(row["event_id"])]


def locations(store: Store, flt: Filter, limit: int = 2000) -> pd.DataFrame:
    """Places of the filtered events: name, country, latitude and longitude (NULL where the
    place is a whole country), and how many events; the busiest first."""
    rel = flt.relation(store)
    if stored(store, flt):
        # the stored corroborated events carry their (representative report's) place
        where, params = flt.where(own=True)
        sql = (f"SELECT location AS name, location_country AS country, "
               f"any_value(location_lat) AS lat, any_value(location_lon) AS lon, "
               f"count(*) AS n, avg(goldstein) AS mean_goldstein FROM {rel} r{where}"
               f"{' AND' if where else ' WHERE'} location IS NOT NULL GROUP BY 1, 2 "
               f"ORDER BY n DESC, 1 LIMIT ?")
        return store.con.execute(sql, params + [limit]).df()
    where, params = flt.where()
    sql = (f"SELECT e.location AS name, e.location_country AS country, "
           f"any_value(e.location_lat) AS lat, any_value(e.location_lon) AS lon, "
           f"count(*) AS n, avg(r.goldstein) AS mean_goldstein "
           f"FROM (SELECT * FROM {rel} r{where}) r JOIN events e USING (event_id) "
           f"WHERE e.location IS NOT NULL GROUP BY 1, 2 ORDER BY n DESC, 1 LIMIT ?")
    return store.con.execute(sql, params + [limit]).df()


# -- the overview -----------------------------------------------------------------------------
def overview(store: Store, *, include_mentions: bool = False) -> dict[str, Any]:
    """The store's counts and period, the busiest and fastest-moving dyads, and a monthly
    timeline of cooperation and conflict (corroborated asserted events; the mentions of
    earlier events left out unless ``include_mentions``). On a store that keeps per-day
    aggregates (version 9) the ranking and the timeline read them, not the events."""
    from ..analysis import api
    from ..analysis.dyads import top_dyads_from_days

    counts = store.counts()
    first, last = store.con.execute("SELECT min(event_date), max(event_date) FROM event_rows"
                                    ).fetchone()
    out: dict[str, Any] = {"counts": counts, "first": first, "last": last}
    days = None if not store.reads_stored else days_relation(include_mentions)
    for rank in ("activity", "movement"):
        try:
            if days is not None:
                out[rank] = top_dyads_from_days(store.con, days, top=10, rank=rank)
            else:
                out[rank] = api.dyads(store, top=10, rank=rank,
                                      include_mentions=include_mentions)
        except UsageError:
            out[rank] = pd.DataFrame(columns=["a", "b", "n", "mean_goldstein", "movement"])
    if days is not None:
        out["timeline"] = store.con.execute(
            f"SELECT CAST(date_trunc('month', date) AS DATE) AS period, "
            f"CAST(coalesce(sum(n) FILTER (WHERE quad IN (1, 2)), 0) AS BIGINT) AS cooperation, "
            f"CAST(coalesce(sum(n) FILTER (WHERE quad IN (3, 4)), 0) AS BIGINT) AS conflict, "
            f"sum(sum_g) / nullif(sum(n_g), 0) AS mean_goldstein FROM {days} "
            f"WHERE date IS NOT NULL GROUP BY 1 ORDER BY 1").df()
        return out
    rel = relation(store, include_mentions=include_mentions)
    out["timeline"] = store.con.execute(
        f"SELECT CAST(date_trunc('month', date) AS DATE) AS period, "
        f"count(*) FILTER (WHERE quad IN (1, 2)) AS cooperation, "
        f"count(*) FILTER (WHERE quad IN (3, 4)) AS conflict, "
        f"avg(goldstein) AS mean_goldstein FROM {rel} WHERE date IS NOT NULL "
        f"GROUP BY 1 ORDER BY 1").df()
    return out


# -- analyses ---------------------------------------------------------------------------------
_OFFSETS = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1),
            "month": pd.DateOffset(months=1), "quarter": pd.DateOffset(months=3),
            "year": pd.DateOffset(years=1)}


def period_end(start: Date, by: str) -> Date:
    """The last day of the period that begins on ``start``."""
    return (pd.Timestamp(start) + _OFFSETS[by] - pd.DateOffset(days=1)).date()


def period_ends(starts: Any, by: str) -> list[Date]:
    """:func:`period_end` of each start, in one vectorised step (a dyad by week has over
    five hundred periods)."""
    if not len(starts):
        return []
    ends = pd.DatetimeIndex(pd.to_datetime(list(starts))) + _OFFSETS[by] - pd.DateOffset(days=1)
    return [d.date() for d in ends]


def baseline_band(mean: np.ndarray, baseline: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """For each period, the median of the (non-missing) means of the ``baseline`` periods
    before it ± twice their scaled MAD, where at least three of them are known (NaN
    otherwise): all periods at once over a sliding window."""
    from numpy.lib.stride_tricks import sliding_window_view

    n = len(mean)
    lo, hi = np.full(n, np.nan), np.full(n, np.nan)
    if n == 0 or baseline < 1:
        return lo, hi
    padded = np.concatenate([np.full(baseline, np.nan), np.asarray(mean, dtype=float)])
    past = sliding_window_view(padded, baseline)[:n]     # row t: the periods t-baseline..t-1
    enough = (~np.isnan(past)).sum(axis=1) >= 3
    if not enough.any():
        return lo, hi
    rows = past[enough]
    med = np.nanmedian(rows, axis=1)
    mad = 1.4826 * np.nanmedian(np.abs(rows - med[:, None]), axis=1)
    lo[enough], hi[enough] = med - 2 * mad, med + 2 * mad
    return lo, hi


def dyad(store: Store, a: str, b: str, *, by: str, directed: bool, win: Window,
         baseline: int = 12, include_mentions: bool = False) -> pd.DataFrame:
    """The dyad's series (:func:`eventdesk.analysis.dyads.dyad_series`) with its baseline
    band: the median of the ``baseline`` periods before each one, ± twice their scaled MAD
    (the yardstick of the series' robust z)."""
    from ..analysis import api

    if not store.reads_stored:
        df = api.dyad(store, a, b, by=by, directed=directed, since=win.since,
                      until=win.until, include_mentions=include_mentions)
    else:
        # as api.dyad, with the per-day sums for two states
        from ..analysis.dyads import dyad_series

        rel = relation(store, include_mentions=include_mentions)
        a, b = _check_actors(store.con, rel, [a, b])
        df = dyad_series(store.con, rel, a, b, by=by, directed=directed, win=win,
                         days=days_relation(include_mentions))
        df["period"] = pd.to_datetime(df["period"]).dt.date
    df["period_end"] = period_ends(df["period"], by)
    df["band_lo"], df["band_hi"] = baseline_band(df["mean_goldstein"].to_numpy(dtype=float),
                                                 baseline)
    return df


def triangle(store: Store, players: list[str], *, by: str, win: Window, band: float,
             reps: int = 500, include_mentions: bool = False) -> Any:
    from ..analysis import api

    if not store.reads_stored:
        return api.triangle(store, players, by=by, since=win.since, until=win.until,
                            band=band, reps=reps, include_mentions=include_mentions)
    from ..analysis.common import distinct
    from ..analysis.triangle import triangle as run

    # as api.triangle, with the per-day sums for the edges' statistics
    rel = relation(store, include_mentions=include_mentions)
    players = distinct(_check_actors(store.con, rel, players), 3, "a triangle")
    return run(store.con, rel, players, by=by, win=win, band=band, reps=reps,
               days=days_relation(include_mentions))


#: the signals' candidates (:func:`~eventdesk.analysis.signals.candidates`) of the last few
#: (store state, mentions, period, window): what a watch list does not change, so twenty
#: analysts opening the signals with twenty watch lists scan the events once
_CANDIDATES: dict[tuple, Any] = {}
_CANDIDATES_LOCK = threading.Lock()
_CANDIDATES_KEPT = 8


def signal_candidates(store: Store, *, by: str, win: Window,
                      include_mentions: bool = False) -> Any:
    """The candidates of the signals page, computed once per state of the store (the
    handle's ``generation``, see :meth:`Readers.open`; not kept without one) and set of
    parameters; computed under a lock, so concurrent requests wait for the first."""
    from ..analysis.signals import candidates

    generation = getattr(store, "generation", None)
    key = (generation, str(store.path), include_mentions, by, win.since, win.until)
    with _CANDIDATES_LOCK:
        hit = _CANDIDATES.get(key) if generation is not None else None
        if hit is not None:
            return hit
        days = None if not store.reads_stored else days_relation(include_mentions)
        found = candidates(store.con, relation(store, include_mentions=include_mentions),
                           since=win.since, until=win.until, by=by, days=days)
        if generation is not None:
            _CANDIDATES[key] = found
            while len(_CANDIDATES) > _CANDIDATES_KEPT:
                _CANDIDATES.pop(next(iter(_CANDIDATES)))
        return found


def signals(store: Store, watch: list[str], *, by: str, win: Window, top: int = 20,
            include_mentions: bool = False) -> list[Any]:
    """The ranked signals as :class:`~eventdesk.analysis.signals.Signal` objects (the notebook
    API's frame flattens their evidence, whose event ids the page links to); the candidates
    from :func:`signal_candidates`."""
    from ..analysis.signals import signals as _signals

    found = signal_candidates(store, by=by, win=win, include_mentions=include_mentions)
    return _signals(store.con, relation(store, include_mentions=include_mentions),
                    watch=watch, by=by, top=top, found=found)


def brief_html(store: Store, focus: str, partners: list[str], *, by: str, win: Window,
               include_mentions: bool = False) -> str:
    """The brief's HTML body: its headings, paragraphs, sources, and its charts as
    ``data-figure`` elements (the Plotly figure as JSON, drawn by ``static/app.js``; a PNG
    for readers without JavaScript), so the page needs no inline script."""
    from ..analysis import api

    page = api.brief(store, focus, partners, by=by, since=win.since,
                     until=win.until, include_mentions=include_mentions).html(scripts=False)
    body = re.search(r"<body>(.*)</body>", page, re.S)
    return body.group(1) if body else page


# -- one event --------------------------------------------------------------------------------
def event(store: Store, some_id: str) -> dict[str, Any] | None:
    """What ``eventdesk explain`` shows: the event, its sentence cut into marked segments, the
    rule behind it, the strategies that decided its fields (when the coder recorded them), its
    document and the corroborating reports."""
    from ..coding.lexicon import default_lexicon, noun_lexicon

    ev = store.event(some_id)
    group = _group(store, ev.id if ev else some_id)
    if ev is None and group is not None:
        ev = store.event(group["event_id"])
    if ev is None:
        return None
    pattern = next((p for lex in (default_lexicon(), noun_lexicon()) for p in lex.patterns
                    if p.id == ev.pattern), None)
    return {"event": ev, "segments": segments(ev.text or "", ev.spans or {}),
            "pattern": pattern, "decided_by": dict(getattr(ev, "decided_by", None) or {}),
            "document": store.document(ev.doc_id) if ev.doc_id else None,
            "provenance": store.provenance(ev.id), "group": group}


#: the corroborated events last read (:meth:`Store.group`), by store state and group: every
#: report of a group shows the group's reports, and a report of a big group (thousands of
#: reports, a second to read) is far likelier to be opened than one of a small group
_GROUPS: "OrderedDict[tuple, dict[str, Any]]" = OrderedDict()
_GROUPS_LOCK = threading.Lock()
_GROUPS_KEPT = 64
#: and at most this many reports in all (a report's dict is about a kilobyte)
_GROUPS_REPORTS = 200_000


def _group(store: Store, some_id: str) -> dict[str, Any] | None:
    """:meth:`Store.group`, read once per state of the store (the handle's ``generation``;
    not kept without one) and group; a copy of the kept dict (its reports list shared, read
    only)."""
    found = store.group_key(some_id)
    if found is None:
        return None
    generation = getattr(store, "generation", None)
    key = (generation, str(store.path), *found)
    with _GROUPS_LOCK:
        hit = _GROUPS.get(key) if generation is not None else None
        if hit is not None:
            _GROUPS.move_to_end(key)
            return dict(hit)
    group = store.group(some_id, found=found)
    if group is not None and generation is not None:
        with _GROUPS_LOCK:
            _GROUPS[key] = group
            while len(_GROUPS) > 1 and (
                    len(_GROUPS) > _GROUPS_KEPT
                    or sum(len(g["reports"]) for g in _GROUPS.values()) > _GROUPS_REPORTS):
                _GROUPS.popitem(last=False)
    return None if group is None else dict(group)


def segments(text: str, spans: dict[str, list[list[int]]]) -> list[tuple[str, str | None]]:
    """The sentence as (text, role) pieces, role being actor, action, recipient or None; spans
    that overlap an earlier one are left out (as ``eventdesk explain`` marks them)."""
    marks = sorted((int(s), int(e), role) for role in ("actor", "action", "recipient")
                   for s, e in spans.get(role, []))
    out: list[tuple[str, str | None]] = []
    pos = 0
    for s, e, role in marks:
        if s < pos or s >= e or e > len(text):
            continue
        if s > pos:
            out.append((text[pos:s], None))
        out.append((text[s:e], role))
        pos = e
    if pos < len(text):
        out.append((text[pos:], None))
    return out
