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
3. the rows are kept in ``event_rows`` and read through the ``events`` view, which derives
   what a writer left NULL (:data:`DERIVED`: an imported row stores only what its file says,
   so a GDELT import writes a third of the columns); ``ckey`` is a number (UHUGEINT, the md5
   of the key); a report alone in its chain stores no group id and has no row in
   ``group_rows``, the groups of several reports: the ``groups`` view adds the others as
   groups of one. ``cameo_codes`` holds the CAMEO table the view derives from. An import
   writes a batch per chunk, and ``import_parts`` keeps the chunks of finished files too.
   Migration copies the rows and regroups them (group ids are recomputed from the new key).
4. a report of a chain of several stores the chain's first date (bucket) in
   ``event_rows.chain_first`` instead of the group id: the ``events`` view derives every
   group id from the key and that date, and regrouping a batch updates a DATE column, ten
   times cheaper for DuckDB than a VARCHAR one (measured: 200,000 scattered updates of the
   group id cost 0.8 s, of a date 0.07 s). Migration rebuilds ``event_rows`` and regroups.
5. an import leaves its reports to be grouped later, all together (``Store.settle``, which
   every read of corroborated data runs first): ``group_pending`` lists the batches waiting
   (and how far a settling interrupted got), ``group_stale`` the chains of the reports an
   import replaced. An older eventdesk, which would read such a store's groups as if
   complete, refuses it. Migration from 4 adds the two tables.
