"""The coder's confidence (``Event.confidence``): what lowers it, that every coded event has one,
its factor table covers every strategy, and ``--min-confidence`` filters through the real CLI and
a real DuckDB store."""
import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import CORPUS, run_cli

DATA = Path(__file__).parent / "data" / "interop"

DOCS = [
    ("c1", "2019-07-19", "Iran seized a British tanker in the Gulf. Syria shelled Turkish "
                         "positions. Russia imposed sanctions on Ukraine."),
    ("c2", "2019-07-20", "Iranian officials met on Monday. They seized a British tanker in the "
                         "Gulf. Aleppo shelled Turkish positions. Iran could seize a British "
                         "tanker."),
    ("c3", "2019-07-21", "Russia and Ukraine exchanged prisoners. The United States condemned "
                         "Russia. The talks were suspended."),
]


def one(coder, text, cameo):
    found = [e for e in coder.code(text, date="2019-07-19") if e.cameo == cameo]
    assert len(found) == 1, [(e.cameo, e.decided_by) for e in coder.code(text)]
    return found[0]


# -- the score -------------------------------------------------------------------------------
def test_a_plain_subject_is_surer_than_a_place_standing_for_its_state(coder):
    plain = one(coder, "Syria shelled Turkish positions.", "194")
    place = one(coder, "Aleppo shelled Turkish positions.", "194")
    assert plain.decided_by["actor"] == "subject"
    assert place.decided_by["actor"].startswith("place_stands_for_state")
    assert [a.country for a in place.actor] == ["SYR"]           # the same act, the same state
    assert plain.confidence > place.confidence


def test_a_plain_subject_is_surer_than_a_word_referring_back(coder):
    plain = one(coder, "Iran seized a British tanker in the Gulf.", "1711")
    back = one(coder, "Iranian officials met on Monday. They seized a British tanker in the "
                      "Gulf.", "1711")
    assert back.decided_by["actor"] == "refers_back via subject"
    assert [a.country for a in back.actor] == ["IRN"]
    assert plain.confidence > back.confidence


def test_a_hedged_act_is_less_sure_than_the_same_act_asserted(coder):
    plain = one(coder, "Iran seized a British tanker in the Gulf.", "1711")
    hedged = one(coder, "Iran could seize a British tanker in the Gulf.", "1711")
    assert hedged.status.value == "hypothetical"
    assert plain.confidence > hedged.confidence


def test_every_coded_event_has_a_confidence_between_0_and_1(coder):
    import eventdesk

    events = list(coder.code_documents(eventdesk.read_documents([str(CORPUS)])))
    assert len(events) > 100
    assert all(e.confidence is not None and 0.0 <= e.confidence <= 1.0 for e in events)
    assert len({round(e.confidence, 2) for e in events}) > 10      # it sorts events


def test_a_lower_confidence_set_by_another_stage_is_kept(coder):
    from eventdesk.coding.confidence import event_features, with_confidence

    ev = one(coder, "Iran seized a British tanker in the Gulf.", "1711")
    assert event_features(ev)[:2] == ["trigger:verb_pattern", "pattern:object"]
    assert with_confidence(replace(ev, confidence=0.05)).confidence == 0.05
    assert with_confidence(replace(ev, confidence=0.999)).confidence == ev.confidence


# -- the factor table ------------------------------------------------------------------------
def test_every_registered_strategy_has_a_factor_or_a_documented_default():
    from eventdesk.coding import pipeline  # noqa: F401
    from eventdesk.coding.confidence import (DEFAULT_STAGES, IGNORED_STAGES, READ_FIELDS,
                                             default_factors)
    from eventdesk.coding.confidence_lint import check_factors
    from eventdesk.coding.registry import STAGES

    assert check_factors() == []
    table = default_factors()
    covered = set(READ_FIELDS) | set(DEFAULT_STAGES) | set(IGNORED_STAGES) | {"subject",
                                                                            "triggers"}
    assert set(STAGES) <= covered, "a new stage: say in confidence.py how the score reads it"
    for fld, stages in READ_FIELDS.items():
        for stage in stages:
            for s in STAGES[stage]:
                assert f"{fld}:{s.name}" in table.factors, (stage, s.name)
    for stage in (*DEFAULT_STAGES, *IGNORED_STAGES):
        assert f"default:{stage}" in table.factors


def test_a_table_missing_a_strategy_fails_the_check(tmp_path):
    from eventdesk._tsv import data_path
    from eventdesk.coding.confidence_lint import check_factors

    text = data_path("eventdesk.coding", "confidence.tsv").read_text(encoding="utf-8")
    cut = tmp_path / "confidence.tsv"
    cut.write_text("".join(line for line in text.splitlines(keepends=True)
                           if not line.startswith(("actor:refers_back\t", "default:date\t"))),
                   encoding="utf-8")
    problems = check_factors(cut)
    assert any("actor:refers_back" in p for p in problems)
    assert any("default:date" in p for p in problems)


