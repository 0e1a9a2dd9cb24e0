"""A file given as the store that is not an eventdesk DuckDB store — a SQLite database, a text
file, a damaged or cut-short store — is one clear error (exit 2), never a traceback, and DuckDB
never installs or loads an extension on its own."""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from eventdesk import open_store
from eventdesk.cli import main
from eventdesk.errors import StoreError
from eventdesk.interop.importer import import_file

DATA = Path(__file__).parent / "data" / "interop"


def _run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_every_store_connection_has_extension_autoinstall_and_autoload_off(tmp_path):
    for read_only in (False, True):
        with open_store(tmp_path / "s.duckdb", read_only=read_only) as store:
            got = store.con.execute(
                "SELECT current_setting('autoinstall_known_extensions'), "
                "current_setting('autoload_known_extensions')").fetchone()
            assert got == (False, False)


def test_a_sqlite_file_as_the_store_is_one_clear_error_and_nothing_is_downloaded(
        tmp_path, cli):
    db = tmp_path / "other.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    home = tmp_path / "home"
    home.mkdir()
    for command in (["summary"], ["events"], ["import", DATA / "icews.sample.tab"]):
        r = cli(*command, "--db", db, env={"HOME": str(home)})
        assert r.returncode == 2, r.stderr
        assert r.stderr.strip() == f"eventdesk: {db}: not an eventdesk store (a SQLite database)"
    assert not (home / ".duckdb").exists()     # DuckDB's extension folder: nothing fetched
    assert db.read_bytes().startswith(b"SQLite format 3")       # left as it was


@pytest.mark.parametrize("content,why", [(b"event notes\n" * 50, "not a DuckDB database file"),
                                         (b"\x00" * 20000, "not a DuckDB database file")])
def test_a_file_that_is_no_duckdb_database_is_refused_untouched(tmp_path, capsys, content, why):
    db = tmp_path / "notes.duckdb"
    db.write_bytes(content)
    for command in ("summary", "events"):
        code, out, err = _run(capsys, command, "--db", db)
        assert (code, out) == (2, "")
        assert err.strip() == f"eventdesk: {db}: not an eventdesk store ({why})"
    with pytest.raises(StoreError):
        open_store(db)
    assert db.read_bytes() == content


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    db = tmp_path_factory.mktemp("good") / "s.duckdb"
    with open_store(db) as store:
        for name in ("gdelt2.export.CSV", "icews.sample.tab", "polecat.sample.tsv"):
            import_file(store, DATA / name)
        store.settle()
    return db


def test_a_store_cut_short_is_one_clear_error(tmp_path, capsys, stored):
    db = tmp_path / "cut.duckdb"
    shutil.copy(stored, db)
    os.truncate(db, 5000)
    code, out, err = _run(capsys, "summary", "--db", db)
    assert (code, out) == (2, "")
    assert err.startswith(f"eventdesk: {db}: the store file is damaged (") and \
        err.count("\n") == 1


def test_a_damaged_block_anywhere_in_the_store_is_one_clear_error(tmp_path, capsys, stored):
    """Garbage written into each 256 KiB block in turn: whether DuckDB finds the damage on
    opening the store or only when a query reads the block, every command ends with one line
    and exit 2, or, when the block is one the command does not read, works."""
    size = stored.stat().st_size
    damaged = 0
    for offset in range(0, size, 1 << 18):
        db = tmp_path / f"bad{offset}.duckdb"
        shutil.copy(stored, db)
        with open(db, "r+b") as f:
            f.seek(offset + 100)
            f.write(bytes(range(7, 71)))
        for command in ("events", "summary", "dyads"):
            code, out, err = _run(capsys, command, "--db", db)
            assert code in (0, 2), err
            if code == 2:
                damaged += 1
                assert err.startswith(f"eventdesk: {db}: the store file is damaged (")
                assert err.count("\n") == 1 and "Corrupt database file" in err
    assert damaged
