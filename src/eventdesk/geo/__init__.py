"""Place mentions → :class:`Location`.

The first gazetteer is the knowledge base's states and capitals; any other place spaCy tags
(GPE, LOC, FAC) is kept by name with an unknown country.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .._tsv import data_path, read_tsv
from ..actors import KnowledgeBase
from ..model import Location

PLACE_LABELS = {"GPE", "LOC", "FAC"}


@lru_cache(maxsize=1)
def place_nouns() -> frozenset[str]:
    """Head nouns that make a phrase a place ("the Sea of Japan", "the Syrian border")."""
    return frozenset(row["lemma"].lower()
                     for _, row in read_tsv(data_path("eventdesk.geo", "place_nouns.tsv")))


def location_of(kb: KnowledgeBase, tokens: list[Any]) -> Location | None:
    """The place named by a prepositional object's tokens, or None if it is not a place."""
    words = [t.text for t in tokens]
    text = " ".join(words)
    heads = [t for t in tokens if t.head not in tokens or t.head is t]
    if heads and heads[0].lemma_.lower() in place_nouns():
        # "the Sea of Japan": the feature is the place, not the state named in it
        name = " ".join(t.text for t in tokens if t.pos_ != "DET")
        return Location(name=name, country=None, text=text)
    for i in range(len(words)):
        n, terms = kb.match(words, i)
        for t in terms:
            if t.kind in ("state", "capital"):
                name = " ".join(words[i:i + n])
                return Location(name=name, country=t.country, text=text)
    ents = [t for t in tokens if t.ent_type_ in PLACE_LABELS]
    if ents:
        name = " ".join(t.text for t in ents)
        return Location(name=name, country=None, text=text)
    return None
