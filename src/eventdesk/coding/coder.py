"""The coder: parsed sentences → :class:`Event` objects.

For each verb of a sentence the lexicon's most specific matching pattern gives the CAMEO code;
the subject (or passive agent) is the actor, the direct object or the object of one of the
pattern's prepositions the recipient; the verb's auxiliaries, negators and governing verb give the
status. Every event carries the id of the pattern that produced it.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date as Date
from typing import Any

from .. import nlp
from ..actors import KnowledgeBase, entity_from_terms, knowledge_base
from ..geo import PLACE_LABELS, location_of, place_nouns
from ..model import Document, Entity, Event, Location, Precision, Status, stable_hash
from ..ontology import cameo
from .lexicon import (DEFAULT_RECIPIENT_PREPS, Lexicon, Pattern, StatusCues, default_lexicon,
                      noun_lexicon, obligation_codes, refusal_of, status_cues)


SUBJECTS = {"nsubj", "csubj"}
NP_KEEP_PREPS = {"of"}
NP_DROP_DEPS = {"cc", "conj", "relcl", "acl", "advcl", "det", "appos"}
NP_DROP_NESTED = {"relcl", "acl", "advcl", "conj"}
HYPHENS = {"-", "‐", "–"}
LOCATIVE_PREPS = {"in", "at", "near", "outside", "inside", "into", "off", "over"}
ANTECEDENT_LABELS = {"PERSON", "GPE", "ORG", "NORP"}
DATE_PREPS = {"on", "in", "during", "at", "over", "of", "earlier", "later"}
DATE_PATH = {"pobj", "prep", "npadvmod", "tmod", "nummod", "compound", "amod", "advmod", "det"}
NOT_RECIPIENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
UNKNOWN = "---"        # CAMEO's code for an actor the text names but the knowledge base lacks
#: roots whose action upon a place is an action upon the place's state: aid, yielding, reducing
#: relations, coercion, assault, fighting, mass violence
PLACE_AS_TARGET = {"07", "08", "16", "17", "18", "19", "20"}
#: sectors of an object that are the actor's own means, not its target ("deployed troops")
OWN_FORCES = {"MIL", "GOV", "COP", "SPY"}
#: prepositions inside a recipient phrase that names no actor, where its target may be named
NESTED_PREPS = {"against", "on", "to", "toward", "towards", "with"}
#: roots whose direct object is often the actor's own means: cooperation, aid, yielding
#: ("withdrew its troops"), force posture ("deployed troops", "mobilized the army")
MEANS_ROOTS = {"06", "07", "08", "15"}
#: roots whose object's for-phrase names who benefits ("pledged support for", "aid for")
BENEFIT_ROOTS = {"03", "05", "07"}
#: nouns of a statement whose participle speaks for the one who issued it ("issued a
#: statement urging North Korea to comply")
SPEECH_NOUNS = {"statement", "communique", "communiqué", "declaration", "letter", "resolution",
                "report", "appeal", "message", "note"}
#: prepositions that introduce the recipient for every pattern of a root, beyond the defaults:
#: what is yielded or taken is yielded or taken from someone ("withdrew its troops from Abyei",
#: "seized weapons from the army")
ROOT_PREPS = {"08": frozenset({"from"}), "17": frozenset({"from"})}
PARTICLES = {"down", "up", "out", "off", "back", "away", "over", "in", "on"}
#: nouns that measure or group what the action is about, looked through for the object head
MEASURE_NOUNS = {"round", "team", "batch", "series", "number", "group", "wave", "shipment",
                 "consignment", "convoy", "contingent", "package", "set", "couple", "dozen",
                 "hundred", "thousand", "million", "billion", "total", "flotilla"}
#: verbs whose infinitive after an object says what the subject does it for ("summoned the
#: ambassador to complain", "sent troops to fight"), not what the object is to do
SUBJECT_CONTROL = {"summon", "send", "deploy", "dispatch", "use", "mobilize", "mobilise",
                   "recall", "expel", "hire", "bring", "visit", "meet", "host", "receive"}
STATEMENT_PREPS = {"about", "over", "of", "on", "at", "regarding"}   # what a statement is about
VIOLENT_ROOTS = {"15", "17", "18", "19", "20"}   # force, coercion, assault, fight, mass violence
STATUS_ORDER = [Status.NEGATED, Status.DESIRED, Status.HYPOTHETICAL, Status.GENERIC,
                Status.FUTURE, Status.REPORTED]
PRESENT = {"VBZ", "VBP"}


@dataclass
class _Mention:
    entity: Entity
    i: int                 # token index of the mention's head in the document
    person: bool
    span: tuple[int, int]  # token range of the mention
    plural: bool = False   # "clergymen", "Russian officials": not what "it" refers to


class _Context:
    """The entities named so far in one document, for words that refer back to them."""

    def __init__(self) -> None:
        self.mentions: list[_Mention] = []
        self._seen: set[tuple[int, str]] = set()

    def add(self, entity: Entity, i: int, person: bool, span: tuple[int, int],
            plural: bool = False) -> None:
        if not (entity.country or entity.name or entity.sector in ("IGO", "NGO", "REB")):
            return              # sector-only entities ("officials") are not antecedents
        key = (i, entity.code)
        if key not in self._seen:
            self._seen.add(key)
            self.mentions.append(_Mention(entity, i, person, span, plural))

    def before(self, i: int) -> list[_Mention]:
        return sorted((m for m in self.mentions if m.i < i), key=lambda m: m.i, reverse=True)

    def last(self, i: int, person: bool | None = None, sector: str | None = None,
             avoid: frozenset[str] = frozenset(), singular: bool = False) -> _Mention | None:
        for m in self.before(i):
            if m.entity.code in avoid or (singular and m.plural):
                continue
            if person is not None and m.person != person:
                continue
            if sector is not None and m.entity.sector != sector:
                continue
            return m
        return None

    def last_two(self, i: int, people: bool) -> list[_Mention]:
        """The last two distinct parties named: people ("the two leaders"), else states and
        organisations, falling back to the people's states ("the two sides" after a meeting
        of two ministers)."""
        def pick(cands: list[_Mention], key: Any) -> list[_Mention]:
            out: list[_Mention] = []
            for m in cands:
                if all(key(o.entity) != key(m.entity) for o in out):
                    out.append(m)
                if len(out) == 2:
                    return out[::-1]
            return []

        before = self.before(i)
        if people:
            return pick([m for m in before if m.person], lambda e: e.name)
        return (pick([m for m in before if not m.person], lambda e: e.country or e.code)
                or pick(before, lambda e: e.country or e.code))


@dataclass
class _Phrase:
    entities: list[Entity]
    spans: list[list[int]]
    tokens: set[int]


def _lemma_candidates(tok: Any) -> list[str]:
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


def _object_keys(tok: Any) -> set[str]:
    """The names an object head answers to: its lemma, its form, and modifier_lemma pairs; a
    measure noun answers to what it measures ("a new round of joint exercises", "a team of
    medical experts")."""
    inner = None
    if tok.lemma_.lower() in MEASURE_NOUNS:
        inner = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                      for g in c.children if g.dep_ == "pobj"), None)
    lemma = tok.lemma_.lower()
    keys = {lemma, tok.lower_}
    keys.update(f"{c.lemma_.lower()}_{lemma}" for c in tok.children
                if c.dep_ in ("amod", "compound", "nmod"))
    return keys | _object_keys(inner) if inner is not None else keys


