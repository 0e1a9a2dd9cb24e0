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


def match_verb(st: DocState, verb: Any) -> tuple[Pattern, Any | None] | None:
    """The first pattern (the lexicon orders them most specific first) that fits the verb."""
    frame = verb_frame(st, verb)
    for lemma in lemma_candidates(verb):
        for p in st.know.lexicon.by_verb.get(lemma, ()):
            ok, obj = fits(st, p, frame)
            if ok:
                return p, obj
    return None


@TRIGGERS.strategy("verb_pattern")
def verb_pattern(st: DocState, sent: Any, s_index: int, light: set[int]) -> Iterator[Draft]:
    """a verb that a pattern of verbs.tsv fits ("condemned the strike")"""
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX") and tok.tag_[:2] != "VB":
            continue
        match = match_verb(st, tok)
        if match is None:
            continue
        pattern, obj = match
        if obj is not None:
            light.add(obj.i)
        yield Draft(st, sent, s_index, tok, pattern, obj)


@TRIGGERS.strategy("noun_pattern")
def noun_pattern(st: DocState, sent: Any, s_index: int, light: set[int]) -> Iterator[Draft]:
    """an event noun of nouns.tsv ("Tillerson's visit to Moscow", "the Xi-Trump summit"), also
    inside the object of a reaction ("condemned the U.S. missile strike"), unless it is the
    object of a light verb that was coded ("held a summit", "paid a visit")"""
    for tok in sent:
        if tok.pos_ != "NOUN" or tok.i in light:
            continue
        for p in st.know.nouns.by_verb.get(tok.lemma_.lower(), ()):
            yield Draft(st, sent, s_index, tok, p, None, nominal=True)
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

