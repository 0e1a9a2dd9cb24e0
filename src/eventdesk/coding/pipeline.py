"""The coding pipeline: one sentence through the stages, in order.

triggers → actor → recipient → status → place → date → confidence → filters → primary; where
the rules coded nothing in a sentence, the learned second opinion (:mod:`eventdesk.coding.second`).
Each stage is an ordered registry of named strategies (see :mod:`eventdesk.coding.registry`); the
event records, per field,
the name of the strategy that decided it (``Event.decided_by``); :func:`describe` gives a
name's description.
"""
from __future__ import annotations

from typing import Any

from ..model import Entity, Event, Status, stable_hash
from ..ontology import cameo
from .actor import ACTOR
from .confidence import with_confidence
from .draft import UNKNOWN, DocState, Draft, char_span
from .filters import kept_pairs
from .lexicon import intent_of, refusal_of
from .phrases import ANTECEDENT_LABELS, coordination, is_subject, phrase, resolve
from .place import PLACE, Where
from .primary import mark_primary
from .registry import describe
from .second import second_opinion
from .recipient import (RECIPIENT, between_of_noun, between_parties, eased_at_home,
                        home_state_of_sector,
                        inside_noun_preposition, protest_at_home,
                        light_verb_object, names_between, noun_preposition, other_direction,
                        read_heads, reciprocal_parties)
from .status import decide_status, stated_intent
from .triggers import TRIGGERS
from .when import DATE, MENTION_DATES


def register_names(st: DocState, sent: Any) -> None:
    """Names outside any event are antecedents too."""
    for ent in st.ents(sent):
        if ent.label_ in ANTECEDENT_LABELS:
            e = resolve(st, list(ent), ent.root)
            if e is not None:
                r = ent.root
                plural = r.tag_ in ("NNS", "NNPS") or (
                    r.dep_ in ("amod", "compound") and r.head.tag_ in ("NNS", "NNPS"))
                # "met in Brussels": the place of the act, not a party "the two sides" means
                venue = ent.label_ == "GPE" and r.dep_ == "pobj" and \
                    r.head.lower_ in st.know.words.locative_preps
                st.mentions.add(e, r.i, e.name in st.know.kb.roles, (ent.start, ent.end),
                                plural, venue, subject=is_subject(r), sent=r.sent.start,
                                group=coordination(r))


def code_sentence(st: DocState, s_index: int, sent: Any) -> list[Event]:
    """The events of one sentence: every trigger strategy's drafts, decided, then filtered; the
    main one marked primary (:mod:`eventdesk.coding.primary`). A sentence in which they code
    nothing gets the second opinion's event, if it proposes one (:mod:`eventdesk.coding.second`,
    when the coder has a model)."""
    found = kept_pairs(unfiltered(st, s_index, sent))
    if not found and st.second is not None:
        # the second opinion sets its own (lower) confidence: the lower of the two is kept
        found = [(t, with_confidence(ev))
                 for t, ev in kept_pairs(second_opinion(st, sent, s_index, decide))]
    return mark_primary(found)


def unfiltered(st: DocState, s_index: int, sent: Any) -> list[tuple[Any, Event]]:
    """Each trigger of the sentence with its event, before the filters."""
    found: list[tuple[Any, Event]] = []
    light: set[int] = set()          # objects of coded light verbs ("held a summit")
    for trigger in TRIGGERS:
        if trigger.noted:
            continue
        for d in trigger(st, sent, s_index, light):
            ev = decide(d)
            if ev is not None:
                found.append((d.trigger, with_confidence(ev, trigger.name, d.pattern)))
                # a symmetric act: the other direction too, after the first (never primary),
                # with a confidence of its own
                found.extend((d.trigger, with_confidence(other, trigger.name, d.pattern))
                             for other in other_direction(d, ev))
    return found


def decide(d: Draft) -> Event | None:
    """Actor and recipient of a draft, then the rest; None if it names no actor."""
    found, how = ACTOR.first(d)
    if found is not None:
        d.actor, how = found
        d.decided["actor"] = how
    if d.nominal:
        if not d.actors and not between_of_noun(d):
            return None
        noun_preposition(d)
        inside_noun_preposition(d)
        reciprocal_parties(d)
        return finish(d)
    if not d.actors and not names_between(d):
        return None
    heads, _ = RECIPIENT.first(d)
    read_heads(d, heads or [])
    light_verb_object(d)
    reciprocal_parties(d)
    if not between_parties(d):
        return None
    d.code_override = obligation(d)
    return finish(d)


def obligation(d: Draft) -> str | None:
    """A statement that another must or should act is a demand or an appeal ("Russia says
    Israel must end attacks on Syria": 100): the code ``obligations.tsv`` gives the modal."""
    if not d.st.know.root(d.pattern.cameo).statement:
        return None
    for c in d.trigger.children:
        if c.dep_ == "ccomp":
            for a in c.children:
                if a.dep_ == "aux" and a.lower_ in d.st.know.obligations:
                    return d.st.know.obligations[a.lower_]
    return None


