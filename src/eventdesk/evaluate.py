"""Scoring the coder against labelled data: ``eventdesk eval GOLD --format ...``.

Four gold formats are read, each into :class:`GoldItem` records:

- ``conflibert-class``: ``sentence<TAB>label`` lines, label the five-way class (0 statement,
  1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict).
- ``conflibert-spans``: one ``token<TAB-or-space>tag`` a line, BIO tags over ``S`` (source),
  ``T`` (target) and ``R`` (reciprocal) actors, a blank line between sentences.
- ``plover-gsr``: a JSON array of records with ``text``, ``event`` (a PLOVER type), ``source`` and
  ``target`` (lists of actor codes or names), optionally ``id`` and ``date``.
- ``petrarch-xml``: PETRARCH's validation records, ``<Sentence date=... id=...>`` elements with a
  ``<Text>`` and zero or more ``<EventCoding sourcecode= targetcode= eventcode=>`` children
  (``noevents="True"`` marks a sentence that reports none).

Each item is coded on its own (its date, if given, is the document date). A sentence's
*predicted class* is that of its main event: the most intense asserted event named by a verb
(else by a noun), else the most intense of any status; no event is the class "none" and counts
as wrong. Triples are
(actor, recipient, root) — (actor, recipient, PLOVER type) for PLOVER gold — taken from the
asserted and reported events, each gold triple matched to at most one predicted triple; actors
match at the country level (``USAGOV`` matches ``USA``) or by name.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Any

from .errors import InputError, InputWarning, UsageError
from .model import Document, Entity, Event, Status

FORMATS = ("conflibert-class", "conflibert-spans", "plover-gsr", "petrarch-xml")
CLASSES = ("0", "1", "2", "3", "4")
CLASS_NAMES = {"0": "statement", "1": "verbal coop", "2": "material coop",
               "3": "verbal conflict", "4": "material conflict"}
TRIPLE_STATUSES = (Status.ASSERTED, Status.REPORTED)
MAX_GOLD_BYTES = 200 * 1024 * 1024

ErrorHandler = Callable[[InputError], None]


@dataclass
class GoldItem:
    """One labelled sentence (or short text) and what the gold says of it."""

    where: str                                   # file:line (or file:record N)
    text: str
    date: Date | None = None
    penta: str | None = None                     # five-way class
    plover: str | None = None                    # PLOVER event type
    sources: list[str] = field(default_factory=list)   # gold actor codes or names
    targets: list[str] = field(default_factory=list)
    triples: list[tuple[str, str, str]] = field(default_factory=list)
    spans: list[tuple[str, int, int]] = field(default_factory=list)   # (S|T|R, start, end)
    no_event: bool = False                       # the gold says the text reports no event


# -- readers -----------------------------------------------------------------------------------
def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    if size == 0:
        raise UsageError(f"{path}: the file is empty")
    if size > MAX_GOLD_BYTES:
        raise UsageError(f"{path}: {size} bytes is more than the {MAX_GOLD_BYTES} bytes a gold "
                         "file may have")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise UsageError(f"{path}: a binary file, not a gold file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not valid UTF-8 (byte {exc.start})") from None


def read_conflibert_class(path: Path, on_error: ErrorHandler) -> Iterator[GoldItem]:
    for n, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        sent, _, label = line.rstrip("\n").rpartition("\t")
        label = label.strip()
        if not sent.strip() or label not in CLASSES:
            if n == 1 and label.lower() in ("label", "class"):
                continue        # a header row
            on_error(InputError("expected `sentence<TAB>label` with a label 0-4", f"{path}:{n}"))
            continue
        yield GoldItem(f"{path}:{n}", sent.strip(), penta=label)


def read_conflibert_spans(path: Path, on_error: ErrorHandler) -> Iterator[GoldItem]:
    words: list[tuple[str, str]] = []
    start_line = 1
    lines = _read_text(path).splitlines()
    for n, line in enumerate([*lines, ""], 1):
        parts = line.split()
        if not parts:
            if words:
                item = _spans_item(words, f"{path}:{start_line}", on_error)
                if item is not None:
                    yield item
            words, start_line = [], n + 1
            continue
        tag = parts[-1] if len(parts) > 1 else "O"
        if tag != "O" and not re.fullmatch(r"[BI]-[STR]", tag):
            on_error(InputError(f"unknown tag {tag!r} (expected O, B-S, I-T, ...); read as O",
                                f"{path}:{n}"))
            tag = "O"
        words.append((parts[0], tag))


def _spans_item(words: list[tuple[str, str]], where: str, on_error: ErrorHandler
                ) -> GoldItem | None:
    text: list[str] = []
    spans: list[list[Any]] = []
    pos = 0
    current: list[Any] | None = None
    for word, tag in words:
        start = pos
        text.append(word)
        pos += len(word) + 1
        role = tag[2:]
        if tag.startswith("B-") or (tag.startswith("I-") and (current is None
                                                             or current[0] != role)):
            current = [role, start, start + len(word)]
            spans.append(current)
        elif tag.startswith("I-") and current is not None:
            current[2] = start + len(word)
        else:
            current = None
    return GoldItem(where, " ".join(text), spans=[tuple(s) for s in spans])  # type: ignore[misc]


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)]


def read_plover_gsr(path: Path, on_error: ErrorHandler) -> Iterator[GoldItem]:
    from .ontology import plover_types

    try:
        records = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: not a JSON array of records ({exc.msg})") from None
    if not isinstance(records, list):
        raise UsageError(f"{path}: expected a JSON array of records, found a "
                         f"{type(records).__name__}")
    known = {t.upper() for t in plover_types()}
    for k, rec in enumerate(records, 1):
        where = f"{path}:record {k}"
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) \
                or not rec["text"].strip():
            on_error(InputError("a record needs a non-empty `text`", where))
            continue
        event = rec.get("event")
        if isinstance(event, list):
            event = event[0] if event else None
        event = str(event).strip().upper() if event else None
        if event and event not in known:
            on_error(InputError(f"unknown PLOVER event type {event!r}", where))
            continue
        day = _gold_date(rec.get("date") or rec.get("publication_date"), where, on_error)
        sources, targets = _str_list(rec.get("source")), _str_list(rec.get("target"))
        triples = [(s, t, event) for s in sources or [""] for t in targets or [""]] if event else []
        yield GoldItem(where, rec["text"].strip(), date=day, plover=event, sources=sources,
                       targets=targets, triples=triples, no_event=event is None)


def read_petrarch_xml(path: Path, on_error: ErrorHandler) -> Iterator[GoldItem]:
    from lxml import etree

    from .ontology import cameo, is_cameo

    text = _read_text(path)
    parser = etree.XMLParser(recover=True, huge_tree=False, resolve_entities=False,
                             no_network=True)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise UsageError(f"{path}: not PETRARCH XML ({exc})") from None
    if root is None:
        raise UsageError(f"{path}: not PETRARCH XML (no elements)")
    sentences = [root] if root.tag == "Sentence" else list(root.iter("Sentence"))
    if not sentences:
        raise UsageError(f"{path}: no <Sentence> elements; is this PETRARCH validation XML?")
    for el in sentences:
        where = f"{path}:{el.sourceline}"
        body = el.findtext("Text")
        if not body or not body.strip():
            on_error(InputError("a <Sentence> without <Text>", where))
            continue
        day = _gold_date(el.get("date"), where, on_error)
        item = GoldItem(where, " ".join(body.split()), date=day)
        codings = el.findall("EventCoding")
        if any((c.get("noevents") or "").lower() == "true" for c in codings) or not codings:
            item.no_event = True
        bad = False
        for c in codings:
            code = (c.get("eventcode") or "").strip()
            if not code:
                continue
            if not is_cameo(code):
                on_error(InputError(f"unknown CAMEO code {code!r}", f"{path}:{c.sourceline}"))
                bad = True
                continue
            src, tgt = (c.get("sourcecode") or "").strip(), (c.get("targetcode") or "").strip()
            item.triples.append((src, tgt, code[:2]))
            item.sources.append(src)
            item.targets.append(tgt)
            if item.penta is None:
                info = cameo(code)
                item.penta, item.plover = str(info.penta), info.plover
        if bad and not item.triples:
            continue
        yield item


def _gold_date(value: Any, where: str, on_error: ErrorHandler) -> Date | None:
    from .dates import parse_date

    if not value:
        return None
    try:
        return parse_date(str(value))[0]
    except InputError:
        on_error(InputWarning(f"cannot read the date {value!r}; coded without one", where))
        return None


READERS: dict[str, Callable[[Path, ErrorHandler], Iterator[GoldItem]]] = {
    "conflibert-class": read_conflibert_class,
    "conflibert-spans": read_conflibert_spans,
    "plover-gsr": read_plover_gsr,
    "petrarch-xml": read_petrarch_xml,
}


def detect_format(path: Path) -> str:
    """The gold format a file is in, from its first bytes; a UsageError when unclear."""
    with open(path, "rb") as fh:
        head = fh.read(4096).decode("utf-8", "replace").lstrip("\ufeff \r\n\t")
    if head.startswith("["):
        return "plover-gsr"
    if head.startswith("<"):
        return "petrarch-xml"
    lines = ([ln for ln in head.splitlines()[:-1] if ln.strip()] or head.splitlines())[:20]

    def most(test: Callable[[str], bool]) -> bool:
        return bool(lines) and sum(map(test, lines)) >= 0.6 * len(lines)

    if most(lambda ln: re.search(r"\t[0-4]\s*$", ln) is not None):
        return "conflibert-class"
    if most(lambda ln: len(ln.split()) <= 2):
        return "conflibert-spans"
    raise UsageError(f"{path}: cannot tell the gold format; give --format "
                     f"({'|'.join(FORMATS)})")


def read_gold(path: str | Path, fmt: str | None, on_error: ErrorHandler
              ) -> tuple[str, list[GoldItem]]:
    """(format, items) of a gold file; ``fmt`` None detects the format."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{p}: no such file")
    fmt = fmt or detect_format(p)
    if fmt not in READERS:
        raise UsageError(f"unknown gold format {fmt!r} (one of {', '.join(FORMATS)})")
    items = list(READERS[fmt](p, on_error))
    if not items:
        raise UsageError(f"{p}: no labelled records could be read as {fmt}")
    return fmt, items


