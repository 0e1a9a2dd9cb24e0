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

Storage (store versions 4 to 6): a report's key is kept in ``event_rows.ckey`` (a number: the md5 of
the key's parts), written with the row. A report alone in its chain, most of them, stores
nothing more and has no row in ``group_rows``: the ``events`` view gives it the id its chain
would have, and the ``groups`` view projects it as a corroborated event of one report. Only
reports of chains of several store their chain's first date (``chain_first``, from which the
view derives the group id, so a regrouping updates a date, not a string), and ``group_rows``
holds those chains' aggregates.
Both are maintained by writes: an ingest batch in its own transaction, an import once after
its files (``Store.settle``, before any read). New reports are chained together with the
stored reports of their keys that lie within reach of their dates (and the whole chains those
belong to), and only the chains that changed are rewritten (:func:`chain_batch`,
:func:`apply_batch`), so reading corroborated events costs no more than reading a table.

Tried and dropped:
- Keeping a chain's aggregates on its representative report (nine columns of
  ``event_rows``, no ``group_rows``). The ``groups`` view was then one scan, but DuckDB's
  UPDATE of scattered rows of stored columns is slow: on 6 million imported rows (1.43
  million chains) the grouping took 43-47 s, against 17-21 s with ``group_rows``. Most of
  that was the commits (24-25 s) and the updates of the representatives (11-12 s).
- Bounding the members' scan by their dates. It skips no more row groups than DuckDB
  already skips by the members' row ids (in a store written in time order), and none in a
  store of shuffled dates.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import UsageError
from .schema import BUCKET, EVENT_COLUMNS, EVENT_NAMES, derived, group_id_sql
from .materialize import rebuild, sync_batch
from .sql import literal, literal_list


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


#: the stored reports as the chains read them: row id, key, date, precision, stored first date
#: of their chain, over ``event_rows`` (the physical table: its row ids and raw columns)
ROWS = ("SELECT rowid AS rid, ckey, event_date, coalesce(date_precision, 'day') AS "
        "date_precision, chain_first AS old FROM event_rows WHERE {where}")

#: the columns of a table of stale chains (``stale`` below): the key and first date of the
#: chains of reports a writer deleted
STALE_COLUMNS = "ckey UHUGEINT, chain_first DATE"


def stale_sql(where: str) -> str:
    """The chains (of several reports) of the stored reports ``where`` selects, as rows of a
    stale table (:data:`STALE_COLUMNS`)."""
    return ("SELECT DISTINCT ckey, chain_first FROM event_rows "
            f"WHERE chain_first IS NOT NULL AND ({where})")


def _chains_sql(rule: Rule, rows: str) -> str:
    """rid, key, old and new stored first date of the chain (NULL for a chain of one report)
    for the reports of ``rows`` (a SELECT with the columns of :data:`ROWS`, holding whole
    chains). A report without a date is alone in its chain, so a chain of several has a first
    date. Two windows over one ordering (key, date, row id): the first finds where chains
    break, before and after each report (a report is in a chain of several when either side
    holds), the second carries each chain's first date forward (dates ascend, so the latest
    chain start so far is the report's own)."""

    w = int(rule.window_days)
    return f"""
    WITH s AS (
        SELECT rid, ckey, old, {BUCKET.format(p='')} AS d,
               CASE date_precision WHEN 'week' THEN {w + 6}
                                   WHEN 'month' THEN 0 WHEN 'year' THEN 0 ELSE {w} END AS thr
        FROM ({rows})),
    b AS (
        SELECT *, CASE WHEN d IS NULL THEN 1
                       WHEN d - lag(d) OVER k <= thr THEN 0 ELSE 1 END AS brk,
                  CASE WHEN d IS NULL THEN 1
                       WHEN lead(d) OVER k - d <= lead(thr) OVER k THEN 0 ELSE 1 END AS nbrk
        FROM s WINDOW k AS (PARTITION BY ckey ORDER BY d, rid)),
    c AS (
        SELECT *, max(CASE WHEN brk = 1 THEN d END) OVER (PARTITION BY ckey ORDER BY d, rid
                                                          ROWS UNBOUNDED PRECEDING) AS first
        FROM b)
    SELECT rid, ckey, old, CASE WHEN brk = 0 OR nbrk = 0 THEN first END AS new FROM c"""


