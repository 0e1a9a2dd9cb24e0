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
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date as Date
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dates import parse_date
from ..errors import EventDeskError, StoreError
from ..model import Document, Event, Precision
from ..model import min_confidence as check_min_confidence
from .corroborate import (SLICE_ROWS, STALE_COLUMNS, Rule, apply_batch, chain_batch,
                          group_batch, pending_slices, pending_where, regroup_all, stale_sql)
from .schema import (BUCKET, EVENT_NAMES, SINGLE_SELECT, STORE_VERSION, create, derive_sql,
                     ensure, meta, migrate, set_meta, store_version)
from .materialize import add_singles, rebuild, record_gone
from .sql import ident, literal, literal_list

if TYPE_CHECKING:
    from ..coding.coder import Coder

log = logging.getLogger(__name__)

DEFAULT_DB = "eventdesk.duckdb"

#: an event's record as JSON, built from the columns for imported events (which store none)
RECORD_SQL = """coalesce(e.record, json_object(
    'id', e.event_id, 'doc_id', e.doc_id, 'sentence_index', e.sentence_index,
    'text', e.sentence, 'date', CAST(e.event_date AS VARCHAR),
    'date_precision', e.date_precision,
    'actor', CASE WHEN e.actor_code IS NULL THEN '[]'::JSON ELSE json_array(json_object(
        'code', e.actor_code, 'country', e.actor_country, 'sector', e.actor_sector,
        'text', coalesce(e.actor_name, ''), 'name', e.actor_name, 'wikidata', NULL,
        'office', e.actor_office)) END,
    'recipient', CASE WHEN e.recipient_code IS NULL THEN '[]'::JSON ELSE json_array(json_object(
        'code', e.recipient_code, 'country', e.recipient_country, 'sector', e.recipient_sector,
        'text', coalesce(e.recipient_name, ''), 'name', e.recipient_name, 'wikidata', NULL,
        'office', NULL)) END,
    'cameo', e.cameo, 'cameo_name', e.cameo_name, 'goldstein', e.goldstein, 'quad', e.quad,
    'penta', e.penta, 'plover', e.plover, 'mode', e.mode, 'context', e.context,
    'status', e.status, 'source_of_claim', '[]'::JSON,
    'location', CASE WHEN e.location IS NULL THEN NULL ELSE json_object(
        'name', e.location, 'country', e.location_country, 'text', e.location,
        'lat', e.location_lat, 'lon', e.location_lon, 'feature', NULL, 'geonameid', NULL) END,
    'spans', '{}'::JSON, 'pattern', e.pattern))"""


@dataclass
class IngestResult:
    documents_seen: int = 0
    documents_added: int = 0
    documents_replaced: int = 0
    documents_unchanged: int = 0
    events_added: int = 0
    events_removed: int = 0


def memory_limit() -> str:
    """DuckDB's memory limit for a store connection: ``$EVENTDESK_MEMORY`` (such as ``2GB``),
    else a quarter of the machine's memory, at most 4GB. Beyond it DuckDB spills sorts, joins,
    windows and temp tables to disk; an aggregate that cannot spill fails with a clear error."""
    default = "4GB"
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        default = f"{max(256, min(4096, total // 4 // 2**20))}MB"
    except (ValueError, OSError, AttributeError):
        pass
    value = os.environ.get("EVENTDESK_MEMORY", default).strip()
    if not value.replace(".", "").rstrip("KMGTiBkmgtib").isdigit():
        raise StoreError(f"EVENTDESK_MEMORY={value!r}: give a size such as 1GB or 512MB")
    if _bytes(value) < MIN_MEMORY:
        raise StoreError(f"EVENTDESK_MEMORY={value!r} is too small: a store needs at least "
                         f"{MIN_MEMORY // 2**20}MB")
    return value


#: the least memory DuckDB is given (``$EVENTDESK_MEMORY`` below it is refused): opening a
#: store and a small query need a few MB, a sort or join spilling to disk some more
MIN_MEMORY = 64 * 2**20


#: DuckDB's memory cap for bulk writes (a file's import, the grouping that follows it): they
#: need a few hundred MB, and a higher cap only lets DuckDB's buffer pool keep more of the
#: growing store cached, so the process would grow with the data
#: ($EVENTDESK_IMPORT_MEMORY overrides it; never above the store's own limit)
BULK_MEMORY = "1GB"


def lock_wait() -> float:
    """Seconds to wait for another process's lock on the store: ``$EVENTDESK_LOCK_WAIT``, else
    0."""
    value = os.environ.get("EVENTDESK_LOCK_WAIT", "").strip()
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        raise StoreError(f"EVENTDESK_LOCK_WAIT={value!r}: give a number of seconds") from None


def waiting_flag(path: Path) -> Path:
    """The file a writer waiting for the store's lock keeps beside it (``<store>.wait``)."""
    return path.with_name(path.name + ".wait")


#: DuckDB's settings for every connection the store opens: no extension is ever installed or
#: loaded on its own (DuckDB would otherwise fetch ``sqlite_scanner`` from the network to open a
#: SQLite file given as ``--db``, and a query could pull in ``httpfs``); the store needs none
CONNECT_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def _bytes(size: str) -> float:
    """'512MB', '1GB', '1.5GiB' as bytes (inf when unreadable)."""
    text = size.strip().upper().replace("IB", "B")
    for unit, factor in (("TB", 2**40), ("GB", 2**30), ("MB", 2**20), ("KB", 2**10),
                         ("B", 1)):
        if text.endswith(unit):
            try:
                return float(text[:-len(unit)]) * factor
            except ValueError:
                break
    return float("inf")


def resolve_db_path(path: str | os.PathLike[str] | None) -> Path:
    """``path``, else ``$EVENTDESK_DB``, else ``./eventdesk.duckdb``."""
    return Path(path or os.environ.get("EVENTDESK_DB") or DEFAULT_DB)