# -- --min-confidence through the real CLI and a real store ------------------------------------
@pytest.fixture(scope="module")
def docs_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("conf") / "docs.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "date": d, "text": t}) for i, d, t in DOCS)
                    + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store_path(docs_file, coder):
    """The documents coded into a store, plus a GDELT file imported (rows with no confidence)."""
    import eventdesk
    from eventdesk.interop.importer import import_file

    path = docs_file.parent / "store.duckdb"
    with eventdesk.open_store(path) as store:
        store.ingest(eventdesk.read_documents([str(docs_file)]), coder=coder)
        import_file(store, DATA / "gdelt2.export.CSV")
    return path


def confidences(store_path):
    import duckdb

    with duckdb.connect(str(store_path), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT confidence FROM event_rows").fetchall()]


def middle(store_path):
    """A threshold that splits the coded events."""
    known = sorted(c for c in confidences(store_path) if c is not None)
    return round((known[len(known) // 3] + known[len(known) // 3 + 1]) / 2, 4)


def test_code_writes_only_the_events_above_the_threshold(docs_file):
    every = run_cli("code", docs_file, "--workers", 1, "-q")
    assert every.returncode == 0, every.stderr
    all_events = [json.loads(x) for x in every.stdout.splitlines()]
    cut = sorted(e["confidence"] for e in all_events)[len(all_events) // 2]
    some = run_cli("code", docs_file, "--workers", 1, "-q", "--min-confidence", cut)
    assert some.returncode == 0, some.stderr
    kept = [json.loads(x) for x in some.stdout.splitlines()]
    assert kept and len(kept) < len(all_events)
    assert all(e["confidence"] >= cut for e in kept)
    assert {e["id"] for e in kept} == {e["id"] for e in all_events if e["confidence"] >= cut}


def test_events_filters_on_confidence_and_leaves_imported_rows_out(store_path):
    stored = confidences(store_path)
    assert None in stored                         # the imported GDELT rows
    cut = middle(store_path)
    every = run_cli("events", "--db", store_path)
    assert every.returncode == 0, every.stderr
    assert len(every.stdout.splitlines()) == len(stored)
    zero = run_cli("events", "--db", store_path, "--min-confidence", 0)
    assert len(zero.stdout.splitlines()) == sum(c is not None for c in stored)
    some = run_cli("events", "--db", store_path, "--min-confidence", cut)
    kept = [json.loads(x) for x in some.stdout.splitlines()]
    assert len(kept) == sum(c is not None and c >= cut for c in stored)
    assert all(e["confidence"] >= cut for e in kept)
    table = run_cli("events", "--db", store_path, "--min-confidence", cut, "--format", "table")
    assert table.returncode == 0 and "conf" in table.stdout


def test_export_filters_on_confidence(store_path, tmp_path):
    cut = middle(store_path)
    out_all, out_some = tmp_path / "all.csv", tmp_path / "some.csv"
    assert run_cli("export", "--db", store_path, "--format", "csv", "-o", out_all,
                   "--status", "all").returncode == 0
    r = run_cli("export", "--db", store_path, "--format", "csv", "-o", out_some, "--status",
                "all", "--min-confidence", cut)
    assert r.returncode == 0, r.stderr
    every = list(csv.DictReader(io.StringIO(out_all.read_text(encoding="utf-8"))))
    some = list(csv.DictReader(io.StringIO(out_some.read_text(encoding="utf-8"))))
    assert some and len(some) < len(every)
    assert all(float(row["confidence"]) >= cut for row in some)


def test_an_analysis_reads_only_the_events_above_the_threshold(store_path):
    def total(*extra):
        r = run_cli("dyads", "--db", store_path, "--format", "json", "--raw", *extra)
        if r.returncode == 2 and "no events" in r.stderr:
            return 0
        assert r.returncode == 0, r.stderr
        return sum(row["n"] for row in json.loads(r.stdout)["rows"])

    every, coded = total(), total("--min-confidence", 0)
    high = total("--min-confidence", middle(store_path))
    assert every > coded > high > 0               # imported rows, then the less sure ones, go
    assert total("--min-confidence", 1) == 0


def test_the_notebook_api_filters_on_confidence(store_path):
    import eventdesk.analysis as ea
    from eventdesk.errors import UsageError

    every = ea.dyads(store_path, raw=True)["n"].sum()
    coded = ea.dyads(store_path, raw=True, min_confidence=0)["n"].sum()
    assert every > coded
    with pytest.raises(UsageError, match="from 0 to 1"):
        ea.dyads(store_path, min_confidence="high")
    with pytest.raises(UsageError, match="from 0 to 1"):
        ea.dyads(store_path, min_confidence=1.5)


@pytest.mark.parametrize("value", ["-0.1", "1.5", "abc", "nan"])
def test_a_bad_threshold_is_a_usage_error(store_path, docs_file, tmp_path, value):
    for args in (("code", docs_file), ("events", "--db", store_path),
                 ("export", "--db", store_path, "--format", "csv", "-o", tmp_path / "x.csv"),
                 ("dyad", "RUS", "UKR", "--db", store_path)):
        r = run_cli(*args, "--min-confidence", value)
        assert r.returncode == 2, (args, r.stderr)
        assert "--min-confidence" in r.stderr and "from 0 to 1" in r.stderr
