"""The stored corroborated events and their per-day aggregates (store version 9) give what a
direct computation over the reports gives, after every kind of write: an ingest, an import, a
re-ingest of a changed document, an import that replaces stored rows, a new corroboration
rule; and the analyses read the same numbers through them."""
from __future__ import annotations

import duckdb

from eventdesk import open_store
from eventdesk.dates import parse_date
from eventdesk.interop.importer import import_file
from eventdesk.interop.layouts import GDELT2
from eventdesk.model import Document
from eventdesk.store import MENTION_ONLY_GROUPS
from eventdesk.store.corroborate import Rule
from eventdesk.store.materialize import GROUP_NAMES

STATES = ["USA", "RUS", "CHN", "SYR", "IRN"]
CODES = ["010", "036", "042", "111", "173", "190"]

DOCS = [
    ("strike", "2017-04-07", "The United States launched a missile strike on Syria on Thursday."),
    ("since", "2017-04-20", "Russia has increased its military presence in the region since "
                            "the U.S. missile strike on Syria on April 6."),
    ("condemn", "2017-04-10", "Iran condemned the U.S. missile strike on Syria."),
    ("meet", "2017-04-12", "U.S. Secretary of State Rex Tillerson met Russian Foreign Minister "
                           "Sergei Lavrov in Moscow."),
]


def gdelt_file(path, rows, seed, *, code_shift=0):
    """A GDELT 2.0 export of ``rows`` events over two months (ids from seed * 10^6)."""
    st = "[" + ",".join(f"'{s}'" for s in STATES) + "]"
    co = "[" + ",".join(f"'{c}'" for c in CODES) + "]"
    expr = {"GLOBALEVENTID": f"CAST({seed * 1_000_000} + i AS VARCHAR)",
            "SQLDATE": "strftime(DATE '2017-03-20' + CAST(h % 40 AS INTEGER), '%Y%m%d')",
            "Actor1Code": f"{st}[1 + CAST(h % 5 AS INTEGER)]",
            "Actor1CountryCode": f"{st}[1 + CAST(h % 5 AS INTEGER)]",
            "Actor2Code": f"{st}[1 + CAST((h // 5) % 5 AS INTEGER)]",
            "Actor2CountryCode": f"{st}[1 + CAST((h // 5) % 5 AS INTEGER)]",
            "EventCode": f"{co}[1 + CAST((h // 25 + {code_shift}) % 6 AS INTEGER)]",
            "NumMentions": "CAST(1 + h % 5 AS VARCHAR)", "NumSources": "'1'",
            "NumArticles": "'2'", "DATEADDED": "'20170501000000'",
            "ActionGeo_FullName": "CASE WHEN h % 3 = 0 THEN 'Moscow, Moskva, Russia' END",
            "ActionGeo_CountryCode": "CASE WHEN h % 3 = 0 THEN 'RS' END",
            "ActionGeo_Lat": "CASE WHEN h % 3 = 0 THEN '55.75' END",
            "ActionGeo_Long": "CASE WHEN h % 3 = 0 THEN '37.62' END",
            "ActionGeo_Type": "CASE WHEN h % 3 = 0 THEN '4' END",
            "SOURCEURL": "'https://news' || CAST(h % 7 AS VARCHAR) || '.example/' || "
                         "CAST(i AS VARCHAR)"}
    cols = ", ".join(f"coalesce({expr.get(n, repr(''))}, '') AS \"{n}\"" for n in GDELT2.names)
    duckdb.sql(f"COPY (SELECT {cols} FROM (SELECT i, hash(i * 7 + {seed}) AS h FROM "
               f"range({rows}) t(i))) TO '{path}' (FORMAT csv, DELIMITER '\t', HEADER false, "
               "QUOTE '')")
    return path


def _rows(con, sql):
    return sorted((tuple(round(x, 9) if isinstance(x, float) else x for x in r)
                   for r in con.execute(sql).fetchall()), key=repr)


