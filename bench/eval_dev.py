#!/usr/bin/env python3
"""The coder on the dev data, tune half and validation half side by side (wraps `eventdesk eval`).

    python bench/eval_dev.py [DEV_DIR] [--misses DIR] [--show-validation-misses] [--limit N]

DEV_DIR defaults to ../shared/data/dev beside the repository. Each of its two files is split by a
fixed hash of the sentence: the first byte of the SHA-1 of the sentence's UTF-8 text with all
whitespace removed, even -> tune, odd -> validation. (Whitespace is dropped so that a sentence
gets the same half in the class file, where it is running text, and in the spans file, where it is
one token a line.) The halves are written to a temporary folder, never into the repository, and
`eventdesk eval --json` is run on each:

- conflibert_cameo_class_train.tsv: coverage, five-way accuracy and macro-F1, per-class F1;
- conflibert_cameo_spans_train.txt: source / target / reciprocal spans found.

Rules are written against the tune half only; the validation half is the check. The tune half's
misses go to DIR (default /tmp/eventdesk-dev-misses/, outside the repo); the validation half's
are written only with --show-validation-misses, so that nobody writes rules against them.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO.parent / "shared" / "data" / "dev"
CLASS_FILE = "conflibert_cameo_class_train.tsv"
SPANS_FILE = "conflibert_cameo_spans_train.txt"
HALVES = ("tune", "validation")


def half_of(sentence: str) -> str:
    """``tune`` or ``validation``: the parity of the first SHA-1 byte of the sentence without
    whitespace."""
    key = re.sub(r"\s+", "", sentence).encode("utf-8")
    return HALVES[hashlib.sha1(key).digest()[0] % 2]


def split_class(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {h: [] for h in HALVES}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.strip():
            continue
        sentence = line.rpartition("\t")[0] or line
        out[half_of(sentence)].append(line + "\n")
    return out


def split_spans(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {h: [] for h in HALVES}
    block: list[str] = []
    for line in [*path.read_text(encoding="utf-8-sig").splitlines(), ""]:
        if line.split():
            block.append(line)
            continue
        if block:
            words = "".join(b.split()[0] for b in block)
            out[half_of(words)].append("\n".join(block) + "\n\n")
            block = []
    return out


def run_eval(gold: Path, fmt: str, misses: Path, limit: int | None) -> dict:
    cmd = [sys.executable, "-m", "eventdesk", "eval", str(gold), "--format", fmt, "--json",
           "--misses", str(misses)]
    if limit:
        cmd += ["--limit", str(limit)]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode not in (0, 3) or not proc.stdout.strip():
        sys.exit(f"eval_dev: `{' '.join(cmd)}` failed ({proc.returncode}): "
                 f"{proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout)


def fmt_share(x: float | None) -> str:
    return "    -" if x is None else f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dev_dir", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--misses", default="/tmp/eventdesk-dev-misses",
                    help="folder for the misses files (default %(default)s)")
    ap.add_argument("--show-validation-misses", action="store_true",
                    help="also write the validation half's misses (not for rule writing)")
    ap.add_argument("--limit", type=int, help="score only the first N items of each half")
    ap.add_argument("--json", action="store_true", help="print all figures as JSON")
    args = ap.parse_args(argv)

    dev = Path(args.dev_dir)
    jobs = [(CLASS_FILE, "conflibert-class", split_class),
            (SPANS_FILE, "conflibert-spans", split_spans)]
    missing = [name for name, _, _ in jobs if not (dev / name).is_file()]
    if missing:
        print(f"eval_dev: {dev} has no {', '.join(missing)}", file=sys.stderr)
        return 2
    miss_dir = Path(args.misses)
    if miss_dir.resolve().is_relative_to(REPO):
        print("eval_dev: --misses must be outside the repository", file=sys.stderr)
        return 2
    miss_dir.mkdir(parents=True, exist_ok=True)

    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="eventdesk-dev-") as tmp:
        for name, fmt, splitter in jobs:
            halves = splitter(dev / name)
            results[name] = {}
            for half in HALVES:
                part = Path(tmp) / f"{Path(name).stem}.{half}{Path(name).suffix}"
                part.write_text("".join(halves[half]), encoding="utf-8")
                keep = half == "tune" or args.show_validation_misses
                misses = miss_dir / f"{Path(name).stem}.{half}.misses.tsv" if keep \
                    else Path(tmp) / f"{half}.misses.tsv"
                res = run_eval(part, fmt, misses, args.limit)
                res["misses_file"] = str(misses) if keep else None
                results[name][half] = res

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    c = results[CLASS_FILE]
    print(f"{CLASS_FILE}  (five-way CAMEO class)")
    print(f"  {'':26}{'tune':>10}{'validation':>12}")
    rows = [("items", lambda r: f"{r['items']}"),
            ("coverage", lambda r: fmt_share(r["coverage"])),
            ("five-way accuracy", lambda r: fmt_share((r["five_way"] or {}).get("accuracy"))),
            ("  over coded items", lambda r: fmt_share((r["five_way"] or {}).get("accuracy_coded"))),
            ("five-way macro-F1", lambda r: fmt_share((r["five_way"] or {}).get("macro_f1")))]
    rows += [(f"  F1 class {lab}", (lambda lab: lambda r: fmt_share(
        ((r["five_way"] or {}).get("f1") or {}).get(lab)))(lab)) for lab in "01234"]
    for label, get in rows:
        print(f"  {label:26}{get(c['tune']):>10}{get(c['validation']):>12}")
    s = results[SPANS_FILE]
    print(f"{SPANS_FILE}  (actor spans)")
    print(f"  {'':26}{'tune':>10}{'validation':>12}")
    print(f"  {'items':26}{s['tune']['items']:>10}{s['validation']['items']:>12}")
    for role, label in (("S", "source spans found"), ("T", "target spans found"),
                        ("R", "reciprocal spans found")):
        print(f"  {label:26}{fmt_share(s['tune']['span_recall'].get(role)):>10}"
              f"{fmt_share(s['validation']['span_recall'].get(role)):>12}")
    print(f"tune-half misses: {c['tune']['misses_file']}, {s['tune']['misses_file']}")
    if args.show_validation_misses:
        print(f"validation-half misses: {c['validation']['misses_file']}, "
              f"{s['validation']['misses_file']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
