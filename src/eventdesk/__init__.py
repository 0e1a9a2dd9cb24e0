"""eventdesk: political event data from news text.

eventdesk codes news text into events (who did what to whom, when and where: CAMEO codes with
Goldstein scores, PLOVER types, actors resolved to states and office-holders on the event's
date), keeps documents and events in one DuckDB file, and answers an analyst's questions.

Coding
    ``Coder()``                       the coder (loads spaCy once); ``coder.code(text, date=...)``
                                      returns a list of ``Event``, ``coder.code_document(doc)``
    ``read_documents(paths)``         ``Document`` objects from .txt, .html, .jsonl files,
                                      folders or ``"-"`` (stdin); bad records reported, skipped

The store
    ``open_store(path, read_only=False)``   a ``Store``; ``read_only=True`` for reading (any
                                      number of readers, the CLI included); the default
                                      path is ``$EVENTDESK_DB`` or ``./eventdesk.duckdb``
    ``store.ingest(documents)``       code and store (idempotent)
    ``store.events(..., as_frame=True, explode=True)``  events as a pandas DataFrame with
                                      country and sector columns, one row per actor–recipient
                                      pair with ``explode``
    ``store.corroborated(...)``       one row per corroborated event (reports grouped)
    ``store.event(id)``, ``store.group(id)``, ``store.document(id)``

Analysis (``import eventdesk.analysis as ea``; each takes a Store or a path first)
    ``ea.dyad``, ``ea.dyads``, ``ea.triangle``, ``ea.balance``, ``ea.divergence``,
    ``ea.reciprocity``, ``ea.signals``, ``ea.brief``: DataFrames, or results with
    ``.to_frame()``; ``docs/glossary.md`` explains every column

The records
    ``Event``, ``Entity``, ``Location``, ``Document``, ``Status``, ``Precision`` (in
    :mod:`eventdesk.model`); errors ``EventDeskError`` > ``InputError``, ``StoreError``

>>> import eventdesk
>>> coder = eventdesk.Coder()                                                 # doctest: +SKIP
>>> events = coder.code("Russia condemned the U.S. strike.", date="2017-04-07")  # doctest: +SKIP
>>> store = eventdesk.open_store("my.duckdb")                                 # doctest: +SKIP
>>> store.ingest(eventdesk.read_documents(["examples/corpus"]))               # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from .errors import EventDeskError, InputError, StoreError  # noqa: E402

#: names loaded on first use: importing eventdesk must not load spaCy or DuckDB (and the
#: records' dataclasses stay out of ``help(eventdesk)``, which the docstring above covers)
_LAZY = {"Coder": ("coding.coder", "Coder"), "open_store": ("store", "open_store"),
         "Store": ("store", "Store"), "read_documents": ("readers", "read_documents"),
         **{n: ("model", n) for n in ("Document", "Entity", "Event", "Location", "Precision",
                                      "Status")}}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    raise AttributeError(f"module 'eventdesk' has no attribute {name!r}")


__all__ = ["Coder", "Document", "Entity", "Event", "EventDeskError", "InputError", "Location",
           "Precision", "Status", "Store", "StoreError", "open_store", "read_documents",
           "__version__"]
