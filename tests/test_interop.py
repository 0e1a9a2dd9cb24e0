"""Import and export of other datasets' formats, through the real store and the real command."""
import gzip
import json
import re
import zipfile
from pathlib import Path

import duckdb
import pytest

from eventdesk import open_store
from eventdesk.errors import InputError
from eventdesk.interop.exporter import export
from eventdesk.interop.importer import detect, import_file, import_files

DATA = Path(__file__).parent / "data" / "interop"
GOOD = {"gdelt2.export.CSV": ("gdelt2", 4, [3, 5, 6]), "gdelt1.daily.csv": ("gdelt1", 2, [3]),
        "icews.sample.tab": ("icews", 3, [4, 6, 7]), "polecat.sample.tsv": ("polecat", 2, [4, 5, 6]),
        "phoenix.sample.csv": ("phoenix", 2, [4, 5]), "plover.sample.jsonl": ("plover", 2, [3, 4, 5])}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_each_format_is_detected_imported_and_bad_rows_reported_with_their_line(tmp_path, name):
    fmt, n_ok, bad_lines = GOOD[name]
    assert detect(DATA / name) == fmt
    problems = []
    with open_store(tmp_path / "s.duckdb") as store:
        r = import_file(store, DATA / name, on_problem=problems.append)
        assert (r.rows_added, r.rows_skipped) == (n_ok, len(bad_lines))
        assert sorted(int(p.location.rsplit(":", 1)[1]) for p in problems) == bad_lines
        assert all(p.location.startswith(str(DATA / name)) for p in problems)
        assert store.counts()["events"] == n_ok
        # the analysis relation sees imported events like coded ones
        n = store.con.execute(f"SELECT count(*) FROM {store.analysis_events(raw=True)}").fetchone()
        assert n[0] == n_ok


def test_leading_zeros_survive_import_query_and_every_export(tmp_path):
    with open_store(tmp_path / "s.duckdb") as store:
        for name in ("gdelt2.export.CSV", "icews.sample.tab", "phoenix.sample.csv"):
            import_file(store, DATA / name)
        codes = {e.cameo for e in store.events()}
        assert {"0251", "010", "040"} <= codes
        assert store.events(cameo="0251")[0].cameo_name.startswith("Appeal for easing")
        export(store, "csv", tmp_path / "e.csv")
        export(store, "gdelt2", tmp_path / "e.tsv")
        export(store, "parquet", tmp_path / "pq")
    csv_codes = {r[0] for r in duckdb.sql(
        f"SELECT cameo FROM read_csv('{tmp_path / 'e.csv'}', all_varchar=true)").fetchall()}
    assert {"0251", "010"} <= csv_codes
    tsv_codes = {line.split("\t")[26] for line in (tmp_path / "e.tsv").read_text().splitlines()}
    assert {"0251", "010"} <= tsv_codes
    pq = duckdb.sql(f"SELECT cameo, year, month FROM read_parquet('{tmp_path}/pq/**/*.parquet',"
                    " hive_partitioning=true)").fetchall()
    assert ("0251", 2017, 2) in pq
    assert (tmp_path / "pq" / "year=2017" / "month=4").is_dir()


def _valid_lines(path, bad, header):
    lines = path.read_text().splitlines()
    return [l for i, l in enumerate(lines, 1) if i not in bad and not (header and i == 1)]


@pytest.mark.parametrize("name,fmt,header", [("gdelt2.export.CSV", "gdelt2", False),
                                             ("polecat.sample.tsv", "polecat", True)])
def test_export_of_an_import_gives_back_the_rows_as_read(tmp_path, name, fmt, header):
    with open_store(tmp_path / "s.duckdb") as store:
        import_file(store, DATA / name, keep_columns=True)
        export(store, fmt, tmp_path / "out")
    out = (tmp_path / "out").read_text().splitlines()
    if header:
        assert out[0] == (DATA / name).read_text().splitlines()[0]
        out = out[1:]
    assert sorted(out) == sorted(_valid_lines(DATA / name, GOOD[name][2], header))


def test_a_lean_import_exports_the_mapped_fields_and_derives_the_rest(tmp_path):
    # by default the fields the event model does not map (tone, actor geography) are not kept:
    # GDELT's own derived columns come back from the event, the mapped ones as read
    with open_store(tmp_path / "s.duckdb") as store:
        import_file(store, DATA / "gdelt2.export.CSV")
        assert store.con.execute("SELECT count(*) FROM event_rows WHERE extra IS NOT NULL"
                                 ).fetchone()[0] == 0
        export(store, "gdelt2", tmp_path / "out")
    from eventdesk.interop.layouts import GDELT2
    names = GDELT2.names
    got = {l.split("\t")[0]: dict(zip(names, l.split("\t")))
           for l in (tmp_path / "out").read_text().splitlines()}
    read = {l.split("\t")[0]: dict(zip(names, l.split("\t")))
            for l in _valid_lines(DATA / "gdelt2.export.CSV", GOOD["gdelt2.export.CSV"][2], False)}
    assert got.keys() == read.keys()
    for gid, row in read.items():
        for col in ("SQLDATE", "MonthYear", "Year", "EventCode", "EventBaseCode", "EventRootCode",
                    "Actor1Code", "Actor1CountryCode", "Actor2Code", "QuadClass",
                    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles",
                    "ActionGeo_FullName", "ActionGeo_Lat", "SOURCEURL"):
            assert got[gid][col] == row[col], (gid, col)
        assert got[gid]["AvgTone"] == ""          # not kept


