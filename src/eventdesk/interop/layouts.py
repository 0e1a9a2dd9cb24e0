"""The column layouts of the event datasets eventdesk imports and exports.

Each layout lists its columns in file order with the DuckDB type they are read as. Codes (CAMEO,
actor, country) are VARCHAR, so "010" and "0251" keep their zeros; the event date is read as a
DATE in the dataset's own format so a bad date is rejected by the CSV reader with its line.
"""
from __future__ import annotations

from dataclasses import dataclass, field

_ACTOR = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
          "Religion2Code", "Type1Code", "Type2Code", "Type3Code"]
_GEO2 = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
_GEO1 = [g for g in _GEO2 if g != "ADM2Code"]
_TYPES = {"GLOBALEVENTID": "VARCHAR", "SQLDATE": "DATE", "GoldsteinScale": "DOUBLE",
          "NumMentions": "INTEGER", "NumSources": "INTEGER", "NumArticles": "INTEGER",
          "QuadClass": "TINYINT", "ActionGeo_Lat": "DOUBLE", "ActionGeo_Long": "DOUBLE"}


def _gdelt(geo: list[str], tail: list[str]) -> list[tuple[str, str]]:
    names = (["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
             + [f"Actor1{a}" for a in _ACTOR] + [f"Actor2{a}" for a in _ACTOR]
             + ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
                "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone"]
             + [f"{w}Geo_{g}" for w in ("Actor1", "Actor2", "Action") for g in geo] + tail)
    return [(n, _TYPES.get(n, "VARCHAR")) for n in names]


@dataclass(frozen=True)
class Layout:
    name: str
    columns: list[tuple[str, str]]
    delimiter: str = "\t"
    header: bool = False
    dateformat: str = "%Y%m%d"
    required: tuple[str, ...] = ()          # header names that must be present
    notes: str = ""
    alternatives: tuple[int, ...] = field(default_factory=tuple)
    #: a row may lack the columns after this one (read padded with NULLs); one that lacks
    #: this one too has too few columns
    padded: str = ""

    @property
    def names(self) -> list[str]:
        return [n for n, _ in self.columns]


GDELT2 = Layout("gdelt2", _gdelt(_GEO2, ["DATEADDED", "SOURCEURL"]),
                notes="GDELT 2.0 event export: 61 tab-separated columns, no header")
GDELT1 = Layout("gdelt1", _gdelt(_GEO1, ["DATEADDED", "SOURCEURL"]),
                notes="GDELT 1.0 daily export: 57 columns (58 with SOURCEURL, from April 2013)",
                padded="DATEADDED")   # a row of either width, in any file (they mix)
GDELT1_57 = Layout("gdelt1", _gdelt(_GEO1, ["DATEADDED"]))
MENTIONS = Layout("gdelt2-mentions", [
    ("GLOBALEVENTID", "VARCHAR"), ("EventTimeDate", "VARCHAR"), ("MentionTimeDate", "VARCHAR"),
    ("MentionType", "VARCHAR"), ("MentionSourceName", "VARCHAR"),
    ("MentionIdentifier", "VARCHAR"), ("SentenceID", "INTEGER"),
    ("Actor1CharOffset", "INTEGER"), ("Actor2CharOffset", "INTEGER"),
    ("ActionCharOffset", "INTEGER"), ("InRawText", "VARCHAR"), ("Confidence", "VARCHAR"),
    ("MentionDocLen", "VARCHAR"), ("MentionDocTone", "VARCHAR"),
    ("MentionDocTranslationInfo", "VARCHAR"), ("Extras", "VARCHAR")],
    notes="GDELT 2.0 mentions: 16 tab-separated columns, no header")
ICEWS = Layout("icews", [(n, "DATE" if n == "Event Date" else "DOUBLE"
                          if n in ("Intensity", "Latitude", "Longitude") else "VARCHAR")
                         for n in ["Event ID", "Event Date", "Source Name", "Source Sectors",
                                   "Source Country", "Event Text", "CAMEO Code", "Intensity",
                                   "Target Name", "Target Sectors", "Target Country", "Story ID",
                                   "Sentence Number", "Publisher", "City", "District",
                                   "Province", "Country", "Latitude", "Longitude"]],
               header=True, dateformat="%Y-%m-%d",
               required=("Event ID", "Event Date", "Source Name", "CAMEO Code", "Target Name"),
               notes="ICEWS coded event data: 20 tab-separated columns with a header row")
POLECAT = Layout("polecat", [(n, "DATE" if n == "Event Date" else "VARCHAR") for n in [
    "Event ID", "Event Date", "Event Type", "Event Mode", "Event Intensity", "Quad Code",
    "Contexts", "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector",
    "Actor Sectors", "Actor Title", "Actor Name Raw", "Wikipedia Actor ID", "Recipient Name",
    "Recipient Country", "Recipient COW", "Primary Recipient Sector", "Recipient Sectors",
    "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID", "Placename", "City",
    "District", "Province", "Country", "Latitude", "Longitude", "GeoNames ID",
    "Raw Placename", "Feature Type", "Source", "Publication Date", "Story People",
    "Story Organizations", "Story Locations", "Language", "Version"]],
    header=True, dateformat="%Y-%m-%d",
    required=("Event ID", "Event Date", "Event Type", "Actor Name", "Recipient Name"),
    notes="POLECAT weekly data: tab-separated with a header row; PLOVER event types")
PHOENIX = Layout("phoenix", [(n, {"Date": "DATE", "GoldsteinScore": "DOUBLE", "Lat": "DOUBLE",
                                  "Lon": "DOUBLE"}.get(n, "VARCHAR")) for n in [
    "EventID", "Date", "Year", "Month", "Day", "SourceActorFull", "SourceActorEntity",
    "SourceActorRole", "SourceActorAttribute", "TargetActorFull", "TargetActorEntity",
    "TargetActorRole", "TargetActorAttribute", "EventCode", "EventRootCode", "PentaClass",
    "GoldsteinScore", "Issues", "Lat", "Lon", "LocationName", "StateName", "CountryCode",
    "SentenceID", "URLs", "NewsSources"]],
    delimiter=",", notes="Phoenix (Open Event Data Alliance): 26 columns, comma- or "
                         "tab-separated, with or without a header row")

#: PLOVER JSON lines: the PLOVER manual's field names; eventdesk adds cameo
PLOVER_FIELDS = ["id", "date", "event", "mode", "context", "actor", "actor_country",
                 "actor_sector", "recipient", "recipient_country", "recipient_sector",
                 "location", "location_country", "latitude", "longitude", "text", "source",
                 "url", "publication_date", "cameo", "goldstein"]

IMPORT_FORMATS = ("gdelt1", "gdelt2", "gdelt2-mentions", "icews", "polecat", "plover", "phoenix")
EXPORT_FORMATS = ("gdelt2", "plover", "polecat", "csv", "parquet")
