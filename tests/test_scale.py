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
