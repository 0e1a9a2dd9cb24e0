"""The event store: one DuckDB file with documents, events, their entities and provenance.

>>> store = open_store("my.duckdb")                                   # doctest: +SKIP
>>> store.ingest(read_documents(["examples/corpus"]))                 # doctest: +SKIP
>>> df = store.events(actor="RUS", since="2017-04-01", as_frame=True) # doctest: +SKIP

Ingest is idempotent: a document already stored with the same content adds nothing; a changed
document (same id, new content) has its events replaced. Each batch is one transaction.
"""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import parse_date
from ..errors import StoreError
from ..model import SCHEMA_VERSION, Document, Event

if TYPE_CHECKING:
    from ..coding.coder import Coder

log = logging.getLogger(__name__)

DEFAULT_DB = "eventdesk.duckdb"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY, title VARCHAR, url VARCHAR, source VARCHAR, path VARCHAR,
    published DATE, date_precision VARCHAR, content_hash VARCHAR NOT NULL,
    n_events INTEGER NOT NULL, ingested_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY, doc_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
    sentence VARCHAR NOT NULL, event_date DATE, date_precision VARCHAR NOT NULL,
    cameo VARCHAR NOT NULL, root VARCHAR NOT NULL, cameo_name VARCHAR, goldstein DOUBLE,
    quad TINYINT, penta TINYINT, plover VARCHAR, mode VARCHAR, context VARCHAR,
    status VARCHAR NOT NULL, actor_code VARCHAR, actor_country VARCHAR,
    recipient_code VARCHAR, recipient_country VARCHAR, location VARCHAR,
    location_country VARCHAR, pattern VARCHAR NOT NULL, record JSON NOT NULL);
CREATE TABLE IF NOT EXISTS event_entities (
    event_id VARCHAR NOT NULL, role VARCHAR NOT NULL, position INTEGER NOT NULL,
    code VARCHAR, country VARCHAR, sector VARCHAR, text VARCHAR, name VARCHAR,
    wikidata VARCHAR, office VARCHAR);
CREATE TABLE IF NOT EXISTS provenance (
    event_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
    source VARCHAR, url VARCHAR, published DATE, spans JSON);
