import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"


@pytest.fixture(scope="session")
def coder():
    from eventdesk import Coder

    return Coder()


def run_cli(*args, input=None, env=None, cwd=None):
    """Run the real command in a subprocess; returns CompletedProcess with text output."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "eventdesk", *map(str, args)], input=input,
                          capture_output=True, text=True, env=full_env, cwd=cwd, timeout=600)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory, coder):
    """examples/corpus coded into a store once per test session, as `make demo` does (read
    it; copy it before writing)."""
    import eventdesk

    path = tmp_path_factory.mktemp("demo") / "eventdesk.duckdb"
    with eventdesk.open_store(path) as store:
        store.ingest(eventdesk.read_documents([str(CORPUS)]), coder=coder)
    return path
