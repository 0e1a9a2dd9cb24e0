#!/usr/bin/env python3
"""Coding throughput against a spaCy parse-only pass over the same texts.

    python bench/throughput.py PATH [PATH ...] [--repeat N] [--rounds R]

PATH is anything `eventdesk code` reads (a JSONL corpus, files, directories). Each pass runs in
its own process so that peak RSS is its own; the two passes alternate for R rounds and the
fastest round of each counts (timings on a shared machine are noisy). Prints documents/s,
sentences/s, words/s and peak RSS for both, and the coder's overhead over parse-only.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def run(mode: str, paths: list[str], repeat: int) -> dict:
    from eventdesk import nlp
    from eventdesk.coding.coder import Coder
    from eventdesk.readers import read_documents

    docs = list(read_documents(paths))
    docs = docs * repeat
    s0 = time.perf_counter()
    nlp.load()
    coder = None
    if mode == "code":
        from eventdesk.geo import gazetteer

        coder = Coder()     # loads the lexicon and the knowledge base
        gazetteer()         # loaded on first use otherwise
    startup = time.perf_counter() - s0
    n_sent = n_words = n_events = 0
    t0 = time.perf_counter()
    if mode == "parse":
        for parsed in nlp.pipe((d.text for d in docs), batch_size=32):
            n_sent += sum(1 for _ in parsed.sents)
            n_words += sum(1 for t in parsed if not t.is_punct and not t.is_space)
    else:
        # the coder's own loop (as Coder.coded runs it), with its share of the time measured
        # in the same process: robust to a noisy machine, unlike comparing two runs
        coding = 0.0
        for doc, parsed in zip(docs, nlp.pipe((d.text for d in docs), batch_size=32)):
            c0 = time.perf_counter()
            n_events += len(coder.code_parsed(doc, parsed))
            coding += time.perf_counter() - c0
    elapsed = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"mode": mode, "documents": len(docs), "sentences": n_sent, "words": n_words,
            "events": n_events, "seconds": elapsed, "peak_rss_mb": rss_mb,
            "coding_seconds": coding if mode == "code" else 0.0, "startup_seconds": startup}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--repeat", type=int, default=1, help="code the corpus N times over")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds; the fastest counts")
    ap.add_argument("--mode", choices=["parse", "code"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        print(json.dumps(run(args.mode, args.paths, args.repeat)))
        return
    results: dict[str, dict] = {}
    times: dict[str, list[float]] = {"parse": [], "code": []}
    for _ in range(args.rounds):
        for mode in ("parse", "code"):
            out = subprocess.run([sys.executable, __file__, "--mode", mode, "--repeat",
                                  str(args.repeat), *args.paths], capture_output=True,
                                 text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            times[mode].append(r["seconds"])
            if mode not in results or r["seconds"] < results[mode]["seconds"]:
                results[mode] = r
    p, c = results["parse"], results["code"]
    c["sentences"], c["words"] = p["sentences"], p["words"]
    print(f"{'pass':<12}{'docs/s':>10}{'sents/s':>10}{'words/s':>10}{'seconds':>10}{'RSS MB':>10}")
    for name, r in (("parse-only", p), ("coder", c)):
        s = r["seconds"]
        print(f"{name:<12}{r['documents'] / s:>10.1f}{r['sentences'] / s:>10.1f}"
              f"{r['words'] / s:>10.0f}{s:>10.2f}{r['peak_rss_mb']:>10.0f}")
    print(f"{p['documents']} documents, {p['sentences']} sentences, {p['words']} words, "
          f"{c['events']} events")
    print(f"start-up (model; model, lexicon, knowledge base and gazetteer): "
          f"{p['startup_seconds']:.2f} s; {c['startup_seconds']:.2f} s")
    print("rounds (s): " + "; ".join(f"{m} " + " ".join(f"{t:.2f}" for t in ts)
                                     for m, ts in times.items()))
    print(f"coder / parse-only time: {c['seconds'] / p['seconds']:.3f} "
          f"(overhead {100 * (c['seconds'] / p['seconds'] - 1):+.1f}%, two processes)")
    share = c["coding_seconds"] / max(c["seconds"] - c["coding_seconds"], 1e-9)
    print(f"within the coder's run: coding {c['coding_seconds']:.2f} s over parsing "
          f"{c['seconds'] - c['coding_seconds']:.2f} s = overhead {100 * share:+.1f}%")


if __name__ == "__main__":
    main()
