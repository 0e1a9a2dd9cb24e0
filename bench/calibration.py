#!/usr/bin/env python3
"""How well the coder's confidence is calibrated: a reliability table and the Brier score, the tune
half and the validation/held half side by side.

    python bench/calibration.py [DEV_DIR] [--gold FILE ...] [--fit] [--cache FILE] [--limit N]

Two sources of judged events, each split by the fixed hash of bench/eval_dev.py / eval_gold.py:

- the dev class file (DEV_DIR/conflibert_cameo_class_train.tsv, default ../shared/data/dev): the
  sentence's main event (``eventdesk.evaluate.main_event``) is right when its five-way class is
  the gold label; tune half vs validation half;
- our gold (bench/gold/*.json): the primary event is right when its PLOVER type and its actor
  are (either orientation for a symmetric record; a record with no gold event: any event is
  wrong); tune records vs held records (a file that is not a list of records is skipped).

A sentence the coder gives no event has no confidence and is only counted. An event of the
learned second opinion (``decided_by["code"] == "second_opinion"``) carries its own confidence,
of which the coder keeps the lower and the score: it is reported so, and left out of the fit
(its value was measured with the table of the run that coded it: run without --cache after a
fit for exact figures). For each source the
table gives, per confidence bin, how many events fall in it, the share of them that are right,
and their mean confidence; then the Brier score (mean squared difference between confidence and
right=1/wrong=0) beside that of a constant guess at the tune half's share right, and the AUC (the
chance that a right event scores above a wrong one: 0.5 for a score that does not sort events).

--fit chooses the factors of src/eventdesk/coding/data/confidence.tsv on the TUNE halves only:
a logistic regression on the events' features (see eventdesk/coding/confidence.py) whose weights
are pulled toward the table's hand-set priors by an L2 penalty, its strength chosen by 5-fold
cross-validation within the tune half. The dev class file gets an intercept of its own (its
label, the five-way class alone, is right more often than type and actor), not written to the
table: the factors are shared, the table's base is the gold's, so a confidence estimates the
chance that type and actor are right and runs below the dev file's share right. The
validation/held halves are never used to fit; the table printed afterwards is the check. --cache FILE keeps the coded features (outside the repo),
so a second run does not code again (delete it after changing the coder).
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
DEFAULT_DEV = REPO.parent / "shared" / "data" / "dev"
TABLE = REPO / "src" / "eventdesk" / "coding" / "data" / "confidence.tsv"
BINS = [i / 10 for i in range(11)]
LAMBDAS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)


def _bench(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# -- coding the judged sentences ----------------------------------------------------------------
def dev_items(dev_dir: Path, limit: int | None) -> list[dict[str, Any]]:
    half_of = _bench("eval_dev").half_of
    path = dev_dir / "conflibert_cameo_class_train.tsv"
    out = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.strip():
            continue
        sentence, _, label = line.rpartition("\t")
        split = "tune" if half_of(sentence) == "tune" else "check"
        out.append({"source": "dev", "split": split, "text": sentence, "date": None,
                    "label": label.strip()})
    return out[:limit] if limit else out


def gold_items(files: list[Path], limit: int | None) -> list[dict[str, Any]]:
    out = []
    for f in files:
        records = json.loads(f.read_text(encoding="utf-8"))
        if not isinstance(records, list):
            continue                       # not a file of gold records (audit judgements)
        for r in records:
            out.append({"source": "gold", "split": "tune" if r["split"] == "tune" else "check",
                        "text": r["text"], "date": r.get("date"), "record": r})
    return out[:limit] if limit else out


def judge(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Code every item; keep ``features`` and ``right`` of its main event (None: no event)."""
    from eventdesk.coding.coder import Coder
    from eventdesk.coding.confidence import event_features
    from eventdesk.dates import parse_date
    from eventdesk.evaluate import entity_matches, main_event
    from eventdesk.model import Document

    coder = Coder()
    docs = []
    for k, it in enumerate(items):
        day, prec = parse_date(it["date"])
        docs.append(Document(id=f"c{k}", text=it["text"], date=day, date_precision=prec))
    out = []
    for it, (_, events) in zip(items, coder.coded(docs)):
        marked = [e for e in events if e.primary]
        ev = marked[0] if marked else main_event(events)
        row = {"source": it["source"], "split": it["split"], "features": None, "right": None,
               "other": None}
        if ev is not None:
            row["features"] = event_features(ev, coder.lexicon)
            if ev.decided_by.get("code") == "second_opinion":
                row["other"] = ev.confidence     # its own, kept where lower than the score
            if it["source"] == "dev":
                row["right"] = str(ev.penta) == it["label"]
            else:
                row["right"] = _gold_right(it["record"], ev, entity_matches)
        out.append(row)
    return out


