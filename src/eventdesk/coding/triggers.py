"""Stage 1, triggers: the words of a sentence that name an action, each with the lexicon pattern
that gives its CAMEO code. Verbs match ``verbs.tsv`` (the most specific matching pattern wins),
event nouns ``nouns.tsv``. Every trigger strategy runs, in order, over the whole sentence."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .._tsv import data_path, read_tsv, split_multi
from ..model import Entity
from .draft import DocState, Draft, tokens_span
from .lexicon import Pattern, parse_pattern
from .phrases import np_tokens, place_state
from .registry import Stage

TRIGGERS = Stage("triggers", "the words that name an action, and their patterns")
TRIGGERS.note("object_class", "the pattern's sense constraint held: its object is of a class "
                              "it requires (=) and of none it forbids (!) (object_classes.tsv)")
#: entity labels of an object that is a named party (the built-in object class ``named``)
NAMED_LABELS = frozenset({"GPE", "ORG", "NORP", "PERSON"})
PERSONAL_PRONOUNS = frozenset({"him", "her", "them", "us", "me", "you"})


def lemma_candidates(tok: Any) -> list[str]:
    """The verb's lemma, plus plain de-inflections of its form (the small model's lemmatizer
    sometimes errs: "hoped" → "hop")."""
    out = [tok.lemma_.lower()]
    w = tok.lower_
    for suffix, repl in (("ied", "y"), ("ed", "e"), ("ed", ""), ("es", ""), ("s", ""),
                         ("ing", "e"), ("ing", "")):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            out.append(w[: -len(suffix)] + repl)
    if w not in out:
        out.append(w)
    return out


def object_keys(st: DocState, tok: Any) -> set[str]:
    """The names an object head answers to: its lemma, its form, and modifier_lemma pairs; a
    measure noun answers to what it measures ("a new round of joint exercises", "a team of
    medical experts")."""
    inner = None
    if tok.lemma_.lower() in st.know.words.measure_nouns:
        inner = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                      for g in c.children if g.dep_ == "pobj"), None)
    lemma = tok.lemma_.lower()
    keys = {lemma, tok.lower_}
    keys.update(f"{c.lemma_.lower()}_{lemma}" for c in tok.children
                if c.dep_ in ("amod", "compound", "nmod"))
    return keys | object_keys(st, inner) if inner is not None else keys


@dataclass
class VerbFrame:
    """What a verb's dependents offer a pattern: particles, prepositions, objects, relations."""

    children: list[Any]
    particles: set[str]
    preps: set[str]
    objs: list[Any]
    deps: set[str]


