"""A brief's questions on Russian–U.S. relations, asked of the store from Python.

Run after `make demo`:  .venv/bin/python examples/russia_usa.py [demo/eventdesk.duckdb]
(each step prints what it found; the same calls work cell by cell in a notebook).
"""
import sys

import eventdesk
import eventdesk.analysis as ea

path = sys.argv[1] if len(sys.argv) > 1 else "demo/eventdesk.duckdb"
store = eventdesk.open_store(path, read_only=True)    # read-only: the CLI can read beside it

# 1. Warming or cooling? The brief's verdict: the last full month against the six before.
brief = ea.brief(store, "RUS", ["USA", "CHN"])
v = brief.to_frame().set_index("partner").loc["USA"]
print(f"1. RUS–USA in {v.period}: {v.verdict} (mean {v.mean_last:+.1f} against "
      f"{v.mean_baseline:+.1f} before)")

# 2. In words or in deeds? Quad classes 1 and 3 are words, 2 and 4 deeds.
months = ea.dyad(store, "RUS", "USA")
words = int(months[["verbal_coop", "verbal_conflict"]].to_numpy().sum())
deeds = int(months[["material_coop", "material_conflict"]].to_numpy().sum())
print(f"2. {words} events in words, {deeds} in deeds")

# 3. Who holds the pivot of the triangle with China?
tri = ea.triangle(store, ["RUS", "USA", "CHN"], reps=200).to_frame()
last = tri.iloc[-1]
print(f"3. {last.period}: {last.configuration}; pivot: {last.pivot or 'nobody'}")

# 4. The leader against his government: is Trump warmer toward Russia than his government?
div = ea.divergence(store, "USA", "RUS").to_frame().set_index("kind").loc["all"]
print(f"4. U.S. head of state minus government toward RUS: {div.difference:+.1f} "
      f"(95% {div.lo:+.1f} to {div.hi:+.1f})")

# 5. What went unnoticed? Signals touching the watched powers, best first.
sig = ea.signals(store, watch=["USA", "RUS", "CHN"], top=5)
for r in sig.itertuples():
    print(f"5. {r.date} {r.dyad} {r.kind} (priority {r.priority}, {r.score:.1f} bits)")

# Every actor of every event, one row per actor–recipient pair, with country columns.
pairs = store.events(actor="RUS", as_frame=True, explode=True)
print(f"6. {len(pairs)} actor–recipient rows of Russian events, "
      f"{pairs.recipient_country.nunique()} recipient countries")
store.close()
