"""The README's Python example runs as written and prints what it says."""
import contextlib
import io
import os
import re

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