def place_as_target(d: Draft, where: Where, root: str) -> None:
    """the state of the place a material action is upon ("imposed a curfew in Kingston", "a car
    bomb in Mogadishu"); for a force posture only abroad ("NATO troops on alert in Bosnia")"""
    behaviour = d.st.know.root(root)
    loc = where.location
    if not d.recipients and loc is None and where.first and behaviour.place_as_target \
            and not (d.recipient.spans or d.unnamed):
        d.unnamed = [where.first]   # "a curfew in parts of Kashmir": marked, though unresolved
    own = {a.country for a in d.actors if a.country}
    org = any(a.country is None and a.sector in (None, "IGO") and a.code != UNKNOWN
              for a in d.actors)           # NATO, the UN: anywhere is abroad
    abroad = (bool(own) or org) and loc is not None and loc.country not in own
    # not for words ("talks in Moscow" are not talks with Russia) nor protests ("a strike in
    # Denver"); a target the text names and we cannot resolve, at home, stays unresolved
    # ("shelled separatist positions near Avdiivka")
    # recipients the knowledge base does not know ("Houthi radar sites") give way to the place's
    # state, abroad, and stay after it
    unknown = bool(d.recipients) and all(e.code == UNKNOWN for e in d.recipients) and abroad
    if ((not d.recipients or unknown) and loc is not None and loc.country
            and (behaviour.place_as_target or (behaviour.place_if_abroad and abroad))
            and not ((d.recipient.spans or d.unnamed) and loc.country in own)):
        state = Entity(code=loc.country, country=loc.country, text=loc.text)
        if unknown:
            d.recipient.entities.insert(0, state)
            d.recipient.spans.insert(0, where.span)
        else:
            d.recipient.entities = [state]
            d.unnamed.append(where.span)
        d.decided["recipient"] = "place_as_target"


RECIPIENT.strategy("place_as_target", noted=True)(place_as_target)


def status_of_saying(d: Draft, code: str, claimants: tuple[Entity, ...]) -> Status:
    """The status of a stated intention. A threat is made by saying it ("Moscow said it would
    retaliate" is a threat that was made, asserted, as "Moscow threatened to retaliate" is), so
    it is asserted, or reported when a third party says it of another state ("U.S. officials
    said Moscow would retaliate": a claim about Russia's intent, not Russia's own threat). An
    intention to act otherwise (03x: "said Tokyo would provide generators") is the reported
    future ("would" is the "will" of reported speech): future."""
    if not code.startswith("13"):
        return Status.FUTURE
    own = {a.country for a in d.actors if a.country}
    said_by = {c.country for c in claimants if c.country}
    if own and said_by and not own & said_by:
        return Status.REPORTED
    return Status.ASSERTED


def finish(d: Draft) -> Event:
    """Status, claimant, place, date and spans of an event whose parties are known."""
    st, sent, verb = d.st, d.sent, d.trigger
    status, status_how, claimant_head, refused = decide_status(st, verb)
    code = cameo(d.code_override or d.pattern.cameo)
    if refused:
        rejection = refusal_of(d.pattern.cameo)
        if rejection is not None:      # "will not accept refugees": a rejection, asserted
            code = cameo(rejection)
        else:                          # nothing cooperative was refused: plainly negated
            status, status_how = Status.NEGATED, "refusal_without_rejection"
    stated = False
    if not refused and stated_intent(st, verb, status):
        intent = intent_of(code.code)
        if intent is not None:         # "said Moscow would strike": a threat (138), not a strike
            code, stated = cameo(intent), True
            status_how += " via stated_intent"
    claimants: tuple[Entity, ...] = ()
    if claimant_head is not None:
        claimants = tuple(phrase(st, claimant_head, sent).entities)
    if stated:
        status = status_of_saying(d, code.code, claimants)
    countries = {e.country for e in (*d.actors, *d.recipients) if e.country} \
        | st.mentions.countries_before(verb.i)
    where, place_how = PLACE.first(d, countries, Where())
    place_as_target(d, where, code.code)
    home_state_of_sector(d, where, code.code)
    protest_at_home(d, where, code.code)
    eased_at_home(d, where, code.code)
    (day, precision), date_how = DATE.first(d, status)
    d.decided.update(status=status_how, date=date_how, place=place_how)
    if not d.recipients:
        d.decided["recipient"] = "no_recipient"
    action = sorted([verb] + [c for c in verb.children if c.dep_ == "prt"]
                    + ([d.obj] if d.obj is not None else []), key=lambda t: t.i)
    spans = {"actor": d.actor.spans, "action": [char_span(sent, action[0], action[-1])],
             "recipient": d.recipient.spans + d.unnamed}
    doc = st.doc
    return Event(
        id=stable_hash(doc.id, d.s_index, verb.i - sent.start, d.pattern.id),
        doc_id=doc.id, sentence_index=d.s_index, text=sent.text,
        date=day, date_precision=precision,
        actor=tuple(d.actors), recipient=tuple(d.recipients),
        cameo=code.code, cameo_name=code.name, goldstein=code.goldstein, quad=code.quad,
        penta=code.penta, plover=code.plover, mode=code.mode, context=code.context,
        status=status, pattern=d.pattern.id, source_of_claim=claimants, location=where.location,
        spans=spans, decided_by={k: d.decided[k] for k in (*DECIDED_FIELDS, "sense")
                                 if k in d.decided},
        mention=date_how in MENTION_DATES)


DECIDED_FIELDS = ("actor", "recipient", "status", "date", "place")
RECIPIENT.note("no_recipient", "no recipient: nothing the action is done to names an actor")


__all__ = ["DECIDED_FIELDS", "code_sentence", "decide", "describe", "finish", "register_names",
           "unfiltered"]
