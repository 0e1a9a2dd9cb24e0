"""Stage 3, recipient: to whom (or against whom) it was done.

The ``recipient`` stage's first strategies each give the heads of the recipient phrases, each
head tagged with the rule that found it; the first strategy that gives any head decides which
heads are read. The heads' entities are then the recipients, and the rule of the head that gave
the first entity is the one recorded. Later strategies decide when the heads named nobody (the
light verb's object, the parties of a reciprocal action, the state of the place acted upon).
"""
from __future__ import annotations

from typing import Any

from ..geo import location_of, place_nouns
from dataclasses import replace

from ..model import Entity, Event, stable_hash
from .draft import DocState, Draft, Phrase, tokens_span
from .lexicon import Pattern
from .draft import UNKNOWN
from .phrases import np_tokens, phrase
from .registry import Stage

RECIPIENT = Stage("recipient", "to whom, or against whom, it was done")
NOT_RECIPIENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
#: sectors of an object that are the actor's own means, not its target ("deployed troops")
OWN_FORCES = {"MIL", "GOV", "COP", "SPY"}
#: a state named as such: bare ("Hungary") or as its government ("Budapest")
STATE_SECTORS = {None, "GOV"}

Heads = list[tuple[Any, str]]      # (head token, name of the rule that found it)

for _name, _about in (
        ("direct_object", "the direct object (or the subject of a passive: \"soldiers were "
                          "killed\")"),
        ("verb_preposition", "the object of one of the pattern's recipient prepositions on the "
                             "verb (\"met with Lavrov\")"),
        ("object_preposition", "the object of a recipient preposition on the thing acted on "
                               "(\"suspended aid to El Salvador\")"),
        ("required_preposition_object", "the object of a preposition inside what the required "
                                        "preposition introduces (\"called for sanctions "
                                        "against Myanmar\")"),
        ("particle_as_preposition", "the object of the pattern's particle read as a preposition "
                                    "(\"pulled out of the treaty\")"),
        ("participle_of_object", "a phrase of a participle that modifies the object (\"lifted a "
                                 "ban imposed on Qatar\")"),
        ("agent_of_participle", "the agent of a participle that modifies the object (\"an "
                                "appeal lodged by Ukraine\")"),
        ("object_of_purpose_infinitive", "the object of an infinitive that modifies the object "
                                         "(\"assistance to help people in Somalia\")"),
        ("dative", "the indirect object (\"gave Ukraine weapons\")"),
        ("causative_subject", "the subject of a letting or helping verb's bare infinitive "
                              "(\"let IAEA inspectors reinstall cameras\": clause_recipients.tsv "
                              "causative)"),
        ("author_of_object", "the author of the thing acted on (\"rejected accusations by the "
                             "US\")"),
        ("place_state_in_phrase", "the state of a place inside a recipient phrase that names no "
                                  "actor (\"troops to the UN mission in Mali\")"),
        ("nested_preposition", "a party named inside a recipient phrase that names no actor "
                               "(\"agreed to a ceasefire with the Taliban\")"),
        ("arrival_place", "the place a carrier on a new connection arrived at (\"a ship from "
                          "Ningbo docked in Chittagong, opening a shipping line\"; "
                          "coding/data/connections.tsv), read by the connection_subject trigger")):
    RECIPIENT.note(_name, _about)


def reach_through(st: DocState, noun: Any) -> bool:
    """May the recipient prepositions reach through this object? Yes for a thing given,
    shared or withheld ("suspended aid to El Salvador"), no for a noun that names an event
    of its own ("condemned the strike on Syria")."""
    lemma = noun.lemma_.lower()
    return noun.pos_ in ("NOUN", "PROPN") and lemma not in st.know.nouns.by_verb \
        and lemma not in st.know.event_nouns


