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
- A chain is one corroborated event. Its id is a hash of the key and the first date (bucket),
  so it stays the same when later reports join; a report without a date is its own event.

Counts: ``n_reports`` is the sum of the reports' mention counts (1 for a coded report; GDELT's
NumMentions for an imported row), ``n_sources`` and ``n_docs`` the number of distinct outlets
and documents of coded reports plus the NumSources / NumArticles of imported rows (which cannot
be told apart). ``first_seen`` and ``last_seen`` are the first and last publication dates.

Storage (store version 3): a report's key is kept in ``event_rows.ckey`` (a number: the md5 of
the key's parts), written with the row. A report alone in its chain, most of them, stores no
group id and has no row in ``group_rows``: the ``events`` view gives it the id its chain would
have, and the ``groups`` view projects it as a corroborated event of one report. Only reports
of chains of several store their group id, and ``group_rows`` holds those chains' aggregates.
Both are maintained in the writing transaction: a batch's new reports are chained together
with the stored reports of their keys that lie within reach of their dates (and the whole
chains those belong to), and only the chains that changed are rewritten (:func:`chain_batch`,
:func:`apply_batch`), so reading corroborated events costs no more than reading a table.
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
        """The SQL expression of the corroboration key over the events view (alias ``t``),
        or over any relation with its column names: a UHUGEINT, the md5 of the parts."""
        p = f"{t}." if t else ""
        return self.key_of(f"{p}actor_country", f"{p}actor_code", f"{p}recipient_country",
                           f"{p}recipient_code", f"{p}root", f"{p}plover", f"{p}status",
                           f"{p}date_precision")

    def key_of(self, a_country: str, a_code: str, r_country: str, r_code: str, root: str,
               plover: str, status: str, precision: str) -> str:
        """The key over SQL expressions of its parts (a writer's own values)."""
        kind = root if self.by == "root" else f"coalesce({plover}, {root})"
        return (f"md5_number(concat_ws('|', coalesce({a_country}, {a_code}, '-'), "
                f"coalesce({r_country}, {r_code}, '-'), {kind}, {status}, {precision}))")

    def row_key_sql(self) -> str:
        """The key over ``event_rows r LEFT JOIN cameo_codes c`` (the derived parts
        included), for recomputing stored keys."""
        return self.key_of("r.actor_country", "r.actor_code", "r.recipient_country",
                           "r.recipient_code", "coalesce(r.root, c.root, left(r.cameo, 2))",
                           "coalesce(r.plover, c.plover)", "coalesce(r.status, 'asserted')",
                           "coalesce(r.date_precision, 'day')")


#: the stored reports as the chains read them: row id, key, date, precision, stored group id,
#: over ``event_rows`` (the physical table: its row ids and raw group ids)
ROWS = ("SELECT rowid AS rid, ckey, event_date, coalesce(date_precision, 'day') AS "
        "date_precision, group_id AS old FROM event_rows WHERE {where}")


def _chains_sql(rule: Rule, rows: str) -> str:
    """rid, old stored group id, new stored group id (NULL for a chain of one report) and chain
    size for the reports of ``rows`` (a SELECT with the columns of :data:`ROWS`, holding whole
    chains). A report without a date is alone in its chain, so a chain of several has a first
    date."""
    from .schema import BUCKET, group_id_sql

    w = int(rule.window_days)
    return f"""
    WITH s AS (
        SELECT rid, ckey, old, {BUCKET.format(p='')} AS d,
               CASE date_precision WHEN 'week' THEN {w + 6}
                                   WHEN 'month' THEN 0 WHEN 'year' THEN 0 ELSE {w} END AS thr
        FROM ({rows})),
    b AS (
        SELECT *, CASE WHEN d IS NULL THEN 1
                       WHEN d - lag(d) OVER k <= thr THEN 0 ELSE 1 END AS brk
        FROM s WINDOW k AS (PARTITION BY ckey ORDER BY d, rid)),
    c AS (
        SELECT *, sum(brk) OVER (PARTITION BY ckey ORDER BY d, rid
                                 ROWS UNBOUNDED PRECEDING) AS chain FROM b),
    n AS (
        SELECT rid, ckey, old, min(d) OVER (PARTITION BY ckey, chain) AS first,
               CASE WHEN d IS NULL THEN 1 ELSE count(*) OVER (PARTITION BY ckey, chain) END
                   AS n
        FROM c)
    SELECT rid, old, CASE WHEN n > 1 THEN {group_id_sql('ckey', 'first', "''")} END AS gid, n
    FROM n"""