@pytest.mark.parametrize("fmt", ["gdelt2", "plover", "polecat"])
def test_export_import_export_is_lossless_for_every_event_of_every_origin(tmp_path, fmt):
    with open_store(tmp_path / "a.duckdb") as a:
        for name in GOOD:
            import_file(a, DATA / name)
        n = export(a, fmt, tmp_path / "one")
        assert n >= (10 if fmt == "polecat" else 15)
    with open_store(tmp_path / "b.duckdb") as b:
        r = import_file(b, tmp_path / "one", fmt)
        assert r.rows_skipped == 0 and r.rows_added == n
        export(b, fmt, tmp_path / "two")
    one, two = (tmp_path / "one").read_text(), (tmp_path / "two").read_text()
    if fmt == "plover":      # the ids of a second generation name their first origin
        strip = lambda t: sorted(json.dumps({k: v for k, v in json.loads(l).items() if k != "id"},
                                            sort_keys=True) for l in t.splitlines())
        assert strip(one) == strip(two)
    elif fmt == "polecat":
        assert sorted(l.split("\t", 1)[1] for l in one.splitlines()[1:]) == \
            sorted(l.split("\t", 1)[1] for l in two.splitlines()[1:])
    else:
        assert sorted(one.splitlines()) == sorted(two.splitlines())


@pytest.mark.parametrize("name", ["gdelt2.export.CSV", "gdelt1.daily.csv", "icews.sample.tab",
                                  "polecat.sample.tsv"])
@pytest.mark.parametrize("compressed", [False, True])
def test_a_file_cut_into_chunks_imports_like_one_chunk_with_the_same_lines_reported(
        tmp_path, monkeypatch, name, compressed):
    fmt, n_ok, bad_lines = GOOD[name]
    path = DATA / name
    if compressed:
        path = tmp_path / (name + ".gz")
        path.write_bytes(gzip.compress((DATA / name).read_bytes()))
    monkeypatch.setenv("EVENTDESK_IMPORT_CHUNK", "40")      # a line or two a chunk
    problems = []
    with open_store(tmp_path / "s.duckdb") as store:
        r = import_file(store, path, on_problem=problems.append)
        assert (r.rows_added, r.rows_skipped) == (n_ok, len(bad_lines))
        assert sorted(int(p.location.rsplit(":", 1)[1]) for p in problems) == bad_lines
        assert store.con.execute("SELECT count(DISTINCT batch_id) FROM event_rows").fetchone()[0] > 1
        cut = store.con.execute("SELECT origin_id, cameo, event_date FROM events "
                                "ORDER BY 1").fetchall()
    with open_store(tmp_path / "one.duckdb") as store:
        monkeypatch.delenv("EVENTDESK_IMPORT_CHUNK")
        import_file(store, DATA / name)
        assert store.con.execute("SELECT origin_id, cameo, event_date FROM events "
                                 "ORDER BY 1").fetchall() == cut


def test_gzip_and_zip_files_import_like_plain_ones(tmp_path):
    raw = (DATA / "gdelt2.export.CSV").read_bytes()
    gz = tmp_path / "x.export.CSV.gz"
    gz.write_bytes(gzip.compress(raw))
    zp = tmp_path / "y.export.CSV.zip"
    with zipfile.ZipFile(zp, "w") as z:
        z.writestr("y.export.CSV", raw)
    for path in (gz, zp):
        with open_store(tmp_path / f"{path.suffix}.duckdb") as store:
            r = import_file(store, path)
            assert (r.format, r.rows_added, r.rows_skipped) == ("gdelt2", 4, 3)


def test_the_same_rows_from_a_zip_after_the_plain_file_replace_and_do_not_double(tmp_path):
    # a .zip and its CSV have different hashes: the ids, not the file, decide
    raw = (DATA / "gdelt2.export.CSV").read_bytes()
    zp = tmp_path / "again.export.CSV.zip"
    with zipfile.ZipFile(zp, "w") as z:
        z.writestr("again.export.CSV", raw)
    with open_store(tmp_path / "s.duckdb") as store:
        import_file(store, DATA / "gdelt2.export.CSV")
        before = store.counts()
        groups = store.corroborated()
        assert import_file(store, zp).rows_added == 4
        assert store.counts() == before
        assert store.corroborated() == groups
        g = store.group("gdelt2:700000101")
        assert (g["n_reports"], g["n_sources"], g["n_docs"]) == (14, 6, 14)


def test_a_report_alone_stores_no_group_and_is_still_a_corroborated_event(tmp_path):
    with open_store(tmp_path / "s.duckdb") as store:
        import_file(store, DATA / "gdelt2.export.CSV")
        q = lambda sql: store.con.execute(sql).fetchall()
        # the import leaves its rows to group, together, at the first read (or now)
        assert q("SELECT count(*) FROM group_rows") == [(0,)]
        assert store.settle() == 4
        # two of the four rows are one meeting (a group of two, stored); the others are alone
        assert q("SELECT count(*) FROM group_rows") == [(1,)]
        assert q("SELECT count(*) FROM event_rows WHERE chain_first IS NULL") == [(2,)]
        assert store.counts()["corroborated"] == 3
        alone = q("SELECT event_id, group_id FROM events WHERE group_id NOT IN "
                  "(SELECT group_id FROM group_rows)")
        assert len(alone) == 2
        for event_id, group_id in alone:
            for some_id in (event_id, group_id[:10]):       # by event id or group id prefix
                g = store.group(some_id)
                assert g["group_id"] == group_id and g["n_reports"] >= 1
                assert [r["event_id"] for r in g["reports"]] == [event_id]
        # an imported row stores what its file says; the view derives the rest
        assert q("SELECT event_id, doc_id, cameo_name, status, pattern FROM event_rows "
                 "WHERE origin_id = '700000101'") == [(None, None, None, None, None)]
        ev = store.event("gdelt2:700000101")
        assert (ev.cameo_name, ev.status.value, ev.pattern) == ("Consult", "asserted",
                                                               "import:gdelt2")


