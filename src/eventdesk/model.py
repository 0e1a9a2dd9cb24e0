"""The data model: documents, entities, locations and events, and their JSON form.

Only the standard library is used here; every other room builds on these classes.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date as Date
from enum import Enum
from typing import Any

SCHEMA_VERSION = 3


class Status(str, Enum):
    """Did the event happen? Only ``asserted`` events count in analysis by default."""

    ASSERTED = "asserted"
    NEGATED = "negated"
    HYPOTHETICAL = "hypothetical"
    FUTURE = "future"
    DESIRED = "desired"
    REPORTED = "reported"
    GENERIC = "generic"      # a habit or a general truth: "when thwarted, Moscow plays a spoiler"


class Precision(str, Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


def stable_hash(*parts: object, length: int = 16) -> str:
    """A short, stable hex digest of the given parts (joined with a unit separator)."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


@dataclass(frozen=True)
class Document:
    """One article or record to code."""

    id: str
    text: str
    title: str | None = None
    date: Date | None = None
    date_precision: Precision = Precision.UNKNOWN
    url: str | None = None
    source: str | None = None
    path: str | None = None

    @property
    def content_hash(self) -> str:
        return stable_hash(self.title, self.text, self.date, self.url, self.source, length=32)


@dataclass(frozen=True)
class Entity:
    """An actor or recipient: a state, an organisation, a sector of a state, or a person."""

    code: str
    country: str | None = None
    sector: str | None = None
    text: str = ""
    name: str | None = None
    wikidata: str | None = None
    #: the kind of office a person (or a title: "the Russian president") holds on the event's
    #: date: head_of_state, head_of_government, foreign_minister, ... (see actors.ROLE_ORDER)
    office: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Entity":
        return cls(**{k: d.get(k) for k in ("code", "country", "sector", "name", "wikidata",
                                            "office")},
                   text=d.get("text") or "")


@dataclass(frozen=True)
class Location:
    """Where an event happened: ``feature`` is country, city, feature (a sea, a border) or
    place (named, not in the gazetteer); coordinates and GeoNames id for cities."""

    name: str
    country: str | None = None
    text: str = ""
    lat: float | None = None
    lon: float | None = None
    feature: str | None = None
    geonameid: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def to_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass(frozen=True)
class Event:
    """One coded action in one sentence (schema version 3; see docs/schema.md).

    ``decided_by`` names, per field (``actor``, ``recipient``, ``status``, ``date``,
    ``place``), the coder's strategy that set it (``eventdesk.coding.registry.describe`` gives
    its description); it is empty for events that were imported rather than coded.

    ``primary`` marks the sentence's main event (at most one per sentence; GDELT's
    IsRootEvent); ``mention`` an event the sentence names as having happened before ("since
    the strike on Syria") rather than reports as new, and ``mention_of`` the stored event it
    was linked to, when one matched; ``confidence`` in [0, 1] how sure the coder is (None for
    imported events and records older than version 3)."""

    id: str
    doc_id: str
    sentence_index: int
    text: str
    date: Date | None
    date_precision: Precision
    actor: tuple[Entity, ...]
    recipient: tuple[Entity, ...]
    cameo: str
    cameo_name: str
    goldstein: float
    quad: int
    penta: int
    plover: str | None
    mode: str | None
    context: str | None
    status: Status
    pattern: str
    source_of_claim: tuple[Entity, ...] = ()
    location: Location | None = None
    spans: dict[str, list[list[int]]] = field(default_factory=dict)
    decided_by: dict[str, str] = field(default_factory=dict)
    primary: bool = False
    mention: bool = False
    mention_of: str | None = None
    confidence: float | None = None

    @property
    def root(self) -> str:
        return self.cameo[:2]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "sentence_index": self.sentence_index,
            "text": self.text,
            "date": self.date.isoformat() if self.date else None,
            "date_precision": self.date_precision.value,
            "actor": [e.to_dict() for e in self.actor],
            "recipient": [e.to_dict() for e in self.recipient],
            "cameo": self.cameo,
            "cameo_name": self.cameo_name,
            "goldstein": self.goldstein,
            "quad": self.quad,
            "penta": self.penta,
            "plover": self.plover,
            "mode": self.mode,
            "context": self.context,
            "status": self.status.value,
            "source_of_claim": [e.to_dict() for e in self.source_of_claim],
            "location": self.location.to_dict() if self.location else None,
            "spans": self.spans,
            "pattern": self.pattern,
            "decided_by": dict(self.decided_by),
            "primary": self.primary,
            "mention": self.mention,
            "mention_of": self.mention_of,
            "confidence": self.confidence,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Event":
        loc = d.get("location")
        return cls(
            id=d["id"],
            doc_id=d["doc_id"],
            sentence_index=int(d["sentence_index"]),
            text=d["text"],
            date=Date.fromisoformat(d["date"]) if d.get("date") else None,
            date_precision=Precision(d.get("date_precision") or "unknown"),
            actor=tuple(Entity.from_dict(e) for e in d.get("actor") or ()),
            recipient=tuple(Entity.from_dict(e) for e in d.get("recipient") or ()),
            cameo=str(d["cameo"]),
            cameo_name=d["cameo_name"],
            goldstein=float(d["goldstein"]),
            quad=int(d["quad"]),
            penta=int(d["penta"]),
            plover=d.get("plover"),
            mode=d.get("mode"),
            context=d.get("context"),
            status=Status(d["status"]),
            pattern=d["pattern"],
            source_of_claim=tuple(Entity.from_dict(e) for e in d.get("source_of_claim") or ()),
            location=Location(**loc) if loc else None,
            spans=d.get("spans") or {},
            decided_by={str(k): str(v) for k, v in (d.get("decided_by") or {}).items()},
            primary=bool(d.get("primary", False)),
            mention=bool(d.get("mention", False)),
            mention_of=d.get("mention_of"),
            confidence=None if d.get("confidence") is None else float(d["confidence"]),
        )

    @classmethod
    def from_json(cls, text: str) -> "Event":
        return cls.from_dict(json.loads(text))


def min_confidence(value: Any) -> float | None:
    """A least confidence to filter on (``--min-confidence``, ``min_confidence=``): None, or a
    number from 0 to 1; anything else is a :class:`~eventdesk.errors.UsageError` saying so."""
    from .errors import UsageError

    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise TypeError
        x = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"min confidence {value!r} is not a number: give one from 0 to 1 "
                         "(e.g. 0.6)") from None
    if not 0.0 <= x <= 1.0:          # NaN fails too
        raise UsageError(f"min confidence {value!r} is out of range: give a number from 0 to 1")
    return x
