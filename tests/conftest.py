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
