"""Nothing lost, nothing let in: outputs that never delete what eventdesk did not write,
spreadsheet-safe CSV, hostile and special input files, and the command line's exit codes and
messages under bad arguments, closed streams, signals and full disks. Every input is made here.
"""
import csv
import io
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from eventdesk.cli import main

DATA = Path(__file__).parent / "data" / "interop"

HOSTILE = {"id": '=HYPERLINK("http://evil.example","x")', "date": "2017-04-02",
           "event": "ACCUSE", "actor": "RUS", "recipient": "USA",
           "text": "@SUM(1+1) the ministry said", "source": "+cmd|' /C calc'!A0",
           "url": "-2+3", "goldstein": -8.0}


HOSTILE_ACTOR = {"id": "h-2", "date": "2017-04-03", "event": "ACCUSE", "actor": "=1+2",
                 "actor_country": "=1+2", "recipient": "USA", "recipient_country": "USA",
                 "text": "A hostile actor code."}


def run(capsys, *args):
    """The command in this process: (exit code, stdout, stderr)."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def run_cli(*args, **kw):
    kw.setdefault("timeout", 300)
    return subprocess.run([sys.executable, "-m", "eventdesk", *map(str, args)],
                          capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of the interop samples and one record whose text fields are formulas."""
    d = tmp_path_factory.mktemp("store")
    hostile = d / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n" + json.dumps(HOSTILE_ACTOR) + "\n")
    db = d / "s.duckdb"
    code = main(["import", str(DATA / "gdelt2.export.CSV"), str(DATA / "polecat.sample.tsv"),
                 str(hostile), "--db", str(db)])
    assert code in (0, 3)
    return db


# -- 1. outputs never delete what eventdesk did not write ----------------------------------------
def test_parquet_export_refuses_a_folder_holding_other_files(capsys, store, tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "notes.txt").write_text("notes")
    code, _, err = run(capsys, "export", "--format", "parquet", "-o", d, "--db", store)
    assert code == 2 and "not an eventdesk export" in err and "notes.txt" in err
    assert (d / "notes.txt").read_text() == "notes" and [p.name for p in d.iterdir()] == \
        ["notes.txt"]
    # --overwrite does not change that: it replaces an export's own files only
    code, _, err = run(capsys, "export", "--format", "parquet", "-o", d, "--overwrite",
                       "--db", store)
    assert code == 2 and (d / "notes.txt").exists()


def test_parquet_export_to_a_parent_folder_deletes_nothing(capsys, store, tmp_path, monkeypatch):
    (tmp_path / "pq" / "a" / "b").mkdir(parents=True)
    (tmp_path / "pq" / "a" / "keep.txt").write_text("keep")
    monkeypatch.chdir(tmp_path / "pq" / "a" / "b")
    code, _, err = run(capsys, "export", "--format", "parquet", "-o", "..", "--db", store)
    assert code == 2 and "not an eventdesk export" in err
    assert (tmp_path / "pq" / "a" / "keep.txt").exists() and (tmp_path / "pq" / "a" / "b").is_dir()


def test_parquet_export_overwrite_replaces_its_own_files_and_nothing_else(capsys, store,
                                                                          tmp_path):
    import duckdb

    pq = tmp_path / "pq"
    code, _, err = run(capsys, "export", "--format", "parquet", "-o", pq, "--db", store)
    assert code == 0, err
    marker = json.loads((pq / "_eventdesk-export.json").read_text())
    assert marker["files"] and all((pq / f).is_file() for f in marker["files"])
    months = {f.split("/")[1] for f in marker["files"]}
    assert len(months) >= 2
    # a second export without --overwrite is refused, the first left whole
    code, _, err = run(capsys, "export", "--format", "parquet", "-o", pq, "--db", store)
    assert code == 2 and "--overwrite" in err
    (pq / "mine.txt").write_text("mine")
    (pq / "year=2017" / "readme.md").write_text("mine too")
    # a narrower export replaces the old one: the months it no longer has are gone
    code, _, err = run(capsys, "export", "--format", "parquet", "-o", pq, "--overwrite",
                       "--since", "2017-04-01", "--db", store)
    assert code == 0, err
    new = json.loads((pq / "_eventdesk-export.json").read_text())
    assert {f.split("/")[1] for f in new["files"]} == {"month=4"}
    assert not (pq / "year=2017" / "month=2").exists()
    assert (pq / "mine.txt").read_text() == "mine"
    assert (pq / "year=2017" / "readme.md").read_text() == "mine too"
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{pq}/**/*.parquet')").fetchall()[0][0]
    assert n == new["events"] > 0
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name]


