"""The store's table layout, its version, and the migration of older stores.

``STORE_VERSION`` numbers the layout of the tables; it is independent of
:data:`eventdesk.model.SCHEMA_VERSION`, which numbers the event *record* (the JSON in
``events.record``). Both are kept in ``meta``.

Store versions:

1. documents, events (PRIMARY KEY event_id), event_entities (without ``office`` before commit
   275808d, with it after), provenance; ``meta.schema_version`` only.
2. events gain origin (``dataset``, ``origin_id``), outlet and publication date, the first
   actor's and recipient's sector/office/name, report counts (``n_mentions``, ``n_sources``,
   ``n_articles``), location coordinates, the corroboration key and group id, the batch that
   wrote them; no primary key (uniqueness is kept by the writers, delete-then-insert in one
   transaction); ``extra`` (the origin row's fields that have no column, tab-joined in the
   order of the origin layout, so an export to the same format loses nothing); ``groups`` (one row per corroborated event); ``imports`` (files already
   imported); ``meta.store_version``. ``import_parts`` (the committed chunks of a large file
   whose import has not finished, so a rerun resumes after them) was added later without a
   new version: ``CREATE TABLE IF NOT EXISTS`` adds it to any version-2 store when opened.
"""
from __future__ import annotations

from typing import Any

from ..errors import StoreError
from ..model import SCHEMA_VERSION

STORE_VERSION = 2

#: the events table's columns in order (store version 2)
EVENT_COLUMNS = """
    event_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
    sentence VARCHAR NOT NULL, event_date DATE, date_precision VARCHAR NOT NULL,
    cameo VARCHAR NOT NULL, root VARCHAR NOT NULL, cameo_name VARCHAR, goldstein DOUBLE,
    quad TINYINT, penta TINYINT, plover VARCHAR, mode VARCHAR, context VARCHAR,
    status VARCHAR NOT NULL, actor_code VARCHAR, actor_country VARCHAR,
    recipient_code VARCHAR, recipient_country VARCHAR, location VARCHAR,
    location_country VARCHAR, pattern VARCHAR NOT NULL, record JSON,
    dataset VARCHAR NOT NULL, origin_id VARCHAR, source VARCHAR, url VARCHAR, published DATE,
    actor_sector VARCHAR, actor_office VARCHAR, actor_name VARCHAR,
    recipient_sector VARCHAR, recipient_name VARCHAR, actor_keys VARCHAR,
    recipient_keys VARCHAR, location_lat DOUBLE, location_lon DOUBLE,
    n_mentions INTEGER NOT NULL, n_sources INTEGER NOT NULL, n_articles INTEGER NOT NULL,
    ckey VARCHAR, group_id VARCHAR, batch_id BIGINT, extra VARCHAR
"""

EVENT_NAMES = [c.split()[0] for c in EVENT_COLUMNS.replace("\n", " ").split(",") if c.strip()]

GROUP_COLUMNS = """
    group_id VARCHAR NOT NULL, ckey VARCHAR NOT NULL, event_id VARCHAR NOT NULL, date DATE,
    date_precision VARCHAR, actor_country VARCHAR, actor_code VARCHAR, actor_sector VARCHAR,
    actor_office VARCHAR, actor_name VARCHAR, recipient_country VARCHAR,
    recipient_code VARCHAR, recipient_sector VARCHAR, cameo VARCHAR, root VARCHAR,
    goldstein DOUBLE, quad TINYINT, plover VARCHAR, mode VARCHAR, status VARCHAR,
    n_reports BIGINT, n_sources BIGINT, n_docs BIGINT, doc_id VARCHAR, sentence VARCHAR,
    first_seen DATE, last_seen DATE, last_date DATE, datasets VARCHAR
"""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY, title VARCHAR, url VARCHAR, source VARCHAR, path VARCHAR,
    published DATE, date_precision VARCHAR, content_hash VARCHAR NOT NULL,
    n_events INTEGER NOT NULL, ingested_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS events ({EVENT_COLUMNS});
CREATE TABLE IF NOT EXISTS event_entities (
    event_id VARCHAR NOT NULL, role VARCHAR NOT NULL, position INTEGER NOT NULL,
    code VARCHAR, country VARCHAR, sector VARCHAR, text VARCHAR, name VARCHAR,
    wikidata VARCHAR, office VARCHAR);
CREATE TABLE IF NOT EXISTS provenance (
    event_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
    source VARCHAR, url VARCHAR, published DATE, spans JSON);
CREATE TABLE IF NOT EXISTS groups ({GROUP_COLUMNS});
CREATE TABLE IF NOT EXISTS imports (
    file_hash VARCHAR NOT NULL, dataset VARCHAR NOT NULL, path VARCHAR, rows_added BIGINT,
    rows_skipped BIGINT, batch_id BIGINT, imported_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS import_parts (
    file_hash VARCHAR NOT NULL, dataset VARCHAR NOT NULL, part INTEGER NOT NULL,
    end_offset BIGINT NOT NULL, end_line BIGINT NOT NULL, batch_id BIGINT,
    rows_skipped BIGINT NOT NULL);
CREATE SEQUENCE IF NOT EXISTS batch_seq START 1;
"""


def meta(con: Any, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: Any, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def store_version(con: Any) -> int | None:
    """The layout version of an opened store, None for an empty database."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()}
    if not tables:
        return None
    if "meta" not in tables:
        raise StoreError("not an eventdesk store (no meta table)")
    v = meta(con, "store_version")
    if v is not None:
        return int(v)
    if meta(con, "schema_version") is not None and "events" in tables:
        return 1
    raise StoreError("not an eventdesk store (no version in its meta table)")


def create(con: Any) -> None:
    con.execute(SCHEMA)
    set_meta(con, "store_version", str(STORE_VERSION))
    set_meta(con, "schema_version", str(SCHEMA_VERSION))


def migrate_1_to_2(con: Any) -> None:
    """Rebuild events with the version-2 columns filled from the documents and entities;
    add ``office`` to event_entities where it is missing. The caller holds a transaction and
    recomputes the groups afterwards."""
    cols = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'event_entities'"
    ).fetchall()}
    if "office" not in cols:
        con.execute("ALTER TABLE event_entities ADD COLUMN office VARCHAR")
    con.execute("ALTER TABLE events RENAME TO events_v1")
    con.execute(SCHEMA)
    first = ("LEFT JOIN event_entities {a} ON {a}.event_id = e.event_id AND {a}.role = '{role}' "
             "AND {a}.position = 0")
    keys = ("(SELECT '|' || string_agg(coalesce(x.code, '') || '|' || coalesce(x.country, ''),"
            " '|') || '|' FROM event_entities x WHERE x.event_id = e.event_id AND x.role = "
            "'{role}')")
    con.execute(f"""
        INSERT INTO events SELECT e.*, 'eventdesk', NULL, d.source, d.url, d.published,
            a.sector, a.office, a.name, r.sector, r.name, {keys.format(role='actor')},
            {keys.format(role='recipient')},
            TRY_CAST(json_extract(e.record, '$.location.lat') AS DOUBLE),
            TRY_CAST(json_extract(e.record, '$.location.lon') AS DOUBLE), 1, 1, 1, NULL, NULL, 0,
            NULL
        FROM events_v1 e LEFT JOIN documents d USING (doc_id)
        {first.format(a='a', role='actor')} {first.format(a='r', role='recipient')}""")
    con.execute("DROP TABLE events_v1")
    set_meta(con, "store_version", "2")
