"""Stage 2, actor: who did it.

For a verb, the ``subject`` stage finds the head of the actor phrase: at each verb, from the
trigger up the chain of governing verbs, its strategies are tried in order; one either finds the
head or climbs to the governing verb (its name is then kept: ``"subject via
conjoined_or_controlling_verb"``). The ``actor`` stage then turns that head into entities, or
decides otherwise (an unnamed actor of a passive deed; for an event noun, its possessor or its
name modifiers).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Entity
from .draft import UNKNOWN, DocState, Draft, Phrase, char_span
from .phrases import (ANTECEDENT_LABELS, conjoined_modifiers, in_dateline, phrase,
                      place_stands_for_state, resolve, sector_in_dateline, sector_in_place)
from .registry import Stage

SUBJECTS = {"nsubj", "csubj"}
SUBJECT = Stage("subject", "the head of the actor phrase of a verb")
ACTOR = Stage("actor", "who did it")
# phrase-level strategies: tried inside every party's phrase (coding/phrases.py), named first in
# decided_by ("sector_in_place via subject")
ACTOR.strategy("sector_in_place", noted=True)(sector_in_place)
ACTOR.strategy("sector_in_dateline", noted=True)(sector_in_dateline)
ACTOR.strategy("place_stands_for_state", noted=True)(place_stands_for_state)
ACTOR.strategy("conjoined_modifiers", noted=True)(conjoined_modifiers)
ACTOR.note("refers_back", "a word that refers back (\"he\", \"the two sides\", \"the "
           "government\") resolved through an earlier mention of the document")


@dataclass(frozen=True)
class Found:
    head: Any | None       # None: the verb has no subject, and none is to be inherited
    passive_agent: bool = False


@dataclass(frozen=True)
class Climb:
    to: Any


NO_SUBJECT = Found(None)


def find_subject(st: DocState, verb: Any) -> tuple[Any | None, bool, str | None]:
    """(subject head, is-passive-agent, name of the deciding strategy) of a verb, inherited
    from a conjoined or governing verb when the verb has none of its own."""
    climbs: list[str] = []
    v = verb
    for _ in range(4):
        for s in SUBJECT:
            out = s(st, v, verb, len(climbs))
            if out is None:
                continue
            if isinstance(out, Climb):
                climbs.append(s.name)
                v = out.to
                break
            if isinstance(out, tuple):          # the subject of another verb, named
                head, passive, inner = out
                return head, passive, " via ".join([inner, s.name, *climbs[::-1]]) \
                    if head is not None else None
            if out.head is None:
                return None, False, s.name
            return out.head, out.passive_agent, " via ".join([s.name, *climbs[::-1]])
        else:
            break
    return None, False, None


def _first_subject_child(v: Any, verb: Any) -> Any | None:
    for c in v.children:
        if c.dep_ in SUBJECTS or (c.dep_ == "nsubjpass" and v.i != verb.i):
            return c
        if c.dep_ == "agent" and any(g.dep_ == "pobj" for g in c.children):
            return c
    return None


@SUBJECT.strategy("passive_without_agent")
def passive_without_agent(st: DocState, v: Any, verb: Any, level: int) -> Found | None:
    """a passive with no by-phrase names no doer ("Kim Jong Nam was killed")"""
    if level == 0 and any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) and not any(
            c.dep_ == "agent" for c in verb.children):
        return NO_SUBJECT
    return None


@SUBJECT.strategy("issuer_of_speech_noun")
def issuer_of_speech_noun(st: DocState, v: Any, verb: Any, level: int) -> tuple | None:
    """the one who issued the statement the participle belongs to ("issued a statement urging
    Pyongyang to ...")"""
    if level == 0 and verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.lemma_.lower() in \
            st.know.words.speech_nouns and verb.head.head.i != verb.head.i:
        return find_subject(st, verb.head.head)
    return None


def holder_noun(st: DocState, v: Any) -> Any | None:
    """The holder noun (``holder_nouns.tsv``) whose to-infinitive the verb is ("Moscow's
    decision to ban", "the Kremlin's refusal to extend"), or None."""
    noun = v.head
    if v.dep_ == "acl" and noun.i != v.i and noun.pos_ == "NOUN" \
            and noun.lemma_.lower() in st.know.words.holder_nouns \
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children):
        return noun
    return None


