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

Groups are kept in the ``groups`` table and recomputed, in the writing transaction, for the keys
a batch touched, so reading corroborated events costs no more than reading a table.
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


def _chains_sql(rule: Rule, where: str) -> str:
    """event_id → group_id for the events matching ``where`` (whole keys only)."""
    w = int(rule.window_days)
    return f"""
    WITH s AS (
        SELECT event_id, ckey,
               CASE date_precision WHEN 'month' THEN CAST(date_trunc('month', event_date) AS DATE)
                                   WHEN 'year' THEN CAST(date_trunc('year', event_date) AS DATE)
                                   ELSE event_date END AS d,
               CASE date_precision WHEN 'week' THEN {w + 6}
                                   WHEN 'month' THEN 0 WHEN 'year' THEN 0 ELSE {w} END AS thr
        FROM events WHERE {where}),
    b AS (
        SELECT *, CASE WHEN d IS NULL THEN 1
                       WHEN d - lag(d) OVER k <= thr THEN 0 ELSE 1 END AS brk
        FROM s WINDOW k AS (PARTITION BY ckey ORDER BY d, event_id)),
    c AS (
        SELECT *, sum(brk) OVER (PARTITION BY ckey ORDER BY d, event_id
                                 ROWS UNBOUNDED PRECEDING) AS chain FROM b)
    SELECT event_id, CASE WHEN d IS NULL THEN md5(ckey || '|' || event_id)
                          ELSE md5(ckey || '|' || CAST(min(d) OVER (PARTITION BY ckey, chain)
                                                       AS VARCHAR)) END AS gid
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


def regroup(con: Any, rule: Rule, touched: str | None) -> None:
    """Recompute ckeys (for events lacking one), group ids and the groups table, for the keys
    listed in the temp table ``touched`` (column ``ckey``), or for every event when ``touched``
    is None. Runs inside the caller's transaction."""
    if touched is None:
        con.execute(f"UPDATE events SET ckey = {rule.key_sql()}")
        where = "true"
        con.execute("DELETE FROM groups")
    else:
        where = f"ckey IN (SELECT ckey FROM {touched})"
        con.execute(f"DELETE FROM groups WHERE {where}")
    con.execute(f"""UPDATE events SET group_id = g.gid FROM ({_chains_sql(rule, where)}) g
                    WHERE events.event_id = g.event_id
                      AND events.group_id IS DISTINCT FROM g.gid""")
    con.execute("INSERT INTO groups " + GROUP_SELECT.format(where=where))