#: the columns of a chain's representative report that :data:`GROUP_SELECT` gives its
#: group, as the events view derives them
REP_COLUMNS = ("event_id", "date_precision", "actor_country", "actor_code", "actor_sector",
               "actor_office", "actor_name", "recipient_country", "recipient_code",
               "recipient_sector", "cameo", "root", "quad", "plover", "mode", "status", "doc_id",
               "sentence")


def members_sql(where: str) -> str:
    """The members of chains of several reports (``where``: a condition over ``event_rows r``)
    as :data:`GROUP_SELECT` aggregates them, narrow: row id, key and first date of the chain
    (``cf``), event id and date, the reading (``rh``: a hash of the actor and recipient codes
    and the CAMEO code with its PLOVER type and mode), Goldstein score, mentions, publication
    date, dataset, and what counts outlets and documents (a coded report's outlet and
    document, an imported row's NumSources and NumArticles), each derived only for the rows
    that use it. The representative's other columns are read once the group has chosen it."""

    return f"""
    SELECT r.rowid AS rid, r.ckey, r.chain_first AS cf, {derived('event_id')} AS event_id,
           r.event_date, hash(r.actor_code, r.recipient_code, r.cameo, {derived('plover')},
                              {derived('mode')}) AS rh,
           {derived('goldstein')} AS goldstein, {derived('n_mentions')} AS n_mentions,
           r.published, r.dataset,
           CASE WHEN r.dataset = 'eventdesk' THEN {derived('source')} END AS src,
           CASE WHEN r.dataset = 'eventdesk' THEN {derived('doc_id')} END AS doc,
           CASE WHEN r.dataset <> 'eventdesk' THEN {derived('n_sources')} END AS ns,
           CASE WHEN r.dataset <> 'eventdesk' THEN {derived('n_articles')} END AS na
    FROM event_rows r LEFT JOIN cameo_codes c ON c.code = r.cameo WHERE {where}"""


def _group_select() -> str:
    """:data:`GROUP_SELECT`, with the group id's SQL of the schema."""

    p = {n: derived(n) for n in REP_COLUMNS}
    return f"""
    WITH l1 AS (
        SELECT ckey, cf, rh, count(*) AS n,
               arg_min(rid, event_id) AS first_rid, min(event_id) AS first_id,
               min(event_date) AS d0, max(event_date) AS ld,
               sum(goldstein) AS gs, count(goldstein) AS gn, sum(n_mentions) AS nr,
               sum(ns) AS ns, sum(na) AS na, min(coalesce(published, event_date)) AS fs,
               max(coalesce(published, event_date)) AS ls, min(dataset) AS ds0,
               max(dataset) AS ds1
        FROM {{m}} GROUP BY ALL),
    l2 AS (
        SELECT ckey, cf, arg_min(first_rid, {{{{'n': -n, 'f': first_id}}}}) AS rep,
               min(d0) AS d0, max(ld) AS ld, sum(gs) / nullif(sum(gn), 0) AS gold,
               sum(nr) AS nr, coalesce(sum(ns), 0) AS ns, coalesce(sum(na), 0) AS na,
               min(fs) AS fs, max(ls) AS ls, min(ds0) AS ds0, max(ds1) AS ds1
        FROM l1 GROUP BY ckey, cf),
    mixed AS (
        SELECT m.ckey, m.cf, string_agg(DISTINCT m.dataset, ',' ORDER BY m.dataset) AS ds
        FROM {{m}} m SEMI JOIN (SELECT ckey, cf FROM l2 WHERE ds0 <> ds1) x
             ON m.ckey = x.ckey AND m.cf = x.cf GROUP BY ALL),
    e AS (
        SELECT ckey, cf, count(DISTINCT src) AS s, count(DISTINCT doc) AS d FROM {{m}}
        WHERE dataset = 'eventdesk' GROUP BY ckey, cf)
    SELECT {group_id_sql('l2.ckey', 'l2.cf', "''")}, l2.ckey, {p['event_id']}, l2.d0,
           {p['date_precision']}, {p['actor_country']}, {p['actor_code']},
           {p['actor_sector']}, {p['actor_office']}, {p['actor_name']},
           {p['recipient_country']}, {p['recipient_code']}, {p['recipient_sector']},
           {p['cameo']}, {p['root']}, l2.gold, {p['quad']}, {p['plover']}, {p['mode']},
           {p['status']}, l2.nr, coalesce(e.s, 0) + l2.ns, coalesce(e.d, 0) + l2.na,
           {p['doc_id']}, {p['sentence']}, l2.fs, l2.ls, l2.ld, coalesce(x.ds, l2.ds0)
    FROM l2 JOIN event_rows r ON r.rowid = l2.rep LEFT JOIN cameo_codes c ON c.code = r.cameo
    LEFT JOIN e ON e.ckey = l2.ckey AND e.cf = l2.cf
    LEFT JOIN mixed x ON x.ckey = l2.ckey AND x.cf = l2.cf"""


