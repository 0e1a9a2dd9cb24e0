"""Compare two event JSONL files (``eventdesk code`` output) and list their differences.

    python bench/compare_events.py OLD.jsonl NEW.jsonl [--full]

Events are compared by document, sentence, CAMEO code, actor codes, recipient codes and status;
``--full`` compares every field of the event record except ``decided_by`` (spans, dates,
places, claimants, ids too). Prints each event found in one file only, grouped by sentence, and
a closing count; exits 1 when the files differ, 0 when they agree.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict


def key(ev: dict, full: bool) -> tuple:
    if full:
        rec = {k: v for k, v in ev.items() if k != "decided_by"}
        return (ev["doc_id"], ev["sentence_index"], json.dumps(rec, sort_keys=True))
    return (ev["doc_id"], ev["sentence_index"], ev["cameo"],
            "+".join(e["code"] for e in ev["actor"]),
            "+".join(e["code"] for e in ev["recipient"]), ev["status"])


def load(path: str, full: bool) -> tuple[Counter, dict]:
    keys: Counter = Counter()
    texts: dict = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                ev = json.loads(line)
            except json.JSONDecodeError as exc:
                sys.exit(f"compare_events: {path}:{n}: not JSON ({exc})")
            k = key(ev, full)
            keys[k] += 1
            texts[(ev["doc_id"], ev["sentence_index"])] = ev["text"]
    return keys, texts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--full", action="store_true", help="compare every field of the record")
    args = ap.parse_args(argv)
    old, old_texts = load(args.old, args.full)
    new, new_texts = load(args.new, args.full)
    only_old, only_new = old - new, new - old
    by_sentence: dict = defaultdict(lambda: ([], []))
    for k, n in only_old.items():
        by_sentence[k[:2]][0].extend([k[2:]] * n)
    for k, n in only_new.items():
        by_sentence[k[:2]][1].extend([k[2:]] * n)
    for sent in sorted(by_sentence, key=lambda s: (str(s[0]), s[1])):
        gone, added = by_sentence[sent]
        text = old_texts.get(sent) or new_texts.get(sent)
        print(f"{sent[0]} sentence {sent[1]}: {text}")
        for k in gone:
            print(f"  - {' '.join(map(str, k))}")
        for k in added:
            print(f"  + {' '.join(map(str, k))}")
    print(f"{sum(old.values())} events in {args.old}, {sum(new.values())} in {args.new}; "
          f"{sum(only_old.values())} only in the first, {sum(only_new.values())} only in the "
          f"second, in {len(by_sentence)} sentences")
    return 1 if by_sentence else 0


if __name__ == "__main__":
    sys.exit(main())
