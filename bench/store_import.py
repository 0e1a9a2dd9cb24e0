"""GDELT 2.0 import speed and memory: `python bench/store_import.py [--keep-columns]
[--ordered] [--repeat K] ROWS...`, or `python bench/store_import.py [--repeat K] --files N
ROWS [--zip]` for N files of ROWS rows each imported by one `import_files` call, as
`eventdesk import *.export.CSV` does (GDELT 2.0 publishes a file every 15 minutes, 96 a day,
of a few thousand rows each, as a deflated .zip, which `--zip` makes: per-file costs matter
there).

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
import statistics
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
from eventdesk.interop.mapping import GDELT_MAPPED
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


def _spread(xs: list[float]) -> str:
    return f"{statistics.median(xs):,.0f} ({min(xs):,.0f}-{max(xs):,.0f})" if len(xs) > 1 \
        else f"{xs[0]:,.0f}"


def many(n: int, rows: int, zipped: bool, repeat: int) -> None:
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
        imp, end, rss = [], [], 0.0
        for _ in range(repeat):
            store = Path(tmp) / "s.duckdb"
            got, (secs, group), r = run(FILES, str(store), *paths)
            store.unlink()
            imp.append(got / secs)
            end.append(got / (secs + group))
            rss = max(rss, r)
        print(f"{n} {'zipped ' if zipped else ''}files of {rows} rows: {got} rows, import "
              f"{_spread(imp)} rows/s, end to end (+ grouping) {_spread(end)} rows/s, "
              f"median of {repeat}, peak RSS {rss:.0f} MB")


def main() -> None:
    args = sys.argv[1:]
    repeat = 3
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = max(1, int(args[i + 1]))
        del args[i:i + 2]
    if args[:1] == ["--files"]:
        many(int(args[1]), int(args[2]), "--zip" in args[3:], repeat)
        return
    keep = "--keep-columns" in args
    ordered = "--ordered" in args
    sizes = [int(a) for a in args if not a.startswith("--")] or [1_000_000]
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "x.export.CSV"
            generate(str(f), rows, ordered=ordered)
            imp, grp, end, flo, share, rss = [], [], [], [], [], 0.0
            for _ in range(repeat):     # the import and the floor alternately
                for name in ("s.duckdb", "floor.duckdb"):
                    for p in Path(tmp).glob(name + "*"):
                        p.unlink()
                n, (secs, group), r = run(CHILD, str(Path(tmp) / "s.duckdb"), str(f),
                                          "1" if keep else "0")
                fn, (fsecs,), _ = run(FLOOR, str(Path(tmp) / "floor.duckdb"), str(f))
                imp.append(n / secs)
                grp.append(group)
                end.append(n / (secs + group))
                flo.append(fn / fsecs)
                share.append(fsecs / secs * 100)
                rss = max(rss, r)
            print(f"{rows:>10} rows{' ordered' if ordered else ''}  "
                  f"{f.stat().st_size / 1e6:7.1f} MB  import"
                  f"{' --keep-columns' if keep else ''} {_spread(imp)} rows/s  + grouping "
                  f"{statistics.median(grp):.2f} s  = end to end {_spread(end)} rows/s  "
                  f"peak RSS {rss:.0f} MB  |  floor {_spread(flo)} rows/s  import/floor "
                  f"{_spread(share)}%  (median of {repeat})")


if __name__ == "__main__":
    main()