# -- scoring -----------------------------------------------------------------------------------
def main_event(events: list[Event]) -> Event | None:
    """The event a sentence is about: the one the coder marked ``primary`` (see
    :mod:`eventdesk.coding.primary`); where none is marked (imported events, a sentence of
    mentions only), the most intense asserted one named by a verb (an event named by a noun,
    such as the strike in "Russia condemned the strike", is background), else the most intense
    asserted one, else the most intense."""
    if not events:
        return None
    marked = [e for e in events if e.primary]
    if marked:
        return marked[0]
    asserted = [e for e in events if e.status is Status.ASSERTED]
    pool = [e for e in asserted if ".n." not in e.pattern] or asserted or events
    return max(pool, key=lambda e: (abs(e.goldstein), -e.sentence_index))


def entity_matches(gold: str, e: Entity) -> bool:
    """Does a gold actor (a CAMEO-style code or a name) denote entity ``e``? Codes match at the
    country level ("USAGOV" and "USA"), organisations by code, names by the text as written."""
    g = gold.strip()
    if not g:
        return False
    if re.fullmatch(r"[A-Z]{3,}", g):
        if g == e.code:
            return True
        mine = e.country or (e.code[:3] if e.code and e.code != "---" else None)
        return mine is not None and g[:3] == mine
    low = g.lower()
    return low == (e.name or "").lower() or low in (e.text or "").lower() or \
        (len(low) > 3 and (e.text or "").lower() in low and bool(e.text))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class Scores:
    fmt: str
    n: int = 0
    coded: int = 0
    gold_no_event: int = 0
    false_alarms: int = 0                        # events where the gold says there are none
    confusion: Counter = field(default_factory=Counter)       # (gold, predicted) five-way
    plover: list[int] = field(default_factory=lambda: [0, 0])  # [right, scored]
    actor: list[int] = field(default_factory=lambda: [0, 0])
    recipient: list[int] = field(default_factory=lambda: [0, 0])
    spans: dict[str, list[int]] = field(default_factory=lambda: {r: [0, 0] for r in "STR"})
    triples: list[int] = field(default_factory=lambda: [0, 0, 0])  # tp, fp, fn
    misses: list[dict[str, Any]] = field(default_factory=list)

    # derived figures
    def five_way(self) -> dict[str, Any] | None:
        golds = [g for g, _ in self.confusion.elements()]
        if not golds:
            return None
        total = sum(self.confusion.values())
        right = sum(v for (g, p), v in self.confusion.items() if g == p)
        coded = sum(v for (g, p), v in self.confusion.items() if p != "none")
        coded_right = right
        f1 = {}
        for lab in CLASSES:
            tp = self.confusion[(lab, lab)]
            fp = sum(v for (g, p), v in self.confusion.items() if p == lab and g != lab)
            fn = sum(v for (g, p), v in self.confusion.items() if g == lab and p != lab)
            prec = tp / (tp + fp) if tp + fp else 0.0
            rec = tp / (tp + fn) if tp + fn else 0.0
            f1[lab] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        present = [lab for lab in CLASSES if any(g == lab for g, _ in self.confusion)]
        return {"accuracy": right / total, "accuracy_coded": coded_right / max(coded, 1),
                "macro_f1": sum(f1[lab] for lab in present) / max(len(present), 1),
                "f1": f1, "n": total}

    def triple_prf(self) -> tuple[float, float, float] | None:
        tp, fp, fn = self.triples
        if tp + fp + fn == 0:
            return None
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def to_dict(self) -> dict[str, Any]:
        def share(x: list[int]) -> float | None:
            return x[0] / x[1] if x[1] else None

        prf = self.triple_prf()
        return {
            "format": self.fmt, "items": self.n, "coded": self.coded,
            "coverage": self.coded / self.n if self.n else None,
            "gold_no_event": self.gold_no_event, "false_alarms": self.false_alarms,
            "five_way": self.five_way(),
            "confusion": {f"{g}>{p}": v for (g, p), v in sorted(self.confusion.items())},
            "plover_accuracy": share(self.plover),
            "actor_accuracy": share(self.actor), "recipient_accuracy": share(self.recipient),
            "span_recall": {r: share(v) for r, v in self.spans.items() if v[1]},
            "triples": None if prf is None else {"precision": prf[0], "recall": prf[1],
                                                 "f1": prf[2], "tp": self.triples[0],
                                                 "fp": self.triples[1],
                                                 "fn": self.triples[2]},
        }


