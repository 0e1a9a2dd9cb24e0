"""Noun phrases → entities: the tokens of a phrase, the entity it names, its conjuncts, two
parties joined by a dash, and words that refer back to an earlier mention."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .._tsv import data_path, read_tsv
from ..actors import entity_from_terms
from ..geo import PLACE_LABELS, gazetteer, location_of, place_nouns
from ..model import Entity
from .draft import UNKNOWN, DocState, Phrase, char_span

NP_DROP_DEPS = {"cc", "conj", "relcl", "acl", "advcl", "det", "appos"}
NP_DROP_NESTED = {"relcl", "acl", "advcl", "conj"}
ANTECEDENT_LABELS = {"PERSON", "GPE", "ORG", "NORP"}


def np_tokens(st: DocState, head: Any) -> list[Any]:
    """The tokens of a noun phrase: its head, modifiers and of-phrases, without clauses,
    conjuncts and other prepositional phrases; hyphens inside names are kept."""
    words = st.know.words

    def keep(c: Any, top: bool) -> bool:
        if c.dep_ == "punct":
            return c.text in words.dash
        if c.dep_ == "prep":   # "Secretary of State", not "accused China of shielding"
            return c.lower_ in words.np_keep_preps and any(g.dep_ == "pobj" for g in c.children)
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


def measured(st: DocState, head: Any) -> Any:
    """What a measure noun (``measure_nouns.tsv``) measures, through its of-phrases ("hundreds
    of thousands of people": people); the head itself when it is none."""
    for _ in range(4):
        if head.lemma_.lower() not in st.know.words.measure_nouns:
            break
        inner = next((g for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                      for g in c.children if g.dep_ == "pobj"), None)
        if inner is None:
            break
        head = inner
    return head


def resolve(st: DocState, toks: list[Any], head: Any) -> Entity | None:
    """The entity the tokens name on the document's date: a state, an organisation, a person
    or, with none named, the sector an agent noun names ("rebels", "the police")."""
    kb = st.know.kb
    matches, sectors = st.kb_mentions(toks)
    # a measure noun is looked through to what it measures ("thousands of protesters",
    # "hundreds of thousands of people", "a contingent of soldiers"), as for an object head
    inner = measured(st, head)
    if any(t.i == inner.i for t in toks):
        head = inner
    head_pos = next(k for k, t in enumerate(toks) if t.i == head.i)
    text = toks[0].doc[toks[0].i: toks[-1].i + 1].text
    if not matches:
        sector = next((s for a, b, s, _ in sectors if a <= head_pos < b), None)
        return Entity(code=sector, sector=sector, text=text) if sector else None
    return entity_from_terms(kb, matches, sectors, head_pos, st.day, text)


def conjuncts(head: Any) -> list[Any]:
    """The head and its conjuncts ("Russia and China")."""
    out, stack = [head], [head]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ == "conj":
                out.append(c)
                stack.append(c)
    return out


def phrase(st: DocState, head: Any, sent: Any, unknown: str = "none",
           avoid: frozenset[str] = frozenset()) -> Phrase:
    """Entities of a noun phrase and of its conjuncts ("Russia and China").

    A conjunct that resolves to nothing becomes an unknown entity (code ``---``, its text
    kept) when ``unknown`` is "any", or "named" and the phrase is a name or a pronoun
    ("Abu Sayyaf gunmen", "AMISOM", "he" with no antecedent)."""
    out = Phrase()
    places = place_nouns()
    for c in conjuncts(head):
        if c.lemma_.lower() in places:
            continue              # "the Sea of Japan", "the Syrian border": a place
        toks = np_tokens(st, c)
        pair = dash_pair(st, toks, c)
        if pair:            # "a Russian–U.S. working group": both parties
            for e in pair:
                out.add(e, char_span(sent, toks[0], toks[-1]))
            out.tokens.update(t.i for t in toks)
            continue
        countries = frozenset(e.country for e in out.entities if e.country)
        found, toks, how = _conjunct(st, c, toks, avoid, countries)
        if found and how == "place_stands_for_state" and all(
                e.country in {o.country for o in out.entities} for e, _ in found):
            out.tokens.update(t.i for t in toks)
            continue     # two places of one state are one party ("between Madrid and Valencia")
        if found and how:
            out.how = out.how or how
        span_i = (toks[0].i, toks[-1].i + 1)
        if not found and unknown != "none" and c.ent_type_ not in PLACE_LABELS and (
                unknown == "any" or c.pos_ == "PRON" or any(
                    t.pos_ == "PROPN" or t.ent_type_ in ANTECEDENT_LABELS for t in toks)):
            found = [(Entity(code=UNKNOWN, text=sent.doc[span_i[0]: span_i[1]].text), span_i)]
        doc = sent.doc
        for e, (a, b) in found:
            if e in out.entities:
                continue
            if not (sent.start <= a and b <= sent.end):
                a, b = span_i   # an antecedent in an earlier sentence: mark the pronoun
            out.add(e, char_span(sent, doc[a], doc[b - 1]))
        if found:
            out.tokens.update(t.i for t in toks)
    return out


def _conjunct(st: DocState, c: Any, toks: list[Any], avoid: frozenset[str],
              countries: frozenset[str] = frozenset()) -> tuple[list[tuple[Entity, tuple[int, int]]] | None, list[Any], str | None]:
    """The entities (with token ranges) one conjunct names, the tokens it was read from, and
    the phrase-level strategy that found them if one did: its own name, else an apposition's
    ("Joseph Yun, the U.S. special representative"), else the state of the place where a
    sector acts (:func:`sector_in_place`), else the state a place or a thing from a place
    stands for (:func:`place_stands_for_state`), else what it refers back to
    (:func:`refer_back`, named ``refers_back`` when an earlier mention resolved it)."""
    ent = resolve(st, toks, c)
    if ent is None:
        for ap in (a for a in c.children if a.dep_ == "appos"):
            ap_toks = np_tokens(st, ap)
            ent = resolve(st, ap_toks, ap)
            if ent is not None:
                toks = ap_toks
                break
    how = None
    if ent is not None and not (ent.country or ent.name or ent.sector in ("IGO", "NGO")):
        placed = sector_in_place(st, c, ent)
        if placed is not None:
            ent, toks, how = placed[0], placed[1], "sector_in_place"
        else:
            dated = sector_in_dateline(st, c, ent)
            if dated is not None:
                ent, how = dated, "sector_in_dateline"
    if ent is None and c.pos_ != "PRON":
        placed = place_stands_for_state(st, c, toks,
                                        countries | st.mentions.countries_before(c.i))
        if placed is not None:
            ent, toks, how = placed[0], placed[1], "place_stands_for_state"
    span = (toks[0].i, toks[-1].i + 1)
    if ent is None or not (ent.country or ent.name or ent.sector in ("IGO", "NGO")):
        found = refer_back(st, toks, c, ent, avoid)
        _register_referents(st, c, found)
        # resolved through an earlier mention (not the generic entity the words give)
        referred = bool(found) and found != [(ent, (toks[0].i, toks[-1].i + 1))]
        return found, toks, "refers_back" if referred else None
    shared_sector = possessor_conjunct(st, c, ent)
    if shared_sector is not None:
        ent, how = shared_sector, how or "conjoined_modifiers"
    person = ent.name in st.know.kb.roles or c.ent_type_ == "PERSON" or office_holder(st, c, ent)
    shared = conjoined_modifiers(st, c, ent)
    subject, group = is_subject(c), c.i if shared else coordination(c)
    st.mentions.add(ent, c.i, person, span, c.tag_ in ("NNS", "NNPS"), subject=subject,
                    sent=c.sent.start, group=group)
    if shared and how is None:
        how = "conjoined_modifiers"
    for e, sp in shared:     # "Indian and Chinese troops": both, named together
        st.mentions.add(e, sp[0], False, sp, True, subject=subject, sent=c.sent.start,
                        group=c.i)
    return [(ent, span)] + of_conjuncts(st, c, ent) + shared, toks, how


def office_holder(st: DocState, c: Any, ent: Entity) -> bool:
    """Does a singular phrase name one unnamed holder of an office ("Kyrgyzstan's interim
    leader", "the U.S. secretary of state", "Iran's foreign minister")? Its head is a title
    (``sectors.tsv`` role) or an office a person holds (``references.tsv`` kind ``person``:
    "the minister", "the spokesman"). Such a mention is a person's, so that "he" and "she"
    refer to it ("Kyrgyzstan's interim leader said he had agreed": KGZGOV)."""
    if not ent.country or not ent.sector or c.tag_ not in ("NN", "NNP"):
        return False
    kb, key = st.know.kb, (c.lemma_.lower(),)
    return kb.references.get(key) == "person" or key in kb.title_roles


def _register_referents(st: DocState, c: Any, found: list[tuple[Entity, tuple[int, int]]]
                        ) -> None:
    """What a word referring back resolved to is a mention at the word, so that a chain
    refers on ("Bloc says it ...": the bloc; "He said ... He added ...": the same man), the
    salience of its position kept (a pronoun subject is its sentence's subject)."""
    kb = st.know.kb
    group = c.i if len(found) > 1 else -1
    plural = c.tag_ in ("NNS", "NNPS") or c.lower_ in st.know.words.plural_pronouns
    words = tuple(t.lower_ for t in c.subtree if t.dep_ != "det" and t.i <= c.i)
    person = kb.references.get(words) == "person" or kb.references.get((c.lower_,)) == "person"
    for e, _ in found:
        st.mentions.add(e, c.i, person or (bool(e.name) and e.name in kb.roles),
                        (c.i, c.i + 1), plural, subject=is_subject(c), sent=c.sent.start,
                        group=group)


def coordination(tok: Any) -> int:
    """The head of the first conjunct of the token's coordination ("Turkey and Russia":
    Turkey), or -1 when it is not conjoined."""
    top = tok
    while top.dep_ == "conj" and top.head.i != top.i:
        top = top.head
    if top.i == tok.i and not any(c.dep_ == "conj" for c in tok.children):
        return -1
    return top.i


def is_subject(tok: Any) -> bool:
    """Is the token (or the phrase it is conjoined to) the subject of its sentence's main
    clause (of the root verb or a verb conjoined to it), the salient party a later pronoun
    refers back to first? ("Lithuania allowed Taiwan to open ...": Lithuania, not Taiwan)"""
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    if tok.dep_ not in ("nsubj", "nsubjpass", "csubj"):
        return False
    verb = tok.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    if verb.dep_ in ("ccomp", "parataxis") and verb.i < verb.head.i and verb.head.dep_ == "ROOT":
        return True     # the reported clause of "X did Y, officials said"
    return verb.dep_ == "ROOT"


def _with_phrase(toks: list[Any], prep: Any) -> list[Any]:
    """The tokens of a phrase with one of its prepositional phrases added, in order."""
    return sorted({t.i: t for t in [*toks, *prep.subtree]}.values(), key=lambda t: t.i)


def place_state(st: DocState, toks: list[Any], countries: frozenset[str] = frozenset()
                ) -> tuple[str, str] | None:
    """(state, text) of the place a phrase names: a state, a capital, a city or port the
    gazetteer knows ("Caracas", "the port of Bandar Abbas", "eastern Congo", "the north of
    Syria"), or a part of a state named by its adjective or name ("Lebanese territory", "a North
    Korean port": a head noun of ``stand_in_places.tsv``)."""
    kb = st.know.kb
    heads = [t for t in toks if t.head not in toks or t.head.i == t.i]
    text = toks[0].doc[toks[0].i: toks[-1].i + 1].text
    if heads and heads[0].lemma_.lower() in st.know.words.stand_in_places:
        found = _state_adjective(st, toks)
        if found is not None:
            return found[0], text
    loc = location_of(kb, toks, countries)
    if loc is not None and loc.country and loc.feature != "feature":
        return loc.country, text
    return None


#: a name the tagger did not mark as a place stands for a state only if it is a city this large
CITY_STAND_IN = 100_000
#: ... and one the tagger took for a person's name only if it is a city this large ("shelled
#: Kharkiv"), so that a person who shares a town's name is not read as a state
PERSON_CITY_STAND_IN = 500_000


def _between(head: Any) -> bool:
    """Is the phrase (or the phrase it is conjoined to) the object of "between"?"""
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ == "between"


def _state_adjective(st: DocState, toks: list[Any]) -> tuple[str, str] | None:
    """(state, text) of a state's adjective or name modifying the phrase ("a Russian one")."""
    words = [t.text for t in toks]
    for i in range(len(words)):
        _, terms = st.know.kb.match(words, i)
        state = next((t.country for t in terms if t.kind in ("state", "adjective")), None)
        if state:
            return state, toks[0].doc[toks[0].i: toks[-1].i + 1].text
    return None


def in_dateline(st: DocState, tok: Any) -> bool:
    """Is the token part of a wire dateline: the capitalised place a sentence opens with, before
    a dash ("GENEVA —", "CARACAS, Venezuela —")? It is where the copy was filed, not a party."""
    sent = tok.sent
    first = sent[0]
    if not (first.text.isupper() and len(first.text) > 1 and first.is_alpha):
        return False
    dashes = st.know.words.dash | st.know.words.pair_dash
    doc = sent.doc
    # a spaced dash ("GENEVA — ", not "30-day"), after capitalised words only ("CARACAS,
    # Venezuela"; not "US President Donald Trump set a 30-day ...")
    dash = next((t for t in sent[:8] if t.text in dashes and t.i > sent.start
                 and doc[t.i - 1].whitespace_), None)
    if dash is None or tok.i >= dash.i:
        return False
    head = [t for t in doc[sent.start: dash.i] if t.is_alpha]
    caps = [t for t in head if t.text.isupper()]
    return len(caps) >= 1 and all(t.text.isupper() or t.i > sent.start and t.is_title and
                                  doc[caps[-1].i + 1].text == "," for t in head)


def sector_in_dateline(st: DocState, head: Any, ent: Entity) -> Entity | None:
    """a sector that acts at home (``dateline_sectors.tsv``: soldiers, police, courts, protesters)
    named with no state under a wire dateline acts for the dateline's state ("CONAKRY, Guinea —
    Special forces soldiers detained the president": GINMIL)"""
    if not ent.sector or ent.country or ent.sector.lower() not in st.know.words.dateline_sectors:
        return None
    sent = head.sent
    line = [t for t in sent[:12] if in_dateline(st, t)]
    if not line or head.i <= line[-1].i:
        return None
    # "CARACAS, Venezuela —": the state after the comma first, else the place itself
    comma = next((k for k, t in enumerate(line) if t.text == ","), None)
    parts = [line[comma + 1:], line[:comma]] if comma is not None else [line]
    for toks in (p for p in parts if p):
        found = place_state(st, toks)
        if found is None:   # the dateline is in capitals: look it up as a name is written
            words = [t.text.title() if t.text.isupper() else t.text for t in toks]
            found = next(((t.country, "") for i in range(len(words))
                          for t in st.know.kb.match(words, i)[1]
                          if t.kind in ("state", "capital") and t.country), None)
        if found is not None:
            c = found[0]
            return Entity(code=f"{c}{ent.sector}", country=c, sector=ent.sector, text=ent.text)
    return None


def sector_in_place(st: DocState, head: Any, ent: Entity
                    ) -> tuple[Entity, list[Any]] | None:
    """a sector or unnamed group that names no state acts for the state of the place it is in
    or from ("police in Kenya", "security forces in Mali", "troops in the north of Syria",
    "protesters in Caracas", "officials from Iran")"""
    for prep in head.children:
        if prep.dep_ != "prep" or prep.lower_ not in st.know.words.actor_place_preps:
            continue
        for g in (g for g in prep.children if g.dep_ == "pobj"):
            found = place_state(st, np_tokens(st, g))
            if found is None:
                continue
            country, _ = found
            toks = _with_phrase(np_tokens(st, head), prep)
            text = head.doc[toks[0].i: toks[-1].i + 1].text
            return (Entity(code=f"{country}{ent.sector or ''}", country=country,
                           sector=ent.sector, text=text), toks)
    return None


def place_stands_for_state(st: DocState, head: Any, toks: list[Any],
                           countries: frozenset[str] = frozenset()
                           ) -> tuple[Entity, list[Any]] | None:
    """a place, or a thing from a place, stands for its state when no person or organisation
    is named ("a new route between Vladivostok and Shanghai", "struck Haifa", "a vessel from
    the Iranian port of Bandar Abbas", "a drone launched from Lebanese territory"); after a
    preposition only a party's ("between", "to", "from": function_words.tsv stand_in_preps),
    never a venue or a topic ("talks in Geneva", "a deal on Idlib"). ``countries``
    (of the phrase's other conjuncts and the document so far) rank an ambiguous name: "between
    Madrid and Valencia" is Spain's Valencia"""
    words = st.know.words
    top = head
    while top.dep_ == "conj" and top.head.i != top.i:
        top = top.head
    if top.dep_ == "pobj" and top.head.lower_ not in words.stand_in_preps:
        return None
    if head.lemma_.lower() == "one" and head.dep_ == "conj" and \
            head.head.lemma_.lower() in words.stand_in_places:
        stand_in = True        # "between a North Korean port and a Russian one"
    else:
        stand_in = head.ent_type_ in PLACE_LABELS or head.lemma_.lower() in words.stand_in_places
    if stand_in:
        found = place_state(st, toks, countries) or _state_adjective(st, toks)
        if found is not None:
            return Entity(code=found[0], country=found[0], text=found[1]), toks
        return None
    if head.pos_ == "PROPN" and (head.ent_type_ not in ("ORG", "NORP", "PERSON")
                                 or _between(head)):
        # a city the tagger missed or took for a person or a firm ("between Vladivostok and
        # ...", "between Almaty and Urumqi")
        name = " ".join(t.text for t in toks if t.pos_ == "PROPN")
        city = gazetteer().find(name, countries) if name else None
        least = CITY_STAND_IN if head.ent_type_ != "PERSON" or _between(head) else \
            PERSON_CITY_STAND_IN
        if city is not None and city.population >= least and city.country:
            return Entity(code=city.country, country=city.country, text=name), toks
        return None
    if head.lemma_.lower() not in words.carriers:
        return None
    # a vehicle or munition from a place: "a vessel from ...", "a drone launched from ..."
    hosts = [head] + [c for c in head.children if c.dep_ == "acl" and c.tag_ == "VBN"]
    for h in hosts:
        for prep in h.children:
            if prep.dep_ != "prep" or prep.lower_ not in words.origin_preps:
                continue
            for g in (g for g in prep.children if g.dep_ == "pobj"):
                found = place_state(st, np_tokens(st, g), countries)
                if found is not None:
                    out = _with_phrase(toks, prep) if h is head else toks
                    return (Entity(code=found[0], country=found[0],
                                   text=head.doc[out[0].i: out[-1].i + 1].text), out)
    return None


def of_conjuncts(st: DocState, head: Any, ent: Entity) -> list[tuple[Entity, tuple[int, int]]]:
    """The other states of "the foreign ministers of India and Pakistan": each with the
    head's sector, so that the phrase names both sides."""
    out: list[tuple[Entity, tuple[int, int]]] = []
    if ent.country is None or ent.name and ent.name in st.know.kb.roles:
        return out
    for prep in head.children:
        if prep.dep_ != "prep" or prep.lower_ != "of":
            continue
        for pobj in (g for g in prep.children if g.dep_ == "pobj"):
            for conj in (g for g in pobj.subtree if g.dep_ == "conj" and g.head.i != g.i):
                toks = np_tokens(st, conj)
                other = resolve(st, toks, conj)
                if other is None or not other.country or other.country == ent.country:
                    continue
                code = f"{other.country}{ent.sector or ''}"
                out.append((Entity(code=code, country=other.country, sector=ent.sector,
                                   text=conj.text), (toks[0].i, toks[-1].i + 1)))
    return out


def _bare_state(e: Entity | None) -> bool:
    return e is not None and bool(e.country) and e.code == e.country


def _state_sector(e: Entity | None) -> bool:
    """A state's sector ("Indian troops": INDMIL), not a person or an organisation."""
    return e is not None and bool(e.country and e.sector) and e.code == f"{e.country}{e.sector}"


def conjoined_modifiers(st: DocState, head: Any, ent: Entity
                        ) -> list[tuple[Entity, tuple[int, int]]]:
    """the other states of a head noun that two modifiers share ("Indian and Chinese troops",
    "US and South Korean forces", "Armenian and Azerbaijani units"): each conjoined state
    adjective or name with the head's sector, so that the phrase names both sides"""
    # a state's sector ("Indian troops"), or a state's plural things ("Armenian units")
    if not (_state_sector(ent) or _bare_state(ent) and head.tag_ in ("NNS", "NNPS")):
        return []
    out: list[tuple[Entity, tuple[int, int]]] = []
    for m in head.children:
        if m.dep_ not in ("amod", "compound", "nmod", "poss"):
            continue
        for conj in (g for g in m.subtree if g.dep_ == "conj" and g.head.i != g.i):
            toks = [t for t in np_tokens(st, conj) if t.dep_ != "case"]
            other = resolve(st, toks, conj)
            if not _bare_state(other) or other.country == ent.country or \
                    any(e.country == other.country for e, _ in out):
                continue
            code = f"{other.country}{ent.sector or ''}"
            out.append((Entity(code=code, country=other.country, sector=ent.sector,
                               text=head.doc[toks[0].i: toks[-1].i + 1].text),
                        (toks[0].i, toks[-1].i + 1)))
    return out


def possessor_conjunct(st: DocState, c: Any, ent: Entity | None) -> Entity | None:
    """A bare state conjoined to a possessor that a sector noun follows takes that noun's
    sector ("India and Pakistan's foreign ministers": the parse joins India to the
    ministers, and both states' ministers are meant); else None."""
    if not _bare_state(ent) or c.pos_ != "PROPN":
        return None
    for d in (g for g in c.children if g.dep_ == "conj"):
        poss = next((p for p in d.children if p.dep_ == "poss"), None)
        between = c.doc[c.i + 1: poss.i] if poss is not None else None
        if poss is None or c.i + 1 >= poss.i or any(t.dep_ != "cc" for t in between):
            continue
        toks = np_tokens(st, d)
        theirs = resolve(st, toks, d)
        if _state_sector(theirs) and theirs.country != ent.country:
            return Entity(code=f"{ent.country}{theirs.sector}", country=ent.country,
                          sector=theirs.sector, text=ent.text)
    return None


def dash_pair(st: DocState, toks: list[Any], head: Any) -> list[Entity]:
    """Two parties joined by a dash inside one phrase ("Russian–U.S. talks", "the
    Xi-Trump summit"), each with the phrase's head noun; else nothing."""
    matches, _ = st.kb_mentions(toks)
    seps = st.know.words.dash | st.know.words.pair_dash
    for (a0, a1, _), (b0, b1, _) in zip(matches, matches[1:]):
        if b0 == a1 + 1 and toks[a1].text in seps:
            left = [t for k, t in enumerate(toks) if not b0 <= k < b1 and k != a1]
            right = [t for k, t in enumerate(toks) if not a0 <= k < a1 and k != a1]
            one, two = resolve(st, left, head), resolve(st, right, head)
            if one and two and one != two and (one.country, one.code) != (two.country, two.code):
                return [one, two]
    return []


def _with_sector(e: Entity, generic: Entity) -> Entity:
    """The state of an antecedent with the sector a referring phrase names ("the two
    armies")."""
    if not e.country or not generic.sector:
        return e
    return Entity(code=f"{e.country}{generic.sector}", country=e.country, sector=generic.sector,
                  text=generic.text)


def refer_back(st: DocState, toks: list[Any], head: Any, generic: Entity | None,
               avoid: frozenset[str] = frozenset()) -> list[tuple[Entity, tuple[int, int]]]:
    """Entities (with the token range of their mention) that a pronoun, a reciprocal phrase
    ("the two sides"), an organisation's epithet ("the alliance": the last IGO named) or a
    definite description ("the minister", "the government") refers to; else the generic
    entity, if any."""
    ctx, kb, words = st.mentions, st.know.kb, st.know.words
    own = (toks[0].i, toks[-1].i + 1)
    fallback = [(generic, own)] if generic else []
    kind = kb.references.get(tuple(t.lower_ for t in toks))
    if kind is None and head.pos_ == "PRON":
        kind = kb.references.get((head.lower_,))
    m, pron, title = None, head.pos_ == "PRON", None
    if kind in ("person", "group"):
        # an object pronoun is not the clause's own subject ("Lavrov met him"); a pronoun
        # prefers the subject of its antecedent's sentence (Mentions.last, salient)
        # only an object is kept from the clause's subject: "Bloc says it was not notified"
        bound = avoid if pron and head.dep_ not in ("nsubj", "nsubjpass") else frozenset()
        # an office ("the defence minister") refers to a person who holds it, else to the
        # office of the last state named (below)
        title = None if pron else kb.title_roles.get(
            tuple(t.lower_ for t in toks if t.dep_ != "det"))
        fits = None if title is None else (
            lambda m: any(r.role == title for r in kb.roles.get(m.entity.name or "", ())))
        m = ctx.last(head.i, person=kind == "person", avoid=bound,
                     singular=head.lower_ in words.singular_pronouns, salient=pron, fits=fits)
        if m is None and title is None:
            return fallback
    if m is not None:
        if pron and head.lower_ in words.plural_pronouns:   # "they": the whole coordination
            return [(o.entity, o.span) for o in ctx.together(m)]
        return [(m.entity, m.span)]
    definite = any(t.dep_ == "det" and t.lower_ in words.definite for t in head.children)
    if kind == "state" and definite:   # "the country", "the kingdom": the last state named
        kinds = state_kinds().get(" ".join(t.lower_ for t in toks if t.dep_ != "det"))
        # of the fitting kind, the salient one first, never the clause's own subject when the
        # description is an object ("Armenia accused the country of ...")
        m = ctx.last(head.i, person=False, avoid=avoid, salient=True,
                     fits=lambda m: _names_state(m) and (kinds is None or
                                                         m.entity.country in kinds)) or \
            ctx.last(head.i, person=True, avoid=avoid, salient=True,
                     fits=lambda m: bool(m.entity.country) and (kinds is None or
                                                                m.entity.country in kinds))
        if m is None:
            return fallback
        c = m.entity.country
        return [(Entity(code=c, country=c, text=own_text(head, own)), own)]
    if generic is not None and generic.sector and not generic.country:
        owners = possessor_of(st, head)
        # "its navy", "their armies", "his government"; but an object that belongs to its own
        # clause's subject is that party's own agent, no other party ("Algiers recalled its
        # ambassador": no recipient)
        own_agent = head.dep_ not in ("nsubj", "nsubjpass") and (any(
            m.subject and m.sent == head.sent.start for m in owners) or _same_pronoun_subject(
                st, head))
        if owners and not own_agent and not any(
                m.entity.country in {a[:3] for a in avoid} for m in owners):
            return [(Entity(code=f"{m.entity.country}{generic.sector}",
                            country=m.entity.country, sector=generic.sector,
                            text=generic.text), own) for m in owners]
        if owners:
            return fallback
    if kind == "igo":     # "the alliance", "the bloc": the last IGO named, else nobody
        m = ctx.last(head.i, person=False, sector="IGO")
        return [(m.entity, own)] if m else []
    if kind in ("both", "both_people"):
        two = ctx.last_two(head.i, people=kind == "both_people")
        if kind == "both" and generic is not None and generic.sector:
            # "the two armies" after "India and China": each state's army
            return [(_with_sector(m.entity, generic), own) for m in two] or fallback
        return [(m.entity, own) for m in two] or fallback
    poss = next((c for c in head.children if c.dep_ == "poss"), None)
    if poss is not None and generic is not None and generic.sector:
        # "the two countries' defence ministers": each state's, with the head's sector
        pwords = tuple(t.lower_ for t in poss.subtree if t.dep_ != "case")
        if kb.references.get(pwords) == "both" or kb.references.get(pwords[1:]) == "both":
            two = ctx.last_two(head.i, people=False)
            if two:
                return [(_with_sector(m.entity, generic), own) for m in two]
    if generic is not None and definite and head.tag_ in ("NN", "NNP") and title is not None \
            and kind == "person":
        # an office no one named holds: that office of the salient party's state ("Pakistani
        # Prime Minister Shehbaz Sharif visited Beijing. The defence minister ...": Pakistan's)
        m = ctx.last(head.i, salient=True, fits=lambda m: bool(m.entity.country))
        if m is not None:
            c = m.entity.country
            return [(Entity(code=f"{c}{generic.sector}", country=c, sector=generic.sector,
                            text=generic.text), own)]
    if generic is not None and definite and head.tag_ in ("NN", "NNP"):
        # "the president", "the ministry": the last entity of that sector, or the
        # government of the last state named
        same = ctx.last(head.i, person=False, sector=generic.sector)
        if same is not None:
            return [(same.entity, own)]
        # a subject description ("..., the trade minister said") prefers, in the nearest
        # sentence, that sentence's subject's state ("Indonesia will continue to send rice to
        # the Philippines, the trade minister said": Indonesia's), as a subject pronoun does; an
        # object description keeps the nearest state (never its own clause's subject)
        subj = head.dep_ in ("nsubj", "nsubjpass")
        state = ctx.last(head.i, person=False, salient=subj,
                         fits=(lambda m: bool(m.entity.country)) if subj else None)
        if state is not None and state.entity.country:
            c = state.entity.country
            return [(Entity(code=f"{c}{generic.sector}", country=c, sector=generic.sector,
                            text=generic.text), own)]
    return fallback


def own_text(head: Any, span: tuple[int, int]) -> str:
    return head.doc[span[0]: span[1]].text


def _names_state(m: Any) -> bool:
    """Is the mention a state itself, or its government ("Iran", "Saudi oil facilities", "the
    Iranian government")?"""
    e = m.entity
    return bool(e.country) and e.code in (e.country, f"{e.country}GOV")


@lru_cache(maxsize=None)
def state_kinds() -> dict[str, frozenset[str]]:
    """The descriptions that refer back to a state of one kind, and its states
    (``coding/data/state_kinds.tsv``: "kingdom", "emirate", "island nation")."""
    out: dict[str, set[str]] = {}
    for _, r in read_tsv(data_path("eventdesk.coding", "state_kinds.tsv")):
        out.setdefault(r["phrase"].lower(), set()).add(r["country"])
    return {k: frozenset(v) for k, v in out.items()}


def _same_pronoun_subject(st: DocState, head: Any) -> bool:
    """Is the subject of the phrase's clause a pronoun of the same number as the phrase's
    possessive ("They recalled their ambassadors", "It moved its troops")?"""
    words = st.know.words
    poss = next((p for p in head.children if p.dep_ == "poss" and p.pos_ == "PRON"), None)
    verb = head.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if poss is None or subj is None or subj.pos_ != "PRON":
        return False
    return all((subj.lower_ in ws) == (poss.lower_ in ws)
               for ws in (words.plural_pronouns, words.singular_pronouns))


def possessor_of(st: DocState, head: Any) -> list[Any]:
    """The mentions of the states a possessive pronoun of the phrase refers back to ("its navy": the state or
    organisation named last, the subject of its sentence first; "his government": the country
    of the person named last; "their foreign ministers": every state of a coordination), if the
    phrase has one."""
    ctx, kb, words = st.mentions, st.know.kb, st.know.words
    for p in head.children:
        if p.dep_ != "poss" or p.pos_ != "PRON":
            continue
        kind = kb.references.get((p.lower_,))
        if kind not in ("person", "group"):
            return []
        m = ctx.last(p.i, person=kind == "person", salient=True,
                     singular=p.lower_ in words.singular_pronouns,
                     fits=lambda m: bool(m.entity.country))
        if m is None:
            return []
        found = ctx.together(m) if p.lower_ in words.plural_pronouns else [m]
        return [o for o in found if o.entity.country]
    return []