def _host_preps(st: DocState, verb: Any, pattern: Pattern, obj: Any | None, h: Any,
                called: list[Any]) -> frozenset[str]:
    """The prepositions of a host phrase that introduce a recipient."""
    root = st.know.root(pattern.cameo)
    # what a required preposition introduces is what the action is about ("called for
    # sanctions against Myanmar"): its own phrases name the recipient. An event noun's own
    # phrases belong to it when the action is words about it ("condemned the strike on Syria"):
    # only the pattern's explicit prepositions reach through it ("demanded an explanation from
    # Moscow"); a deed reaches its target ("continued their attacks on Ghouta")
    through = (h.i == verb.i or obj is not None or h in called or root.material
               or reach_through(st, h))
    preps = (pattern.recipient_preps if through else pattern.explicit_preps) | \
        root.recipient_preps
    if h.i != verb.i and root.for_beneficiary:
        preps = preps | {"for"}             # "promised support for the government"
    if root.statement and (h.i != verb.i or obj is not None):
        preps = preps | st.know.words.statement_preps   # "expressed optimism about the deal"
        if h.i != verb.i:
            preps = preps | {"for"}         # "condolences for the British people"
    return preps


def _pobjs(prep: Any) -> list[Any]:
    # "on Monday", "to 15 years" are times and amounts, not recipients
    return [g for g in prep.children if g.dep_ == "pobj" and g.ent_type_ not in NOT_RECIPIENTS]