def test_export_writes_to_a_device_or_fifo_directly_and_reports_a_full_device(capsys, store,
                                                                               tmp_path):
    code, _, err = run(capsys, "export", "--format", "csv", "-o", "/dev/null", "--db", store)
    assert code == 0, err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not list(Path("/dev").glob("*.part*"))
    code, _, err = run(capsys, "export", "--format", "csv", "-o", "/dev/full", "--db", store)
    assert code == 2 and "/dev/full" in err and "No space left on device" in err
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    code, _, err = run(capsys, "export", "--format", "csv", "-o", fifo, "--db", store)
    reader.join(30)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode) and got[0].startswith("event_id,")
    code, _, err = run(capsys, "export", "--format", "parquet", "-o", "/dev/null", "--db", store)
    assert code == 2 and "folder" in err


def test_export_through_a_symlink_writes_the_file_it_names_and_keeps_the_link(capsys, store,
                                                                              tmp_path):
    (tmp_path / "real.csv").write_text("old")
    (tmp_path / "link.csv").symlink_to("real.csv")
    code, _, err = run(capsys, "export", "--format", "csv", "-o", tmp_path / "link.csv",
                       "--db", store)
    assert code == 0, err
    assert (tmp_path / "link.csv").is_symlink()
    assert (tmp_path / "real.csv").read_text().startswith("event_id,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


@pytest.mark.parametrize("command", [
    ["export", "--format", "csv"], ["export", "--format", "parquet"], ["dyads"],
    ["dyad", "RUS", "USA", "--format", "png"], ["brief", "--focus", "RUS", "--with", "USA"]])
def test_output_into_a_missing_or_unwritable_folder_or_onto_a_folder_is_a_clear_error(
        capsys, store, tmp_path, command):
    suffix = {"brief": ".html", "dyad": ".png"}.get(command[0], ".csv")
    if "parquet" in command:
        suffix = ""
    (tmp_path / "folder.csv").mkdir()
    cases = [(tmp_path / "missing" / f"out{suffix}", "does not exist"),
             # /proc takes no new file, from root either (chmod does not stop root)
             (Path(f"/proc/eventdesk-out{suffix}"), "cannot write in folder")]
    if "parquet" not in command and command[0] != "brief":
        cases.append((tmp_path / "folder.csv", "is a folder"))
    for out, why in cases:
        code, _, err = run(capsys, *command, "-o", out, "--db", store)
        assert code == 2 and why in err and str(out) in err, err
        assert len(err.strip().splitlines()) == 1


def test_a_write_error_on_an_analysis_output_is_one_line_exit_2(capsys, store):
    code, _, err = run(capsys, "dyads", "--format", "csv", "-o", "/dev/full", "--db", store)
    assert code == 2 and "No space left on device" in err and len(err.strip().splitlines()) == 1


# -- 2. spreadsheet-safe CSV ---------------------------------------------------------------------
def _hostile_row(rows):
    return next(r for r in rows if "evil.example" in "".join(r.values()))


def test_csv_export_neutralises_formulas_but_not_negative_numbers(capsys, store, tmp_path):
    out = tmp_path / "e.csv"
    code, _, err = run(capsys, "export", "--format", "csv", "-o", out, "--db", store)
    assert code == 0, err
    rows = list(csv.DictReader(out.open()))
    row = _hostile_row(rows)
    assert row["origin_id"] == "'" + HOSTILE["id"]
    assert row["sentence"] == "'" + HOSTILE["text"]
    assert row["source"] == "'" + HOSTILE["source"]
    assert row["url"] == "'-2+3"
    assert row["goldstein"] == "-8.0"                       # a number stays a number
    assert all(not v.startswith(("=", "+", "@")) for r in rows for v in r.values())
    code, _, err = run(capsys, "export", "--format", "csv", "-o", out, "--raw-csv",
                       "--db", store)
    row = _hostile_row(list(csv.DictReader(out.open())))
    assert row["origin_id"] == HOSTILE["id"] and row["url"] == "-2+3"


def test_a_filtered_csv_export_is_neutralised_too(capsys, store, tmp_path):
    out = tmp_path / "e.csv"
    code, _, err = run(capsys, "export", "--format", "csv", "-o", out, "--actor", "RUS",
                       "--since", "2017-04-01", "--db", store)
    assert code == 0, err
    rows = list(csv.DictReader(out.open()))
    assert rows and all(r["actor_code"].startswith("RUS") for r in rows)
    assert "'" + HOSTILE["id"] in {r["origin_id"] for r in rows}


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_events_csv_and_tsv_neutralise_formulas(capsys, store, fmt):
    delim = "," if fmt == "csv" else "\t"
    code, out, _ = run(capsys, "events", "--format", fmt, "--db", store)
    assert code == 0
    row = _hostile_row(list(csv.DictReader(io.StringIO(out), delimiter=delim)))
    assert row["doc_id"] == "'-2+3" and row["text"] == "'" + HOSTILE["text"]
    assert row["goldstein"] == "-8.0"
    code, out, _ = run(capsys, "events", "--format", fmt, "--raw-csv", "--db", store)
    row = _hostile_row(list(csv.DictReader(io.StringIO(out), delimiter=delim)))
    assert row["doc_id"] == "-2+3" and row["text"] == HOSTILE["text"]
    code, out, _ = run(capsys, "events", "--corroborated", "--format", fmt, "--db", store)
    rows = list(csv.DictReader(io.StringIO(out), delimiter=delim))
    assert any(r["sentence"] == "'" + HOSTILE["text"] for r in rows)


def test_code_csv_neutralises_a_formula_in_the_sentence(capsys, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("April 3, 2017\n\n=Russia condemned the United States on Monday.\n")
    code, out, err = run(capsys, "code", doc, "--format", "csv", "-q")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["text"].startswith("'=") for r in rows)
    assert any(r["goldstein"].startswith("-") for r in rows)


# -- 3. readers: special files, odd names, hostile JSON ------------------------------------------
def _docs(folder, n):
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"d{i:03d}.txt").write_text(
            f"April {1 + i % 28}, 2017\n\nRussia condemned the United States on Monday "
            f"over talks number {i}.\n")


