"""The event lexicon: verb patterns over the dependency parse, read from ``coding/data/verbs.tsv``.

A pattern names the governing verb's lemma and, optionally, what else must be there::

    meet >with                   verb "meet"; recipient = direct object or object of "with"
    hold [talk|negotiation] >with   light verb: object head "talk"; recipient after "with"
    impose [sanction|embargo] >on|against
    call +on                     a required preposition: "called on Russia to ..."
    pull_out >of                 a required particle: "pulled out of"
    call -oprd|ccomp|xcomp       excluded dependents: not "called the talks useful"
    meet >with !goal             a forbidden object class: not "met its emission targets"
    recognize =polity|named !clause   a required object class: "recognized Kosovo", not
                                 "recognized the need" nor "recognize that ..."

Every pattern also takes the recipient after with, to, against, on and toward (the
``DEFAULT_RECIPIENT_PREPS``). ``[a|b]`` is the required object head (``chemical_weapon``: head "weapon" with the modifier
"chemical") (the direct object, or the passive subject), ``+p`` a
required preposition whose object is the recipient, ``>p|q`` the prepositions that may introduce
the recipient, ``-dep|dep`` dependency labels the verb must not have, and ``verb_prt`` a
required particle. ``=a|b`` and ``!a|b`` are **sense constraints**: the object head (the one
``[...]`` matched, else the direct object or passive subject) must (``=``) or must not (``!``)
belong to one of the object classes ``a``, ``b``. The classes are the word lists of
``coding/data/object_classes.tsv`` (an object answers to a class when one of its names — lemma,
form, modifier_head — is listed) and two built in: ``clause``, a clause complement of the verb
("agreed that the talks had been useful": a ``ccomp`` with a subject or a "that" of its own,
not a reporting aside the parser hung under the verb, "agreed to a truce, the envoy
announced"; for a noun, a finite ``acl``/``ccomp``), and ``named``, an object that is a named
state, organisation, group or person, or a personal pronoun. A row whose constraint fails does
not code (a less specific row of the same verb may); the event of a row with a constraint names
it in ``decided_by["sense"]``. The more specific of two matching entries wins (object, required
preposition and particle each count; an excluded dependency or a sense constraint counts one).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .._tsv import data_path, read_tsv
from ..errors import DataError
from ..ontology import is_cameo

#: Prepositions that introduce the recipient for every pattern ("signed a deal with", "sent aid
#: to", "imposed sanctions on", "warned against", "a shift toward"); ``>p`` adds others.
DEFAULT_RECIPIENT_PREPS = frozenset({"with", "to", "against", "on", "toward", "towards"})

_TOKEN = re.compile(r"\[[^\]]+\]|\+\S+|>\S+|-\S+|=\S+|!\S+|\S+")

#: object classes every lexicon may name without listing them in object_classes.tsv
BUILTIN_CLASSES = frozenset({"clause", "named"})


@dataclass(frozen=True)
class Pattern:
    id: str
    cameo: str
    verb: str
    particle: str | None
    objects: frozenset[str]
    required_prep: frozenset[str]
    recipient_preps: frozenset[str]
    explicit_preps: frozenset[str]      # the pattern's own, without the defaults
    excluded_deps: frozenset[str]
    reciprocal: bool
    source: str            # file:line
    required_classes: frozenset[str] = frozenset()    # =a|b: the object is of one of them
    forbidden_classes: frozenset[str] = frozenset()   # !a|b: the object is of none of them

    @property
    def specificity(self) -> int:
        compound = any("_" in o for o in self.objects)
        return (4 * bool(self.objects) + compound + 2 * bool(self.required_prep)
                + 2 * bool(self.particle) + bool(self.excluded_deps)
                + bool(self.required_classes or self.forbidden_classes))

    @property
    def sense(self) -> str:
        """The sense constraints as written (``=polity|named !clause``), or ``""``."""
        parts = []
        if self.required_classes:
            parts.append("=" + "|".join(sorted(self.required_classes)))
        if self.forbidden_classes:
            parts.append("!" + "|".join(sorted(self.forbidden_classes)))
        return " ".join(parts)


def parse_pattern(text: str, *, id: str, cameo: str, flags: str = "", source: str = "") -> Pattern:
    parts = _TOKEN.findall(text.strip())
    if not parts or parts[0][0] in "[+>":
        raise DataError(f"{source}: pattern {text!r} must start with a verb lemma")
    verb, _, particle = parts[0].lower().partition("_")
    objects: set[str] = set()
    required: set[str] = set()
    preps: set[str] = set()
    excluded: set[str] = set()
    required_classes: set[str] = set()
    forbidden_classes: set[str] = set()
    for p in parts[1:]:
        if p.startswith("["):
            objects |= {o.strip().lower() for o in p[1:-1].split("|") if o.strip()}
        elif p.startswith("+"):
            required |= set(p[1:].lower().split("|"))
        elif p.startswith(">"):
            preps |= set(p[1:].lower().split("|"))
        elif p.startswith("-"):
            excluded |= set(p[1:].lower().split("|"))
        elif p.startswith("=") or p.startswith("!"):
            names = {c for c in p[1:].lower().split("|") if c}
            if not names:
                raise DataError(f"{source}: {p!r} names no object class in pattern {text!r}")
            (required_classes if p[0] == "=" else forbidden_classes).update(names)
        else:
            raise DataError(f"{source}: cannot read {p!r} in pattern {text!r}")
    if not is_cameo(cameo):
        raise DataError(f"{source}: unknown CAMEO code {cameo!r}")
    return Pattern(id=id, cameo=cameo, verb=verb, particle=particle or None,
                   objects=frozenset(objects), required_prep=frozenset(required),
                   recipient_preps=frozenset(preps | required | DEFAULT_RECIPIENT_PREPS),
                   explicit_preps=frozenset(preps | required),
                   excluded_deps=frozenset(excluded),
                   reciprocal="recip" in flags.split(","), source=source,
                   required_classes=frozenset(required_classes),
                   forbidden_classes=frozenset(forbidden_classes))


@lru_cache(maxsize=None)
def object_classes(path: Path | None = None) -> dict[str, frozenset[str]]:
    """The object classes of the sense constraints (``coding/data/object_classes.tsv``: columns
    ``class``, ``word``), class name -> its words; the built-in classes are not listed."""
    path = path or data_path("eventdesk.coding", "object_classes.tsv")
    out: dict[str, set[str]] = defaultdict(set)
    for _, row in read_tsv(path):
        out[row["class"].lower()].add(row["word"].lower())
    return {k: frozenset(v) for k, v in out.items()}


def check_object_classes(path: Path | None = None) -> list[str]:
    """Lint object_classes.tsv: a header comment, one lower-case word (``modifier_head`` allowed)
    a row, no repeated row, no class named like a built-in one."""
    path = path or data_path("eventdesk.coding", "object_classes.tsv")
    problems: list[str] = []
    with open(path, encoding="utf-8") as fh:
        if not fh.readline().startswith("#"):
            problems.append(f"{path.name}:1: no header comment saying what the classes are for")
    seen: dict[tuple[str, str], int] = {}
    for lineno, row in read_tsv(path, lambda e: problems.append(str(e))):
        where, cls, word = f"{path.name}:{lineno}", row.get("class", ""), row.get("word", "")
        if not re.fullmatch(r"[a-z][a-z_]*", cls):
            problems.append(f"{where}: class {cls!r} is not a lower-case name")
        elif cls in BUILTIN_CLASSES:
            problems.append(f"{where}: class {cls!r} is built in; it takes no words")
        if not re.fullmatch(r"[a-z0-9$][a-z0-9_'\-]*", word):
            problems.append(f"{where}: {word!r} is not one lower-case word")
        if (cls, word) in seen:
            problems.append(f"{where}: {cls} {word!r} repeats line {seen[(cls, word)]}")
        seen.setdefault((cls, word), lineno)
    return problems


class Lexicon:
    def __init__(self, patterns: list[Pattern]):
        self.patterns = patterns
        self.by_verb: dict[str, list[Pattern]] = defaultdict(list)
        for p in patterns:
            self.by_verb[p.verb].append(p)
        for lst in self.by_verb.values():
            lst.sort(key=lambda p: -p.specificity)

    @classmethod
    def from_file(cls, path: Path) -> "Lexicon":
        patterns = []
        seen: dict[str, str] = {}
        for lineno, row in read_tsv(path):
            where = f"{path.name}:{lineno}"
            pid = row["id"]
            if pid in seen:
                raise DataError(f"{where}: duplicate pattern id {pid!r} (first at {seen[pid]})")
            seen[pid] = where
            patterns.append(parse_pattern(row["pattern"], id=pid, cameo=row["cameo"],
                                          flags=row.get("flags", ""), source=where))
        return cls(patterns)

    def __len__(self) -> int:
        return len(self.patterns)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.from_file(data_path("eventdesk.coding", "verbs.tsv"))


@lru_cache(maxsize=1)
def noun_lexicon() -> Lexicon:
    """Nouns that name events ("visit", "summit"), in the verb patterns' syntax."""
    return Lexicon.from_file(data_path("eventdesk.coding", "nouns.tsv"))