def _host_heads(st: DocState, verb: Any, h: Any, source: str, preps: frozenset[str]) -> Heads:
    """The recipient heads on one host phrase (the verb, its object, ...)."""
    heads: Heads = []
    phrases = [(h, source)]
    if h.i != verb.i:
        for c in h.children:
            if c.dep_ != "acl":
                continue
            if c.tag_ == "VBN":          # "a ban imposed on X", "an appeal lodged by X"
                phrases.append((c, "participle_of_object"))
                heads.extend((g, "agent_of_participle") for a in c.children
                             if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj")
            elif c.tag_ == "VB":         # "assistance to help people in Somalia"
                heads.extend((g, "object_of_purpose_infinitive") for g in c.children
                             if g.dep_ == "dobj")
    for host, how in phrases:
        for c in host.children:
            if c.dep_ in ("prep", "dative") and c.lower_ in preps:
                heads.extend((g, how) for g in _pobjs(c))
            elif c.dep_ == "dative" and c.tag_ != "IN" and host.i == verb.i:
                heads.append((c, "dative"))
    if h.i != verb.i:
        for c in h.children:       # "accusations by the US", "charges from Liberman"
            if c.dep_ == "prep" and c.lower_ in st.know.words.author_preps:
                heads.extend((g, "author_of_object") for g in _pobjs(c))
    return heads


def recipient_heads(st: DocState, verb: Any, pattern: Pattern, obj: Any | None) -> Heads:
    """Heads of the recipient phrases: the direct object (for a pattern without an object
    head), and the objects of the pattern's recipient prepositions on the verb, on its
    object, on the object of a required preposition ("called for sanctions against X"),
    and on a participle that modifies the object ("lifted a ban imposed on X"). The author
    of the thing acted on is a recipient too ("rejected accusations by the US")."""
    direct = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    hosts: Heads = [(verb, "verb_preposition")]
    hosts += [(obj, "object_preposition")] if obj is not None else \
        [(c, "object_preposition") for c in direct]
    called = [g for c in verb.children if c.dep_ == "prep" and c.lower_ in pattern.required_prep
              for g in c.children if g.dep_ == "pobj"]
    hosts += [(g, "required_preposition_object") for g in called]
    # the pattern's particle misread as a preposition holds the recipient ("pulled out of")
    hosts += [(c, "particle_as_preposition") for c in verb.children if c.dep_ == "prep"
              and c.lower_ == pattern.particle and c.i == verb.i + 1]
    heads: Heads = []
    for h, source in hosts:
        heads += _host_heads(st, verb, h, source,
                             _host_preps(st, verb, pattern, obj, h, called))
    if obj is None or obj.dep_ == "pobj":     # "blamed Saudi Arabia for the attack"
        heads = [(c, "direct_object") for c in direct] + heads
    if not direct and verb.lemma_.lower() in st.know.words.causative:
        # "let IAEA inspectors reinstall cameras": the subject of the bare-infinitive clause
        heads += [(g, "causative_subject") for c in verb.children
                  if c.dep_ == "ccomp" and c.tag_ == "VB"
                  for g in c.children if g.dep_ == "nsubj"]
    # the object head itself is the action, not its recipient ("went on strike")
    return [(h, how) for h, how in heads if obj is None or h.i != obj.i]


# -- the head sources, tried in order: the first that gives any head decides -------------------
@RECIPIENT.strategy("phrases_of_the_action")
def phrases_of_the_action(d: Draft) -> Heads | None:
    """the direct object and the recipient prepositions of the verb and of what it acts on"""
    if d.nominal:
        return None
    return recipient_heads(d.st, d.trigger, d.pattern, d.obj) or None


def _is_speaker(d: Draft, ents: list[Entity]) -> bool:
    """Do the entities name the actor itself: its code, or, for a state or its government, the
    same state's government ("Hungary insisted that Budapest would not change its law"; not "a
    Japanese expert said Tokyo would ...")?"""
    codes = {e.code for e in d.actors}
    states = {e.country for e in d.actors if e.country and e.sector in STATE_SECTORS}
    return bool(ents) and all(e.code in codes or (e.country in states and e.sector in
                                                   STATE_SECTORS) for e in ents)


def _clause_subjects(d: Draft, clauses: list[Any], how: str, adjectives: bool = False
                     ) -> tuple[Heads, list[Any], list[Any]]:
    """The subjects of the clauses that name an actor other than the speaker, as heads; the
    clauses whose subject names the speaker; and the clauses embedded in those and in clauses
    whose subject is a pronoun naming nobody. With ``adjectives``, a subject naming no actor
    is a head too ("said the talks had failed"), and so are the statement prepositions on the
    clause's adjective ("said it is skeptical about Iranian motives") and its clause
    ("pessimistic that ..."); without, a clause whose subject names no actor gives nothing."""
    heads: Heads = []
    own: list[Any] = []
    deeper: list[Any] = []
    for cl in clauses:
        for g in cl.children:
            if g.dep_ in ("nsubj", "nsubjpass"):
                ents = phrase(d.st, g, d.sent).entities
                if (g.pos_ == "PRON" and not ents) or _is_speaker(d, ents):
                    if ents:
                        own.append(cl)
                    deeper.extend(c for c in cl.children if c.dep_ == "ccomp")
                elif ents or adjectives:
                    heads.append((g, how))
            elif g.dep_ == "acomp" and adjectives:
                heads.extend((pobj, how) for pr in g.children
                             if pr.dep_ == "prep" and pr.lower_ in d.st.know.words.statement_preps
                             for pobj in pr.children if pobj.dep_ == "pobj")
                deeper.extend(c for c in g.children if c.dep_ == "ccomp")
    return heads, own, deeper


@RECIPIENT.strategy("statement_topic")
def statement_topic(d: Draft) -> Heads | None:
    """subject of the statement's complement clause ("said the U.S. Embassy had conveyed
    concerns"), or, when that is the speaker again ("said it is skeptical about Iranian
    motives"), the clause's own complement or the object of its adjective"""
    if d.nominal or not d.st.know.root(d.pattern.cameo).statement:
        return None
    clauses = [c for c in d.trigger.children if c.dep_ == "ccomp"]
    for _ in range(2):
        heads, _, deeper = _clause_subjects(d, clauses, "statement_topic", adjectives=True)
        if heads or not deeper:
            break
        clauses = deeper
    return heads or None


def complement_clauses(d: Draft) -> list[Any]:
    """The complement clauses of a demand, appeal, accusation or warning (the words of
    ``clause_recipients.tsv``, list complement_subject): the verb's that-clause ("demanded that
    Beijing release"), its for-clause ("called for China to withdraw"), or the clause of its
    object noun ("reiterated its demand that the US ease sanctions")."""
    listed = d.st.know.words.complement_subject
    out: list[Any] = []
    hosts = [d.trigger] + [c for c in d.trigger.children if c.dep_ == "dobj"]
    if d.obj is not None and d.obj not in hosts:
        hosts.append(d.obj)
    for h in hosts:
        if h.lemma_.lower() not in listed:
            continue
        for c in h.children:
            if c.dep_ in ("ccomp", "xcomp", "acl") and any(g.dep_ == "nsubj" for g in c.children):
                out.append(c)
            elif c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "for"
                                           for g in c.children):
                out.append(c)
            elif c.dep_ == "prep" and c.lower_ == "for":   # "appealed for Turkey to approve"
                out.extend(g for g in c.children if g.dep_ in ("pcomp", "ccomp"))
    return out


