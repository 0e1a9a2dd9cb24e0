"""The coder as a spaCy pipeline component: ``nlp.add_pipe("eventdesk_coder")``.

``coding_pipeline()`` gives a pipeline of its own (not the shared one of :mod:`eventdesk.nlp`)
that ends with the component. The component codes each parsed ``Doc`` and puts its events on ``Doc._.events``. A document's
id and date travel on the Doc (``Doc._.document``; see :func:`make_doc`); without them the id is
a hash of the text and the date unknown. The events are kept in ``Doc.user_data`` as plain JSON
values, so that they survive the serialisation ``nlp.pipe(..., n_process=N)`` puts Docs through::

    nlp = coding_pipeline()
    docs = [make_doc(nlp, d) for d in documents]
    for doc in nlp.pipe(docs, n_process=2):
        doc._.events
"""
from __future__ import annotations

from typing import Any

from ..dates import parse_date
from ..model import Document, Event, Precision, stable_hash

EVENTS_KEY = "eventdesk_events"
DOCUMENT_KEY = "eventdesk_document"


def _events(doc: Any) -> list[Event]:
    return [Event.from_dict(d) for d in doc.user_data.get(EVENTS_KEY, ())]


def _document(doc: Any) -> Document:
    meta = doc.user_data.get(DOCUMENT_KEY) or {}
    day, precision = parse_date(meta.get("date"))
    if meta.get("date_precision"):
        precision = Precision(meta["date_precision"])
    return Document(id=meta.get("id") or "t-" + stable_hash(doc.text), text=doc.text, date=day,
                    date_precision=precision, title=meta.get("title"),
                    source=meta.get("source"), url=meta.get("url"))


def make_doc(nlp: Any, document: Document) -> Any:
    """An unparsed Doc for ``nlp.pipe`` that carries the document's id and date."""
    doc = nlp.make_doc(document.text)
    doc.user_data[DOCUMENT_KEY] = {
        "id": document.id, "date": document.date.isoformat() if document.date else None,
        "date_precision": document.date_precision.value, "title": document.title,
        "source": document.source, "url": document.url}
    return doc


class CoderComponent:
    """Codes each Doc with one shared :class:`~eventdesk.coding.coder.Coder`."""

    def __init__(self, unknown_actors: bool = True):
        self.unknown_actors = unknown_actors
        self._coder: Any = None

    @property
    def coder(self) -> Any:
        if self._coder is None:            # the knowledge loads on first use, once
            from .coder import Coder

            self._coder = Coder(unknown_actors=self.unknown_actors)
        return self._coder

    def __call__(self, doc: Any) -> Any:
        events = self.coder.code_parsed(_document(doc), doc)
        doc.user_data[EVENTS_KEY] = [e.to_dict() for e in events]
        return doc


def coding_pipeline(**config: Any) -> Any:
    """The spaCy pipeline ending with the coder component (``config``: its settings, e.g.
    ``unknown_actors=False``)."""
    from .. import nlp

    own = nlp.fresh()
    own.add_pipe("eventdesk_coder", config=config)
    return own


def _register() -> None:
    from spacy.language import Language
    from spacy.tokens import Doc

    if not Doc.has_extension("events"):
        Doc.set_extension("events", getter=_events)
    if not Doc.has_extension("document"):
        Doc.set_extension("document", getter=_document)
    if "eventdesk_coder" not in Language.factories:
        Language.factory("eventdesk_coder", default_config={"unknown_actors": True},
                         func=lambda nlp, name, unknown_actors: CoderComponent(unknown_actors))


_register()
