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
from typing import Any

from .._tsv import data_path, read_tsv, split_multi
from ..errors import DataError
from ..model import Entity

PKG = "eventdesk.actors"
MAX_PHRASE = 7
#: The sector an organisation's own events carry, by its type in orgs.tsv / armed_groups.tsv
#: (collective references such as "the West" have none).
ORG_TYPE_SECTOR = {"IGO": "IGO", "NGO": "NGO", "NSAG": "REB"}
#: Role priority when a person holds several roles on one day.
ROLE_ORDER = ["head_of_state", "head_of_government", "secretary_general", "foreign_minister",
              "defence_minister", "opposition_leader", "other"]


@dataclass(frozen=True)
class Term:
    """One entry of the gazetteer that a token sequence can match."""

    kind: str               # state, adjective, capital, metonym, org, person, sector
    key: str                # code (state/org), person name, or sector code
    country: str | None = None
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
    """Gazetteer of token sequences → :class:`Term`, plus dated roles of people."""

    def __init__(self, tokenize: Any, data_dir: Path | None = None):
        self._tokenize = tokenize
        self._dir = data_dir
        self.folded: dict[tuple[str, ...], list[Term]] = defaultdict(list)
        self.exact: dict[tuple[str, ...], list[Term]] = defaultdict(list)
        self.sectors: dict[tuple[str, ...], str] = {}
        self.roles: dict[str, list[Role]] = defaultdict(list)
        self.states: dict[str, dict[str, str]] = {}
        self.references: dict[tuple[str, ...], str] = {}
        self.orgs: dict[str, dict[str, str]] = {}
        self._load()

    def _path(self, name: str) -> Path:
        return self._dir / name if self._dir else data_path(PKG, name)

    # -- loading -----------------------------------------------------------------------------
    def _add(self, phrase: str, term: Term) -> None:
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
            if term not in self.exact[toks]:
                self.exact[toks].append(term)
        else:
            key = tuple(t.lower() for t in toks)
            if term not in self.folded[key]:
                self.folded[key].append(term)

    def _load(self) -> None:
        path = self._path("states.tsv")
        for lineno, row in read_tsv(path):
            code = row["code"]
            self.states[code] = row
            wd = row.get("wikidata") or None
            state = Term("state", code, country=code, name=row["name"], wikidata=wd)
            for n in [row["name"], *split_multi(row.get("variants", ""))]:
                self._add(n, state)
            for a in split_multi(row.get("adjectives", "")):
                self._add(a, Term("adjective", code, country=code, name=row["name"], wikidata=wd))
            if row.get("end"):
                continue    # a historic state: its capital and seats now mean its successor
            for c in split_multi(row.get("capital", "")):
                self._add(c, Term("capital", code, country=code, sector="GOV", name=row["name"],
                                  wikidata=wd))
            for m in split_multi(row.get("metonyms", "")):
                self._add(m, Term("metonym", code, country=code, sector="GOV", name=row["name"],
                                  wikidata=wd))
        for lineno, row in (r for name in ("orgs.tsv", "armed_groups.tsv")
                            for r in read_tsv(self._path(name))):
            code = row["code"]
            self.orgs[code] = row
            org = Term("org", code, sector=ORG_TYPE_SECTOR.get(row.get("type") or ""),
                       name=row["name"],
                       wikidata=row.get("wikidata") or None)
            for n in [row["name"], *split_multi(row.get("variants", ""))]:
                self._add(n, org)
        path = self._path("sectors.tsv")
        for lineno, row in read_tsv(path):
            toks = tuple(t.text.lower() for t in self._tokenize(row["term"]))
            self.sectors[toks] = row["sector"]
        for lineno, row in read_tsv(self._path("references.tsv")):
            toks = tuple(t.text.lower() for t in self._tokenize(row["phrase"]))
            self.references[toks] = row["refers_to"]
            if toks[0] in ("the", "both") and len(toks) > 1 and toks[0] == "the":
                self.references.setdefault(toks[1:], row["refers_to"])   # phrases lose "the"
        path = self._path("people.tsv")
        for lineno, row in read_tsv(path):
            where = f"{path}:{lineno}"
            role = Role(name=row["name"], country=row["country"], sector=row["sector"] or "GOV",
                        role=row["role"], start=_date(row["start"], where),
                        end=_date(row["end"], where, end=True),
                        wikidata=row.get("wikidata") or None)
            self.roles[role.name].append(role)
            person = Term("person", role.name, name=role.name, wikidata=role.wikidata)
            for n in [row["name"], *split_multi(row.get("variants", ""))]:
                self._add(n, person)

    # -- look-ups ------------------------------------------------------------------------------
    def match(self, words: list[str], i: int) -> tuple[int, list[Term]]:
        """Longest gazetteer match starting at ``words[i]``: (length, terms) or (0, [])."""
        for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            seq = tuple(words[i:i + n])
            terms = self.exact.get(seq, []) + self.folded.get(tuple(w.lower() for w in seq), [])
            if terms:
                return n, terms
        return 0, []

    def sector_match(self, lemmas: list[str], i: int) -> tuple[int, str | None]:
        for n in range(min(4, len(lemmas) - i), 0, -1):
            s = self.sectors.get(tuple(lemmas[i:i + n]))
            if s:
                return n, s
        return 0, None

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
                      title_sector: str | None = None) -> Entity | None:
        """The entity a person is on ``day``: the role then held; out of the listed roles, the
        sector of a title written with the name ("State Councilor Yang"), else elite (ELI)."""
        held, latest = self.role_on(person, day)
        if latest is None:
            return None
        if held is not None:
            country, sector = held.country, held.sector
        else:
            country, sector = latest.country, title_sector or "ELI"
        return Entity(code=f"{country}{sector}", country=country if country in self.states else None,
                      sector=sector, text=text or person, name=person, wikidata=latest.wikidata)


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """The knowledge base, loaded once per process (uses the spaCy tokenizer for phrases)."""
    from .. import nlp

    return KnowledgeBase(nlp.load().tokenizer)


