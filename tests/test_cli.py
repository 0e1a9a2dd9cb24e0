import csv
import io
import json

import pytest

from conftest import CORPUS
from eventdesk import __version__

COMMANDS = ["code", "ingest", "events", "explain", "summary", "eval", "actors", "lexicon",
            "actors lookup", "actors check", "lexicon check"]


def test_version_and_help(cli):
    r = cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"eventdesk {__version__}"
    r = cli("--help")
    assert r.returncode == 0 and all(c.split()[0] in r.stdout for c in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(cli, command):
    r = cli(*command.split(), "--help")
    assert r.returncode == 0
    assert "example" in r.stdout and f"eventdesk {command}" in r.stdout


def test_no_command_and_unknown_command_are_usage_errors(cli):
    assert cli().returncode == 2
    assert cli("frobnicate").returncode == 2


def test_code_files_and_stdin_to_jsonl(tmp_path, cli):
    (tmp_path / "a.txt").write_text("Moscow talks\n2017-04-12\n\nRussia condemned the strike.\n")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "w1", "date": "2017-02-18",
                                                  "text": "China suspended imports of coal from "
                                                          "North Korea."}) + "\n")
    r = cli("code", tmp_path / "a.txt", tmp_path / "b.jsonl", "-", "--date", "2017-04-07",
            input="Washington warned Pyongyang.")
    assert r.returncode == 0, r.stderr
    events = [json.loads(line) for line in r.stdout.splitlines()]
    roots = [(e["actor"][0]["country"], e["cameo"][:2]) for e in events]
    assert roots == [("RUS", "11"), ("CHN", "16"), ("USA", "13")]
    assert events[2]["date"] == "2017-04-07"
    assert "3 documents read" in r.stderr


def test_code_directory_as_tsv_has_a_header_and_one_row_per_event(cli):
    r = cli("code", "--format", "tsv", "-q", CORPUS)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout), delimiter="\t"))
    assert len(rows) >= 150
    assert {"id", "actor_code", "recipient_code", "cameo", "goldstein", "status", "text"} <= set(rows[0])
    assert all(len(row["cameo"]) >= 2 and row["cameo"][0] in "012" for row in rows)


def test_exit_codes_for_skipped_records_and_for_nothing_readable(tmp_path, cli):
    (tmp_path / "good.txt").write_text("Russia condemned the strike.\n")
    (tmp_path / "bad.jsonl").write_text("not json\n")
    r = cli("code", tmp_path)
    assert r.returncode == 3
    assert "bad.jsonl:1" in r.stderr and "1 skipped" in r.stderr
    assert len(r.stdout.splitlines()) == 1
    (tmp_path / "good.txt").unlink()
    r = cli("code", tmp_path / "bad.jsonl")
    assert r.returncode == 2
    r = cli("code", tmp_path / "missing.txt")
    assert r.returncode == 2 and "missing.txt: no such file" in r.stderr
    r = cli("code", tmp_path, "--date", "not a date")
    assert r.returncode == 2 and "does not parse" in r.stderr


def test_ingest_events_explain_round_trip(tmp_path, cli):
    db = tmp_path / "s.duckdb"
    r = cli("ingest", CORPUS, "--db", db)
    assert r.returncode == 0, r.stderr
    r2 = cli("ingest", CORPUS, "--db", db)
    assert r2.returncode == 0 and "0 events added" in r2.stderr
    r = cli("events", "--db", db, "--actor", "RUS", "--recipient", "USA", "--since",
            "2017-04-01", "--format", "jsonl")
    assert r.returncode == 0
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert events and all(e["date"] >= "2017-04-01" for e in events)
    assert all(any(a["country"] == "RUS" for a in e["actor"]) for e in events)
    assert all(any(a["country"] == "USA" for a in e["recipient"]) for e in events)
    r = cli("events", "--db", db, "--actor", "RUS", "--format", "table")
    assert r.returncode == 0 and "cameo" in r.stdout
    r = cli("events", "--db", db, "--format", "csv", "--cameo", "04")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows and all(row["cameo"].startswith("04") for row in rows)
    ev = events[0]
    r = cli("explain", ev["id"][:8], "--db", db)
    assert r.returncode == 0, r.stderr
    assert ev["pattern"] in r.stdout and "verbs.tsv:" in r.stdout
    assert "[A " in r.stdout and "[V " in r.stdout and "reported" in r.stdout
    r = cli("explain", "ffffffffffff", "--db", db)
    assert r.returncode == 2 and "no event" in r.stderr
    r = cli("summary", "--db", db)
    assert r.returncode == 0 and "busiest dyads" in r.stdout


def test_default_store_comes_from_the_environment(tmp_path, cli):
    (tmp_path / "a.txt").write_text("Russia condemned the strike.\n")
    db = tmp_path / "env.duckdb"
    r = cli("ingest", tmp_path / "a.txt", env={"EVENTDESK_DB": str(db)}, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert db.exists()
    r = cli("ingest", tmp_path / "a.txt", cwd=tmp_path, env={"EVENTDESK_DB": ""})
    assert (tmp_path / "eventdesk.duckdb").exists()


def test_ingest_skips_bad_records_reports_them_and_keeps_the_rest(tmp_path, cli):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Moscow talks\n2017-04-12\n\nRussia condemned the strike.\n")
    (corpus / "empty.txt").write_text("")
    (corpus / "batch.jsonl").write_text('{"text": "China welcomed the talks with Russia."}\n'
                                        "{broken\n")
    (corpus / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    db = tmp_path / "s.duckdb"
    r = cli("ingest", corpus, "--db", db)
    assert r.returncode == 3
    for where in ("empty.txt", "batch.jsonl:2", "blob.txt"):
        assert where in r.stderr
    assert "2 documents read, 3 skipped" in r.stderr
    r = cli("events", "--db", db, "--format", "jsonl")
    texts = {json.loads(line)["text"] for line in r.stdout.splitlines()}
    assert "Russia condemned the strike." in texts
    assert any("China welcomed" in t for t in texts)


def test_explain_names_the_noun_rule_and_the_refusal(tmp_path, cli):
    """A nominal event's rule is found in nouns.tsv; a refused meeting shows why it is 125."""
    from eventdesk import open_store

    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "d1", "date": "2017-04-12", "text":
                               "Putin declined to meet Tillerson. Tillerson's visit to Moscow "
                               "ended on Wednesday."}) + "\n")
    db = tmp_path / "s.duckdb"
    assert cli("ingest", src, "--db", db).returncode == 0
    with open_store(db, read_only=True) as store:
        evs = {e.cameo: e.id for e in store.events()}
    r = cli("explain", evs["125"], "--db", db)
    assert r.returncode == 0, r.stderr
    assert "040.meet" in r.stdout and "CAMEO 040 refused" in r.stdout and "refusals.tsv" in r.stdout
    r = cli("explain", evs["042"], "--db", db)
    assert "nouns.tsv:" in r.stdout and "not in the current lexicon" not in r.stdout