#: the aggregate row of ``group_rows`` for each chain of several reports selected by a condition
#: (by their stored group id, which the view's group_id would only copy). Few aggregates, as
#: DuckDB runs each mode() and DISTINCT as a grouping of its own: the representative report
#: (the first by id) gives in one arg_min what the key makes common to all (precision, states,
#: root, status) and its own sectors, names, document and sentence; one :data:`MODE` the
#: commonest reading (actor and recipient codes, CAMEO code with its PLOVER type and mode). Distinct values by list_distinct(list()),
#: which is one aggregate, not a grouping of its own. CASE, not FILTER, for the distinct
#: outlets and documents of coded reports: the view derives an imported report's outlet from
#: its URL, and only CASE skips that work for the rows it does not count.
GROUP_SELECT = """
    SELECT g, k, rep.event_id, d0, rep.date_precision, rep.actor_country, cm.actor_code,
           rep.actor_sector, rep.actor_office, rep.actor_name, rep.recipient_country,
           cm.recipient_code, rep.recipient_sector, cm.cameo, rep.root, gold, rep.quad,
           cm.plover, cm.mode, rep.status, nr, ns, nd,
           rep.doc_id, rep.sentence, fs, ls, ld, ds
    FROM (SELECT stored_group AS g, any_value(ckey) AS k, min(event_date) AS d0,
                 arg_min({'event_id': event_id, 'date_precision': date_precision,
                          'actor_country': actor_country, 'actor_sector': actor_sector,
                          'actor_office': actor_office, 'actor_name': actor_name,
                          'recipient_country': recipient_country,
                          'recipient_sector': recipient_sector, 'root': root, 'quad': quad,
                          'status': status, 'doc_id': doc_id, 'sentence': sentence}, event_id)
                     AS rep,
                 __MODE__ AS cm,
                 avg(goldstein) AS gold, sum(n_mentions) AS nr,
                 len(list_distinct(list(CASE WHEN dataset = 'eventdesk' THEN source END)))
                     + coalesce(sum(CASE WHEN dataset <> 'eventdesk' THEN n_sources END), 0)
                     AS ns,
                 len(list_distinct(list(CASE WHEN dataset = 'eventdesk' THEN doc_id END)))
                     + coalesce(sum(CASE WHEN dataset <> 'eventdesk' THEN n_articles END), 0)
                     AS nd,
                 min(coalesce(published, event_date)) AS fs,
                 max(coalesce(published, event_date)) AS ls, max(event_date) AS ld,
                 array_to_string(list_sort(list_distinct(list(dataset))), ',') AS ds
          FROM events_v WHERE __WHERE__ GROUP BY stored_group)"""

#: the commonest value of ``x`` in a group, the smallest of those equally common (DuckDB's
#: mode() takes any of them, so a group would come out differently from one run to the next)
MODE = ("list_sort(list_transform(map_entries(histogram({x})), "
        "lambda e: {{'n': -CAST(e.value AS BIGINT), 'v': e.key}}))[1].v")
GROUP_SELECT = GROUP_SELECT.replace("__MODE__", MODE.format(
    x="{'actor_code': actor_code, 'recipient_code': recipient_code, 'cameo': cameo, "
      "'plover': plover, 'mode': mode}"))