@RECIPIENT.strategy("complement_subject")
def complement_subject(d: Draft) -> Heads | None:
    """the subject of a demand's, appeal's, accusation's or warning's complement clause
    ("Japan demanded that Beijing release the fishermen", "warned that Ankara would pay"),
    unless it is the speaker itself or names no actor ("demanded that the talks resume")"""
    if d.nominal:
        return None
    heads, _, _ = _clause_subjects(d, complement_clauses(d), "complement_subject")
    return heads or None


def _complements(v: Any) -> list[Any]:
    """The subjectless infinitive or gerund complements of a verb ("vowed to continue",
    "go on sending": through the particle)."""
    out = []
    for c in v.children:
        if c.dep_ in ("xcomp", "advcl") and c.tag_ in ("VB", "VBG") and not any(
                g.dep_ in ("nsubj", "mark") for g in c.children):
            out.append(c)
        elif c.dep_ in ("prt", "prep") and c.i == v.i + 1:
            out.extend(g for g in c.children if g.dep_ == "pcomp" and g.tag_ == "VBG")
    return out


def _clause_heads(d: Draft, v: Any, how: str) -> Heads:
    return [(h, how) for h, _ in recipient_heads(d.st, v, d.st.know.plain, None)
            if h.i not in d.actor.tokens]


@RECIPIENT.strategy("purpose_clause")
def purpose_clause(d: Draft) -> Heads | None:
    """the target a control or purpose clause names ("threatened to expel American diplomats",
    "deployed troops to train Nigerian soldiers")"""
    if d.nominal:
        return None
    heads: Heads = []
    for c in _complements(d.trigger):
        if c.dep_ in ("xcomp", "advcl"):
            heads += _clause_heads(d, c, "purpose_clause")
    return heads or None


@RECIPIENT.strategy("complement_chain")
def complement_chain(d: Draft) -> Heads | None:
    """the target of a complement reached through verbs of going on, trying or starting (list
    transparent of ``clause_recipients.tsv``), up to three deep ("promised to go on sending
    grain to Yemen", "moved to try to persuade Hanoi")"""
    if d.nominal:
        return None
    listed = d.st.know.words.transparent
    frontier = [c for c in _complements(d.trigger) if c.lemma_.lower() in listed]
    for _ in range(3):
        frontier = [g for c in frontier for g in _complements(c)]
        heads = [h for c in frontier for h in _clause_heads(d, c, "complement_chain")]
        if heads:
            return heads
        frontier = [c for c in frontier if c.lemma_.lower() in listed]
    return None


@RECIPIENT.strategy("action_of_speaker_clause")
def action_of_speaker_clause(d: Draft) -> Heads | None:
    """what the speaker says it did or will do names the target, when the clause is about the
    speaker itself ("India said it would go on buying Russian oil", "Canada announced it would
    resume training for Ukrainian soldiers")"""
    if d.nominal:
        return None
    if d.st.know.root(d.pattern.cameo).statement:
        clauses = [c for c in d.trigger.children if c.dep_ == "ccomp"]
    else:
        clauses = complement_clauses(d)
    _, own, _ = _clause_subjects(d, clauses, "action_of_speaker_clause")
    def named(v: Any) -> Heads:
        # only a party other than the speaker ("would send a State Department official")
        return [(h, how) for h, how in _clause_heads(d, v, "action_of_speaker_clause")
                if (ents := phrase(d.st, h, d.sent).entities) and not _is_speaker(d, ents)]

    heads: Heads = []
    for cl in own:
        heads += named(cl) or [h for c in _complements(cl) for h in named(c)]
    return heads or None


def own_means(d: Draft, e: Entity) -> bool:
    """Is a direct object the actor's own means rather than its target ("mobilized the
    army", "deployed troops to Syria", "withdrew its forces")?"""
    return (d.st.know.root(d.pattern.cameo).own_means and not e.name and e.sector in OWN_FORCES
            and (e.country is None or e.country in {a.country for a in d.actors}))


