"""GDELT 2.0 import speed and memory: `python bench/store_import.py ROWS [ROWS...]`.

Generates a file of each size, imports it into a fresh store in a subprocess, and prints rows/s
and the subprocess's peak RSS, so memory can be compared across file sizes."""
from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from store_gen import generate  # noqa: E402

CHILD = """
import sys, time
from eventdesk.store import open_store
from eventdesk.interop.importer import import_file
s = open_store(sys.argv[1])
t = time.perf_counter()
r = import_file(s, sys.argv[2], 'gdelt2')
print(r.rows_added, time.perf_counter() - t)
"""

for rows in map(int, sys.argv[1:] or ["1000000"]):
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "x.export.CSV"
        generate(str(f), rows)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        out = subprocess.run([sys.executable, "-c", CHILD, str(Path(tmp) / "s.duckdb"), str(f)],
                             capture_output=True, text=True, check=True).stdout.splitlines()[-1].split()
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        n, secs = int(out[0]), float(out[1])
        print(f"{rows:>10} rows  {f.stat().st_size / 1e6:8.1f} MB  {secs:6.2f} s  "
              f"{n / secs:10,.0f} rows/s  peak RSS {max(rss, before) / 1024:7.0f} MB")