def test_a_fifo_alone_or_in_a_folder_is_refused_without_blocking(tmp_path):
    _docs(tmp_path / "corpus", 3)
    os.mkfifo(tmp_path / "corpus" / "pipe.txt")
    os.mkfifo(tmp_path / "alone.jsonl")
    r = run_cli("code", tmp_path / "alone.jsonl", tmp_path / "corpus", "-q", timeout=120)
    assert r.returncode == 3, r.stderr
    assert "alone.jsonl: a FIFO (named pipe), not a regular file; not read" in r.stderr
    assert "pipe.txt: a FIFO" in r.stderr and "3 documents read, 2 skipped" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_file_name_that_is_not_utf8_does_not_stop_ingest(tmp_path):
    _docs(tmp_path / "corpus", 70)
    bad = os.fsencode(tmp_path / "corpus") + b"/z-caf\xe9-\xff.txt"       # sorted last
    with open(bad, "wb") as f:
        f.write(b"April 9, 2017\n\nChina praised Japan on Monday.\n")
    db = tmp_path / "s.duckdb"
    r = run_cli("ingest", tmp_path / "corpus", "--db", db, "-q")
    assert r.returncode == 0, r.stderr
    assert "71 documents read" in r.stderr and "holds 71 documents" in r.stderr
    import duckdb

    paths = [p for (p,) in duckdb.connect(str(db), read_only=True).execute(
        "SELECT path FROM documents").fetchall()]
    assert any(p.endswith("z-caf\\xe9-\\xff.txt") for p in paths)