#: the rows of ``group_rows`` from the members in ``{m}`` (a table of :func:`members_sql`).
#: In two levels, as every aggregate DuckDB computes costs a pass and each DISTINCT or mode() a
#: grouping of its own: first by chain (key and first date, numbers, not the group id's
#: string, which is made once per group at the end) and reading (actor and recipient codes,
#: CAMEO code with its PLOVER type and mode, as one hash: a fifth faster than grouping by the
#: five strings), then by chain. The commonest reading is the reading group with most
#: reports, ties going to the reading reported first (by event id); the representative
#: report is that reading's first report (by event id), so the code, document and sentence a
#: group shows are one report's and agree. It gives what the key makes common to all
#: (precision, states, root, status) and its own codes, sectors, names, document and
#: sentence; it is found as a row id and only then read from ``event_rows`` (one row a group),
#: so neither the members' table nor any aggregate carries those strings (on 6 million
#: imported rows in shuffled date order the grouping took 11% less time than with them in
#: the members' table, 13.4-13.5 s against 15.2 s). Distinct outlets and documents are
#: counted over the coded reports alone (imported rows bring their own counts). The datasets
#: are a chain's smallest and largest (one for nearly every chain); only the chains of
#: several datasets list theirs from the members (a list per group costs a third of the
#: aggregate).
GROUP_SELECT = _group_select()