def test_rerun_adds_nothing_and_mentions_become_provenance(tmp_path):
    with open_store(tmp_path / "s.duckdb") as store:
        import_file(store, DATA / "gdelt2.export.CSV")
        assert import_file(store, DATA / "gdelt2.export.CSV").already_imported
        assert import_file(store, DATA / "gdelt2.export.CSV", force=True).rows_added == 4
        assert store.counts()["events"] == 4
        import_file(store, DATA / "gdelt2.mentions.CSV")
        prov = store.provenance("gdelt2:700000101")
        assert {p["source"] for p in prov} == {"wire-a.example", "paper-b.example",
                                               "paper-c.example"}


def test_gdelt_counts_feed_corroboration_across_reports_a_day_apart(tmp_path):
    with open_store(tmp_path / "s.duckdb") as store:
        import_file(store, DATA / "gdelt2.export.CSV")
        g = store.group("gdelt2:700000101")
        # USAGOV→RUSGOV 040 on 12 April and USA→RUS 042 on 13 April: one meeting
        assert {r["event_id"] for r in g["reports"]} == {"gdelt2:700000101", "gdelt2:700000102"}
        assert (g["n_reports"], g["n_sources"], g["n_docs"]) == (14, 6, 14)
        assert (str(g["first_seen"]), str(g["last_seen"])) == ("2017-04-12", "2017-04-13")


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary" * 50, "é;ü".encode("latin-1")])
def test_empty_binary_and_unknown_files_are_refused_with_a_message(tmp_path, content):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with open_store(tmp_path / "s.duckdb") as store, pytest.raises(InputError) as exc:
        import_file(store, bad)
    assert str(bad) in str(exc.value)


def test_truncated_wrongly_encoded_and_oversized_rows_are_skipped_the_rest_goes_in(tmp_path):
    good = (DATA / "gdelt2.export.CSV").read_bytes().splitlines()
    lines = [good[0], good[1][:200], good[3].replace(b"CHINA", b"CHIN\xe9\xff"),
             good[6].replace(b"https://", b"https://" + b"x" * 2_000_000)]
    path = tmp_path / "t.export.CSV"
    path.write_bytes(b"\n".join(lines))                      # no final newline either
    problems = []
    with open_store(tmp_path / "s.duckdb") as store:
        r = import_file(store, path, "gdelt2", on_problem=problems.append)
        assert r.rows_added == 1 and r.rows_skipped == 3
        assert sorted(int(p.location.rsplit(":", 1)[1]) for p in problems) == [2, 3, 4]


def test_import_and_export_commands(tmp_path, cli):
    db = tmp_path / "s.duckdb"
    r = cli("import", *sorted(DATA.iterdir()), "--db", db)
    assert r.returncode == 3, r.stderr
    assert "gdelt2.export.CSV:6: unknown CAMEO code '099'" in r.stderr
    # the closing line times the two steps apart: storing the rows, grouping them
    last = r.stderr.strip().splitlines()[-1]
    assert re.search(r"\d+ rows imported in [\d.]+ m?s \([\d,]+ rows/s\), grouped into "
                     r"corroborated events in [\d.]+ m?s, \d+ rows skipped", last), last
    again = cli("import", *sorted(DATA.iterdir()), "--db", db).stderr.strip().splitlines()[-1]
    assert "0 rows imported" in again and "grouped" not in again, again
    r = cli("import", DATA / "icews.sample.tab", "--format", "gdelt2", "--db", db)
    assert r.returncode == 2 and "looks like icews data" in r.stderr
    r = cli("export", "--format", "gdelt2", "--actor", "RUS", "--since", "2017-01-01",
            "-o", tmp_path / "rus.tsv", "--db", db)
    assert r.returncode == 0, r.stderr
    rows = [l.split("\t") for l in (tmp_path / "rus.tsv").read_text().splitlines()]
    assert rows and all(len(x) == 61 for x in rows)
    assert all(x[7] == "RUS" and x[1] >= "20170101" for x in rows)
    r = cli("explain", "gdelt2:700000101", "--db", db)
    assert r.returncode == 0 and "corroborated event" in r.stdout and "polecat:" in r.stdout
    assert cli("import", "--help").returncode == 0 and "example" in cli("export", "--help").stdout


def test_events_command_lists_corroborated_events_with_their_counts(tmp_path, cli):
    db = tmp_path / "s.duckdb"
    assert cli("import", DATA / "gdelt2.export.CSV", "--db", db).returncode == 3
    r = cli("events", "--corroborated", "--actor", "USA", "--recipient", "RUS", "--db", db)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(l) for l in r.stdout.splitlines()]
    meeting = [g for g in rows if g["event_id"] == "gdelt2:700000101"]
    assert len(meeting) == 1        # two reports a day apart: one row
    g = meeting[0]
    assert (g["n_reports"], g["n_sources"], g["n_docs"]) == (14, 6, 14)
    assert (g["date"], g["first_seen"], g["last_seen"]) == ("2017-04-12", "2017-04-12", "2017-04-13")
    raw = cli("events", "--actor", "USA", "--recipient", "RUS", "--db", db).stdout.splitlines()
    assert len(raw) == len(rows) + 1
    r = cli("events", "--corroborated", "--format", "csv", "--db", db)
    lines = r.stdout.splitlines()
    assert lines[0].startswith("group_id,date,") and len(lines) == 1 + 3
    assert "corroborated events" in cli("events", "--corroborated", "--format", "table",
                                        "--db", db).stderr


