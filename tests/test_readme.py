"""The README runs as written: its Python example prints what it says, and every line of its
shell tour runs after `make demo`, from a folder laid out like a fresh clone."""
import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT


def test_readme_python_example_runs(tmp_path):
    readme = (ROOT / "README.md").read_text()
    (block,) = re.findall(r"```python\n(.*?)```", readme, re.S)
    expected = [line.split("# ", 1)[1] for line in block.splitlines()
                if line.startswith("# ")]
    code = block.replace('"examples/corpus"', repr(str(ROOT / "examples" / "corpus")))
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert out.getvalue().splitlines()[: len(expected)] == expected
    assert (tmp_path / "my.duckdb").exists()


def tour_lines():
    """The commands of the README's ``sh`` tour block, one per line, comments dropped."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    tour = next(b for b in blocks if "export EVENTDESK_DB=" in b)
    return [line for line in (raw.strip() for raw in tour.splitlines())
            if line and not line.startswith("#")]


@pytest.fixture
def clone(tmp_path, demo_store):
    """A folder like a fresh clone after `make demo`: examples/ (linked), demo/eventdesk.duckdb
    (the session's demo store, copied) and a `.venv/bin` whose `eventdesk` runs this code."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "demo").mkdir()
    shutil.copy(demo_store, tmp_path / "demo" / "eventdesk.duckdb")
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    tool = venv / "eventdesk"
    tool.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -m eventdesk \"$@\"\n")
    tool.chmod(0o755)
    (venv / "activate").write_text(f'export PATH="{venv}:$PATH"\n')
    return tmp_path


def test_every_line_of_the_readme_tour_runs_as_written(clone):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("EVENTDESK_DB", None)
    lines = tour_lines()
    assert lines[0].startswith(". .venv/bin/activate") and "export EVENTDESK_DB" in lines[1]
    prelude = "set -e -o pipefail\n"
    for line in lines:
        if line.startswith(". ") or line.startswith("export "):
            prelude += line + "\n"          # the environment every later line runs in
            continue
        if line.startswith("eventdesk serve"):
            continue                        # runs until stopped: tested on its own
        r = subprocess.run(["bash", "-c", prelude + line], cwd=clone, env=env, text=True,
                           capture_output=True, timeout=600)
        assert r.returncode == 0, f"{line}\n{r.stderr}"
    assert (clone / "brief.html").stat().st_size > 100_000      # Plotly embedded
    assert (clone / "triangle.png").read_bytes()[:4] == b"\x89PNG"
    assert (clone / "events.tsv").read_text().startswith("id\t")
    assert (clone / "misses.tsv").exists() and (clone / "rus.tsv").exists()


def test_missing_files_are_usage_errors(tmp_path):
    from conftest import run_cli

    for args in (["actors", "check", "--actors", "no-such.yaml"],
                 ["code", "no-such.txt"], ["import", "no-such.tab", "--db", "x.duckdb"],
                 ["eval", "no-such.tsv", "--format", "conflibert-class"]):
        r = run_cli(*args, cwd=tmp_path)
        assert r.returncode == 2, (args, r.returncode, r.stderr)
        assert "no such" in r.stderr.lower(), (args, r.stderr)