def other_direction(e: Event) -> bool:
    """Is the event the other direction of a symmetric act the coder coded ("Russia and China
    met": China's meeting with Russia; ``decided_by`` names ``other_direction``)?"""
    return (e.decided_by or {}).get("actor", "").startswith("other_direction")


def _symmetric_key(e: Event) -> tuple:
    return (e.sentence_index, e.pattern, frozenset(x.code for x in (*e.actor, *e.recipient)))


def _event_triples(events: list[Event], plover: bool
                   ) -> list[tuple[Entity | None, Entity | None, str, tuple | None, bool]]:
    """(actor, recipient, type, symmetric group or None, other direction?) of each pair of the
    asserted and reported events."""
    groups = {_symmetric_key(e) for e in events if other_direction(e)}
    out = []
    for e in events:
        if e.status not in TRIPLE_STATUSES:
            continue
        kind = e.plover if plover else e.root
        if kind is None:
            continue
        key = _symmetric_key(e)
        group = key if key in groups else None
        for a in e.actor or (None,):
            for r in e.recipient or (None,):
                out.append((a, r, kind.upper() if plover else kind, group, other_direction(e)))
    return out


def _side_matches(gold: str, e: Entity | None) -> bool:
    if not gold.strip() or gold.strip() in ("---", "NONE"):
        return e is None or e.code == "---"
    return e is not None and entity_matches(gold, e)