def _take(d: Draft, e: Entity, span: list[int], how: str) -> None:
    if d.recipient.add(e, span):
        d.decided.setdefault("recipient", how)


def _nested(d: Draft, h: Any, how: str, avoid: frozenset[str]) -> None:
    """The phrase names no actor: its own phrases may ("agreed to a ceasefire with the
    Taliban"), unless it is an event that words are about ("condemned the strike on Syria")."""
    material = d.st.know.root(d.pattern.cameo).material
    if not (material or reach_through(d.st, h)):
        return
    own = {a.country for a in d.actors}
    if material and h.lemma_.lower() in place_nouns():
        # "the invasion of Ukraine's eastern regions": the state that owns the place
        for g in (g for g in h.children if g.dep_ == "poss"):
            inner = phrase(d.st, g, d.sent, avoid=avoid)
            for e, sp in zip(inner.entities, inner.spans):
                if e.country and e.country not in own:
                    _take(d, e, sp, "possessor_of_place via " + how)
    for c in h.children:
        if c.dep_ != "prep":
            continue
        if c.lower_ == "in" and material:   # "troops to the UN mission in Mali": the state
            for g in (g for g in c.children if g.dep_ == "pobj"):
                toks = np_tokens(d.st, g)
                loc = location_of(d.st.know.kb, toks, [])
                if loc is not None and loc.country and loc.country not in own:
                    _take(d, Entity(code=loc.country, country=loc.country, text=loc.text),
                          tokens_span(d.sent, toks), "place_state_in_phrase via " + how)
        if c.lower_ in d.st.know.words.nested_preps:
            for g in _pobjs(c):
                inner = phrase(d.st, g, d.sent, avoid=avoid)
                for e, sp in zip(inner.entities, inner.spans):
                    if e not in d.actors:
                        _take(d, e, sp, "nested_preposition via " + how)


def _place_of_unknown(d: Draft, h: Any, how: str, avoid: frozenset[str]) -> None:
    """A recipient phrase that names only parties the knowledge base does not know ("Houthi
    radar sites in Yemen", "members of the Masalit community in el-Geneina"): the state of a
    place inside it (``place_state_in_phrase``, a material action only) comes first, before the
    unknown names."""
    before = len(d.recipient.entities)
    _nested(d, h, how, avoid)
    new = [k for k in range(before, len(d.recipient.entities))
           if d.recipient.entities[k].country]
    if not new:
        return
    order = new + [k for k in range(len(d.recipient.entities)) if k not in new]
    d.recipient.entities = [d.recipient.entities[k] for k in order]
    if len(d.recipient.spans) == len(order):
        d.recipient.spans = [d.recipient.spans[k] for k in order]
    d.decided["recipient"] = "place_state_in_phrase via " + how


def read_heads(d: Draft, heads: Heads) -> None:
    """The recipients the heads name; a head that names no actor is marked in the spans
    ("condemned the strike"), without an entity."""
    unknown = "named" if d.st.unknown_actors else "none"
    avoid = frozenset(e.code for e in d.actors)
    for h, how in heads:
        if h.i in d.actor.tokens:
            continue
        r = phrase(d.st, h, d.sent, unknown, avoid=avoid)
        for e, sp in zip(r.entities, r.spans):
            if h.dep_ == "dobj" and own_means(d, e):
                continue
            _take(d, e, sp, f"{r.how} via {how}" if r.how else how)
        d.recipient.tokens |= r.tokens
        if not r.entities:
            _nested(d, h, how, avoid)
        elif all(e.code == UNKNOWN for e in r.entities):
            _place_of_unknown(d, h, how, avoid)
        if not r.entities and h.lemma_.lower() not in place_nouns():
            d.unnamed.append(tokens_span(d.sent, np_tokens(d.st, h)))


def light_verb_object(d: Draft) -> None:
    """the thing acted on, when it names its target ("rejected the American demand", "freed the
    hostages"), but not the actor's own forces ("deployed troops")"""
    if d.recipients or d.obj is None:
        return
    r = phrase(d.st, d.obj, d.sent)
    if any((e.country or e.sector not in OWN_FORCES) and not own_means(d, e)
           for e in r.entities):
        d.recipient = r
        d.decided["recipient"] = "light_verb_object"