@dataclass(frozen=True)
class StatusCues:
    modals: dict[str, str]       # would → hypothetical, will → future
    negators: frozenset[str]     # not, never, n't
    marks: dict[str, str]        # if → hypothetical
    governors: dict[str, str]    # hope → desired, say → reported, refuse → negated
    modifiers: dict[str, str]    # upcoming → future (of an event noun)
    adverbs: dict[str, str]      # usually → generic (an adverb of the event verb)
    habitual_marks: frozenset[str]   # when, whenever: with a verb in the present, a habit
    refusals: frozenset[str]     # refuse, decline; will, can (with "not"): a refusal
    #: to → future: the root infinitive of a headline ("Abe to visit Brussels")
    root_auxes: dict[str, str] = field(default_factory=dict)
    #: any → hypothetical: a relative clause of a quantified noun ("any statement that ...")
    quantifiers: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def status_cues() -> StatusCues:
    modals: dict[str, str] = {}
    negators: set[str] = set()
    marks: dict[str, str] = {}
    governors: dict[str, str] = {}
    modifiers: dict[str, str] = {}
    adverbs: dict[str, str] = {}
    habitual: set[str] = set()
    refusals: set[str] = set()
    root_auxes: dict[str, str] = {}
    quantifiers: dict[str, str] = {}
    path = data_path("eventdesk.coding", "status.tsv")
    for lineno, row in read_tsv(path):
        kind, word, status = row["kind"], row["word"].lower(), row["status"]
        if status not in {"negated", "hypothetical", "future", "desired", "reported", "generic"}:
            raise DataError(f"{path.name}:{lineno}: unknown status {status!r}")
        if kind == "modal":
            modals[word] = status
        elif kind == "negator":
            negators.add(word)
        elif kind == "mark":
            marks[word] = status
        elif kind == "governor":
            governors[word] = status
        elif kind == "modifier":
            modifiers[word] = status
        elif kind == "adverb":
            adverbs[word] = status
        elif kind == "habitual_mark":
            habitual.add(word)
        elif kind == "root_aux":
            root_auxes[word] = status
        elif kind == "quantifier":
            quantifiers[word] = status
        elif kind == "refusal":
            refusals.add(word)
            if word not in modals:
                governors[word] = status
        else:
            raise DataError(f"{path.name}:{lineno}: unknown cue kind {kind!r}")
    return StatusCues(modals, frozenset(negators), marks, governors, modifiers, adverbs,
                      frozenset(habitual), frozenset(refusals), root_auxes, quantifiers)


