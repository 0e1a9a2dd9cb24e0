"""Corroboration: grouping the reports of one real event into one corroborated event.

The rule (:class:`Rule`, kept in the store's ``meta`` table as ``corroboration``):

- Two reports can be one event when they have the same *key*: the actor's state (its country,
  else its code when it has no country: ``IGO``, ``NATO``), the recipient's state (likewise),
  the same CAMEO root (``by="root"``, the default) or the same PLOVER type (``by="plover"``;
  reports without a PLOVER type fall back to their root), the same status, and the same date
  precision.
- Within a key, reports sorted by date form chains: a report joins the chain of the one before
  it when its date is at most the precision's window later. Day precision (and unknown precision
  with a date): ``window_days`` (default 1, so reports of the same or the next day); week
  precision: ``window_days + 6``; month and year precision: the same calendar month or year.
  A report without a date is its own event.
- A chain is one corroborated event. Its id is a hash of the key and the first date, so it
  stays the same when later reports join.

Counts: ``n_reports`` is the sum of the reports' mention counts (1 for a coded report; GDELT's
NumMentions for an imported row), ``n_sources`` and ``n_docs`` the number of distinct outlets
and documents of coded reports plus the NumSources / NumArticles of imported rows (which cannot
be told apart). ``first_seen`` and ``last_seen`` are the first and last publication dates.

Groups are kept in the ``groups`` table, maintained in the writing transaction: a batch's new
reports are chained together with the existing groups of their keys that lie within reach of
their dates (:func:`group_batch`), and only the groups that changed are rewritten, so reading
corroborated events costs no more than reading a table.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import UsageError


@dataclass(frozen=True)
class Rule:
    window_days: int = 1
    by: str = "root"          # "root" or "plover"

    def __post_init__(self) -> None:
        if self.by not in ("root", "plover"):
            raise UsageError(f"corroboration by {self.by!r}: use root or plover")
        if not 0 <= self.window_days <= 366:
            raise UsageError(f"corroboration window of {self.window_days} days: use 0 to 366")

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> "Rule":
        return cls(**json.loads(text)) if text else cls()

    def key_sql(self, t: str = "") -> str:
        """The SQL expression of the corroboration key over the events table (alias ``t``)."""
        p = f"{t}." if t else ""
        kind = f"{p}root" if self.by == "root" else f"coalesce({p}plover, {p}root)"
        return (f"md5(concat_ws('|', coalesce({p}actor_country, {p}actor_code, '-'), "
                f"coalesce({p}recipient_country, {p}recipient_code, '-'), {kind}, {p}status, "
                f"{p}date_precision))")


def _chains_sql(rule: Rule, rows: str) -> str:
    """event_id, old group_id, new group_id for the events of ``rows`` (a SELECT of event_id,
    ckey, event_date, date_precision, group_id holding whole chains)."""
    w = int(rule.window_days)
    return f"""
    WITH s AS (
        SELECT event_id, ckey, group_id AS old,
               CASE date_precision WHEN 'month' THEN CAST(date_trunc('month', event_date) AS DATE)
                                   WHEN 'year' THEN CAST(date_trunc('year', event_date) AS DATE)
                                   ELSE event_date END AS d,
               CASE date_precision WHEN 'week' THEN {w + 6}
                                   WHEN 'month' THEN 0 WHEN 'year' THEN 0 ELSE {w} END AS thr
        FROM ({rows})),
    b AS (
        SELECT *, CASE WHEN d IS NULL THEN 1
                       WHEN d - lag(d) OVER k <= thr THEN 0 ELSE 1 END AS brk
        FROM s WINDOW k AS (PARTITION BY ckey ORDER BY d, event_id)),
    c AS (
        SELECT *, sum(brk) OVER (PARTITION BY ckey ORDER BY d, event_id
                                 ROWS UNBOUNDED PRECEDING) AS chain FROM b)
    SELECT event_id, ckey, old, CASE WHEN d IS NULL THEN md5(ckey || '|' || event_id)
                          ELSE md5(ckey || '|' || CAST(min(d) OVER (PARTITION BY ckey, chain)
                                                       AS VARCHAR)) END AS gid,
           CASE WHEN d IS NULL THEN 1 ELSE count(*) OVER (PARTITION BY ckey, chain) END AS n
    FROM c"""


GROUP_SELECT = """
    SELECT group_id, any_value(ckey), min(event_id), min(event_date),
           any_value(date_precision), any_value(actor_country),
           mode(actor_code), arg_min(actor_sector, event_id), arg_min(actor_office, event_id),
           arg_min(actor_name, event_id), any_value(recipient_country), mode(recipient_code),
           arg_min(recipient_sector, event_id), mode(cameo), any_value(root),
           avg(goldstein), any_value(quad), mode(plover), mode(mode), any_value(status),
           sum(n_mentions),
           count(DISTINCT source) FILTER (WHERE dataset = 'eventdesk')
               + coalesce(sum(n_sources) FILTER (WHERE dataset <> 'eventdesk'), 0),
           count(DISTINCT doc_id) FILTER (WHERE dataset = 'eventdesk')
               + coalesce(sum(n_articles) FILTER (WHERE dataset <> 'eventdesk'), 0),
           arg_min(doc_id, event_id), arg_min(sentence, event_id),
           min(coalesce(published, event_date)), max(coalesce(published, event_date)),
           max(event_date), string_agg(DISTINCT dataset, ',' ORDER BY dataset)
    FROM events WHERE {where} GROUP BY group_id"""

#: GROUP_SELECT for groups of one report, without aggregates (most groups, and far cheaper)
SINGLE_SELECT = """
    SELECT group_id, ckey, event_id, event_date, date_precision, actor_country, actor_code,
           actor_sector, actor_office, actor_name, recipient_country, recipient_code,
           recipient_sector, cameo, root, goldstein, quad, plover, mode, status, n_mentions,
           CASE WHEN dataset = 'eventdesk' THEN CAST(source IS NOT NULL AS BIGINT)
                ELSE n_sources END,
           CASE WHEN dataset = 'eventdesk' THEN 1 ELSE n_articles END,
           doc_id, sentence, coalesce(published, event_date), coalesce(published, event_date),
           event_date, dataset
    FROM events WHERE {where}"""


def _insert_groups(con: Any, scope: str, source: str = "events") -> None:
    """Rebuild the groups table's rows for the events of ``scope`` whose ids are in ed_gid,
    single-report groups by projection, the others by aggregate; ``source`` is a relation
    with the events table's columns holding those events (default: the table itself)."""
    for n, select in (("= 1", SINGLE_SELECT), ("> 1", GROUP_SELECT)):
        # an inner join (DuckDB spills it to disk when large), not IN (SELECT ...)
        members = f"(SELECT event_id FROM ed_gid WHERE n {n}) m USING (event_id)"
        con.execute("INSERT INTO groups " + select.replace(
            "FROM events WHERE", f"FROM {source} events JOIN {members} WHERE").format(
                where=scope))


