"""Stage 7, filters: events of a sentence that another event of it makes redundant. Each filter
looks at one event beside the sentence's others; the first that objects drops it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Event
from ..ontology import root_behaviour
from .lexicon import refusal_codes
from .registry import Stage

FILTERS = Stage("filters", "events another event of the sentence makes redundant")


@dataclass
class Sentence:
    """What the sentence's events say about each other."""

    governed: dict[int, set[str]] = field(default_factory=dict)  # verb → roots of its complements
    announced: set[int] = field(default_factory=set)             # verbs whose object is an event

    @classmethod
    def of(cls, found: list[tuple[Any, Event]]) -> "Sentence":
        s = cls()
        for t, ev in found:
            if t.dep_ in ("ccomp", "xcomp"):
                s.governed.setdefault(t.head.i, set()).add(ev.root)
            elif t.pos_ == "NOUN" and t.dep_ == "dobj":
                s.announced.add(t.head.i)
        return s


@FILTERS.strategy("statement_of_coded_complement")
def statement_of_coded_complement(tok: Any, ev: Event, s: Sentence) -> bool | None:
    """a statement verb whose complement produced an event is not an event of its own ("said it
    would withdraw": the withdrawal)"""
    return True if tok.i in s.governed and root_behaviour(ev.cameo).statement else None


@FILTERS.strategy("refusal_of_coded_complement")
def refusal_of_coded_complement(tok: Any, ev: Event, s: Sentence) -> bool | None:
    """a refusal whose complement is coded as the refusal ("refused to withdraw": 1246) is not
    a second rejection"""
    if tok.i not in s.governed:
        return None
    rejections = {c[:2] for c in refusal_codes().values()}     # the roots of refusals.tsv
    return True if ev.root in rejections and ev.root in s.governed[tok.i] else None


@FILTERS.strategy("announcement_of_event_noun")
def announcement_of_event_noun(tok: Any, ev: Event, s: Sentence) -> bool | None:
    """a plain statement whose object is an event noun that was coded ("announced a suspension
    of aid": the suspension)"""
    return True if tok.i in s.announced and ev.cameo == "010" else None


def kept(found: list[tuple[Any, Event]]) -> list[Event]:
    """The events no filter drops, in order."""
    return [ev for _, ev in kept_pairs(found)]


def kept_pairs(found: list[tuple[Any, Event]]) -> list[tuple[Any, Event]]:
    """The (trigger, event) pairs no filter drops, in order."""
    s = Sentence.of(found)
    return [(tok, ev) for tok, ev in found if FILTERS.first(tok, ev, s)[0] is None]


def dropped(found: list[tuple[Any, Event]]) -> list[tuple[Event, str]]:
    """The events a filter drops, each with the filter's name (to trace a missing event)."""
    s = Sentence.of(found)
    out = []
    for tok, ev in found:
        _, name = FILTERS.first(tok, ev, s)
        if name is not None:
            out.append((ev, name))
    return out