@lru_cache(maxsize=1)
def refusal_codes() -> dict[str, str]:
    """Cooperative code prefix → the CAMEO code of its refusal (``coding/data/refusals.tsv``)."""
    path = data_path("eventdesk.coding", "refusals.tsv")
    out: dict[str, str] = {}
    for lineno, row in read_tsv(path):
        if not is_cameo(row["prefix"]) or not is_cameo(row["refusal"]):
            raise DataError(f"{path.name}:{lineno}: unknown CAMEO code in {row}")
        out[row["prefix"]] = row["refusal"]
    return out


@lru_cache(maxsize=1)
def obligation_codes() -> dict[str, str]:
    """Modal of a statement's complement → the CAMEO code the statement then is
    (``coding/data/obligations.tsv``: "says Israel must end ..." is a demand)."""
    path = data_path("eventdesk.coding", "obligations.tsv")
    out: dict[str, str] = {}
    for lineno, row in read_tsv(path):
        if not is_cameo(row["cameo"]):
            raise DataError(f"{path.name}:{lineno}: unknown CAMEO code {row['cameo']!r}")
        out[row["modal"].lower()] = row["cameo"]
    return out


@lru_cache(maxsize=1)
def intent_codes() -> dict[str, str]:
    """Code prefix of a stated act → the CAMEO code of the statement of intent
    (``coding/data/intents.tsv``: "said it would provide aid" is 033)."""
    path = data_path("eventdesk.coding", "intents.tsv")
    out: dict[str, str] = {}
    for lineno, row in read_tsv(path):
        if not is_cameo(row["prefix"]) or not (row["intent"] == "-" or is_cameo(row["intent"])):
            raise DataError(f"{path.name}:{lineno}: unknown CAMEO code in {row}")
        out[row["prefix"]] = row["intent"]
    return out


