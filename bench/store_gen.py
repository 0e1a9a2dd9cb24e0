"""Generate GDELT 2.0 event files of any size with DuckDB (no Python loop), for benches and
the crash test. `python bench/store_gen.py OUT.CSV ROWS [SEED] [--ordered]`.

The rows are as full as real GDELT 2.0 rows: both actors with name, country, a type code and
their geography, the action's full geography (name, ADM codes, coordinates, feature id),
derived date columns, tone, DATEADDED and a news URL, as GDELT's own rows are: one row in ten has no first actor and one in four no second actor
(their fields, geography included, are empty, as in GDELT), four action locations in ten are
country-level (a short name, no ADM codes), and an article's URL serves three events in a row.
A row is about 390 bytes, near the rows of GDELT's 15-minute files, so an import speed
measured on these files means something."""
from __future__ import annotations

import sys

import duckdb

CODES = ["010", "0251", "036", "040", "042", "057", "111", "120", "130", "163", "173", "190"]
STATES = ["USA", "RUS", "CHN", "PRK", "UKR", "SYR", "IRN", "FRA", "DEU", "GBR", "JPN", "KOR"]
NAMES = ["UNITED STATES", "RUSSIA", "CHINA", "NORTH KOREA", "UKRAINE", "SYRIA", "IRAN",
         "FRANCE", "GERMANY", "UNITED KINGDOM", "JAPAN", "SOUTH KOREA"]
FIPS = ["US", "RS", "CH", "KN", "UP", "SY", "IR", "FR", "GM", "UK", "JA", "KS"]
PLACES = ["Washington, District of Columbia, United States", "Moscow, Moskva, Russia",
          "Beijing, Beijing, China", "Pyongyang, P'yongyang-si, North Korea",
          "Kyiv, Kyyiv, Misto, Ukraine", "Damascus, Dimashq, Syria", "Tehran, Tehran, Iran",
          "Paris, Ile-de-France, France", "Berlin, Berlin, Germany",
          "London, London, City of, United Kingdom", "Tokyo, Tokyo, Japan",
          "Seoul, Seoul-t'ukpyolsi, South Korea"]


def _list(xs: list[str]) -> str:
    return "[" + ",".join("'" + x.replace("'", "''") + "'" for x in xs) + "]"


def generate(out: str, rows: int, seed: int = 0, ordered: bool = False) -> None:
    """``rows`` rows into ``out``, their dates spread evenly over ten years; in random order,
    or (``ordered``) in the order of their dates, give or take two days, as GDELT writes its
    files (so a store of them has row groups of a few days each)."""
    from eventdesk.interop.layouts import GDELT2

    def pick(xs: list[str], k: str) -> str:
        return f"{_list(xs)}[1 + CAST({k} % 12 AS INTEGER)]"

    a, r, c, p = "h", "(h // 12)", "(h // 144)", "(h // 1728)"
    date = (f"(DATE '2015-01-01' + CAST(i * 3650 // {rows} + h % 3 AS INTEGER))" if ordered
            else "(DATE '2015-01-01' + CAST(h % 3650 AS INTEGER))")
    expr = {
        "GLOBALEVENTID": f"CAST({1_200_000_000 + seed * 100_000_000} + i AS VARCHAR)",
        "SQLDATE": f"strftime({date}, '%Y%m%d')", "MonthYear": f"strftime({date}, '%Y%m')",
        "Year": f"strftime({date}, '%Y')",
        "FractionDate": f"CAST(round(year({date}) + dayofyear({date}) / 365.0, 4) AS VARCHAR)",
        "IsRootEvent": "CAST(h % 2 AS VARCHAR)", "EventCode": pick(CODES, c),
        "EventBaseCode": f"left({pick(CODES, c)}, 3)", "EventRootCode": f"left({pick(CODES, c)}, 2)",
        "QuadClass": "CAST(1 + h % 4 AS VARCHAR)", "GoldsteinScale": "'1.5'",
        "NumMentions": "CAST(1 + h % 9 AS VARCHAR)", "NumSources": "CAST(1 + h % 3 AS VARCHAR)",
        "NumArticles": "CAST(1 + h % 9 AS VARCHAR)",
        "AvgTone": "CAST(round((h % 2000) / 100.0 - 10, 6) AS VARCHAR)",
        "DATEADDED": "strftime(DATE '2025-01-01' + CAST(i // 100000 AS INTEGER), '%Y%m%d') "
                     "|| '001500'",
        "SOURCEURL": "'https://www.news-example.com/world/2025/01/' || CAST(i // 3 % 99991 AS "
                     "VARCHAR) || '/leaders-meet-to-discuss-relations-' || CAST(i // 3 AS VARCHAR)"
                     " || '.html'"}
    for who, k in (("Actor1", a), ("Actor2", r)):
        expr |= {f"{who}Code": pick(STATES, k) + " || 'GOV'", f"{who}Name": pick(NAMES, k),
                 f"{who}CountryCode": pick(STATES, k), f"{who}Type1Code": "'GOV'"}
    for who, k in (("Actor1", a), ("Actor2", r), ("Action", p)):
        expr |= {f"{who}Geo_Type": "'4'", f"{who}Geo_FullName": pick(PLACES, k),
                 f"{who}Geo_CountryCode": pick(FIPS, k),
                 f"{who}Geo_ADM1Code": pick(FIPS, k) + " || '0' || CAST(h % 9 AS VARCHAR)",
                 f"{who}Geo_ADM2Code": pick(FIPS, k) + " || CAST(h % 97 AS VARCHAR)",
                 f"{who}Geo_Lat": f"CAST(round(({k} % 1400) / 10.0 - 70, 4) AS VARCHAR)",
                 f"{who}Geo_Long": f"CAST(round(({k} % 3600) / 10.0 - 180, 4) AS VARCHAR)",
                 f"{who}Geo_FeatureID": f"'-' || CAST({k} % 3000000 AS VARCHAR)"}
    # which rows lack an actor (h // 20736 is independent of the picks above), which places
    # are country-level
    absent = {"Actor1": "(h // 20736) % 10 = 0", "Actor2": "(h // 20736) % 4 = 1"}
    country = "(h // 248832) % 10 < 4"

    def sql(name: str) -> str:
        e = expr.get(name, "''")
        who = next((w for w in absent if name.startswith(w)), None)
        if who:
            e = f"CASE WHEN {absent[who]} THEN '' ELSE {e} END"
        if name.startswith("ActionGeo_"):
            if name == "ActionGeo_Type":
                e = f"CASE WHEN {country} THEN '1' ELSE {e} END"
            elif name == "ActionGeo_FullName":
                e = f"CASE WHEN {country} THEN {pick(NAMES, p)} ELSE {e} END"
            elif name.endswith(("ADM1Code", "ADM2Code")):
                e = f"CASE WHEN {country} THEN '' ELSE {e} END"
        return e

    cols = [f"{sql(name)} AS \"{name}\"" for name in GDELT2.names]
    duckdb.sql(f"COPY (SELECT {', '.join(cols)} FROM (SELECT i, hash(i + {seed}) AS h "
               f"FROM range({rows}) t(i))) TO '{out}' (FORMAT csv, DELIMITER '\t', "
               "HEADER false, QUOTE '', ESCAPE '')")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--ordered"]
    generate(args[0], int(args[1]), int(args[2]) if len(args) > 2 else 0,
             ordered="--ordered" in sys.argv)