def test_a_newline_in_a_file_name_does_not_split_the_message(tmp_path):
    (tmp_path / "evil\neventdesk: forged.txt").write_text("")
    r = run_cli("code", tmp_path / "evil\neventdesk: forged.txt", "-q")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2 and "evil\\neventdesk: forged.txt: empty file" in lines[0]


def test_deep_nesting_and_a_huge_integer_are_one_bad_record_each(capsys, tmp_path):
    f = tmp_path / "docs.jsonl"
    good = {"id": "ok-1", "date": "2017-04-03", "text": "Russia condemned the United States."}
    f.write_text("\n".join([
        '{"id": 1' + "0" * 5000 + ', "text": "Russia condemned the United States."}',
        '{"a": ' * 100_000 + "1" + "}" * 100_000,
        '{"id": "deep", "text": "x", "meta": ' + "[" * 50_000 + "]" * 50_000 + "}",
        json.dumps(good)]) + "\n")
    code, out, err = run(capsys, "code", f, "-q")
    assert code == 3, err
    assert "docs.jsonl:1: not read: Exceeds the limit (4300 digits)" in err
    assert "docs.jsonl:2: not read: JSON nested too deeply" in err
    assert "docs.jsonl:3: not read: JSON nested too deeply" in err
    assert [json.loads(x)["doc_id"] for x in out.splitlines()] == ["ok-1"]
    assert "Traceback" not in err


def test_a_large_text_file_is_reported_at_its_real_size(capsys, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(52_000_000)                     # sparse: 52 MB without writing them
    code, _, err = run(capsys, "code", big, "-q")
    assert code == 2 and "big.txt: 52.0 MB, larger than the 5 MB limit" in err


def test_the_html_extractor_does_not_leak_its_own_warnings(tmp_path):
    (tmp_path / "empty.html").write_text("<html><body><script>var a=1;</script></body></html>")
    r = run_cli("code", tmp_path / "empty.html", "-q")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"eventdesk: skipped: {tmp_path / 'empty.html'}: no main text found in the HTML",
        "eventdesk: 0 documents read, 1 skipped; 0 events"]


