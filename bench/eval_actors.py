#!/usr/bin/env python3
"""Actor and recipient attribution against gold source/target spans (a wrapper of `eventdesk eval`).

    python bench/eval_actors.py [../shared/data/dev/conflibert_cameo_spans_train.txt] [--misses F]

Each sentence is rebuilt from its tokens and coded; a gold source (S) span counts as found when an
event's actor span overlaps it, a target (T) span when a recipient span does, a reciprocal (R) span
when either does. Reads the data by path; copies nothing.
"""
from __future__ import annotations

import sys
from pathlib import Path

from eventdesk.cli import main

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dev" / \
    "conflibert_cameo_spans_train.txt"

if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        args = [str(DEFAULT), *args]
    if "--misses" not in args:
        args += ["--misses", "/tmp/eventdesk-dev-spans.misses.tsv"]
    sys.exit(main(["eval", args[0], "--format", "conflibert-spans", *args[1:]]))