def group_select(where: str, source: str = "events_v") -> str:
    """:data:`GROUP_SELECT` over ``source`` (a relation with the events_v columns)."""
    return GROUP_SELECT.replace("events_v WHERE __WHERE__", f"{source} WHERE {where}")



#: a report alone in its chain as a corroborated event (the ``groups`` view's second part)
SINGLE_SELECT = """
    SELECT group_id, ckey, event_id, event_date, date_precision, actor_country, actor_code,
           actor_sector, actor_office, actor_name, recipient_country, recipient_code,
           recipient_sector, cameo, root, goldstein, quad, plover, mode, status,
           CAST(n_mentions AS BIGINT),
           CASE WHEN dataset = 'eventdesk' THEN CAST(source IS NOT NULL AS BIGINT)
                ELSE n_sources END,
           CASE WHEN dataset = 'eventdesk' THEN 1 ELSE n_articles END,
           doc_id, sentence, coalesce(published, event_date), coalesce(published, event_date),
           event_date, dataset
    FROM events WHERE {where}"""


def regroup_all(con: Any, rule: Rule) -> None:
    """Recompute every report's key and group, and ``group_rows`` (a new rule, a migration).
    ``event_rows`` is rebuilt rather than updated, so memory stays within DuckDB's limit (an
    UPDATE of every row is held in memory until the commit). Runs inside the caller's
    transaction."""
    from .schema import EVENT_COLUMNS

    con.execute(f"""CREATE OR REPLACE TEMP TABLE ed_keys AS
        SELECT r.rowid AS rid, {rule.row_key_sql()} AS ckey, r.event_date,
               coalesce(r.date_precision, 'day') AS date_precision, NULL AS old
        FROM event_rows r LEFT JOIN cameo_codes c ON c.code = r.cameo""")
    con.execute(f"CREATE OR REPLACE TEMP TABLE ed_gid AS "
                f"{_chains_sql(rule, 'SELECT * FROM ed_keys')}")
    con.execute(f"CREATE TABLE event_rows_regrouped ({EVENT_COLUMNS})")
    con.execute("INSERT INTO event_rows_regrouped SELECT r.* REPLACE (k.ckey AS ckey, "
                "g.gid AS group_id) FROM event_rows r JOIN ed_keys k ON k.rid = r.rowid "
                "JOIN ed_gid g ON g.rid = r.rowid")
    con.execute("DROP TABLE event_rows")
    con.execute("ALTER TABLE event_rows_regrouped RENAME TO event_rows")
    con.execute("DELETE FROM group_rows")
    con.execute("INSERT INTO group_rows " + group_select("stored_group IS NOT NULL"))
    con.execute("DROP TABLE ed_gid; DROP TABLE ed_keys")