"""


@dataclass
class IngestResult:
    documents_seen: int = 0
    documents_added: int = 0
    documents_replaced: int = 0
    documents_unchanged: int = 0
    events_added: int = 0
    events_removed: int = 0


def resolve_db_path(path: str | os.PathLike[str] | None) -> Path:
    """``path``, else ``$EVENTDESK_DB``, else ``./eventdesk.duckdb``."""
    return Path(path or os.environ.get("EVENTDESK_DB") or DEFAULT_DB)


class Store:
    """An open event store. Use :func:`open_store`; close it (or use ``with``) when done."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        import duckdb

        self.path = resolve_db_path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run `eventdesk ingest` first)")
        if not read_only and self.path.parent and not self.path.parent.exists():
            raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreError(f"{self.path}: the store is in use by another process "
                                 "(wait for it to finish, or open read-only)") from None
            raise StoreError(f"{self.path}: cannot open the store ({msg.splitlines()[0]})") from None
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: not an eventdesk store ({str(exc).splitlines()[0]})") from None
        if not read_only:
            self._init_schema()
        self._check_version()

    # -- schema --------------------------------------------------------------------------------
    def _init_schema(self) -> None:
        try:
            self.con.execute(SCHEMA)
            row = self.con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)",
                                 [str(SCHEMA_VERSION)])
        except Exception as exc:  # duckdb raises several unrelated classes here
            raise StoreError(f"{self.path}: cannot initialise the store ({exc})") from None

    def _check_version(self) -> None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except Exception:
            raise StoreError(f"{self.path}: not an eventdesk store (no meta table)") from None
        if row is None or int(row[0]) != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema version {row[0] if row else '?'}, this "
                             f"eventdesk reads version {SCHEMA_VERSION}")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest --------------------------------------------------------------------------------
    def ingest(self, documents: Iterable[Document], coder: "Coder | None" = None, *,
               batch_size: int = 64, progress: Callable[[IngestResult], None] | None = None
               ) -> IngestResult:
        """Code and store documents, one transaction per batch; returns what changed."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        if coder is None:
            from ..coding.coder import Coder

            coder = Coder()
        result = IngestResult()
        batch: list[Document] = []
        for doc in documents:
            batch.append(doc)
            if len(batch) >= batch_size:
                self._ingest_batch(batch, coder, result)
                batch = []
                if progress:
                    progress(result)
        if batch:
            self._ingest_batch(batch, coder, result)
            if progress:
                progress(result)
        return result

    def _ingest_batch(self, batch: list[Document], coder: "Coder", result: IngestResult) -> None:
        result.documents_seen += len(batch)
        # the last occurrence of an id in a batch wins, as it would across batches
        unique = list({d.id: d for d in batch}.values())
        ids = [d.id for d in unique]
        known = dict(self.con.execute(
            "SELECT doc_id, content_hash FROM documents WHERE list_contains(?, doc_id)",
            [ids]).fetchall())
        todo = [d for d in unique if known.get(d.id) != d.content_hash]
        result.documents_unchanged += len(batch) - len(todo)
        if not todo:
            return
        coded = list(coder.coded(todo))
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        con = self.con
        try:
            con.execute("BEGIN TRANSACTION")
            replaced = [d.id for d in todo if d.id in known]
            if replaced:
                removed = con.execute("SELECT count(*) FROM events WHERE list_contains(?, doc_id)",
                                      [replaced]).fetchone()[0]
                for table in ("event_entities", "provenance"):
                    con.execute(f"DELETE FROM {table} WHERE event_id IN "
                                "(SELECT event_id FROM events WHERE list_contains(?, doc_id))",
                                [replaced])
                con.execute("DELETE FROM events WHERE list_contains(?, doc_id)", [replaced])
                con.execute("DELETE FROM documents WHERE list_contains(?, doc_id)", [replaced])
                result.events_removed += removed
                result.documents_replaced += len(replaced)
            result.documents_added += len(todo) - len(replaced)
            doc_rows, ev_rows, ent_rows, prov_rows = [], [], [], []
            seen_events: set[str] = set()
            for doc, events in coded:
                doc_rows.append([doc.id, doc.title, doc.url, doc.source, doc.path, doc.date,
                                 doc.date_precision.value, doc.content_hash, len(events), now])
                for ev in events:
                    if ev.id in seen_events:
                        continue
                    seen_events.add(ev.id)
                    ev_rows.append(_event_row(ev))
                    for role, ents in (("actor", ev.actor), ("recipient", ev.recipient),
                                       ("source_of_claim", ev.source_of_claim)):
                        for pos, e in enumerate(ents):
                            ent_rows.append([ev.id, role, pos, e.code, e.country, e.sector,
                                             e.text, e.name, e.wikidata, e.office])
                    prov_rows.append([ev.id, doc.id, ev.sentence_index, doc.source, doc.url,
                                      doc.date, json.dumps(ev.spans)])
            con.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)", doc_rows)
            if ev_rows:
                con.executemany("INSERT INTO events VALUES (" + ",".join("?" * 24) + ")", ev_rows)
            if ent_rows:
                con.executemany("INSERT INTO event_entities VALUES (?,?,?,?,?,?,?,?,?,?)", ent_rows)
            if prov_rows:
                con.executemany("INSERT INTO provenance VALUES (?,?,?,?,?,?,?)", prov_rows)
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"{self.path}: write failed, batch rolled back ({exc})") from exc
        result.events_added += len(ev_rows)

    # -- queries -------------------------------------------------------------------------------
    def _where(self, actor: str | None, recipient: str | None, since: str | Date | None,
               until: str | Date | None, cameo: str | None, status: str | Iterable[str] | None,
               doc_id: str | None) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for role, value in (("actor", actor), ("recipient", recipient)):
            if value:
                clauses.append("EXISTS (SELECT 1 FROM event_entities x WHERE x.event_id = "
                               f"e.event_id AND x.role = '{role}' AND (x.country = ? OR x.code = ?"
                               " OR x.code LIKE ?))")
                params += [value, value, value + "%"]
        if since:
            clauses.append("e.event_date >= ?")
            params.append(parse_date(since)[0])
        if until:
            clauses.append("e.event_date <= ?")
            params.append(parse_date(until)[0])
        if cameo:
            clauses.append("starts_with(e.cameo, ?)")
            params.append(cameo)
        if status:
            statuses = [status] if isinstance(status, str) else list(status)
            clauses.append("list_contains(?, e.status)")
            params.append(statuses)
        if doc_id:
            clauses.append("e.doc_id = ?")
            params.append(doc_id)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def events(self, *, actor: str | None = None, recipient: str | None = None,
               since: str | Date | None = None, until: str | Date | None = None,
               cameo: str | None = None, status: str | Iterable[str] | None = None,
               doc_id: str | None = None, limit: int | None = None, as_frame: bool = False
               ) -> Any:
        """Stored events matching the filters, by date then id; a DataFrame if ``as_frame``.

        ``actor``/``recipient`` match an entity's country or code ("RUS", "RUSGOV", "NATO");
        ``cameo`` a code prefix ("19" matches every fight); ``status`` one or several statuses.
        """
        where, params = self._where(actor, recipient, since, until, cameo, status, doc_id)
        sql = ("SELECT e.record FROM events e" + where +
               " ORDER BY e.event_date NULLS LAST, e.doc_id, e.sentence_index, e.event_id")
        if limit:
            sql += f" LIMIT {int(limit)}"
        if as_frame:
            cols = ("e.event_id AS id, e.event_date AS date, e.actor_code AS actor, "
                    "e.recipient_code AS recipient, e.cameo, e.cameo_name, e.goldstein, e.quad, "
                    "e.penta, e.plover, e.status, e.location, e.doc_id, e.sentence_index, "
                    "e.pattern, e.sentence")
            return self.con.execute(sql.replace("SELECT e.record", "SELECT " + cols, 1),
                                    params).df()
        return [Event.from_json(r[0]) for r in self.con.execute(sql, params).fetchall()]

    def event(self, event_id: str) -> Event | None:
        row = self.con.execute("SELECT record FROM events WHERE event_id = ? OR event_id LIKE ?",
                               [event_id, event_id + "%"]).fetchall()
        if len(row) > 1:
            raise StoreError(f"event id prefix {event_id!r} is ambiguous ({len(row)} events)")
        return Event.from_json(row[0][0]) if row else None

    def document(self, doc_id: str) -> dict[str, Any] | None:
        cur = self.con.execute("SELECT * FROM documents WHERE doc_id = ?", [doc_id])
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row))

    def provenance(self, event_id: str) -> list[dict[str, Any]]:
        cur = self.con.execute("SELECT p.*, d.title, d.path FROM provenance p JOIN documents d "
                               "USING (doc_id) WHERE event_id = ? ORDER BY published, doc_id",
                               [event_id])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def analysis_events(self, *, raw: bool = False,
                        statuses: Iterable[str] | None = ("asserted",)) -> str:
        """A SQL relation (a parenthesised subquery, to use after FROM) of the events analyses
        read: one row per corroborated event, or per report when ``raw``; only the given
        statuses (None for all). Columns, the contract every analysis relies on:

        ``event_id`` (a representative report), ``group_id``, ``date`` (DATE), ``date_precision``,
        ``actor_country``, ``actor_code``, ``actor_sector``, ``actor_office``, ``actor_name``,
        ``recipient_country``, ``recipient_code``, ``recipient_sector``, ``cameo``, ``root``,
        ``goldstein``, ``quad``, ``plover``, ``mode``, ``status``, ``n_reports``, ``n_sources``,
        ``n_docs``, ``doc_id``, ``sentence``.
        """
        status_sql = ""
        if statuses is not None:
            quoted = ", ".join("'" + s.replace("'", "''") + "'" for s in statuses)
            status_sql = f" WHERE e.status IN ({quoted})"
        base = (
            "SELECT e.event_id, e.event_date AS date, e.date_precision, e.actor_country, "
            "e.actor_code, a.sector AS actor_sector, a.office AS actor_office, "
            "a.name AS actor_name, e.recipient_country, e.recipient_code, "
            "r.sector AS recipient_sector, e.cameo, e.root, e.goldstein, e.quad, e.plover, "
            "e.mode, e.status, e.doc_id, e.sentence, d.source "
            "FROM events e LEFT JOIN documents d USING (doc_id) "
            "LEFT JOIN event_entities a ON a.event_id = e.event_id AND a.role = 'actor' "
            "AND a.position = 0 "
            "LEFT JOIN event_entities r ON r.event_id = e.event_id AND r.role = 'recipient' "
            "AND r.position = 0" + status_sql)
        if raw:
            return (f"(SELECT b.* EXCLUDE (source), b.event_id AS group_id, 1 AS n_reports, "
                    f"1 AS n_sources, 1 AS n_docs FROM ({base}) b)")
        # one real event, many reports: same dyad (codes), root, status and day
        key = "actor_code, recipient_code, root, status, date"
        return (f"(SELECT min(event_id) AS event_id, md5(concat_ws('|', coalesce(actor_code, '-'), coalesce(recipient_code, '-'), root, status, coalesce(CAST(date AS VARCHAR), '-'))) AS group_id, "
                "date, any_value(date_precision) AS date_precision, "
                "any_value(actor_country) AS actor_country, actor_code, "
                "any_value(actor_sector) AS actor_sector, any_value(actor_office) AS actor_office, "
                "any_value(actor_name) AS actor_name, "
                "any_value(recipient_country) AS recipient_country, recipient_code, "
                "any_value(recipient_sector) AS recipient_sector, "
                "mode() WITHIN GROUP (ORDER BY cameo) AS cameo, root, "
                "avg(goldstein) AS goldstein, any_value(quad) AS quad, "
                "any_value(plover) AS plover, any_value(mode) AS mode, status, "
                "count(*) AS n_reports, count(DISTINCT source) AS n_sources, "
                "count(DISTINCT doc_id) AS n_docs, arg_min(doc_id, event_id) AS doc_id, "
                f"arg_min(sentence, event_id) AS sentence FROM ({base}) b GROUP BY {key})")

    def counts(self) -> dict[str, int]:
        q = {"documents": "SELECT count(*) FROM documents",
             "events": "SELECT count(*) FROM events",
             "asserted": "SELECT count(*) FROM events WHERE status = 'asserted'"}
        return {k: self.con.execute(v).fetchone()[0] for k, v in q.items()}

    def summary(self) -> dict[str, Any]:
        """Counts, date range, the busiest dyads and roots, for ``eventdesk summary``."""
        c = self.counts()
        span = self.con.execute("SELECT min(event_date), max(event_date) FROM events").fetchone()
        dyads = self.con.execute(
            "SELECT actor_country, recipient_country, count(*) n, round(sum(goldstein), 1) g "
            "FROM events WHERE status = 'asserted' AND actor_country IS NOT NULL AND "
            "recipient_country IS NOT NULL AND actor_country <> recipient_country "
            "GROUP BY ALL ORDER BY n DESC, 1, 2 LIMIT 10").fetchall()
        roots = self.con.execute(
            "SELECT root, any_value(quad), count(*) n FROM events GROUP BY root ORDER BY root"
        ).fetchall()
        statuses = self.con.execute(
            "SELECT status, count(*) FROM events GROUP BY status ORDER BY 2 DESC").fetchall()
        return {**c, "first": span[0], "last": span[1], "dyads": dyads, "roots": roots,
                "statuses": statuses}


def _event_row(ev: Event) -> list[Any]:
    a = ev.actor[0] if ev.actor else None
    r = ev.recipient[0] if ev.recipient else None
    return [ev.id, ev.doc_id, ev.sentence_index, ev.text, ev.date, ev.date_precision.value,
            ev.cameo, ev.root, ev.cameo_name, ev.goldstein, ev.quad, ev.penta, ev.plover, ev.mode,
            ev.context, ev.status.value, a.code if a else None, a.country if a else None,
            r.code if r else None, r.country if r else None,
            ev.location.name if ev.location else None,
            ev.location.country if ev.location else None, ev.pattern, ev.to_json()]


def open_store(path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> Store:
    """Open (creating if needed) the store at ``path`` (default ``$EVENTDESK_DB`` or
    ``./eventdesk.duckdb``)."""
    return Store(path, read_only=read_only)
