#!/usr/bin/env python3
"""Documents per second with 1 and N worker processes, and on a local Dask cluster, in one run.

    python bench/parallel.py [PATH ...] [--copies K] [--workers N] [--rounds R] [--no-dask]

PATH is anything `eventdesk code` reads (default: examples/corpus). The documents are written
K times under new ids to one JSONL file (default K=6: about 400 documents from the bundled
corpus), then `eventdesk code` runs on it in a fresh process with `--workers 1`, with
`--workers N`, and with `--dask local:N -o DIR`, R rounds alternating, the fastest round of each
counting. Wall time includes each command's start-up (the model loaded once per process), which
is what a user waits for; the ratios are of documents/s. The machine should be otherwise idle.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus(paths: list[str], copies: int, out: Path) -> int:
    from eventdesk.readers import read_documents

    docs = list(read_documents(paths))
    with out.open("w", encoding="utf-8") as f:
        for k in range(copies):
            for d in docs:
                f.write(json.dumps({"id": f"{d.id}-{k}", "text": d.text, "title": d.title,
                                    "date": d.date.isoformat() if d.date else None}) + "\n")
    return len(docs) * copies


def timed(args: list[str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "eventdesk", *args], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"eventdesk {' '.join(args)} failed:\n{r.stderr}")
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "examples" / "corpus")])
    ap.add_argument("--copies", type=int, default=6)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-dask", action="store_true")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="eventdesk-bench-"))
    try:
        batch = tmp / "docs.jsonl"
        n = corpus(a.paths, a.copies, batch)
        runs = {"1 worker": ["code", str(batch), "--workers", "1", "-q"],
                f"{a.workers} workers": ["code", str(batch), "--workers", str(a.workers), "-q"]}
        if not a.no_dask:
            runs[f"dask local:{a.workers}"] = ["code", str(batch), "--dask",
                                               f"local:{a.workers}", "-o", str(tmp / "out"), "-q"]
        best: dict[str, float] = {}
        for _ in range(a.rounds):
            for name, args in runs.items():
                shutil.rmtree(tmp / "out", ignore_errors=True)
                best[name] = min(best.get(name, float("inf")), timed(args))
        print(f"{n} documents, {os.cpu_count()} cores, best of {a.rounds} rounds "
              "(wall time, start-up included)")
        base = n / best["1 worker"]
        for name, secs in best.items():
            rate = n / secs
            print(f"  {name:<16} {secs:7.1f} s  {rate:7.1f} documents/s  {rate / base:5.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