def score_item(item: GoldItem, events: list[Event], parsed: Any, s: Scores) -> None:
    s.n += 1
    if events:
        s.coded += 1
    main = main_event(events)
    problems: list[str] = []
    if item.no_event:
        s.gold_no_event += 1
        if any(e.status is Status.ASSERTED for e in events):
            s.false_alarms += 1
            problems.append("events where the gold has none")
    if item.penta is not None:
        pred = str(main.penta) if main else "none"
        s.confusion[(item.penta, pred)] += 1
        if pred != item.penta:
            problems.append(f"class {item.penta} predicted {pred}")
    if item.plover is not None:
        s.plover[1] += 1
        if main is not None and (main.plover or "").upper() == item.plover.upper():
            s.plover[0] += 1
        else:
            problems.append(f"PLOVER {item.plover} predicted {main.plover if main else 'none'}")
    if item.sources and any(x.strip() for x in item.sources):
        s.actor[1] += 1
        if main is not None and any(entity_matches(g, a) for g in item.sources for a in main.actor):
            s.actor[0] += 1
        else:
            problems.append("actor " + "|".join(item.sources))
    if item.targets and any(x.strip() for x in item.targets):
        s.recipient[1] += 1
        if main is not None and any(entity_matches(g, r) for g in item.targets
                                    for r in main.recipient):
            s.recipient[0] += 1
        else:
            problems.append("recipient " + "|".join(item.targets))
    if item.spans:
        starts = [t.start_char for t in parsed.sents] if parsed is not None else [0]
        actor, recip = [], []
        for ev in events:
            off = starts[ev.sentence_index] if ev.sentence_index < len(starts) else 0
            actor += [(a + off, b + off) for a, b in ev.spans.get("actor", [])]
            recip += [(a + off, b + off) for a, b in ev.spans.get("recipient", [])]
        for role, a, b in item.spans:
            cand = actor if role == "S" else recip if role == "T" else actor + recip
            hit = any(_overlaps((a, b), c) for c in cand)
            s.spans[role][0] += hit
            s.spans[role][1] += 1
            if not hit:
                problems.append(f"{role} span {item.text[a:b]!r}")
    if item.triples or (item.no_event and item.plover is None and item.penta is None):
        plover = item.plover is not None and not any(len(t[2]) == 2 and t[2].isdigit()
                                                     for t in item.triples)
        pred = _event_triples(events, plover)
        used: set[int] = set()
        for g in item.triples:
            k = next((k for k, (a, r, kind, _, _) in enumerate(pred) if k not in used
                      and kind == g[2] and _side_matches(g[0], a) and _side_matches(g[1], r)),
                     None)
            if k is None:
                s.triples[2] += 1
                problems.append(f"triple {g[0] or '-'} {g[1] or '-'} {g[2]} not found")
            else:
                used.add(k)
                s.triples[0] += 1
        # a symmetric act is one fact whichever direction the gold codes: its other direction
        # is no false alarm, nor is its first when the gold codes the other
        matched = {pred[k][3] for k in used if pred[k][3] is not None}
        extra = len({(id(a), id(r), kind) for k, (a, r, kind, group, mirror) in enumerate(pred)
                     if k not in used and not mirror and (group is None or group not in matched)})
        s.triples[1] += extra
    if problems:
        s.misses.append({"where": item.where, "text": item.text, "problems": problems,
                         "events": [f"{e.cameo}:{e.status.value}:"
                                    f"{'+'.join(a.code for a in e.actor) or '-'}>"
                                    f"{'+'.join(r.code for r in e.recipient) or '-'}"
                                    for e in events],
                         "decided_by": [decided_text(e) for e in events]})


