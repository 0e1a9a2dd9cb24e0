"""Coding a corpus on a Dask cluster into a Parquet dataset.

:func:`code_on_cluster` reads the documents here (files, folders, JSONL, or a Parquet dataset
of documents), sends them to the cluster's workers in partitions, and each worker codes its
partition with a coder it loads once per worker process and writes two Parquet files:

- ``DIR/year=YYYY/month=M/part-NNNNN.parquet``: the partition's events of that month, one row
  per event, with the event record's scalar fields as columns (``id``, ``doc_id``,
  ``sentence_index``, ``date``, ``cameo``, ``root``, ``quad``, ``goldstein``, ``plover``,
  ``status``, ``pattern``, the first actor's and recipient's code and country) and the whole
  record as JSON (``event_json``); events with no date under ``year=0/month=0``;
- ``DIR/_documents/part-NNNNN.parquet``: the partition's documents (id, title, date, URL,
  source, text), so that ``eventdesk import DIR`` stores exactly what ``ingest`` would.

``DIR/_eventdesk.json`` marks the folder as such a dataset (``import`` looks for it). Part
names are the partition's number, so a rerun rewrites the same files rather than adding new
ones. ``DIR`` may be any fsspec URL (``s3://bucket/run``) where its filesystem package is
installed; the workers write to it directly.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date as Date
from itertools import islice
from typing import Any

from ..errors import InputError, UsageError
from ..model import Document, Event, Precision, SCHEMA_VERSION

log = logging.getLogger(__name__)

__all__ = ["ClusterRun", "code_on_cluster", "documents_from_parquet", "MARKER"]

MARKER = "_eventdesk.json"
DOCS = "_documents"


@dataclass
class ClusterRun:
    partitions: int = 0
    documents: int = 0
    events: int = 0
    seconds: float = 0.0


# -- on the workers ---------------------------------------------------------------------------
_coders: dict[tuple[str, ...], Any] = {}


def _coder(actor_files: tuple[str, ...]) -> Any:
    if actor_files not in _coders:
        from ..actors import knowledge_base
        from ..coding.coder import Coder

        _coders[actor_files] = Coder(kb=knowledge_base(actor_files))
    return _coders[actor_files]


def _schemas() -> tuple[Any, Any]:
    """The fixed column types of the event and document files (so that a column empty in one
    partition has the type it has in the others)."""
    import pyarrow as pa

    s, i, f = pa.string(), pa.int64(), pa.float64()
    events = pa.schema([("id", s), ("doc_id", s), ("sentence_index", i), ("date", pa.date32()),
                        ("date_precision", s), ("cameo", s), ("root", s), ("quad", i),
                        ("goldstein", f), ("plover", s), ("status", s), ("pattern", s),
                        ("actor_code", s), ("actor_country", s), ("recipient_code", s),
                        ("recipient_country", s), ("event_json", s), ("seq", i)])
    docs = pa.schema([("id", s), ("title", s), ("date", pa.date32()), ("date_precision", s),
                      ("url", s), ("source", s), ("path", s), ("text", s)])
    return events, docs


def event_row(ev: Event) -> dict[str, Any]:
    """One event as a row of the dataset."""
    first = lambda ents, k: getattr(ents[0], k) if ents else None  # noqa: E731
    return {"id": ev.id, "doc_id": ev.doc_id, "sentence_index": ev.sentence_index,
            "date": ev.date, "date_precision": ev.date_precision.value, "cameo": ev.cameo,
            "root": ev.root, "quad": ev.quad, "goldstein": ev.goldstein, "plover": ev.plover,
            "status": ev.status.value, "pattern": ev.pattern,
            "actor_code": first(ev.actor, "code"), "actor_country": first(ev.actor, "country"),
            "recipient_code": first(ev.recipient, "code"),
            "recipient_country": first(ev.recipient, "country"),
            "year": ev.date.year if ev.date else 0, "month": ev.date.month if ev.date else 0,
            "event_json": ev.to_json()}


def _document_row(d: Document) -> dict[str, Any]:
    return {"id": d.id, "title": d.title, "date": d.date, "date_precision": d.date_precision.value,
            "url": d.url, "source": d.source, "path": d.path, "text": d.text}


def code_partition(number: int, docs: list[Document], out: str,
                   actor_files: tuple[str, ...] = ()) -> tuple[int, int]:
    """Code one partition and write its files; returns (documents, events)."""
    import fsspec
    import pyarrow as pa
    import pyarrow.parquet as pq

    event_schema, doc_schema = _schemas()
    rows = [event_row(ev) for _, events in _coder(actor_files).coded(docs) for ev in events]
    for seq, r in enumerate(rows):
        r["seq"] = seq              # the coded order, across the month files
    fs, root = fsspec.core.url_to_fs(out)
    name = f"part-{number:05d}.parquet"
    months: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for r in rows:
        months.setdefault((r["year"], r["month"]), []).append(r)
    for (y, m), part in months.items():
        folder = f"{root}/year={y}/month={m}"
        fs.makedirs(folder, exist_ok=True)
        table = pa.Table.from_pylist(part, schema=event_schema)
        with fs.open(f"{folder}/{name}", "wb") as f:
            pq.write_table(table, f)
    fs.makedirs(f"{root}/{DOCS}", exist_ok=True)
    with fs.open(f"{root}/{DOCS}/{name}", "wb") as f:
        pq.write_table(pa.Table.from_pylist([_document_row(d) for d in docs],
                                            schema=doc_schema), f)
    return len(docs), len(rows)


# -- on the client ----------------------------------------------------------------------------
def connect(address: str) -> tuple[Any, Any]:
    """A ``dask.distributed`` client for ``address`` (``local:N`` starts a LocalCluster of N
    single-threaded worker processes, no dashboard); returns (client, cluster or None)."""
    from distributed import Client, LocalCluster

    if not log.isEnabledFor(logging.INFO):      # without -v: dask's chatter stays out of sight
        for name in ("distributed", "tornado"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    if address.startswith("local"):
        n_text = address.partition(":")[2] or "2"
        if not n_text.isdigit() or int(n_text) < 1:
            raise UsageError(f"--dask {address!r}: use local:N with N at least 1")
        cluster = LocalCluster(n_workers=int(n_text), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        return Client(cluster), cluster
    try:
        return Client(address, timeout="20s"), None
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"--dask {address}: cannot reach the scheduler ({exc})") from None


def code_on_cluster(docs: Iterable[Document], address: str, out: str, *,
                    actor_files: Iterable[str] = (), partition_size: int = 200,
                    progress: Callable[[ClusterRun], None] | None = None) -> ClusterRun:
    """Code ``docs`` on the cluster at ``address`` into the dataset at ``out``."""
    import time

    import fsspec
    from distributed import as_completed

    started = time.monotonic()
    fs, root = fsspec.core.url_to_fs(out)
    if fs.exists(root) and fs.ls(root) and not fs.exists(f"{root}/{MARKER}"):
        raise UsageError(f"{out}: a folder that is not an eventdesk dataset and not empty; "
                         "name a new folder")
    fs.makedirs(root, exist_ok=True)
    client, cluster = connect(address)
    run = ClusterRun()
    files = tuple(actor_files)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or 1)
        pending = as_completed()
        parts = _partitions(docs, partition_size)
        for number, part in enumerate(islice(parts, 2 * n_workers)):
            pending.add(client.submit(code_partition, number, part, out, files, pure=False))
            run.partitions += 1
        for future in pending:
            n_docs, n_events = future.result()
            run.documents += n_docs
            run.events += n_events
            nxt = next(parts, None)
            if nxt is not None:
                pending.add(client.submit(code_partition, run.partitions, nxt, out, files,
                                          pure=False))
                run.partitions += 1
            if progress:
                progress(run)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    with fs.open(f"{root}/{MARKER}", "w") as f:
        json.dump({"kind": "eventdesk coded events", "schema_version": SCHEMA_VERSION,
                   "partitions": run.partitions, "documents": run.documents,
                   "events": run.events}, f)
    run.seconds = time.monotonic() - started
    return run


def _partitions(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while part := list(islice(it, size)):
        yield part


# -- reading a dataset back ---------------------------------------------------------------------
def documents_from_parquet(path: str) -> Iterator[Document]:
    """The documents of a Parquet file or dataset with a ``text`` column (and optional ``id``,
    ``date``, ``title``, ``url``, ``source``), in file order."""
    import pyarrow.dataset as ds

    try:
        dataset = ds.dataset(path, format="parquet")
    except Exception as exc:            # pyarrow's errors for a bad file
        raise InputError(f"not a Parquet dataset ({exc})", path) from None
    if "text" not in dataset.schema.names:
        raise InputError("a Parquet dataset of documents needs a 'text' column", path)
    for batch in dataset.to_batches():
        yield from _documents(batch.to_pylist())


def _documents(records: list[dict[str, Any]]) -> Iterator[Document]:
    from ..dates import parse_date
    from ..model import stable_hash

    for rec in records:
        text = rec.get("text")
        if not isinstance(text, str) or not text.strip():
            continue
        raw_date = rec.get("date")
        day, precision = parse_date(raw_date.isoformat() if isinstance(raw_date, Date)
                                    else raw_date)
        if rec.get("date_precision"):
            precision = Precision(rec["date_precision"])
        doc_id = str(rec.get("id") or "c-" + stable_hash(text, rec.get("title"), raw_date))
        yield Document(id=doc_id, text=text, title=rec.get("title") or None, date=day,
                       date_precision=precision, url=rec.get("url") or None,
                       source=rec.get("source") or None, path=rec.get("path") or None)


def iter_dataset(path: str) -> Iterator[tuple[Document, list[Event]]]:
    """``(document, events)`` of a dataset written by :func:`code_on_cluster`, partition by
    partition, each document's events in their coded order."""
    import fsspec
    import pyarrow.parquet as pq

    fs, root = fsspec.core.url_to_fs(path)
    if not fs.exists(f"{root}/{MARKER}"):
        raise InputError(f"not an eventdesk dataset (no {MARKER}): write one with "
                         "`eventdesk code --dask ... -o DIR`", path)
    names = sorted(p.rsplit("/", 1)[-1] for p in fs.ls(f"{root}/{DOCS}", detail=False))
    for name in names:
        with fs.open(f"{root}/{DOCS}/{name}", "rb") as f:
            docs = list(_documents(pq.read_table(f).to_pylist()))
        rows: list[tuple[int, str, str]] = []
        for file in fs.glob(f"{root}/year=*/month=*/{name}"):
            with fs.open(file, "rb") as f:
                t = pq.read_table(f, columns=["seq", "doc_id", "event_json"])
            rows.extend(zip(t["seq"].to_pylist(), t["doc_id"].to_pylist(),
                            t["event_json"].to_pylist()))
        by_doc: dict[str, list[Event]] = {}
        for _, doc_id, js in sorted(rows):
            by_doc.setdefault(doc_id, []).append(Event.from_json(js))
        for d in docs:
            yield d, by_doc.get(d.id, [])


