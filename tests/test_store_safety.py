"""The store under stress, with real processes: SIGKILL mid-write, a second process, old and
newer layouts, a read-only location, a full disk."""
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from eventdesk import open_store
from eventdesk.errors import StoreError
from eventdesk.interop.importer import import_file
from eventdesk.interop.layouts import GDELT2
from eventdesk.store.corroborate import Rule
from eventdesk.store.schema import STORE_VERSION

DATA = Path(__file__).parent / "data" / "interop"
STATES = ["USA", "RUS", "CHN", "PRK", "UKR", "IRN"]
CODES = ["010", "0251", "036", "040", "042", "111", "120", "173", "190"]


def gdelt_file(path, rows, seed):
    """A valid GDELT 2.0 export of ``rows`` events written by DuckDB (ids start at seed*10^6)."""
    st = "[" + ",".join(f"'{s}'" for s in STATES) + "]"
    co = "[" + ",".join(f"'{c}'" for c in CODES) + "]"
    expr = {"GLOBALEVENTID": f"CAST({seed * 1_000_000} + i AS VARCHAR)",
            "SQLDATE": "strftime(DATE '2017-01-01' + CAST(h % 60 AS INTEGER), '%Y%m%d')",
            "Actor1Code": f"{st}[1 + CAST(h % 6 AS INTEGER)]",
            "Actor1CountryCode": f"{st}[1 + CAST(h % 6 AS INTEGER)]",
            "Actor2Code": f"{st}[1 + CAST((h // 6) % 6 AS INTEGER)]",
            "Actor2CountryCode": f"{st}[1 + CAST((h // 6) % 6 AS INTEGER)]",
            "EventCode": f"{co}[1 + CAST((h // 36) % 9 AS INTEGER)]",
            "NumMentions": "CAST(1 + h % 5 AS VARCHAR)", "NumSources": "'1'",
            "NumArticles": "'2'", "DATEADDED": "'20170301000000'",
            "SOURCEURL": "'https://news' || CAST(h % 7 AS VARCHAR) || '.example/' || CAST(i AS VARCHAR)"}
    cols = ", ".join(f"{expr.get(n, repr(''))} AS \"{n}\"" for n in GDELT2.names)
    duckdb.sql(f"COPY (SELECT {cols} FROM (SELECT i, hash(i * 7 + {seed}) AS h FROM range({rows}) "
               f"t(i))) TO '{path}' (FORMAT csv, DELIMITER '\t', HEADER false, QUOTE '')")
    return path


def fingerprint(db):
    """What a store holds, as numbers that must match between two runs, after checking that
    it is consistent: whole batches only, every event in exactly one group, the groups' counts
    those of their members, provenance and documents matching the events."""
    with open_store(db, read_only=True) as s:
        q = lambda sql: s.con.execute(sql).fetchone()
        n, distinct = q("SELECT count(*), count(DISTINCT event_id) FROM events")
        assert n == distinct, "an event stored twice"
        assert q("SELECT count(*) FROM events e ANTI JOIN groups g USING (group_id)")[0] == 0
        assert q("SELECT count(*) FROM groups g ANTI JOIN events e USING (group_id)")[0] == 0
        assert q("SELECT count(*), count(DISTINCT group_id) FROM groups")[0] == \
            q("SELECT count(DISTINCT group_id) FROM events")[0]
        assert q("SELECT sum(n_reports) FROM groups")[0] == q("SELECT sum(n_mentions) FROM events")[0]
        # imports: every imported event's batch is a committed chunk of a file, and each file
        # done holds no more rows than it added (fewer when a later file replaced some)
        assert q("SELECT count(*) FROM (SELECT f.file_hash, f.dataset, count(*) AS n FROM events "
                 "e LEFT JOIN (SELECT batch_id, file_hash, dataset FROM imports UNION ALL SELECT "
                 "batch_id, file_hash, dataset FROM import_parts) f USING (batch_id) WHERE "
                 "e.dataset <> 'eventdesk' GROUP BY ALL) e LEFT JOIN imports i "
                 "USING (file_hash, dataset) WHERE e.file_hash IS NULL OR e.n > i.rows_added"
                 )[0] == 0
        # ingest: every coded event has its document and one provenance row, and back
        assert q("SELECT count(*) FROM events e WHERE dataset = 'eventdesk' AND doc_id NOT IN "
                 "(SELECT doc_id FROM documents)")[0] == 0
        assert q("SELECT count(*) FROM provenance")[0] == \
            q("SELECT count(*) FROM events WHERE dataset = 'eventdesk'")[0]
        assert q("SELECT sum(n_events) FROM documents")[0] in (None, q(
            "SELECT count(*) FROM events WHERE dataset = 'eventdesk'")[0])
        return {"events": n, "groups": q("SELECT count(*) FROM groups")[0],
                "documents": q("SELECT count(*) FROM documents")[0],
                "ids": q("SELECT md5(string_agg(event_id || '>' || group_id, ',' "
                         "ORDER BY event_id)) FROM events")[0],
                "groups_sum": q("SELECT md5(string_agg(concat_ws('|', group_id, n_reports, "
                                "n_sources, n_docs, first_seen, last_seen), ',' ORDER BY "
                                "group_id)) FROM groups")[0]}


