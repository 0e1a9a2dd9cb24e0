"""A bounded load test of the workbench on loopback: starts ``eventdesk serve`` on 127.0.0.1 on
a free port, sends a fixed number of requests over the page mix from a fixed number of
concurrent clients, prints p50/p95/p99 latency per kind and overall, and the error count, then
stops the server. Nothing leaves the machine; it stops by itself.

    python bench/serve_load.py --db demo/eventdesk.duckdb [--clients 20] [--requests 2000]

The mix: the overview, dyad pages and their API, events pages (filtered, sorted, deep pages),
event pages, triangle, signals and map. Event ids and dyads are read from the store first.
Figures depend on the machine's load: say what else was running.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample(db: str, n_events: int = 200) -> dict[str, list]:
    """Dyads, actors and event ids of the store to build the requests from."""
    sys.path.insert(0, str(ROOT / "src"))
    from eventdesk.store import open_store

    with open_store(db, read_only=True) as s:
        dyads = s.con.execute(
            "SELECT least(actor_country, recipient_country), greatest(actor_country, "
            "recipient_country), count(*) n FROM groups WHERE actor_country IS NOT NULL AND "
            "recipient_country IS NOT NULL AND actor_country <> recipient_country AND "
            "status = 'asserted' GROUP BY 1, 2 ORDER BY n DESC LIMIT 10").fetchall()
        ids = [r[0] for r in s.con.execute(
            f"SELECT event_id FROM events USING SAMPLE {int(n_events)} ROWS").fetchall()]
        first, last = s.con.execute("SELECT min(date), max(date) FROM groups").fetchone()
    return {"dyads": [(a, b) for a, b, _ in dyads], "ids": ids, "first": first, "last": last}


def mix(data: dict[str, list], rng: random.Random) -> list[tuple[str, str]]:
    """(kind, path) choices, weighted toward what an analyst opens most."""
    a, b = rng.choice(data["dyads"])
    c = next(x for pair in data["dyads"] for x in pair if x not in (a, b))
    ev = rng.choice(data["ids"])
    span = (data["last"] - data["first"]).days
    day = data["first"] + __import__("datetime").timedelta(days=rng.randrange(max(span, 1)))
    month = day.replace(day=1)
    out = [
        ("overview", "/"),
        ("dyad", f"/dyad/{a}/{b}?by=month"),
        ("api dyad", f"/api/dyad/{a}/{b}?by=week"),
        ("events", "/events?" + urlencode({"actor": a, "sort": "-goldstein"})),
        ("events", "/events?" + urlencode({"dyad": f"{a},{b}", "since": month.isoformat(),
                                           "until": (month.replace(day=28)).isoformat()})),
        ("events page 50", "/events?" + urlencode({"cameo": "04", "page": 50})),
        ("api events", "/api/events?" + urlencode({"recipient": b, "status": "asserted",
                                                   "per": 100})),
        ("event", f"/event/{ev}"),
        ("event", f"/event/{ev}"),
        ("triangle", f"/triangle/{a}/{b}/{c}?by=month"),
        ("signals", "/signals?" + urlencode({"watch": f"{a},{b}"})),
        ("map", "/map?" + urlencode({"actor": a})),
    ]
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--timeout", type=float, default=60.0, help="per request, seconds")
    args = p.parse_args()
    data = sample(args.db)
    rng = random.Random(args.seed)
    plan = [rng.choice(mix(data, rng)) for _ in range(args.requests)]
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([sys.executable, "-m", "eventdesk", "serve", "--db", args.db,
                               "--port", str(port)], env=env, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start: "
                                     + server.stderr.read().decode()[-500:])
                time.sleep(0.2)
        # one warm-up pass of each kind (templates, Plotly's file, DuckDB's caches)
        with httpx.Client(base_url=base, timeout=args.timeout) as c:
            for _, path in mix(data, random.Random(1)):
                c.get(path)
        times: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, int] = defaultdict(int)
        lock = threading.Lock()
        queue = iter(enumerate(plan))

        def client() -> None:
            with httpx.Client(base_url=base, timeout=args.timeout) as c:
                while True:
                    with lock:
                        item = next(queue, None)
                    if item is None:
                        return
                    _, (kind, path) = item
                    t0 = time.perf_counter()
                    try:
                        r = c.get(path)
                        ok = r.status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    dt = time.perf_counter() - t0
                    with lock:
                        times[kind].append(dt)
                        if not ok:
                            errors[kind] += 1

        t0 = time.perf_counter()
        workers = [threading.Thread(target=client) for _ in range(args.clients)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=30)

    def q(xs: list[float], p: float) -> float:
        xs = sorted(xs)
        return 1000 * xs[min(len(xs) - 1, int(p * len(xs)))]

    every = [t for ts in times.values() for t in ts]
    print(f"{args.db}: {len(every)} requests from {args.clients} clients in {wall:.1f} s "
          f"({len(every) / wall:.1f}/s); errors {sum(errors.values())}")
    print(f"{'kind':16} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for kind in sorted(times):
        ts = times[kind]
        print(f"{kind:16} {len(ts):5d} {q(ts, .5):8.0f} {q(ts, .95):8.0f} {q(ts, .99):8.0f} "
              f"{errors[kind]:6d}")
    print(f"{'all':16} {len(every):5d} {q(every, .5):8.0f} {q(every, .95):8.0f} "
          f"{q(every, .99):8.0f} {sum(errors.values()):6d}")
    print(f"mean {1000 * statistics.mean(every):.0f} ms")


if __name__ == "__main__":
    main()