def _gdelt_rows(path, rows):
    """A GDELT 2.0 file of the sample's first row with its id, date, recipient and code set."""
    from datetime import date, timedelta

    template = (DATA / "gdelt2.export.CSV").read_text().splitlines()[0].split("\t")
    lines = []
    for oid, day, recipient, code in rows:
        f = list(template)
        d = date(2017, 4, 1) + timedelta(days=day)
        f[0], f[1], f[2], f[3] = str(oid), d.strftime("%Y%m%d"), d.strftime("%Y%m"), str(d.year)
        f[15], f[17] = recipient + "GOV", recipient
        f[26], f[27], f[28] = code, code[:3], code[:2]
        f[59] = d.strftime("%Y%m%d") + "120000"
        lines.append("\t".join(f))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_settling_in_slices_of_dates_gives_the_groups_of_one_regrouping(tmp_path, monkeypatch):
    # chains that cross the slices' date boundaries (days 0-3, 10-11), reports alone, two keys,
    # then a second file that moves some reports (same ids, other dates): the groups after
    # settling one date at a time equal those of a single settling and of a full regrouping
    first = [(i, d, "RUS", "040") for i, d in enumerate([0, 1, 1, 2, 3, 6, 10, 11, 11, 20])]
    first += [(100 + i, d, "CHN", "190") for i, d in enumerate([0, 0, 2, 3, 4, 9])]
    moved = [(1, 8, "RUS", "040"), (2, 5, "RUS", "040"), (101, 3, "CHN", "190"),
             (200, 12, "RUS", "040")]
    a = _gdelt_rows(tmp_path / "a.export.CSV", first)
    b = _gdelt_rows(tmp_path / "b.export.CSV", moved)

    def build(name, slice_rows=None, regroup=False):
        if slice_rows:
            monkeypatch.setenv("EVENTDESK_GROUP_SLICE", str(slice_rows))
        else:
            monkeypatch.delenv("EVENTDESK_GROUP_SLICE", raising=False)
        with open_store(tmp_path / name) as store:
            import_file(store, a)
            assert store.settle() == len(first)
            import_file(store, b)
            assert store.settle() == len(moved)
            if regroup:
                from eventdesk.store.corroborate import regroup_all
                store._transaction(lambda: regroup_all(store.con, store.rule))
            q = store.con.execute
            return (q("SELECT * EXCLUDE (group_id) FROM group_rows ORDER BY event_id").fetchall(),
                    q("SELECT origin_id, group_id FROM events ORDER BY origin_id").fetchall(),
                    q("SELECT count(*) FROM group_pending").fetchone()[0])

    sliced, whole, regrouped = build("s.duckdb", 1), build("w.duckdb"), build("r.duckdb",
                                                                               regroup=True)
    assert sliced == whole == regrouped
    groups, members, pending = sliced
    assert pending == 0
    # RUS after the moves: days 0 | 2 3 | 5 6 | 8 | 10 11 11 12 | 20; CHN: 0 | 2 3 3 4 | 9
    chains = {}
    for oid, gid in members:
        chains.setdefault(gid, []).append(int(oid))
    several = sorted(sorted(c) for c in chains.values() if len(c) > 1)
    assert several == [[2, 5], [3, 4], [6, 7, 8, 200], [101, 102, 103, 104]]
    assert len(groups) == 4 and len(chains) == 4 + 5       # and 0, 1, 9, 100, 105 alone


def test_a_copy_under_another_name_is_known_by_its_content_and_reported_once(tmp_path):
    # a new path is imported while its hash is computed; the hash, once known, finds the file
    copy = tmp_path / "copy.export.CSV"
    copy.write_bytes((DATA / "gdelt2.export.CSV").read_bytes())
    with open_store(tmp_path / "s.duckdb") as store:
        import_file(store, DATA / "gdelt2.export.CSV")
        before = store.counts()
        problems = []
        r = import_file(store, copy, on_problem=problems.append)
        assert r.already_imported and problems == [] and store.counts() == before
        r = import_file(store, copy, force=True, on_problem=problems.append)
        assert (r.rows_added, r.rows_skipped) == (4, 3)
        assert sorted(int(p.location.rsplit(":", 1)[1]) for p in problems) == [3, 5, 6]
        assert store.counts() == before
        assert store.con.execute("SELECT count(*) FROM imports").fetchone()[0] == 1