class _Precoded:
    """A coder that hands back events coded elsewhere, so :meth:`Store.ingest` stores them with
    its own rules (a document already stored unchanged is skipped, a changed one replaced)."""

    def __init__(self, events: dict[str, list[Event]]):
        self.events = events

    def coded(self, docs: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        for d in docs:
            yield d, self.events.get(d.id, [])


def is_dataset(path: str) -> bool:
    """Whether ``path`` is a folder written by :func:`code_on_cluster`."""
    import fsspec

    try:
        fs, root = fsspec.core.url_to_fs(path)
        return fs.exists(f"{root}/{MARKER}")
    except (ValueError, ImportError, OSError):
        return False


def import_dataset(store: Any, path: str) -> Any:
    """Store a dataset written by :func:`code_on_cluster`, partition by partition (one
    transaction per batch of documents, as ``ingest``); returns the store's
    :class:`~eventdesk.store.IngestResult`. A rerun adds nothing."""
    from ..store import IngestResult

    total = IngestResult()
    batch: list[tuple[Document, list[Event]]] = []

    def flush() -> None:
        r = store.ingest([d for d, _ in batch], coder=_Precoded({d.id: e for d, e in batch}))
        for f in ("documents_seen", "documents_added", "documents_replaced",
                  "documents_unchanged", "events_added", "events_removed"):
            setattr(total, f, getattr(total, f) + getattr(r, f))
        batch.clear()

    for item in iter_dataset(path):
        batch.append(item)
        if len(batch) >= 256:
            flush()
    if batch:
        flush()
    return total