def spawn(*args):
    return subprocess.Popen([sys.executable, "-m", "eventdesk", *map(str, args)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def kill_after(proc, marker, nth=1, delay=0.0):
    """SIGKILL ``proc`` once its stderr has shown ``marker`` ``nth`` times (then ``delay``
    seconds), or at once when nth is 0 and ``delay`` has passed; True if it was still running."""
    if nth:
        seen = 0
        for line in proc.stderr:
            seen += marker in line
            if seen >= nth:
                break
    time.sleep(delay)
    alive = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return alive


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "eventdesk", *map(str, args)],
                          capture_output=True, text=True, timeout=600)


# -- crash safety ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gdelt_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("gdelt")
    return [gdelt_file(root / f"f{i}.export.CSV", 15000, i + 1) for i in range(3)]


@pytest.fixture(scope="module")
def import_reference(gdelt_files, tmp_path_factory):
    db = tmp_path_factory.mktemp("ref") / "ref.duckdb"
    r = run_cli("import", *gdelt_files, "--db", db)
    assert r.returncode == 0, r.stderr
    return fingerprint(db)


@pytest.mark.parametrize("moment", ["after the first file commits", "in the first file",
                                    "while its reports are grouped"])
def test_import_killed_leaves_whole_chunks_and_a_rerun_completes_it(tmp_path, gdelt_files,
                                                                    import_reference, moment,
                                                                    monkeypatch):
    # the kill lands at a known point: after a line of the import's log (-v)
    marker = {"after the first file commits": "rows imported",
              "in the first file": "chunk 1 committed",
              "while its reports are grouped": "slice 1 of"}[moment]
    monkeypatch.setenv("EVENTDESK_IMPORT_CHUNK", "300000")         # about 12 chunks a file
    monkeypatch.setenv("EVENTDESK_GROUP_SLICE", "5000")            # 9 slices for 45,000
    db = tmp_path / "s.duckdb"
    proc = spawn("-v", "import", *gdelt_files, "--db", db)
    assert kill_after(proc, marker, nth=1), "the import finished before it could be killed"
    with open_store(db) as s:                   # opens; holds whole chunks only
        q = lambda sql: s.con.execute(sql).fetchone()[0]
        events, parts = q("SELECT count(*) FROM event_rows"), q("SELECT count(*) FROM import_parts")
        pending = q("SELECT count(*) FROM group_pending")
        files = q("SELECT count(*) FROM imports")
    if moment == "while its reports are grouped":
        assert events == 45000 and files == 3 and pending > 0
    else:
        assert files == (1 if moment == "after the first file commits" else 0)
        assert 0 < events < 45000 and parts > 0
    got = fingerprint(db)                       # consistent: its reads group what is pending
    assert got["events"] == events
    r = run_cli("import", *gdelt_files, "--db", db)
    assert r.returncode == 0, r.stderr
    assert fingerprint(db) == import_reference
    with open_store(db, read_only=True) as s:     # no file left unfinished, nothing to group
        assert s.con.execute("SELECT count(*) FROM import_parts ANTI JOIN imports "
                             "USING (file_hash, dataset)").fetchone()[0] == 0
        assert s.con.execute("SELECT count(*) FROM group_pending").fetchone()[0] == 0