RECIPIENT.strategy("light_verb_object", noted=True)(light_verb_object)


@RECIPIENT.strategy("noun_preposition", noted=True)
def noun_preposition(d: Draft) -> None:
    """the object of one of the event noun's prepositions ("visit to Moscow", "talks with
    Lavrov")"""
    for c in d.trigger.children:
        if c.dep_ == "prep" and c.lower_ in d.pattern.explicit_preps:
            for g in (g for g in c.children if g.dep_ == "pobj"):
                r = phrase(d.st, g, d.sent)
                new = [e for e in r.entities if e not in d.recipient.entities]
                d.recipient.entities += new
                d.recipient.spans += r.spans        # every span, as the phrase marked them
                if new:
                    d.decided.setdefault("recipient", "noun_preposition")


@RECIPIENT.strategy("inside_noun_preposition", noted=True)
def inside_noun_preposition(d: Draft) -> None:
    """a party named inside the event noun's recipient phrase when that phrase names no actor
    ("airstrikes on positions in Yemen", "the invasion of Ukraine's eastern regions")"""
    if d.recipients:
        return
    avoid = frozenset(e.code for e in d.actors)
    for c in d.trigger.children:
        if c.dep_ == "prep" and c.lower_ in d.pattern.explicit_preps:
            for g in _pobjs(c):
                if not phrase(d.st, g, d.sent).entities:
                    _nested(d, g, "inside_noun_preposition", avoid)


def _is_mutual(d: Draft, t: Any) -> bool:
    """Is the token a reciprocal pronoun ("each other", "one another": reciprocal_pronouns.tsv)?"""
    words = sorted([t, *(c for c in t.children if c.dep_ in ("det", "nummod", "amod"))],
                   key=lambda w: w.i)        # "each other"; "one another" (another: det of one)
    return " ".join(w.lower_ for w in words) in d.st.know.words.reciprocal_pronouns


@RECIPIENT.strategy("each_other", noted=True)
def each_other(d: Draft) -> bool:
    """an act the parties of a joint subject did to each other ("Armenia and Azerbaijan accused
    each other", "blamed one another for", "shelled each other's posts"): each party is the
    others' recipient, whatever the verb"""
    if d.nominal:
        return False
    heads = [c for c in d.trigger.children if c.dep_ in ("dobj", "dative")]
    heads += [g for c in d.trigger.children if c.dep_ == "prep" for g in _pobjs(c)]
    if d.obj is not None:
        heads.append(d.obj)
    return any(_is_mutual(d, h) or any(p.dep_ == "poss" and _is_mutual(d, p)
                                       for p in h.children) for h in heads)


def _party(e: Entity) -> bool:
    """A named party, not a sector alone ("officials") nor an unknown name."""
    return e.code != UNKNOWN and bool(e.country or e.sector in ("IGO", "NGO") or e.name)


@RECIPIENT.strategy("reciprocal_parties", noted=True)
def reciprocal_parties(d: Draft) -> None:
    """the other parties of a reciprocal action named as its actors ("Russia and Ukraine
    exchanged prisoners", "the Xi-Trump summit")"""
    if len(d.actors) < 2:
        return
    mutual = each_other(d)
    if not (d.pattern.reciprocal or mutual):
        return
    if d.nominal and d.recipients or any(e.country for e in d.recipients):
        return
    d.split_reciprocal("each_other" if mutual else "reciprocal_parties")


#: how a recipient was found when the parties were split from one list ("Russia and China met",
#: "a line between A and B", "accused each other"): each party acted with every other
SPLIT_PARTIES = ("reciprocal_parties", "each_other", "between_parties")


