"""Stage 5, date: when it happened. The strategies are tried in order; the first that gives a
date decides."""
from __future__ import annotations

from datetime import date as Date
from typing import Any

from ..model import Precision, Status
from .draft import Draft
from .registry import Stage

DATE = Stage("date", "when it happened")
DATE_PATH = {"pobj", "prep", "npadvmod", "tmod", "nummod", "compound", "amod", "advmod", "det"}


@DATE.strategy("date_phrase")
def date_phrase(d: Draft, status: Status) -> tuple[Date | None, Precision] | None:
    """a date phrase attached to the verb or its object, resolved against the document's date
    ("on Thursday", "last month", "May 14"; looking ahead for future, hypothetical and desired
    events)"""
    from ..dates import resolve_relative

    doc = d.st.doc
    if doc.date is None:
        return None
    future = status in (Status.FUTURE, Status.HYPOTHETICAL, Status.DESIRED)
    targets = {d.trigger.i} | ({d.obj.i} if d.obj is not None else set())
    preps = d.st.know.words.date_preps
    for ent in d.st.ents(d.sent):
        if ent.label_ != "DATE":
            continue
        r = ent.root
        for _ in range(4):      # spaCy makes a new Token on each access: compare indices
            if r.i in targets or r.dep_ not in DATE_PATH or r.head.i == r.i:
                break
            if r.dep_ == "prep" and r.lower_ not in preps:
                break           # "since 1999", "until May": not when it happened
            r = r.head
        if r.i in targets:
            found = resolve_relative(ent.text, doc.date, future)
            if found is not None:
                return found
    return None


@DATE.strategy("document_date")
def document_date(d: Draft, status: Status) -> tuple[Date | None, Precision] | None:
    """the document's date"""
    doc = d.st.doc
    return (doc.date, doc.date_precision) if doc.date is not None else None


@DATE.strategy("no_date")
def no_date(d: Draft, status: Status) -> tuple[Date | None, Precision] | None:
    """none: the document has no date and the sentence names none"""
    return None, Precision.UNKNOWN