def test_small_files_imported_together_hold_what_one_by_one_imports_hold(tmp_path, caplog):
    # GDELT's 15-minute files are small: import_files commits several in one transaction,
    # each its own batch and imports row, in order: a later file's row replaces an earlier
    # one's, the last of an id twice in a file wins, and problems keep their file and line
    a = _gdelt_rows(tmp_path / "a.export.CSV", [(1, 0, "RUS", "040"), (2, 1, "RUS", "040"),
                                                (3, 5, "CHN", "190")])
    b = _gdelt_rows(tmp_path / "b.export.CSV", [(2, 9, "RUS", "040"), (4, 10, "RUS", "040")])
    c = _gdelt_rows(tmp_path / "c.export.CSV", [(5, 3, "CHN", "190"), (5, 4, "CHN", "190")])
    files = [a, DATA / "gdelt2.export.CSV", b, c]
    # files of one layout are read in one scan; a .gz file, or one of another layout, in scans
    # of their own, still in order
    d = _gdelt_rows(tmp_path / "d.export.CSV", [(1, 20, "CHN", "036"), (6, 21, "IRN", "999"),
                                                (7, 22, "IRN", "173")])
    gz = tmp_path / "e.export.CSV.gz"
    gz.write_bytes(gzip.compress(_gdelt_rows(tmp_path / "e.tmp", [(2, 30, "UKR", "042")])
                                 .read_bytes()))
    more = [d, DATA / "gdelt1.daily.csv", gz, b]        # b again: imported already

    def content(store):
        q = lambda sql: store.con.execute(sql).fetchall()
        return (q("SELECT origin_id, event_date, cameo, group_id FROM events ORDER BY 1"),
                q("SELECT * EXCLUDE (group_id) FROM group_rows ORDER BY event_id"),
                q("SELECT path, rows_added, rows_skipped FROM imports ORDER BY path"))

    together, alone = [], []
    with caplog.at_level("INFO", logger="eventdesk.interop.importer"):
        with open_store(tmp_path / "t.duckdb") as store:
            results = import_files(store, files, on_problem=together.append)
            got = content(store)
    assert "4 small files committed together" in caplog.text
    with open_store(tmp_path / "o.duckdb") as store:
        for f in files:
            import_file(store, f, on_problem=alone.append)
            store.settle()
        want = content(store)
    assert got == want
    assert [(r.rows_added, r.rows_skipped) for r in results] == [(3, 0), (4, 3), (2, 0), (1, 0)]
    assert [p.location for p in together] == [p.location for p in alone]
    assert [p.location.rsplit(":", 1)[1] for p in together] == ["3", "5", "6"]
    events = {oid: day for oid, day, _, _ in got[0]}
    assert str(events["2"]) == "2017-04-10" and str(events["5"]) == "2017-04-05"
    together, alone = [], []
    with caplog.at_level("INFO", logger="eventdesk.interop.importer"):
        with open_store(tmp_path / "t2.duckdb") as store:
            import_files(store, files + more, on_problem=together.append)
            got = content(store)
    assert "7 small files committed together" in caplog.text
    with open_store(tmp_path / "o2.duckdb") as store:
        for f in files + more:
            import_file(store, f, on_problem=alone.append)
            store.settle()
        assert content(store) == got
    assert [p.location for p in together] == [p.location for p in alone]
    assert [p.location.rsplit("/", 1)[1] for p in together][3:] == [
        "d.export.CSV:2", "gdelt1.daily.csv:3"]
    events = {oid: day for oid, day, _, _ in got[0]}
    assert str(events["1"]) == "2017-04-21" and str(events["2"]) == "2017-05-01"
    # a rerun finds every file imported
    with open_store(tmp_path / "t.duckdb") as store:
        assert all(r.already_imported for r in import_files(store, files))
    # a file that cannot be read among them is reported; the others go in
    empty = tmp_path / "empty.export.CSV"
    empty.write_text("")
    problems = []
    with open_store(tmp_path / "e.duckdb") as store:
        results = import_files(store, [a, empty, b], on_problem=problems.append)
        assert [r.rows_added for r in results] == [3, 2]
        assert len(problems) == 1 and "empty file" in str(problems[0])
        assert store.counts()["events"] == 4


def _zip(path, member, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as z:
        z.write(member, member.name)
    return path


def test_gdelt_zips_read_together_hold_what_their_plain_files_hold(tmp_path, caplog):
    # GDELT publishes its 15-minute files as deflated zips: read together in one scan (as
    # gzip streams of the same bytes), they give what their plain files give, problems at the
    # file's line included; a stored (uncompressed) zip goes with them
    a = _gdelt_rows(tmp_path / "a.export.CSV", [(1, 0, "RUS", "040"), (2, 1, "CHN", "040")])
    b = _gdelt_rows(tmp_path / "b.export.CSV", [(3, 2, "RUS", "040"), (4, 3, "IRN", "999"),
                                                (5, 3, "IRN", "190")])
    c = _gdelt_rows(tmp_path / "c.export.CSV", [(2, 7, "CHN", "042")])
    zips = [_zip(tmp_path / "a.export.CSV.zip", a), _zip(tmp_path / "b.export.CSV.zip", b),
            _zip(tmp_path / "c.export.CSV.zip", c, zipfile.ZIP_STORED)]

    def content(store):
        return store.con.execute("SELECT origin_id, event_date, cameo, group_id FROM events "
                                 "ORDER BY 1").fetchall()

    zipped, plain = [], []
    with caplog.at_level("INFO", logger="eventdesk.interop.importer"), \
            open_store(tmp_path / "z.duckdb") as store:
        results = import_files(store, zips, on_problem=zipped.append)
        got = content(store)
    assert "3 small files committed together" in caplog.text
    with open_store(tmp_path / "p.duckdb") as store:
        import_files(store, [a, b, c], on_problem=plain.append)
        assert content(store) == got
    assert [(r.rows_added, r.rows_skipped) for r in results] == [(2, 0), (2, 1), (1, 0)]
    assert [p.location for p in zipped] == [f"{zips[1]}:2"]
    assert [p.location.replace(".zip", "") for p in zipped] == [p.location for p in plain]
    assert {oid: str(day) for oid, day, _, _ in got}["2"] == "2017-04-08"


def _spoilt(kind, tmp_path, member):
    """A compressed copy of ``member`` that is bad: its CRC wrong, or cut short."""
    if kind.startswith("gz"):
        raw = gzip.compress(member.read_bytes())
        raw = raw[:-8] + bytes(4) + raw[-4:] if kind == "gz-crc" else raw[:-100]
        path = tmp_path / (member.name + ".gz")
        path.write_bytes(raw)
        return path
    path = _zip(tmp_path / (member.name + ".zip"), member)
    raw = bytearray(path.read_bytes())
    for sig, at in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):  # both headers' CRC
        i = raw.find(sig) + at
        raw[i:i + 4] = bytes(4)
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("kind", ["zip-crc", "gz-crc"])
def test_a_compressed_file_with_a_wrong_crc_is_reported_and_others_go_in(
        tmp_path, kind):
    # DuckDB checks no gzip stream's CRC: the importer does, and a file whose bytes changed is
    # refused with its name, never half imported nor a traceback, whether it comes alone or
    # among small files read together (one cut short keeps the rows before the cut: below)
    a = _zip(tmp_path / "a.export.CSV.zip",
             _gdelt_rows(tmp_path / "a.export.CSV", [(1, 0, "RUS", "040")]))
    big = _gdelt_rows(tmp_path / "b.export.CSV", [(i, 1, "CHN", "040") for i in
                                                  range(2, 302)])  # past the 64 KB checked
    b = _spoilt(kind, tmp_path, big)                               # when formats are detected
    problems = []
    with open_store(tmp_path / "s.duckdb") as store:
        results = import_files(store, [a, b], on_problem=problems.append)
        assert [(r.path, r.rows_added) for r in results] == [(str(a), 1)]
        assert store.con.execute("SELECT origin_id FROM events").fetchall() == [("1",)]
    assert len(problems) == 1 and problems[0].location == str(b)
    assert "cannot read" in str(problems[0])
    with open_store(tmp_path / "alone.duckdb") as store:
        with pytest.raises(InputError, match="cannot read"):
            import_file(store, b)
        assert store.counts()["events"] == 0


