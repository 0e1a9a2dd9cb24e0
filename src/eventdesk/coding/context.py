"""What one document has named so far: the antecedents of "he", "the two sides", "the minister".

A :class:`Mentions` lives for one document and is passed explicitly to every strategy (through
the :class:`~eventdesk.coding.draft.DocState`); nothing of a document stays on the coder.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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


@dataclass
class Mentions:
    """The entities named in one document, indexed by token position.

    Look-ups walk back from a position through a list kept sorted by position (ties in the order
    the mentions were registered), so a look-up examines only the mentions between the position
    and the first that fits, and never sorts; the countries named before a position come from
    the first position of each country. ``examined`` counts the mentions looked at, the measure
    of the work.

    Memory: one :class:`Mention` per distinct (token, entity code) pair, so at most a few per
    token of the document (in practice fewer than one per ten tokens), plus one integer per
    distinct country; all of it is dropped with the document.
    """

    _sorted: list[Mention] = field(default_factory=list)
    _seen: set[tuple[int, str]] = field(default_factory=set)
    _first_country: dict[str, int] = field(default_factory=dict)
    _keys: list[tuple[int, int]] = field(default_factory=list)
    examined: int = 0

    def add(self, entity: Entity, i: int, person: bool, span: tuple[int, int],
            plural: bool = False) -> None:
        if not (entity.country or entity.name or entity.sector in ("IGO", "NGO", "REB")):
            return              # sector-only entities ("officials") are not antecedents
        key = (i, entity.code)
        if key in self._seen:
            return
        self._seen.add(key)
        m = Mention(entity, i, person, span, plural, len(self._seen))
        # sorted by (position, -registration): walking backwards meets equal positions in the
        # order they were registered
        k = (i, -m.seq)
        at = bisect_left(self._keys, k)
        self._keys.insert(at, k)
        self._sorted.insert(at, m)
        if entity.country and i < self._first_country.get(entity.country, i + 1):
            self._first_country[entity.country] = i

    def before(self, i: int) -> Iterator[Mention]:
        """The mentions whose head comes before token ``i``, nearest first."""
        at = bisect_left(self._keys, (i, -len(self._seen) - 1))
        for k in range(at - 1, -1, -1):
            self.examined += 1
            yield self._sorted[k]

    def countries_before(self, i: int) -> set[str]:
        """The states of the mentions before token ``i``."""
        self.examined += len(self._first_country)
        return {c for c, first in self._first_country.items() if first < i}

    def last(self, i: int, person: bool | None = None, sector: str | None = None,
             avoid: frozenset[str] = frozenset(), singular: bool = False) -> Mention | None:
        for m in self.before(i):
            if m.entity.code in avoid or (singular and m.plural):
                continue
            if person is not None and m.person != person:
                continue
            if sector is not None and m.entity.sector != sector:
                continue
            return m
        return None

    def last_two(self, i: int, people: bool) -> list[Mention]:
        """The last two distinct parties named: people ("the two leaders"), else states and
        organisations, falling back to the people's states ("the two sides" after a meeting
        of two ministers)."""
        if people:
            return _pick(self.before(i), lambda m: m.person, lambda e: e.name)
        return (_pick(self.before(i), lambda m: not m.person, lambda e: e.country or e.code)
                or _pick(self.before(i), lambda m: True, lambda e: e.country or e.code))


def _pick(cands: Iterator[Mention], keep: Callable[[Mention], bool],
          key: Callable[[Entity], Any]) -> list[Mention]:
    out: list[Mention] = []
    for m in cands:
        if not keep(m):
            continue
        if all(key(o.entity) != key(m.entity) for o in out):
            out.append(m)
        if len(out) == 2:
            return out[::-1]
    return []