def decided_text(ev: Any) -> str:
    """An event's ``decided_by`` as ``actor=subject;recipient=direct_object;...`` (as in the
    TSV and CSV event formats)."""
    from .formats import decided

    return decided(ev) or "-"


def evaluate(items: Iterable[GoldItem], coder: Any, fmt: str) -> Scores:
    """Code every item with ``coder`` (a :class:`eventdesk.Coder`) and score it."""
    from . import nlp

    items = list(items)
    scores = Scores(fmt)
    docs = [Document(id=f"gold-{k}", text=it.text, date=it.date) for k, it in enumerate(items)]
    for item, doc, parsed in zip(items, docs, nlp.pipe(d.text for d in docs)):
        events = coder.code_parsed(doc, parsed)
        score_item(item, events, parsed, scores)
    return scores


def report_lines(s: Scores) -> list[str]:
    """The human-readable report ``eventdesk eval`` prints."""
    out = [f"{s.n} items ({s.fmt}); {s.coded} produced at least one event "
           f"({100 * s.coded / max(s.n, 1):.1f}%)"]
    if s.gold_no_event:
        out.append(f"gold says no event: {s.gold_no_event}; of those, {s.false_alarms} got an "
                   "asserted event")
    fw = s.five_way()
    if fw:
        out.append(f"five-way accuracy {fw['accuracy']:.3f} (over coded items "
                   f"{fw['accuracy_coded']:.3f}); macro-F1 {fw['macro_f1']:.3f}")
        present = {g for g, _ in s.confusion}
        out.append("  per class F1: " + "  ".join(f"{lab} {CLASS_NAMES[lab]} {f:.2f}"
                                                  for lab, f in fw["f1"].items()
                                                  if lab in present))
        cols = [*CLASSES, "none"]
        out.append("  gold\\pred " + "".join(f"{c:>6}" for c in cols))
        for g in CLASSES:
            if any(gg == g for gg, _ in s.confusion):
                out.append(f"  {g:>9} " + "".join(f"{s.confusion[(g, c)]:>6}" for c in cols))
    for name, (right, n) in (("PLOVER event type", s.plover), ("actor", s.actor),
                             ("recipient", s.recipient)):
        if n:
            out.append(f"{name} accuracy {right / n:.3f} ({right}/{n})")
    for role, label in (("S", "source"), ("T", "target"), ("R", "reciprocal")):
        h, n = s.spans[role]
        if n:
            out.append(f"{label} spans found {h / n:.3f} ({h}/{n})")
    prf = s.triple_prf()
    if prf:
        tp, fp, fn = s.triples
        out.append(f"(actor, recipient, {'type' if s.fmt == 'plover-gsr' else 'root'}) triples: "
                   f"precision {prf[0]:.3f}, recall {prf[1]:.3f}, F1 {prf[2]:.3f} "
                   f"(tp {tp}, fp {fp}, fn {fn})")
    return out


def write_misses(s: Scores, path: str | Path) -> int:
    """Write the items with any miss as TSV (where, text, problems, events, decided_by: for
    each event, in the order of ``events`` and separated by `` | ``, the strategy that decided
    each of its fields); returns how many."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("where\ttext\tproblems\tevents\tdecided_by\n")
        for m in s.misses:
            fh.write("\t".join([m["where"], m["text"].replace("\t", " "),
                                "; ".join(m["problems"]), " ".join(m["events"]),
                                " | ".join(m.get("decided_by", []))]) + "\n")
    return len(s.misses)
