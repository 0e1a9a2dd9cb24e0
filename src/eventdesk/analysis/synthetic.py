"""Synthetic relations with the columns of the analysis contract, for tests and benchmarks.

``events_table`` writes a handful of hand-made events with known answers; ``generate`` makes
millions in DuckDB from ``range()`` (no Python loop).
"""
from __future__ import annotations

from datetime import date as Date
from typing import Any

COLUMNS = {
    "event_id": "VARCHAR", "group_id": "VARCHAR", "date": "DATE", "date_precision": "VARCHAR",
    "actor_country": "VARCHAR", "actor_code": "VARCHAR", "actor_sector": "VARCHAR",
    "actor_office": "VARCHAR", "actor_name": "VARCHAR", "recipient_country": "VARCHAR",
    "recipient_code": "VARCHAR", "recipient_sector": "VARCHAR", "cameo": "VARCHAR",
    "root": "VARCHAR", "goldstein": "DOUBLE", "quad": "TINYINT", "plover": "VARCHAR",
    "mode": "VARCHAR", "status": "VARCHAR", "n_reports": "INTEGER", "n_sources": "INTEGER",
    "n_docs": "INTEGER", "doc_id": "VARCHAR", "sentence": "VARCHAR",
}


def quad_of(goldstein: float, material: bool = False) -> int:
    return (2 if material else 1) if goldstein >= 0 else (4 if material else 3)


def event(day: str | Date, actor: str, recipient: str, goldstein: float, *,
          cameo: str | None = None, material: bool = False, sector: str | None = "GOV",
          office: str | None = None, n_sources: int = 2, sentence: str | None = None,
          doc_id: str = "doc") -> dict[str, Any]:
    """One event row; the country is the code's first three letters."""
    cameo = cameo or ("042" if goldstein >= 0 else "112")
    return {"date": Date.fromisoformat(str(day)), "date_precision": "day",
            "actor_country": actor[:3], "actor_code": actor, "actor_sector": sector,
            "actor_office": office, "recipient_country": recipient[:3],
            "recipient_code": recipient, "recipient_sector": "GOV", "cameo": cameo,
            "root": cameo[:2], "goldstein": goldstein, "quad": quad_of(goldstein, material),
            "status": "asserted", "n_reports": n_sources, "n_sources": n_sources,
            "n_docs": n_sources, "doc_id": doc_id,
            "sentence": sentence or f"{actor} acted toward {recipient} ({goldstein:+}).",
            "mode": None, "plover": None, "actor_name": None}


def events_table(con: Any, name: str, rows: list[dict[str, Any]]) -> str:
    """Create table ``name`` with the contract's columns holding ``rows``; returns ``name``."""
    cols = ", ".join(f"{c} {t}" for c, t in COLUMNS.items())
    con.execute(f"CREATE OR REPLACE TABLE {name} ({cols})")
    values = []
    for k, r in enumerate(rows):
        full = {c: r.get(c) for c in COLUMNS}
        full["event_id"] = full["event_id"] or f"e{k:06d}"
        full["group_id"] = full["group_id"] or full["event_id"]
        values.append([full[c] for c in COLUMNS])
    if values:
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(COLUMNS))})", values)
    return name


def codes(countries: int) -> list[str]:
    """The first ``countries`` state codes of the knowledge base, in alphabetical order."""
    from .common import state_codes

    return sorted(state_codes())[:countries]


def generate(con: Any, name: str, n: int, *, countries: int = 40, days: int = 3650,
             seed: float = 0.42) -> str:
    """``n`` random events among the first ``countries`` state codes (:func:`codes`), over
    ``days`` days from 2010-01-01, in DuckDB from ``range()``."""
    con.execute(f"SELECT setseed({seed})")
    states = "[" + ", ".join(f"'{c}'" for c in codes(countries)) + "]"
    con.execute(f"""
        CREATE OR REPLACE TABLE {name} AS
        WITH r AS (SELECT i, floor(random() * {countries})::INT AS a,
                          floor(random() * {countries - 1})::INT AS b0,
                          floor(random() * 20)::INT + 1 AS root_n,
                          random() AS u, random() AS v
                   FROM range({n}) t(i)),
        s AS (SELECT *, CASE WHEN b0 >= a THEN b0 + 1 ELSE b0 END AS b,
                     CASE WHEN root_n <= 8 THEN 1 WHEN root_n <= 9 THEN 2
                          WHEN root_n <= 14 THEN 3 ELSE 4 END AS quad FROM r)
        SELECT 'e' || i AS event_id, 'g' || i AS group_id,
               DATE '2010-01-01' + CAST(floor(u * {days}) AS INT) AS date,
               'day' AS date_precision,
               {states}[a + 1] AS actor_country,
               {states}[a + 1] || CASE WHEN v < 0.5 THEN 'GOV' ELSE '' END AS actor_code,
               CASE WHEN v < 0.5 THEN 'GOV' WHEN v < 0.6 THEN 'MIL' END AS actor_sector,
               CASE WHEN v < 0.05 THEN 'head_of_state' WHEN v < 0.08 THEN 'foreign_minister'
                    END AS actor_office,
               NULL::VARCHAR AS actor_name,
               {states}[b + 1] AS recipient_country, {states}[b + 1] AS recipient_code,
               'GOV' AS recipient_sector,
               printf('%02d%d', root_n, floor(v * 5)::INT) AS cameo,
               printf('%02d', root_n) AS root,
               CASE WHEN quad <= 2 THEN round(v * 8, 1) ELSE -round(v * 10, 1) END AS goldstein,
               quad::TINYINT AS quad, NULL::VARCHAR AS plover, NULL::VARCHAR AS mode,
               'asserted' AS status, 1 + floor(v * 4)::INT AS n_reports,
               1 + floor(v * 3)::INT AS n_sources, 1 + floor(v * 3)::INT AS n_docs,
               'd' || (i // 10) AS doc_id, 'Sentence ' || i || '.' AS sentence
        FROM s""")
    return name
