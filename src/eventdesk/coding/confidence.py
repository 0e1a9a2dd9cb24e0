"""Stage 9, confidence: how sure the coder is of an event, in [0, 1] (``Event.confidence``).

The score is read off what the coder did, never off the words: the trigger strategy and the
pattern's specificity (a verb+object or phrase pattern is surer than a bare verb), the parse path
of the actor and the recipient (every strategy name in their ``decided_by``: the verb's own
subject is surer than one climbed to through a governing verb, a place standing for its state, a
word referring back through the document or an unnamed doer), how the parties resolved (a known
code, a sector without a country, unresolved ``---``) and the status (asserted plainly, reported,
hedged). Each feature has a factor, an odds ratio, in ``coding/data/confidence.tsv``::

    odds = odds(base) * factor(feature 1) * factor(feature 2) * ...
    confidence = odds / (1 + odds)

The factors are fitted on the tune halves of the dev data and of ``bench/gold`` by
``bench/calibration.py --fit`` (which also prints the reliability table); a reviewer reads and
edits them as text. Every strategy registered in the stages the score reads has a row
(:func:`eventdesk.coding.confidence_lint.check_factors`, run by ``eventdesk lexicon check``).

An event that already carries a confidence from another stage (a learned second opinion) keeps
the lower of the two (:func:`combine`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .._tsv import data_path, read_tsv
from ..errors import DataError
from ..model import Event, Status
from .draft import UNKNOWN
from .lexicon import Lexicon, Pattern, default_lexicon

#: the fields of ``decided_by`` the score reads, and the stages whose names they record: every
#: name registered in these stages has a row of its own
READ_FIELDS = {"actor": ("actor", "subject"), "recipient": ("recipient",)}
#: the stages whose names all take ``default:STAGE`` (the status is read through its value)
DEFAULT_STAGES = ("status",)
#: the stages the score does not read (their names fall to ``default:STAGE``, 1); ``code`` is
#: the second opinion's, which sets a confidence of its own (the lower of the two is kept)
IGNORED_STAGES = ("place", "date", "filters", "primary", "code")
#: the reference level of each feature, 1 by definition (``bench/calibration.py`` never fits it)
REFERENCE = ("trigger:verb_pattern", "pattern:bare", "status_value:asserted",
             "actor_resolution:known", "recipient_resolution:known")
#: the features that are not strategy names, with their values
FEATURE_VALUES = {
    "pattern": ("object", "phrase", "bare"),
    "status_value": tuple(s.value for s in Status),
    "actor_resolution": ("known", "no_country", "unresolved"),
    "recipient_resolution": ("known", "no_country", "unresolved", "none"),
}


@dataclass(frozen=True)
class Factors:
    """The table of ``confidence.tsv``: ``base`` (a probability) and a factor per feature."""

    base: float
    factors: dict[str, float]
    source: str = "confidence.tsv"

    def factor(self, feature: str) -> float:
        """The feature's factor; a name no row holds takes its field's ``default:`` row."""
        f = self.factors.get(feature)
        if f is not None:
            return f
        return self.factors.get("default:" + feature.partition(":")[0], 1.0)

    def score(self, features: list[str]) -> float:
        logit = math.log(self.base / (1 - self.base))
        logit += sum(math.log(self.factor(f)) for f in features)
        return 1 / (1 + math.exp(-logit))


def read_factors(path: Path) -> Factors:
    """Read a factor table; a bad row is a :class:`DataError` with file and line."""
    base: float | None = None
    factors: dict[str, float] = {}
    for lineno, row in read_tsv(path):
        where = f"{path.name}:{lineno}"
        try:
            value = float(row["factor"])
        except (KeyError, ValueError):
            raise DataError(f"{where}: factor {row.get('factor')!r} is not a number") from None
        name = row.get("feature", "")
        if name in factors or (name == "base" and base is not None):
            raise DataError(f"{where}: {name!r} appears twice")
        if name == "base":
            if not 0 < value < 1:
                raise DataError(f"{where}: base {value} must lie strictly between 0 and 1")
            base = value
        elif ":" not in name or not value > 0 or math.isinf(value):
            raise DataError(f"{where}: {name!r} {value}: need KIND:NAME and a factor above 0")
        else:
            factors[name] = value
    if base is None:
        raise DataError(f"{path.name}: no base row")
    return Factors(base, factors, path.name)


@lru_cache(maxsize=1)
def default_factors() -> Factors:
    return read_factors(data_path("eventdesk.coding", "confidence.tsv"))


def pattern_kind(p: Pattern) -> str:
    """``object`` for a verb+object pattern, ``phrase`` for a required particle or
    preposition, ``bare`` for a bare verb."""
    if p.objects:
        return "object"
    if p.particle or p.required_prep:
        return "phrase"
    return "bare"


def _resolution(ents: tuple, none: str | None) -> str:
    if not ents:
        return none or "unresolved"
    if any(e.code == UNKNOWN for e in ents):
        return "unresolved"
    if any(not e.country and e.sector not in ("IGO", "NGO") for e in ents):
        return "no_country"
    return "known"


def features(ev: Event, trigger: str | None = None, pattern: Pattern | None = None
             ) -> list[str]:
    """The features of an event (each a row of the table): ``trigger`` is the trigger
    strategy's name, ``pattern`` the lexicon pattern (its kind counts for a verb pattern)."""
    out: list[str] = []
    if trigger:
        out.append("trigger:" + trigger)
    if pattern is not None and trigger in (None, "verb_pattern"):
        out.append("pattern:" + pattern_kind(pattern))
    for fld in (*READ_FIELDS, *DEFAULT_STAGES):
        for name in (ev.decided_by.get(fld) or "").split(" via "):
            if name:
                out.append(f"{fld}:{name}")
    out.append("status_value:" + ev.status.value)
    out.append("actor_resolution:" + _resolution(ev.actor, None))
    out.append("recipient_resolution:" + _resolution(ev.recipient, "none"))
    return out


