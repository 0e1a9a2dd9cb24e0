"""The knowledge base's tables without spaCy: one facade the importers, the analyses and the
coder's knowledge base read, with the user's ``--actors`` files on top."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from eventdesk import open_store
from eventdesk.actors.tables import (ActorTables, actor_tables, current_tables,
                                     use_actor_files)
from eventdesk.errors import UsageError
from eventdesk.interop.importer import import_file

DATA = Path(__file__).parent / "data" / "interop"
#: a state no table lists (a made-up one), and a file that adds it
RURITANIA = """states:
  - code: XRU
    name: Ruritania
    variants: [Kingdom of Ruritania, Ruritanian Realm]
orgs:
  - code: XRL
    name: Ruritanian League
    type: IGO
people:
  - {name: Rudolf Elphberg, country: XRU, role: head_of_state, start: 2010-01-01}
  - {name: Broken Row}
"""


@pytest.fixture
def ruritania(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(RURITANIA)
    yield path
    use_actor_files(())


def test_the_tables_load_without_spacy():
    code = ("import sys; from eventdesk.actors.tables import actor_tables; "
            "t = actor_tables(); assert 'RUS' in t.state_codes() and t.people_countries(); "
            "from eventdesk.analysis.common import known_codes, state_codes; "
            "assert state_codes() <= known_codes(); "
            "import eventdesk.interop.importer; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_a_user_file_adds_states_organisations_and_people_and_reports_bad_rows(ruritania):
    packaged = actor_tables()
    assert "XRU" not in packaged.known_codes()
    t = actor_tables((str(ruritania),))
    assert "XRU" in t.state_codes() and "XRL" in t.known_codes() - t.state_codes()
    assert t.state_code("kingdom of ruritania") == "XRU" == t.state_code("XRU")
    assert t.people_countries()["Rudolf Elphberg"] == {"XRU"}
    assert any("people row lacks country, role" in p for p in t.problems)
    assert packaged.state_codes() < t.state_codes()
    assert actor_tables((str(ruritania),)) is t         # loaded once


def test_a_user_state_replaces_the_packaged_row_of_its_code(tmp_path):
    path = tmp_path / "states-mine.tsv"
    path.write_text("code\tname\tvariants\nRUS\tRussia\tRussland|Rossiya\n")
    t = ActorTables.load([path])
    assert t.state_code("Rossiya") == "RUS"
    assert t.states["RUS"]["variants"] == "Russland|Rossiya"


def test_the_coders_knowledge_base_reads_the_same_rows(ruritania):
    import spacy

    from eventdesk.actors import KnowledgeBase

    kb = KnowledgeBase(spacy.blank("en").tokenizer, user_files=[ruritania])
    t = actor_tables((str(ruritania),))
    assert set(kb.states) == set(t.states) and set(kb.orgs) == set(t.orgs)
    assert [r.country for r in kb.roles["Rudolf Elphberg"]] == ["XRU"]
    assert any("people row lacks country, role" in p for p in kb.problems)


def _ruritanian_icews(tmp_path):
    text = (DATA / "icews.sample.tab").read_text().replace("Russian Federation", "Ruritania")
    path = tmp_path / "icews.tab"
    path.write_text(text)
    return path


def test_the_importer_reads_state_names_from_the_users_actor_file(tmp_path, ruritania):
    path = _ruritanian_icews(tmp_path)
    with open_store(tmp_path / "a.duckdb") as store:
        import_file(store, path)
        assert {e.actor[0].code for e in store.events() if e.actor} == {"CHN"}
    use_actor_files([ruritania])
    assert current_tables() is actor_tables((str(ruritania),))
    with open_store(tmp_path / "b.duckdb") as store:
        import_file(store, path)
        assert {e.actor[0].code for e in store.events(actor="XRU")} == {"XRU"}
        assert store.events(cameo="040")[0].location.country == "XRU"


def test_import_and_an_analysis_accept_actors_on_the_command_line(tmp_path, ruritania, cli):
    path = _ruritanian_icews(tmp_path)
    db = tmp_path / "s.duckdb"
    r = cli("import", path, "--db", db, "--actors", ruritania)
    assert r.returncode == 3, r.stderr          # the sample's bad rows are skipped
    r = cli("events", "--db", db, "--actor", "XRU", "--format", "tsv")
    assert r.returncode == 0 and r.stdout.count("XRU") >= 2, r.stderr
    # an analysis knows the user's codes: a known party with no events, not an unknown code
    r = cli("dyad", "XRL", "USA", "--db", db)
    assert r.returncode == 2 and "XRL: unknown actor code" in r.stderr
    r = cli("dyad", "XRL", "USA", "--db", db, "--actors", ruritania)
    assert r.returncode == 2 and "XRL: a known actor code, but the store has no events" in r.stderr
    r = cli("dyad", "XRU", "USA", "--db", db, "--actors", ruritania)
    assert r.returncode == 0, r.stderr
    r = cli("dyads", "--db", db, "--actors", tmp_path / "missing.yaml")
    assert r.returncode == 2 and r.stderr.strip().endswith("missing.yaml: no such actor file")


def test_a_missing_actor_file_is_a_usage_error():
    with pytest.raises(UsageError, match="no such actor file"):
        use_actor_files(["/nonexistent/actors.yaml"])
    assert current_tables() is actor_tables()
