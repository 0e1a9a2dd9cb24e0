#!/usr/bin/env python3
"""Five-way CAMEO class accuracy of the coder on the dev sentences (a wrapper of `eventdesk eval`).

    python bench/eval_dev.py [../shared/data/dev/conflibert_cameo_class_train.tsv] [--misses F]

Prints coverage, five-way accuracy over all and over coded sentences, macro-F1 and the
confusion matrix (see eventdesk/evaluate.py for the rules). Reads the data by path; copies nothing.
"""
from __future__ import annotations

import sys
from pathlib import Path

from eventdesk.cli import main

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "dev" / \
    "conflibert_cameo_class_train.tsv"

if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        args = [str(DEFAULT), *args]
    if "--misses" not in args:
        args += ["--misses", "/tmp/eventdesk-dev-class.misses.tsv"]
    sys.exit(main(["eval", args[0], "--format", "conflibert-class", *args[1:]]))
