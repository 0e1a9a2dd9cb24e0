"""Place mentions → :class:`Location`.

The first gazetteer is the knowledge base's states and capitals; any other place spaCy tags
(GPE, LOC, FAC) is kept by name with an unknown country.
"""
from __future__ import annotations

from typing import Any

from .actors import KnowledgeBase
from .model import Location

PLACE_LABELS = {"GPE", "LOC", "FAC"}


def location_of(kb: KnowledgeBase, tokens: list[Any]) -> Location | None:
    """The place named by a prepositional object's tokens, or None if it is not a place."""
    words = [t.text for t in tokens]
    text = " ".join(words)
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