def _gold_right(rec: dict[str, Any], ev: Any, matches: Any) -> bool:
    if not rec.get("event"):
        return False                      # the gold has no event: any event is wrong
    if (ev.plover or "").upper() != rec["event"].upper():
        return False
    src = rec.get("source") or []
    if not src:
        return True
    side = lambda golds, ents: any(matches(g, e) for g in golds for e in ents)
    return side(src, ev.actor) or (bool(rec.get("symmetric")) and side(src, ev.recipient))


# -- the fit ------------------------------------------------------------------------------------
def _design(rows: list[dict[str, Any]], names: list[str], factors: Any) -> tuple[Any, Any]:
    import numpy as np

    index = {n: i for i, n in enumerate(names)}
    X = np.zeros((len(rows), len(names)))
    for r, row in enumerate(rows):
        for f in row["features"]:
            key = f if f in index else "default:" + f.partition(":")[0]
            if key in index:
                X[r, index[key]] += 1
    y = np.array([1.0 if row["right"] else 0.0 for row in rows])
    return X, y


def _fit(X: Any, y: Any, dev: Any, w0: Any, fixed: Any, b0: float, lam: float
         ) -> tuple[float, float, Any]:
    """``(intercept, dev offset, weights)``: the dev class file's own intercept is a nuisance
    (its label, the class alone, is right more often than type and actor), so the table's base
    is the gold's and only the factors are shared."""
    import numpy as np

    k = X.shape[1]
    A = np.hstack([np.ones((len(y), 1)), dev[:, None], X])
    theta = np.concatenate([[b0, 0.0], w0])
    prior = theta.copy()
    pen = np.full(k + 2, lam)
    pen[:2] = 1e-6                                 # the intercepts are free
    pen[2:][fixed] = 1e9                           # reference levels and defaults stay 1
    for _ in range(50):
        p = 1 / (1 + np.exp(-(A @ theta)))
        grad = A.T @ (p - y) + pen * (theta - prior)
        H = (A * (p * (1 - p))[:, None]).T @ A + np.diag(pen)
        step = np.linalg.solve(H, grad)
        theta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return float(theta[0]), float(theta[1]), theta[2:]