def _other_side(d: Draft, ev: Event) -> bool:
    """Are the recipients the other side of the symmetric act itself: the object of "with"
    ("met with Lavrov", "talks with Iran": function_words.tsv mutual_preps) on the verb or
    what it acts on, or the direct object of a verb without an object head ("met Lavrov"),
    rather than a target named elsewhere ("agreed to send tanks to Ukraine")?"""
    sent, toks = d.sent, set()
    hosts = [d.trigger] + ([d.obj] if d.obj is not None else [])
    for h in hosts:
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in d.st.know.words.mutual_preps:
                toks |= {t.idx - sent.start_char for g in _pobjs(c) for t in g.subtree}
            elif h is d.trigger and c.dep_ == "dobj" and not d.pattern.objects \
                    and not d.nominal:
                toks |= {t.idx - sent.start_char for t in c.subtree}
    spans = ev.spans.get("recipient", [])[:len(ev.recipient)]
    return bool(spans) and all(any(a <= x < b for x in toks) for a, b in spans)


@RECIPIENT.strategy("other_direction", noted=True)
def other_direction(d: Draft, ev: Event) -> list[Event]:
    """the other direction of a symmetric act, as CAMEO codes one (a pattern flagged recip in
    the lexicon, an act done to each other, parties named with "between"): "Russia and China
    met" is also China's meeting with Russia, so each other party gets an event of its own as
    actor, never the sentence's primary one"""
    how = ev.decided_by.get("recipient", "")
    split = how.split(" via ")[0] in SPLIT_PARTIES
    if not (split or d.pattern.reciprocal) or not ev.actor or not ev.recipient:
        return []
    if not split and not _other_side(d, ev):
        return []       # "France and Germany agreed to send tanks to Ukraine": not Ukraine's
    if not all(_party(e) for e in (*ev.actor, *ev.recipient)):
        return []
    ents = [*ev.actor, *ev.recipient]
    a_sp, r_sp = ev.spans.get("actor", []), ev.spans.get("recipient", [])
    aligned = len(a_sp) == len(ev.actor) and len(r_sp) >= len(ev.recipient)
    spans = (a_sp + r_sp[:len(ev.recipient)]) if aligned else []
    # the sides: each party alone when they were split from one list, else the actors and the
    # recipients
    n = len(ev.actor)
    sides = [[k] for k in range(len(ents))] if split else \
        [list(range(n)), list(range(n, len(ents)))]
    out = []
    for k, side in enumerate(sides[1:], 1):
        others = [j for s in sides if s is not side for j in s]
        if aligned:
            sp = {"actor": [spans[j] for j in side], "recipient": [spans[j] for j in others]}
        else:
            sp = {"actor": r_sp, "recipient": a_sp}
        decided = dict(ev.decided_by, actor=f"other_direction via {how}",
                       recipient=f"other_direction via {ev.decided_by.get('actor', '')}")
        out.append(replace(ev, id=stable_hash(ev.id, "other_direction", k),
                           actor=tuple(ents[j] for j in side),
                           recipient=tuple(ents[j] for j in others),
                           spans={**ev.spans, **sp}, decided_by=decided, primary=False))
    return out


@RECIPIENT.strategy("between_parties", noted=True)
def between_parties(d: Draft) -> bool:
    """no actor named, but the action names both its parties ("a ferry line between North Korea
    and Russia"): the first is the actor; False if there are not two"""
    if d.actors and not (names_between(d) and all(a.code == UNKNOWN and not a.text
                                                   for a in d.actors)):
        return True      # (an unnamed doer gives way to the parties "between" names)
    if len(d.recipients) < 2:
        return bool(d.actors)      # an unnamed doer of a passive deed stays
    # the places' states stand for the parties: the name says so for decided_by
    how = "between_parties" + (" via place_stands_for_state"
                               if "place_stands_for_state" in d.decided.get("recipient", "")
                               else "")
    d.promote_recipient(how)
    d.decided["recipient"] = how
    return True


def names_between(d: Draft) -> bool:
    """Does the action name its parties with "between" ("a line between A and B")?"""
    verb, obj = d.trigger, d.obj
    return any(c.dep_ == "prep" and c.lower_ == "between"
               for h in ([verb] + ([obj] if obj is not None else [])
                         + [c for c in verb.children if c.dep_ == "dobj"])
               for c in h.children)


