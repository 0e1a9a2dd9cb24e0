"""The corroborated events stored as they are read, and their per-day, per-dyad aggregates
(store version 9), kept by the writers in the same transaction as the rows.

``corroborated`` holds the rows of the ``groups`` view (one per corroborated event: the
chains of several reports from ``group_rows``, the reports alone in their chain as the view
projects them), with ``mention_only`` (every report of the event is a mention of an earlier
one: what :meth:`~eventdesk.store.Store.analysis_events` leaves out by default) and the
representative report's place and confidence. Reading it costs a table scan, where the view
derives eight columns and an md5 id for each of the millions of reports alone in their chain.

``agg_day`` sums ``corroborated`` by day, actor and recipient state, status, quad class and
mention flag: counts, and the count, sum, sum of squares, positive and negative mass and
absolute sum of the Goldstein scores, so a timeline or a ranking of dyads reads a few
thousand rows instead of every event.

How they are kept (every write goes through :class:`~eventdesk.store.Store`):

- a grouping (:func:`~eventdesk.store.corroborate.apply_batch`: an ingest batch, a slice of
  :meth:`~eventdesk.store.Store.settle`) replaces the corroborated rows of every chain it
  touched (the old chains, the new ones, and every report it chained, as it was alone before
  and as it is alone now) and of the reports deleted since the last grouping (``corr_gone``,
  filled by the writers that delete stored reports: :func:`record_gone`), then recomputes the
  aggregates of the days those rows had or have (:func:`sync_batch`);
- a regrouping of everything (a new rule, a migration) and a change of the CAMEO table (the
  derived scores change) rebuild both (:func:`rebuild`).
"""
from __future__ import annotations

from typing import Any

from .schema import BUCKET, GROUP_COLUMNS, SINGLE_COLS, derive_sql, group_id_sql

GROUP_NAMES = [c.split()[0] for c in GROUP_COLUMNS.replace("\n", " ").split(",") if c.strip()]

#: a stored report's event id as the events view derives it, over ``event_rows`` (unaliased)
EID = "coalesce(event_id, dataset || ':' || origin_id)"

#: the id of the corroborated event a stored report belongs to now, over ``event_rows``
ROW_GID = group_id_sql("ckey", f"coalesce(chain_first, {BUCKET.format(p='')})", EID)

#: the id a stored report has as a corroborated event of its own (alone in its chain)
SINGLE_GID = group_id_sql("ckey", BUCKET.format(p=""), EID)

#: the aggregate of ``agg_day`` over rows of ``corroborated``
AGG_SELECT = """
    SELECT date, actor_country, recipient_country, status, quad, mention_only, count(*),
           count(goldstein), sum(goldstein), sum(goldstein * goldstein),
           sum(greatest(goldstein, 0)), sum(greatest(-goldstein, 0)), sum(abs(goldstein))
    FROM corroborated WHERE {where} GROUP BY ALL"""


def record_gone(con: Any, where: str, params: Any = None) -> None:
    """Before a writer deletes the stored reports ``where`` selects (a condition over
    ``event_rows``): list their corroborated events in ``corr_gone``, which the next
    grouping (in the same transaction for an ingest, in :meth:`Store.settle` for an import)
    removes from ``corroborated`` before it writes the chains anew."""
    con.execute(f"INSERT INTO corr_gone SELECT DISTINCT {ROW_GID} FROM event_rows WHERE {where}",
                params if params is not None else [])