def _controller(gov: Any) -> Any | None:
    """The object that controls an infinitive complement of ``gov``, if it has one."""
    for c in gov.children:
        if c.dep_ == "dobj":
            return c
    for c in gov.children:
        if c.dep_ == "prep" and c.lower_ in ("on", "upon"):
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


class Coder:
    """Codes text into events.

    ::

        coder = Coder()
        [e.cameo for e in coder.code("Russia condemned the U.S. strike.", date="2017-04-07")]
        # ['111']
    """

    def __init__(self, lexicon: Lexicon | None = None, kb: KnowledgeBase | None = None,
                 batch_size: int = 32, unknown_actors: bool = True):
        """``unknown_actors``: keep events whose actor (or a named recipient) is not in the
        knowledge base, with the entity code ``---`` and the text as written."""
        self.unknown_actors = unknown_actors
        self.lexicon = lexicon or default_lexicon()
        self.nouns = noun_lexicon()
        self.kb = kb or knowledge_base()
        self.cues: StatusCues = status_cues()
        self.obligations = obligation_codes()
        self.statement_verbs = {p.verb for p in self.lexicon.patterns if p.cameo == "010"}
        self._plain = Pattern(id="", cameo="010", verb="", particle=None, objects=frozenset(),
                              required_prep=frozenset(), recipient_preps=DEFAULT_RECIPIENT_PREPS,
                              explicit_preps=frozenset(), excluded_deps=frozenset(),
                              reciprocal=False, source="")
        # nouns that name an action of their own: the head words of the noun lexicon and the
        # object heads of the violent patterns ("carried out strikes", "launched an attack")
        self.event_nouns = {o.split("_")[-1] for ps in self.lexicon.by_verb.values() for p in ps
                            if p.cameo[:2] in VIOLENT_ROOTS for o in p.objects}
        self.batch_size = batch_size

    # -- public API -------------------------------------------------------------------------
    def code(self, text: str, date: str | Date | None = None, doc_id: str | None = None
             ) -> list[Event]:
        """Code one text; ``date`` (ISO string or date) is the document's date."""
        from ..dates import parse_date

        day, precision = parse_date(date)
        doc = Document(id=doc_id or "t-" + stable_hash(text), text=text, date=day,
                       date_precision=precision)
        return next(self.coded([doc]))[1]

    def code_documents(self, docs: Iterable[Document]) -> Iterator[Event]:
        """Code documents in batches (``nlp.pipe``); yields their events in input order."""
        for _, events in self.coded(docs):
            yield from events

    def coded(self, docs: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        """Code documents in batches; yields ``(document, events)`` in input order."""
        docs_iter = iter(docs)
        pending: list[Document] = []

        def texts() -> Iterator[str]:
            for d in docs_iter:
                pending.append(d)
                yield d.text

        for parsed in nlp.pipe(texts(), batch_size=self.batch_size):
            doc = pending.pop(0)
            yield doc, self.code_parsed(doc, parsed)

    def code_parsed(self, doc: Document, parsed: Any) -> list[Event]:
        """Code one parsed document. Words that refer back ("he", "the two sides", "the
        minister") resolve against the entities named earlier in the same document."""
        events: list[Event] = []
        self._ctx = _Context()
        for s_index, sent in enumerate(parsed.sents):
            for ent in sent.ents:          # names outside any event are antecedents too
                if ent.label_ in ANTECEDENT_LABELS:
                    e = self._resolve(list(ent), ent.root, doc.date)
                    if e is not None:
                        r = ent.root
                        plural = r.tag_ in ("NNS", "NNPS") or (
                            r.dep_ in ("amod", "compound") and r.head.tag_ in ("NNS", "NNPS"))
                        self._ctx.add(e, r.i, e.name in self.kb.roles, (ent.start, ent.end),
                                      plural)
            events.extend(self._code_sentence(doc, s_index, sent))
        return events

    # -- one sentence ---------------------------------------------------------------------------
    def _code_sentence(self, doc: Document, s_index: int, sent: Any) -> list[Event]:
        found: list[tuple[Any, Pattern, Event]] = []
        light_objects: set[int] = set()
        for tok in sent:
            if tok.pos_ not in ("VERB", "AUX") and tok.tag_[:2] != "VB":
                continue
            match = self._match(tok)
            if match is None:
                continue
            pattern, obj = match
            if obj is not None:
                light_objects.add(obj.i)
            ev = self._event(doc, s_index, sent, tok, pattern, obj)
            if ev is not None:
                found.append((tok, pattern, ev))
        # nominal events: "Tillerson's visit to Moscow", "the Xi-Trump summit", also inside the
        # object of a reaction ("Russia condemned the U.S. missile strike": the strike and the
        # condemnation), unless the noun is the object of the light verb that was coded ("held a
        # summit", "paid a visit")
        for tok in sent:
            if tok.pos_ != "NOUN" or tok.i in light_objects:
                continue
            for p in self.nouns.by_verb.get(tok.lemma_.lower(), ()):
                ev = self._nominal_event(doc, s_index, sent, tok, p)
                if ev is not None:
                    found.append((tok, p, ev))
                break
        # a statement verb whose complement produced an event is not an event of its own, nor
        # is a refusal whose complement is coded as the refusal ("refused to withdraw": 1246)
        governed: dict[int, set[str]] = {}
        announced: set[int] = set()      # "announced a suspension of aid": the suspension
        for t, _, ev in found:
            if t.dep_ in ("ccomp", "xcomp"):
                governed.setdefault(t.head.i, set()).add(ev.root)
            elif t.pos_ == "NOUN" and t.dep_ == "dobj":
                announced.add(t.head.i)
        return [ev for tok, p, ev in found
                if not (tok.i in governed and (ev.root == "01" or (
                    ev.root == "12" and "12" in governed[tok.i])))
                and not (tok.i in announced and ev.cameo == "010")]

    def _nominal_event(self, doc: Document, s_index: int, sent: Any, noun: Any, pattern: Pattern
                       ) -> Event | None:
        """An event named by a noun: its possessor or its name modifiers are the parties
        ("Tillerson's visit", "the Xi-Trump summit", "U.S. sanctions"); the objects of the
        pattern's prepositions are the recipients ("visit to Moscow", "talks with Lavrov")."""
        day = doc.date
        actor = _Phrase([], [], set())
        poss = [c for c in noun.children if c.dep_ == "poss"]
        mods: list[Any] = []
        if poss:
            actor = self._phrase(poss[0], day, sent)
        else:
            # name modifiers, also through a plain noun modifier ("the U.S. missile strikes")
            mods = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")
                    and (c.pos_ == "PROPN" or c.ent_type_ in ANTECEDENT_LABELS
                         or c.pos_ == "NOUN" and any(g.pos_ == "PROPN" or g.ent_type_ in
                                                     ANTECEDENT_LABELS for g in c.children))]
            for m in mods:
                for t in sorted([m, *(g for g in m.children if g.dep_ in ("compound", "punct",
                                                                          "amod", "nmod"))],
                                key=lambda t: t.i):
                    if t.pos_ == "PUNCT" or t.i in actor.tokens:
                        continue
                    ent = self._resolve([t], t, day)
                    if ent is not None and (ent.country or ent.name) and ent not in actor.entities:
                        actor.entities.append(ent)
                        actor.spans.append([t.idx - sent.start_char,
                                            t.idx + len(t) - sent.start_char])
                        actor.tokens.add(t.i)
        if not actor.entities and not mods and noun.dep_ == "dobj" and noun.head.i != noun.i \
                and noun.head.lemma_.lower() in self.statement_verbs:
            # "Denmark announced a suspension of aid to Egypt": the announcer's event
            subj, _ = self._subject(noun.head)
            if subj is not None:
                actor = self._phrase(subj, day, sent)
        if not actor.entities:
            return None
        recipient = _Phrase([], [], set())
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ in pattern.explicit_preps:
                for g in c.children:
                    if g.dep_ == "pobj":
                        r = self._phrase(g, day, sent)
                        recipient.entities += [e for e in r.entities if e not in recipient.entities]
                        recipient.spans += r.spans
        actors, recipients = actor.entities, recipient.entities
        a_spans, r_spans = actor.spans, recipient.spans
        if pattern.reciprocal and not recipients and len(actors) >= 2:
            actors, recipients = actors[:1], actors[1:]
            a_spans, r_spans = a_spans[:1], a_spans[1:]
        return self._finish(doc, s_index, sent, noun, pattern, None, actors, recipients,
                            a_spans, r_spans, actor.tokens)

    def _match(self, verb: Any) -> tuple[Pattern, Any | None] | None:
        children = list(verb.children)
        # particles, also where the parser reads them as an adverb or a preposition right
        # after the verb ("stepped down", "pulled out of the treaty")
        particles = {c.lower_ for c in children if c.dep_ == "prt" or (
            c.dep_ in ("advmod", "prep") and c.lower_ in PARTICLES and c.i == verb.i + 1)}
        # a particle misread as a preposition carries the verb's own prepositions ("pulled
        # out of the treaty")
        children += [g for c in children if c.dep_ == "prep" and c.lower_ in particles
                     and c.i == verb.i + 1 for g in c.children if g.dep_ == "prep"]
        preps = {c.lower_ for c in children if c.dep_ in ("prep", "agent", "dative")}
        objs = [c for c in children if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]
        if verb.dep_ == "acl" and verb.tag_ == "VBN" and not any(c.dep_ == "dobj"
                                                                 for c in children):
            objs.append(verb.head)       # "the sanctions imposed by the US": a passive object
        deps = {c.dep_ for c in children}
        for lemma in _lemma_candidates(verb):
            for p in self.lexicon.by_verb.get(lemma, ()):
                if p.particle and p.particle not in particles:
                    continue
                if p.excluded_deps and p.excluded_deps & deps:
                    continue
                obj = None
                if p.objects:
                    # the object head: the direct object, or the object of the pattern's own
                    # preposition or of "for" ("called for sanctions", "appealed for aid")
                    via = p.required_prep | p.explicit_preps | {"for"}   # "appealed for aid"
                    cands = objs + [g for c in children if c.dep_ == "prep" and c.lower_ in via
                                    for g in c.children if g.dep_ == "pobj"]
                    obj = next((o for o in cands if _object_keys(o) & p.objects), None)
                    if obj is None:
                        continue
                if p.required_prep:
                    obj_preps = {c.lower_ for c in obj.children if c.dep_ == "prep"} if obj is not None else set()
                    if not (p.required_prep & (preps | obj_preps)):
                        continue
                return p, obj
        return None

    def _phrase(self, head: Any, day: Date | None, sent: Any, unknown: str = "none",
                avoid: frozenset[str] = frozenset()) -> _Phrase:
        """Entities of a noun phrase and of its conjuncts ("Russia and China").

        A conjunct that resolves to nothing becomes an unknown entity (code ``---``, its text
        kept) when ``unknown`` is "any", or "named" and the phrase is a name or a pronoun
        ("Abu Sayyaf gunmen", "AMISOM", "he" with no antecedent)."""
        conjuncts = [head]
        stack = [head]
        while stack:
            t = stack.pop()
            for c in t.children:
                if c.dep_ == "conj":
                    conjuncts.append(c)
                    stack.append(c)
        phrase = _Phrase([], [], set())
        places = place_nouns()
        for c in conjuncts:
            if c.lemma_.lower() in places:
                continue              # "the Sea of Japan", "the Syrian border": a place
            toks = self._np_tokens(c)
            pair = self._dash_pair(toks, c, day)
            if pair:            # "a Russian–U.S. working group": both parties
                for e in pair:
                    if e not in phrase.entities:
                        phrase.entities.append(e)
                        phrase.spans.append([toks[0].idx - sent.start_char,
                                             toks[-1].idx + len(toks[-1]) - sent.start_char])
                phrase.tokens.update(t.i for t in toks)
                continue
            ent = self._resolve(toks, c, day)
            if ent is None:     # "Joseph Yun, the U.S. special representative, ..."
                for ap in (a for a in c.children if a.dep_ == "appos"):
                    ap_toks = self._np_tokens(ap)
                    ent = self._resolve(ap_toks, ap, day)
                    if ent is not None:
                        toks = ap_toks
                        break
            span = (toks[0].i, toks[-1].i + 1)
            if ent is None or not (ent.country or ent.name or ent.sector in ("IGO", "NGO")):
                found = self._refer_back(toks, c, ent, avoid)
            else:
                found = [(ent, span)] + self._of_conjuncts(c, ent, day)
                self._ctx.add(ent, c.i, ent.name in self.kb.roles, span,
                              c.tag_ in ("NNS", "NNPS"))
            if not found and unknown != "none" and c.ent_type_ not in PLACE_LABELS and (
                    unknown == "any" or c.pos_ == "PRON" or any(
                        t.pos_ == "PROPN" or t.ent_type_ in ANTECEDENT_LABELS for t in toks)):
                text = sent.doc[toks[0].i: toks[-1].i + 1].text
                found = [(Entity(code=UNKNOWN, text=text), span)]
            for e, (a, b) in found:
                if e in phrase.entities:
                    continue
                if not (sent.start <= a and b <= sent.end):
                    a, b = span     # an antecedent in an earlier sentence: mark the pronoun
                doc = sent.doc
                phrase.entities.append(e)
                phrase.spans.append([doc[a].idx - sent.start_char,
                                     doc[b - 1].idx + len(doc[b - 1]) - sent.start_char])
            if found:
                phrase.tokens.update(t.i for t in toks)
        return phrase

    def _of_conjuncts(self, head: Any, ent: Entity, day: Date | None
                      ) -> list[tuple[Entity, tuple[int, int]]]:
        """The other states of "the foreign ministers of India and Pakistan": each with the
        head's sector, so that the phrase names both sides."""
        out: list[tuple[Entity, tuple[int, int]]] = []
        if ent.country is None or ent.name and ent.name in self.kb.roles:
            return out
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ != "of":
                continue
            for pobj in (g for g in prep.children if g.dep_ == "pobj"):
                for conj in (g for g in pobj.subtree if g.dep_ == "conj" and g.head.i != g.i):
                    toks = self._np_tokens(conj)
                    other = self._resolve(toks, conj, day)
                    if other is None or not other.country or other.country == ent.country:
                        continue
                    code = f"{other.country}{ent.sector or ''}"
                    out.append((Entity(code=code, country=other.country, sector=ent.sector,
                                       text=conj.text), (toks[0].i, toks[-1].i + 1)))
        return out

    def _dash_pair(self, toks: list[Any], head: Any, day: Date | None) -> list[Entity]:
        """Two parties joined by a dash inside one phrase ("Russian–U.S. talks", "the
        Xi-Trump summit"), each with the phrase's head noun; else nothing."""
        matches, _ = self.kb.mentions(toks)
        for (a0, a1, _), (b0, b1, _) in zip(matches, matches[1:]):
            if b0 == a1 + 1 and toks[a1].text in HYPHENS | {"—", "/"}:
                left = [t for k, t in enumerate(toks) if not b0 <= k < b1 and k != a1]
                right = [t for k, t in enumerate(toks) if not a0 <= k < a1 and k != a1]
                one, two = self._resolve(left, head, day), self._resolve(right, head, day)
                if one and two and one != two and (one.country, one.code) != (two.country, two.code):
                    return [one, two]
        return []

    def _refer_back(self, toks: list[Any], head: Any, generic: Entity | None,
                    avoid: frozenset[str] = frozenset()
                    ) -> list[tuple[Entity, tuple[int, int]]]:
        """Entities (with the token range of their mention) that a pronoun, a reciprocal phrase
        ("the two sides") or a definite description ("the minister", "the government") refers
        to; else the generic entity, if any."""
        ctx = getattr(self, "_ctx", None)
        own = (toks[0].i, toks[-1].i + 1)
        fallback = [(generic, own)] if generic else []
        if ctx is None:
            return fallback
        words = tuple(t.lower_ for t in toks)
        kind = self.kb.references.get(words)
        if kind is None and head.pos_ == "PRON":
            kind = self.kb.references.get((head.lower_,))
        if kind in ("person", "group"):
            # an object pronoun is not the clause's own subject ("Lavrov met him")
            m = ctx.last(head.i, person=kind == "person",
                         avoid=avoid if head.pos_ == "PRON" else frozenset(),
                         singular=head.lower_ in ("it", "its", "itself"))
            return [(m.entity, m.span)] if m else fallback
        if kind in ("both", "both_people"):
            two = ctx.last_two(head.i, people=kind == "both_people")
            return [(m.entity, own) for m in two] or fallback
        definite = any(t.dep_ == "det" and t.lower_ in ("the", "this", "that") for t in head.children)
        if generic is not None and definite and head.tag_ in ("NN", "NNP"):
            # "the president", "the ministry": the last entity of that sector, or the
            # government of the last state named
            same = ctx.last(head.i, person=False, sector=generic.sector)
            if same is not None:
                return [(same.entity, own)]
            state = ctx.last(head.i, person=False)
            if state is not None and state.entity.country:
                c = state.entity.country
                return [(Entity(code=f"{c}{generic.sector}", country=c, sector=generic.sector,
                                text=generic.text), own)]
        return fallback

    def _np_tokens(self, head: Any) -> list[Any]:
        """The tokens of a noun phrase: its head, modifiers and of-phrases, without clauses,
        conjuncts and other prepositional phrases; hyphens inside names are kept."""
        def keep(c: Any, top: bool) -> bool:
            if c.dep_ == "punct":
                return c.text in HYPHENS
            if c.dep_ == "prep":   # "Secretary of State", not "accused China of shielding"
                return c.lower_ in NP_KEEP_PREPS and any(g.dep_ == "pobj" for g in c.children)
            return c.dep_ not in (NP_DROP_DEPS if top else NP_DROP_NESTED)

        out = [head]
        stack = [c for c in head.children if keep(c, True)]
        while stack:
            t = stack.pop()
            out.append(t)
            stack.extend(c for c in t.children if keep(c, False))
        out.sort(key=lambda t: t.i)
        # trim leading determiners and punctuation from the span
        while len(out) > 1 and out[0].pos_ in ("DET", "PUNCT"):
            out.pop(0)
        return out

    def _resolve(self, toks: list[Any], head: Any, day: Date | None) -> Entity | None:
        matches, sectors = self.kb.mentions(toks)
        head_pos = next(k for k, t in enumerate(toks) if t.i == head.i)
        text = toks[0].doc[toks[0].i: toks[-1].i + 1].text
        if not matches:
            # no state, organisation or person named: an agent noun still names a sector
            # without a country ("rebels", "the police", "protesters")
            sector = next((s for a, b, s, _ in sectors if a <= head_pos < b), None)
            return Entity(code=sector, sector=sector, text=text) if sector else None
        return entity_from_terms(self.kb, matches, sectors, head_pos, day, text)

    def _subject(self, verb: Any) -> tuple[Any | None, bool]:
        """(subject head, is-passive-agent) of a verb, inherited from a conjoined or governing
        verb when the verb has none of its own."""
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) and not any(
                c.dep_ == "agent" for c in verb.children):
            return None, False          # "Kim Jong Nam was killed": the killer is not named
        if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.lemma_.lower() in \
                SPEECH_NOUNS and verb.head.head.i != verb.head.i:
            return self._subject(verb.head.head)   # "issued a statement urging Pyongyang to"
        if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN") and (
                verb.tag_ == "VBD" or verb.tag_ == "VBN" and any(c.dep_ == "dobj"
                                                                 for c in verb.children)
        ) and not any(c.dep_ in SUBJECTS for c in verb.children):
            # the parser's misreading of a main clause as a reduced relative: "the Iraqi air
            # force carried out strikes" (a participle with an object is active)
            return verb.head, False
        v = verb
        for _ in range(4):
            for c in v.children:
                if c.dep_ in SUBJECTS or (c.dep_ == "nsubjpass" and v.i != verb.i):
                    # a governing passive's subject controls the infinitive: "India is set to
                    # sign", "Kim is expected to attend"
                    return c, False
                if c.dep_ == "agent":
                    pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                    if pobj is not None:
                        return pobj, True
            if v.dep_ == "xcomp" and v.head.i != v.i and \
                    v.head.lemma_.lower() not in SUBJECT_CONTROL:
                # object control: "urged North Korea to halt", "called on Russia to withdraw"
                # (not "summoned the ambassador to complain": the summoner complains)
                controller = _controller(v.head)
                if controller is not None:
                    return controller, False
            if v.dep_ in ("conj", "xcomp") and v.head.i != v.i:
                v = v.head
                continue
            for a in v.children:      # the parser hangs the subject on the auxiliary: "The
                if a.dep_ == "aux":   # United Kingdom and France however have opposed"
                    s = next((g for g in a.children if g.dep_ in SUBJECTS), None)
                    if s is not None:
                        return s, False
            if v.dep_ == "acomp" and v.head.i != v.i:   # "Germany is willing to provide"
                v = v.head
                continue
            if v.dep_ == "pcomp" and v.tag_ == "VBG" and v.head.dep_ == "prep" and (
                    v.head.lower_ == "by" or v.head.head.dep_ == "acomp") \
                    and v.head.head.i != v.head.i:
                # the means, "continues by donating"; the culprit, "was guilty of violating"
                v = v.head.head
                continue
            break
        return None, False

    def _recipient_heads(self, verb: Any, pattern: Pattern, obj: Any | None) -> list[Any]:
        """Heads of the recipient phrases: the direct object (for a pattern without an object
        head), and the objects of the pattern's recipient prepositions on the verb, on its
        object, on the object of a required preposition ("called for sanctions against X"),
        and on a participle that modifies the object ("lifted a ban imposed on X"). The author
        of the thing acted on is a recipient too ("rejected accusations by the US")."""
        heads: list[Any] = []
        direct = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        hosts = [verb] + ([obj] if obj is not None else direct)
        called = [g for c in verb.children if c.dep_ == "prep" and c.lower_ in pattern.required_prep
                  for g in c.children if g.dep_ == "pobj"]
        hosts += called
        # the pattern's particle misread as a preposition holds the recipient ("pulled out of")
        hosts += [c for c in verb.children if c.dep_ == "prep" and c.lower_ == pattern.particle
                  and c.i == verb.i + 1]
        for h in hosts:
            # what a required preposition introduces is what the action is about ("called for
            # sanctions against Myanmar"): its own phrases name the recipient
            through = (h.i == verb.i or obj is not None or h in called
                       or cameo(pattern.cameo).quad in (2, 4) or self._reach_through(h))
            # an event noun's own phrases belong to it when the action is words about it
            # ("condemned the strike on Syria"): only the pattern's explicit prepositions reach
            # through it ("demanded an explanation from Moscow"); a deed reaches its target
            # ("continued their attacks on Ghouta")
            preps = pattern.recipient_preps if through else pattern.explicit_preps
            preps = preps | ROOT_PREPS.get(pattern.cameo[:2], frozenset())
            if h.i != verb.i and pattern.cameo[:2] in BENEFIT_ROOTS:
                preps = preps | {"for"}             # "promised support for the government"
            if pattern.cameo[:2] == "01" and (h.i != verb.i or obj is not None):
                preps = preps | STATEMENT_PREPS     # "expressed optimism about the deal"
                if h.i != verb.i:
                    preps = preps | {"for"}         # "condolences for the British people"
            phrases = [h]
            if h.i != verb.i:
                for c in h.children:
                    if c.dep_ != "acl":
                        continue
                    if c.tag_ == "VBN":          # "a ban imposed on X", "an appeal lodged by X"
                        phrases.append(c)
                        heads.extend(g for a in c.children if a.dep_ == "agent"
                                     for g in a.children if g.dep_ == "pobj")
                    elif c.tag_ == "VB":         # "assistance to help people in Somalia"
                        heads.extend(g for g in c.children if g.dep_ == "dobj")
            for host in phrases:
                for c in host.children:
                    if c.dep_ in ("prep", "dative") and c.lower_ in preps:
                        # "on Monday", "to 15 years" are times and amounts, not recipients
                        heads.extend(g for g in c.children if g.dep_ == "pobj"
                                     and g.ent_type_ not in NOT_RECIPIENTS)
                    elif c.dep_ == "dative" and c.tag_ != "IN" and host.i == verb.i:
                        heads.append(c)
            if h.i != verb.i:
                for c in h.children:       # "accusations by the US", "charges from Liberman"
                    if c.dep_ == "prep" and c.lower_ in ("by", "from"):
                        heads.extend(g for g in c.children if g.dep_ == "pobj"
                                     and g.ent_type_ not in NOT_RECIPIENTS)
        if obj is None or obj.dep_ == "pobj":     # "blamed Saudi Arabia for the attack"
            heads = direct + heads
        # the object head itself is the action, not its recipient ("went on strike")
        return [h for h in heads if obj is None or h.i != obj.i]

    @staticmethod
    def _own_means(e: Entity, pattern: Pattern, actor: _Phrase) -> bool:
        """Is a direct object the actor's own means rather than its target ("mobilized the
        army", "deployed troops to Syria", "withdrew its forces")?"""
        return (pattern.cameo[:2] in MEANS_ROOTS and not e.name and e.sector in OWN_FORCES
                and (e.country is None or e.country in {a.country for a in actor.entities}))

    def _statement_topics(self, verb: Any, actor: _Phrase, day: Date | None, sent: Any
                          ) -> list[Any]:
        """What a statement with no recipient is about: the subject of its complement clause
        ("said the U.S. Embassy had conveyed concerns"), unless that is the speaker again ("said
        it is skeptical the program would ..."), in which case the clause's own complement or
        the object of its adjective ("skeptical about Iranian motives") is."""
        heads: list[Any] = []
        clauses = [c for c in verb.children if c.dep_ == "ccomp"]
        for _ in range(2):
            deeper: list[Any] = []
            for cl in clauses:
                for g in cl.children:
                    if g.dep_ in ("nsubj", "nsubjpass"):
                        ents = self._phrase(g, day, sent).entities
                        speaker = {e.code for e in actor.entities}
                        if (g.pos_ == "PRON" and not ents) or (
                                ents and all(e.code in speaker for e in ents)):
                            deeper.extend(c for c in cl.children if c.dep_ == "ccomp")
                        else:
                            heads.append(g)
                    elif g.dep_ == "acomp":
                        heads.extend(pobj for pr in g.children if pr.dep_ == "prep"
                                     and pr.lower_ in STATEMENT_PREPS
                                     for pobj in pr.children if pobj.dep_ == "pobj")
                        deeper.extend(c for c in g.children if c.dep_ == "ccomp")
            if heads or not deeper:
                break
            clauses = deeper
        return heads

    def _reach_through(self, noun: Any) -> bool:
        """May the recipient prepositions reach through this object? Yes for a thing given,
        shared or withheld ("suspended aid to El Salvador"), no for a noun that names an event
        of its own ("condemned the strike on Syria")."""
        return noun.pos_ in ("NOUN", "PROPN") and noun.lemma_.lower() not in self.nouns.by_verb \
            and noun.lemma_.lower() not in self.event_nouns

    def _status(self, verb: Any) -> tuple[Status, Any | None, bool]:
        """The event's status, the head of the claimant for reported events, and whether the
        event is refused ("will not accept", "refused to lift": see ``refusals.tsv``).

        Cues are the verb's own negators, modals and marks, a conditional clause of the verb,
        and the governing verbs up the chain of complements ("said it proved that Russia was
        occupying": `say` reports). Conjoined verbs share their head's cues unless joined by
        "but" or carrying auxiliaries of their own. A refusal's status is that of the refusal
        itself: the negation (and the "will" of "will not") no longer count.
        """
        found: set[Status] = set()
        claimant = None
        cues = self.cues
        refusal: set[Status] = set()        # statuses that the refusal cue alone contributed
        refused = False
        kids = list(verb.children)
        if any(c.dep_ == "neg" for c in kids):
            aux = next((c for c in kids if c.dep_ == "aux" and c.lower_ in cues.refusals), None)
            if aux is not None:
                refused = True
                refusal = {Status.NEGATED} | ({Status(cues.modals[aux.lower_])}
                                              if aux.lower_ in cues.modals else set())

        def own(v: Any) -> None:
            present = v.tag_ in PRESENT and not any(c.dep_ == "aux" for c in v.children)
            for c in v.children:
                if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in cues.negators):
                    found.add(Status.NEGATED)
                elif c.dep_ == "advmod" and c.lower_ in cues.adverbs:
                    found.add(Status(cues.adverbs[c.lower_]))      # "usually vetoes"
                elif c.dep_ == "aux" and c.lower_ in cues.modals:
                    found.add(Status(cues.modals[c.lower_]))
                elif c.dep_ == "mark" and c.lower_ in cues.marks:
                    found.add(Status(cues.marks[c.lower_]))
                elif c.dep_ in ("mark", "advmod") and c.lower_ in cues.habitual_marks \
                        and present:
                    found.add(Status.GENERIC)                      # "whenever Russia vetoes"
                elif c.dep_ == "advcl":
                    marks = {m.lower_ for m in c.children if m.dep_ in ("mark", "advmod")}
                    if marks & set(cues.marks):
                        found.add(Status.HYPOTHETICAL)  # the main clause of "If X, Y will ..."
                    elif marks & cues.habitual_marks and present:
                        found.add(Status.GENERIC)       # "when thwarted, Moscow plays ..."
                elif c.dep_ in ("amod", "compound") and c.lower_ in cues.modifiers:
                    found.add(Status(cues.modifiers[c.lower_]))    # "an upcoming summit"

        own(verb)
        v = verb
        if v.dep_ == "conj" and v.head.i != v.i:
            contrast = any(c.dep_ == "cc" and c.lower_ in ("but", "yet") for c in v.children) \
                or any(c.dep_ == "cc" and c.lower_ in ("but", "yet") for c in v.head.children)
            has_aux = any(c.dep_ in ("aux", "neg") for c in v.children)
            v = v.head
            if not contrast and not has_aux:
                own(v)
        for _ in range(3):                      # up the chain of complements
            if v.dep_ not in ("xcomp", "ccomp", "pcomp") or v.head.i == v.i:
                break
            gov = v.head
            if gov.dep_ == "prep" and gov.head.i != gov.i:   # "accused X of sending"
                gov = gov.head
            gov_negated = any(c.dep_ == "neg" for c in gov.children)
            for lemma in _lemma_candidates(gov):
                if lemma in cues.governors:
                    st = Status(cues.governors[lemma])
                    found.add(st)
                    if lemma in cues.refusals and not gov_negated and not refused:
                        refused, refusal = True, {Status.NEGATED}
                    if st is Status.REPORTED and claimant is None:
                        claimant, _ = self._subject(gov)
                    break
            # the governor's own negation or modality carries over ("did not agree to meet")
            for c in gov.children:
                if c.dep_ == "neg":
                    found.add(Status.NEGATED)
                elif c.dep_ == "aux" and c.lower_ in cues.modals:
                    found.add(Status(cues.modals[c.lower_]))
            v = gov
        if refused:
            found -= refusal
        for st in STATUS_ORDER:
            if st in found:
                return st, claimant, refused
        return Status.ASSERTED, claimant, refused

    def _event(self, doc: Document, s_index: int, sent: Any, verb: Any, pattern: Pattern,
               obj: Any | None) -> Event | None:
        day = doc.date
        subj, _ = self._subject(verb)
        unknown = "named" if self.unknown_actors else "none"
        # violence is often reported by its instrument or its unnamed perpetrators ("a car bomb
        # killed", "gunmen stormed"): there any subject is kept as an unknown actor
        violent = self.unknown_actors and cameo(pattern.cameo).quad == 4
        actor = (self._phrase(subj, day, sent, "any" if violent else unknown)
                 if subj is not None else _Phrase([], [], set()))
        if subj is None and self.unknown_actors and cameo(pattern.cameo).quad in (2, 4) and any(
                c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            # a deed in the passive with no agent ("Kim Jong Nam was killed", "the sanctions were
            # lifted"): it happened, by an actor the text does not name
            actor = _Phrase([Entity(code=UNKNOWN, text="")], [], set())
        if not actor.entities and not self._between(verb, obj):
            return None
        recipient = _Phrase([], [], set())
        heads = self._recipient_heads(verb, pattern, obj)
        if not heads and pattern.cameo[:2] == "01":
            heads = self._statement_topics(verb, actor, day, sent)
        if not heads:
            # a control or purpose clause names the target: "threatened to expel American
            # diplomats", "deployed troops to train Nigerian soldiers"
            for c in verb.children:
                if c.dep_ in ("xcomp", "advcl") and c.tag_ in ("VB", "VBG") and not any(
                        g.dep_ in ("nsubj", "mark") for g in c.children):
                    heads += [h for h in self._recipient_heads(c, self._plain, None)
                              if h.i not in actor.tokens]
        unnamed: list[list[int]] = []
        for h in heads:
            if h.i in actor.tokens:
                continue
            avoid = frozenset(e.code for e in actor.entities)
            r = self._phrase(h, day, sent, unknown, avoid=avoid)
            for e, sp in zip(r.entities, r.spans):
                if h.dep_ == "dobj" and self._own_means(e, pattern, actor):
                    continue
                if e not in recipient.entities:
                    recipient.entities.append(e)
                    recipient.spans.append(sp)
            recipient.tokens |= r.tokens
            if not r.entities and (cameo(pattern.cameo).quad in (2, 4)
                                   or self._reach_through(h)):
                # the phrase names no actor: its own phrase may ("agreed to a ceasefire with
                # the Taliban"), unless it is an event that words are about ("condemned the
                # strike on Syria")
                for c in h.children:
                    if c.dep_ == "prep" and c.lower_ == "in" and cameo(pattern.cameo).quad in (2, 4):
                        # "troops to the UN mission in Mali": the place's state
                        for g in c.children:
                            if g.dep_ != "pobj":
                                continue
                            toks = self._np_tokens(g)
                            loc = location_of(self.kb, toks, [])
                            e = Entity(code=loc.country, country=loc.country, text=loc.text) \
                                if loc is not None and loc.country else None
                            if e is not None and e not in recipient.entities and \
                                    e.country not in {a.country for a in actor.entities}:
                                recipient.entities.append(e)
                                recipient.spans.append(
                                    [toks[0].idx - sent.start_char,
                                     toks[-1].idx + len(toks[-1]) - sent.start_char])
                    if c.dep_ == "prep" and c.lower_ in NESTED_PREPS:
                        for g in c.children:
                            if g.dep_ == "pobj" and g.ent_type_ not in NOT_RECIPIENTS:
                                inner = self._phrase(g, day, sent, avoid=avoid)
                                for e, sp in zip(inner.entities, inner.spans):
                                    if e not in recipient.entities and e not in actor.entities:
                                        recipient.entities.append(e)
                                        recipient.spans.append(sp)
            if not r.entities and h.lemma_.lower() not in place_nouns():
                # the text's recipient phrase names no actor ("condemned the strike"): it is
                # marked in the spans, without an entity
                toks = self._np_tokens(h)
                unnamed.append([toks[0].idx - sent.start_char,
                                toks[-1].idx + len(toks[-1]) - sent.start_char])
        if not recipient.entities and obj is not None:
            # the light verb's object names its target: "rejected the American demand", "freed
            # the hostages", "used civilians as human shields" — but not the actor's own forces
            # ("deployed troops")
            r = self._phrase(obj, day, sent)
            if any((e.country or e.sector not in OWN_FORCES)
                   and not self._own_means(e, pattern, actor) for e in r.entities):
                recipient = r
        actors, recipients = actor.entities, recipient.entities
        a_spans, r_spans = actor.spans, recipient.spans + unnamed
        if pattern.reciprocal and len(actors) >= 2 and not any(e.country for e in recipients):
            # "Russia and Ukraine exchanged prisoners": the two sides, not the prisoners
            actors, recipients = actors[:1], actors[1:]
            a_spans, r_spans = a_spans[:1], a_spans[1:]
        if not actors:
            # no actor named, but "a ferry line between North Korea and Russia" names both
            # parties of the action
            if len(recipients) < 2:
                return None
            actors, recipients = recipients[:1], recipients[1:]
            a_spans, r_spans = r_spans[:1], r_spans[1:]
        return self._finish(doc, s_index, sent, verb, pattern, obj, actors, recipients,
                            a_spans, r_spans, actor.tokens, self._obligation(verb, pattern))

    def _obligation(self, verb: Any, pattern: Pattern) -> str | None:
        """A statement that another must or should act is a demand or an appeal ("Russia says
        Israel must end attacks on Syria": 100): the code ``obligations.tsv`` gives the modal."""
        if pattern.cameo[:2] != "01":
            return None
        for c in verb.children:
            if c.dep_ == "ccomp":
                for a in c.children:
                    if a.dep_ == "aux" and a.lower_ in self.obligations:
                        return self.obligations[a.lower_]
        return None

    def _finish(self, doc: Document, s_index: int, sent: Any, verb: Any, pattern: Pattern,
                obj: Any | None, actors: list[Entity], recipients: list[Entity],
                a_spans: list[list[int]], r_spans: list[list[int]], actor_tokens: set[int],
                code_override: str | None = None) -> Event:
        """Status, claimant, place, date and spans of an event whose parties are known;
        ``verb`` is the word that names the action (a verb, or a noun such as "visit");
        ``code_override`` replaces the pattern's code (a statement that is a demand)."""
        day = doc.date
        status, claimant_head, refused = self._status(verb)
        code = cameo(code_override or pattern.cameo)
        if refused:
            rejection = refusal_of(pattern.cameo)
            if rejection is not None:      # "will not accept refugees": a rejection, asserted
                code = cameo(rejection)
            else:                          # nothing cooperative was refused: plainly negated
                status = Status.NEGATED
        claimants: tuple[Entity, ...] = ()
        if claimant_head is not None:
            claimants = tuple(self._phrase(claimant_head, day, sent).entities)
        ctx = getattr(self, "_ctx", None)
        countries = [e.country for e in (*actors, *recipients) if e.country] + (
            [m.entity.country for m in ctx.before(verb.i) if m.entity.country] if ctx else [])
        # a host named by its capital is also the place: "arrived in Moscow", "visited Seoul"
        location, where, phrase = self._location(verb, obj, actor_tokens, countries)
        if not recipients and location is None and phrase and code.root in PLACE_AS_TARGET \
                and not r_spans:
            r_spans = [phrase]      # "a curfew in parts of Kashmir": marked, though unresolved
        own = {a.country for a in actors if a.country}
        org = any(a.country is None and a.sector in (None, "IGO") and a.code != UNKNOWN
                  for a in actors)           # NATO, the UN: anywhere is abroad
        abroad = (bool(own) or org) and location is not None and location.country not in own
        if (not recipients and location is not None and location.country
                and (code.root in PLACE_AS_TARGET or (code.root == "15" and abroad))
                and not (r_spans and location.country in own)):
            # a material action upon a place: "suspended aid deliveries in Nigeria", "imposed a
            # curfew in Kingston", "a car bomb in Mogadishu" — the place's state is the recipient
            # (not for words: "talks in Moscow" are not talks with Russia, nor for protests: "a
            # strike in Denver"; force postures only abroad: "NATO troops remained on alert in
            # Bosnia", not "Philippine troops in Manila"); but a target the text names and we cannot
            # resolve, at home, stays unresolved ("shelled separatist positions near Avdiivka")
            recipients = [Entity(code=location.country, country=location.country,
                                 text=location.text)]
            r_spans = [*r_spans, where]
        day, precision = self._event_date(verb, obj, sent, doc, status)
        action_toks = [verb] + [c for c in verb.children if c.dep_ == "prt"] + (
            [obj] if obj is not None else [])
        action_toks.sort(key=lambda t: t.i)
        spans = {
            "actor": a_spans,
            "action": [[action_toks[0].idx - sent.start_char,
                        action_toks[-1].idx + len(action_toks[-1]) - sent.start_char]],
            "recipient": r_spans,
        }
        return Event(
            id=stable_hash(doc.id, s_index, verb.i - sent.start, pattern.id),
            doc_id=doc.id, sentence_index=s_index, text=sent.text,
            date=day, date_precision=precision,
            actor=tuple(actors), recipient=tuple(recipients),
            cameo=code.code, cameo_name=code.name, goldstein=code.goldstein, quad=code.quad,
            penta=code.penta, plover=code.plover, mode=code.mode, context=code.context,
            status=status, pattern=pattern.id, source_of_claim=claimants, location=location,
            spans=spans)

    @staticmethod
    def _event_date(verb: Any, obj: Any | None, sent: Any, doc: Document, status: Status
                    ) -> tuple[Date | None, Precision]:
        """The event's date: a date phrase attached to the verb (or its object) resolved
        against the document's date ("on Thursday", "last month", "May 14"), looking ahead for
        future, hypothetical and desired events; else the document's date."""
        from ..dates import resolve_relative

        fallback = (doc.date, doc.date_precision if doc.date else Precision.UNKNOWN)
        if doc.date is None:
            return fallback
        future = status in (Status.FUTURE, Status.HYPOTHETICAL, Status.DESIRED)
        for ent in sent.ents:
            if ent.label_ != "DATE":
                continue
            r = ent.root
            targets = {verb.i} | ({obj.i} if obj is not None else set())
            for _ in range(4):      # spaCy makes a new Token on each access: compare indices
                if r.i in targets or r.dep_ not in DATE_PATH or r.head.i == r.i:
                    break
                if r.dep_ == "prep" and r.lower_ not in DATE_PREPS:
                    break           # "since 1999", "until May": not when it happened
                r = r.head
            if r.i in targets:
                found = resolve_relative(ent.text, doc.date, future)
                if found is not None:
                    return found
        return fallback

    @staticmethod
    def _between(verb: Any, obj: Any | None) -> bool:
        """Does the action name its parties with "between" ("a line between A and B")?"""
        return any(c.dep_ == "prep" and c.lower_ == "between"
                   for h in ([verb] + ([obj] if obj is not None else [])
                             + [c for c in verb.children if c.dep_ == "dobj"])
                   for c in h.children)

    def _location(self, verb: Any, obj: Any | None, used: set[int], countries: list[str]
                  ) -> tuple[Location | None, list[int], list[int]]:
        """The place of the action (a locative phrase on the verb or its object), its character
        span in the sentence, and the span of the first locative phrase even when it names no
        place the gazetteer knows."""
        first: list[int] = []
        hosts = [verb] + ([obj] if obj is not None else []) + [
            c for c in verb.children if c.dep_ == "dobj"]
        for h in hosts:
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ in LOCATIVE_PREPS:
                    for g in c.children:
                        if g.dep_ == "pobj" and g.i not in used:
                            toks = self._np_tokens(g)
                            start = toks[0].idx - toks[0].sent.start_char
                            span = [start, toks[-1].idx + len(toks[-1]) - toks[0].sent.start_char]
                            if not first and g.ent_type_ not in NOT_RECIPIENTS:
                                first = span
                            loc = location_of(self.kb, toks, countries)
                            if loc is not None:
                                return loc, span, first
        return None, [], first