def check(store):
    """``corroborated`` and ``agg_day`` against the ``groups`` view and the reports."""
    store.ready()
    con = store.con
    cols = ", ".join(f"g.{n}" for n in GROUP_NAMES)
    direct = _rows(con, f"""
        SELECT {cols}, g.group_id IN ({MENTION_ONLY_GROUPS}), e.location, e.location_country,
               e.location_lat, e.location_lon, e.confidence
        FROM groups g LEFT JOIN events e ON e.event_id = g.event_id""")
    stored = _rows(con, f"SELECT {cols}, g.mention_only, g.location, g.location_country, "
                        "g.location_lat, g.location_lon, g.confidence FROM corroborated g")
    assert stored == direct
    agg = """SELECT date, actor_country, recipient_country, status, quad, {m}, count(*),
                    count(goldstein), sum(goldstein), sum(goldstein * goldstein),
                    sum(greatest(goldstein, 0)), sum(greatest(-goldstein, 0)),
                    sum(abs(goldstein)) FROM {rel} GROUP BY ALL"""
    expected = _rows(con, agg.format(
        m=f"group_id IN ({MENTION_ONLY_GROUPS})", rel="groups"))
    got = _rows(con, "SELECT * FROM agg_day")
    assert got == expected
    return len(stored)


def _series(store, **kw):
    from eventdesk.analysis import api

    return api.dyad(store, "USA", "SYR", by="month", **kw).fillna(-999).round(9).to_dict("list")


def test_stored_events_and_aggregates_follow_every_write(tmp_path, coder):
    db = tmp_path / "s.duckdb"
    docs = [Document(id=i, text=t, date=parse_date(d)[0]) for i, d, t in DOCS]
    with open_store(db) as store:
        store.ingest(docs[:1], coder)
        assert check(store) >= 1
        store.ingest(docs[1:], coder)
        n_ingest = check(store)
        # mentions are flagged: the default relation leaves them out, the other keeps them
        mentions = store.con.execute("SELECT count(*) FROM corroborated WHERE mention_only"
                                     ).fetchone()[0]
        assert mentions >= 1
        import_file(store, gdelt_file(tmp_path / "a.tsv", 3000, 1))
        n_import = check(store)
        assert n_import > n_ingest + 300
        # a second file whose ids overlap the first (replaced rows, other codes)
        import_file(store, gdelt_file(tmp_path / "b.tsv", 1500, 1, code_shift=2))
        check(store)
        import_file(store, gdelt_file(tmp_path / "c.tsv", 800, 2))
        check(store)
        # a document changed: its events replaced
        store.ingest([Document(id="meet", text="Russia rejected the American proposal.",
                               date=parse_date("2017-04-12")[0])], coder)
        check(store)
        store.set_rule(Rule(window_days=3))
        check(store)


def test_the_analyses_give_the_same_numbers_from_the_stored_events(tmp_path, coder):
    db = tmp_path / "s.duckdb"
    docs = [Document(id=i, text=t, date=parse_date(d)[0]) for i, d, t in DOCS]
    with open_store(db) as store:
        store.ingest(docs, coder)
        import_file(store, gdelt_file(tmp_path / "a.tsv", 2000, 1))
    with open_store(db, read_only=True) as store:
        def counts():
            return [store.con.execute(f"SELECT count(*), round(sum(goldstein), 6) FROM "
                                      f"{store.analysis_events(include_mentions=m)}"
                                      ).fetchone() for m in (False, True)]

        stored = [_series(store), _series(store, include_mentions=True), counts()]
        # the same analyses over the groups view, as before version 9
        store._ungrouped = True         # analysis_events then reads the views
        direct = [_series(store), _series(store, include_mentions=True), counts()]
    assert stored == direct
    assert stored[2][0] != stored[2][1]     # the mentions count only when asked


def test_a_store_of_version_8_gets_the_tables_when_opened(tmp_path, coder):
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        store.ingest([Document(id=i, text=t, date=parse_date(d)[0]) for i, d, t in DOCS], coder)
        import_file(store, gdelt_file(tmp_path / "a.tsv", 500, 1))
        store.con.execute("DROP TABLE corroborated; DROP TABLE agg_day; DROP TABLE corr_gone")
        store.con.execute("UPDATE meta SET value = '8' WHERE key = 'store_version'")
    with open_store(db, read_only=True) as store:
        assert check(store) > 300
        assert store.con.execute("SELECT value FROM meta WHERE key = 'store_version'"
                                 ).fetchone()[0] == "9"