def write_groups(con: Any, where: str) -> None:
    """Insert into ``group_rows`` the aggregates of the chains whose members ``where``
    selects (a condition over ``event_rows r``: members of chains of several reports)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE ed_m AS {members_sql(where)}")
    con.execute("INSERT INTO group_rows " + GROUP_SELECT.format(m="ed_m"))
    con.execute("DROP TABLE ed_m")


def regroup_all(con: Any, rule: Rule) -> None:
    """Recompute every report's key and chain, and ``group_rows`` (a new rule, a migration).
    ``event_rows`` is rebuilt rather than updated, so memory stays within DuckDB's limit (an
    UPDATE of every row is held in memory until the commit). Runs inside the caller's
    transaction."""

    con.execute(f"""CREATE OR REPLACE TEMP TABLE ed_keys AS
        SELECT r.rowid AS rid, {rule.row_key_sql()} AS ckey, r.event_date,
               coalesce(r.date_precision, 'day') AS date_precision, CAST(NULL AS DATE) AS old
        FROM event_rows r LEFT JOIN cameo_codes c ON c.code = r.cameo""")
    con.execute(f"CREATE OR REPLACE TEMP TABLE ed_chains AS "
                f"{_chains_sql(rule, 'SELECT * FROM ed_keys')}")
    con.execute(f"CREATE TABLE event_rows_regrouped ({EVENT_COLUMNS})")
    # by name: a migrated store may hold the added columns in another order
    cols = ", ".join("g.ckey" if n == "ckey" else "g.new" if n == "chain_first" else f"r.{n}"
                     for n in EVENT_NAMES)
    con.execute(f"INSERT INTO event_rows_regrouped ({', '.join(EVENT_NAMES)}) SELECT {cols} "
                "FROM event_rows r JOIN ed_chains g ON g.rid = r.rowid")
    con.execute("DROP TABLE event_rows")
    con.execute("ALTER TABLE event_rows_regrouped RENAME TO event_rows")
    con.execute("DELETE FROM group_rows")
    write_groups(con, "r.chain_first IS NOT NULL")
    con.execute("DROP TABLE ed_chains; DROP TABLE ed_keys")
    con.execute("DELETE FROM group_pending; DELETE FROM group_stale")
    rebuild(con)


def chain_batch(con: Any, rule: Rule, where: str, stale: str | None = None,
                unsettled: str | None = None) -> None:
    """Chain the stored reports of ``where`` (a condition over ``event_rows``, such as a batch
    id) with the stored reports they may join. Fills the temp table ``ed_chains`` (rid, key, old
    and new stored first date of the chain) for those reports and every report of
    a chain they touch: the stored reports of the same key within the window of their dates,
    the whole chains those belong to, and the remaining members of the chains of ``stale``
    (a table of :data:`STALE_COLUMNS`: the chains of deleted reports); and ``ed_old``
    with the chains (key, first date) of several reports that existed before. The stored
    reports ``unsettled`` selects (reports still waiting to be grouped, see
    :func:`pending_slices`) are left out: they are grouped later, with their own slice.

    Set-wise and narrow: one window over the new reports plus those stored reports (a chain
    has no gap wider than its window, so no other report can join or bridge)."""
    where_or = f"({where}) OR ({unsettled})" if unsettled else where
    con.execute(f"CREATE OR REPLACE TEMP TABLE ed_new AS {ROWS.format(where=where)}")
    con.execute("CREATE OR REPLACE TEMP TABLE ed_near (rid BIGINT, ckey UHUGEINT, old DATE)")
    # no other stored report within two years of the new ones (a first import): none to reach
    lo, hi = con.execute("SELECT min(event_date), max(event_date) FROM ed_new").fetchone()
    if lo is not None and con.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM event_rows WHERE event_date BETWEEN "
            f"{literal(lo)} - INTERVAL 2 YEAR AND {literal(hi)} + INTERVAL 2 YEAR AND NOT "
            f"coalesce(({where_or}), false) LIMIT 1)").fetchone()[0]:
        _fill_near(con, rule, where_or)
    con.execute(f"CREATE OR REPLACE TEMP TABLE ed_old ({STALE_COLUMNS})")
    con.execute("INSERT INTO ed_old SELECT DISTINCT ckey, old FROM ed_near WHERE old IS NOT NULL")
    if stale:
        con.execute(f"INSERT INTO ed_old SELECT DISTINCT ckey, chain_first FROM {stale} "
                    "WHERE chain_first IS NOT NULL")
    # the stored reports to chain again: those within reach that are alone, and the whole
    # chains of those that are not (the members of a chain share its key and first date)
    con.execute("CREATE OR REPLACE TEMP TABLE ed_take AS SELECT rid FROM ed_near "
                "WHERE old IS NULL")
    bounds = con.execute("SELECT min(chain_first), max(chain_first) FROM ed_old").fetchone()
    if bounds[0] is not None:
        con.execute(f"""INSERT INTO ed_take SELECT r.rowid FROM event_rows r
            JOIN ed_old o ON r.ckey = o.ckey AND r.chain_first = o.chain_first
            WHERE r.chain_first BETWEEN DATE '{bounds[0]}' AND DATE '{bounds[1]}'
              AND NOT coalesce(({where}), false)""")
    rows = ("SELECT * FROM ed_new UNION ALL "
            + ROWS.format(where="rowid IN (SELECT rid FROM ed_take)"))
    con.execute(f"CREATE OR REPLACE TEMP TABLE ed_chains AS {_chains_sql(rule, rows)}")
    con.execute("DROP TABLE ed_new; DROP TABLE ed_near; DROP TABLE ed_take")


def _fill_near(con: Any, rule: Rule, skip: str) -> None:
    """Fill ``ed_near`` with the stored reports (not ``skip``) within reach of ``ed_new``."""

    w = int(rule.window_days)
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
    if bounds[0] is not None:
        # the date range first, so DuckDB skips the row groups outside it
        con.execute(f"""INSERT INTO ed_near SELECT event_rows.rowid, event_rows.ckey,
                chain_first FROM event_rows
            JOIN ed_reach r ON event_rows.ckey = r.ckey AND {bucket} = r.b
            WHERE event_date BETWEEN DATE '{bounds[0]}' - INTERVAL 1 YEAR
                                 AND DATE '{bounds[1]}' + INTERVAL 1 YEAR
              AND NOT coalesce(({skip}), false)""")
    con.execute("DROP TABLE ed_reach")


def apply_batch(con: Any) -> None:
    """After :func:`chain_batch`: store the new first date of every report whose chain changed
    (only those: most new reports are alone in their chain and store none), and rewrite the
    rows of ``group_rows`` of the chains touched."""

    con.execute("""UPDATE event_rows SET chain_first = g.new FROM ed_chains g
                   WHERE event_rows.rowid = g.rid AND g.old IS DISTINCT FROM g.new""")
    # the old chains of the reports chained (a chain's id can also be born again: a report
    # earlier than its first), then the chains of several reports as they are now
    # (each id made once per chain, not per report; a chain's row has a first date within a
    # year of the chain's first bucket, and group_rows is written slice by slice, in date
    # order, so the date range lets DuckDB skip the row groups of the other slices)
    con.execute("""CREATE OR REPLACE TEMP TABLE ed_gone AS SELECT ckey, chain_first FROM ed_old
                   UNION SELECT ckey, new FROM ed_chains WHERE new IS NOT NULL""")
    lo, hi = con.execute("SELECT min(chain_first), max(chain_first) FROM ed_gone").fetchone()
    if lo is not None:
        gone = group_id_sql("ckey", "chain_first", "''")
        con.execute(f"""DELETE FROM group_rows WHERE (date IS NULL OR date BETWEEN {literal(lo)}
                        AND {literal(hi)} + INTERVAL 1 YEAR) AND
                        group_id IN (SELECT {gone} FROM ed_gone)""")
    # the members of the chains of several reports, by row id (a cheap lookup in the table,
    # where a filter through the view would derive every stored report)
    write_groups(con, "r.rowid IN (SELECT rid FROM ed_chains WHERE new IS NOT NULL)")
    # the stored corroborated events and their aggregates follow (store version 9)
    sync_batch(con)
    con.execute("DROP TABLE ed_gone; DROP TABLE ed_chains; DROP TABLE ed_old")


def group_batch(con: Any, rule: Rule, batch_id: int, stale: str | None = None) -> None:
    """Group the stored reports of batch ``batch_id`` (which carry their key)."""
    chain_batch(con, rule, f"batch_id = {literal(int(batch_id))}", stale)
    apply_batch(con)


#: the most dated reports grouped in one transaction when the pending reports are settled
#: (:func:`pending_slices`): memory is bounded by a slice, not by the reports pending
#: ($EVENTDESK_GROUP_SLICE overrides it). Each slice scans the stored reports, so fewer,
#: larger slices group faster: the grouping of 6 million imported rows took 11.2 s in slices
#: of 2 million against 13.4 s in slices of 1 million (shuffled dates; 8.7 s against 10.3 s
#: in date order; 12 million shuffled, 26.8 s against 31.4 s), for 2-240 MB more peak memory;
#: slices of 3 million gained nothing more
SLICE_ROWS = 2_000_000


def pending_where(con: Any) -> tuple[str, list[int]]:
    """The stored reports still waiting to be grouped, as a condition over ``event_rows``,
    and the batches they belong to (``group_pending``: an import's batches, each with the
    last date a settling already grouped, NULL for none)."""
    rows = con.execute("SELECT batch_id, through FROM group_pending ORDER BY batch_id").fetchall()
    fresh = [int(b) for b, t in rows if t is None]
    parts = [f"batch_id IN {literal_list(fresh)}"] if fresh else []
    parts += [f"(batch_id = {literal(int(b))} AND event_date > {literal(t)})" for b, t in rows
              if t is not None]
    return " OR ".join(parts) or "false", [int(b) for b, _ in rows]


def pending_slices(con: Any, where: str, size: int) -> list[tuple[Any, Any, int]]:
    """The dates of the pending reports ``where`` selects cut into consecutive ranges
    (first date, last date, reports) of at most ``size`` reports each (a date with more is a
    range of its own). A report without a date is alone in its chain: it needs no grouping."""
    slices: list[tuple[Any, Any, int]] = []
    first = last = None
    n = 0
    for d, k in con.execute(f"SELECT event_date, count(*) FROM event_rows WHERE event_date IS "
                            f"NOT NULL AND ({where}) GROUP BY 1 ORDER BY 1").fetchall():
        if first is not None and n + k > size:
            slices.append((first, last, n))
            first, n = None, 0
        if first is None:
            first = d
        last, n = d, n + k
    if first is not None:
        slices.append((first, last, n))
    return slices
