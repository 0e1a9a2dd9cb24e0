#!/usr/bin/env python3
"""Five-way CAMEO class accuracy of the coder on a labelled sentence file.

    python bench/eval_dev.py ../shared/data/dev/conflibert_cameo_class_train.tsv [--misses FILE]

The file has `sentence<TAB>label` lines, label the five-way class (0 statement, 1 verbal
cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict). Each sentence is
coded on its own; the sentence's predicted class is the class of its most intense asserted (else
any) event, or "none" when the coder finds no event. Prints coverage, accuracy over all sentences
and over coded ones, macro-F1 and the confusion matrix. Reads the data by path; copies nothing.
"""
from __future__ import annotations

import argparse
from collections import Counter

from eventdesk.coding.coder import Coder
from eventdesk.model import Document, Status


def predict(events) -> str:
    if not events:
        return "none"
    asserted = [e for e in events if e.status is Status.ASSERTED] or list(events)
    main = max(asserted, key=lambda e: (abs(e.goldstein), -e.sentence_index))
    return str(main.penta)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path")
    ap.add_argument("--misses", help="write the misses (sentence, gold, predicted, codes) here")
    args = ap.parse_args()
    rows = []
    with open(args.path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[-1].strip() in {"0", "1", "2", "3", "4"}:
                rows.append(("\t".join(parts[:-1]), parts[-1].strip()))
    coder = Coder()
    docs = [Document(id=f"s{i}", text=s) for i, (s, _) in enumerate(rows)]
    preds, misses = [], []
    for (doc, events), (sent, gold) in zip(coder.coded(docs), rows):
        p = predict(events)
        preds.append(p)
        if p != gold:
            misses.append((sent, gold, p, " ".join(f"{e.cameo}:{e.status.value[:4]}" for e in events)))
    golds = [g for _, g in rows]
    n = len(rows)
    coded = [(g, p) for g, p in zip(golds, preds) if p != "none"]
    acc_all = sum(g == p for g, p in zip(golds, preds)) / n
    acc_coded = sum(g == p for g, p in coded) / max(len(coded), 1)
    labels = ["0", "1", "2", "3", "4"]
    f1s = []
    for lab in labels:
        tp = sum(g == lab and p == lab for g, p in zip(golds, preds))
        fp = sum(g != lab and p == lab for g, p in zip(golds, preds))
        fn = sum(g == lab and p != lab for g, p in zip(golds, preds))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    print(f"{n} sentences; coded {len(coded)} ({100 * len(coded) / n:.1f}%)")
    print(f"five-way accuracy: {acc_all:.3f} over all sentences, {acc_coded:.3f} over coded ones")
    print(f"macro-F1 (no event counts as wrong): {sum(f1s) / len(f1s):.3f}  "
          + "  ".join(f"{lab}:{f:.2f}" for lab, f in zip(labels, f1s)))
    conf = Counter(zip(golds, preds))
    cols = labels + ["none"]
    print("gold\\pred " + "".join(f"{c:>6}" for c in cols))
    for g in labels:
        print(f"{g:>9} " + "".join(f"{conf[(g, c)]:>6}" for c in cols))
    if args.misses:
        with open(args.misses, "w", encoding="utf-8") as fh:
            fh.write("sentence\tgold\tpredicted\tevents\n")
            for m in misses:
                fh.write("\t".join(m) + "\n")


if __name__ == "__main__":
    main()
