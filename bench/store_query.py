"""Query speed on a large store: `python bench/store_query.py [EVENTS] [STORE]`.

Generates EVENTS (default 10,000,000) events directly in the store's ``event_rows`` with SQL
over range() (12 states, 20 CAMEO codes, 10 years, 40 outlets) as an import writes them, and
groups them with the store's own rule,
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
from eventdesk.store.corroborate import regroup_all

STATES = ["USA", "RUS", "CHN", "PRK", "UKR", "SYR", "IRN", "FRA", "DEU", "GBR", "JPN", "KOR"]
CODES = ["010", "0251", "036", "040", "042", "043", "057", "061", "111", "112", "120", "130",
         "138", "163", "172", "173", "180", "190", "193", "195"]


def generate(store, n: int) -> None:
    """Rows as an import writes them (the columns the view derives left NULL), then grouped
    by the store's own rule (:func:`regroup_all`)."""
    st = "[" + ",".join(f"'{s}'" for s in STATES) + "]"
    co = "[" + ",".join(f"'{c}'" for c in CODES) + "]"
    a, r = f"{st}[1 + CAST(h % 12 AS INTEGER)]", f"{st}[1 + CAST((h // 12) % 12 AS INTEGER)]"
    code = f"{co}[1 + CAST((h // 144) % 20 AS INTEGER)]"
    values = {
        "doc_id": "'doc' || CAST(i // 3 AS VARCHAR)",
        "event_date": "DATE '2015-01-01' + CAST((h // 2880) % 3650 AS INTEGER)",
        "cameo": code, "goldstein": "CAST((h % 200) / 10.0 - 10 AS DOUBLE)",
        "quad": "CAST(1 + h % 4 AS TINYINT)", "actor_code": a, "actor_country": a,
        "recipient_code": r, "recipient_country": r, "dataset": "'bench'",
        "origin_id": "CAST(i AS VARCHAR)", "source": "'outlet' || CAST(h % 40 AS VARCHAR)",
        "n_mentions": "CAST(1 + h % 5 AS INTEGER)", "n_sources": "1", "n_articles": "1",
        "ckey": store.rule.key_of(a, a, r, r, f"left({code}, 2)", "NULL", "'asserted'", "'day'"),
        "batch_id": "0"}
    con = store.con
    t = time.perf_counter()
    con.execute(f"INSERT INTO event_rows ({', '.join(values)}) SELECT "
                f"{', '.join(values.values())} FROM (SELECT i, hash(i) AS h FROM range({n}) t(i))")
    con.execute("CHECKPOINT")
    con.execute("BEGIN")
    regroup_all(con, store.rule)
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
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