@SUBJECT.strategy("holder_of_noun")
def holder_of_noun(st: DocState, v: Any, verb: Any, level: int) -> Found | None:
    """the possessor or name modifier of the holder noun whose to-infinitive the verb is
    ("Moscow's decision to ban", "the Russian refusal to extend", "the administration's threat
    to cut aid"): the one who decided, refused or threatened does the act"""
    noun = holder_noun(st, v)
    if noun is None:
        return None
    poss = next((c for c in noun.children if c.dep_ == "poss"), None)
    if poss is not None:
        return Found(poss)
    mods = _name_modifiers(noun)
    return Found(mods[0]) if mods else None


@SUBJECT.strategy("reduced_relative_misread")
def reduced_relative_misread(st: DocState, v: Any, verb: Any, level: int) -> Found | None:
    """the noun a main clause misread as a reduced relative hangs on ("the Iraqi air force
    carried out strikes"; a participle with an object is active)"""
    if level == 0 and verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN") and (
            verb.tag_ == "VBD" or verb.tag_ == "VBN" and any(c.dep_ == "dobj"
                                                             for c in verb.children)
    ) and not any(c.dep_ in SUBJECTS for c in verb.children):
        return Found(verb.head)
    return None


@SUBJECT.strategy("subject_after_dateline")
def subject_after_dateline(st: DocState, v: Any, verb: Any, level: int) -> Found | None:
    """the subject after a dateline the parser took for one ("GENEVA — The head of the WHO
    urged China": Geneva is where the copy was filed)"""
    subs = [c for c in v.children if c.dep_ in SUBJECTS]
    if not subs or not in_dateline(st, subs[0]):
        return None
    if len(subs) > 1:
        return Found(subs[1])
    # the real subject hung on the dateline ("SOCHI, Russia — Russia and Turkey agreed"): the
    # first word after the dash in its subtree whose head lies in the dateline
    after = [t for t in subs[0].subtree if not in_dateline(st, t) and t.is_alpha
             and in_dateline(st, t.head)]
    return Found(after[0]) if after else None


@SUBJECT.strategy("subject")
def subject(st: DocState, v: Any, verb: Any, level: int) -> Found | None:
    """the grammatical subject (of a governing passive too: "India is set to sign")"""
    c = _first_subject_child(v, verb)
    return Found(c) if c is not None and c.dep_ != "agent" else None


@SUBJECT.strategy("passive_agent")
def passive_agent(st: DocState, v: Any, verb: Any, level: int) -> Found | None:
    """the object of the passive's by-phrase ("was condemned by Russia")"""
    c = _first_subject_child(v, verb)
    if c is None or c.dep_ != "agent":
        return None
    return Found(next(g for g in c.children if g.dep_ == "pobj"), True)


@SUBJECT.strategy("controlling_object")
def controlling_object(st: DocState, v: Any, verb: Any, level: int) -> Found | None:
    """the object that controls the infinitive ("urged North Korea to halt", "called on Russia
    to withdraw"; not after "summoned the ambassador to complain": the summoner complains)"""
    if v.dep_ == "xcomp" and v.head.i != v.i and \
            v.head.lemma_.lower() not in st.know.words.subject_control:
        gov = v.head
        for c in gov.children:
            if c.dep_ == "dobj":
                return Found(c)
        for c in gov.children:
            if c.dep_ == "prep" and c.lower_ in st.know.words.control_preps:
                g = next((g for g in c.children if g.dep_ == "pobj"), None)
                if g is not None:
                    return Found(g)
                break
    return None


@SUBJECT.strategy("conjoined_or_controlling_verb")
def conjoined_or_controlling_verb(st: DocState, v: Any, verb: Any, level: int) -> Climb | None:
    """the subject of the verb it is conjoined to or the complement of ("agreed to expand")"""
    return Climb(v.head) if v.dep_ in ("conj", "xcomp") and v.head.i != v.i else None


@SUBJECT.strategy("subject_on_auxiliary")
def subject_on_auxiliary(st: DocState, v: Any, verb: Any, level: int) -> Found | None:
    """the subject the parser hung on the auxiliary ("The United Kingdom and France however have
    opposed")"""
    for a in v.children:
        if a.dep_ == "aux":
            s = next((g for g in a.children if g.dep_ in SUBJECTS), None)
            if s is not None:
                return Found(s)
    return None


@SUBJECT.strategy("adjective_complement")
def adjective_complement(st: DocState, v: Any, verb: Any, level: int) -> Climb | None:
    """the subject of the adjective's verb ("Germany is willing to provide")"""
    return Climb(v.head) if v.dep_ == "acomp" and v.head.i != v.i else None


