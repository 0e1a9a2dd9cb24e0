"""``decided_by`` beyond the coder: kept in the store (a column, migrated into older stores),
printed by ``eventdesk explain``, written beside each miss by ``eventdesk eval --misses``."""
import csv
import json

from eventdesk import open_store
from eventdesk.model import Document
from eventdesk.store.schema import STORE_VERSION

TEXT = "Canada called for sanctions against Myanmar. Lavrov met Wang Yi in Vladivostok."


def _ingest(coder, db):
    with open_store(db) as store:
        store.ingest([Document(id="doc-1", text=TEXT)], coder)
        return store.con.execute("SELECT event_id, decided_by FROM event_rows "
                                 "ORDER BY sentence_index").fetchall()


def test_the_store_keeps_decided_by_in_a_column_and_in_the_record(coder, tmp_path):
    rows = _ingest(coder, tmp_path / "s.duckdb")
    assert json.loads(rows[0][1])["recipient"] == "required_preposition_object"
    with open_store(tmp_path / "s.duckdb", read_only=True) as store:
        ev = store.event(rows[1][0])
    assert ev.decided_by["place"] == "locative_phrase" and ev.location.name == "Vladivostok"


def test_a_version_6_store_gains_the_column(coder, tmp_path):
    db = tmp_path / "s.duckdb"
    _ingest(coder, db)
    with open_store(db) as store:
        q = store.con.execute
        q("DROP VIEW groups; DROP VIEW events; DROP VIEW events_v")
        q("ALTER TABLE event_rows DROP COLUMN decided_by")
        q("UPDATE meta SET value = '6' WHERE key = 'store_version'")
        q("UPDATE meta SET value = '' WHERE key = 'views'")
    with open_store(db, read_only=True) as store:
        q = store.con.execute
        assert q("SELECT value FROM meta WHERE key = 'store_version'").fetchone()[0] == \
            str(STORE_VERSION)
        # the call for sanctions, the meeting and its other direction
        assert q("SELECT count(*), count(decided_by) FROM event_rows").fetchone() == (3, 0)
        assert q("SELECT count(*) FROM events").fetchone()[0] == 3


def test_explain_prints_each_decision_with_its_description(coder, tmp_path, cli):
    db = tmp_path / "s.duckdb"
    rows = _ingest(coder, db)
    r = cli("explain", "--db", db, rows[0][0])
    assert r.returncode == 0, r.stderr
    assert "decided   actor: subject — the grammatical subject" in r.stdout
    assert "recipient: required_preposition_object — the object of a preposition inside " \
           "what the required preposition introduces" in r.stdout
    assert "status: asserted_by_default — no cue" in r.stdout


def test_eval_writes_the_decisions_beside_each_miss(cli, tmp_path):
    gold = tmp_path / "gold.tsv"
    # the gold says a verbal conflict (2); the coder reads a meeting; conflibert gold is undated
    gold.write_text("Lavrov met Wang Yi in Vladivostok on Monday.\t2\n", encoding="utf-8")
    misses = tmp_path / "misses.tsv"
    r = cli("eval", gold, "--format", "conflibert-class", "--misses", misses)
    assert r.returncode == 0, r.stderr
    with open(misses, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == 1
    # the meeting, then its other direction; the meeting's row holds a sense constraint
    assert rows[0]["decided_by"].split(" | ") == [
        "actor=subject;recipient=direct_object;status=asserted_by_default;date=no_date;"
        "place=locative_phrase;sense=object_class !goal",
        "actor=other_direction via direct_object;recipient=other_direction via subject;"
        "status=asserted_by_default;date=no_date;place=locative_phrase;"
        "sense=object_class !goal"]


def test_a_version_7_store_gains_the_columns_of_version_8(coder, tmp_path):
    db = tmp_path / "s.duckdb"
    _ingest(coder, db)
    with open_store(db) as store:
        q = store.con.execute
        q("DROP VIEW groups; DROP VIEW events; DROP VIEW events_v")
        for c in ("is_primary", "mention", "mention_of", "confidence"):
            q(f"ALTER TABLE event_rows DROP COLUMN {c}")
        q("UPDATE meta SET value = '7' WHERE key = 'store_version'")
        q("UPDATE meta SET value = '' WHERE key = 'views'")
    with open_store(db, read_only=True) as store:
        q = store.con.execute
        assert q("SELECT count(*), count(decided_by), count(confidence) FROM event_rows"
                 ).fetchone() == (3, 3, 0)
        # what the view gives a row without them: primary, not a mention
        assert q("SELECT bool_and(is_primary), bool_or(mention) FROM events").fetchone() == \
            (True, False)
