"""Who is who: the actor knowledge base and the resolver of mentions to :class:`Entity`.

The knowledge base is the plain-text tables in ``actors/data/`` (states, organisations, armed
groups, sectors, people with dated roles). A mention resolves **as of the event's date**: a person's role is the
one held on that day; an office-holder out of office resolves to his country's elites (``ELI``).

>>> from datetime import date
>>> kb = knowledge_base()
>>> kb.person_entity("Putin", date(2017, 4, 12)).code      # doctest: +SKIP
'RUSGOV'
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
import logging
from typing import Any

from .._tsv import split_multi
from ..errors import DataError
from ..model import Entity
from .tables import KINDS, PKG, REQUIRED, packaged_rows, read_actor_file  # noqa: F401

log = logging.getLogger(__name__)

MAX_PHRASE = 7
#: The sector an organisation's own events carry, by its type in orgs.tsv, armed_groups.tsv,
#: parties.tsv and companies.tsv (collective references such as "the West" have none).
ORG_TYPE_SECTOR = {"IGO": "IGO", "NGO": "NGO", "NSAG": "REB", "PARTY": "PTY", "COMPANY": "BUS"}
#: Role priority when a person holds several roles on one day.
ROLE_ORDER = ["head_of_state", "head_of_government", "secretary_general", "foreign_minister",
              "defence_minister", "opposition_leader", "other"]


@dataclass(frozen=True)
class Term:
    """One entry of the gazetteer that a token sequence can match."""

    kind: str               # state, adjective, capital, metonym, org, person, sector
    key: str                # code (state/org), person name, or sector code
    country: str | None = None      # for an org: its home state (armed groups, parties, firms)
    sector: str | None = None
    name: str | None = None
    wikidata: str | None = None


@dataclass(frozen=True)
class Role:
    name: str
    country: str
    sector: str
    role: str
    start: Date | None
    end: Date | None
    wikidata: str | None
    source: str = ""          # file:line
    current: bool = False     # an open-ended role marked as held today

    def active(self, day: Date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _date(value: str, where: str, end: bool = False) -> Date | None:
    """``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` where only the month or year is known (then the
    first day for a start, the last day for an end)."""
    if not value:
        return None
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            return Date(*parts)
        if len(parts) == 2:
            y, m = parts
            if not end:
                return Date(y, m, 1)
            return Date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
        if len(parts) == 1:
            return Date(parts[0], 12, 31) if end else Date(parts[0], 1, 1)
    except ValueError:
        pass
    raise DataError(f"{where}: bad date {value!r} (YYYY-MM-DD, YYYY-MM or YYYY)")


class KnowledgeBase:
    """Gazetteer of token sequences → :class:`Term`, plus dated roles of people.

    ``user_files`` (YAML or TSV, see :meth:`add_file`) extend or override the packaged tables:
    their terms are tried first, and a person they list has exactly the roles they give.
    A malformed row is reported in :attr:`problems` (file and line) and skipped; the rest loads.
    """

    KINDS = KINDS
    REQUIRED = REQUIRED

    def __init__(self, tokenize: Any, data_dir: Path | None = None,
                 user_files: list[Path] | tuple[Path, ...] = ()):
        self._tokenize = tokenize
        self._dir = data_dir
        self.folded: dict[tuple[str, ...], list[Term]] = defaultdict(list)
        self.exact: dict[tuple[str, ...], list[Term]] = defaultdict(list)
        self.sectors: dict[tuple[str, ...], str] = {}
        self.title_roles: dict[tuple[str, ...], str] = {}      # "president" → head_of_state
        self.roles: dict[str, list[Role]] = defaultdict(list)
        self.states: dict[str, dict[str, str]] = {}
        self.references: dict[tuple[str, ...], str] = {}
        self.orgs: dict[str, dict[str, str]] = {}
        self.problems: list[str] = []
        self.sources: dict[str, list[str]] = defaultdict(list)   # key → file:line of its rows
        self._user_people: set[str] = set()
        # the rows as the spaCy-free tables (actors.tables) read them
        for row in packaged_rows(self._problem, self._dir):
            self._load_row(row.kind, row.fields, row.where, first=False)
        for f in user_files:
            self.add_file(Path(f))

    def _problem(self, err: Exception) -> None:
        self.problems.append(str(err))
        log.warning("%s", err)

    # -- loading -----------------------------------------------------------------------------
    def _add(self, phrase: str, term: Term, first: bool) -> None:
        phrase = phrase.strip()
        if not phrase:
            return
        toks = tuple(t.text for t in self._tokenize(phrase))
        if not toks or len(toks) > MAX_PHRASE:
            return
        # people's names and short all-capital abbreviations (US, UN, EU) match only as
        # written: "Ban" is a person, "ban" a verb or a noun
        if term.kind == "person" or (phrase.replace(".", "").isupper()
                                     and len(phrase.replace(".", "")) <= 5):
            terms = self.exact[toks]
        else:
            terms = self.folded[tuple(t.lower() for t in toks)]
        if term in terms:
            terms.remove(term)
            first = first or not terms
        terms.insert(0, term) if first else terms.append(term)

    def _load_row(self, kind: str, row: dict[str, str], where: str, first: bool) -> None:
        missing = [c for c in self.REQUIRED[kind] if not row.get(c)]
        if missing:
            self._problem(DataError(f"{where}: {kind} row lacks {', '.join(missing)}"))
            return
        try:
            getattr(self, f"_load_{kind}")(row, where, first)
        except DataError as exc:
            self._problem(exc)

    def _load_states(self, row: dict[str, str], where: str, first: bool) -> None:
        code = row["code"]
        self.states[code] = row
        self.sources[code].append(where)
        wd = row.get("wikidata") or None
        state = Term("state", code, country=code, name=row["name"], wikidata=wd)
        for n in [row["name"], *split_multi(row.get("variants", ""))]:
            self._add(n, state, first)
        for a in split_multi(row.get("adjectives", "")):
            self._add(a, Term("adjective", code, country=code, name=row["name"], wikidata=wd),
                      first)
        if row.get("end"):
            return      # a historic state: its capital and seats now mean its successor
        for c in split_multi(row.get("capital", "")):
            self._add(c, Term("capital", code, country=code, sector="GOV", name=row["name"],
                              wikidata=wd), first)
        for m in split_multi(row.get("metonyms", "")):
            # "Pentagon=MIL": a seat of power or an agency that stands for one sector
            name, _, sector = m.partition("=")
            self._add(name.strip(), Term("metonym", code, country=code,
                                         sector=sector.strip() or "GOV", name=row["name"],
                                         wikidata=wd), first)

    def _load_orgs(self, row: dict[str, str], where: str, first: bool) -> None:
        code = row["code"]
        self.orgs[code] = row
        self.sources[code].append(where)
        home = (row.get("country") or "").upper() or None
        org = Term("org", code, country=home, sector=ORG_TYPE_SECTOR.get(row.get("type") or ""),
                   name=row["name"], wikidata=row.get("wikidata") or None)
        for n in [row["name"], *split_multi(row.get("variants", ""))]:
            self._add(n, org, first)

    def _load_sectors(self, row: dict[str, str], where: str, first: bool) -> None:
        toks = tuple(t.text.lower() for t in self._tokenize(row["term"]))
        if first or toks not in self.sectors:
            self.sectors[toks] = row["sector"]
            if row.get("role"):
                self.title_roles[toks] = row["role"]

    def _load_references(self, row: dict[str, str], where: str, first: bool) -> None:
        toks = tuple(t.text.lower() for t in self._tokenize(row["phrase"]))
        self.references[toks] = row["refers_to"]
        if toks[0] == "the" and len(toks) > 1:
            self.references.setdefault(toks[1:], row["refers_to"])   # phrases lose "the"

    def _load_people(self, row: dict[str, str], where: str, first: bool) -> None:
        name = row["name"]
        role = Role(name=name, country=row["country"], sector=row.get("sector") or "GOV",
                    role=row["role"], start=_date(row.get("start", ""), where),
                    end=_date(row.get("end", ""), where, end=True),
                    wikidata=row.get("wikidata") or None, source=where,
                    current="current" in (row.get("note") or "").lower())
        if role.start and role.end and role.end < role.start:
            raise DataError(f"{where}: {name}'s role ends ({role.end}) before it starts "
                            f"({role.start})")
        if first and name not in self._user_people:
            self._user_people.add(name)          # the user's roles replace the packaged ones
            self.roles[name] = []
        self.roles[name].append(role)
        person = Term("person", name, name=name, wikidata=role.wikidata)
        for n in [name, *split_multi(row.get("variants", ""))]:
            self._add(n, person, first)

    def add_file(self, path: Path) -> None:
        """Add a user's actor file on top of the knowledge base: YAML or TSV, as
        :func:`~eventdesk.actors.tables.read_actor_file` reads it."""
        for row in read_actor_file(path, self._problem):
            self._load_row(row.kind, row.fields, row.where, first=True)

    # -- look-ups ------------------------------------------------------------------------------
    def match(self, words: list[str], i: int) -> tuple[int, list[Term]]:
        """Longest gazetteer match starting at ``words[i]``: (length, terms) or (0, [])."""
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            seq = tuple(words[i:i + n])
            terms = self.exact.get(seq, []) + self.folded.get(tuple(w.lower() for w in seq), [])
            if terms:
                return n, terms
        return 0, []

    def mentions(self, tokens: list[Any]
                 ) -> tuple[list[tuple[int, int, list[Term]]], list[tuple[int, int, str, str | None]]]:
        """Scan parsed tokens left to right: the gazetteer hits (start, end, terms) and the agent
        nouns and titles (start, end, sector, role kind), longest first. A lone surname inside
        a longer name the gazetteer lacks is somebody else ("Kim" in "Kim Jong Nam")."""
        words = [_before_participle(t.text) for t in tokens]
        lemmas = [self._sector_lemma(t) for t in tokens]
        matches: list[tuple[int, int, list[Term]]] = []
        i = 0
        while i < len(words):
            n, terms = self.match(words, i)
            if not n:
                i += 1
                continue
            if n == 1 and any(t.kind == "person" for t in terms) and _in_longer_name(tokens, i):
                terms = [t for t in terms if t.kind != "person"]
            if terms:
                matches.append((i, i + n, terms))
            i += n
        sectors: list[tuple[int, int, str, str | None]] = []
        i = 0
        while i < len(lemmas):
            n, sec, role = self.sector_match(lemmas, i)
            if n:
                sectors.append((i, i + n, sec, role))   # type: ignore[arg-type]
                i += n
            else:
                i += 1
        return matches, sectors

    def sector_match(self, lemmas: list[str], i: int) -> tuple[int, str | None, str | None]:
        """Longest agent noun or title at ``lemmas[i]``: (length, sector, kind of role a title
        names — "president" → head_of_state) or (0, None, None)."""
        for n in range(min(4, len(lemmas) - i), 0, -1):
            key = tuple(lemmas[i:i + n])
            if key in self.sectors:
                return n, self.sectors[key], self.title_roles.get(key)
        return 0, None, None

    def _sector_lemma(self, tok: Any) -> str:
        """The lemma an agent noun is looked up by: a plural the tagger took for a name keeps
        its plural as its lemma ("BEIRUT — Protesters in Lebanon ..."), so it is singularised
        when the singular is an agent noun."""
        lemma = tok.lemma_.lower()
        if tok.tag_ in ("NNP", "NNPS") and lemma == tok.lower_ and len(lemma) > 3:
            for plural, singular in (("ies", "y"), ("s", "")):
                if lemma.endswith(plural) and (lemma[: -len(plural)] + singular,) in self.sectors:
                    return lemma[: -len(plural)] + singular
        return lemma

    def role_on(self, person: str, day: Date | None) -> tuple[Role | None, Role | None]:
        """(role held on ``day``, latest role ever) of a person; ``day`` None means latest."""
        roles = self.roles.get(person, [])
        if not roles:
            return None, None
        latest = max(roles, key=lambda r: r.start or Date.min)
        if day is None:
            return latest, latest
        active = [r for r in roles if r.active(day)]
        if not active:
            return None, latest
        active.sort(key=lambda r: ROLE_ORDER.index(r.role) if r.role in ROLE_ORDER else 99)
        return active[0], latest

    def person_entity(self, person: str, day: Date | None, text: str = "",
                      title: tuple[str, str | None] | None = None) -> Entity | None:
        """The entity a person is on ``day``: the role then held. Out of the listed roles, a
        title written with the name gives the sector ("State Councilor Yang") unless it names a
        kind of role the person is listed with, which he no longer holds ("President Trump" in
        2023); otherwise a former office-holder is an elite (ELI)."""
        held, latest = self.role_on(person, day)
        if latest is None:
            return None
        office = None
        if held is not None:
            country, sector, office = held.country, held.sector, held.role
        else:
            country, sector = latest.country, "ELI"
            if title is not None:
                title_sector, title_role = title
                if title_role is None or all(r.role != title_role
                                             for r in self.roles.get(person, [])):
                    sector = title_sector
        return Entity(code=f"{country}{sector}", country=country if country in self.states else None,
                      sector=sector, text=text or person, name=person, wikidata=latest.wikidata,
                      office=office)


def _in_longer_name(toks: list[Any], i: int) -> bool:
    """Is token ``i`` part of a longer personal name (adjacent PERSON tokens)?"""
    def person(j: int) -> bool:
        return 0 <= j < len(toks) and toks[j].ent_type_ == "PERSON" and toks[j].pos_ == "PROPN"
    return person(i) and (person(i - 1) or person(i + 1))


def check(kb: KnowledgeBase) -> list[str]:
    """Lint the knowledge base: what failed to load, ambiguous state terms, open-ended roles not
    marked current, unknown country codes, duplicate or overlapping roles. One line a problem."""
    out = list(kb.problems)
    out += _check_state_codes(kb)
    for code, row in kb.orgs.items():
        home = (row.get("country") or "").upper()
        if home and home not in kb.states:
            out.append(f"{kb.sources[code][-1]}: {code}: unknown home country {home!r}")
        if home and row.get("type") == "IGO":
            out.append(f"{kb.sources[code][-1]}: {code}: an IGO has no home country")
    for table in (kb.folded, kb.exact):
        for key, terms in table.items():
            states = {t.country for t in terms if t.kind in ("state", "adjective", "capital",
                                                             "metonym")}
            if len(states) > 1:
                out.append(f"term {' '.join(key)!r} names several states: "
                           f"{', '.join(sorted(s for s in states if s))}")
    for name, roles in kb.roles.items():
        seen: dict[tuple[str, str, Date | None], Role] = {}
        for r in roles:
            if r.end is None and not r.current:
                out.append(f"{r.source}: {name}'s {r.role} role has no end and is not marked "
                           "current")
            if r.country not in kb.states and r.country not in kb.orgs:
                out.append(f"{r.source}: {name}: unknown country or organisation {r.country!r}")
            key = (r.role, r.country, r.start)
            if key in seen:
                out.append(f"{r.source}: {name}: duplicate of {seen[key].source}")
            seen[key] = r
        by_role: dict[tuple[str, str], list[Role]] = defaultdict(list)
        for r in roles:
            by_role[(r.role, r.country)].append(r)
        for rs in by_role.values():
            rs.sort(key=lambda r: r.start or Date.min)
            for a, b in zip(rs, rs[1:]):
                if a.end is None or (b.start is not None and b.start < a.end):
                    if a.start != b.start:
                        out.append(f"{b.source}: {name}: {b.role} term overlaps {a.source}")
    return out


#: codes that are deliberately not ISO 3166 (see the conventions at the top of states.tsv)
NON_ISO_CODES = {"XKX": "Kosovo", "GFR": "West Germany", "RVN": "South Vietnam"}


def _check_state_codes(kb: KnowledgeBase) -> list[str]:
    """Every state code is an ISO 3166-1 alpha-3 code, or a former one (ISO 3166-3) for a state
    that ended, checked against pycountry's tables; the known exceptions are listed above."""
    import pycountry

    current = {c.alpha_3 for c in pycountry.countries}
    former = {getattr(c, "alpha_3", None) for c in pycountry.historic_countries}
    out = []
    for code, row in kb.states.items():
        if code in NON_ISO_CODES:
            continue
        ended = bool(row.get("end"))
        if code not in current and code not in former:
            out.append(f"states.tsv: {code} ({row.get('name')}) is not an ISO 3166 alpha-3 code")
        elif code in former and code not in current and not ended:
            out.append(f"states.tsv: {code} ({row.get('name')}) is a former ISO code but has no "
                       "end date")
    return out


def lookup(kb: KnowledgeBase, text: str, day: Date | None) -> list[str]:
    """What a mention resolves to on ``day``, with the evidence (the rows behind it)."""
    from .. import nlp

    toks = list(nlp.parse(text))          # lemmas for the agent nouns ("officials")
    lemmas = [t.lemma_.lower() for t in toks]
    lines: list[str] = []
    matches, sectors = kb.mentions(toks)
    for i, j, terms in matches:
        for t in terms:
            lines.append(f"matched {' '.join(x.text for x in toks[i:j])!r}: {t.kind} {t.key}"
                         + (f" ({t.name})" if t.name and t.name != t.key else "")
                         + (f" {t.wikidata}" if t.wikidata else ""))
            if t.kind == "person":
                for r in sorted(kb.roles.get(t.key, []), key=lambda r: r.start or Date.min):
                    mark = "*" if day and r.active(day) else " "
                    lines.append(f"  {mark} {r.role} {r.country} {r.sector} "
                                 f"{r.start or '?'} to {r.end or ('current' if r.current else '?')}"
                                 f"  [{r.source}]")
            else:
                for src in kb.sources.get(t.key, [])[:2]:
                    lines.append(f"    [{src}]")
    for i, j, sec, role in sectors:
        lines.append(f"sector {' '.join(lemmas[i:j])!r}: {sec}"
                     + (f" (title of a {role})" if role else ""))
    if not matches:
        lines.append("no state, organisation or person matches"
                     + (f"; sector only: {sectors[-1][2]}" if sectors else ""))
        return lines
    ent = entity_from_terms(kb, matches, sectors, len(toks) - 1, day, text)
    if ent is not None:
        lines.append(f"on {day or 'an unknown date'}: {ent.code} (country {ent.country or '-'}, "
                     f"sector {ent.sector or '-'}" + (f", {ent.name}" if ent.name else "")
                     + (f", {ent.wikidata}" if ent.wikidata else "") + ")")
    return lines


@lru_cache(maxsize=8)
def knowledge_base(user_files: tuple[str, ...] = ()) -> KnowledgeBase:
    """The knowledge base (with the user's actor files on top), loaded once per process."""
    from .. import nlp

    return KnowledgeBase(nlp.load().tokenizer, user_files=tuple(Path(f) for f in user_files))


def _person_rank(kb: KnowledgeBase, person: str, day: Date | None) -> tuple[int, int, Date]:
    """How likely a shared name means this person on ``day``: in office first (the higher the
    office the better), then the latest to have held one before the day."""
    held, latest = kb.role_on(person, day)
    if held is not None:
        order = ROLE_ORDER.index(held.role) if held.role in ROLE_ORDER else len(ROLE_ORDER)
        return 1, -order, held.start or Date.min
    past = [r for r in kb.roles.get(person, []) if day is None or (r.start or Date.min) <= day]
    last = max(((r.end or Date.max) for r in past), default=Date.min)
    return 0, 0, last


def entity_from_terms(kb: KnowledgeBase, matches: list[tuple[int, int, list[Term]]],
                      sector_hits: list[tuple[int, int, str, str | None]], head_i: int,
                      day: Date | None,
                      text: str) -> Entity | None:
    """Merge the mentions found inside one noun phrase into one entity.

    ``matches`` are (start, end, terms) token ranges of gazetteer hits, ``sector_hits`` the agent
    nouns and titles (start, end, sector, role kind); the person's dated role wins, then an organisation, then a state with the sector of
    the head noun ("Russian officials" → RUS GOV).
    """
    country = sector = name = wikidata = org = None
    person_entity = None
    title = next(((s, role) for _, _, s, role in sector_hits), None)
    for start, end, terms in matches:
        people = [t for t in terms if t.kind == "person"]
        if people and person_entity is None:
            # a name several people share ("Kim"): the one in office on the day, else the one
            # who left office last
            best = max(people, key=lambda t: _person_rank(kb, t.key, day))
            person_entity = kb.person_entity(best.key, day, text, title)
        for t in terms:
            if t.kind == "person":
                continue
            elif t.kind == "org" and org is None:
                org = t
            elif t.kind in ("state", "adjective", "capital", "metonym") and country is None:
                country, name, wikidata = t.country, t.name, t.wikidata
                if t.sector:
                    sector = t.sector
    if person_entity is not None:
        return person_entity
    noun_sector = None
    for start, end, s, _ in sector_hits:
        if start <= head_i < end:
            noun_sector = s
    if noun_sector is None and sector_hits:
        noun_sector = sector_hits[-1][2]
    if org is not None:
        if country is None:
            if org.sector is None and noun_sector:     # a region's people: "Latin American
                return Entity(code=org.key + noun_sector, sector=noun_sector, text=text,
                              name=org.name)           # clergymen" → LAMREL
            # an armed group, party or company keeps its own code and carries its home state
            # (Hezbollah -> HEZ, country LBN), as PLOVER and POLECAT code them; an IGO has none
            return Entity(code=org.key, country=org.country, sector=org.sector, text=text,
                          name=org.name, wikidata=org.wikidata)
        noun_sector = noun_sector or sector
    if country is None:
        return None
    sector = noun_sector or sector
    office = next((role for start, end, _, role in sector_hits if role and start <= head_i < end),
                  None)
    return Entity(code=f"{country}{sector or ''}", country=country, sector=sector, text=text,
                  name=name, wikidata=wikidata if not sector else None, office=office)


def _before_participle(word: str) -> str:
    """A name joined by a hyphen to a participle is looked up by the name, as when the parser
    splits it ("U.S.-led", "U.S.-financed" as one token; "Saudi - led" is three)."""
    head, dash, tail = word.rpartition("-")
    if dash and head and tail.isalpha() and tail.islower() and tail.endswith("ed"):
        return head
    return word