def intent_of(code: str) -> str | None:
    """The statement of intent that announcing the act ``code`` is: the longest listed prefix
    wins; None for acts that are words already (statements, appeals, threats, a prefix listed
    with ``-``)."""
    table = intent_codes()
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return None if table[code[:n]] == "-" else table[code[:n]]
    return None


def refusal_of(code: str) -> str | None:
    """The rejection that refusing the action ``code`` is: the longest listed prefix wins."""
    table = refusal_codes()
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None


def check_lexicon(path: Path | None = None) -> tuple[list[str], dict[str, int]]:
    """Lint a lexicon file: malformed rows and unknown codes, duplicate ids, duplicate or
    conflicting patterns (the same constraints, the same or another code), and entries that can
    never fire because an equally specific entry for the same verb comes first. Returns the
    problems (one line each, with file:line) and coverage figures. Only the packaged lexicon must
    reach every CAMEO code; a user's own file may cover a few."""
    from ..ontology import cameo_table

    packaged = path is None
    path = path or data_path("eventdesk.coding", "verbs.tsv")
    problems: list[str] = []
    patterns: list[Pattern] = []
    ids: dict[str, str] = {}
    for lineno, row in read_tsv(path, lambda e: problems.append(str(e))):
        where = f"{path.name}:{lineno}"
        if row["id"] in ids:
            problems.append(f"{where}: duplicate id {row['id']!r} (first at {ids[row['id']]})")
            continue
        ids[row["id"]] = where
        try:
            patterns.append(parse_pattern(row["pattern"], id=row["id"], cameo=row["cameo"],
                                          flags=row.get("flags", ""), source=where))
        except DataError as exc:
            problems.append(str(exc))
    known = set(object_classes()) | BUILTIN_CLASSES
    for p in patterns:
        unknown = (p.required_classes | p.forbidden_classes) - known
        if unknown:
            problems.append(f"{p.source}: {p.id} names the object class(es) "
                            f"{'|'.join(sorted(unknown))}, which object_classes.tsv lacks")
        both = p.required_classes & p.forbidden_classes
        if both:
            problems.append(f"{p.source}: {p.id} both requires and forbids "
                            f"{'|'.join(sorted(both))}; it can never fire")
    seen: dict[tuple, Pattern] = {}
    for p in patterns:
        key = (p.verb, p.particle, p.objects, p.required_prep, p.excluded_deps,
               p.required_classes, p.forbidden_classes)
        first = seen.get(key)
        if first is None:
            seen[key] = p
        elif first.cameo == p.cameo:
            problems.append(f"{p.source}: {p.id} duplicates {first.id} ({first.source})")
        else:
            problems.append(f"{p.source}: {p.id} ({p.cameo}) conflicts with {first.id} "
                            f"({first.cameo}, {first.source}): the same constraints; only the "
                            "first can fire")
    # object heads an earlier entry with the same verb, constraints and specificity already
    # takes: for those heads the later entry never fires
    taken: dict[tuple, list[Pattern]] = defaultdict(list)
    for p in patterns:
        if not p.objects:
            continue
        key = (p.verb, p.particle, p.required_prep, p.excluded_deps, p.required_classes,
               p.forbidden_classes, p.specificity)
        for first in taken[key]:
            shared = p.objects & first.objects
            if shared and p.objects != first.objects:
                problems.append(f"{p.source}: {p.id} ({p.cameo}) shares the object heads "
                                f"{'|'.join(sorted(shared))} with {first.id} ({first.cameo}, "
                                f"{first.source}); only the first can fire for them")
        taken[key].append(p)
    codes = {p.cameo for p in patterns}
    table = cameo_table()
    missing = sorted(c for c in table if c not in codes)
    if missing and packaged:
        problems.append(f"{path.name}: {len(missing)} CAMEO codes no pattern reaches: "
                        + " ".join(missing))
    if packaged:
        problems += check_object_classes()
        used = {c for lex in (patterns, noun_lexicon().patterns) for p in lex
                for c in p.required_classes | p.forbidden_classes}
        problems += [f"object_classes.tsv: the class {c!r} is named by no pattern"
                     for c in sorted(set(object_classes()) - used)]
    stats = {"patterns": len(patterns), "codes": len(codes), "codes_in_table": len(table),
             "roots": len({c[:2] for c in codes}), "verbs": len({p.verb for p in patterns})}
    return problems, stats
