"""Stage 5, date: when it happened. The strategies are tried in order; the first that gives a
date decides.

An event the sentence names as having happened before its own news (an event noun in "since
...", "after ...", "in response to ..." — ``earlier_preps.tsv`` — or the object of a reaction,
"condemned the strike" — ``reaction_verbs.tsv``) is a *mention*: it takes the date its own
phrase gives, or none, never the document's date (:func:`earlier_cue`, and the strategies
``mention_own_date`` and ``mention_undated``, whose events are marked ``Event.mention``). So is
an event its own date phrase puts more than :data:`BACKGROUND_DAYS` before the document
(``dated_long_before``: "Syrian forces carried out chlorine attacks in 2014", in a report of
2017): news recounting history, not news."""
from __future__ import annotations

from datetime import date as Date
from typing import Any

from ..model import Precision, Status
from .draft import Draft
from .registry import Stage

DATE = Stage("date", "when it happened")
DATE_PATH = {"pobj", "prep", "npadvmod", "tmod", "nummod", "compound", "amod", "advmod", "det",
             "poss"}


def earlier_cue(d: Draft) -> str | None:
    """The cue that makes the draft's trigger a mention of an earlier event ("since", "in
    response to", "condemn"), or None. A conjunct counts as its head ("condemned the strike and
    the blockade"), and a verb in a relative clause as the noun it describes ("in response to a
    drone attack that killed three soldiers": the killing is the earlier attack's)."""
    words = d.st.know.words
    t = d.trigger
    for _ in range(4):
        if t.head.i == t.i or t.dep_ not in ("conj", "relcl", "acl"):
            break
        if t.dep_ != "conj" and t.head.pos_ not in ("NOUN", "PROPN"):
            break
        t = t.head
    if t.head.i == t.i:
        return None
    h = t.head
    if t.dep_ in ("pobj", "pcomp"):
        if h.lower_ in words.earlier_preps:                     # "since the strike"
            return h.lower_
        n = h.head                                              # "in response to the strike"
        if n.dep_ == "pobj" and n.head.dep_ == "prep" and n.head.i < h.i:
            phrase = " ".join(x.lower_ for x in d.sent.doc[n.head.i:h.i + 1])
            if phrase in words.earlier_preps:
                return phrase
        if h.lower_ in words.reaction_preps and h.head.lemma_.lower() in words.reaction_verbs:
            return h.head.lemma_.lower()                        # "blamed Israel for the killing"
    if t.dep_ == "dobj":
        if h.lower_ in words.earlier_preps:                     # "following the landing"
            return h.lower_
        if h.lemma_.lower() in words.reaction_verbs:            # "condemned the strike"
            return h.lemma_.lower()
    return None


@DATE.strategy("mention_own_date")
def mention_own_date(d: Draft, status: Status) -> tuple[Date | None, Precision] | None:
    """a mention of an earlier event ("since the visit to Moscow last May", "condemned
    Tuesday's strike"): the date its own phrase gives"""
    if earlier_cue(d) is None:
        return None
    return _phrase_date(d, {d.trigger.i}, False)


@DATE.strategy("mention_undated")
def mention_undated(d: Draft, status: Status) -> tuple[Date | None, Precision] | None:
    """a mention of an earlier event whose phrase gives no date ("since the U.S. missile
    strike on Syria"): no date, never the document's"""
    return (None, Precision.UNKNOWN) if earlier_cue(d) is not None else None


#: the date strategies whose events are mentions of earlier events
#: an event dated (by its own phrase, at the latest day the phrase allows) this many days or
#: more before its document is background, a mention (the store links mentions within a year)
BACKGROUND_DAYS = 365


@DATE.strategy("dated_long_before")
def dated_long_before(d: Draft, status: Status) -> tuple[Date | None, Precision] | None:
    """an event its own date phrase puts more than a year before the document ("carried out
    chlorine attacks in 2014" in a report of 2017): background history, a mention of an
    earlier event, with that date"""
    doc = d.st.doc
    if doc.date is None or status in (Status.FUTURE, Status.HYPOTHETICAL, Status.DESIRED):
        return None
    targets = {d.trigger.i} | ({d.obj.i} if d.obj is not None else set())
    found = _phrase_date(d, targets, False)
    if found is None or found[0] is None:
        return None
    if (doc.date - _last_day(*found)).days >= BACKGROUND_DAYS:
        return found
    return None


def _last_day(day: Date, precision: Precision) -> Date:
    """The latest day a date of this precision can mean (a year's 31 December)."""
    import calendar

    if precision is Precision.YEAR:
        return day.replace(month=12, day=31)
    if precision is Precision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


MENTION_DATES = frozenset({"mention_own_date", "mention_undated", "dated_long_before"})


@DATE.strategy("date_phrase")
def date_phrase(d: Draft, status: Status) -> tuple[Date | None, Precision] | None:
    """a date phrase attached to the verb or its object, resolved against the document's date
    ("on Thursday", "last month", "May 14"; looking ahead for future, hypothetical and desired
    events)"""
    future = status in (Status.FUTURE, Status.HYPOTHETICAL, Status.DESIRED)
    targets = {d.trigger.i} | ({d.obj.i} if d.obj is not None else set())
    return _phrase_date(d, targets, future)


def _phrase_date(d: Draft, targets: set[int], future: bool
                 ) -> tuple[Date | None, Precision] | None:
    from ..dates import resolve_relative

    doc = d.st.doc
    if doc.date is None:
        return None
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