def chain_batch(con: Any, rule: Rule, where: str, stale: str | None = None) -> None:
    """Chain the stored reports of ``where`` (a condition over ``event_rows``, such as a batch
    id) with the stored reports they may join. Fills the temp table ``ed_gid`` (rid, old and
    new stored group id, chain size) for those reports and every report of a chain they
    touch: the stored reports of the same key within the window of their dates, the whole
    chains those belong to, and the remaining members of the groups of ``stale`` (a temp
    table of the group ids of deleted reports).

    Set-wise and narrow: one window over the new reports plus those stored reports (a chain
    has no gap wider than its window, so no other report can join or bridge)."""
    from .schema import BUCKET

    w = int(rule.window_days)
    con.execute(f"CREATE OR REPLACE TEMP TABLE ed_new AS {ROWS.format(where=where)}")
    # the stored reports a new report can chain with: same key, a date within the key's window
    # (day and week: every date within the threshold; month and year: the same month or
    # year). Equality joins on (key, date bucket), so a stored report far from every new one
    # is never touched however many its key has.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE ed_reach AS
        SELECT DISTINCT ckey, CASE WHEN date_precision IN ('month', 'year') THEN b
                                   ELSE b + CAST(k AS INTEGER) END AS b
        FROM (SELECT ckey, date_precision, {BUCKET.format(p='')} AS b,
                     CASE date_precision WHEN 'week' THEN {w + 6} WHEN 'month' THEN 0
                          WHEN 'year' THEN 0 ELSE {w} END AS thr
              FROM ed_new WHERE event_date IS NOT NULL) n,
             LATERAL (SELECT unnest(range(-thr, thr + 1)) AS k) r""")
    bounds = con.execute("SELECT min(b), max(b) FROM ed_reach").fetchone()
    bucket = BUCKET.format(p="").replace("date_precision", "coalesce(date_precision, 'day')")
    con.execute("CREATE OR REPLACE TEMP TABLE ed_near (rid BIGINT, old VARCHAR)")
    if bounds[0] is not None:
        # the date range first, so DuckDB skips the row groups outside it
        con.execute(f"""INSERT INTO ed_near SELECT event_rows.rowid, group_id FROM event_rows
            JOIN ed_reach r ON event_rows.ckey = r.ckey AND {bucket} = r.b
            WHERE event_date BETWEEN DATE '{bounds[0]}' - INTERVAL 1 YEAR
                                 AND DATE '{bounds[1]}' + INTERVAL 1 YEAR
              AND NOT coalesce(({where}), false)""")
    con.execute("DROP TABLE ed_reach")
    con.execute("CREATE OR REPLACE TEMP TABLE ed_old AS SELECT DISTINCT old AS group_id "
                "FROM ed_near WHERE old IS NOT NULL")
    if stale:
        con.execute(f"INSERT INTO ed_old SELECT DISTINCT group_id FROM {stale} "
                    "WHERE group_id IS NOT NULL")
    rows = ("SELECT * FROM ed_new UNION ALL "
            + ROWS.format(where="(rowid IN (SELECT rid FROM ed_near WHERE old IS NULL) OR "
                                "group_id IN (SELECT group_id FROM ed_old)) "
                                f"AND NOT coalesce(({where}), false)"))
    con.execute(f"CREATE OR REPLACE TEMP TABLE ed_gid AS {_chains_sql(rule, rows)}")
    con.execute("DROP TABLE ed_new; DROP TABLE ed_near")


def apply_batch(con: Any) -> None:
    """After :func:`chain_batch`: store the new group id of every report whose group changed
    (only those: most new reports are alone in their chain and store none), and rewrite the
    rows of ``group_rows`` of the chains touched."""
    con.execute("""UPDATE event_rows SET group_id = g.gid FROM ed_gid g
                   WHERE event_rows.rowid = g.rid AND g.old IS DISTINCT FROM g.gid""")
    # the old groups of the reports chained (a chain's id can also be born again: a report
    # earlier than its first), then the chains of several reports as they are now
    con.execute("DELETE FROM group_rows WHERE group_id IN (SELECT group_id FROM ed_old) OR "
                "group_id IN (SELECT gid FROM ed_gid WHERE gid IS NOT NULL)")
    # the members of the chains of several reports, copied by row id (a cheap lookup in the
    # table, where a filter through the view would derive every stored report)
    from .schema import derive_sql

    con.execute("CREATE OR REPLACE TEMP TABLE ed_members AS SELECT r.* FROM event_rows r "
                "WHERE r.rowid IN (SELECT rid FROM ed_gid WHERE gid IS NOT NULL)")
    con.execute("INSERT INTO group_rows " + group_select("true", f"({derive_sql('ed_members')})"))
    con.execute("DROP TABLE ed_members")
    con.execute("DROP TABLE ed_gid; DROP TABLE ed_old")


def group_batch(con: Any, rule: Rule, batch_id: int, stale: str | None = None) -> None:
    """Group the stored reports of batch ``batch_id`` (which carry their key)."""
    chain_batch(con, rule, f"batch_id = {int(batch_id)}", stale)
    apply_batch(con)
