"""Stage 6, place: where it happened. The strategies are tried in order; the first that finds a
place decides. The first locative phrase is kept even when it names no place the gazetteer knows
(the recipient stage marks it: "a curfew in parts of Kashmir")."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..geo import location_of
from ..model import Location
from .draft import Draft, tokens_span
from .phrases import np_tokens
from .recipient import NOT_RECIPIENTS
from .registry import Stage

PLACE = Stage("place", "where it happened")


@dataclass
class Where:
    location: Location | None = None
    span: list[int] = field(default_factory=list)     # of the phrase that named the place
    first: list[int] = field(default_factory=list)    # of the first locative phrase


@PLACE.strategy("locative_phrase")
def locative_phrase(d: Draft, countries: set[str], where: Where) -> Where | None:
    """a locative phrase on the verb or its object that names a place ("met in Moscow", "at the
    White House")"""
    verb, obj = d.trigger, d.obj
    hosts = [verb] + ([obj] if obj is not None else []) + [
        c for c in verb.children if c.dep_ == "dobj"]
    for h in hosts:
        for c in h.children:
            if c.dep_ != "prep" or c.lower_ not in d.st.know.words.locative_preps:
                continue
            for g in c.children:
                if g.dep_ != "pobj" or g.i in d.actor.tokens:
                    continue
                toks = np_tokens(d.st, g)
                span = tokens_span(d.sent, toks)
                if not where.first and g.ent_type_ not in NOT_RECIPIENTS:
                    where.first = span
                loc = location_of(d.st.know.kb, toks, countries)
                if loc is not None:
                    where.location, where.span = loc, span
                    return where
    return None


@PLACE.strategy("no_place")
def no_place(d: Draft, countries: set[str], where: Where) -> Where | None:
    """none: no locative phrase names a place"""
    return where
