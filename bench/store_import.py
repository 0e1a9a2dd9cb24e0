"""GDELT 2.0 import speed and memory: `python bench/store_import.py [--keep-columns] ROWS...`,
or `python bench/store_import.py --files N ROWS [--zip]` for N files of ROWS rows each imported
by one `import_files` call, as `eventdesk import *.export.CSV` does (GDELT 2.0 publishes a file
every 15 minutes, 96 a day, of a few thousand rows each, as a deflated .zip, which `--zip`
makes: per-file costs matter there).

Generates a file of each size (`store_gen.py`: rows as full as GDELT's, ~390 bytes), imports
it into a fresh store in a subprocess, and prints rows/s and the subprocess's peak RSS, so
memory can be compared across file sizes. The import (`import_file`: the rows stored, in
committed chunks) and the grouping of its reports that follows it (`store.settle()`, which
`eventdesk import` and the first read run) are timed apart, and together ("end to end":
what `eventdesk import FILE` costs). For scale it also prints the floor: DuckDB's CSV
reader alone inserting the same mapped columns into a bare table (no checks, no key, no
corroboration), on the same file, and the import's speed as a share of it."""
from __future__ import annotations

import os
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
r = import_file(s, sys.argv[2], 'gdelt2', keep_columns=sys.argv[3] == '1')
t1 = time.perf_counter()
s.settle()
print(r.rows_added, t1 - t, time.perf_counter() - t1)
"""

FILES = """
import sys, time
from eventdesk.store import open_store
from eventdesk.interop.importer import import_files
s = open_store(sys.argv[1])
settle = s.settle
s.settle = lambda: 0                # timed apart below (import_files groups at its end)
t = time.perf_counter()
rs = import_files(s, sys.argv[2:], 'gdelt2')
t1 = time.perf_counter()
settle()
print(sum(r.rows_added for r in rs), t1 - t, time.perf_counter() - t1)
"""

FLOOR = """
import sys, time, duckdb
from eventdesk.interop.layouts import GDELT2
from eventdesk.interop.importer import GDELT_MAPPED
con = duckdb.connect(sys.argv[1])
con.execute("SET preserve_insertion_order = false")
cols = "{" + ", ".join(f"'{n}': '{t}'" for n, t in GDELT2.columns) + "}"
mapped = ", ".join(f'"{n}"' for n in GDELT2.names if n in GDELT_MAPPED or n == "DATEADDED")
t = time.perf_counter()
n = con.execute(f"CREATE TABLE t AS SELECT {mapped} FROM read_csv('{sys.argv[2]}', "
                f"delim='\\t', header=false, columns={cols}, quote='', escape='', "
                "auto_detect=false, dateformat='%Y%m%d')").fetchone()[0]
con.execute("CHECKPOINT")
print(n, time.perf_counter() - t)
"""


def run(code: str, *args: str) -> tuple[int, list[float], float]:
    """Run ``code`` in a fresh interpreter: the numbers it prints last, and its own peak RSS
    in MB (from wait4, so each file size is measured apart)."""
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise SystemExit(f"the benchmark's child failed ({proc.returncode})")
        out.seek(0)
        fields = out.read().splitlines()[-1].split()
    return int(fields[0]), [float(x) for x in fields[1:]], usage.ru_maxrss / 1024


def many(n: int, rows: int, zipped: bool) -> None:
    import zipfile

    with tempfile.TemporaryDirectory() as tmp:
        paths = [str(Path(tmp) / f"f{i:03d}.export.CSV") for i in range(n)]
        for i, path in enumerate(paths):
            generate(path, rows, seed=i)
            if zipped:                  # as GDELT publishes them: one deflated member
                with zipfile.ZipFile(path + ".zip", "w", zipfile.ZIP_DEFLATED) as z:
                    z.write(path, Path(path).name)
                os.remove(path)
                paths[i] = path + ".zip"
        got, (secs, group), rss = run(FILES, str(Path(tmp) / "s.duckdb"), *paths)
        both = secs + group
        print(f"{n} {'zipped ' if zipped else ''}files of {rows} rows: {got} rows, import "
              f"{secs:.2f} s {got / secs:,.0f} "
              f"rows/s + grouping {group:.2f} s = end to end {both:.2f} s {got / both:,.0f} "
              f"rows/s, {both / n * 1000:.0f} ms a file, peak RSS {rss:.0f} MB")


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--files"]:
        many(int(args[1]), int(args[2]), "--zip" in args[3:])
        return
    keep = "--keep-columns" in args
    sizes = [int(a) for a in args if a != "--keep-columns"] or [1_000_000]
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "x.export.CSV"
            generate(str(f), rows)
            n, (secs, group), rss = run(CHILD, str(Path(tmp) / "s.duckdb"), str(f),
                                        "1" if keep else "0")
            fn, (fsecs,), _ = run(FLOOR, str(Path(tmp) / "floor.duckdb"), str(f))
            both = secs + group
            print(f"{rows:>10} rows  {f.stat().st_size / 1e6:8.1f} MB  import"
                  f"{' --keep-columns' if keep else ''} {secs:6.2f} s {n / secs:9,.0f} rows/s"
                  f"  + grouping {group:5.2f} s  = end to end {n / both:9,.0f} rows/s  "
                  f"peak RSS {rss:6.0f} MB  |  floor {fsecs:5.2f} s {fn / fsecs:9,.0f} rows/s"
                  f"  import/floor {fsecs / secs:4.0%}")


if __name__ == "__main__":
    main()