def between_of_noun(d: Draft) -> bool:
    """An event noun with no possessor or name modifier whose parties "between" names ("talks
    between Armenia and Azerbaijan", "clashes between Indian and Chinese troops"): the first
    is the actor, the others its recipients (decided by ``between_parties``); False if it
    does not name two."""
    if not names_between(d):
        return False
    read_heads(d, [(g, "between_parties") for c in d.trigger.children
                   if c.dep_ == "prep" and c.lower_ == "between" for g in _pobjs(c)])
    if len(d.recipients) < 2:
        d.recipient, d.unnamed = Phrase(), []
        d.decided.pop("recipient", None)
        return False
    return between_parties(d)


def _home_state(d: Draft, where: Any) -> str | None:
    """The one state of the actors, when no place of the action lies in another state and the
    sentence names no other state ("lifted travel curbs to and from North Korea")."""
    states = {a.country for a in d.actors}
    if len(states) != 1 or None in states:
        return None
    (state,) = states
    loc = getattr(where, "location", None)
    if loc is not None and loc.country and loc.country != state:
        return None
    start, end = d.sent.start, d.sent.end
    for m in d.st.mentions.before(end):
        if m.i < start:
            break
        if m.entity.country and m.entity.country != state:
            return None
    return state


def _sector_word(e: Entity) -> str:
    return (e.sector or "state").lower()


@RECIPIENT.strategy("home_state_of_sector", noted=True)
def home_state_of_sector(d: Draft, where: Any, code: str) -> None:
    """a group of people the sentence gives no state of, acted on by a state's police, courts or
    government, is of the actor's own state ("police detained dozens of protesters", "the
    government freed political prisoners": home_targets.tsv), unless the place is abroad"""
    words = d.st.know.words
    if code[:2] not in words.sector_roots or not d.recipients:
        return
    if not all(_sector_word(a) in words.actor_sectors for a in d.actors):
        return
    state = _home_state(d, where)
    if state is None:
        return
    ents = d.recipient.entities
    changed = False
    for k, e in enumerate(ents):
        if e.country or e.name or e.code == UNKNOWN or _sector_word(e) not in \
                words.target_sectors:
            continue
        ents[k] = Entity(code=f"{state}{e.sector}", country=state, sector=e.sector, text=e.text)
        changed = True
    if changed and ents[0].country:
        d.decided["recipient"] = "home_state_of_sector via " + d.decided.get("recipient", "")


@RECIPIENT.strategy("protest_at_home", noted=True)
def protest_at_home(d: Draft, where: Any, code: str) -> None:
    """a protest, strike or rally of a state's people that names no state as its target is
    against their own state ("Georgians protest 'foreign influence' bill", "unions staged a
    general strike against austerity": home_targets.tsv), unless the place is abroad"""
    words = d.st.know.words
    if code[:2] not in words.protest_roots or any(e.country for e in d.recipients):
        return
    # the people: a group of a state's people ("unions", "protesters in Lebanon"), or the
    # state named by its people ("Georgians": a nationality, or a plural), never the state
    # itself ("Japan protested" is its government's protest)
    toks = [t for t in d.sent if t.i in d.actor.tokens]
    people = any(t.ent_type_ == "NORP" or t.tag_ in ("NNS", "NNPS") for t in toks)
    if not all(_sector_word(a) in words.target_sectors or
               (a.sector is None and a.code == a.country and people) for a in d.actors):
        return
    state = _home_state(d, where)
    if state is None:
        return
    d.recipient.entities[:] = [Entity(code=state, country=state, text=state)] + [
        e for e in d.recipient.entities if e.country is None]
    d.decided["recipient"] = "protest_at_home"


@RECIPIENT.strategy("eased_at_home", noted=True)
def eased_at_home(d: Draft, where: Any, code: str) -> None:
    """a state or its government that eases its own restrictions or yields to demands for
    reform, naming no state as the target, does so at home ("lifted the state of emergency",
    "the president resigned": codes easing_codes of home_targets.tsv), unless the sentence
    names another state"""
    words = d.st.know.words
    if not any(code.startswith(c) for c in words.easing_codes) or d.recipients:
        return
    if not all(_sector_word(a) in words.actor_sectors for a in d.actors):
        return
    state = _home_state(d, where)
    if state is None:
        return
    d.recipient.entities[:] = [Entity(code=state, country=state, text=state)]
    d.decided["recipient"] = "eased_at_home"