# -- 4. the command line: exit codes and messages ------------------------------------------------
@pytest.mark.parametrize("args, why", [
    (["events", "--limit", "-1"], "--limit: -1: give a number of at least 1"),
    (["events", "--limit", "0"], "--limit: 0: give a number of at least 1"),
    (["dyads", "--top", "-3"], "--top: -3"),
    (["events", "--limit", "99999999999999999999"], "give a number of at most"),
    (["events", "--limit", "ten"], "'ten' is not a whole number"),
    (["dyad", "RU\tS", "USA"], "is not an actor code"),
    (["dyad", "RUS\nX", "USA"], "is not an actor code"),
    (["events", "--actor", "|"], "'|' is not an actor code"),
    (["export", "--format", "csv", "-o", "x.csv", "--recipient", "US|A"], "is not an actor code"),
    (["events", "--since", "2017-01-01' OR 1=1"], "is not a date as YYYY-MM-DD"),
    (["export", "--format", "csv", "-o", "x.csv", "--until", "2017-13-01"], "is not a date"),
    (["signals", "--since", "2017-1-1"], "is not a date"),
])
def test_bad_arguments_are_usage_errors(capsys, store, args, why):
    with pytest.raises(SystemExit) as exc:
        main([*args, "--db", str(store)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert why in err and "Traceback" not in err


def test_a_missing_input_file_is_exit_2_everywhere(capsys, store, tmp_path):
    missing = tmp_path / "missing.yaml"
    for args in (["actors", "check", "--actors", missing],
                 ["actors", "lookup", "Putin", "--actors", missing],
                 ["code", tmp_path / "missing.txt"], ["import", tmp_path / "missing.csv",
                                                      "--db", tmp_path / "new.duckdb"],
                 ["eval", tmp_path / "missing.tsv"], ["lexicon", "check", missing],
                 ["summary", "--db", tmp_path / "missing.duckdb"]):
        code, _, err = run(capsys, *args)
        assert code == 2 and "missing" in err, (args, err)


def test_import_says_what_a_folder_fifo_or_device_is(capsys, tmp_path):
    os.mkfifo(tmp_path / "fifo.csv")
    (tmp_path / "folder").mkdir()
    code, _, err = run(capsys, "import", tmp_path / "folder", tmp_path / "fifo.csv",
                       "/dev/zero", tmp_path / "none.csv", "--db", tmp_path / "s.duckdb")
    assert code == 2
    assert "folder: a folder (give the files in it), not a regular file" in err
    assert "fifo.csv: a FIFO (named pipe), not a regular file" in err
    assert "/dev/zero: a character device, not a regular file" in err
    assert "none.csv: no such file" in err


def test_a_too_small_memory_setting_is_a_clear_error(store):
    r = run_cli("summary", "--db", store, env={**os.environ, "EVENTDESK_MEMORY": "1KB"})
    assert r.returncode == 2 and "EVENTDESK_MEMORY='1KB' is too small" in r.stderr
    assert "Traceback" not in r.stderr


def test_closed_or_full_standard_streams_are_one_line_not_a_traceback(store, tmp_path):
    (tmp_path / "a.txt").write_text("Russia condemned the United States on Monday.\n")
    for args, kw, why in [
            (["events", "--db", store], {"stdout": open("/dev/full", "w")},
             "No space left on device"),
            (["events", "--db", store], {"stdout": subprocess.DEVNULL, "pass_fds": ()},
             None),
            (["code", "-", "-q"], {"stdin": subprocess.DEVNULL}, None)]:
        r = subprocess.run([sys.executable, "-m", "eventdesk", *map(str, args)],
                           stderr=subprocess.PIPE, text=True, timeout=300, **kw)
        assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr, r.stderr
        if why:
            assert r.returncode == 2 and why in r.stderr
    # closed descriptors: the shell's >&- and <&-
    for redirect, why in (("1>&-", "standard output is closed"),
                          ("0<&-", "standard input is closed")):
        cmd = ["events", "--db", str(store)] if redirect.startswith("1") else ["code", "-", "-q"]
        r = subprocess.run(f"{sys.executable} -m eventdesk {' '.join(cmd)} {redirect}",
                           shell=True, stderr=subprocess.PIPE, text=True, timeout=300)
        assert r.returncode == 2 and why in r.stderr, r.stderr
        assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr
    # a reader that goes away (| head) is not an error
    r = subprocess.run(f"{sys.executable} -m eventdesk events --db {store} | head -c 1",
                       shell=True, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                       text=True, timeout=300)
    assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr


def _corpus(path, n):
    sys.path.insert(0, str(Path(__file__).parent))
    from test_store_safety import write_corpus

    return write_corpus(path, n)


@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"),
                                             (signal.SIGTERM, 143, "terminated")])
