"""Speed of the analyses on generated events in the contract's columns.

    python bench/analysis_speed.py [N_EVENTS] [--db PATH]

Generates N_EVENTS (default 10,000,000) events among 40 countries over ten years in DuckDB
(from range(), no Python loop), then times a dyad series, a triangle and signals over all
dyads, and prints the figures. Targets: dyad < 1 s, triangle < 2 s, signals < 30 s.
"""
from __future__ import annotations

import argparse
import time

import duckdb

from eventdesk.analysis.dyads import dyad_series, top_dyads
from eventdesk.analysis.signals import signals as run_signals
from eventdesk.analysis.triangle import balance as run_balance, triangle as run_triangle
from eventdesk.analysis.synthetic import codes, generate

C = codes(40)


def timed(label: str, target: float, fn):
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    print(f"{label:<34} {dt:7.2f} s   (target < {target:g} s{'' if dt < target else ', MISSED'})")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10_000_000)
    ap.add_argument("--db", default=":memory:",
                    help="DuckDB file (default in memory); its table ev is reused if it holds "
                         "N_EVENTS rows")
    args = ap.parse_args()
    con = duckdb.connect(args.db)
    t0 = time.perf_counter()
    have = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'ev'"
                       ).fetchone()[0] and con.execute("SELECT count(*) FROM ev").fetchone()[0]
    if have != args.n:                      # a --db file from an earlier run is reused
        generate(con, "ev", args.n)
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(f"{'generated' if have != args.n else 'reused'} {args.n:,} events in {time.perf_counter() - t0:.1f} s; "
          f"DuckDB threads {threads}")
    df = timed("dyad series first two states by month", 1, lambda: dyad_series(con, "ev", C[0], C[1]))
    print(f"  {len(df)} months, {int(df['n'].sum()):,} events")
    tr = timed("triangle first three states by month", 2,
               lambda: run_triangle(con, "ev", [C[0], C[1], C[2]]))
    print(f"  {len(tr.frame)} months, 1000 bootstrap draws")
    found = timed("signals over all dyads (month)", 30,
                  lambda: run_signals(con, "ev", watch=[C[0], C[1], C[2]]))
    print(f"  {len(found)} signals shown; top: {found[0].kind} {found[0].a}–{found[0].b} "
          f"{found[0].score:.1f} bits" if found else "  no signals")


if __name__ == "__main__":
    main()