class Store:
    """An open event store. Use :func:`open_store`; close it (or use ``with``) when done."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = resolve_db_path(path)
        self.read_only = read_only
        self._bulk = False           # inside bulk_memory()
        self._ungrouped = False      # read through the temporary views of _read_ungrouped
        # the connection the importer's lookup tables are in, and the actor tables they hold
        self.lookups_for: Any = None
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such store (run `eventdesk ingest` first)")
        if not read_only and self.path.parent and not self.path.parent.exists():
            raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
        self.con = self._connect(read_only)
        try:
            version = self._version()
            if version is not None and version < STORE_VERSION and read_only:
                # migrate once with a short write, then read as asked
                self.con.close()
                self.con = self._connect(False)
                self._upgrade(self._version())
                self.con.close()
                self.con = self._connect(True)
            elif not read_only:
                self._upgrade(version)
            self.rule = Rule.from_json(meta(self.con, "corroboration"))
            self._pending = version is not None and self._count_pending() > 0
            if self._pending and read_only:
                self._settle_read_only()
        except BaseException as exc:
            self.con.close()
            if is_damage(exc):
                raise damaged(self.path, exc) from None
            raise

    @property
    def reads_stored(self) -> bool:
        """Whether reads of corroborated events use the stored tables (``corroborated``,
        ``agg_day``): always, except on a read-only open that could not group an import's
        reports (:meth:`_read_ungrouped`), which reads the views."""
        return not self._ungrouped

    def _count_pending(self) -> int:
        return int(self.con.execute("SELECT (SELECT count(*) FROM group_pending) + "
                                    "(SELECT count(*) FROM group_stale)").fetchone()[0])

    def _settle_read_only(self) -> None:
        """A store opened read-only whose last import left reports to group: group them with a
        short write, as a migration does, then read as asked; when the store cannot be
        written (a read-only file, another reader, a full disk), read it without that
        grouping (:meth:`_read_ungrouped`): reading never needs to write."""
        self.con.close()
        try:
            self.con = self._connect(False)
        except StoreError as exc:
            self.con = self._connect(True)
            self._read_ungrouped(exc)
            return
        try:
            self.read_only = False
            self.settle()
        except StoreError as exc:
            self.read_only = True
            self.con.close()
            self.con = self._connect(True)
            self._read_ungrouped(exc)
            return
        finally:
            self.read_only = True
        self.con.close()
        self.con = self._connect(True)

    def _read_ungrouped(self, why: object) -> None:
        """Read a store whose last import's reports cannot be grouped now: each of them is
        read as a corroborated event of its own, under an id of its own, through temporary
        views of this connection (nothing is written); a writer groups them later."""
        from .corroborate import pending_where
        from .schema import SINGLE_SELECT, group_id_sql

        con = self.con
        where, _ = pending_where(con)
        own = group_id_sql("ckey", "NULL", "event_id")       # the report's own id
        con.execute("CREATE OR REPLACE TEMP VIEW ed_events_v AS SELECT * REPLACE (CASE WHEN "
                    f"{where} THEN {own} ELSE group_id END AS group_id) FROM main.events_v")
        con.execute("CREATE OR REPLACE TEMP VIEW events AS SELECT * EXCLUDE (chain_first) "
                    "FROM temp.ed_events_v")
        singles = SINGLE_SELECT.format(where="chain_first IS NULL").replace(
            "FROM events", "FROM temp.ed_events_v")
        con.execute("CREATE OR REPLACE TEMP VIEW groups AS SELECT * FROM main.group_rows "
                    f"UNION ALL {singles}")
        log.warning("%s: the reports of the last import are not grouped yet, so each is read "
                    "as a corroborated event of its own until the store can be written (%s)",
                    self.path, why)
        self._pending = False
        self._ungrouped = True

    def _check_file(self) -> None:
        """Refuse, before DuckDB opens it, a file that is not a DuckDB database (a SQLite file,
        a text file): DuckDB would take a SQLite file for an attached database of another
        kind. A DuckDB file names itself in its first block (``DUCK`` at byte 8)."""
        try:
            with open(self.path, "rb") as f:
                head = f.read(16)
        except FileNotFoundError:
            return
        except IsADirectoryError:
            raise StoreError(f"{self.path}: not an eventdesk store (a folder)") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc.strerror})") from None
        if not head or head[8:12] == b"DUCK":
            return
        kind = ("a SQLite database" if head.startswith(b"SQLite format 3") else
                "not a DuckDB database file")
        raise StoreError(f"{self.path}: not an eventdesk store ({kind})")

    def _connect(self, read_only: bool) -> Any:
        """A connection; while another process holds the store's lock, tried again for up to
        ``$EVENTDESK_LOCK_WAIT`` seconds (default 0: fail at once), as a writer next to
        ``eventdesk serve`` does (the server holds a read connection only during a request)."""
        deadline = time.monotonic() + lock_wait()
        pause = 0.05
        flag = None
        try:
            while True:
                try:
                    return self._connect_once(read_only)
                except StoreError as exc:
                    if "in use by another process" not in str(exc) or \
                            time.monotonic() + pause > deadline:
                        raise
                    if flag is None and not read_only:
                        # tell the readers that keep the store open (eventdesk serve) that a
                        # writer waits: they let go of it when their requests are done
                        flag = waiting_flag(self.path)
                        flag.touch()
                    time.sleep(pause)
                    pause = min(2 * pause, 0.5)
        finally:
            if flag is not None:
                flag.unlink(missing_ok=True)

    def _connect_once(self, read_only: bool) -> Any:
        import duckdb

        self._check_file()
        try:
            con = duckdb.connect(str(self.path), read_only=read_only, config=CONNECT_CONFIG)
            con.execute("SET enable_progress_bar = false")
            # bounded memory: DuckDB spills to <store>.tmp beyond the limit; rows need not
            # keep their order inside a write (readers sort, writers that need the order of
            # a file's rows ask for it)
            con.execute("SET memory_limit = ?", [memory_limit()])
            con.execute("SET preserve_insertion_order = false")
            return con
        except duckdb.IOException as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                holder = ("writing to it" if read_only else
                          "using it (a writer excludes every other process; readers exclude "
                          "writers)")
                raise StoreError(f"{self.path}: the store is in use by another process "
                                 f"{holder}; try again when it has finished") from None
            if is_damage(exc):
                raise damaged(self.path, exc) from None
            raise StoreError(f"{self.path}: cannot open the store "
                             f"({_first_line(msg)})") from None
        except duckdb.Error as exc:
            raise damaged(self.path, exc) from None

    # -- schema --------------------------------------------------------------------------------
    def _version(self) -> int | None:
        try:
            version = store_version(self.con)
        except StoreError as exc:
            raise StoreError(f"{self.path}: {exc}") from None
        if version is None and self.read_only:
            raise StoreError(f"{self.path}: not an eventdesk store (empty database)")
        if version is not None and version > STORE_VERSION:
            raise StoreError(f"{self.path}: store version {version} was written by a newer "
                             f"eventdesk; this one reads versions up to {STORE_VERSION}")
        return version

    def _upgrade(self, version: int | None) -> None:
        """Create a new store, or migrate an older one, in one transaction."""
        if version == STORE_VERSION:
            def current() -> None:
                if ensure(self.con):
                    # a new CAMEO table: the stored events' derived scores follow it
                    rebuild(self.con)

            self.transaction(current, "cannot open the store for writing")
            return
        step = "initialise" if version is None else f"migrate (from store version {version})"

        def work() -> None:
            if version is None:
                create(self.con)
            elif version == 8:
                # the groups stand: only the stored corroborated events and their
                # aggregates are new in 9
                migrate(self.con, version)
                rebuild(self.con)
            else:
                migrate(self.con, version)
                regroup_all(self.con, Rule.from_json(meta(self.con, "corroboration")))

        self.transaction(work, f"cannot {step} the store")
        if version is not None:
            log.warning("%s: migrated from store version %s to %s", self.path, version,
                        STORE_VERSION)

    def transaction(self, work: Callable[[], Any], what: str = "write failed") -> Any:
        """Run ``work()`` in one transaction and return what it returns; any failure rolls it
        back and leaves the store as it was (a full disk or a read-only file included). An
        :class:`~eventdesk.errors.EventDeskError` raised by ``work`` goes through as it is;
        any other error becomes a :class:`~eventdesk.errors.StoreError` saying ``what`` failed
        and that nothing was written. Every write to the store goes through it (the importers'
        chunks included)."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            out = work()
            con.execute("COMMIT")
            return out
        except BaseException as exc:
            try:
                con.execute("ROLLBACK")
            except Exception:
                pass
            if isinstance(exc, EventDeskError) or not isinstance(exc, Exception):
                raise
            if interrupted(exc):
                raise KeyboardInterrupt from None
            raise StoreError(f"{self.path}: {what}, nothing was written "
                             f"({_first_line(exc)})") from exc

    #: the name :meth:`transaction` had before it was public
    _transaction = transaction

    def close(self) -> None:
        self.con.close()

    def cursor(self) -> "Store":
        """Another handle on this open store, for another thread: the same database through
        its own DuckDB cursor (one DuckDB connection must not serve two threads at once).
        Closing it closes the cursor only."""
        import copy

        other = copy.copy(self)
        other.con = self.con.cursor()
        return other

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def bulk_memory(self) -> Iterator[None]:
        """DuckDB's memory limit lowered to :data:`BULK_MEMORY` for a bulk write, then set
        back to the store's (:func:`memory_limit`); a block inside another changes nothing."""
        usual = memory_limit()
        cap = os.environ.get("EVENTDESK_IMPORT_MEMORY", BULK_MEMORY).strip()
        if self._bulk or _bytes(cap) == float("inf") or \
                _bytes(cap) >= _bytes(usual):
            yield
            return
        self.con.execute("SET memory_limit = ?", [cap])
        self._bulk = True
        try:
            yield
        finally:
            self._bulk = False
            self.con.execute("SET memory_limit = ?", [usual])

    def check_writable(self) -> None:
        """A :class:`~eventdesk.errors.StoreError` when the store was opened read-only."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")

    def set_rule(self, rule: Rule) -> None:
        """Change the corroboration rule and regroup every event with it."""
        self.check_writable()

        def work() -> None:
            set_meta(self.con, "corroboration", rule.to_json())
            regroup_all(self.con, rule)

        self.transaction(work)
        self.rule = rule

    def settle(self) -> int:
        """Group the reports that imports left to group (``group_pending``): a file's reports
        are grouped once, all together, after its import, rather than chunk by chunk. Every
        read of events or corroborated events runs it first, so readers always see whole
        groups; ``eventdesk import`` runs it at the end. The pending reports are taken in
        slices of consecutive dates of at most :data:`~.corroborate.SLICE_ROWS` reports,
        one transaction each (memory is bounded by a slice; a settling interrupted goes on
        from its last slice). Returns the number of reports grouped."""
        if not self._pending or self.read_only:
            return 0
        with self.bulk_memory():
            return self._settle()

    def _settle(self) -> int:
        con = self.con
        where, batches = pending_where(con)
        env = os.environ.get("EVENTDESK_GROUP_SLICE", "").strip()
        size = int(env) if env.isdigit() and int(env) > 0 else SLICE_ROWS
        slices = pending_slices(con, where, size) or [None]
        done = 0
        for i, span in enumerate(slices):
            def work(i: int = i, span: Any = span) -> int:
                last = i == len(slices) - 1
                if span is None:
                    part, later = "false", None
                else:
                    part = (f"({where}) AND event_date BETWEEN {literal(span[0])} AND "
                            f"{literal(span[1])}")
                    later = None if last else f"({where}) AND event_date > {literal(span[1])}"
                chain_batch(con, self.rule, part, "group_stale" if i == 0 else None, later)
                apply_batch(con)
                if i == 0:
                    con.execute("DELETE FROM group_stale")
                if last:
                    # reports without a date need no chaining: stored as events of their own
                    add_singles(con, f"event_date IS NULL AND ({where})")
                    con.execute("DELETE FROM group_pending WHERE list_contains(?, batch_id)",
                                [batches])
                else:
                    con.execute("UPDATE group_pending SET through = ? WHERE "
                                "list_contains(?, batch_id)", [span[1], batches])
                return span[2] if span else 0

            done += self.transaction(work, "grouping the imported reports failed")
            log.info("grouped the imported reports of slice %d of %d (%d reports)", i + 1,
                     len(slices), done)
        self._pending = self._count_pending() > 0
        return done

    def ready(self) -> None:
        """Before a read of events: group what imports left to group (:meth:`settle`), so the
        read sees whole groups; when that cannot be written (a full disk), read without it,
        as a read-only store does (a writer that needs the grouping calls :meth:`settle`)."""
        if self._pending:
            try:
                self.settle()
            except StoreError as exc:
                if not self.read_only and self.con is not None:
                    log.warning("%s: the reports of the last import could not be grouped "
                                "(%s); corroborated events are incomplete", self.path, exc)
                    self._pending = False
                    return
                self._read_ungrouped(exc)

    def mark_pending(self, batch_ids: Iterable[int]) -> None:
        """Inside a write: the reports of these batches are left to group later, all together
        (``group_pending``; :meth:`settle`, which the next read runs first). An importer marks
        each batch it writes."""
        self.con.execute("INSERT INTO group_pending SELECT unnest($1), NULL",
                         [[int(b) for b in batch_ids]])
        self._pending = True

    def new_batch(self) -> int:
        return self.new_batches(1)[0]

    def new_batches(self, n: int) -> list[int]:
        """``n`` new batch ids, ascending, in one query."""
        return sorted(int(r[0]) for r in self.con.execute(
            "SELECT nextval('batch_seq') FROM range($1)", [int(n)]).fetchall())

    def finish_batch(self, batch_id: int, stale: str | None = None) -> None:
        """Inside a write, after the batch's reports are inserted (with their ``event_id``):
        drop the stored reports it replaces (same id, older batch; within the batch all but
        the last row of an id), give its reports their corroboration key where the writer did
        not, and group them. ``stale`` is a temp table (:data:`~.corroborate.STALE_COLUMNS`)
        of the chains of reports the writer deleted."""
        con = self.con
        b = {"b": int(batch_id)}
        con.execute(f"CREATE OR REPLACE TEMP TABLE ed_stale ({STALE_COLUMNS})")
        if stale:
            con.execute(f"INSERT INTO ed_stale SELECT * FROM {ident(stale)}")
        older = ("batch_id <> $b AND event_id IN (SELECT event_id FROM event_rows WHERE "
                 "batch_id = $b)")
        if con.execute(f"SELECT count(*) FROM event_rows WHERE {older}", b).fetchone()[0]:
            con.execute(f"INSERT INTO ed_stale {stale_sql(older)}", b)
            record_gone(con, older, b)
            con.execute(f"DELETE FROM event_rows WHERE {older}", b)
        n, distinct, keyless = con.execute(
            "SELECT count(*), count(DISTINCT event_id), count(*) FILTER (WHERE ckey IS NULL) "
            "FROM event_rows WHERE batch_id = $b", b).fetchall()[0]
        if n != distinct:
            con.execute("""DELETE FROM event_rows WHERE batch_id = $b AND rowid NOT IN
                           (SELECT max(rowid) FROM event_rows WHERE batch_id = $b
                            GROUP BY event_id)""", b)
        if keyless:
            key = self.rule.key_of("actor_country", "actor_code", "recipient_country",
                                   "recipient_code", "coalesce(root, left(cameo, 2))", "plover",
                                   "coalesce(status, 'asserted')",
                                   "coalesce(date_precision, 'day')")
            con.execute(f"UPDATE event_rows SET ckey = {key} WHERE batch_id = $b "
                        "AND ckey IS NULL", b)
        group_batch(con, self.rule, b["b"], "ed_stale")
        con.execute("DROP TABLE ed_stale")

    # -- ingest --------------------------------------------------------------------------------
    def ingest(self, documents: Iterable[Document], coder: "Coder | None" = None, *,
               batch_size: int = 64, progress: Callable[[IngestResult], None] | None = None
               ) -> IngestResult:
        """Code and store documents, one transaction per batch; returns what changed."""
        self.check_writable()
        self.settle()           # a batch is grouped with the stored reports: all grouped
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
        replaced = [d.id for d in todo if d.id in known]
        added, removed = self.transaction(lambda: self._write_coded(coded, replaced),
                                           "write failed, batch rolled back")
        log.info("%s: batch of %d documents committed (%d events added)", self.path,
                 len(todo), added)
        result.events_removed += removed
        result.documents_replaced += len(replaced)
        result.documents_added += len(todo) - len(replaced)
        result.events_added += added

    def _write_coded(self, coded: list[tuple[Document, list[Event]]], replaced: list[str]
                     ) -> tuple[int, int]:
        con = self.con
        batch_id = self.new_batch()
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        con.execute(f"CREATE OR REPLACE TEMP TABLE stale ({STALE_COLUMNS})")
        removed = 0
        if replaced:
            gone = "SELECT event_id FROM event_rows WHERE list_contains($ids, doc_id)"
            removed = con.execute(f"SELECT count(*) FROM ({gone})", {"ids": replaced}).fetchone()[0]
            con.execute(f"INSERT INTO stale {stale_sql('list_contains($ids, doc_id)')}",
                        {"ids": replaced})
            record_gone(con, "list_contains($ids, doc_id)", {"ids": replaced})
            for table in ("event_entities", "provenance"):
                con.execute(f"DELETE FROM {table} WHERE event_id IN ({gone})", {"ids": replaced})
            con.execute("DELETE FROM event_rows WHERE list_contains($ids, doc_id)",
                        {"ids": replaced})
            con.execute("DELETE FROM documents WHERE list_contains($ids, doc_id)",
                        {"ids": replaced})
        doc_rows, ev_rows, ent_rows, prov_rows = [], [], [], []
        seen_events: set[str] = set()
        coded = link_mentions(con, coded)
        for doc, events in coded:
            doc_rows.append([doc.id, doc.title, doc.url, doc.source, doc.path, doc.date,
                             doc.date_precision.value, doc.content_hash, len(events), now])
            for ev in events:
                if ev.id in seen_events:
                    continue
                seen_events.add(ev.id)
                ev_rows.append(_event_row(ev, doc, batch_id))
                for role, ents in (("actor", ev.actor), ("recipient", ev.recipient),
                                   ("source_of_claim", ev.source_of_claim)):
                    for pos, e in enumerate(ents):
                        ent_rows.append([ev.id, role, pos, e.code, e.country, e.sector,
                                         e.text, e.name, e.wikidata, e.office])
                prov_rows.append([ev.id, doc.id, ev.sentence_index, doc.source, doc.url,
                                  doc.date, json.dumps(ev.spans)])
        con.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)", doc_rows)
        if ev_rows:
            con.executemany(f"INSERT INTO event_rows ({', '.join(EVENT_NAMES)}) VALUES "
                            f"({', '.join('?' * len(EVENT_NAMES))})", ev_rows)
        if ent_rows:
            con.executemany("INSERT INTO event_entities VALUES (?,?,?,?,?,?,?,?,?,?)", ent_rows)
        if prov_rows:
            con.executemany("INSERT INTO provenance VALUES (?,?,?,?,?,?,?)", prov_rows)
        self.finish_batch(batch_id, "stale")
        return len(ev_rows), removed

    # -- queries -------------------------------------------------------------------------------
    def event_filter(self, actor: str | None = None, recipient: str | None = None,
                     since: str | Date | None = None, until: str | Date | None = None,
                     cameo: str | None = None, status: str | Iterable[str] | None = None,
                     doc_id: str | None = None, min_confidence: float | None = None
                     ) -> tuple[str, list[Any]]:
        """The WHERE clause (``" WHERE ..."``, or ``""`` with no filter) over the events view
        aliased ``e`` for the filters of :meth:`events`, and its parameters: every value is a
        bound parameter (``?``), so the clause fits any query over ``events e`` whose other
        parameters come after these. ``min_confidence``: see :func:`confidence_condition`."""
        clauses, params = [], []
        cond = confidence_condition(min_confidence, "e.confidence")
        if cond:
            clauses.append(cond[0])
            params.extend(cond[1])
        for role, value in (("actor", actor), ("recipient", recipient)):
            if value:
                # keys are '|code|country|...' for every entity: a code prefix or a country
                clauses.append(f"contains(e.{role}_keys, ?)")
                params.append("|" + value)
        _date_code_status(clauses, params, "e.event_date", "e.", since, until, cameo, status)
        if doc_id:
            clauses.append("e.doc_id = ?")
            params.append(doc_id)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    #: the columns of ``events(as_frame=True)``, in order (``explode=True``: ``pair`` after
    #: ``date``, and no ``actors``/``recipients`` lists)
    FRAME_COLUMNS = ("id", "date", "actor", "actor_country", "actor_sector", "actor_name",
                     "actor_office", "recipient", "recipient_country", "recipient_sector",
                     "recipient_name", "recipient_office", "actors", "recipients", "cameo",
                     "cameo_name", "goldstein", "quad", "penta", "plover", "mode", "status",
                     "location", "location_country", "dataset", "doc_id", "sentence_index",
                     "pattern", "sentence")

    def events(self, *, actor: str | None = None, recipient: str | None = None,
               since: str | Date | None = None, until: str | Date | None = None,
               cameo: str | None = None, status: str | Iterable[str] | None = None,
               doc_id: str | None = None, limit: int | None = None, as_frame: bool = False,
               explode: bool = False, min_confidence: float | None = None) -> Any:
        """Stored events matching the filters, by date then id: a list of
        :class:`~eventdesk.model.Event`, or a pandas DataFrame if ``as_frame``.

        ``actor``/``recipient`` match an entity's country or code ("RUS", "RUSGOV", "NATO");
        ``cameo`` a code prefix ("19" matches every fight); ``status`` one or several statuses;
        ``limit`` the number of events (not of rows); ``min_confidence`` the coder's least
        confidence (imported events, which have none, are then left out).

        The frame has one row per event with :attr:`FRAME_COLUMNS`: ``actor``,
        ``actor_country``, ``actor_sector``, ``actor_name``, ``actor_office`` (and the same for
        the recipient) describe the *first* actor and recipient, ``actors``/``recipients`` list
        every code. With ``explode=True`` it is long instead: one row per actor–recipient pair
        of each event (an event with two actors and one recipient gives two rows; an event with
        no actor or no recipient keeps one row with NULLs there), so no actor is lost when you
        group by country; ``pair`` numbers the rows of one event from 0."""
        self.ready()
        where, params = self.event_filter(actor, recipient, since, until, cameo, status, doc_id,
                                          min_confidence)
        order = " ORDER BY e.event_date NULLS LAST, e.doc_id, e.sentence_index, e.event_id"
        source = "events e"
        if limit:
            # pick the rows first, build records for those only (not for every match)
            source = f"(SELECT * FROM events e{where}{order} LIMIT ?) e"
            params = [*params, int(limit)]
            where = ""
        if as_frame:
            return self.con.execute(_frame_sql(source, where, explode), params).df()
        sql = f"SELECT {RECORD_SQL} FROM {source}{where}{order}"
        return [Event.from_json(r[0]) for r in self.con.execute(sql, params).fetchall()]

    #: the columns of :meth:`corroborated`, in order
    GROUP_FIELDS = ("group_id", "date", "last_date", "date_precision", "actor_country",
                    "actor_code", "recipient_country", "recipient_code", "cameo", "root",
                    "plover", "goldstein", "quad", "status", "n_reports", "n_sources", "n_docs",
                    "first_seen", "last_seen", "datasets", "event_id", "sentence")

    def corroborated(self, *, actor: str | None = None, recipient: str | None = None,
                     since: str | Date | None = None, until: str | Date | None = None,
                     cameo: str | None = None, status: str | Iterable[str] | None = None,
                     limit: int | None = None, as_frame: bool = False,
                     min_confidence: float | None = None) -> Any:
        """Corroborated events (one per group of reports) matching the filters, by date then
        id: dicts with :attr:`GROUP_FIELDS` (``event_id``/``sentence``: a representative
        report), or a DataFrame. ``actor``/``recipient`` match the state or a code prefix,
        ``since``/``until`` the group's first date, ``cameo`` a prefix of its commonest code,
        ``min_confidence`` the least confidence of its representative report."""
        self.ready()
        clauses, params = [], []
        cond = confidence_condition(min_confidence, grouped=True)
        if cond:
            clauses.append(cond[0])
            params.extend(cond[1])
        for role, value in (("actor", actor), ("recipient", recipient)):
            if value:
                clauses.append(f"({role}_country = ? OR starts_with({role}_code, ?))")
                params += [value, value]
        _date_code_status(clauses, params, "date", "", since, until, cameo, status)
        sql = (f"SELECT {', '.join(self.GROUP_FIELDS)} FROM groups"
               + (" WHERE " + " AND ".join(clauses) if clauses else "")
               + " ORDER BY date NULLS LAST, group_id")
        if limit:
            sql += " LIMIT ?"
            params.append(int(limit))
        cur = self.con.execute(sql, params)
        if as_frame:
            return cur.df()
        return [dict(zip(self.GROUP_FIELDS, r)) for r in cur.fetchall()]

    def by_id(self, some_id: str, *, prefix: bool = False) -> tuple[str, dict[str, Any]]:
        """A relation (a parenthesised subquery, the columns of the ``events_v`` view: those
        of ``events`` and ``chain_first``) of the reports whose id is ``some_id``, or starts
        with it when ``prefix``, and its named parameters.

        It reads ``event_rows`` through conditions on its stored columns, which DuckDB checks
        against each row group's min/max before reading it, so finding one report among
        millions reads a few row groups instead of deriving every report's id: a coded
        report's id is stored (``event_id``); an imported one's is derived by the view as
        ``dataset:origin_id``, so it is found by those two columns (imports write rows in the
        order of their ids, so the row groups of ``origin_id`` are ranges)."""
        args: dict[str, Any] = {"i": some_id}
        if self._ungrouped:
            # the temporary views of an ungrouped read give pending reports ids of their own
            cond = "starts_with(event_id, $i)" if prefix else "event_id = $i"
            return f"(SELECT * FROM temp.ed_events_v WHERE {cond})", args
        dataset, sep, origin = some_id.partition(":")
        if prefix:
            own = "starts_with(event_id, $i)"
            if sep:
                args |= {"d": dataset, "o": origin}
                imported = "dataset = $d AND starts_with(origin_id, $o)"
            else:                       # the start of a dataset's name: all its reports
                imported = "starts_with(dataset, $i)"
        else:
            own = "event_id = $i"
            if sep:
                args |= {"d": dataset, "o": origin}
                imported = "dataset = $d AND origin_id = $o"
            else:
                imported = "false"
        # two scans, not one with OR: DuckDB skips row groups only for a conjunction
        rows = (f"(SELECT * FROM event_rows WHERE {own} UNION ALL SELECT * FROM event_rows "
                f"WHERE event_id IS NULL AND {imported})")
        return f"({derive_sql(rows)})", args

    def event(self, event_id: str) -> Event | None:
        """The event of this id, or of the one id that starts with it."""
        self.ready()
        for prefix in (False, True):
            rel, args = self.by_id(event_id, prefix=prefix)
            # two rows tell an ambiguous prefix; the id itself matches one row
            row = self.con.execute(f"SELECT {RECORD_SQL} FROM {rel} e LIMIT 2", args).fetchall()
            if row:
                break
        if len(row) > 1:
            n = self.con.execute(f"SELECT count(*) FROM {rel}", args).fetchone()[0]
            raise StoreError(f"event id prefix {event_id!r} is ambiguous ({n} events)")
        return Event.from_json(row[0][0]) if row else None

    def document(self, doc_id: str) -> dict[str, Any] | None:
        cur = self.con.execute("SELECT * FROM documents WHERE doc_id = ?", [doc_id])
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row))

    def provenance(self, event_id: str) -> list[dict[str, Any]]:
        cur = self.con.execute("SELECT p.*, d.title, d.path FROM provenance p LEFT JOIN documents d "
                               "USING (doc_id) WHERE event_id = ? ORDER BY published, doc_id",
                               [event_id])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def analysis_events(self, *, raw: bool = False,
                        statuses: Iterable[str] | None = ("asserted",),
                        include_mentions: bool = False,
                        min_confidence: float | None = None) -> str:
        """A SQL relation (a parenthesised subquery, to use after FROM) of the events analyses
        read: one row per corroborated event (see :mod:`eventdesk.store.corroborate`), or per
        report when ``raw``; only the given statuses (None for all). Columns, the contract every
        analysis relies on:

        ``event_id`` (a representative report), ``group_id``, ``date`` (DATE, the first report's
        date), ``date_precision``, ``actor_country``, ``actor_code``, ``actor_sector``,
        ``actor_office``, ``actor_name``, ``recipient_country``, ``recipient_code``,
        ``recipient_sector``, ``cameo``, ``root``, ``goldstein``, ``quad``, ``plover``, ``mode``,
        ``status``, ``n_reports``, ``n_sources``, ``n_docs``, ``doc_id``, ``sentence``; then
        ``first_seen``, ``last_seen`` (publication dates), ``datasets`` (comma-separated
        origins: eventdesk, gdelt2, icews, ...).

        Mentions of earlier events (``Event.mention``: "since the strike") are left out unless
        ``include_mentions``: a report that is a mention, and a corroborated event whose every
        report is a mention (one that also has a report of its own stays, counted with them).

        ``min_confidence`` (0 to 1) keeps the events the coder is at least that sure of
        (:func:`confidence_condition`: a report by its own confidence, a corroborated event by
        its representative report's); imported events, which carry none, are then left out.
        """
        self.ready()
        where = []
        cond = confidence_condition(min_confidence, grouped=not raw, inline=True)
        if cond:
            where.append(cond[0])
        if statuses is not None:
            # a relation other queries embed, so the statuses are quoted, not bound
            where.append(f"status IN {literal_list(statuses)}")
        # the stored corroborated events (store version 9), except for a read that could not
        # group an import's reports: its temporary views give them groups of their own
        stored = not raw and not self._ungrouped
        if not include_mentions:
            where.append("NOT mention" if raw else "NOT mention_only" if stored else
                         f"group_id NOT IN ({MENTION_ONLY_GROUPS})")
        status_sql = (" WHERE " + " AND ".join(where)) if where else ""
        cols = ("event_id, group_id, date, date_precision, actor_country, actor_code, "
                "actor_sector, actor_office, actor_name, recipient_country, recipient_code, "
                "recipient_sector, cameo, root, goldstein, quad, plover, mode, status, "
                "n_reports, n_sources, n_docs, doc_id, sentence, first_seen, last_seen, datasets")
        if raw:
            return (f"(SELECT event_id, group_id, event_date AS date, date_precision, "
                    "actor_country, actor_code, actor_sector, actor_office, actor_name, "
                    "recipient_country, recipient_code, recipient_sector, cameo, root, "
                    "goldstein, quad, plover, mode, status, CAST(n_mentions AS BIGINT) AS "
                    "n_reports, CAST(CASE WHEN dataset = 'eventdesk' THEN 1 ELSE n_sources END "
                    "AS BIGINT) AS n_sources, CAST(CASE WHEN dataset = 'eventdesk' THEN 1 ELSE "
                    "n_articles END AS BIGINT) AS n_docs, doc_id, sentence, "
                    "coalesce(published, event_date) AS first_seen, coalesce(published, "
                    f"event_date) AS last_seen, dataset AS datasets FROM events{status_sql})")
        return f"(SELECT {cols} FROM {'corroborated' if stored else 'groups'}{status_sql})"

    def group_key(self, some_id: str) -> tuple[Any, Any, Any] | None:
        """The corroborated event with this group id, or the one an event id (or a unique
        prefix of either) belongs to, as (group id, the report's id when it is alone in its
        chain, the chain's first date when known); None when there is none. What
        :meth:`group` reads the group by (and what a cache of groups is keyed by)."""
        self.ready()
        con = self.con
        # the reports of this id, else the groups of several reports of this id (the id
        # itself first, then as a prefix); a report alone in its chain by the id the view
        # gives it only when neither matched (that id is computed for every such report)
        found: list[tuple[Any, ...]] = []
        for prefix in (False, True):
            rel, args = self.by_id(some_id, prefix=prefix)
            found = con.execute("SELECT DISTINCT group_id, CASE WHEN chain_first IS NULL THEN "
                                f"event_id END, chain_first FROM {rel}", args).fetchall()
            if found and not prefix:
                break               # an event's id: no group of several has it
            match = "starts_with(group_id, $i)" if prefix else "group_id = $i"
            found += con.execute(f"SELECT group_id, NULL, NULL FROM group_rows WHERE {match}",
                                 {"i": some_id}).fetchall()
            if found:
                break
        if not found:
            found = con.execute("SELECT group_id, event_id, NULL FROM events_v WHERE chain_first "
                                "IS NULL AND starts_with(group_id, $i)", {"i": some_id}).fetchall()
        chosen = {g: (single, first) for g, single, first in found}
        if len(chosen) > 1:
            raise StoreError(f"id prefix {some_id!r} is ambiguous ({len(chosen)} events)")
        if not chosen:
            return None
        gid, (single, first) = next(iter(chosen.items()))
        return (gid, single, first)

    def group(self, some_id: str, *, found: tuple[Any, Any, Any] | None = None
              ) -> dict[str, Any] | None:
        """The corroborated event with this group id, or the one an event id (or a unique
        prefix of either) belongs to, with its ``reports``: every event behind it with its
        outlet, document, sentence and publication date, first seen first. ``found``: what
        :meth:`group_key` gave for ``some_id`` (then it is not looked up again)."""
        found = self.group_key(some_id) if found is None else found
        if found is None:
            return None
        gid, single, first = found
        con = self.con
        if single is None:
            # the members: the group's key and first date (bucket), which they store; the
            # group's first date is at most a year after its bucket (the report's chain_first,
            # when the group was found through a report), so DuckDB reads only the row groups
            # of group_rows around that date
            near = ("" if first is None else
                    " AND date >= $f AND date <= CAST($f AS DATE) + 366")
            cur = con.execute(f"SELECT * EXCLUDE (event_date), {BUCKET.format(p='')} AS ed_first "
                              "FROM (SELECT *, date AS event_date FROM group_rows "
                              f"WHERE group_id = $g{near})",
                              {"g": gid} | ({} if first is None else {"f": first}))
            # the members: over event_rows itself, so the conditions reach its scan, and
            # within the group's first and last dates, which DuckDB checks against each row
            # group's (the key and the chain's date are scattered after a regrouping)
            members, args = "e.ckey = $k AND e.chain_first = $f", {}
            near_members = ("ckey = $k AND chain_first = $f AND event_date BETWEEN $d0 AND "
                            "$d1")
            source = ("events_v" if self._ungrouped else
                      f"({derive_sql(f'(SELECT * FROM event_rows WHERE {near_members})')})")
        else:
            source, args = self.by_id(single)
            # the groups view's row for it (its column names are group_rows')
            single_sql = SINGLE_SELECT.format(where="chain_first IS NULL").replace(
                "FROM events", f"FROM {source} e")
            cur = con.execute(f"SELECT * FROM group_rows WHERE false UNION ALL {single_sql}",
                              args)
            members = "e.chain_first IS NULL"
        names = [d[0] for d in cur.description]
        group = dict(zip(names, cur.fetchone()))
        if single is None:
            args = {"k": group["ckey"], "f": group.pop("ed_first")}
            if not self._ungrouped:
                args |= {"d0": group["date"], "d1": group["last_date"]}
        cur = con.execute(
            "SELECT e.event_id, e.dataset, e.origin_id, e.doc_id, e.sentence_index, e.sentence, "
            "e.event_date, e.cameo, e.status, e.n_mentions, e.n_sources, e.n_articles, "
            "coalesce(e.source, d.source) AS source, coalesce(e.url, d.url) AS url, "
            "coalesce(e.published, d.published) AS published, d.title, d.path "
            f"FROM {source} e LEFT JOIN documents d USING (doc_id) WHERE {members} "
            "ORDER BY coalesce(e.published, d.published, e.event_date) NULLS LAST, e.event_id",
            args)
        names = [d[0] for d in cur.description]
        group["reports"] = [dict(zip(names, r)) for r in cur.fetchall()]
        return group

    def counts(self) -> dict[str, int]:
        self.ready()
        q = {"documents": "SELECT count(*) FROM documents",
             "events": "SELECT count(*) FROM events",
             "asserted": "SELECT count(*) FROM events WHERE status = 'asserted'",
             "corroborated": "SELECT count(*) FROM groups",
             "corroborated_asserted": "SELECT count(*) FROM groups WHERE status = 'asserted'"}
        if not self._ungrouped:
            # the stored tables: the same counts without the views' derivations (the events
            # view has a row per stored report; a report without status is asserted)
            q |= {"events": "SELECT count(*) FROM event_rows",
                  "asserted": "SELECT count(*) FROM event_rows WHERE "
                              "coalesce(status, 'asserted') = 'asserted'",
                  "corroborated": "SELECT count(*) FROM corroborated",
                  "corroborated_asserted": "SELECT count(*) FROM corroborated WHERE "
                                           "status = 'asserted'"}
        return {k: self.con.execute(v).fetchone()[0] for k, v in q.items()}

    def summary(self) -> dict[str, Any]:
        """Counts, date range, the busiest dyads and roots, for ``eventdesk summary``."""
        c = self.counts()
        span = self.con.execute("SELECT min(event_date), max(event_date) FROM events").fetchone()
        dyads = self.con.execute(
            "SELECT actor_country, recipient_country, count(*) n, round(sum(goldstein), 1) g "
            "FROM groups WHERE status = 'asserted' AND actor_country IS NOT NULL AND "
            "recipient_country IS NOT NULL AND actor_country <> recipient_country "
            "GROUP BY ALL ORDER BY n DESC, 1, 2 LIMIT 10").fetchall()
        roots = self.con.execute(
            "SELECT root, any_value(quad), count(*) n FROM events GROUP BY root ORDER BY root"
        ).fetchall()
        statuses = self.con.execute(
            "SELECT status, count(*) FROM events GROUP BY status ORDER BY 2 DESC").fetchall()
        datasets = self.con.execute(
            "SELECT dataset, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
        return {**c, "first": span[0], "last": span[1], "dyads": dyads, "roots": roots,
                "statuses": statuses, "datasets": datasets}


def _frame_sql(source: str, where: str, explode: bool) -> str:
    """The query of :meth:`Store.events`'s frame: the entities come from each event's record
    (its actor and recipient lists), so every one is there."""
    def ent(role: str, col: str) -> str:
        return f"{col}->>'code' AS {role}, " + ", ".join(
            f"{col}->>'{f}' AS {role}_{f}" for f in ("country", "sector", "name", "office"))

    common = ("r->>'cameo' AS cameo, r->>'cameo_name' AS cameo_name, "
              "CAST(r->>'goldstein' AS DOUBLE) AS goldstein, CAST(r->>'quad' AS TINYINT) AS quad, "
              "CAST(r->>'penta' AS TINYINT) AS penta, r->>'plover' AS plover, r->>'mode' AS mode, "
              "r->>'status' AS status, r->'location'->>'name' AS location, "
              "r->'location'->>'country' AS location_country, dataset, r->>'doc_id' AS doc_id, "
              "CAST(r->>'sentence_index' AS INTEGER) AS sentence_index, "
              "r->>'pattern' AS pattern, r->>'text' AS sentence")
    base = (f"SELECT {RECORD_SQL} AS r, e.dataset, e.event_date AS o1_, e.doc_id AS o2_, "
            f"e.sentence_index AS o3_, e.event_id AS o4_ FROM {source}{where}")
    lists = ("CAST(json_extract(r, '$.actor[*]') AS JSON[]) AS al, "
             "CAST(json_extract(r, '$.recipient[*]') AS JSON[]) AS rl")
    head = "r->>'id' AS id, CAST(r->>'date' AS DATE) AS date"
    order = "ORDER BY o1_ NULLS LAST, o2_, o3_, o4_"
    if not explode:
        codes = ("list_transform(al, lambda x: x->>'code') AS actors, "
                 "list_transform(rl, lambda x: x->>'code') AS recipients")
        return (f"WITH l_ AS (SELECT *, {lists} FROM ({base})) SELECT {head}, "
                f"{ent('actor', 'al[1]')}, {ent('recipient', 'rl[1]')}, {codes}, {common} "
                f"FROM l_ {order}")

    def pad(col: str) -> str:
        return f"unnest(CASE WHEN len({col}) = 0 THEN [NULL::JSON] ELSE {col} END)"

    return (f"WITH l_ AS (SELECT *, {lists} FROM ({base})), "
            f"p_ AS (SELECT *, {pad('al')} AS a_ FROM l_), "
            f"q_ AS (SELECT *, {pad('rl')} AS r_ FROM p_) "
            f"SELECT {head}, (row_number() OVER (PARTITION BY o4_ ORDER BY a_->>'code', "
            f"r_->>'code') - 1)::INTEGER AS pair, {ent('actor', 'a_')}, "
            f"{ent('recipient', 'r_')}, {common} FROM q_ {order}, pair")


#: how far before its document a stored event may be to be the one a mention names
MENTION_WINDOW_DAYS = 365


def link_mentions(con: Any, coded: list[tuple[Document, list[Event]]]
                  ) -> list[tuple[Document, list[Event]]]:
    """Each mention of an earlier event (``Event.mention``) with ``mention_of`` set to the stored
    event it names, where one matches. The rule: a stored event that is not itself a mention,
    from another document, with the same CAMEO root, the same actor country and the same
    recipient country (a side the mention leaves unknown matches any; a mention naming neither
    country is linked to nothing), dated on or before the mention's document and at most
    :data:`MENTION_WINDOW_DAYS` before it (and on the mention's own date, where its phrase
    gives one); of several, the latest, then the smallest id. The events of the same batch's
    earlier documents count as stored."""
    out: list[tuple[Document, list[Event]]] = []
    fresh: list[tuple[Document, Event]] = []       # this batch's events, as written before
    for doc, events in coded:
        linked = [_link(con, ev, doc, fresh) if ev.mention else ev for ev in events]
        out.append((doc, linked))
        fresh.extend((doc, ev) for ev in linked if not ev.mention)
    return out


def _link(con: Any, ev: Event, doc: Document, fresh: list[tuple[Document, Event]]) -> Event:
    actor = next((e.country for e in ev.actor if e.country), None)
    recipient = next((e.country for e in ev.recipient if e.country), None)
    until = doc.date or ev.date
    if (actor is None and recipient is None) or until is None:
        return ev
    since = until - timedelta(days=MENTION_WINDOW_DAYS)
    if ev.date is not None and ev.date_precision is Precision.DAY:
        since = until = ev.date
    sql = ("SELECT event_id, event_date FROM events WHERE NOT mention AND root = ? "
           "AND doc_id <> ? AND event_date BETWEEN ? AND ?")
    params: list[Any] = [ev.root, ev.doc_id, since, until]
    for col, value in (("actor_country", actor), ("recipient_country", recipient)):
        if value is not None:
            sql += f" AND {col} = ?"
            params.append(value)
    cands = [(d, i) for i, d in con.execute(sql, params).fetchall()]
    for d, other in fresh:
        o_actor = next((e.country for e in other.actor if e.country), None)
        o_recipient = next((e.country for e in other.recipient if e.country), None)
        if (other.root == ev.root and d.id != ev.doc_id and other.date is not None
                and since <= other.date <= until and actor in (None, o_actor)
                and recipient in (None, o_recipient)):
            cands.append((other.date, other.id))
    if not cands:
        return ev
    best = max(sorted(cands, key=lambda c: c[1]), key=lambda c: c[0])   # first of the latest
    return replace(ev, mention_of=best[1])


def confidence_condition(min_confidence: Any, column: str = "confidence", *,
                         grouped: bool = False, inline: bool = False
                         ) -> tuple[str, list[Any]] | None:
    """The SQL condition of a least confidence and its parameters, or None without one:
    ``column >= ?`` over reports; over corroborated events (``grouped``), the confidence of the
    representative report (``event_id``; the workbench's rule), read from ``event_rows``, where
    only coded reports store their id. A report without a confidence (an imported one: NULL,
    not measured) never passes. The value is checked (:func:`eventdesk.model.min_confidence`:
    a number from 0 to 1, else a :class:`~eventdesk.errors.UsageError`) and bound as a
    parameter, or with ``inline`` written as a checked literal (for relations other queries
    embed) with no parameters."""
    x = check_min_confidence(min_confidence)
    if x is None:
        return None
    value = literal(x) if inline else "?"
    sql = (f"event_id IN (SELECT event_id FROM event_rows WHERE confidence >= {value})"
           if grouped else f"{column} >= {value}")
    return sql, ([] if inline else [x])


#: the corroborated events whose every report is a mention of an earlier event (the reports of
#: the same key that are not mentions are looked up by key first: only those get a group id)
MENTION_ONLY_GROUPS = (
    "SELECT group_id FROM events WHERE mention AND group_id NOT IN (SELECT group_id FROM "
    "events WHERE NOT mention AND ckey IN (SELECT ckey FROM events WHERE mention))")


def _keys(ents: Iterable[Any]) -> str | None:
    parts = [f"{e.code or ''}|{e.country or ''}" for e in ents]
    return "|" + "|".join(parts) + "|" if parts else None


def _event_row(ev: Event, doc: Document, batch_id: int) -> list[Any]:
    a = ev.actor[0] if ev.actor else None
    r = ev.recipient[0] if ev.recipient else None
    loc = ev.location
    row = [ev.id, ev.doc_id, ev.sentence_index, ev.text, ev.date, ev.date_precision.value,
           ev.cameo, ev.root, ev.cameo_name, ev.goldstein, ev.quad, ev.penta, ev.plover, ev.mode,
           ev.context, ev.status.value, a.code if a else None, a.country if a else None,
           r.code if r else None, r.country if r else None, loc.name if loc else None,
           loc.country if loc else None, ev.pattern, ev.to_json(),
           "eventdesk", None, doc.source, doc.url, doc.date,
           a.sector if a else None, a.office if a else None, a.name if a else None,
           r.sector if r else None, r.name if r else None, _keys(ev.actor), _keys(ev.recipient),
           loc.lat if loc else None, loc.lon if loc else None, 1, 1, 1, None, None, batch_id,
           None, json.dumps(ev.decided_by) if ev.decided_by else None, ev.primary,
           ev.mention, ev.mention_of, ev.confidence]
    assert len(row) == len(EVENT_NAMES)
    return row


def damaged(path: Path, exc: BaseException) -> StoreError:
    """The error for a store file DuckDB cannot read (a corrupt block, a file cut short)."""
    return StoreError(f"{path}: the store file is damaged ({_first_line(exc)})")


def is_damage(exc: BaseException) -> bool:
    """Whether an error DuckDB raised while reading says the store file is damaged."""
    text = str(exc)
    return "duckdb" in type(exc).__module__ and (
        "Corrupt database file" in text or "Could not read enough bytes" in text
        or "not a valid DuckDB database file" in text)


def interrupted(exc: BaseException) -> bool:
    """Whether a DuckDB error stands for a signal: Ctrl-C during a query (its
    InterruptException), or a Python signal handler that raised while DuckDB ran a query
    (DuckDB then raises ``RuntimeError('Query interrupted')`` in place of the handler's
    exception)."""
    return type(exc).__name__ == "InterruptException" or (
        isinstance(exc, RuntimeError) and str(exc).strip() == "Query interrupted")


def _first_line(exc: object) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _date_code_status(clauses: list[str], params: list[Any], date_col: str, prefix: str,
                      since: str | Date | None, until: str | Date | None, cameo: str | None,
                      status: str | Iterable[str] | None) -> None:
    """The date, CAMEO-prefix and status filters that events and corroborated events share."""
    if since:
        clauses.append(f"{date_col} >= ?")
        params.append(parse_date(since)[0])
    if until:
        clauses.append(f"{date_col} <= ?")
        params.append(parse_date(until)[0])
    if cameo:
        clauses.append(f"starts_with({prefix}cameo, ?)")
        params.append(cameo)
    if status:
        clauses.append(f"list_contains(?, {prefix}status)")
        params.append([status] if isinstance(status, str) else list(status))


def open_store(path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> Store:
    """Open the store at ``path`` (default ``$EVENTDESK_DB``, else ``./eventdesk.duckdb``).

    ``read_only=False`` (the default) creates the store if it is missing and lets you ingest
    and import; DuckDB then locks the file, so no other process (an ``eventdesk`` command in a
    terminal included) can open it until you close the store. ``read_only=True`` is for
    reading: the store must exist, any number of readers may share it, and writing raises
    :class:`~eventdesk.errors.StoreError`; every reading command of the CLI opens it so, and a
    notebook that only queries should too::

        with open_store("demo/eventdesk.duckdb", read_only=True) as store:
            df = store.events(actor="RUS", as_frame=True, explode=True)

    (A store written by an older eventdesk, or whose last import left reports to group, is
    brought up to date with one short write first, then opened as asked.)"""
    return Store(path, read_only=read_only)
