"""PLOVER JSON lines: one event a line, with the PLOVER manual's field names.

Read line by line (a bad line is reported with its number and skipped), in batches of
``BATCH`` rows handed to DuckDB as a DataFrame, then mapped by the same SQL as other imports.
"""
from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..store import Store
from ..store.schema import EVENT_NAMES, keys_sql
from .files import BAD_STREAM
from .layouts import PLOVER_FIELDS
from .mapping import lookups
from .records import ImportResult, record_import

BATCH = 20000


def _lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """(line number, text) of each line; text None when it is not UTF-8."""
    raw: IO[bytes]
    if path.suffix.lower() == ".gz":
        raw = gzip.open(path, "rb")
    elif path.suffix.lower() == ".zip":
        z = zipfile.ZipFile(path)
        raw = z.open(next(m for m in z.infolist() if not m.is_dir()))
    else:
        raw = open(path, "rb")
    with raw:
        try:
            for n, line in enumerate(io.BufferedReader(raw), 1):  # type: ignore[arg-type]
                try:
                    yield n, line.decode("utf-8").lstrip("\ufeff")
                except UnicodeDecodeError:
                    yield n, None
        except BAD_STREAM as exc:          # a compressed file cut short, a bad CRC
            raise InputError(f"cannot read ({exc})", str(path)) from None


def _row(rec: dict[str, Any]) -> dict[str, Any]:
    row = {f: rec.get(f) for f in PLOVER_FIELDS}
    ctx = row["context"]
    row["context"] = "|".join(ctx) if isinstance(ctx, list) else ctx
    for k, v in row.items():
        if v is not None and not isinstance(v, str):
            row[k] = v if k in ("latitude", "longitude", "goldstein") else str(v)
    for k in ("latitude", "longitude", "goldstein"):
        v = row[k]
        try:
            row[k] = float(v) if v not in (None, "") else None
        except (TypeError, ValueError):
            raise ValueError(f"{k} {v!r} is not a number") from None
    return row


def import_plover(store: Store, path: Path, digest: str, report: Any) -> Any:
    import pandas as pd

    store.settle()         # its batches are grouped with the stored reports: all grouped
    lookups(store)
    con = store.con
    result = ImportResult(str(path), "plover")

    def flush(rows: list[dict[str, Any]], batch_id: int) -> int:
        if not rows:
            return 0
        frame = pd.DataFrame(rows, columns=PLOVER_FIELDS + ["line"], dtype=object)
        con.register("ed_plover_batch", frame)
        try:
            bad = con.execute(
                "SELECT line, id, event FROM ed_plover_batch b WHERE TRY_CAST(date AS DATE) IS "
                "NULL OR id IS NULL OR NOT EXISTS (SELECT 1 FROM ed_cameo c WHERE c.code = "
                "coalesce(b.cameo, (SELECT p.code FROM ed_plover p WHERE p.plover = "
                "upper(b.event))))").fetchall()
            for line, oid, event in bad:
                why = ("no id" if oid is None else f"unknown PLOVER event type {event!r} or bad "
                       f"date (id {oid})")
                report(InputError(f"{why}; row skipped", f"{path}:{line}"))
            result.rows_skipped += len(bad)
            values = {
                "event_id": "'plover:' || b.id", "doc_id": "coalesce(b.url, 'plover:' || b.id)",
                "sentence_index": "0", "sentence": "coalesce(b.text, '')",
                "event_date": "CAST(b.date AS DATE)", "date_precision": "'day'",
                "cameo": "c.code", "root": "c.root", "cameo_name": "c.name",
                "goldstein": "coalesce(b.goldstein, c.goldstein)", "quad": "c.quad",
                "penta": "c.penta", "plover": "upper(b.event)", "mode": "nullif(b.mode, '')",
                "context": "nullif(b.context, '')", "status": "'asserted'", "actor_code": "b.actor",
                "actor_country": "b.actor_country", "recipient_code": "b.recipient",
                "recipient_country": "b.recipient_country", "location": "b.location",
                "location_country": "b.location_country", "pattern": "'import:plover'",
                "record": "NULL", "dataset": "'plover'", "origin_id": "b.id",
                "source": "b.source", "url": "b.url",
                "published": "TRY_CAST(b.publication_date AS DATE)",
                "actor_sector": "b.actor_sector", "actor_office": "NULL", "actor_name": "NULL",
                "recipient_sector": "b.recipient_sector", "recipient_name": "NULL",
                "actor_keys": keys_sql("b.actor", "b.actor_country"),
                "recipient_keys": keys_sql("b.recipient", "b.recipient_country"),
                "location_lat": "b.latitude", "location_lon": "b.longitude",
                "n_mentions": "1", "n_sources": "1", "n_articles": "1", "ckey": "NULL",
                "chain_first": "NULL", "batch_id": str(batch_id), "extra": "NULL"}
            n = con.execute(
                f"INSERT INTO event_rows ({', '.join(EVENT_NAMES)}) SELECT "
                f"{', '.join(values.get(k, 'NULL') for k in EVENT_NAMES)} FROM ed_plover_batch b "
                "JOIN ed_cameo c ON c.code = coalesce(b.cameo, (SELECT p.code FROM ed_plover p "
                "WHERE p.plover = upper(b.event))) WHERE TRY_CAST(b.date AS DATE) IS NOT NULL "
                "AND b.id IS NOT NULL").fetchone()[0]
        finally:
            con.unregister("ed_plover_batch")
        return int(n)

    held: list[InputError] = []         # reported once the file is in: not when it fails

    def work() -> int:
        batch_id = store.new_batch()
        rows: list[dict[str, Any]] = []
        added = 0
        for n, text in _lines(path):
            if text is None:
                held.append(InputError("not valid UTF-8; row skipped", f"{path}:{n}"))
                result.rows_skipped += 1
                continue
            if not text.strip():
                continue
            try:
                try:
                    rec = json.loads(text)
                except RecursionError:
                    raise ValueError("JSON nested too deeply") from None
                if not isinstance(rec, dict):
                    raise ValueError("not a JSON object")
                row = _row(rec)
            except ValueError as exc:             # an integer of 4,300 digits is one too
                msg = str(exc).splitlines()[0].split("; use sys.set_int_max_str_digits")[0]
                held.append(InputError(f"{msg[:120]}; row skipped",
                                       f"{path}:{n}"))
                result.rows_skipped += 1
                continue
            row["line"] = n
            rows.append(row)
            if len(rows) >= BATCH:
                added += flush(rows, batch_id)
                rows = []
        added += flush(rows, batch_id)
        store.finish_batch(batch_id)
        record_import(con, digest, "plover", path, added, result.rows_skipped, batch_id)
        return added

    result.rows_added = store.transaction(work, f"import of {path} failed")
    for exc in held:
        report(exc)
    return result
