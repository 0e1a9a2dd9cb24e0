"""eventdesk: political event data from news text.

>>> import eventdesk
>>> coder = eventdesk.Coder()                                                 # doctest: +SKIP
>>> events = coder.code("Russia condemned the U.S. strike.", date="2017-04-07")  # doctest: +SKIP
>>> store = eventdesk.open_store("my.duckdb")                                 # doctest: +SKIP
>>> store.ingest(eventdesk.read_documents(["examples/corpus"]))               # doctest: +SKIP
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import EventDeskError, InputError, StoreError  # noqa: E402
from .model import Document, Entity, Event, Location, Precision, Status  # noqa: E402


def __getattr__(name: str):  # lazy: importing eventdesk must not load spaCy or DuckDB
    if name == "Coder":
        from .coding.coder import Coder

        return Coder
    if name in ("open_store", "Store"):
        from . import store

        return getattr(store, name)
    if name == "read_documents":
        from .readers import read_documents

        return read_documents
    raise AttributeError(name)


__all__ = ["Coder", "Document", "Entity", "Event", "EventDeskError", "InputError", "Location",
           "Precision", "Status", "StoreError", "open_store", "read_documents", "__version__"]