6. the same tables; a group's representative report is the first report of its commonest
   reading (in 5, the first report of the chain, shown with the commonest reading's codes, so
   its code and sentence could be two reports'). An older eventdesk would choose
   representatives by its own rule among those of 6, so it refuses the store. Migration
   regroups.
7. ``event_rows.decided_by`` (JSON): for a coded event, the coder's strategy that decided each
   field (``Event.decided_by``, event schema version 2); NULL for imported rows and for rows
   coded before. Migration from 4-6 adds the column.
8. ``event_rows.is_primary``, ``mention``, ``mention_of`` and ``confidence`` (event schema
   version 3): whether the event is its sentence's primary one, whether the sentence names it
   as an earlier event rather than a new one, the stored event such a mention was linked to,
   and the coder's confidence. The ``events`` view gives an imported row (NULL) as primary and
   not a mention; its confidence stays NULL (not measured). Migration from 4-7 adds the columns.
9. the corroborated events stored as they are read (``corroborated``: the rows of the
   ``groups`` view, with whether every report of the event is a mention of an earlier one and
   the representative report's place and confidence), and their per-day, per-dyad aggregates
   (``agg_day``: counts and sums of Goldstein scores by day, actor and recipient state,
   status, quad class and mention flag), kept by every writer in the transaction that writes
   the rows (:mod:`eventdesk.store.materialize`); ``corr_gone`` lists the corroborated events
   of deleted reports until the grouping that follows removes them. An older eventdesk would
   write rows without keeping them, so it refuses the store. Migration from 8 builds the two
   tables; from older versions the regrouping does.
"""
from __future__ import annotations

from typing import Any

from ..errors import StoreError
from ..model import SCHEMA_VERSION

STORE_VERSION = 9

#: the columns of the version-2 events table, for the migration from version 1
V2_EVENT_COLUMNS = """
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

#: the columns of ``event_rows`` in order (store version 8): those of the ``events`` view, of
#: which a writer may leave NULL every one the view derives (see :data:`DERIVED`), with
#: ``chain_first`` where the view has ``group_id`` (the first date bucket of the report's
#: chain when it has several reports, NULL when the report is alone in its chain)
EVENT_COLUMNS = """
    event_id VARCHAR, doc_id VARCHAR, sentence_index INTEGER, sentence VARCHAR, event_date DATE,
    date_precision VARCHAR, cameo VARCHAR NOT NULL, root VARCHAR, cameo_name VARCHAR,
    goldstein DOUBLE, quad TINYINT, penta TINYINT, plover VARCHAR, mode VARCHAR, context VARCHAR,
    status VARCHAR, actor_code VARCHAR, actor_country VARCHAR, recipient_code VARCHAR,
    recipient_country VARCHAR, location VARCHAR, location_country VARCHAR, pattern VARCHAR,
    record JSON, dataset VARCHAR NOT NULL, origin_id VARCHAR, source VARCHAR, url VARCHAR,
    published DATE, actor_sector VARCHAR, actor_office VARCHAR, actor_name VARCHAR,
    recipient_sector VARCHAR, recipient_name VARCHAR, actor_keys VARCHAR, recipient_keys VARCHAR,
    location_lat DOUBLE, location_lon DOUBLE, n_mentions INTEGER, n_sources INTEGER,
    n_articles INTEGER, ckey UHUGEINT, chain_first DATE, batch_id BIGINT, extra VARCHAR,
    decided_by JSON, is_primary BOOLEAN, mention BOOLEAN, mention_of VARCHAR, confidence DOUBLE
"""

#: the columns each version from 4 on added to ``event_rows``, with their types (a migration
#: adds what an older store lacks; a copy from an older layout fills them with NULL)
ADDED_COLUMNS = {"decided_by": "JSON", "is_primary": "BOOLEAN", "mention": "BOOLEAN",
                 "mention_of": "VARCHAR", "confidence": "DOUBLE"}

EVENT_NAMES = [c.split()[0] for c in EVENT_COLUMNS.replace("\n", " ").split(",") if c.strip()]


def keys_sql(code: str, country: str) -> str:
    """An entity's keys (``|code|country|``, what actor filters match) over SQL expressions."""
    return (f"CASE WHEN {code} IS NULL AND {country} IS NULL THEN NULL ELSE "
            f"'|' || coalesce({code}, '') || '|' || coalesce({country}, '') || '|' END")


#: what the ``events`` view gives for a column ``event_rows`` holds NULL (over ``r``, the row,
#: and ``c``, its CAMEO code in ``cameo_codes``): an imported row stores only what its file
#: says, the rest follows from it
DERIVED = {
    "event_id": "r.dataset || ':' || r.origin_id",
    "doc_id": "coalesce(r.url, r.dataset || ':' || r.origin_id)",
    "sentence_index": "0", "sentence": "''", "date_precision": "'day'",
    "root": "coalesce(c.root, left(r.cameo, 2))", "cameo_name": "c.name",
    "goldstein": "c.goldstein", "quad": "c.quad", "penta": "c.penta", "plover": "c.plover",
    "status": "'asserted'", "pattern": "'import:' || r.dataset",
    "source": "nullif(regexp_extract(r.url, '^[a-z]+://(?:www\\.)?([^/:]+)', 1), '')",
    "actor_keys": keys_sql("r.actor_code", "r.actor_country"),
    "recipient_keys": keys_sql("r.recipient_code", "r.recipient_country"),
    "n_mentions": "1", "n_sources": "1", "n_articles": "1",
    "is_primary": "true", "mention": "false"}

#: a report's date bucket for corroboration (the first day of its month or year for those
#: precisions), over the events view's columns
BUCKET = ("CASE {p}date_precision WHEN 'month' THEN CAST(date_trunc('month', {p}event_date) AS "
          "DATE) WHEN 'year' THEN CAST(date_trunc('year', {p}event_date) AS DATE) "
          "ELSE {p}event_date END")


def group_id_sql(ckey: str, first: str, event_id: str) -> str:
    """The id of the corroborated event of key ``ckey`` whose first date (bucket) is
    ``first``; a report without a date is its own event, named after it."""
    # hex(), not CAST(... AS VARCHAR): DuckDB prints a UHUGEINT in decimal a thousand times
    # slower
    return (f"md5(hex({ckey}) || '|' || coalesce(CAST({first} AS VARCHAR), '#' || {event_id}))")


def derived(n: str) -> str:
    """What the events view gives for column ``n`` of a row of ``event_rows r LEFT JOIN
    cameo_codes c``: the row's own value, else what :data:`DERIVED` derives."""
    if n in ("mode", "context"):        # the coder's own, else the CAMEO code's
        return f"CASE WHEN r.plover IS NULL THEN c.{n} ELSE r.{n} END"
    return f"coalesce(r.{n}, {DERIVED[n]})" if n in DERIVED else f"r.{n}"


def derive_sql(rows: str) -> str:
    """The events view's SELECT over ``rows``, a relation with the columns of ``event_rows``:
    every column of :data:`EVENT_NAMES` with what the view derives, ``group_id`` (from the key
    and the chain's first date, or the report's own date bucket when it is alone in its
    chain) in place of ``chain_first``, which follows them."""
    inner = [f"{derived(n)} AS {n}" for n in EVENT_NAMES if n != "chain_first"]
    first = f"coalesce(chain_first, {BUCKET.format(p='')})"
    outer = [f"{group_id_sql('ckey', first, 'event_id')} AS group_id" if n == "chain_first"
             else n for n in EVENT_NAMES]
    return (f"SELECT {', '.join(outer)}, chain_first FROM (SELECT {', '.join(inner)}, "
            f"r.chain_first FROM {rows} r LEFT JOIN cameo_codes c ON c.code = r.cameo)")


#: the columns of a report alone in its chain as a corroborated event, over the events
#: view's columns (the ``groups`` view's second part; the ``corroborated`` table's rows of one
#: report)
SINGLE_COLS = """group_id, ckey, event_id, event_date, date_precision, actor_country, actor_code,
           actor_sector, actor_office, actor_name, recipient_country, recipient_code,
           recipient_sector, cameo, root, goldstein, quad, plover, mode, status,
           CAST(n_mentions AS BIGINT),
           CASE WHEN dataset = 'eventdesk' THEN CAST(source IS NOT NULL AS BIGINT)
                ELSE n_sources END,
           CASE WHEN dataset = 'eventdesk' THEN 1 ELSE n_articles END,
           doc_id, sentence, coalesce(published, event_date), coalesce(published, event_date),
           event_date, dataset"""

#: a report alone in its chain as a corroborated event (the ``groups`` view's second part)
SINGLE_SELECT = f"""
    SELECT {SINGLE_COLS}
    FROM events WHERE {{where}}"""


def _views() -> str:
    singles = SINGLE_SELECT.format(where="chain_first IS NULL").replace("FROM events",
                                                                        "FROM events_v")
    return f"""
CREATE OR REPLACE VIEW events_v AS {derive_sql('event_rows')};
CREATE OR REPLACE VIEW events AS SELECT * EXCLUDE (chain_first) FROM events_v;
CREATE OR REPLACE VIEW groups AS SELECT * FROM group_rows UNION ALL {singles};
"""


GROUP_COLUMNS = """
    group_id VARCHAR NOT NULL, ckey UHUGEINT NOT NULL, event_id VARCHAR NOT NULL, date DATE,
    date_precision VARCHAR, actor_country VARCHAR, actor_code VARCHAR, actor_sector VARCHAR,
    actor_office VARCHAR, actor_name VARCHAR, recipient_country VARCHAR,
    recipient_code VARCHAR, recipient_sector VARCHAR, cameo VARCHAR, root VARCHAR,
    goldstein DOUBLE, quad TINYINT, plover VARCHAR, mode VARCHAR, status VARCHAR,
    n_reports BIGINT, n_sources BIGINT, n_docs BIGINT, doc_id VARCHAR, sentence VARCHAR,
    first_seen DATE, last_seen DATE, last_date DATE, datasets VARCHAR
"""

#: the columns of ``corroborated`` (store version 9): those of ``group_rows`` (the ``groups``
#: view), then whether every report of the event is a mention of an earlier event, and the
#: representative report's place (name, country, coordinates) and coder's confidence
CORR_COLUMNS = GROUP_COLUMNS.rstrip() + """,
    mention_only BOOLEAN, location VARCHAR, location_country VARCHAR, location_lat DOUBLE,
    location_lon DOUBLE, confidence DOUBLE
"""

#: the columns of ``agg_day``: per day, actor and recipient state, status, quad class and
#: mention flag of the corroborated events, their count, and the count, sum, sum of squares,
#: positive mass, negative mass and absolute sum of their Goldstein scores
AGG_COLUMNS = """
    date DATE, actor_country VARCHAR, recipient_country VARCHAR, status VARCHAR, quad TINYINT,
    mention_only BOOLEAN, n BIGINT, n_g BIGINT, sum_g DOUBLE, sum_g2 DOUBLE, sum_pos DOUBLE,
    sum_neg DOUBLE, sum_abs DOUBLE
"""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY, title VARCHAR, url VARCHAR, source VARCHAR, path VARCHAR,
    published DATE, date_precision VARCHAR, content_hash VARCHAR NOT NULL,
    n_events INTEGER NOT NULL, ingested_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS event_rows ({EVENT_COLUMNS});
CREATE TABLE IF NOT EXISTS event_entities (
    event_id VARCHAR NOT NULL, role VARCHAR NOT NULL, position INTEGER NOT NULL,
    code VARCHAR, country VARCHAR, sector VARCHAR, text VARCHAR, name VARCHAR,
    wikidata VARCHAR, office VARCHAR);
CREATE TABLE IF NOT EXISTS provenance (
    event_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
    source VARCHAR, url VARCHAR, published DATE, spans JSON);
CREATE TABLE IF NOT EXISTS group_rows ({GROUP_COLUMNS});
CREATE TABLE IF NOT EXISTS cameo_codes (
    code VARCHAR PRIMARY KEY, root VARCHAR, name VARCHAR, goldstein DOUBLE, quad TINYINT,
    penta TINYINT, plover VARCHAR, mode VARCHAR, context VARCHAR);
CREATE TABLE IF NOT EXISTS imports (
    file_hash VARCHAR NOT NULL, dataset VARCHAR NOT NULL, path VARCHAR, rows_added BIGINT,
    rows_skipped BIGINT, batch_id BIGINT, imported_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS import_parts (
    file_hash VARCHAR NOT NULL, dataset VARCHAR NOT NULL, part INTEGER NOT NULL,
    end_offset BIGINT NOT NULL, end_line BIGINT NOT NULL, batch_id BIGINT,
    rows_skipped BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS group_pending (batch_id BIGINT NOT NULL, through DATE);
CREATE TABLE IF NOT EXISTS group_stale (ckey UHUGEINT, chain_first DATE);
CREATE TABLE IF NOT EXISTS corroborated ({CORR_COLUMNS});
CREATE TABLE IF NOT EXISTS agg_day ({AGG_COLUMNS});
CREATE TABLE IF NOT EXISTS corr_gone (group_id VARCHAR);
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


def fill_cameo_codes(con: Any) -> bool:
    """``cameo_codes`` from the ontology, when it differs from what the store holds (a new
    eventdesk may name or map a code differently; the rows' derived columns follow); whether
    it changed."""
    import hashlib

    from ..ontology import cameo_table

    rows = sorted((c.code, c.root, c.name, c.goldstein, c.quad, c.penta, c.plover, c.mode,
                   c.context) for c in cameo_table().values())
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
    if meta(con, "cameo_codes") == digest:
        return False
    con.execute("DELETE FROM cameo_codes")
    # one statement (executemany costs a round trip a row)
    con.execute("INSERT INTO cameo_codes SELECT unnest($1), unnest($2), unnest($3), "
                "unnest($4), unnest($5), unnest($6), unnest($7), unnest($8), unnest($9)",
                [list(col) for col in zip(*rows)])
    set_meta(con, "cameo_codes", digest)
    return True


def create(con: Any) -> None:
    con.execute(SCHEMA)
    _ensure_views(con)
    fill_cameo_codes(con)
    set_meta(con, "store_version", str(STORE_VERSION))
    set_meta(con, "schema_version", str(SCHEMA_VERSION))


def _ensure_views(con: Any) -> None:
    """The views, (re)created when their definition differs from the one the store records
    (a new eventdesk may derive a column differently), so an ordinary open writes nothing."""
    import hashlib

    sql = _views()
    digest = hashlib.sha256(sql.encode()).hexdigest()[:16]
    if meta(con, "views") != digest:
        con.execute(sql)
        set_meta(con, "views", digest)


def ensure(con: Any) -> bool:
    """On a writable open of a current store: tables and views a crash cannot have left out
    cost nothing to assert; the views and the CAMEO table follow this eventdesk. Whether the
    CAMEO table changed (the caller then rebuilds the stored corroborated events, whose
    derived scores follow it)."""
    con.execute(SCHEMA)
    _ensure_views(con)
    return fill_cameo_codes(con)


def migrate(con: Any, version: int) -> None:
    """Bring a store of an older layout to the current one inside the caller's transaction.
    The caller then recomputes every group (``regroup_all``): every older version chose its
    groups' representatives otherwise than 6 does."""
    if version == 1:
        migrate_1_to_2(con)
    if version <= 2:
        migrate_2_to_3(con)
    elif version == 3:
        migrate_3_to_4(con)
    else:                           # 4 to 8: the columns added since (see ADDED_COLUMNS)
        for name, kind in ADDED_COLUMNS.items():
            con.execute(f"ALTER TABLE event_rows ADD COLUMN IF NOT EXISTS {name} {kind}")
        set_meta(con, "views", "")
        _ensure_views(con)
    con.execute(SCHEMA)             # the tables of pending grouping (new in 5), empty
    set_meta(con, "store_version", str(STORE_VERSION))


def migrate_2_to_3(con: Any) -> None:
    """Version 3 keeps the rows in ``event_rows`` (derivable columns may be NULL, the key is
    a number) behind the ``events`` view, and only groups of several reports in
    ``group_rows`` behind the ``groups`` view (in the layout of version 4). The rows are
    copied without key and chain: the caller's regrouping computes both."""
    con.execute(SCHEMA)
    fill_cameo_codes(con)
    cols = ", ".join("CAST(NULL AS UHUGEINT)" if n == "ckey" else
                     "CAST(NULL AS DATE)" if n == "chain_first" else
                     f"CAST(NULL AS {ADDED_COLUMNS[n]})" if n in ADDED_COLUMNS else n
                     for n in EVENT_NAMES)
    con.execute(f"INSERT INTO event_rows SELECT {cols} FROM events")
    con.execute("DROP TABLE events")
    con.execute("DROP TABLE IF EXISTS groups")
    _ensure_views(con)


def migrate_3_to_4(con: Any) -> None:
    """Version 4 stores a chain's first date where version 3 stored its group id: the rows
    are copied without it (and the views over them dropped first), and the caller's
    regrouping computes it."""
    con.execute("DROP VIEW IF EXISTS groups; DROP VIEW IF EXISTS events; "
                "DROP VIEW IF EXISTS events_v")
    con.execute("ALTER TABLE event_rows RENAME TO event_rows_v3")
    con.execute(f"CREATE TABLE event_rows ({EVENT_COLUMNS})")
    cols = ", ".join("CAST(NULL AS DATE)" if n == "chain_first" else
                     f"CAST(NULL AS {ADDED_COLUMNS[n]})" if n in ADDED_COLUMNS else n
                     for n in EVENT_NAMES)
    con.execute(f"INSERT INTO event_rows SELECT {cols} FROM event_rows_v3")
    con.execute("DROP TABLE event_rows_v3")
    con.execute(SCHEMA)
    fill_cameo_codes(con)
    set_meta(con, "views", "")
    _ensure_views(con)


def migrate_1_to_2(con: Any) -> None:
    """Rebuild events with the version-2 columns filled from the documents and entities;
    add ``office`` to event_entities where it is missing. The caller holds a transaction and
    migrates on to version 4."""
    cols = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'event_entities'"
    ).fetchall()}
    if "office" not in cols:
        con.execute("ALTER TABLE event_entities ADD COLUMN office VARCHAR")
    con.execute("ALTER TABLE events RENAME TO events_v1")
    con.execute(f"CREATE TABLE events ({V2_EVENT_COLUMNS})")
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
