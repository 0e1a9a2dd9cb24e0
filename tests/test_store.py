import json
from datetime import date

import pytest

from eventdesk import open_store
from eventdesk.errors import StoreError
from eventdesk.readers import read_documents


def write_corpus(root):
    root.mkdir(exist_ok=True)
    (root / "a.txt").write_text(
        "Tillerson in Moscow\n2017-04-12\n\n"
        "U.S. Secretary of State Rex Tillerson met Russian Foreign Minister Sergei Lavrov in "
        "Moscow. Russia condemned the U.S. missile strike on Syria.\n")
    (root / "b.jsonl").write_text(
        json.dumps({"id": "w1", "date": "2017-04-06", "text": "China welcomed the talks with "
                    "the United States. Xi Jinping met Donald Trump in Florida."}) + "\n" +
        json.dumps({"id": "w2", "date": "2017-02-18", "text": "China suspended imports of coal "
                    "from North Korea."}) + "\n")
    return root


def ingest(store, root, coder):
    return store.ingest(read_documents([root]), coder=coder)


def test_ingest_stores_documents_events_entities_and_provenance(tmp_path, coder):
    root = write_corpus(tmp_path / "c")
    with open_store(tmp_path / "s.duckdb") as store:
        res = ingest(store, root, coder)
        assert res.documents_added == 3 and res.events_added >= 4
        counts = store.counts()
        assert counts["documents"] == 3 and counts["events"] == res.events_added
        meet = store.events(actor="USA", recipient="RUS", cameo="04")
        assert len(meet) == 1 and meet[0].actor[0].name == "Rex Tillerson"
        prov = store.provenance(meet[0].id)
        assert prov[0]["doc_id"] == meet[0].doc_id and prov[0]["path"].endswith("a.txt")
        assert prov[0]["published"] == date(2017, 4, 12)
        n_ent = store.con.execute("SELECT count(*) FROM event_entities").fetchone()[0]
        assert n_ent >= 2 * len(meet)


def test_ingest_twice_adds_nothing_and_changed_document_replaces_its_events(tmp_path, coder):
    root = write_corpus(tmp_path / "c")
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        first = ingest(store, root, coder)
        before = sorted(e.id for e in store.events())
    with open_store(db) as store:
        second = ingest(store, root, coder)
        assert second.documents_unchanged == 3 and second.events_added == 0
        assert sorted(e.id for e in store.events()) == before
        (root / "a.txt").write_text("Tillerson in Moscow\n2017-04-12\n\n"
                                    "Russia rejected the American proposal.\n")
        third = ingest(store, root, coder)
        assert third.documents_replaced == 1 and third.documents_unchanged == 2
        texts = [e.text for e in store.events(doc_id=store.events(cameo="12")[0].doc_id)]
        assert texts == ["Russia rejected the American proposal."]
        assert not store.events(cameo="04", actor="USA", recipient="RUS")
        orphans = store.con.execute(
            "SELECT count(*) FROM event_entities WHERE event_id NOT IN "
            "(SELECT event_id FROM events)").fetchone()[0]
        assert orphans == 0
    assert first.events_added > 0


def test_query_filters_and_dataframe(tmp_path, coder):
    root = write_corpus(tmp_path / "c")
    with open_store(tmp_path / "s.duckdb") as store:
        ingest(store, root, coder)
        since = store.events(since="2017-04-01")
        assert since and all(e.date >= date(2017, 4, 1) for e in since)
        coal = store.events(actor="CHN", recipient="PRK")
        assert [e.cameo[:2] for e in coal] == ["16"]
        df = store.events(as_frame=True)
        assert len(df) == store.counts()["events"]
        assert {"actor", "recipient", "cameo", "goldstein", "status"} <= set(df.columns)
        assert df["cameo"].map(type).eq(str).all()
        only_asserted = store.events(status="asserted")
        assert all(e.status.value == "asserted" for e in only_asserted)


def test_read_only_open_of_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        open_store(tmp_path / "none.duckdb", read_only=True)


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database file at all" * 100)
    with pytest.raises(StoreError):
        open_store(bad)
    assert bad.read_bytes().startswith(b"this is not")        # left as it was


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "no" / "such" / "s.duckdb")


def test_second_process_gets_a_clear_message_while_a_writer_holds_the_store(tmp_path, cli):
    db = tmp_path / "s.duckdb"
    with open_store(db):
        r = cli("events", "--db", db)
        assert r.returncode == 2
        assert "in use by another process" in r.stderr


def test_analysis_relation_groups_reports_and_keeps_the_office(tmp_path):
    """Two outlets reporting one meeting are one corroborated event with two sources; the
    head of state's office on the date is carried for the divergence analysis."""
    from eventdesk import Coder, open_store
    from eventdesk.model import Document
    from datetime import date

    text = "President Vladimir Putin met Chinese President Xi Jinping in Moscow on Monday."
    docs = [Document(id=f"d{i}", text=text + " " + extra, date=date(2017, 5, 3), source=src)
            for i, (src, extra) in enumerate([("Wire A", ""), ("Wire B", "Talks went well.")])]
    with open_store(tmp_path / "s.duckdb") as store:
        store.ingest(docs, Coder())
        raw = store.con.execute(
            f"SELECT count(*) FROM {store.analysis_events(raw=True)} WHERE root = '04'").fetchone()
        grouped = store.con.execute(
            f"SELECT n_reports, n_sources, actor_office, actor_country, recipient_country "
            f"FROM {store.analysis_events()} WHERE root = '04' ORDER BY actor_country"
        ).fetchall()
    # the meeting is coded from both sides (a symmetric act), each side corroborated apart
    assert raw[0] == 4
    assert grouped == [(2, 2, "head_of_state", "CHN", "RUS"),
                       (2, 2, "head_of_state", "RUS", "CHN")]
