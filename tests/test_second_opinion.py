"""The learned second opinion (coding/second.py): trained by `eventdesk train`, shipped as a small
file, used where no pattern fits a verb with two resolved parties, with a lower confidence,
switched off on request, and explained."""
import gzip
import json

import pytest

from eventdesk import Coder, open_store
from eventdesk.coding.second import SecondOpinion, load_model, model_path
from eventdesk.errors import DataError
from eventdesk.model import Document

# verbs that no pattern of coding/data/verbs.tsv fits, between two states
NO_PATTERN = "India upbraided Canada over the remarks."
RULED = "Russia condemned the U.S. strike."


def _second(events):
    return [e for e in events if e.decided_by.get("code") == "second_opinion"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model trained by the command on the packaged file of labelled sentences alone."""
    from conftest import run_cli

    out = tmp_path_factory.mktemp("model") / "mine.json.gz"
    r = run_cli("train", "-o", out, "--min-df", "1")
    assert r.returncode == 0, r.stderr
    assert "trained on" in r.stderr
    return out


def test_train_writes_a_small_model_that_loads_and_classifies(trained):
    model = SecondOpinion.load(trained)
    assert trained.stat().st_size < 1_000_000
    assert model.classes == ("0", "1", "2", "3", "4")
    # sentences it never saw, in the words of each class
    assert model.classify("Rebels ambushed an army convoy and struck a depot.")[0] == "4"
    assert model.classify("Brazil shipped medicine and tents to flood-hit Bolivia.")[0] == "2"
    label, p = model.classify("The ministry slammed Washington over its remarks.")
    assert label == "3" and 0.2 < p <= 1.0


def test_packaged_model_is_small_and_readable():
    assert model_path().stat().st_size < 1_000_000
    assert load_model().about["dev_tune"] > 0     # trained on the dev file's tune half


def test_a_verb_no_pattern_fits_gets_the_second_opinion(coder):
    events = coder.code(NO_PATTERN, date="2023-09-20")
    [ev] = _second(events)
    assert [a.code for a in ev.actor] == ["IND"] and [r.code for r in ev.recipient] == ["CAN"]
    assert ev.quad == 3 or ev.cameo[:2] in ("09", "10", "11", "12", "13", "16")
    assert ev.pattern.startswith("second_opinion.")
    assert ev.primary
    assert ev.confidence is not None and ev.confidence <= 0.5
    # an event a pattern coded is not the second opinion's, and is surer
    rule = coder.code(RULED, date="2017-04-07")
    assert rule and not _second(rule)
    assert all(e.confidence is None or e.confidence > ev.confidence for e in rule)


def test_no_second_opinion_without_two_resolved_parties(coder):
    # one party only: the rules' silence stands
    assert not _second(coder.code("India upbraided the remarks.", date="2023-09-20"))


def test_switched_off_only_the_rules_code(coder, cli, tmp_path):
    off = Coder(second_opinion=False)
    assert off.code(NO_PATTERN, date="2023-09-20") == []
    assert [e.cameo for e in off.code(RULED, date="2017-04-07")] == \
        [e.cameo for e in coder.code(RULED, date="2017-04-07")]
    src = tmp_path / "a.txt"
    src.write_text(NO_PATTERN, encoding="utf-8")
    r = cli("code", src, "--date", "2023-09-20", "--workers", "1", "-q", "--no-second-opinion")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""
    r = cli("code", src, "--date", "2023-09-20", "--workers", "1", "-q")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.splitlines()[0])["decided_by"]["code"] == "second_opinion"


def test_own_model_file_is_used(trained):
    ev = _second(Coder(second_opinion=trained).code(NO_PATTERN, date="2023-09-20"))
    assert len(ev) == 1


def test_missing_or_corrupt_model_is_a_clear_error(tmp_path, cli):
    with pytest.raises(DataError, match="not found.*eventdesk train"):
        SecondOpinion.load(tmp_path / "none.json.gz")
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(DataError, match="not a readable gzipped JSON.*eventdesk train"):
        SecondOpinion.load(bad)
    wrong = tmp_path / "wrong.json.gz"
    with gzip.open(wrong, "wt") as fh:
        json.dump({"format": "eventdesk-second-opinion", "version": 1, "classes": ["0"]}, fh)
    with pytest.raises(DataError, match="malformed"):
        SecondOpinion.load(wrong)
    src = tmp_path / "a.txt"
    src.write_text(NO_PATTERN, encoding="utf-8")
    r = cli("code", src, "--workers", "1", "-q", "--second-opinion", bad)
    assert r.returncode == 2
    assert "eventdesk train" in r.stderr and "Traceback" not in r.stderr


def test_explain_says_the_second_opinion_decided(coder, cli, tmp_path):
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        store.ingest([Document(id="d1", text=NO_PATTERN)], coder)
        [(event_id,)] = store.con.execute("SELECT event_id FROM event_rows").fetchall()
    r = cli("explain", "--db", db, event_id)
    assert r.returncode == 0, r.stderr
    assert "code: second_opinion — the learned second opinion" in r.stdout
    assert "no pattern fits; the learned second opinion" in r.stdout


def test_second_opinion_event_is_a_valid_record(coder):
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("eventdesk").joinpath("schema/event-v3.json")
                        .read_text(encoding="utf-8"))
    [ev] = _second(coder.code(NO_PATTERN, date="2023-09-20"))
    jsonschema.Draft202012Validator(schema).validate(json.loads(json.dumps(ev.to_dict())))