#: how far (days) a report's date can reach into an existing corroborated event of its key:
#: more than the longest window (a year's precision, or a week's window of 366 + 6 days)
REACH_DAYS = 400


def regroup_all(con: Any, rule: Rule) -> None:
    """Recompute every event's key and group, and the groups table (a new rule, a migration).
    The events table is rebuilt rather than updated, so memory stays within DuckDB's limit
    (an UPDATE of every row is held in memory until the commit). Runs inside the caller's
    transaction."""
    from .schema import EVENT_COLUMNS

    rows = (f"SELECT event_id, {rule.key_sql()} AS ckey, event_date, date_precision, "
            "NULL AS group_id FROM events")
    con.execute(f"CREATE OR REPLACE TEMP TABLE ed_gid AS {_chains_sql(rule, rows)}")
    con.execute(f"CREATE TABLE events_regrouped ({EVENT_COLUMNS})")
    con.execute("INSERT INTO events_regrouped SELECT e.* REPLACE (g.ckey AS ckey, "
                "g.gid AS group_id) FROM events e JOIN ed_gid g USING (event_id)")
    con.execute("DROP TABLE events")
    con.execute("ALTER TABLE events_regrouped RENAME TO events")
    con.execute("DELETE FROM groups")
    _insert_groups(con, "true")
    con.execute("DROP TABLE ed_gid")