def _write(con: Any, members: str | None, singles: str | None) -> None:
    """The corroborated rows of the chains of several reports whose members ``members``
    selects (whole chains; a condition over ``event_rows r``), and of the reports alone in
    their chain ``singles`` selects, into the temp table ``ed_corr``."""
    con.execute("CREATE OR REPLACE TEMP TABLE ed_corr AS SELECT * FROM corroborated LIMIT 0")
    if members:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE ed_cm AS
            SELECT {group_id_sql('r.ckey', 'r.chain_first', "''")} AS gid,
                   coalesce(r.event_id, r.dataset || ':' || r.origin_id) AS eid,
                   coalesce(r.mention, false) AS mention, r.location, r.location_country,
                   r.location_lat, r.location_lon, r.confidence
            FROM event_rows r WHERE r.chain_first IS NOT NULL AND ({members})""")
        lo, hi = con.execute("SELECT count(*), 0 FROM ed_cm").fetchone()
        if lo:
            cols = ", ".join(f"g.{n}" for n in GROUP_NAMES)
            con.execute(f"""INSERT INTO ed_corr SELECT {cols}, a.mention_only, p.location,
                    p.location_country, p.location_lat, p.location_lon, p.confidence
                FROM group_rows g
                JOIN (SELECT gid, bool_and(mention) AS mention_only FROM ed_cm GROUP BY gid) a
                  ON a.gid = g.group_id
                LEFT JOIN ed_cm p ON p.gid = g.group_id AND p.eid = g.event_id""")
        con.execute("DROP TABLE ed_cm")
    if singles:
        rows = f"(SELECT * FROM event_rows r WHERE r.chain_first IS NULL AND ({singles}))"
        con.execute(f"""INSERT INTO ed_corr SELECT {SINGLE_COLS}, coalesce(mention, false),
                location, location_country, location_lat, location_lon, confidence
            FROM ({derive_sql(rows)}) x""")


def _refresh_days(con: Any) -> None:
    """``agg_day`` recomputed for the days in ``ed_days`` (and the events without a date)."""
    con.execute("""DELETE FROM agg_day WHERE date IS NULL OR date IN
                   (SELECT date FROM ed_days WHERE date IS NOT NULL)""")
    con.execute("INSERT INTO agg_day " + AGG_SELECT.format(
        where="date IS NULL OR date IN (SELECT date FROM ed_days WHERE date IS NOT NULL)"))
    con.execute("DROP TABLE ed_days")


def sync_batch(con: Any) -> None:
    """Inside :func:`~eventdesk.store.corroborate.apply_batch`, after ``group_rows`` is
    rewritten and before its temp tables go: ``ed_chains`` (every report chained: row id, old
    and new first date of its chain) and ``ed_gone`` (the chains, old and new, of several
    reports). Replaces the corroborated rows of those chains and reports and of the deleted
    reports (``corr_gone``), and the aggregates of their days."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE ed_cids AS
        SELECT group_id AS gid FROM corr_gone
        UNION SELECT {group_id_sql('ckey', 'chain_first', "''")} FROM ed_gone
        UNION SELECT {SINGLE_GID} FROM event_rows
              WHERE rowid IN (SELECT rid FROM ed_chains WHERE old IS NULL)""")
    con.execute("""CREATE OR REPLACE TEMP TABLE ed_days AS SELECT DISTINCT date FROM corroborated
                   WHERE group_id IN (SELECT gid FROM ed_cids)""")
    con.execute("DELETE FROM corroborated WHERE group_id IN (SELECT gid FROM ed_cids)")
    con.execute("DELETE FROM corr_gone")
    con.execute("DROP TABLE ed_cids")
    _write(con, "r.rowid IN (SELECT rid FROM ed_chains WHERE new IS NOT NULL)",
           "r.rowid IN (SELECT rid FROM ed_chains WHERE new IS NULL)")
    _commit_new(con)


def add_singles(con: Any, where: str) -> None:
    """The reports ``where`` selects (alone in their chain without any grouping: reports
    without a date, which :meth:`Store.settle` has no slice for) as corroborated events,
    replacing any row of the same id, with their days' aggregates."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE ed_days AS SELECT DISTINCT date FROM
        corroborated WHERE group_id IN (SELECT {SINGLE_GID} FROM event_rows
                                        WHERE chain_first IS NULL AND ({where}))""")
    con.execute(f"""DELETE FROM corroborated WHERE group_id IN (SELECT {SINGLE_GID} FROM
                    event_rows WHERE chain_first IS NULL AND ({where}))""")
    _write(con, None, where)
    _commit_new(con)


def _commit_new(con: Any) -> None:
    con.execute("INSERT INTO corroborated SELECT * FROM ed_corr")
    con.execute("INSERT INTO ed_days SELECT DISTINCT date FROM ed_corr")
    con.execute("DROP TABLE ed_corr")
    _refresh_days(con)


def rebuild(con: Any) -> None:
    """Both tables from scratch (a regrouping of everything, a migration, a new CAMEO table),
    inside the caller's transaction; ``corroborated`` in date order, so a date range skips
    DuckDB's other row groups."""
    con.execute("DELETE FROM corroborated; DELETE FROM agg_day; DELETE FROM corr_gone")
    _write(con, "true", "true")
    con.execute("INSERT INTO corroborated SELECT * FROM ed_corr ORDER BY date, group_id")
    con.execute("DROP TABLE ed_corr")
    con.execute("INSERT INTO agg_day " + AGG_SELECT.format(where="true"))
