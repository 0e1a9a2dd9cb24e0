"""Values reach DuckDB bound or through the store's one quoting helper: ids, names, statuses and
file paths with quotes in them are data, never SQL."""
from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from eventdesk import open_store
from eventdesk.errors import UsageError
from eventdesk.interop.exporter import export
from eventdesk.interop.importer import import_file, import_files
from eventdesk.store.sql import ident, literal, literal_list

DATA = Path(__file__).parent / "data" / "interop"
QUOTED = "it's \"here\"; DROP TABLE event_rows; --"


def test_the_quoting_helper_gives_duckdb_back_the_value_it_was_given():
    con = duckdb.connect()
    for value in ["O'Brien-1", "q' || (SELECT 42) || '", "'", "''", "a\\'b", "\u00e9\u2019", ""]:
        assert con.execute(f"SELECT {literal(value)}").fetchone()[0] == value
    assert con.execute(f"SELECT {literal(date(2017, 4, 7))}").fetchone()[0] == date(2017, 4, 7)
    moment = datetime(2017, 4, 7, 12, 30)
    assert con.execute(f"SELECT {literal(moment)}").fetchone()[0] == moment
    assert con.execute(f"SELECT {literal(None)}, {literal(True)}, {literal(-3)}").fetchone() \
        == (None, True, -3)
    assert con.execute(f"SELECT 2 IN {literal_list([1, 2])}, 2 IN {literal_list([])}"
                       ).fetchone() == (True, None)
    con.execute(f"CREATE TABLE t ({ident(QUOTED)} INTEGER)")
    assert con.execute("SELECT column_name FROM information_schema.columns WHERE "
                       "table_name = 't'").fetchone()[0] == QUOTED
    with pytest.raises(UsageError):
        literal("a\x00b")
    with pytest.raises(TypeError):
        literal(object())


def test_an_event_id_with_an_apostrophe_is_imported_queried_grouped_and_exported(tmp_path):
    rec = {"id": "O'Brien-1", "date": "2017-04-12", "event": "CONSULT", "actor": "USA'GOV",
           "actor_country": "USA", "recipient": "RUS", "recipient_country": "RUS",
           "text": "It's a meeting.", "url": "https://x.example/o'brien"}
    path = tmp_path / "o'brien.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    with open_store(tmp_path / "s'tore.duckdb") as store:
        r = import_file(store, path)
        assert (r.rows_added, r.rows_skipped) == (1, 0)
        (ev,) = store.events(actor="USA'GOV")
        assert ev.id == "plover:O'Brien-1"
        assert store.event("plover:O'Brien-1").text == "It's a meeting."
        assert store.group("plover:O'Br")["reports"][0]["origin_id"] == "O'Brien-1"
        assert store.events(actor="q' OR 1=1 --") == []
        rel = store.analysis_events(statuses=["asserted", "it's"])
        assert store.con.execute(f"SELECT event_id FROM {rel}").fetchall() == [
            ("plover:O'Brien-1",)]
        out = tmp_path / "it's out"
        out.mkdir()
        assert export(store, "csv", out / "e's.csv") == 1
        assert export(store, "plover", out / "e's.jsonl", actor="USA'GOV") == 1
    assert "O'Brien-1" in (out / "e's.jsonl").read_text()


@pytest.mark.parametrize("name,fmt,rows", [("gdelt2.export.CSV", "gdelt2", 4),
                                           ("icews.sample.tab", "icews", 3)])
def test_files_whose_path_holds_quotes_import_as_any_other(tmp_path, name, fmt, rows):
    folder = tmp_path / QUOTED
    folder.mkdir()
    first = folder / f"a'{name}"
    shutil.copy(DATA / name, first)
    problems = []
    with open_store(tmp_path / "s.duckdb") as store:
        r = import_file(store, first, fmt, on_problem=problems.append)
        assert r.rows_added == rows
        assert all(str(p.location).startswith(str(first)) for p in problems)
        # two small files go together in one scan (a list of quoted paths)
        more = [folder / f"b'{name}", folder / f"c\"{name}"]
        for i, p in enumerate(more):
            p.write_text((DATA / name).read_text().replace("2017", str(2010 + i)))
        done = import_files(store, [str(p) for p in more], fmt)
        assert [d.rows_added for d in done] == [rows, rows]
        n = store.con.execute("SELECT count(DISTINCT path) FROM imports").fetchone()[0]
        assert n == 3