@pytest.mark.parametrize("kind", ["zip-crc", "gz-cut"])
def test_a_plover_file_cut_short_or_with_a_wrong_crc_is_refused_whole(tmp_path, kind):
    # PLOVER lines are read by Python: a compressed file that ends too soon or whose CRC is
    # wrong is refused with its name, and the line it was cut in is not reported as a bad row
    member = tmp_path / "p.plover.jsonl"
    member.write_bytes((DATA / "plover.sample.jsonl").read_bytes() * 200)
    bad = _spoilt(kind, tmp_path, member)
    problems = []
    with open_store(tmp_path / "s.duckdb") as store:
        assert import_files(store, [bad], on_problem=problems.append) == []
        assert store.counts()["events"] == 0
    assert [(p.location, "cannot read" in str(p)) for p in problems] == [(str(bad), True)]


def test_a_group_shows_its_commonest_reading_by_the_first_report_of_it(tmp_path):
    # one event reported three times, twice as 040 (consult) and once, first, as 042 (visit):
    # the group reads 040 and shows the first report that reads so (its code, document and
    # sentence agree); a tie goes to the reading reported first
    path = _gdelt_rows(tmp_path / "a.export.CSV", [(1, 0, "RUS", "042"), (2, 0, "RUS", "040"),
                                                   (3, 1, "RUS", "040"), (10, 10, "RUS", "043"),
                                                   (11, 10, "RUS", "040")])
    with open_store(tmp_path / "s.duckdb") as store:
        import_file(store, path)
        store.settle()
        rows = store.con.execute("SELECT date, cameo, event_id, n_docs FROM groups "
                                 "ORDER BY date").fetchall()
        agree = store.con.execute("SELECT g.doc_id = e.doc_id AND g.cameo = e.cameo FROM "
                                  "groups g JOIN events e USING (event_id)").fetchall()
    assert [(str(d), c, e) for d, c, e, _ in rows] == [
        ("2017-04-01", "040", "gdelt2:2"), ("2017-04-11", "043", "gdelt2:10")]
    assert agree == [(True,), (True,)]


def test_a_version_5_store_has_its_representatives_chosen_again(tmp_path):
    # version 5 showed a chain's first report (here the 042 visit) with the commonest
    # reading's code (040): opened now, the store is regrouped and shows a report that reads 040
    from eventdesk.store.schema import STORE_VERSION
    path = _gdelt_rows(tmp_path / "a.export.CSV", [(1, 0, "RUS", "042"), (2, 0, "RUS", "040"),
                                                   (3, 1, "RUS", "040")])
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        import_file(store, path)
        store.settle()
        q = store.con.execute
        counts = q("SELECT n_reports, n_sources, n_docs, first_seen, last_seen FROM groups"
                   ).fetchall()
        q("UPDATE group_rows SET event_id = 'gdelt2:1', doc_id = (SELECT doc_id FROM events "
          "WHERE event_id = 'gdelt2:1')")
        q("UPDATE meta SET value = '5' WHERE key = 'store_version'")
    with open_store(db) as store:
        q = store.con.execute
        assert q("SELECT value FROM meta WHERE key = 'store_version'").fetchone()[0] == \
            str(STORE_VERSION)
        assert q("SELECT g.event_id, g.cameo, e.cameo, g.doc_id = e.doc_id FROM groups g "
                 "JOIN events e USING (event_id)").fetchall() == [("gdelt2:2", "040", "040", True)]
        assert q("SELECT n_reports, n_sources, n_docs, first_seen, last_seen FROM groups"
                 ).fetchall() == counts


def test_small_files_read_together_report_truncated_and_badly_encoded_rows_as_alone(tmp_path,
                                                                                  caplog):
    # in one scan of several files, a row cut short at a file's end and a row that is not
    # UTF-8 are reported with their own file and line, as when each file is imported alone
    a = _gdelt_rows(tmp_path / "a.export.CSV", [(1, 0, "RUS", "040"), (2, 1, "CHN", "040")])
    b = _gdelt_rows(tmp_path / "b.export.CSV", [(3, 2, "RUS", "040"), (4, 3, "IRN", "190")])
    b.write_bytes(b.read_bytes()[:-200])                 # the last row cut off mid-line
    c = _gdelt_rows(tmp_path / "c.export.CSV", [(5, 4, "RUS", "040"), (6, 5, "UKR", "173"),
                                                (7, 6, "UKR", "173")])
    raw = c.read_bytes().split(b"\n")
    raw[1] = raw[1].replace(b"UKRGOV", b"UKR\xff\xfeGOV")     # line 2: not UTF-8
    c.write_bytes(b"\n".join(raw))
    files = [a, b, c]
    together, alone = [], []
    with caplog.at_level("INFO", logger="eventdesk.interop.importer"), \
            open_store(tmp_path / "t.duckdb") as store:
        results = import_files(store, files, on_problem=together.append)
        got = store.con.execute("SELECT origin_id FROM events ORDER BY 1").fetchall()
    assert "3 small files committed together" in caplog.text
    with open_store(tmp_path / "o.duckdb") as store:
        for f in files:
            import_file(store, f, on_problem=alone.append)
        assert store.con.execute("SELECT origin_id FROM events ORDER BY 1").fetchall() == got
    assert [p.location for p in together] == [p.location for p in alone] == [
        f"{b}:2", f"{c}:2"]
    assert [(r.rows_added, r.rows_skipped) for r in results] == [(2, 0), (1, 1), (2, 1)]
    assert [oid for oid, in got] == ["1", "2", "3", "5", "7"]