def verb_frame(st: DocState, verb: Any) -> VerbFrame:
    children = list(verb.children)
    # particles, also where the parser reads them as an adverb or a preposition right after
    # the verb ("stepped down", "pulled out of the treaty")
    particles = {c.lower_ for c in children if c.dep_ == "prt" or (
        c.dep_ in ("advmod", "prep") and c.lower_ in st.know.words.particles
        and c.i == verb.i + 1)}
    # a particle misread as a preposition carries the verb's own prepositions ("pulled out of
    # the treaty")
    children += [g for c in children if c.dep_ == "prep" and c.lower_ in particles
                 and c.i == verb.i + 1 for g in c.children if g.dep_ == "prep"]
    preps = {c.lower_ for c in children if c.dep_ in ("prep", "agent", "dative")}
    # a for-to clause the parser reads as an adverbial clause is the verb's "for" ("called for
    # Israel to halt the evictions")
    preps |= {m.lower_ for c in children if c.dep_ == "advcl" for m in c.children
              if m.dep_ == "mark" and m.lower_ == "for" and m.i == verb.i + 1}
    objs = [c for c in children if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and not any(c.dep_ == "dobj"
                                                             for c in children):
        objs.append(verb.head)       # "the sanctions imposed by the US": a passive object
    return VerbFrame(children, particles, preps, objs, {c.dep_ for c in children})


def fits(st: DocState, p: Pattern, f: VerbFrame) -> tuple[bool, Any | None]:
    """Does the pattern fit the verb's frame? And its object head, if it names one."""
    if p.particle and p.particle not in f.particles:
        return False, None
    if p.excluded_deps and p.excluded_deps & f.deps:
        return False, None
    obj = None
    if p.objects:
        # the object head: the direct object, or the object of the pattern's own preposition
        # or of "for" ("called for sanctions", "appealed for aid")
        via = p.required_prep | p.explicit_preps | {"for"}
        cands = f.objs + [g for c in f.children if c.dep_ == "prep" and c.lower_ in via
                          for g in c.children if g.dep_ == "pobj"]
        obj = next((o for o in cands if object_keys(st, o) & p.objects), None)
        if obj is None:
            return False, None
    if p.required_prep:
        obj_preps = ({c.lower_ for c in obj.children if c.dep_ == "prep"}
                     if obj is not None else set())
        if not (p.required_prep & (f.preps | obj_preps)):
            return False, None
    return True, obj


def in_class(st: DocState, tok: Any, cls: str) -> bool:
    """Is the object head ``tok`` of the object class ``cls``: a word of the class in
    object_classes.tsv (by its lemma, form or modifier_head names), or, for the built-in class
    ``named``, a named state, organisation, group or person, or a personal pronoun?"""
    if cls == "named":
        return tok.ent_type_ in NAMED_LABELS or tok.lower_ in PERSONAL_PRONOUNS
    return bool(object_keys(st, tok) & st.know.classes.get(cls, frozenset()))


def sense_of(st: DocState, p: Pattern, objs: list[Any], clause: bool) -> str | None:
    """The sense constraints of ``p`` on its objects ``objs`` (and whether the trigger has a
    clause complement): None when one fails; else ``""`` for a pattern with none, or the record
    for ``decided_by["sense"]`` (``"object_class =polity !clause"``: the required class that
    held, the forbidden ones that did not)."""
    if not (p.required_classes or p.forbidden_classes):
        return ""

    def holds(cls: str) -> bool:
        return clause if cls == "clause" else any(in_class(st, o, cls) for o in objs)

    parts = ["object_class"]
    if p.required_classes:
        found = next((c for c in sorted(p.required_classes) if holds(c)), None)
        if found is None:
            return None
        parts.append(f"={found}")
    if p.forbidden_classes:
        if any(holds(c) for c in p.forbidden_classes):
            return None
        parts.append("!" + "|".join(sorted(p.forbidden_classes)))
    return " ".join(parts)


def verb_sense(st: DocState, p: Pattern, f: VerbFrame, obj: Any | None) -> str | None:
    """:func:`sense_of` for a verb: its object is the head ``[...]`` matched, else its direct
    object or passive subject; its clause complement a ``ccomp`` ("agreed that ...")."""
    objs = [obj] if obj is not None else [o for o in f.objs
                                           if o.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]
    return sense_of(st, p, objs, any(c.dep_ == "ccomp" and has_subject(c)
                                     and not reporting_aside(st, c) for c in f.children))


def has_subject(c: Any) -> bool:
    """Does the clause have a subject or a "that" of its own (a clause complement does; a
    misread predicate, "the expansion agreed in Johannesburg is symbolic", does not)?"""
    return any(g.dep_ in ("nsubj", "nsubjpass", "expl", "csubj")
               or (g.dep_ == "mark" and g.lower_ == "that") for g in c.children)


def reporting_aside(st: DocState, c: Any) -> bool:
    """Is the clause ``c`` the parser hung under a verb the speaker's aside that reports it
    ("agreed to a ceasefire, the secretary-general announced"): a reporting verb after a comma?
    Not a clause complement of the verb."""
    cues = st.know.cues
    doc = c.doc
    before = doc[c.left_edge.i - 1] if c.left_edge.i > 0 else None
    return (c.i > c.head.i and before is not None and before.lower_ == ","
            and any(cues.governors.get(lem) == "reported" for lem in lemma_candidates(c)))


def noun_sense(st: DocState, p: Pattern, noun: Any) -> str | None:
    """:func:`sense_of` for an event noun: its object is the object of its "of" ("recognition
    of Kosovo"), its clause an ``acl`` or ``ccomp`` with a subject or a "that" of its own ("the
    recognition that ..."; not a parenthetical participle)."""
    objs = [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
            for g in c.children if g.dep_ == "pobj"]
    # a clause with a subject or a "that" of its own; not a participle set off as a
    # parenthesis ("Washington's recognition of Israeli sovereignty, announced on Monday, ...")
    clause = any(c.dep_ in ("acl", "ccomp") and c.tag_[:2] == "VB" and c.tag_ != "VBG"
                 and not any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
                 and has_subject(c) for c in noun.children)
    return sense_of(st, p, objs, clause)


def match_verb(st: DocState, verb: Any) -> tuple[Pattern, Any | None] | None:
    """The first pattern (the lexicon orders them most specific first) that fits the verb."""
    found = match_verb_sense(st, verb)
    return None if found is None else found[:2]


def match_verb_sense(st: DocState, verb: Any) -> tuple[Pattern, Any | None, str] | None:
    """:func:`match_verb` with the record of the pattern's sense constraints (``""`` for a
    pattern with none): a pattern whose constraint fails is passed over."""
    frame = verb_frame(st, verb)
    for lemma in lemma_candidates(verb):
        for p in st.know.lexicon.by_verb.get(lemma, ()):
            ok, obj = fits(st, p, frame)
            if ok:
                sense = verb_sense(st, p, frame, obj)
                if sense is not None:
                    return p, obj, sense
    return None


@TRIGGERS.strategy("verb_pattern")
def verb_pattern(st: DocState, sent: Any, s_index: int, light: set[int]) -> Iterator[Draft]:
    """a verb that a pattern of verbs.tsv fits ("condemned the strike")"""
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX") and tok.tag_[:2] != "VB":
            continue
        match = match_verb_sense(st, tok)
        if match is None:
            continue
        pattern, obj, sense = match
        if obj is not None:
            light.add(obj.i)
        d = Draft(st, sent, s_index, tok, pattern, obj)
        if sense:
            d.decided["sense"] = sense
        yield d


@TRIGGERS.strategy("noun_pattern")
def noun_pattern(st: DocState, sent: Any, s_index: int, light: set[int]) -> Iterator[Draft]:
    """an event noun of nouns.tsv ("Tillerson's visit to Moscow", "the Xi-Trump summit"), also
    inside the object of a reaction ("condemned the U.S. missile strike"), unless it is the
    object of a light verb that was coded ("held a summit", "paid a visit")"""
    for tok in sent:
        if tok.pos_ != "NOUN" or tok.i in light:
            continue
        for p in st.know.nouns.by_verb.get(tok.lemma_.lower(), ()):
            sense = noun_sense(st, p, tok)
            if sense is None:
                continue                 # its sense constraint fails: a less specific row may
            d = Draft(st, sent, s_index, tok, p, None, nominal=True)
            if sense:
                d.decided["sense"] = sense
            yield d
            break


@dataclass(frozen=True)
class Connection:
    """A row of ``coding/data/connections.tsv``: a verb whose subject is a connection or a
    carrier (see the file's header)."""

    pattern: Pattern
    verbs: frozenset[str]
    subjects: frozenset[str]
    requires: frozenset[str]
    preps: frozenset[str]


@lru_cache(maxsize=1)
def connections() -> tuple[Connection, ...]:
    path = data_path("eventdesk.coding", "connections.tsv")
    out = []
    for lineno, row in read_tsv(path):
        verbs = frozenset(split_multi(row["verbs"]))
        preps = frozenset(split_multi(row.get("preps", "")))
        # the pattern of the event: the first verb, with the connection's own prepositions
        p = parse_pattern(f"{min(verbs)} >{'|'.join(sorted(preps))}" if preps else min(verbs),
                          id=row["id"], cameo=row["cameo"], source=f"{path.name}:{lineno}")
        out.append(Connection(p, verbs, frozenset(split_multi(row["subjects"])),
                              frozenset(split_multi(row.get("requires", ""))), preps))
    return tuple(out)


@TRIGGERS.strategy("connection_subject")
def connection_subject(st: DocState, sent: Any, s_index: int, light: set[int]
                       ) -> Iterator[Draft]:
    """a verb whose subject is a cross-border connection or a carrier on one (connections.tsv:
    "a shipping route between Vladivostok and Shanghai opened", "a ship from Ningbo docked in
    Chittagong, opening a shipping line"): material cooperation between the places' states"""
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX") and tok.tag_[:2] != "VB":
            continue
        lemmas = set(lemma_candidates(tok))
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None or match_verb(st, tok) is not None:
            continue          # a pattern of verbs.tsv codes it ("a service was launched")
        for conn in connections():
            if not (lemmas & conn.verbs) or subj.lemma_.lower() not in conn.subjects:
                continue
            if conn.requires and not any(t.lemma_.lower() in conn.requires and t.i != subj.i
                                         for t in tok.subtree):
                continue
            d = Draft(st, sent, s_index, tok, conn.pattern, subj if not conn.requires else None)
            if conn.requires:
                arrival_place(d, tok, conn)
            light.update(t.i for t in tok.subtree if t.lemma_.lower() in conn.requires)
            yield d
            break


def arrival_place(d: Draft, verb: Any, conn: Connection) -> None:
    """The state of the place a carrier arrived at ("docked in Karachi") is the other party:
    a locative phrase here names a party, not a venue (described in the recipient
    stage as ``arrival_place``)."""
    for c in verb.children:
        if c.dep_ != "prep" or c.lower_ not in conn.preps:
            continue
        for g in (g for g in c.children if g.dep_ == "pobj"):
            toks = np_tokens(d.st, g)
            found = place_state(d.st, toks)
            if found is not None:
                d.recipient.add(Entity(code=found[0], country=found[0], text=found[1]),
                                tokens_span(d.sent, toks))
                d.decided["recipient"] = "place_stands_for_state via arrival_place"
                return