def entity_from_terms(kb: KnowledgeBase, matches: list[tuple[int, int, list[Term]]],
                      sector_hits: list[tuple[int, int, str]], head_i: int, day: Date | None,
                      text: str) -> Entity | None:
    """Merge the mentions found inside one noun phrase into one entity.

    ``matches`` are (start, end, terms) token ranges of gazetteer hits, ``sector_hits`` the agent
    nouns; the person's dated role wins, then an organisation, then a state with the sector of
    the head noun ("Russian officials" → RUS GOV).
    """
    country = sector = name = wikidata = org = None
    person_entity = None
    title_sector = next((s for _, _, s in sector_hits), None)
    for start, end, terms in matches:
        for t in terms:
            if t.kind == "person" and person_entity is None:
                person_entity = kb.person_entity(t.key, day, text, title_sector)
            elif t.kind == "org" and org is None:
                org = t
            elif t.kind in ("state", "adjective", "capital", "metonym") and country is None:
                country, name, wikidata = t.country, t.name, t.wikidata
                if t.sector:
                    sector = t.sector
    if person_entity is not None:
        return person_entity
    noun_sector = None
    for start, end, s in sector_hits:
        if start <= head_i < end:
            noun_sector = s
    if noun_sector is None and sector_hits:
        noun_sector = sector_hits[-1][2]
    if org is not None:
        if country is None:
            return Entity(code=org.key, country=None, sector=org.sector, text=text, name=org.name,
                          wikidata=org.wikidata)
        noun_sector = noun_sector or sector
    if country is None:
        return None
    sector = noun_sector or sector
    return Entity(code=f"{country}{sector or ''}", country=country, sector=sector, text=text,
                  name=name, wikidata=wikidata if not sector else None)