def test_import_in_chunks_gives_what_one_transaction_gives(tmp_path, gdelt_files,
                                                           import_reference, monkeypatch):
    monkeypatch.setenv("EVENTDESK_IMPORT_CHUNK", "300000")         # about 12 chunks a file
    r = run_cli("import", *gdelt_files, "--db", tmp_path / "s.duckdb")
    assert r.returncode == 0, r.stderr
    assert fingerprint(tmp_path / "s.duckdb") == import_reference


def write_corpus(path, n=160):
    verbs = ["met", "condemned", "praised", "threatened", "criticized", "accused"]
    states = ["Russia", "China", "the United States", "Iran", "Ukraine", "France"]
    with open(path, "w") as f:
        for i in range(n):
            a, b = states[i % 6], states[(i // 6 + 1 + i) % 6]
            if a == b:
                b = states[(i + 2) % 6]
            f.write(json.dumps({"id": f"d{i:04d}", "date": f"2017-03-{1 + i % 28:02d}",
                                "source": f"outlet{i % 5}",
                                "text": f"{a} {verbs[i % 6]} {b} on Tuesday."}) + "\n")
    return path


def test_ingest_killed_between_batches_leaves_whole_batches_and_a_rerun_completes_it(tmp_path):
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    ref = tmp_path / "ref.duckdb"
    args = ["ingest", corpus, "--batch-size", "32", "-q"]
    r = run_cli(*args, "--db", ref)
    assert r.returncode == 0, r.stderr
    want = fingerprint(ref)
    assert want["documents"] == 160 and want["events"] > 100

    db = tmp_path / "s.duckdb"
    proc = spawn("-v", *args, "--db", db)
    assert kill_after(proc, "documents committed", nth=2), "ingest finished before the kill"
    got = fingerprint(db)
    assert got["documents"] % 32 == 0 and 64 <= got["documents"] < 160
    r = run_cli(*args, "--db", db)
    assert r.returncode == 0, r.stderr
    assert fingerprint(db) == want


# -- grouping done batch by batch is the grouping of everything at once ------------------------
def test_grouping_file_by_file_equals_regrouping_everything(tmp_path, gdelt_files):
    db = tmp_path / "s.duckdb"
    with open_store(db) as s:
        for f in reversed(gdelt_files):          # later ids first: groups are born and merge
            import_file(s, f)
            s.settle()
        import_file(s, DATA / "gdelt2.export.CSV")
        s.settle()
        import_file(s, gdelt_files[0], force=True)   # replaces its own events
        s.settle()
    incremental = fingerprint(db)
    with open_store(db) as s:
        s.set_rule(Rule())                       # regroups every event from scratch
    assert fingerprint(db) == incremental


# -- concurrency ----------------------------------------------------------------------------------
HOLD = """
import sys, time
from eventdesk import open_store
s = open_store(sys.argv[1], read_only=sys.argv[2] == 'ro')
print('holding', flush=True)
time.sleep(60)
"""


def hold(db, mode):
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(db), mode], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "holding", p.stderr.read()
    return p


def test_a_second_process_gets_a_clear_message_while_a_writer_holds_the_store(tmp_path):
    db = tmp_path / "s.duckdb"
    with open_store(db) as s:
        import_file(s, DATA / "gdelt2.export.CSV")
    writer = hold(db, "rw")
    try:
        for ro in (False, True):
            with pytest.raises(StoreError, match="in use by another process"):
                open_store(db, read_only=ro)
        r = run_cli("events", "--db", db)
        assert r.returncode == 2 and "in use by another process" in r.stderr
        assert r.stderr.count("\n") == 1            # one line, no traceback
    finally:
        writer.kill()
        writer.wait()
    assert fingerprint(db)["events"] == 4


def test_readers_share_the_store_and_exclude_a_writer(tmp_path):
    db = tmp_path / "s.duckdb"
    with open_store(db) as s:
        import_file(s, DATA / "gdelt2.export.CSV")
    reader = hold(db, "ro")
    try:
        with open_store(db, read_only=True) as s:      # a second reader: fine
            assert s.counts()["events"] == 4
        with pytest.raises(StoreError, match="in use by another process"):
            open_store(db)
    finally:
        reader.kill()
        reader.wait()
    with open_store(db) as s:                          # the writer can go on afterwards
        assert s.counts()["events"] == 4


# -- migration ------------------------------------------------------------------------------------
V1 = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE documents (
    doc_id VARCHAR PRIMARY KEY, title VARCHAR, url VARCHAR, source VARCHAR, path VARCHAR,
    published DATE, date_precision VARCHAR, content_hash VARCHAR NOT NULL,
    n_events INTEGER NOT NULL, ingested_at TIMESTAMP NOT NULL);
CREATE TABLE events (
    event_id VARCHAR PRIMARY KEY, doc_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
    sentence VARCHAR NOT NULL, event_date DATE, date_precision VARCHAR NOT NULL,
    cameo VARCHAR NOT NULL, root VARCHAR NOT NULL, cameo_name VARCHAR, goldstein DOUBLE,
    quad TINYINT, penta TINYINT, plover VARCHAR, mode VARCHAR, context VARCHAR,
    status VARCHAR NOT NULL, actor_code VARCHAR, actor_country VARCHAR,
    recipient_code VARCHAR, recipient_country VARCHAR, location VARCHAR,
    location_country VARCHAR, pattern VARCHAR NOT NULL, record JSON);
CREATE TABLE event_entities (
    event_id VARCHAR NOT NULL, role VARCHAR NOT NULL, position INTEGER NOT NULL,
    code VARCHAR, country VARCHAR, sector VARCHAR, text VARCHAR, name VARCHAR,
    wikidata VARCHAR);
CREATE TABLE provenance (
    event_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
    source VARCHAR, url VARCHAR, published DATE, spans JSON);
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO documents VALUES
    ('a', 'Talks', 'https://wire.example/a', 'wire.example', 'a.txt', '2017-04-12', 'day', 'h1', 1, now()),
    ('b', 'Talks again', 'https://paper.example/b', 'paper.example', 'b.txt', '2017-04-13', 'day', 'h2', 2, now());
INSERT INTO events VALUES
    ('e1', 'a', 0, 'Tillerson met Lavrov.', '2017-04-12', 'day', '040', '04', 'Consult', 1.0, 1, 1,
     'CONSULT', NULL, NULL, 'asserted', 'USAGOV', 'USA', 'RUSGOV', 'RUS', 'Moscow', 'RUS', 'p1', NULL),
    ('e2', 'b', 0, 'Lavrov met Tillerson.', '2017-04-13', 'day', '042', '04', 'Make a visit', 1.9, 1, 1,
     'CONSULT', NULL, NULL, 'asserted', 'USAGOV', 'USA', 'RUSGOV', 'RUS', NULL, NULL, 'p2', NULL),
    ('e3', 'b', 1, 'Russia condemned the strike.', '2017-04-13', 'day', '122', '12', 'Reject', -4.0, 3, 3,
     'REJECT', NULL, NULL, 'asserted', 'RUS', 'RUS', 'USA', 'USA', NULL, NULL, 'p3', NULL);
INSERT INTO event_entities VALUES
    ('e1', 'actor', 0, 'USAGOV', 'USA', 'GOV', 'Tillerson', 'Rex Tillerson', 'Q23', ),
    ('e1', 'recipient', 0, 'RUSGOV', 'RUS', 'GOV', 'Lavrov', 'Sergei Lavrov', NULL),
    ('e2', 'actor', 0, 'USAGOV', 'USA', 'GOV', 'Tillerson', 'Rex Tillerson', NULL),
    ('e2', 'recipient', 0, 'RUSGOV', 'RUS', 'GOV', 'Lavrov', 'Sergei Lavrov', NULL),
    ('e3', 'actor', 0, 'RUS', 'RUS', NULL, 'Russia', NULL, NULL),
    ('e3', 'recipient', 0, 'USA', 'USA', NULL, 'the U.S.', NULL, NULL);
INSERT INTO provenance VALUES
    ('e1', 'a', 0, 'wire.example', 'https://wire.example/a', '2017-04-12', '{}'),
    ('e2', 'b', 0, 'paper.example', 'https://paper.example/b', '2017-04-13', '{}'),
    ('e3', 'b', 1, 'paper.example', 'https://paper.example/b', '2017-04-13', '{}');
"""


@pytest.mark.parametrize("read_only", [False, True])
def test_a_version_1_store_is_migrated_with_its_data_intact(tmp_path, read_only):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(V1.replace("'Q23', )", "'Q23')"))
    con.close()
    with open_store(db, read_only=read_only) as s:
        assert s.con.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()[0] == str(STORE_VERSION)
        assert {e.id for e in s.events()} == {"e1", "e2", "e3"}
        ev = s.event("e1")
        assert (ev.cameo, ev.actor[0].name, ev.recipient[0].country) == ("040", "Rex Tillerson", "RUS")
        assert s.provenance("e3")[0]["path"] == "b.txt"
        # the two meetings a day apart in two outlets are one corroborated event
        g = s.group("e1")
        assert {r["event_id"] for r in g["reports"]} == {"e1", "e2"}
        assert (g["n_reports"], g["n_sources"], g["n_docs"]) == (2, 2, 2)
        assert s.counts()["corroborated"] == 2
        assert [r[0] for r in s.con.execute(
            f"SELECT actor_name FROM {s.analysis_events()} ORDER BY date").fetchall()] == ["Rex Tillerson", None]
    fingerprint(db)
    with open_store(db) as s:                        # a migrated store takes new writes
        import_file(s, DATA / "gdelt2.export.CSV")
        assert s.counts()["events"] == 7


def test_a_version_2_store_is_migrated_with_its_rows_groups_and_imports_intact(tmp_path):
    from eventdesk.store.schema import migrate_1_to_2
    db = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(db))
    con.execute(V1.replace("'Q23', )", "'Q23')"))
    migrate_1_to_2(con)                 # the version-2 events table, as version 2 wrote it
    # an imported GDELT row as version 2 stored it: every column filled, its fields in extra
    con.execute("""INSERT INTO events SELECT 'gdelt2:77', 'https://w.example/x', 0, '',
        DATE '2017-04-14', 'day', '190', '19', 'Use conventional military force', -10.0, 4, 4,
        'ASSAULT', NULL, NULL, 'asserted', 'USA', 'USA', 'SYR', 'SYR', 'Shayrat', 'SYR',
        'import:gdelt2', NULL, 'gdelt2', '77', 'w.example', 'https://w.example/x',
        DATE '2017-04-14', NULL, NULL, 'UNITED STATES', NULL, 'SYRIA', '|USA|USA|', '|SYR|SYR|',
        34.5, 36.9, 12, 3, 9, 'k', 'g', 1, 'a' || chr(9) || 'b'""")
    con.execute("UPDATE events SET ckey = md5(event_id), group_id = md5(event_id)")
    con.execute("CREATE TABLE groups AS SELECT group_id, ckey, event_id FROM events")
    con.execute("CREATE TABLE imports (file_hash VARCHAR, dataset VARCHAR, path VARCHAR, "
                "rows_added BIGINT, rows_skipped BIGINT, batch_id BIGINT, imported_at TIMESTAMP)")
    con.execute("INSERT INTO imports VALUES ('h', 'gdelt2', 'x.CSV', 1, 0, 1, now())")
    con.execute("INSERT INTO meta VALUES ('store_version', '2')")
    con.close()
    with open_store(db) as s:
        assert s.con.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()[0] == str(STORE_VERSION)
        assert {e.id for e in s.events()} == {"e1", "e2", "e3", "gdelt2:77"}
        strike = s.event("gdelt2:77")
        assert (strike.cameo, strike.goldstein, strike.location.name) == ("190", -10.0, "Shayrat")
        # regrouped by the current rule: the two meetings are one event, the others alone
        assert {r["event_id"] for r in s.group("e1")["reports"]} == {"e1", "e2"}
        g = s.group("gdelt2:77")
        assert (g["n_reports"], g["n_sources"], g["n_docs"]) == (12, 3, 9)
        assert s.counts()["corroborated"] == 3
        assert s.con.execute("SELECT extra FROM events WHERE origin_id = '77'").fetchone()[0] == "a\tb"
        assert s.con.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
    fingerprint(db)


def test_a_version_3_store_is_migrated_with_its_groups_intact(tmp_path):
    db = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(db))
    con.execute(V1.replace("'Q23', )", "'Q23')"))     # two meetings a day apart, a third event
    con.close()
    with open_store(db) as s:
        import_file(s, gdelt_file(tmp_path / "a.CSV", 3000, 1))
    before = fingerprint(db)
    # the layout version 3 wrote: a chain's group id itself in event_rows.group_id (and views
    # of its own over it)
    con = duckdb.connect(str(db))
    con.execute("DROP VIEW groups; DROP VIEW events; DROP VIEW events_v")
    con.execute("ALTER TABLE event_rows ADD COLUMN group_id VARCHAR")
    con.execute("UPDATE event_rows SET group_id = md5(hex(ckey) || '|' || "
                "CAST(chain_first AS VARCHAR)) WHERE chain_first IS NOT NULL")
    con.execute("ALTER TABLE event_rows DROP COLUMN chain_first")
    con.execute("CREATE VIEW events_v AS SELECT * FROM event_rows")
    con.execute("CREATE VIEW events AS SELECT * FROM events_v")
    con.execute("CREATE VIEW groups AS SELECT * FROM group_rows")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'store_version'")
    con.close()
    assert fingerprint(db) == before              # migrated by a read-only open, as it was
    with open_store(db) as s:
        assert s.con.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()[0] == str(STORE_VERSION)
        gid = s.con.execute("SELECT group_id FROM events WHERE event_id = 'e1'").fetchone()[0]
        assert {r["event_id"] for r in s.group(gid)["reports"]} == {"e1", "e2"}
        import_file(s, gdelt_file(tmp_path / "b.CSV", 2000, 2))      # and takes new writes
    after = fingerprint(db)
    assert after["events"] == before["events"] + 2000


def test_a_store_of_a_newer_version_is_refused_and_left_alone(tmp_path):
    db = tmp_path / "new.duckdb"
    with open_store(db) as s:
        import_file(s, DATA / "gdelt2.export.CSV")
        s.con.execute("UPDATE meta SET value = ? WHERE key = 'store_version'",
                      [str(STORE_VERSION + 1)])
    before = db.read_bytes()
    for ro in (False, True):
        with pytest.raises(StoreError, match=f"store version {STORE_VERSION + 1} was written "
                                             "by a newer eventdesk"):
            open_store(db, read_only=ro)
    assert db.read_bytes() == before


def test_a_database_that_is_not_a_store_is_refused(tmp_path):
    db = tmp_path / "other.duckdb"
    duckdb.connect(str(db)).execute("CREATE TABLE t (x INT)").close()
    with pytest.raises(StoreError, match="not an eventdesk store"):
        open_store(db)
    (tmp_path / "junk.duckdb").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="junk.duckdb"):
        open_store(tmp_path / "junk.duckdb")


# -- a location that refuses writes, a full disk -------------------------------------------------
def test_a_store_where_no_file_can_be_created_gives_a_clear_error(tmp_path):
    # chmod does not stop root (these tests may run as root): use places that refuse every user
    (tmp_path / "plain-file").write_text("x")
    for path, why in ((tmp_path / "plain-file" / "s.duckdb", "cannot open the store"),
                      (Path("/proc/eventdesk-test.duckdb"), "cannot open the store"),
                      (tmp_path / "missing" / "s.duckdb", "does not exist")):
        with pytest.raises(StoreError, match=why) as exc:
            open_store(path)
        assert str(path) in str(exc.value)
        r = run_cli("import", DATA / "gdelt2.export.CSV", "--db", path)
        assert r.returncode == 2 and str(path) in r.stderr and "Traceback" not in r.stderr


def test_a_store_whose_folder_refuses_new_files_keeps_what_it_held(tmp_path):
    db = tmp_path / "s.duckdb"
    with open_store(db) as s:
        import_file(s, DATA / "gdelt2.export.CSV")
    before = fingerprint(db)
    # a write journal (DuckDB's <store>.wal) that cannot be created: a folder in its place
    # refuses the file to root too, as a read-only folder does to other users
    (tmp_path / "s.duckdb.wal").mkdir()
    r = run_cli("import", DATA / "icews.sample.tab", "--db", db)
    assert r.returncode == 2, r.stderr
    assert str(db) in r.stderr and "Traceback" not in r.stderr
    assert "cannot open the store" in r.stderr or "nothing was written" in r.stderr
    (tmp_path / "s.duckdb.wal").rmdir()
    assert fingerprint(db) == before


FULL = """
import resource, signal, sys
from eventdesk.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)       # EFBIG instead of death
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.exit(main(sys.argv[2:]))
"""


def test_a_full_disk_gives_a_clear_error_and_leaves_the_store_intact(tmp_path, gdelt_files):
    db = tmp_path / "s.duckdb"
    with open_store(db) as s:
        import_file(s, DATA / "gdelt2.export.CSV")
    before = fingerprint(db)
    limit = db.stat().st_size + 64 * 1024        # files may grow by 64 KB: the disk is full
    r = subprocess.run([sys.executable, "-c", FULL, str(limit), "import", gdelt_files[1],
                        "--db", str(db)], capture_output=True, text=True, timeout=300)
    assert r.returncode in (1, 2), r.stderr
    assert str(db) in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert fingerprint(db) == before
    r = run_cli("import", gdelt_files[1], "--db", db)     # room again: the import goes through
    assert r.returncode == 0, r.stderr
    assert fingerprint(db)["events"] == before["events"] + 15000


def test_an_import_cut_off_and_resumed_reports_its_later_bad_rows_at_their_file_lines(
        tmp_path, monkeypatch):
    # a plain file's lines are counted only when a problem needs its line: a resumed import
    # (whose committed chunks recorded no line count) counts them from the file's start
    path = gdelt_file(tmp_path / "a.export.CSV", 3000, 1)
    lines = path.read_text().splitlines(keepends=True)
    lines[1199] = lines[1199].replace("\t2017", "\t2017x", 1)      # line 1200: a bad date
    lines[2799] = lines[2799].replace("\t", " ", 3)                 # line 2800: too few columns
    path.write_text("".join(lines))
    monkeypatch.setenv("EVENTDESK_IMPORT_CHUNK", "40000")           # a few hundred rows a chunk

    def cut(problem):               # the first problem stops the import, in its chunk
        raise RuntimeError(f"stopped at {problem.location}")

    db = tmp_path / "s.duckdb"
    with open_store(db) as s:
        with pytest.raises(StoreError, match="stopped at .*:1200"):
            import_file(s, path, on_problem=cut)
        assert s.con.execute("SELECT count(*) FROM import_parts").fetchone()[0] > 1
        assert s.con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
        problems = []
        r = import_file(s, path, on_problem=problems.append)
        assert [p.location for p in problems] == [f"{path}:1200", f"{path}:2800"]
        got = s.con.execute("SELECT count(*), count(DISTINCT origin_id) FROM events").fetchone()
    assert r.rows_skipped == 2 and got == (2998, 2998)