def test_ingest_stopped_by_a_signal_says_what_was_committed(tmp_path, sig, code, word):
    corpus = _corpus(tmp_path / "corpus.jsonl", 400)
    db = tmp_path / "s.duckdb"
    p = subprocess.Popen([sys.executable, "-m", "eventdesk", "-v", "ingest", corpus,
                          "--batch-size", "32", "-q", "--db", db], stderr=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, text=True)
    seen = 0
    for line in p.stderr:
        seen += "documents committed" in line
        if seen == 3:
            break
    p.send_signal(sig)
    rest = p.stderr.read()
    assert p.wait(timeout=120) == code, rest
    import duckdb

    n = duckdb.connect(str(db), read_only=True).execute(
        "SELECT count(*) FROM documents").fetchall()[0][0]
    assert 96 <= n < 400 and n % 32 == 0
    last = [x for x in rest.splitlines() if x.startswith("eventdesk:")][-1]
    assert last.startswith(f"eventdesk: {word}: {n} documents and ") and \
        "committed before it stopped" in last
    assert "Traceback" not in rest and "nothing was written" not in rest


# -- 5. reading never needs to write; temporary files ---------------------------------------------
FULL = """
import resource, signal, sys
from eventdesk.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)       # EFBIG instead of death
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.exit(main(sys.argv[2:]))
"""


def _gdelt(path, rows, seed=1):
    sys.path.insert(0, str(Path(__file__).parent))
    from test_store_safety import gdelt_file

    return gdelt_file(path, rows, seed)


def _groups(db):
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    return con.execute("SELECT count(*), count(DISTINCT group_id) FROM groups").fetchall()[0]


