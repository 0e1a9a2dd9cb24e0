"""Stage 8, primary: which one event of a sentence is its main one (``Event.primary``, GDELT's
IsRootEvent). At most one per sentence; the rule, ``highest_new_act``:

1. a mention of an earlier event (``Event.mention``: "since the strike", "condemned the
   strike") is never primary;
2. a saying is discounted when the sentence has another event: a plain statement (CAMEO root
   01: say, announce, deny, ...) is primary only if nothing else was coded ("X did Y, officials
   said", "denied that it had shelled": Y);
3. of the rest, the event whose trigger is highest in the parse (fewest arcs up to the
   sentence's root) is primary; on a tie, the first in the sentence.

A sentence whose every event is a mention has no primary event.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..model import Event
from .registry import Stage

PRIMARY = Stage("primary", "the sentence's main event")


def depth(tok: Any) -> int:
    """Arcs from the token up to the root of its sentence."""
    n = 0
    while tok.head.i != tok.i and n < 64:
        tok, n = tok.head, n + 1
    return n


@PRIMARY.strategy("highest_new_act")
def highest_new_act(found: list[tuple[Any, Event]]) -> int | None:
    """the event that is no mention of an earlier one, not a mere saying when something else
    was coded, and highest in the parse (the first on a tie)"""
    new = [(k, tok) for k, (tok, ev) in enumerate(found) if not ev.mention]
    acts = [(k, tok) for k, tok in new if found[k][1].root != "01"] or new
    if not acts:
        return None
    return min(acts, key=lambda kt: (depth(kt[1]), kt[1].i))[0]


def mark_primary(found: list[tuple[Any, Event]]) -> list[Event]:
    """The sentence's events, in order, the primary one marked."""
    k, _ = PRIMARY.first(found)
    return [replace(ev, primary=True) if i == k else ev for i, (_, ev) in enumerate(found)]
