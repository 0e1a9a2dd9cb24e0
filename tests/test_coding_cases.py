"""The coder over tests/data/coding_cases.tsv: one sentence a row with the event it must produce.

Every sentence is coded in one pass by one coder (the real spaCy parse). A row names the actor
and recipient (an entity code such as ``USAGOV`` or a country; ``-`` = no recipient, ``*`` = any),
the exact CAMEO code and the status. A row whose cameo is ``-`` says the sentence must produce no
asserted event (a generic or habitual statement). A row with ``needs`` is a construction the coder
does not handle yet: it is a strict expected failure, so it fails as soon as it starts to pass and
its mark must then be removed.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from eventdesk.coding.coder import Coder
from eventdesk.model import Document, Status

CASES_FILE = Path(__file__).parent / "data" / "coding_cases.tsv"


def _read_cases() -> list[dict[str, str]]:
    lines = [l for l in CASES_FILE.read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


CASES = _read_cases()


@pytest.fixture(scope="module")
def coded() -> dict[str, list]:
    coder = Coder()
    docs = [Document(id=f"case{i}", text=c["sentence"], date=_date(c["date"]))
            for i, c in enumerate(CASES)]
    return {doc.id: events for doc, events in coder.coded(docs)}


def _date(text: str):
    from eventdesk.dates import parse_date

    return parse_date(text)[0]


def _codes(entities) -> set[str]:
    return {e.code for e in entities} | {e.country for e in entities if e.country}


def _matches(ev, case: dict[str, str]) -> bool:
    actor, recipient = case["actor"], case["recipient"]
    if actor != "*" and actor not in _codes(ev.actor):
        return False
    if recipient == "-" and ev.recipient:
        return False
    if recipient not in ("-", "*") and recipient not in _codes(ev.recipient):
        return False
    return ev.cameo == case["cameo"] and ev.status.value == case["status"]


def _params():
    for i, c in enumerate(CASES):
        marks = [pytest.mark.xfail(strict=True, reason=c["needs"])] if c["needs"] else []
        yield pytest.param(i, id=f"{i:03d}-{c['sentence'][:40]}", marks=marks)


@pytest.mark.parametrize("index", list(_params()))
def test_case(coded, index):
    case = CASES[index]
    events = coded[f"case{index}"]
    got = [(",".join(e.code for e in ev.actor), ",".join(e.code for e in ev.recipient) or "-",
            ev.cameo, ev.status.value, ev.pattern) for ev in events]
    if case["cameo"] == "-":
        assert not any(ev.status is Status.ASSERTED for ev in events), f"coded {got}"
    else:
        assert any(_matches(ev, case) for ev in events), f"expected {case}, coded {got}"


def test_the_cases_cover_every_root_status_and_construction():
    assert len(CASES) >= 150
    roots = {c["cameo"][:2] for c in CASES if c["cameo"] != "-"}
    assert roots == {f"{r:02d}" for r in range(1, 21)}
    assert {c["status"] for c in CASES} == {s.value for s in Status}
    from eventdesk.ontology import is_cameo

    assert all(is_cameo(c["cameo"]) for c in CASES if c["cameo"] != "-")


def test_every_sentence_is_unique():
    sentences = [c["sentence"] for c in CASES]
    assert len(sentences) == len(set(sentences))