def test_the_workbench_reads_the_same_analyses_from_the_per_day_sums(tmp_path, coder):
    """The overview's ranking and timeline, the signals' period series and the triangle's
    edge statistics from ``agg_day`` give what the analyses give over the events."""
    from eventdesk.analysis import api
    from eventdesk.analysis.common import Window
    from eventdesk.analysis.dyads import top_dyads, top_dyads_from_days
    from eventdesk.analysis.signals import signals
    from eventdesk.analysis.triangle import triangle
    from eventdesk.serve import data

    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        store.ingest([Document(id=i, text=t, date=parse_date(d)[0]) for i, d, t in DOCS], coder)
        import_file(store, gdelt_file(tmp_path / "a.tsv", 4000, 1))
    with open_store(db, read_only=True) as store:
        con, rel = store.con, data.relation(store)
        for m in (False, True):
            days, rel_m = data.days_relation(m), data.relation(store, include_mentions=m)
            for rank in ("activity", "movement"):
                for by in ("week", "month"):
                    a = top_dyads(con, rel_m, top=50, rank=rank, by=by).round(9)
                    b = top_dyads_from_days(con, days, top=50, rank=rank, by=by).round(9)
                    assert a.to_dict("list") == b.to_dict("list")
        sig = lambda **kw: [(s.kind, s.a, s.b, s.when, round(s.score, 9), s.evidence)  # noqa
                            for s in signals(con, rel, watch=["USA", "RUS"], by="week",
                                             min_score=0.0, top=200, **kw)]
        assert sig() == sig(days=data.days_relation()) and sig()
        players = ["USA", "RUS", "CHN"]
        t0 = triangle(con, rel, players, by="week", win=Window())
        t1 = triangle(con, rel, players, by="week", win=Window(), days=data.days_relation())
        assert t0.frame.round(9).equals(t1.frame.round(9)) and t0.changes == t1.changes
        # the overview's timeline against the one over the events
        o = data.overview(store)
        direct = con.execute(
            f"SELECT CAST(date_trunc('month', date) AS DATE) AS period, count(*) FILTER "
            f"(WHERE quad IN (1, 2)), count(*) FILTER (WHERE quad IN (3, 4)), "
            f"round(avg(goldstein), 9) FROM {rel} WHERE date IS NOT NULL GROUP BY 1 "
            f"ORDER BY 1").fetchall()
        got = [(r.period.date(), r.cooperation, r.conflict, round(r.mean_goldstein, 9))
               for r in o["timeline"].itertuples()]
        assert got == [tuple(r) for r in direct]
        assert o["activity"]["n"].tolist() == api.dyads(store, top=10)["n"].tolist()


def test_a_dyads_series_from_the_per_day_sums_is_the_one_over_the_events(tmp_path, coder):
    from eventdesk.analysis.common import Window
    from eventdesk.analysis.dyads import dyad_series
    from eventdesk.serve import data

    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        store.ingest([Document(id=i, text=t, date=parse_date(d)[0]) for i, d, t in DOCS], coder)
        import_file(store, gdelt_file(tmp_path / "a.tsv", 3000, 1))
    with open_store(db, read_only=True) as store:
        for m in (False, True):
            rel, days = data.relation(store, include_mentions=m), data.days_relation(m)
            for by, directed, win in (("week", False, Window()), ("month", True, Window()),
                                      ("day", False, Window(parse_date("2017-04-01")[0],
                                                            parse_date("2017-04-20")[0]))):
                for a, b in (("USA", "SYR"), ("RUS", "CHN")):
                    x = dyad_series(store.con, rel, a, b, by=by, directed=directed, win=win)
                    y = dyad_series(store.con, rel, a, b, by=by, directed=directed, win=win,
                                    days=days)
                    assert x["period"].equals(y["period"])
                    assert x.drop(columns="period").round(9).equals(
                        y.drop(columns="period").round(9)), (a, b, by)
                    assert list(x.dtypes) == list(y.dtypes)
