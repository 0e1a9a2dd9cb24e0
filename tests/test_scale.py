"""Coding in worker processes gives the events one process gives; a killed worker loses
nothing a rerun cannot finish."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS


def _events(cli, db):
    out = cli("events", "--db", db, "--format", "jsonl").stdout
    return sorted(out.splitlines())


def test_two_workers_code_the_same_events_in_the_same_order_as_one(cli):
    one = cli("code", CORPUS, "--workers", "1", "-q")
    two = cli("code", CORPUS, "--workers", "2", "-q")
    assert one.returncode == two.returncode == 0, two.stderr
    assert len(one.stdout.splitlines()) > 100
    assert two.stdout == one.stdout


def test_ingest_with_two_workers_stores_what_one_worker_stores(tmp_path, cli):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert cli("ingest", CORPUS, "--db", a, "--workers", "1", "-q").returncode == 0
    r = cli("ingest", CORPUS, "--db", b, "--workers", "2", "-q")
    assert r.returncode == 0, r.stderr
    assert _events(cli, a) == _events(cli, b)


def test_workers_must_be_a_positive_number(cli):
    r = cli("code", CORPUS, "--workers", "0")
    assert r.returncode == 2 and "at least 1" in r.stderr


def _children(pid):
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(d.name))
    return kids


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to find the workers")
def test_a_worker_killed_mid_run_then_a_rerun_gives_the_clean_runs_store(tmp_path, cli):
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    batch = tmp_path / "docs.jsonl"
    with batch.open("w") as f:
        for i in range(3):                          # three copies under other ids
            for j, t in enumerate(texts):
                f.write(json.dumps({"id": f"d{i}-{j}", "date": "2017-05-01", "text": t}) + "\n")
    clean, broken = tmp_path / "clean.duckdb", tmp_path / "broken.duckdb"
    assert cli("ingest", batch, "--db", clean, "--workers", "1", "-q").returncode == 0

    proc = subprocess.Popen([sys.executable, "-m", "eventdesk", "ingest", str(batch), "--db",
                             str(broken), "--workers", "2", "--batch-size", "16", "-q"],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    victims = []
    while time.monotonic() < deadline and proc.poll() is None:
        victims = [k for k in _children(proc.pid)
                   if b"spawn_main" in Path(f"/proc/{k}/cmdline").read_bytes()]
        if len(victims) == 2:
            break
        time.sleep(0.2)
    assert victims, "the workers never started"
    time.sleep(8)                                   # let a batch or two be committed
    if proc.poll() is None:
        os.kill(victims[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    if proc.returncode != 0:                         # it was killed before finishing
        assert proc.returncode == 1 and "worker process died" in err, err
        assert "Traceback" not in err
    r = cli("ingest", batch, "--db", broken, "--workers", "2", "-q")
    assert r.returncode == 0, r.stderr
    assert _events(cli, broken) == _events(cli, clean)


def test_a_local_dask_cluster_codes_what_one_process_codes_and_import_stores_it_once(
        tmp_path, cli):
    local = tmp_path / "local.duckdb"
    assert cli("ingest", CORPUS, "--db", local, "--workers", "1", "-q").returncode == 0
    out = tmp_path / "coded"
    r = cli("code", CORPUS, "--dask", "local:2", "-o", out, "--partition-size", "16", "-q")
    assert r.returncode == 0, r.stderr
    assert "events in 5 partitions written" in r.stderr and "Traceback" not in r.stderr
    assert (out / "_eventdesk.json").exists() and list(out.glob("year=*/month=*/*.parquet"))
    import pandas as pd

    frame = pd.read_parquet(out)                     # the events, readable as one dataset
    assert {"id", "cameo", "actor_country", "event_json", "year", "month"} <= set(frame.columns)

    db = tmp_path / "cluster.duckdb"
    r = cli("import", out, "--db", db)
    assert r.returncode == 0 and "68 new" in r.stderr, r.stderr
    assert _events(cli, db) == _events(cli, local)
    r = cli("import", out, "--db", db)               # a rerun adds nothing
    assert "0 new, 0 changed, 68 unchanged" in r.stderr, r.stderr
    assert _events(cli, db) == _events(cli, local)
    assert len(frame) == len(_events(cli, local))


def test_documents_given_as_parquet_are_coded_like_the_same_jsonl(tmp_path, cli):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"id": "p1", "date": "2017-04-12", "title": "Talks",
             "text": "Rex Tillerson met Sergei Lavrov in Moscow."},
            {"id": "p2", "date": "2017-04-07", "title": None,
             "text": "Russia condemned the U.S. missile strike on a Syrian air base."}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "docs.parquet")
    (tmp_path / "docs.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    a = cli("code", tmp_path / "docs.parquet", "--workers", "1", "-q")
    b = cli("code", tmp_path / "docs.jsonl", "--workers", "1", "-q")
    assert a.returncode == 0 and a.stdout == b.stdout and a.stdout.count("\n") >= 2


def test_dask_refuses_a_folder_it_did_not_write_and_bad_addresses(tmp_path, cli):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    r = cli("code", CORPUS, "--dask", "local:1", "-o", mine)
    assert r.returncode == 2 and "not an eventdesk dataset" in r.stderr
    assert (mine / "notes.txt").read_text() == "keep me"
    assert cli("code", CORPUS, "--dask", "local:x", "-o", tmp_path / "o").returncode == 2
    assert cli("code", CORPUS, "--dask", "local:1").returncode == 2        # no -o
    assert cli("code", CORPUS, "-o", tmp_path / "o").returncode == 2       # -o without --dask
    r = cli("import", tmp_path / "nothing-here", "--db", tmp_path / "x.duckdb")
    assert r.returncode == 2