@SUBJECT.strategy("means_or_culprit")
def means_or_culprit(st: DocState, v: Any, verb: Any, level: int) -> Climb | None:
    """the subject of the clause whose means or guilt the gerund names ("continues by
    donating", "was guilty of violating")"""
    if v.dep_ == "pcomp" and v.tag_ == "VBG" and v.head.dep_ == "prep" and (
            v.head.lower_ == "by" or v.head.head.dep_ == "acomp") and v.head.head.i != v.head.i:
        return Climb(v.head.head)
    return None


# -- the actor stage: strategies over the draft, tried in order; None passes -------------------
def _unknown_mode(d: Draft) -> str:
    if not d.st.unknown_actors:
        return "none"
    # violence is often reported by its instrument or its unnamed perpetrators ("a car bomb
    # killed", "gunmen stormed"): there any subject is kept as an unknown actor
    return "any" if d.st.know.root(d.pattern.cameo).violent else "named"


@ACTOR.strategy("subject_phrase")
def subject_phrase(d: Draft) -> tuple[Phrase, str] | None:
    """the verb's subject phrase (see the subject stage for how its head was found)"""
    if d.nominal:
        return None
    head, _, how = find_subject(d.st, d.trigger)
    if head is None:
        return None
    found = phrase(d.st, head, d.sent, _unknown_mode(d))
    how = how or "subject"
    return found, f"{found.how} via {how}" if found.how else how


@ACTOR.strategy("unnamed_doer_of_passive_deed")
def unnamed_doer_of_passive_deed(d: Draft) -> tuple[Phrase, str] | None:
    """a deed in the passive with no agent happened, by an actor the text does not name ("Kim
    Jong Nam was killed", "the sanctions were lifted")"""
    if d.nominal or not d.st.unknown_actors or not d.st.know.root(d.pattern.cameo).material:
        return None
    if not any(c.dep_ in ("nsubjpass", "auxpass") for c in d.trigger.children):
        return None
    return Phrase([Entity(code=UNKNOWN, text="")], [], set()), "unnamed_doer_of_passive_deed"


@ACTOR.strategy("possessor")
def possessor(d: Draft) -> tuple[Phrase, str] | None:
    """the possessor of the event noun ("Tillerson's visit", "Russia's sanctions")"""
    if not d.nominal:
        return None
    poss = [c for c in d.trigger.children if c.dep_ == "poss"]
    if not poss:
        return None
    actor = phrase(d.st, poss[0], d.sent)
    return (actor, "possessor") if actor.entities else None


def _name_modifiers(noun: Any) -> list[Any]:
    """Name modifiers of a noun, also through a plain noun modifier ("the U.S. missile
    strikes")."""
    return [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")
            and (c.pos_ == "PROPN" or c.ent_type_ in ANTECEDENT_LABELS
                 or c.pos_ == "NOUN" and any(g.pos_ == "PROPN" or g.ent_type_ in
                                             ANTECEDENT_LABELS for g in c.children))]


@ACTOR.strategy("name_modifiers")
def name_modifiers(d: Draft) -> tuple[Phrase, str] | None:
    """the names that modify the event noun ("the Xi-Trump summit", "U.S. sanctions")"""
    if not d.nominal or any(c.dep_ == "poss" for c in d.trigger.children):
        return None
    mods = _name_modifiers(d.trigger)
    if not mods:
        return None
    actor = Phrase()
    for m in mods:
        for t in sorted([m, *(g for g in m.children if g.dep_ in ("compound", "punct",
                                                                  "amod", "nmod"))],
                        key=lambda t: t.i):
            if t.pos_ == "PUNCT" or t.i in actor.tokens:
                continue
            ent = resolve(d.st, [t], t)
            if ent is not None and (ent.country or ent.name) and ent not in actor.entities:
                actor.add(ent, char_span(d.sent, t))
                actor.tokens.add(t.i)
    # with modifiers that name no party, the noun has no actor: no announcer either
    return actor, "name_modifiers"


@ACTOR.strategy("announcer")
def announcer(d: Draft) -> tuple[Phrase, str] | None:
    """the one who announced the event noun ("Denmark announced a suspension of aid to
    Egypt")"""
    noun = d.trigger
    if not d.nominal or noun.dep_ != "dobj" or noun.head.i == noun.i or \
            noun.head.lemma_.lower() not in d.st.know.statement_verbs:
        return None
    subj, _, _ = find_subject(d.st, noun.head)
    return (phrase(d.st, subj, d.sent), "announcer") if subj is not None else None
