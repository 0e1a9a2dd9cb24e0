#!/usr/bin/env python3
"""Actor and recipient attribution against gold source/target spans.

    python bench/eval_actors.py ../shared/data/dev/conflibert_cameo_spans_train.txt [--misses F]

The file has one `token<TAB-or-space>tag` a line (BIO tags: S source, T target, R reciprocal),
a blank line between sentences. Each sentence is rebuilt from its tokens, coded, and every gold
span is checked against the character spans of the coded events: a source (S) span counts as
found when an event's actor span overlaps it, a target (T) span when a recipient span does,
a reciprocal (R) span when either does. Prints the shares found, overall and among sentences
where the coder produced any event. Reads the data by path; copies nothing.
"""
from __future__ import annotations

import argparse

from eventdesk import nlp
from eventdesk.coding.coder import Coder
from eventdesk.model import Document


def read_sentences(path: str):
    tokens: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                if tokens:
                    yield tokens
                tokens = []
                continue
            tokens.append((parts[0], parts[-1] if len(parts) > 1 else "O"))
    if tokens:
        yield tokens


def gold_spans(tokens: list[tuple[str, str]]) -> tuple[str, list[tuple[str, int, int]]]:
    text, spans, pos = [], [], 0
    current: list | None = None
    for word, tag in tokens:
        start = pos
        text.append(word)
        pos += len(word) + 1
        if tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[0] != tag[2:])):
            current = [tag[2:], start, start + len(word)]
            spans.append(current)
        elif tag.startswith("I-") and current is not None:
            current[2] = start + len(word)
        else:
            current = None
    return " ".join(text), [tuple(s) for s in spans]


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path")
    ap.add_argument("--misses", help="write sentences with unfound spans here")
    args = ap.parse_args()
    sents = [gold_spans(t) for t in read_sentences(args.path)]
    coder = Coder()
    found = {"S": [0, 0], "T": [0, 0], "R": [0, 0]}
    found_coded = {"S": [0, 0], "T": [0, 0], "R": [0, 0]}
    misses = []
    for (text, gold), parsed in zip(sents, nlp.pipe(t for t, _ in sents)):
        events = coder.code_parsed(Document(id="x", text=text), parsed)
        starts = [s.start_char for s in parsed.sents]
        actor, recip = [], []
        for ev in events:
            off = starts[ev.sentence_index]
            actor += [(s + off, e + off) for s, e in ev.spans["actor"]]
            recip += [(s + off, e + off) for s, e in ev.spans["recipient"]]
        missed = []
        for role, s, e in gold:
            cand = actor if role == "S" else recip if role == "T" else actor + recip
            hit = any(overlaps((s, e), c) for c in cand)
            found[role][0] += hit
            found[role][1] += 1
            if events:
                found_coded[role][0] += hit
                found_coded[role][1] += 1
            if not hit:
                missed.append(f"{role}:{text[s:e]}")
        if missed:
            misses.append((text, " | ".join(missed), str(len(events))))
    print(f"{len(sents)} sentences, {sum(1 for _ in misses)} with a gold span not found")
    for role, name in (("S", "source"), ("T", "target"), ("R", "reciprocal")):
        h, n = found[role]
        hc, nc = found_coded[role]
        print(f"{name:<11} {h:5d}/{n:<5d} = {h / max(n, 1):.3f}   in sentences with events: "
              f"{hc}/{nc} = {hc / max(nc, 1):.3f}")
    if args.misses:
        with open(args.misses, "w", encoding="utf-8") as fh:
            fh.write("sentence\tmissed\tevents\n")
            for m in misses:
                fh.write("\t".join(m) + "\n")


if __name__ == "__main__":
    main()
