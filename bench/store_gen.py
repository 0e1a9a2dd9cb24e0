"""Generate GDELT 2.0 event files of any size with DuckDB (no Python loop), for benches and
the crash test. `python bench/store_gen.py OUT.CSV ROWS [SEED]`."""
from __future__ import annotations

import sys

import duckdb

CODES = ["010", "0251", "036", "040", "042", "057", "111", "120", "130", "163", "173", "190"]
STATES = ["USA", "RUS", "CHN", "PRK", "UKR", "SYR", "IRN", "FRA", "DEU", "GBR", "JPN", "KOR"]


def generate(out: str, rows: int, seed: int = 0) -> None:
    codes = "[" + ",".join(f"'{c}'" for c in CODES) + "]"
    states = "[" + ",".join(f"'{s}'" for s in STATES) + "]"
    cols = []
    from eventdesk.interop.layouts import GDELT2
    expr = {
        "GLOBALEVENTID": f"CAST({seed * 100_000_000} + i AS VARCHAR)",
        "SQLDATE": "strftime(DATE '2015-01-01' + CAST(h % 3650 AS INTEGER), '%Y%m%d')",
        "Actor1Code": f"{states}[1 + CAST(h % 12 AS INTEGER)]",
        "Actor1CountryCode": f"{states}[1 + CAST(h % 12 AS INTEGER)]",
        "Actor2Code": f"{states}[1 + CAST((h // 12) % 12 AS INTEGER)]",
        "Actor2CountryCode": f"{states}[1 + CAST((h // 12) % 12 AS INTEGER)]",
        "EventCode": f"{codes}[1 + CAST((h // 144) % 12 AS INTEGER)]",
        "QuadClass": "'1'", "GoldsteinScale": "'1.5'", "NumMentions": "CAST(1 + h % 9 AS VARCHAR)",
        "NumSources": "'1'", "NumArticles": "CAST(1 + h % 9 AS VARCHAR)", "AvgTone": "'-1.25'",
        "ActionGeo_FullName": "'Somewhere'", "ActionGeo_Lat": "'10.5'", "ActionGeo_Long": "'20.25'",
        "DATEADDED": "'20250101000000'",
        "SOURCEURL": "'https://news.example/' || CAST(i AS VARCHAR)"}
    for name in GDELT2.names:
        cols.append(f"{expr.get(name, repr(''))} AS \"{name}\"")
    duckdb.sql(f"COPY (SELECT {', '.join(cols)} FROM (SELECT i, hash(i + {seed}) AS h "
               f"FROM range({rows}) t(i))) TO '{out}' (FORMAT csv, DELIMITER '\t', "
               "HEADER false, QUOTE '', ESCAPE '')")


if __name__ == "__main__":
    generate(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
