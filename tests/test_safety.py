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


def run(capsys, *args):
    """The command in this process: (exit code, stdout, stderr)."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def run_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "eventdesk", *map(str, args)],
                          capture_output=True, text=True, timeout=300, **kw)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of the interop samples and one record whose text fields are formulas."""
    d = tmp_path_factory.mktemp("store")
    hostile = d / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n")
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
