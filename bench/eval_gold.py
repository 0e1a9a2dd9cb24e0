#!/usr/bin/env python3
"""The coder on eventdesk's own gold set (bench/gold/eventdesk_gold.json), per split and register.

    python bench/eval_gold.py [GOLD] [--split tune|held|both] [--misses FILE]
                              [--show-held-misses] [--json] [--check]

Codes each record's text with the Python API (``Coder().code(text, date=...)``), takes the
sentence's primary event (the one the coder marks ``primary`` if it marks any, else the one
``eventdesk.evaluate.main_event`` picks) and reports, for the tune and the held half apart:

- PLOVER type accuracy of the primary event (records whose gold has an event type);
- five-way class accuracy and macro-F1 (gold ``quad``; no event predicted counts as wrong);
- actor-country and recipient-country accuracy, and type with both countries right (for a
  ``symmetric`` record either orientation counts);
- status accuracy (asserted, reported, future, desired, hypothetical, negated, generic);
- no-event precision: of the sentences whose gold has no event, how many were left without an
  asserted fact; and the same for gold events that are not facts (future, desired, hypothetical,
  negated, generic): how many had their primary event coded as an asserted fact;
- mentions of earlier events: of the records naming one ("since the U.S. strike on Syria"), how
  many were not coded again as a new fact on the document's date (an event of the mention's type
  and actor that is asserted or reported, dated the document's date and not marked a mention);
- the same core figures by register (analytic, wire, headline, reported).

A record with a ``context`` (the sentences before its text in a paragraph, as in
bench/gold/refs.json) is coded as one document, context then text, and scored on the events of
its text's sentences only, so that words referring back can be measured.

The held half is for the end of a change (see bench/gold/README.md): its misses are written only
with --show-held-misses. --check validates the gold file and exits.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import date as Date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "bench" / "gold" / "eventdesk_gold.json"
SPLITS = ("tune", "held")
REGISTERS = ("analytic", "wire", "headline", "reported")
STATUSES = ("asserted", "reported", "future", "desired", "hypothetical", "negated", "generic")
FACTS = ("asserted", "reported")
CLASSES = ("0", "1", "2", "3", "4")


def split_of(text: str) -> str:
    """The fixed split of a sentence: first SHA-1 byte of its UTF-8 text without whitespace,
    even → tune, odd → held (the rule bench/eval_dev.py applies to the dev files)."""
    return SPLITS[hashlib.sha1(re.sub(r"\s+", "", text).encode("utf-8")).digest()[0] % 2]


def quad_of(cameo: str) -> int:
    root = int(cameo[:2])
    return 0 if root <= 2 else 1 if root <= 5 else 2 if root <= 8 else \
        3 if root <= 13 or root == 16 else 4


# -- the gold file ----------------------------------------------------------------------------
def check(records: Any) -> list[str]:
    """Problems with the gold file, one line each (empty when it is sound)."""
    if not isinstance(records, list):
        return ["the gold file is not a JSON array"]
    out, ids, texts = [], set(), set()
    for k, r in enumerate(records, 1):
        where = f"record {k} ({r.get('id', '?') if isinstance(r, dict) else '?'})"
        if not isinstance(r, dict) or not isinstance(r.get("text"), str) or not r["text"].strip():
            out.append(f"{where}: no text")
            continue
        for key in ("id", "register", "split", "date", "event", "source", "target", "cameo",
                    "quad", "status", "mention_of_earlier"):
            if key not in r:
                out.append(f"{where}: no `{key}`")
        if r.get("id") in ids:
            out.append(f"{where}: duplicate id")
        if r["text"] in texts:
            out.append(f"{where}: duplicate text")
        ids.add(r.get("id"))
        texts.add(r["text"])
        if r.get("register") not in REGISTERS:
            out.append(f"{where}: register {r.get('register')!r}")
        if r.get("split") != split_of(r["text"]):
            out.append(f"{where}: split {r.get('split')!r}, the hash says {split_of(r['text'])}")
        try:
            Date.fromisoformat(r.get("date") or "")
        except ValueError:
            out.append(f"{where}: date {r.get('date')!r}")
        cameo = r.get("cameo")
        if cameo is None:
            if r.get("event") or r.get("status") or r.get("quad") is not None:
                out.append(f"{where}: no cameo code but an event, status or quad")
        else:
            if not re.fullmatch(r"\d{2,3}", str(cameo)) or not 1 <= int(str(cameo)[:2]) <= 20:
                out.append(f"{where}: cameo {cameo!r}")
            elif r.get("quad") != quad_of(str(cameo)):
                out.append(f"{where}: quad {r.get('quad')} for cameo {cameo}")
            if r.get("status") not in STATUSES:
                out.append(f"{where}: status {r.get('status')!r}")
        if "context" in r and not isinstance(r["context"], str):
            out.append(f"{where}: context is not a string")
        if bool(r.get("earlier")) != bool(r.get("mention_of_earlier")):
            out.append(f"{where}: mention_of_earlier and earlier disagree")
    return out


# -- the coder's side -------------------------------------------------------------------------
def _main_event_fn():
    try:
        from eventdesk.evaluate import main_event
        return main_event
    except ImportError:                          # the evaluate module moved: the same rule
        def main_event(events):
            facts = [e for e in events if _status(e) in FACTS]
            return (facts or events or [None])[0]
        return main_event


def _matcher():
    try:
        from eventdesk.evaluate import entity_matches
        return entity_matches
    except ImportError:
        def entity_matches(gold: str, e: Any) -> bool:
            code = getattr(e, "code", "") or ""
            country = getattr(e, "country", None) or (code[:3] if code not in ("", "---")
                                                      else None)
            return gold == code or (country is not None and gold[:3] == country)
        return entity_matches


def _status(e: Any) -> str:
    s = getattr(e, "status", None)
    return getattr(s, "value", s) or ""


def primary_of(events: list[Any], main_event: Any) -> Any:
    marked = [e for e in events if getattr(e, "primary", False)]
    return marked[0] if marked else main_event(events)


def _is_mention(e: Any) -> bool:
    return bool(getattr(e, "mention_of_earlier", False) or getattr(e, "mention", False)
                or getattr(e, "earlier_mention", False) or _status(e) == "mention")


def code_record(coder: Any, rec: dict[str, Any]) -> list[Any]:
    """The events of a record's ``text``. With a ``context`` (the sentences before it in its
    paragraph) the paragraph is coded as one document, so that words referring back ("he",
    "the country") can find what the context names, and only the events of the text's own
    sentences are kept (an event's sentence, ``Event.text``, lies inside the record's text)."""
    context = (rec.get("context") or "").strip()
    if not context:
        return coder.code(rec["text"], date=rec.get("date"))
    events = coder.code(context + " " + rec["text"], date=rec.get("date"))
    return [e for e in events if (e.text or "").strip() and e.text.strip() in rec["text"]]


# -- scoring ----------------------------------------------------------------------------------
class Tally:
    """Counts for one group of records (a split, a register)."""

    def __init__(self) -> None:
        self.n = 0
        self.c: dict[str, list[int]] = defaultdict(lambda: [0, 0])   # measure → [right, of]
        self.confusion: Counter = Counter()
        self.decided: Counter = Counter()

    def add(self, name: str, ok: bool) -> None:
        self.c[name][0] += bool(ok)
        self.c[name][1] += 1

    def macro_f1(self) -> float | None:
        present = sorted({g for g, _ in self.confusion})
        if not present:
            return None
        f1s = []
        for lab in present:
            tp = self.confusion[(lab, lab)]
            fp = sum(v for (g, p), v in self.confusion.items() if p == lab and g != lab)
            fn = sum(v for (g, p), v in self.confusion.items() if g == lab and p != lab)
            prec = tp / (tp + fp) if tp + fp else 0.0
            rec = tp / (tp + fn) if tp + fn else 0.0
            f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        return sum(f1s) / len(f1s)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"items": self.n}
        for name, (right, of) in sorted(self.c.items()):
            out[name] = {"right": right, "of": of, "share": right / of if of else None}
        out["five_way_macro_f1"] = self.macro_f1()
        out["five_way_confusion"] = {f"{g}>{p}": v for (g, p), v in sorted(self.confusion.items())}
        if self.decided:
            out["primary_decided_by"] = dict(self.decided.most_common())
        return out


def score(rec: dict[str, Any], events: list[Any], prim: Any, matches: Any, tallies: list[Tally]
          ) -> list[str]:
    """Score one record into every tally; return its misses as short phrases."""
    problems: list[str] = []

    def add(name: str, ok: bool, why: str | None = None) -> None:
        for t in tallies:
            t.add(name, ok)
        if not ok and why:
            problems.append(why)

    for t in tallies:
        t.n += 1
        if prim is not None:
            t.decided[str(getattr(prim, "decided_by", None) or "-")] += 1

    def side(golds: list[str], ents: Any) -> bool:
        return any(matches(g, e) for g in golds for e in (ents or ()))

    gold_event, cameo, status = rec.get("event"), rec.get("cameo"), rec.get("status")
    p_type = (getattr(prim, "plover", None) or "").upper() if prim is not None else ""
    p_status = _status(prim) if prim is not None else "none"
    if gold_event:
        add("type", p_type == gold_event.upper(), f"type {gold_event} predicted {p_type or 'none'}")
    if rec.get("quad") is not None:
        pred = str(getattr(prim, "penta", "none")) if prim is not None else "none"
        gold = str(rec["quad"])
        for t in tallies:
            t.confusion[(gold, pred)] += 1
        add("five_way", pred == gold, f"class {gold} predicted {pred}")
    src, tgt = rec.get("source") or [], rec.get("target") or []
    actors = prim.actor if prim is not None else ()
    recips = prim.recipient if prim is not None else ()
    straight = (side(src, actors), side(tgt, recips))
    crossed = (side(src, recips), side(tgt, actors)) if rec.get("symmetric") else (False, False)
    if src:
        add("actor", straight[0] or crossed[0], "actor " + "|".join(src))
    if tgt:
        add("recipient", straight[1] or crossed[1], "recipient " + "|".join(tgt))
    if gold_event and src and tgt:
        add("type_and_both", p_type == gold_event.upper() and (all(straight) or all(crossed)))
    if cameo is not None:
        add("status", p_status == status, f"status {status} predicted {p_status}")
    asserted = [e for e in events if _status(e) == "asserted" and not _is_mention(e)]
    if cameo is None:
        add("no_event_clean", not asserted, "no event, coded as an asserted fact")
    elif status not in FACTS:
        add("non_fact_clean", p_status != "asserted", f"{status} event coded as an asserted fact")
    if rec.get("earlier"):
        doc_day = rec.get("date")
        recoded = False
        for earlier in rec["earlier"]:
            for e in events:
                if _status(e) not in FACTS or _is_mention(e):
                    continue
                day = getattr(e, "date", None)
                if day is not None and doc_day and str(day) != doc_day:
                    continue                     # dated by its own phrase, not the document
                kind = earlier.get("event")
                same = (getattr(e, "plover", None) or "").upper() == kind.upper() if kind \
                    else (getattr(e, "cameo", "") or "")[:2] == earlier["cameo"][:2]
                if same and (not earlier.get("source") or side(earlier["source"], e.actor)):
                    recoded = True
        add("earlier_not_recoded", not recoded, "earlier event coded again as new")
    return problems


MEASURES = [("type", "PLOVER type of the primary event"),
            ("five_way", "five-way class accuracy"),
            ("five_way_macro_f1", "five-way macro-F1"),
            ("actor", "actor country"),
            ("recipient", "recipient country"),
            ("type_and_both", "type with both countries right"),
            ("status", "status"),
            ("no_event_clean", "no-event sentences left without a fact"),
            ("non_fact_clean", "non-fact events not coded as fact"),
            ("earlier_not_recoded", "earlier events not coded again")]


def cell(t: Tally | None, name: str, counts: bool = True) -> str:
    if t is None:
        return "-"
    if name == "five_way_macro_f1":
        f = t.macro_f1()
        return "-" if f is None else f"{f:.3f}"
    right, of = t.c.get(name, [0, 0])
    if not of:
        return "-"
    return f"{right / of:.3f} ({right}/{of})" if counts else f"{right / of:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold", nargs="?", default=str(DEFAULT))
    ap.add_argument("--split", choices=["tune", "held", "both"], default="both")
    ap.add_argument("--misses", default="/tmp/eventdesk-gold.misses.tsv",
                    help="TSV of the tune half's misses (default %(default)s)")
    ap.add_argument("--show-held-misses", action="store_true",
                    help="also write the held half's misses (only at the end of a change)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--check", action="store_true", help="validate the gold file and exit")
    args = ap.parse_args(argv)

    try:
        records = json.loads(Path(args.gold).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"eval_gold: cannot read {args.gold}: {exc}", file=sys.stderr)
        return 2
    problems = check(records)
    if args.check or problems:
        for p in problems:
            print(f"eval_gold: {args.gold}: {p}", file=sys.stderr)
        if args.check and not problems:
            print(f"{len(records)} records, sound "
                  f"({', '.join(f'{k} {v}' for k, v in Counter(r['split'] for r in records).items())})")
        return 2 if problems else 0
    splits = SPLITS if args.split == "both" else (args.split,)
    records = [r for r in records if r["split"] in splits]

    from eventdesk import Coder
    coder = Coder()
    main_event, matches = _main_event_fn(), _matcher()
    by_split = {s: Tally() for s in splits}
    by_reg = {(s, g): Tally() for s in splits for g in REGISTERS}
    every = Tally()
    misses = []
    for rec in records:
        events = code_record(coder, rec)
        prim = primary_of(events, main_event)
        tallies = [by_split[rec["split"]], by_reg[(rec["split"], rec["register"])]]
        if len(splits) > 1:
            tallies.append(every)
        probs = score(rec, events, prim, matches, tallies)
        if probs and (rec["split"] == "tune" or args.show_held_misses):
            misses.append((rec, probs, events))
    if args.misses:
        with open(args.misses, "w", encoding="utf-8") as fh:
            fh.write("id\tsplit\tregister\ttext\tgold\tproblems\tevents\n")
            for rec, probs, events in misses:
                gold = (f"{rec['cameo'] or '-'}:{rec['event'] or '-'}:{rec['status'] or '-'}:"
                        f"{'+'.join(rec['source']) or '-'}>{'+'.join(rec['target']) or '-'}")
                got = " ".join(f"{e.cameo}:{e.plover or '-'}:{_status(e)}:"
                               f"{'+'.join(a.code for a in e.actor) or '-'}>"
                               f"{'+'.join(r.code for r in e.recipient) or '-'}" for e in events)
                fh.write("\t".join([rec["id"], rec["split"], rec["register"], rec["text"], gold,
                                    "; ".join(probs), got]) + "\n")

    if args.json:
        out = {"splits": {s: t.to_dict() for s, t in by_split.items()},
               "registers": {f"{s}/{g}": t.to_dict() for (s, g), t in by_reg.items() if t.n}}
        if len(splits) > 1:
            out["all"] = every.to_dict()
        print(json.dumps(out, indent=2))
        return 0
    cols = [(s, by_split[s]) for s in splits] + ([("all", every)] if len(splits) > 1 else [])
    print(f"{args.gold}: " + ", ".join(f"{name} {t.n}" for name, t in cols) + " records")
    print(f"  {'':42}" + "".join(f"{name:>20}" for name, _ in cols))
    for name, label in MEASURES:
        print(f"  {label:42}" + "".join(f"{cell(t, name):>20}" for _, t in cols))
    for s in splits:
        print(f"by register, {s} half:")
        short = [("type", "type"), ("five_way_macro_f1", "5-way F1"), ("actor", "actor"),
                 ("recipient", "recip."), ("type_and_both", "type+both"), ("status", "status")]
        print(f"  {'register':10}{'n':>5}" + "".join(f"{lab:>11}" for _, lab in short))
        for g in REGISTERS:
            t = by_reg[(s, g)]
            if t.n:
                print(f"  {g:10}{t.n:>5}" + "".join(f"{cell(t, m, counts=False):>11}"
                                                  for m, _ in short))
    decided = every.decided if len(splits) > 1 else by_split[splits[0]].decided
    if set(decided) - {"-"}:
        print("primary event decided by: " + ", ".join(f"{k} {v}" for k, v in
                                                       decided.most_common()))
    if args.misses:
        which = "tune and held" if args.show_held_misses else "tune"
        print(f"{which} misses: {args.misses} ({len(misses)} records)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
