"""Writing events as JSON lines, TSV/CSV (flattened, with a header row).

CSV and TSV cells are spreadsheet-safe unless asked otherwise: a text cell that a spreadsheet
would run as a formula -- it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return -- gets a leading ``'`` (the convention of spreadsheet-safe writers: the spreadsheet
shows the text, the ``'`` is not displayed). A plain number such as a Goldstein score of
``-8.0`` is left as it is: a spreadsheet reads it as the number, it cannot run anything.
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from typing import TextIO

from ..model import Entity, Event

ENTITY_FIELDS = ("code", "country", "sector", "text", "name", "wikidata")
FLAT_FIELDS = (
    ["id", "doc_id", "sentence_index", "date", "date_precision"]
    + [f"actor_{f}" for f in ENTITY_FIELDS] + [f"recipient_{f}" for f in ENTITY_FIELDS]
    + ["cameo", "cameo_name", "goldstein", "quad", "penta", "plover", "mode", "context",
       "status", "source_of_claim", "location_name", "location_country", "spans", "pattern",
       "decided_by", "primary", "mention", "confidence", "text"])


#: the first characters that make a spreadsheet read a cell as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: a plain number (left as it is): sign, digits, decimals, exponent
PLAIN_NUMBER = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"
_NUMBER = re.compile(PLAIN_NUMBER)


def spreadsheet_safe(value: object) -> object:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def _join(ents: Iterable[Entity], field: str) -> str:
    return ";".join(str(getattr(e, field) or "") for e in ents)


def decided(ev: Event) -> str:
    """An event's ``decided_by`` in one cell: ``actor=subject;recipient=direct_object;...``."""
    return ";".join(f"{k}={v}" for k, v in ev.decided_by.items())


def flat(ev: Event) -> dict[str, object]:
    """One event as a flat row: several actors are joined with ``;`` in each entity column."""
    row: dict[str, object] = {
        "id": ev.id, "doc_id": ev.doc_id, "sentence_index": ev.sentence_index,
        "date": ev.date.isoformat() if ev.date else "", "date_precision": ev.date_precision.value,
    }
    for role, ents in (("actor", ev.actor), ("recipient", ev.recipient)):
        for f in ENTITY_FIELDS:
            row[f"{role}_{f}"] = _join(ents, f)
    row.update({
        "cameo": ev.cameo, "cameo_name": ev.cameo_name, "goldstein": ev.goldstein,
        "quad": ev.quad, "penta": ev.penta, "plover": ev.plover or "", "mode": ev.mode or "",
        "context": ev.context or "", "status": ev.status.value,
        "source_of_claim": _join(ev.source_of_claim, "code"),
        "location_name": ev.location.name if ev.location else "",
        "location_country": (ev.location.country or "") if ev.location else "",
        "spans": json.dumps(ev.spans, separators=(",", ":")), "pattern": ev.pattern,
        "decided_by": decided(ev),
        "primary": int(ev.primary), "mention": int(ev.mention),
        "confidence": "" if ev.confidence is None else round(ev.confidence, 3),
        "text": " ".join(ev.text.split()),
    })
    return row


class EventWriter:
    """Writes events to a text stream as ``jsonl``, ``tsv`` or ``csv``."""

    def __init__(self, out: TextIO, fmt: str = "jsonl", *, raw_csv: bool = False):
        self.out, self.fmt = out, fmt
        self.safe = not raw_csv
        self._csv = None
        if fmt in ("tsv", "csv"):
            self._csv = csv.DictWriter(out, fieldnames=FLAT_FIELDS,
                                       delimiter="\t" if fmt == "tsv" else ",",
                                       lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            self._csv.writeheader()

    def write(self, ev: Event) -> None:
        if self._csv is not None:
            row = flat(ev)
            self._csv.writerow({k: spreadsheet_safe(v) for k, v in row.items()} if self.safe
                               else row)
        else:
            self.out.write(ev.to_json() + "\n")