def chain_batch(con: Any, rule: Rule, new_rows: str, stale: str | None = None) -> None:
    """Group new reports: ``new_rows`` is a SELECT of their event_id, ckey, event_date and
    date_precision (in events already, or about to be inserted). Fills the temp tables
    ``ed_old`` (the existing groups they may join, and those in ``stale``, a temp table of
    group ids that lost a report) and ``ed_gid`` (event_id, ckey, old and new group id, group
    size) for the new reports and every member of those groups.

    Set-wise and narrow: one window over the new reports plus the members of the existing
    groups that hold a report of the same key within the window of a new report's date
    (a chain has no gap wider than its window, so no other group can join or bridge)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE ed_new AS {new_rows}")
    # the stored events a new report can chain with: same key, a date within the key's window
    # (day and week: every date within the threshold; month and year: the same month or
    # year). Equality joins on (key, date bucket), so a stored event far from every new report
    # is never touched however large its key's groups are.
    w = int(rule.window_days)
    bucket = ("CASE {p}date_precision WHEN 'month' THEN CAST(date_trunc('month', {p}event_date) "
              "AS DATE) WHEN 'year' THEN CAST(date_trunc('year', {p}event_date) AS DATE) "
              "ELSE {p}event_date END")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE ed_reach AS
        SELECT DISTINCT ckey, CASE WHEN date_precision IN ('month', 'year') THEN b
                                   ELSE b + CAST(k AS INTEGER) END AS b
        FROM (SELECT ckey, date_precision, {bucket.format(p='')} AS b,
                     CASE date_precision WHEN 'week' THEN {w + 6} WHEN 'month' THEN 0
                          WHEN 'year' THEN 0 ELSE {w} END AS thr
              FROM ed_new WHERE event_date IS NOT NULL) n,
             LATERAL (SELECT unnest(range(-thr, thr + 1)) AS k) r""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE ed_old AS
        SELECT DISTINCT e.group_id FROM events e JOIN ed_reach r
            ON e.ckey = r.ckey AND {bucket.format(p='e.')} = r.b
        WHERE e.event_date IS NOT NULL AND e.group_id IS NOT NULL""")
    con.execute("DROP TABLE ed_reach")
    if stale:
        con.execute(f"INSERT INTO ed_old SELECT DISTINCT group_id FROM {stale} "
                    "WHERE group_id IS NOT NULL")
    rows = ("SELECT event_id, ckey, event_date, date_precision, NULL AS group_id FROM ed_new "
            "UNION ALL SELECT event_id, ckey, event_date, date_precision, group_id FROM events "
            "WHERE group_id IN (SELECT group_id FROM ed_old)")
    con.execute(f"CREATE OR REPLACE TEMP TABLE ed_gid AS {_chains_sql(rule, rows)}")
    con.execute("DROP TABLE ed_new")


def apply_batch(con: Any, batch_id: int, source: str | None = None) -> None:
    """After :func:`chain_batch` and the insert of batch ``batch_id``: set the group id of the
    events whose group changed (only those: the batch's own when inserted without one, and an
    older event when a new report precedes or bridges its group), and rewrite the groups
    touched (single-report groups by projection, the others by aggregate). ``source``, when
    given, is a relation holding every event of ed_gid with its new group id (an importer's
    staged rows and the older members), read instead of scanning the events table."""
    b = int(batch_id)
    n_old = con.execute("SELECT count(*) FROM ed_old").fetchone()[0]
    scope = f"batch_id = {b}"
    if n_old:
        scope = f"(batch_id = {b} OR group_id IN (SELECT group_id FROM ed_old))"
    if con.execute(f"SELECT count(*) FROM events WHERE {scope} AND group_id IS NULL "
                   ).fetchone()[0] or n_old:
        con.execute(f"""UPDATE events SET group_id = g.gid FROM ed_gid g
                        WHERE {scope.replace('group_id IN', 'events.group_id IN')}
                          AND events.event_id = g.event_id
                          AND events.group_id IS DISTINCT FROM g.gid""")
    if n_old:
        con.execute("DELETE FROM groups WHERE group_id IN (SELECT group_id FROM ed_old)")
        # a group id can be born again (a report earlier than its first); drop it before
        con.execute("DELETE FROM groups WHERE group_id IN (SELECT gid FROM ed_gid)")
        scope = "true"
    if source:
        scope = "true"
    _insert_groups(con, scope, source or "events")
    con.execute("DROP TABLE ed_gid; DROP TABLE ed_old")


def group_batch(con: Any, rule: Rule, batch_id: int, stale: str | None = None) -> None:
    """Group the events of batch ``batch_id``, inserted with their ``ckey`` and no group id
    (writers of small batches; an import sets the group ids in its insert instead)."""
    chain_batch(con, rule, "SELECT event_id, ckey, event_date, date_precision FROM events "
                           f"WHERE batch_id = {int(batch_id)}", stale)
    apply_batch(con, batch_id)
