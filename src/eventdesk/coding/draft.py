"""The objects the strategies pass around: the per-document state, the phrase of a party, the
event being decided, and the two helpers every stage uses (a character span, the reciprocal
split)."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any

from ..model import Document, Entity
from .context import Mentions
from .knowledge import Knowledge
from .lexicon import Pattern

UNKNOWN = "---"        # CAMEO's code for an actor the text names but the knowledge base lacks


def char_span(sent: Any, first: Any, last: Any | None = None) -> list[int]:
    """The character span, within the sentence, from token ``first`` to token ``last``
    (inclusive; ``first`` alone when ``last`` is None)."""
    last = first if last is None else last
    return [first.idx - sent.start_char, last.idx + len(last) - sent.start_char]


def tokens_span(sent: Any, toks: list[Any]) -> list[int]:
    """The character span of a run of tokens (sorted by position) within the sentence."""
    return char_span(sent, toks[0], toks[-1])


@dataclass
class Phrase:
    """The entities of a party, their character spans, and the tokens they were read from."""

    entities: list[Entity] = field(default_factory=list)
    spans: list[list[int]] = field(default_factory=list)
    tokens: set[int] = field(default_factory=set)
    #: the phrase-level strategy that found an entity, where one did (``sector_in_place``,
    #: ``place_stands_for_state``): the stage that read the phrase names it in ``decided_by``
    how: str | None = None

    def add(self, e: Entity, span: list[int]) -> bool:
        """Add an entity not already there; False if it was."""
        if e in self.entities:
            return False
        self.entities.append(e)
        self.spans.append(span)
        return True


@dataclass
class DocState:
    """Everything about one document that the strategies read or write: the knowledge (shared,
    read only), the document, and the entities named so far (for words that refer back).
    Created for each document and passed explicitly; the coder keeps none of it."""

    know: Knowledge
    doc: Document
    unknown_actors: bool = True
    mentions: Mentions = field(default_factory=Mentions)
    #: the named entities of each sentence, by the sentence's first token (see :meth:`ents`)
    sentence_ents: dict[int, list[Any]] = field(default_factory=dict)
    #: the learned second opinion (:class:`eventdesk.coding.second.SecondOpinion`), or None
    #: when the coder runs without it
    second: Any = None
    #: the knowledge base's look-ups of this document's token runs, by their token indices:
    #: the strategies ask for the same phrase again and again (see :meth:`kb_mentions`)
    kb_seen: dict[tuple[int, ...], Any] = field(default_factory=dict)

    @property
    def day(self) -> Date | None:
        return self.doc.date

    def kb_mentions(self, toks: list[Any]) -> Any:
        """``KnowledgeBase.mentions`` of the tokens, looked up once per document and run of
        tokens (the answer depends on the tokens alone)."""
        key = tuple(t.i for t in toks)
        found = self.kb_seen.get(key)
        if found is None:
            found = self.kb_seen[key] = self.know.kb.mentions(toks)
        return found

    def index_ents(self, sents: list[Any], ents: Any) -> None:
        """Split the document's entities among its sentences, in one pass (spaCy's
        ``Span.ents`` scans the whole document at each call)."""
        starts = [s.start for s in sents]
        self.sentence_ents = {s.start: [] for s in sents}
        for ent in ents:
            k = bisect_right(starts, ent.start) - 1
            if k >= 0 and ent.end <= sents[k].end:
                self.sentence_ents[starts[k]].append(ent)

    def ents(self, sent: Any) -> list[Any]:
        """The named entities inside a sentence, as ``sent.ents`` gives them."""
        found = self.sentence_ents.get(sent.start)
        return list(sent.ents) if found is None else found


@dataclass
class Draft:
    """One event being decided: the trigger (a verb or an event noun) with its pattern and
    object head, the parties found so far, and which strategy decided each field."""

    st: DocState
    sent: Any
    s_index: int
    trigger: Any
    pattern: Pattern
    obj: Any | None = None
    nominal: bool = False
    actor: Phrase = field(default_factory=Phrase)
    recipient: Phrase = field(default_factory=Phrase)
    unnamed: list[list[int]] = field(default_factory=list)   # recipient phrases naming no actor
    decided: dict[str, str] = field(default_factory=dict)
    code_override: str | None = None

    @property
    def actors(self) -> list[Entity]:
        return self.actor.entities

    @property
    def recipients(self) -> list[Entity]:
        return self.recipient.entities

    def split_reciprocal(self, how: str) -> None:
        """The first actor stays the actor, the others become the recipients ("Russia and
        Ukraine exchanged prisoners": Russia with Ukraine)."""
        a = self.actor
        self.actor = Phrase(a.entities[:1], a.spans[:1], a.tokens)
        self.recipient = Phrase(a.entities[1:], a.spans[1:], set())
        self.unnamed = []
        self.decided["recipient"] = how

    def promote_recipient(self, how: str) -> None:
        """No actor named: the first recipient is the actor, the rest stay recipients ("a ferry
        line between North Korea and Russia")."""
        r = self.recipient
        spans = r.spans + self.unnamed
        self.actor = Phrase(r.entities[:1], spans[:1], self.actor.tokens)
        self.recipient = Phrase(r.entities[1:], spans[1:], r.tokens)
        self.unnamed = []
        self.decided["actor"] = how
