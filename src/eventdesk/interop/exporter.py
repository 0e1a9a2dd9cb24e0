"""Exporting stored events: GDELT 2.0 TSV, PLOVER JSON lines, POLECAT TSV, CSV, Parquet.

Every export is one DuckDB ``COPY (SELECT ...) TO`` over the events view, streamed by DuckDB.
A column the format carries comes from the event's own column, or, for an event imported from
that same format with ``--keep-columns``, from the fields kept in ``events.extra`` as they were
read, so exporting what was imported gives back the same rows. Without them, the fields that
follow from the event (GDELT's MonthYear, EventRootCode, ...) are derived and the others empty.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ..errors import StoreError, UsageError
from ..store import Store
from ..store.sql import ident, literal
from .layouts import EXPORT_FORMATS, GDELT1, GDELT1_57, GDELT2, PLOVER_FIELDS, POLECAT
from .mapping import extra_names

#: formats that cannot say whether an event happened: by default only asserted events go out
ASSERTED_ONLY = ("gdelt2", "plover", "polecat")


def _clean(expr: str) -> str:
    return f"replace(replace(coalesce(CAST({expr} AS VARCHAR), ''), chr(9), ' '), chr(10), ' ')"


def _from_extra(layouts: dict[str, Any], name: str, derived: str) -> str:
    """The field ``name`` from ``extra`` for events imported from one of ``layouts`` with their
    unmapped fields kept, else ``derived``."""
    whens = []
    for ds, layout in layouts.items():
        names = extra_names(layout)
        if name in names:
            whens.append(f"WHEN dataset = {literal(ds)} AND extra IS NOT NULL THEN "
                         f"split_part(extra, chr(9), {names.index(name) + 1})")
    if not whens:
        return _clean(derived)
    return f"CASE {' '.join(whens)} ELSE {_clean(derived)} END"


def _gdelt_id() -> str:
    return ("CASE WHEN dataset IN ('gdelt1', 'gdelt2') THEN origin_id ELSE CAST(CAST("
            "('0x' || substr(md5(event_id), 1, 15)) AS BIGINT) AS VARCHAR) END")


def _gdelt2_select() -> str:
    derived = {
        "GLOBALEVENTID": _gdelt_id(), "SQLDATE": "strftime(event_date, '%Y%m%d')",
        "MonthYear": "strftime(event_date, '%Y%m')", "Year": "strftime(event_date, '%Y')",
        "FractionDate": "printf('%.4f', year(event_date) + (dayofyear(event_date) - 1) / 365.0)",
        "Actor1Code": "actor_code", "Actor1Name": "actor_name",
        "Actor1CountryCode": "actor_country", "Actor1Type1Code": "actor_sector",
        "Actor2Code": "recipient_code", "Actor2Name": "recipient_name",
        "Actor2CountryCode": "recipient_country", "Actor2Type1Code": "recipient_sector",
        "IsRootEvent": "CASE WHEN length(cameo) = 2 THEN '1' ELSE '0' END",
        "EventCode": "cameo", "EventBaseCode": "left(cameo, 3)", "EventRootCode": "root",
        "QuadClass": "quad", "GoldsteinScale": "goldstein", "NumMentions": "n_mentions",
        "NumSources": "n_sources", "NumArticles": "n_articles",
        "ActionGeo_FullName": "location", "ActionGeo_CountryCode": "location_country",
        "ActionGeo_Lat": "location_lat", "ActionGeo_Long": "location_lon",
        "DATEADDED": "strftime(coalesce(published, event_date), '%Y%m%d') || '000000'",
        "SOURCEURL": "coalesce(url, doc_id)"}
    layouts = {"gdelt2": GDELT2, "gdelt1": GDELT1}
    cols = []
    for name in GDELT2.names:
        expr = derived.get(name, "NULL")
        if name in derived and name not in ("MonthYear", "Year", "FractionDate", "IsRootEvent",
                                            "EventBaseCode", "EventRootCode", "DATEADDED"):
            cols.append(_clean(expr))
        else:
            cols.append(_from_extra(layouts, name, expr))
    return ", ".join(f"{c} AS {ident(n)}" for c, n in zip(cols, GDELT2.names))


def _polecat_select() -> str:
    derived = {
        "Event ID": "event_id", "Event Date": "CAST(event_date AS VARCHAR)",
        "Event Type": "plover", "Event Mode": "mode", "Event Intensity": "goldstein",
        "Quad Code": "quad", "Contexts": "context",
        "Actor Name": "coalesce(actor_name, actor_code)", "Actor Country": "actor_country",
        "Primary Actor Sector": "actor_sector",
        "Recipient Name": "coalesce(recipient_name, recipient_code)",
        "Recipient Country": "recipient_country",
        "Primary Recipient Sector": "recipient_sector", "Placename": "location",
        "Country": "location_country", "Latitude": "location_lat", "Longitude": "location_lon",
        "Source": "source", "Publication Date": "CAST(published AS VARCHAR)",
        "Language": "'en'", "Version": "'eventdesk'"}
    cols = [_from_extra({"polecat": POLECAT}, n, derived.get(n, "NULL")) for n in POLECAT.names]
    return ", ".join(f"{c} AS {ident(n)}" for c, n in zip(cols, POLECAT.names))


def _plover_select() -> str:
    expr = {
        "id": "CASE WHEN dataset = 'plover' THEN origin_id ELSE event_id END",
        "date": "CAST(event_date AS VARCHAR)", "event": "plover", "mode": "mode",
        "context": "CASE WHEN context IS NULL THEN NULL ELSE string_split(context, '|') END",
        "actor": "actor_code", "actor_country": "actor_country", "actor_sector": "actor_sector",
        "recipient": "recipient_code", "recipient_country": "recipient_country",
        "recipient_sector": "recipient_sector", "location": "location",
        "location_country": "location_country", "latitude": "location_lat",
        "longitude": "location_lon", "text": "nullif(sentence, '')", "source": "source",
        "url": "url", "publication_date": "CAST(published AS VARCHAR)", "cameo": "cameo",
        "goldstein": "goldstein"}
    return ", ".join(f"{expr[f]} AS {f}" for f in PLOVER_FIELDS)


CSV_COLUMNS = ("event_id, group_id, dataset, origin_id, doc_id, sentence_index, event_date AS "
               "date, date_precision, actor_code, actor_country, actor_sector, actor_office, "
               "actor_name, recipient_code, recipient_country, recipient_sector, recipient_name,"
               " cameo, root, cameo_name, goldstein, quad, penta, plover, mode, context, status,"
               " location, location_country, location_lat, location_lon, source, url, "
               "published, n_mentions, n_sources, n_articles, pattern, sentence")


def export(store: Store, fmt: str, out: str | os.PathLike[str], *, actor: str | None = None,
           recipient: str | None = None, since: str | None = None, until: str | None = None,
           cameo: str | None = None, status: list[str] | None = None) -> int:
    """Write the events matching the filters to ``out`` (a file; a folder for parquet);
    returns the number of events written."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: use {'|'.join(EXPORT_FORMATS)}")
    if status is None and fmt in ASSERTED_ONLY:
        status = ["asserted"]
    where, params = store.event_filter(actor, recipient, since, until, cameo, status, None)
    if fmt == "polecat":        # POLECAT has no row for an event without a PLOVER type
        where += (" AND " if where else " WHERE ") + "e.plover IS NOT NULL"
    body = {"gdelt2": _gdelt2_select, "polecat": _polecat_select, "plover": _plover_select}
    order = " ORDER BY e.event_date, e.event_id"
    path = Path(out)
    if not path.parent.exists():
        raise UsageError(f"{path}: folder {path.parent} does not exist")
    if fmt == "parquet":
        cols = f"SELECT {CSV_COLUMNS}, year(event_date) AS year, month(event_date) AS month"
        sql = f"{cols} FROM events e{where}{order}"
        opts = "FORMAT parquet, PARTITION_BY (year, month), OVERWRITE_OR_IGNORE"
        if path.exists() and not path.is_dir():
            raise UsageError(f"{path}: parquet export writes a folder; this is a file")
    elif fmt == "csv":
        sql = f"SELECT {CSV_COLUMNS} FROM events e{where}{order}"
        opts = "FORMAT csv, HEADER true"
    elif fmt == "plover":
        sql = f"SELECT {body[fmt]()} FROM events e{where}{order}"
        opts = "FORMAT json"
    else:
        sql = f"SELECT {body[fmt]()} FROM events e{where}{order}"
        opts = (f"FORMAT csv, DELIMITER '\t', HEADER {'true' if fmt == 'polecat' else 'false'}, "
                "QUOTE '', ESCAPE ''")
    store.ready()
    n = store.con.execute(f"SELECT count(*) FROM events e{where}", params).fetchall()[0][0]
    tmp = path.with_name(path.name + ".part")
    if tmp.exists():
        shutil.rmtree(tmp) if tmp.is_dir() else tmp.unlink()
    try:
        store.con.execute(f"COPY ({sql}) TO {literal(str(tmp))} ({opts})", params)
    except Exception as exc:
        raise StoreError(f"{path}: export failed ({str(exc).strip().splitlines()[0]})") from None
    if fmt == "parquet" and path.exists():
        shutil.rmtree(path)
    os.replace(tmp, path)                     # a half-written export never has the final name
    return int(n)


_ = (GDELT1_57,)