def _logloss(X: Any, y: Any, dev: Any, b: float, d: float, w: Any) -> float:
    import numpy as np

    p = np.clip(1 / (1 + np.exp(-(b + d * dev + X @ w))), 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def fit(rows: list[dict[str, Any]], path: Path) -> str:
    """Fit the factors on the tune rows, write the table's ``factor`` and ``tune`` columns."""
    import numpy as np

    from eventdesk.coding.confidence import REFERENCE, read_factors

    table = read_factors(path)
    priors = _column(path, "prior")
    names = [n for n in table.factors]
    # the second opinion's events carry a confidence of their own: not fitted
    tune = [r for r in rows if r["split"] == "tune" and r["features"] is not None
            and r.get("other") is None]
    X, y = _design(tune, names, table)
    dev = np.array([1.0 if r["source"] == "dev" else 0.0 for r in tune])
    w0 = np.array([math.log(priors[n]) for n in names])
    fixed = np.array([n in REFERENCE or n.startswith("default:") for n in names])
    b0 = math.log(priors["base"] / (1 - priors["base"]))
    folds = np.array([hashlib.sha1(str(i).encode()).digest()[0] % 5 for i in range(len(y))])
    cv = {}
    for lam in LAMBDAS:
        loss = 0.0
        for f in range(5):
            tr, te = folds != f, folds == f
            b, d, w = _fit(X[tr], y[tr], dev[tr], w0, fixed, b0, lam)
            loss += _logloss(X[te], y[te], dev[te], b, d, w) * te.sum()
        cv[lam] = loss / len(y)
    lam = min(cv, key=cv.get)
    b, d, w = _fit(X, y, dev, w0, fixed, b0, lam)
    counts = dict(zip(names, X.sum(axis=0)))
    factors = {n: math.exp(v) for n, v in zip(names, w)}
    factors["base"] = 1 / (1 + math.exp(-b))
    counts["base"] = len(y)
    _write(path, factors, counts)
    return (f"fitted on {len(y)} tune events (dev offset {d:+.3f} in log-odds, not in the "
            f"table); L2 strength {lam} chosen by 5-fold CV within tune "
            "(log loss " + ", ".join(f"{k}: {v:.4f}" for k, v in cv.items()) + ")")


def _column(path: Path, col: str) -> dict[str, float]:
    from eventdesk._tsv import read_tsv

    return {row["feature"]: float(row[col]) for _, row in read_tsv(path)}


def _write(path: Path, factors: dict[str, float], counts: dict[str, float]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    out, header = [], None
    for line in lines:
        if line.startswith("#") or not line.strip():
            out.append(line)
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            out.append(line)
            continue
        row = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        name = row["feature"]
        if name in factors:
            digits = 3 if name == "base" else 2
            row["factor"] = f"{factors[name]:.{digits}f}"
            row["tune"] = str(int(counts.get(name, 0))) if counts.get(name, 0) else ""
        out.append("\t".join(row[h] for h in header))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


# -- the report ---------------------------------------------------------------------------------
def scored(rows: list[dict[str, Any]], path: Path) -> list[tuple[str, str, float, bool]]:
    from eventdesk.coding.confidence import read_factors

    table = read_factors(path)
    out = []
    for r in rows:
        if r["features"] is None:
            continue
        score = table.score(r["features"])
        if r.get("other") is not None:
            score = min(score, r["other"])
        out.append((r["source"], r["split"], score, bool(r["right"])))
    return out


def report(rows: list[dict[str, Any]], path: Path) -> str:
    names = {"dev": ("dev class file: five-way class of the main event right",
                     "tune", "validation"),
             "gold": ("bench/gold/*.json: PLOVER type and actor of the primary event right",
                      "tune", "held")}
    pts = scored(rows, path)
    out = []
    for source, (title, a, b) in names.items():
        mine = [p for p in pts if p[0] == source]
        if not mine:
            continue
        judged = [r for r in rows if r["source"] == source]
        out.append(f"\n{title}")
        for split, label in (("tune", a), ("check", b)):
            n_all = sum(r["split"] == split for r in judged)
            n_ev = sum(p[1] == split for p in mine)
            out.append(f"  {label}: {n_ev} of {n_all} sentences coded with an event")
        out.append(f"| confidence | {a} events | {a} right | {a} mean conf | "
                   f"{b} events | {b} right | {b} mean conf |")
        out.append("|---|---|---|---|---|---|---|")
        for lo, hi in zip(BINS, BINS[1:]):
            cells = [f"{lo:.1f}-{hi:.1f}"]
            any_ = False
            for split in ("tune", "check"):
                sel = [p for p in mine if p[1] == split and lo <= p[2] < hi + (hi == 1.0)]
                any_ |= bool(sel)
                if sel:
                    right = sum(p[3] for p in sel) / len(sel)
                    conf = sum(p[2] for p in sel) / len(sel)
                    cells += [str(len(sel)), f"{right:.3f}", f"{conf:.3f}"]
                else:
                    cells += ["0", "-", "-"]
            if any_:
                out.append("| " + " | ".join(cells) + " |")
        tune = [p for p in mine if p[1] == "tune"]
        base = sum(p[3] for p in tune) / len(tune) if tune else 0.5
        for split, label in (("tune", a), ("check", b)):
            sel = [p for p in mine if p[1] == split]
            if not sel:
                continue
            brier = sum((p[2] - p[3]) ** 2 for p in sel) / len(sel)
            flat = sum((base - p[3]) ** 2 for p in sel) / len(sel)
            right = sum(p[3] for p in sel) / len(sel)
            out.append(f"  {label}: Brier {brier:.4f} (constant {base:.3f}: {flat:.4f}); "
                       f"AUC {_auc(sel)}; share right {right:.3f}, mean confidence "
                       f"{sum(p[2] for p in sel) / len(sel):.3f}")
    return "\n".join(out)


def _auc(sel: list[tuple[str, str, float, bool]]) -> str:
    """The chance that a right event scores above a wrong one (ties count half)."""
    pos = [p[2] for p in sel if p[3]]
    neg = [p[2] for p in sel if not p[3]]
    if not pos or not neg:
        return "-"
    wins = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg)
    return f"{wins / (len(pos) * len(neg)):.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dev", nargs="?", default=str(DEFAULT_DEV), help="the dev data folder")
    ap.add_argument("--gold", nargs="*", help="gold files (default bench/gold/*.json)")
    ap.add_argument("--fit", action="store_true",
                    help="fit the factors of confidence.tsv on the tune halves, then report")
    ap.add_argument("--table", default=str(TABLE), help="the factor table (default: packaged)")
    ap.add_argument("--cache", help="keep the coded features in this file (outside the repo)")
    ap.add_argument("--limit", type=int, help="only the first N items of each source")
    args = ap.parse_args(argv)

    cache = Path(args.cache) if args.cache else None
    if cache is not None and cache.exists():
        rows = json.loads(cache.read_text(encoding="utf-8"))
    else:
        items: list[dict[str, Any]] = []
        dev = Path(args.dev)
        if (dev / "conflibert_cameo_class_train.tsv").exists():
            items += dev_items(dev, args.limit)
        else:
            print(f"calibration: no dev class file in {dev}; gold only", file=sys.stderr)
        gold = [Path(g) for g in args.gold] if args.gold else \
            sorted((REPO / "bench" / "gold").glob("*.json"))
        items += gold_items(gold, args.limit)
        rows = judge(items)
        if cache is not None:
            cache.write_text(json.dumps(rows), encoding="utf-8")
    table = Path(args.table)
    if args.fit:
        print(fit(rows, table))
    print(f"factors: {table.relative_to(REPO) if table.is_relative_to(REPO) else table}")
    print(report(rows, table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
