"""What one document has named so far: the antecedents of "he", "the two sides", "the minister".

A :class:`Mentions` lives for one document and is passed explicitly to every strategy (through
the :class:`~eventdesk.coding.draft.DocState`); nothing of a document stays on the coder.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Entity


@dataclass
class Mention:
    entity: Entity
    i: int                 # token index of the mention's head in the document
    person: bool
    span: tuple[int, int]  # token range of the mention
    plural: bool = False   # "clergymen", "Russian officials": not what "it" refers to
    seq: int = 0           # order of registration, which breaks ties between equal positions
    venue: bool = False    # where something happened ("met in Brussels"), not one of its parties


class _Sorted:
    """Mentions sorted by position (ties in the order they were registered), walked backwards."""

    def __init__(self) -> None:
        self.keys: list[tuple[int, int]] = []
        self.items: list[Mention] = []

    def insert(self, m: Mention) -> None:
        # sorted by (position, -registration): walking backwards meets equal positions in the
        # order they were registered
        k = (m.i, -m.seq)
        at = bisect_left(self.keys, k)
        self.keys.insert(at, k)
        self.items.insert(at, m)

    def before(self, i: int, owner: "Mentions") -> Iterator[Mention]:
        at = bisect_left(self.keys, (i, -(1 << 62)))
        for k in range(at - 1, -1, -1):
            owner.examined += 1
            yield self.items[k]


class Mentions:
    """The entities named in one document, indexed by token position.

    Each mention is kept in a few lists sorted by position: all mentions, the people, the
    others, and the others of each sector. A look-up walks back from a position through the
    list that holds only what it may return, so it examines the mentions between the position
    and the first that fits (skipping only an avoided entity or a plural one), never sorts, and
    never scans a document for a kind of mention it does not name ("he" in a text that names no
    person). The countries named before a position come from the first position of each
    country. ``examined`` counts the mentions looked at, the measure of the work.

    Memory: one :class:`Mention` per distinct (token, entity code) pair, so at most a few per
    token of the document (in practice fewer than one per ten tokens), each referenced from at
    most three lists, plus one integer per distinct country; all of it is dropped with the
    document.
    """

    def __init__(self) -> None:
        self._seen: set[tuple[int, str]] = set()
        self._lists: dict[tuple, _Sorted] = {}
        self._first_country: dict[str, int] = {}
        self.examined = 0

    def _list(self, key: tuple) -> _Sorted:
        if key not in self._lists:
            self._lists[key] = _Sorted()
        return self._lists[key]

    def add(self, entity: Entity, i: int, person: bool, span: tuple[int, int],
            plural: bool = False, venue: bool = False) -> None:
        if not (entity.country or entity.name or entity.sector in ("IGO", "NGO", "REB")):
            return              # sector-only entities ("officials") are not antecedents
        key = (i, entity.code)
        if key in self._seen:
            return
        self._seen.add(key)
        m = Mention(entity, i, person, span, plural, len(self._seen), venue)
        for k in (("all",), ("person", person), ("sector", person, entity.sector)):
            self._list(k).insert(m)
        if entity.country and i < self._first_country.get(entity.country, i + 1):
            self._first_country[entity.country] = i

    def before(self, i: int, person: bool | None = None, sector: str | None = None
               ) -> Iterator[Mention]:
        """The mentions whose head comes before token ``i``, nearest first (of people or not,
        of a sector, when asked)."""
        key = ("all",) if person is None else ("person", person) if sector is None else \
            ("sector", person, sector)
        if person is None and sector is not None:
            return (m for m in self._list(key).before(i, self) if m.entity.sector == sector)
        return self._list(key).before(i, self)

    def countries_before(self, i: int) -> set[str]:
        """The states of the mentions before token ``i``."""
        self.examined += len(self._first_country)
        return {c for c, first in self._first_country.items() if first < i}

    def last(self, i: int, person: bool | None = None, sector: str | None = None,
             avoid: frozenset[str] = frozenset(), singular: bool = False) -> Mention | None:
        for m in self.before(i, person, sector):
            if m.entity.code in avoid or (singular and m.plural):
                continue
            return m
        return None

    def last_two(self, i: int, people: bool) -> list[Mention]:
        """The last two distinct parties named: people ("the two leaders"), else states and
        organisations, falling back to the people's states ("the two sides" after a meeting
        of two ministers); never a venue."""
        if people:
            return _pick(self.before(i, True), lambda e: e.name)
        # a venue is not a party ("met in Brussels ... the two sides agreed")
        return (_pick((m for m in self.before(i, False) if not m.venue),
                      lambda e: e.country or e.code)
                or _pick((m for m in self.before(i) if not m.venue),
                         lambda e: e.country or e.code))


def _pick(cands: Iterator[Mention], key: Callable[[Entity], Any]) -> list[Mention]:
    out: list[Mention] = []
    for m in cands:
        if all(key(o.entity) != key(m.entity) for o in out):
            out.append(m)
        if len(out) == 2:
            return out[::-1]
    return []