def _lines_of(problems):
    return [int(p.location.rsplit(":", 1)[1]) for p in problems]


def test_a_gz_cut_short_keeps_the_rows_before_the_cut_and_says_so(tmp_path, cli, monkeypatch):
    # the rows read before the cut are committed, the file is reported as cut short, and the
    # closing line counts them (exit 3: not everything was read); cut inside a later chunk too
    rows = [(i, i % 20, "CHN", "040") for i in range(1, 3001)]
    whole = _gdelt_rows(tmp_path / "b.export.CSV", rows).read_bytes()
    packed = gzip.compress(whole)
    cut = tmp_path / "b.export.CSV.gz"
    cut.write_bytes(packed[:len(packed) * 3 // 4])
    with gzip.open(cut) as f:               # the lines a reader gets before the cut
        got = b""
        try:
            while block := f.read1(1 << 16):
                got += block
        except EOFError:
            pass
    before = got.count(b"\n")
    assert 1000 < before < 3000
    db = tmp_path / "s.duckdb"
    r = cli("import", cut, "--db", db)
    assert r.returncode == 3, r.stderr
    assert f"{cut}: cut short after line {before:,}" in r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert f"1 of 1 files read (1 of them only in part), {before:,} rows imported" in last, last
    with open_store(db) as store:
        assert store.counts()["events"] == before
    monkeypatch.setenv("EVENTDESK_IMPORT_CHUNK", "100000")   # cut inside the third chunk
    problems = []
    with open_store(tmp_path / "chunks.duckdb") as store:
        r = import_file(store, cut, on_problem=problems.append)
        assert r.rows_added == before and r.incomplete
        assert store.counts()["events"] == before
        assert store.con.execute("SELECT count(DISTINCT batch_id) FROM event_rows"
                                 ).fetchone()[0] > 2
    assert [p.location for p in problems] == [str(cut)]


@pytest.mark.parametrize("chunk", [None, "20000"])
def test_blank_lines_count_as_lines_and_every_bad_row_is_reported_at_its_line(
        tmp_path, monkeypatch, chunk):
    # blank lines (empty, or a lone CR) are no rows, but they are lines, as in an editor: each
    # of the eight bad rows is reported at its own line, none hidden behind another
    if chunk:
        monkeypatch.setenv("EVENTDESK_IMPORT_CHUNK", chunk)
    good = _gdelt_rows(tmp_path / "g.export.CSV",
                       [(i, i % 20, "RUS", "040") for i in range(1, 201)]).read_text().splitlines()
    lines, bad = [], []
    for i, line in enumerate(good):
        if i % 7 == 3:
            lines += ["", "\r"] if i % 2 else [""]
        if i % 25 == 5:
            f = line.split("\t")
            f[26] = "999"                               # an unknown code, or a bad date
            line = "\t".join(f) if i % 50 == 5 else line.replace("\t2017", "\tx2017", 1)
            bad.append(len(lines) + 1)
        lines.append(line)
    assert len(bad) == 8
    path = tmp_path / "blank.export.CSV"
    path.write_text("\n".join(lines) + "\n")
    problems = []
    with open_store(tmp_path / "s.duckdb") as store:
        r = import_file(store, path, on_problem=problems.append)
        assert (r.rows_added, r.rows_skipped) == (192, 8)
        assert store.counts()["events"] == 192
    assert sorted(_lines_of(problems)) == bad
    for p in problems:                      # the line reported is the bad row
        text = lines[_lines_of([p])[0] - 1]
        assert "\t999\t" in text or "\tx2017" in text


@pytest.mark.parametrize("packed", [False, True])
def test_a_line_past_the_limit_is_reported_at_its_line_and_the_rows_after_go_in(
        tmp_path, packed):
    # a line of 40 MB (more than DuckDB's 32 MB buffer, which would drop it unreported) and
    # one of 3 MB are skipped rows with their lines; the rows around them go in
    rows = _gdelt_rows(tmp_path / "g.export.CSV", [(i, 1, "RUS", "040") for i in range(1, 6)]
                       ).read_bytes().splitlines(keepends=True)
    huge = tmp_path / ("long.export.CSV.zip" if packed else "long.export.CSV")
    parts = [rows[0], rows[1][:-1] + b"x" * (40 << 20) + b"\n", rows[2],
             b"y" * (3 << 20) + b"\n", rows[3], rows[4]]
    if packed:
        with zipfile.ZipFile(huge, "w", zipfile.ZIP_DEFLATED) as z, \
                z.open("long.export.CSV", "w") as out:
            for part in parts:
                for i in range(0, len(part), 1 << 20):
                    out.write(part[i:i + (1 << 20)])
        assert huge.stat().st_size < 1 << 20
    else:
        huge.write_bytes(b"".join(parts))
    problems = []
    with open_store(tmp_path / "s.duckdb") as store:
        r = import_file(store, huge, "gdelt2", on_problem=problems.append)
        assert (r.rows_added, r.rows_skipped) == (4, 2)
        assert sorted(o for o, in store.con.execute("SELECT origin_id FROM events").fetchall()
                      ) == ["1", "3", "4", "5"]
    assert sorted(_lines_of(problems)) == [2, 4]
    assert all("longer than the limit (1 MB" in str(p) for p in problems)


def test_a_zip_bomb_is_streamed_and_refused_past_the_decompressed_limit(tmp_path, cli,
                                                                        monkeypatch):
    # 300 MB of one byte after a few rows, in a zip of 300 KB (built streaming): with the
    # limit lowered to 64 MB the import stops there, keeps the rows read, says why, and
    # writes no extracted copy to the temporary folder
    rows = _gdelt_rows(tmp_path / "g.export.CSV", [(i, 1, "RUS", "040") for i in range(1, 4)]
                       ).read_bytes()
    bomb = tmp_path / "bomb.export.CSV.zip"
    block = b"7" * (1 << 20)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z, \
            z.open("bomb.export.CSV", "w", force_zip64=True) as out:
        out.write(rows)
        for _ in range(300):
            out.write(block)
    assert bomb.stat().st_size < 1 << 20
    monkeypatch.setenv("EVENTDESK_IMPORT_MAX_BYTES", str(64 << 20))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    db = tmp_path / "s.duckdb"
    r = cli("import", bomb, "--format", "gdelt2", "--db", db)
    assert r.returncode == 3, r.stderr
    assert f"{bomb}: decompresses to more than 64 MB (the limit" in r.stderr
    assert "3 rows imported" in r.stderr.strip().splitlines()[-1]
    assert list((tmp_path / "tmp").iterdir()) == []
    with open_store(db) as store:
        assert store.counts()["events"] == 3


def test_gdelt1_rows_of_57_and_58_columns_mix_in_one_file(tmp_path, monkeypatch):
    # the historical rows (before April 2013) have no SOURCEURL: each row is read as it is,
    # in whatever order they come, and a row with fewer columns is still reported
    base = (DATA / "gdelt1.daily.csv").read_text().splitlines()[0].split("\t")
    assert len(base) == 58
    lines, expect, bad = [], {}, []
    for i in range(1, 301):
        f = list(base)
        f[0] = str(900000 + i)
        old = i % 3 == 0
        if old:
            f = f[:57]                              # no SOURCEURL
        if i % 100 == 50:
            f = f[:40]                              # cut: too few columns
            bad.append(i)
        else:
            expect[str(900000 + i)] = None if old else base[57]
        lines.append("\t".join(f))
    path = tmp_path / "mixed.export.CSV"
    path.write_text("\n".join(lines) + "\n")
    problems = []
    with open_store(tmp_path / "s.duckdb") as store:
        r = import_file(store, path, on_problem=problems.append)
        assert (r.format, r.rows_added, r.rows_skipped) == ("gdelt1", 297, 3)
        got = dict(store.con.execute("SELECT origin_id, url FROM events").fetchall())
    assert got == expect
    assert sorted(_lines_of(problems)) == bad
    assert all("wrong number of columns" in str(p) for p in problems)


def test_a_plover_line_past_the_limit_is_reported_and_the_others_go_in(tmp_path):
    lines = (DATA / "plover.sample.jsonl").read_text().splitlines()
    long = json.dumps({"id": "long-1", "date": "2017-04-12", "event": "CONSULT",
                       "text": "z" * (3 << 20)})
    path = tmp_path / "p.plover.jsonl"
    path.write_text("\n".join([lines[0], long, *lines[1:]]) + "\n")
    problems = []
    with open_store(tmp_path / "s.duckdb") as store:
        r = import_file(store, path, on_problem=problems.append)
        assert r.rows_added == GOOD["plover.sample.jsonl"][1]
    assert sorted(_lines_of(problems)) == [2] + [x + 1 for x in GOOD["plover.sample.jsonl"][2]]
    assert "longer than the limit (1 MB" in str(next(p for p in problems
                                                     if p.location.endswith(":2")))


def test_a_store_write_failing_part_way_says_what_was_committed_before(tmp_path):
    # the first file commits; the connection's code table is then spoilt, so the second's
    # write fails: the error says it wrote nothing and that the first's rows are in
    from eventdesk.errors import StoreError
    a = _gdelt_rows(tmp_path / "a.export.CSV", [(i, 1, "RUS", "040") for i in range(1, 31)])

    def starve(result):
        store.con.execute("CREATE OR REPLACE TEMP TABLE ed_cameo (x INTEGER)")

    with open_store(tmp_path / "s.duckdb") as store:
        with pytest.raises(StoreError) as exc:
            import_files(store, [str(a), str(DATA / "plover.sample.jsonl")], on_file=starve)
        assert store.con.execute("SELECT count(*) FROM event_rows").fetchone()[0] == 30
    assert "plover.sample.jsonl failed, nothing was written" in str(exc.value)
    assert str(exc.value).endswith("committed before it: 30 rows from 1 file")


def test_a_stray_nul_in_one_row_loses_that_row_only(tmp_path):
    from eventdesk.interop.importer import import_files
    from eventdesk.store import open_store

    lines = (DATA / "gdelt2.export.CSV").read_bytes().splitlines()
    lines[2] = lines[2][:40] + b"\x00" + lines[2][40:]
    path = tmp_path / "nul.CSV"
    path.write_bytes(b"\n".join(lines) + b"\n")
    problems = []
    with open_store(tmp_path / "s.duckdb") as store:
        results = import_files(store, [str(path)], on_problem=problems.append)
    assert results and results[0].rows_added == 4
    assert any(":3:" in str(p) for p in problems)            # the NUL row, at its line
    binary = tmp_path / "bin.CSV"
    binary.write_bytes(b"\x00\x01\x02" * 1000)
    with open_store(tmp_path / "s.duckdb") as store:
        errs = []
        import_files(store, [str(binary)], on_problem=errs.append)
    assert any("binary" in str(e) for e in errs)
