"""Query speed on a large store: `python bench/store_query.py [EVENTS] [STORE]`.

Generates EVENTS (default 10,000,000) events directly in the store's tables with SQL over
range() (12 states, 20 CAMEO codes, 10 years, 40 outlets) with the store's corroboration key,
and their groups with the store's own group SQL (a group per key and day: the bench measures
reads, not the chain rule),
then times, best of three after one warm-up:

- ``Store.events(actor=..., since=..., limit=100)`` (Event objects),
- ``Store.events(actor=..., recipient=..., since=..., until=..., as_frame=True)``,
- a monthly dyad aggregate over ``Store.analysis_events()`` (corroborated) and over the raw
  form.

A STORE path given and already filled is reused (generation takes minutes)."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from eventdesk.store import open_store
from eventdesk.store.corroborate import GROUP_SELECT, SINGLE_SELECT
from eventdesk.store.schema import EVENT_NAMES

STATES = ["USA", "RUS", "CHN", "PRK", "UKR", "SYR", "IRN", "FRA", "DEU", "GBR", "JPN", "KOR"]
CODES = ["010", "0251", "036", "040", "042", "043", "057", "061", "111", "112", "120", "130",
         "138", "163", "172", "173", "180", "190", "193", "195"]


def generate(store, n: int) -> None:
    st = "[" + ",".join(f"'{s}'" for s in STATES) + "]"
    co = "[" + ",".join(f"'{c}'" for c in CODES) + "]"
    a, r = f"{st}[1 + CAST(h % 12 AS INTEGER)]", f"{st}[1 + CAST((h // 12) % 12 AS INTEGER)]"
    code = f"{co}[1 + CAST((h // 144) % 20 AS INTEGER)]"
    values = {
        "event_id": "'bench:' || CAST(i AS VARCHAR)", "doc_id": "'doc' || CAST(i // 3 AS VARCHAR)",
        "sentence_index": "CAST(i % 3 AS INTEGER)", "sentence": "''",
        "event_date": "DATE '2015-01-01' + CAST((h // 2880) % 3650 AS INTEGER)",
        "date_precision": "'day'", "cameo": code, "root": f"left({code}, 2)",
        "cameo_name": "'bench'", "goldstein": "CAST((h % 200) / 10.0 - 10 AS DOUBLE)",
        "quad": "CAST(1 + h % 4 AS TINYINT)", "penta": "CAST(h % 5 AS TINYINT)", "plover": "NULL", "mode": "NULL",
        "context": "NULL", "status": "'asserted'", "actor_code": a, "actor_country": a,
        "recipient_code": r, "recipient_country": r, "location": "NULL",
        "location_country": "NULL", "pattern": "'bench'", "record": "NULL",
        "dataset": "'bench'", "origin_id": "CAST(i AS VARCHAR)",
        "source": "'outlet' || CAST(h % 40 AS VARCHAR)", "url": "NULL", "published": "NULL",
        "actor_sector": "NULL", "actor_office": "NULL", "actor_name": "NULL",
        "recipient_sector": "NULL", "recipient_name": "NULL",
        "actor_keys": f"'|' || {a} || '|' || {a} || '|'",
        "recipient_keys": f"'|' || {r} || '|' || {r} || '|'", "location_lat": "NULL",
        "location_lon": "NULL", "n_mentions": "CAST(1 + h % 5 AS INTEGER)",
        "n_sources": "1", "n_articles": "1", "ckey": "ckey",
        "group_id": "md5(ckey || '|' || CAST(DATE '2015-01-01' + CAST((h // 2880) % 3650 AS "
                    "INTEGER) AS VARCHAR))",
        "batch_id": "0", "extra": "NULL"}
    con = store.con
    t = time.perf_counter()
    # the store's key (over the generated columns); a group per key and day
    key = store.rule.key_sql().replace("actor_country", a).replace("actor_code", a) \
        .replace("recipient_country", r).replace("recipient_code", r) \
        .replace("root", f"left({code}, 2)").replace("status", "'asserted'") \
        .replace("date_precision", "'day'")
    con.execute(f"INSERT INTO events ({', '.join(EVENT_NAMES)}) SELECT "
                f"{', '.join(values[c] for c in EVENT_NAMES)} FROM (SELECT *, {key} AS ckey "
                f"FROM (SELECT i, hash(i) AS h FROM range({n}) t(i)))")
    con.execute("CHECKPOINT")
    # singles by projection, the others by the store's aggregate, in slices of keys (memory)
    con.execute("CREATE TEMP TABLE ed_gid AS SELECT event_id, count(*) OVER (PARTITION BY "
                "group_id) AS n FROM events")
    for part in range(8):
        where = f"hash(group_id) % 8 = {part}"
        for cond, select in (("= 1", SINGLE_SELECT), ("> 1", GROUP_SELECT)):
            con.execute("INSERT INTO groups " + select.replace(
                "FROM events WHERE", f"FROM events JOIN (SELECT event_id FROM ed_gid WHERE "
                f"n {cond}) m USING (event_id) WHERE").format(where=where))
    con.execute("DROP TABLE ed_gid; CHECKPOINT")
    print(f"generated {n:,} events, {store.counts()['corroborated']:,} groups in "
          f"{time.perf_counter() - t:.0f} s")


def timed(label: str, fn) -> None:
    fn()
    best = min(_time(fn) for _ in range(3))
    out = fn()
    size = len(out) if hasattr(out, "__len__") else out
    print(f"{label:62} {best:7.3f} s  ({size:,} rows)")


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    tmp = None
    if len(sys.argv) > 2:
        path = Path(sys.argv[2])
    else:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "big.duckdb"
    with open_store(path) as store:
        if store.counts()["events"] == 0:
            generate(store, n)
    with open_store(path, read_only=True) as s:
        print(f"store: {s.counts()['events']:,} events, {path.stat().st_size / 1e9:.2f} GB")
        timed("events(actor='RUS', since='2023-06-01', limit=100)",
              lambda: s.events(actor="RUS", since="2023-06-01", limit=100))
        timed("events(actor='PRK', recipient='CHN', cameo='19', limit=50)",
              lambda: s.events(actor="PRK", recipient="CHN", cameo="19", limit=50))
        timed("events(actor='RUS', recipient='USA', 2023-2024, as_frame=True)",
              lambda: s.events(actor="RUS", recipient="USA", since="2023-01-01",
                               until="2024-12-31", as_frame=True))
        monthly = ("SELECT date_trunc('month', date) AS month, actor_country, "
                   "recipient_country, count(*) AS n, sum(goldstein) AS g, sum(n_reports) AS r "
                   "FROM {rel} WHERE actor_country <> recipient_country GROUP BY ALL")
        timed("monthly dyad aggregate over analysis_events()",
              lambda: s.con.execute(monthly.format(rel=s.analysis_events())).fetchall())
        timed("monthly dyad aggregate over analysis_events(raw=True)",
              lambda: s.con.execute(monthly.format(rel=s.analysis_events(raw=True))).fetchall())
        timed("one dyad's monthly series (RUS->USA) over analysis_events()",
              lambda: s.con.execute(monthly.format(rel=s.analysis_events()).replace(
                  "WHERE", "WHERE actor_country = 'RUS' AND recipient_country = 'USA' AND")
              ).fetchall())
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