@lru_cache(maxsize=4)
def _patterns(lexicon: Lexicon) -> dict[str, tuple[str, Pattern]]:
    from .lexicon import noun_lexicon
    from .triggers import connections

    out = {c.pattern.id: ("connection_subject", c.pattern) for c in connections()}
    out.update((p.id, ("noun_pattern", p)) for p in noun_lexicon().patterns)
    out.update((p.id, ("verb_pattern", p)) for p in lexicon.patterns)
    return out


def event_features(ev: Event, lexicon: Lexicon | None = None) -> list[str]:
    """The features of a coded event from the event alone: its trigger strategy and pattern
    found by the pattern id (in ``lexicon``, default the packaged one, the noun lexicon and the
    connections)."""
    trigger, pattern = _patterns(lexicon or default_lexicon()).get(ev.pattern, (None, None))
    return features(ev, trigger, pattern)


def combine(earlier: float | None, mine: float) -> float:
    """The confidence to keep when another stage already set one: the lower of the two."""
    return mine if earlier is None else min(earlier, mine)


def with_confidence(ev: Event, trigger: str | None = None, pattern: Pattern | None = None,
                    factors: Factors | None = None) -> Event:
    """The event with its confidence set (the lower of this score and one already there).
    Without ``trigger`` and ``pattern`` (an event read back), they are found by its pattern id
    (:func:`event_features`)."""
    feats = features(ev, trigger, pattern) if trigger or pattern else event_features(ev)
    score = round((factors or default_factors()).score(feats), 4)
    return replace(ev, confidence=combine(ev.confidence, score))


__all__ = ["DEFAULT_STAGES", "IGNORED_STAGES", "READ_FIELDS", "REFERENCE", "Factors",
           "combine", "default_factors", "event_features", "features",
           "pattern_kind", "read_factors", "with_confidence"]