def test_a_full_disk_part_way_through_an_import_reports_the_committed_rows_and_reads_work(
        tmp_path):
    import duckdb

    db = tmp_path / "s.duckdb"
    src = _gdelt(tmp_path / "f.export.CSV", 30000)
    env = {**os.environ, "EVENTDESK_IMPORT_CHUNK": "400000"}
    r = run_cli("import", DATA / "gdelt2.export.CSV", "--db", db)
    size = db.stat().st_size
    r = subprocess.run([sys.executable, "-c", FULL, str(size + 2_000_000), "import", src,
                        "--db", db], capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT count(*) FROM event_rows").fetchall()[0][0] - 4
    pending = con.execute("SELECT count(*) FROM group_pending").fetchall()[0][0]
    con.close()
    assert 0 < stored < 30000 and pending, r.stderr
    assert f"{stored:,} rows committed before it stopped" in r.stderr
    assert "nothing was written" not in r.stderr
    # the disk still full: summary reads the store without the grouping it cannot write
    r = subprocess.run([sys.executable, "-c", FULL, "4096", "summary",
                        "--db", db], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"{stored + 4} events" in r.stdout and "not grouped yet" in r.stderr
    r = subprocess.run([sys.executable, "-c", FULL, "4096", "events",
                        "--corroborated", "--format", "csv", "--db", db],
                       capture_output=True, text=True, timeout=300)
    ids = [line.split(",")[0] for line in r.stdout.splitlines()[1:]]
    assert r.returncode == 0 and len(ids) == len(set(ids)) > 0
    # room again: a rerun resumes and completes it
    r = run_cli("import", src, "--db", db, env=env)
    assert r.returncode == 0, r.stderr
    assert _groups(db)[0] == _groups(db)[1]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM event_rows").fetchall()[0][0] == 30004


def test_a_read_only_store_with_pending_groups_gives_each_group_id_once(tmp_path):
    from eventdesk import open_store
    from eventdesk.interop.importer import import_files

    db = tmp_path / "s.duckdb"
    with open_store(db) as s:
        import_files(s, [str(DATA / "gdelt2.export.CSV")])
    with open_store(db) as s:
        import_files(s, [str(DATA / "gdelt1.daily.csv"), str(DATA / "icews.sample.tab")],
                     settle=False)
        assert s._count_pending()
    # a reader holds the store: no process can write it, so no grouping can be written
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb."
                               f"connect({str(db)!r}, read_only=True); print('ok', flush=True);"
                               " time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with open_store(db, read_only=True) as s:
            g = s.con.execute("SELECT count(*), count(DISTINCT group_id) FROM groups"
                              ).fetchall()[0]
            orphans = s.con.execute("SELECT count(*) FROM events ANTI JOIN groups "
                                    "USING (group_id)").fetchall()[0][0]
            n = len(s.corroborated())
        assert g[0] == g[1] == n and orphans == 0
    finally:
        holder.kill()
        holder.wait()
    with open_store(db, read_only=True):             # a reader that can write groups them
        pass
    assert _groups(db)[0] == _groups(db)[1]


def test_a_killed_import_leaves_no_temporary_folder_behind_the_next_one(tmp_path):
    import tempfile

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "EVENTDESK_IMPORT_CHUNK": "200000"}
    src = _gdelt(tmp_path / "f.export.CSV", 20000)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        db = tmp_path / f"s{sig}.duckdb"
        p = subprocess.Popen([sys.executable, "-m", "eventdesk", "-v", "import", src, "--db",
                              db], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             text=True, env=env)
        for line in p.stderr:
            if "chunk 1 committed" in line:
                break
        left = list(tmp.glob("eventdesk-*"))
        p.send_signal(sig)
        rest = p.stderr.read()
        p.wait(timeout=120)
        assert left, "the import made no temporary folder"
        if sig == signal.SIGTERM:
            assert p.returncode == 143, rest[-3000:]
            assert not list(tmp.glob("eventdesk-*"))
        else:
            assert list(tmp.glob("eventdesk-*"))
            r = run_cli("import", DATA / "icews.sample.tab", "--db", db, env=env)
            assert r.returncode in (0, 3), r.stderr
            assert not list(tmp.glob("eventdesk-*"))
    assert tempfile.gettempdir() != str(tmp)


def test_a_plover_file_with_a_deeply_nested_or_huge_integer_line_keeps_its_other_rows(
        capsys, tmp_path):
    good = (DATA / "plover.sample.jsonl").read_text().splitlines()[0]
    f = tmp_path / "p.jsonl"
    f.write_text("\n".join([
        good, '{"id": "n1", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"id": 1' + "0" * 5000 + ', "date": "2017-04-12", "event": "CONSULT"}']) + "\n")
    code, _, err = run(capsys, "import", f, "--db", tmp_path / "s.duckdb")
    assert code == 3, err
    assert "p.jsonl:2: JSON nested too deeply; row skipped" in err
    assert "p.jsonl:3: Exceeds the limit (4300 digits) for integer string conversion: value " \
           "has 5001 digits; row skipped" in err
    assert "1 rows imported, 2 skipped" in err


def test_analysis_csv_neutralises_an_actor_code_from_the_data(capsys, store):
    code, out, err = run(capsys, "dyads", "--format", "csv", "--db", store)
    assert code == 0, err
    cells = [c for r in csv.reader(io.StringIO(out)) for c in r]
    assert "'=1+2" in cells and not any(c.startswith(("=", "+", "@")) for c in cells)


def test_a_stray_nul_in_one_jsonl_record_loses_that_record_only(capsys, tmp_path):
    f = tmp_path / "docs.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": "Russia condemned the United States."})
             for i in range(5)]
    lines[2] = lines[2].replace("condemned", "con\x00demned")
    f.write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "code", f, "-q", "--date", "2017-04-03")
    assert code == 3 and "docs.jsonl:3:" in err
    assert {json.loads(x)["doc_id"] for x in out.splitlines()} == {"d0", "d1", "d3", "d4"}


def test_an_event_file_starting_with_deeply_nested_json_is_refused_in_one_line(capsys,
                                                                              tmp_path):
    f = tmp_path / "e.tsv"
    f.write_bytes(b'{"id": "x", "n": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n" +
                  (DATA / "gdelt2.export.CSV").read_bytes())
    code, _, err = run(capsys, "import", f, "--db", tmp_path / "s.duckdb")
    assert code == 2 and "not PLOVER data" in err
