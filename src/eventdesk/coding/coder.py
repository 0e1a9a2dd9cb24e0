"""The coder: parsed sentences → :class:`Event` objects.

For each verb of a sentence the lexicon's most specific matching pattern gives the CAMEO code;
the stages of :mod:`eventdesk.coding.pipeline` then decide the actor, the recipient, the status,
the place and the date, each by the first of its named strategies that applies, and every event
records which strategy decided each field (``decided_by``) and the id of its pattern.

The coder holds only what it knows (:class:`~eventdesk.coding.knowledge.Knowledge`, read only);
everything about a document lives in a :class:`~eventdesk.coding.draft.DocState` made for it, so
one coder serves any number of threads. It is also a spaCy pipeline component
(``nlp.add_pipe("eventdesk_coder")``), which puts the events on ``Doc._.events`` and so works
with ``nlp.pipe(..., n_process=N)``.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date as Date
from pathlib import Path
from typing import Any

from .. import nlp
from ..actors import KnowledgeBase, knowledge_base
from ..model import Document, Event, stable_hash
from .draft import DocState
from .knowledge import Knowledge
from .lexicon import Lexicon, default_lexicon
from .pipeline import code_sentence, register_names


class Coder:
    """Codes text into events.

    ::

        coder = Coder()
        [e.cameo for e in coder.code("Russia condemned the U.S. strike.", date="2017-04-07")]
        # ['111']
    """

    def __init__(self, lexicon: Lexicon | None = None, kb: KnowledgeBase | None = None,
                 batch_size: int = 32, unknown_actors: bool = True,
                 second_opinion: bool | str | Path | None = None):
        """``unknown_actors``: keep events whose actor (or a named recipient) is not in the
        knowledge base, with the entity code ``---`` and the text as written.
        ``second_opinion``: where the rules code nothing in a sentence, let the learned
        classifier (:mod:`eventdesk.coding.second`) propose the event: True for the packaged
        model, a path for a model file of your own (``eventdesk train``), False for none;
        None (the default) follows :data:`eventdesk.coding.second.ON_BY_DEFAULT`."""
        from .second import ON_BY_DEFAULT, load_model

        self.unknown_actors = unknown_actors
        if second_opinion is None:
            second_opinion = ON_BY_DEFAULT
        self.second = (None if second_opinion is False else
                       load_model(None if second_opinion is True else str(second_opinion)))
        self.know = Knowledge(lexicon=lexicon or default_lexicon(), kb=kb or knowledge_base())
        self.batch_size = batch_size

    @property
    def lexicon(self) -> Lexicon:
        return self.know.lexicon

    @property
    def kb(self) -> KnowledgeBase:
        return self.know.kb

    # -- public API -------------------------------------------------------------------------
    def code(self, text: str, date: str | Date | None = None, doc_id: str | None = None
             ) -> list[Event]:
        """Code one text; ``date`` (ISO string or date) is the document's date."""
        from ..dates import parse_date

        day, precision = parse_date(date)
        doc = Document(id=doc_id or "t-" + stable_hash(text), text=text, date=day,
                       date_precision=precision)
        return next(self.coded([doc]))[1]

    def code_documents(self, docs: Iterable[Document]) -> Iterator[Event]:
        """Code documents in batches (``nlp.pipe``); yields their events in input order."""
        for _, events in self.coded(docs):
            yield from events

    def coded(self, docs: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        """Code documents in batches; yields ``(document, events)`` in input order."""
        docs_iter = iter(docs)
        pending: list[Document] = []

        def texts() -> Iterator[str]:
            for d in docs_iter:
                pending.append(d)
                yield d.text

        for parsed in nlp.pipe(texts(), batch_size=self.batch_size):
            doc = pending.pop(0)
            yield doc, self.code_parsed(doc, parsed)

    def code_parsed(self, doc: Document, parsed: Any) -> list[Event]:
        """Code one parsed document. Words that refer back ("he", "the two sides", "the
        minister") resolve against the entities named earlier in the same document."""
        return self.code_state(self.state(doc), parsed)

    def state(self, doc: Document) -> DocState:
        """A fresh per-document state (the entities it names, as coding goes)."""
        return DocState(self.know, doc, self.unknown_actors, second=self.second)

    @staticmethod
    def code_state(st: DocState, parsed: Any) -> list[Event]:
        events: list[Event] = []
        sents = list(parsed.sents)
        st.index_ents(sents, parsed.ents)
        for s_index, sent in enumerate(sents):
            register_names(st, sent)
            events.extend(code_sentence(st, s_index, sent))
        return events
