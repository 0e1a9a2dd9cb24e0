#!/usr/bin/env python3
"""A precision audit: of the events the coder asserts as facts on unseen text, how many are right?

    python bench/audit.py [--paragraphs FILE] [--judgements FILE] [--n 200]
                          [--show all|unjudged|wrong|none] [--split tune|held|both]
                          [--template FILE] [--json]

Codes each paragraph of ``bench/audit/paragraphs.jsonl`` (short paragraphs written for this audit,
invented but plausible, 2015-2024, in the analytic, wire, headline and reported registers; see
``bench/audit/README.md``), keeps the events whose status is ``asserted`` (what an analysis counts
as having happened), and samples N of them with a fixed seed: the N with the smallest salted hash
of their key, so that an event keeps its place in the sample when other events come or go.

An event's **key** is the first 16 hex digits of the SHA-1 of its sentence, CAMEO code, actor
codes and recipient codes (``audit_key``). The judgement file
(``bench/gold/audit_judgements.json``) maps keys to a human verdict: ``ok`` true when the code is
right AND the actor and recipient are right (an empty recipient is right only if the sentence
names none), with the sentence and the event beside it for a reader. A change that alters an
event's code or parties gives it a new key, and it shows as unjudged until someone judges it.

Reports precision (right / judged) overall, per split, per register, and per strategy: for the
wrong ones, which ``decided_by`` strategies (actor, recipient, status) and which lexicon patterns
are behind them. Each paragraph's split is fixed by the SHA-1 of its text with whitespace removed
(even first byte -> tune, odd -> held; the rule of eval_gold.py): rules are written from tune
events only; the held events are the check. ``--template FILE`` writes the unjudged events of the
sample as a JSON object of ``key -> {"ok": null, ...}`` to fill in and merge.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PARAGRAPHS = REPO / "bench" / "audit" / "paragraphs.jsonl"
JUDGEMENTS = REPO / "bench" / "gold" / "audit_judgements.json"
SEED = "eventdesk-audit-21"


def split_of(text: str) -> str:
    key = re.sub(r"\s+", "", text).encode("utf-8")
    return ("tune", "held")[hashlib.sha1(key).digest()[0] % 2]


def audit_key(sentence: str, code: str, actors: list[str], recipients: list[str]) -> str:
    """The stable key of an event's judgement: sentence, code, actor and recipient codes."""
    raw = "\x1f".join([sentence.strip(), code, ",".join(actors), ",".join(recipients)])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def coded_events(paragraphs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from eventdesk.coding.coder import Coder

    coder = Coder()
    out: list[dict[str, Any]] = []
    for n, p in enumerate(paragraphs):
        split = split_of(p["text"])
        for ev in coder.code(p["text"], date=p["date"], doc_id=f"audit-{n}"):
            if ev.status.value != "asserted":
                continue
            actors = [e.code for e in ev.actor]
            recipients = [e.code for e in ev.recipient]
            out.append({
                "key": audit_key(ev.text, ev.cameo, actors, recipients),
                "paragraph": n, "split": split, "register": p["register"],
                "sentence": ev.text.strip(), "cameo": ev.cameo, "name": ev.cameo_name,
                "actor": actors, "recipient": recipients, "pattern": ev.pattern,
                "decided_by": dict(ev.decided_by), "mention": ev.mention})
    return out


def sample(events: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """The n events with the smallest salted hash of their key (one per key), in text order."""
    unique = {e["key"]: e for e in events}
    rank = lambda e: hashlib.sha1((SEED + e["key"]).encode()).hexdigest()  # noqa: E731
    chosen = sorted(unique.values(), key=rank)[:n]
    return sorted(chosen, key=lambda e: (e["paragraph"], e["sentence"]))


def line(e: dict[str, Any], verdict: Any = None) -> str:
    mark = {True: "RIGHT", False: "WRONG", None: "?    "}[verdict]
    d = e["decided_by"]
    return (f"{mark} {e['key']} [{e['split']}/{e['register']}] {e['cameo']} {e['name']} | "
            f"actor {','.join(e['actor']) or '-'} ({d.get('actor')}) | recipient "
            f"{','.join(e['recipient']) or '-'} ({d.get('recipient')}) | pattern {e['pattern']}"
            + (f" | sense {d['sense']}" if d.get("sense") else "")
            + (" | mention" if e["mention"] else "") + f"\n      {e['sentence']}")


def precision(items: list[tuple[dict[str, Any], bool]]) -> str:
    right = sum(ok for _, ok in items)
    return f"{right / len(items):.3f} ({right}/{len(items)})" if items else "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", type=Path, default=PARAGRAPHS)
    ap.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--show", choices=("all", "unjudged", "wrong", "none"), default="unjudged")
    ap.add_argument("--split", choices=("tune", "held", "both"), default="both",
                    help="which paragraphs' events to show (the figures cover both)")
    ap.add_argument("--template", type=Path, help="write the unjudged events here, to fill in")
    ap.add_argument("--json", action="store_true", help="the figures as JSON")
    args = ap.parse_args(argv)

    paragraphs = [json.loads(x) for x in args.paragraphs.read_text("utf-8").splitlines()
                  if x.strip()]
    events = coded_events(paragraphs)
    chosen = sample(events, args.n)
    judged_file = json.loads(args.judgements.read_text("utf-8")) if args.judgements.exists() \
        else {}
    verdicts = {k: v["ok"] for k, v in judged_file.items() if isinstance(v.get("ok"), bool)}

    judged = [(e, verdicts[e["key"]]) for e in chosen if e["key"] in verdicts]
    unjudged = [e for e in chosen if e["key"] not in verdicts]
    shown = [e for e in chosen if args.split in ("both", e["split"])]
    if args.show != "none" and not args.json:
        for e in shown:
            v = verdicts.get(e["key"])
            if args.show == "all" or (args.show == "unjudged" and v is None) \
                    or (args.show == "wrong" and v is False):
                print(line(e, v))
    if args.template:
        args.template.write_text(json.dumps(
            {e["key"]: {"ok": None, "sentence": e["sentence"],
                        "event": f"{e['cameo']} {e['name']}: {','.join(e['actor']) or '-'} -> "
                                 f"{','.join(e['recipient']) or '-'}", "note": ""}
             for e in unjudged}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    wrong = [e for e, ok in judged if not ok]
    by: dict[str, Counter] = defaultdict(Counter)
    for e in wrong:
        for field in ("actor", "recipient", "status"):
            by[field][e["decided_by"].get(field, "-")] += 1
        by["pattern"][e["pattern"]] += 1
    figures = {
        "paragraphs": len(paragraphs), "asserted_events": len(events), "sampled": len(chosen),
        "judged": len(judged), "unjudged": len(unjudged),
        "precision": precision(judged),
        "by_split": {s: precision([(e, ok) for e, ok in judged if e["split"] == s])
                     for s in ("tune", "held")},
        "by_register": {r: precision([(e, ok) for e, ok in judged if e["register"] == r])
                        for r in ("analytic", "wire", "headline", "reported")},
        "wrong_by": {k: dict(v.most_common()) for k, v in by.items()},
    }
    if args.json:
        print(json.dumps(figures, indent=1))
        return 0
    print(f"{figures['paragraphs']} paragraphs, {figures['asserted_events']} asserted events, "
          f"{figures['sampled']} sampled, {figures['judged']} judged, "
          f"{figures['unjudged']} unjudged")
    print(f"precision (code, actor and recipient right): {figures['precision']}")
    for s, v in figures["by_split"].items():
        print(f"  {s:<9} {v}")
    for r, v in figures["by_register"].items():
        print(f"  {r:<9} {v}")
    print("the wrong ones, by the strategy behind them:")
    for k, v in figures["wrong_by"].items():
        print(f"  {k:<9} " + ", ".join(f"{n} {c}" for n, c in v.items()))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    sys.exit(main())
