#!/usr/bin/env python3
"""Group the sentences of a `sentence<TAB>label` file into JSONL documents for the benchmarks.

    python bench/make_jsonl.py ../shared/data/dev/conflibert_cameo_class_train.tsv /tmp/dev.jsonl

Writes outside the project (a path you give); the data is read by path and never copied here.
"""
import argparse
import json


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tsv")
    ap.add_argument("out")
    ap.add_argument("--per-doc", type=int, default=8, help="sentences per document")
    ap.add_argument("--date", default="2015-06-01")
    args = ap.parse_args()
    with open(args.tsv, encoding="utf-8") as fh:
        sents = [line.rstrip("\n").rsplit("\t", 1)[0] for line in fh if "\t" in line]
    with open(args.out, "w", encoding="utf-8") as out:
        for i in range(0, len(sents), args.per_doc):
            out.write(json.dumps({"id": f"dev{i}", "date": args.date,
                                  "text": " ".join(sents[i:i + args.per_doc])}) + "\n")
    print(f"{len(sents)} sentences in {(len(sents) + args.per_doc - 1) // args.per_doc} documents")


if __name__ == "__main__":
    main()
