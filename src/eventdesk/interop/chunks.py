"""A delimited file imported in chunks, one transaction and one batch each.

Python cuts a large tab-separated file at line ends into chunks of about :func:`chunk_bytes`
(a plain file by seeks and kernel copies, a .gz by decompressing it, which counts its lines),
streamed to temporary files so no chunk is held in memory; the next chunk is cut in a thread
while DuckDB reads the current one (:func:`_ahead`). Each chunk is read straight into
``event_rows`` (:mod:`.mapping`); a file is recorded in ``imports`` when its last chunk commits,
the chunks before in ``import_parts``, so a rerun resumes after the last committed chunk. A plain
file's lines are counted only when a problem needs its line number (:class:`_Lines`).
"""
from __future__ import annotations

import gzip
import os
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EventDeskError, InputError
from ..store import Store
from ..store.sql import ident
from .files import BAD_STREAM, copy_range, scratch
from .layouts import Layout
from .mapping import csv_reader, insert_events, insert_mentions, reject_text, \
    report_problems, short_message
from .records import ImportResult, Problem, hash_known, log, record_import

#: the size of the chunks a large file is imported in, one transaction each (bytes of its
#: uncompressed text; $EVENTDESK_IMPORT_CHUNK overrides it): memory is bounded by a chunk
CHUNK_BYTES = 256 << 20


def chunk_bytes() -> int:
    value = os.environ.get("EVENTDESK_IMPORT_CHUNK", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else CHUNK_BYTES


def _count_lines(path: Path, start: int, end: int) -> int:
    """The line ends in bytes ``start`` to ``end`` of an uncompressed file (blocks of 16 MB)."""
    buf = bytearray(1 << 24)
    n, left = 0, end - start
    with open(path, "rb", buffering=0) as f:
        f.seek(start)
        while left > 0:
            got = f.readinto(memoryview(buf)[:min(left, len(buf))])
            if not got:
                break
            n += buf.count(b"\n", 0, got)
            left -= got
    return n


class _Lines:
    """The line numbers of a file's byte offsets (uncompressed, each at a line start), known or
    counted when first asked. A plain file's lines are counted only then, from the nearest
    offset known: an import without problems never counts them (a tenth of its time on a
    large file); a compressed file's are noted as its chunks are cut."""

    def __init__(self, path: Path, start: int = 0, start_line: int = -1):
        self.path = path
        self.known = {0: 0}
        if start_line >= 0:
            self.known[start] = start_line
        self._lock = threading.Lock()   # asked for by the importer, noted by the cutter

    def note(self, pos: int, line: int) -> None:
        with self._lock:
            self.known[pos] = line

    def get(self, pos: int) -> int:
        """The lines before ``pos`` if known, else -1 (without counting)."""
        with self._lock:
            return self.known.get(pos, -1)

    def at(self, pos: int) -> int:
        """The lines before ``pos`` (counted now if not known)."""
        with self._lock:
            if pos not in self.known:
                base = max(p for p in self.known if p <= pos)
                self.known[pos] = self.known[base] + _count_lines(self.path, base, pos)
            return self.known[pos]


@dataclass
class _Chunk:
    path: Path          # the file DuckDB reads: the file itself, or a temporary chunk file
    start: int          # byte offset (uncompressed) of the chunk's first line in the file
    again: bool         # the chunk file begins with the header line again
    end_offset: int     # byte offset (uncompressed) just after the chunk
    last: bool
    lines: _Lines

    @property
    def offset(self) -> int:
        """Added to a line of ``path`` to give the line of the original file (counts the lines
        before the chunk, if not known)."""
        return self.lines.at(self.start) - (1 if self.again else 0)

    @property
    def end_line(self) -> int:
        """The lines of the original file up to the chunk's end if known, else -1."""
        return self.lines.get(self.end_offset)


def _chunks(readable: Path, header: bool, delim: str, start: int, start_line: int,
            tmp: Path) -> Iterator[_Chunk]:
    """The file cut at line ends into chunks of about :func:`chunk_bytes`, from the
    uncompressed byte offset ``start`` (a resumed import: ``start_line`` lines precede it, -1
    when they were not counted); every chunk after the first gets the header line again. Each
    chunk is streamed to its temporary file in pieces of 1 MB, so Python holds no chunk in
    memory. A plain file of one chunk (and a comma-separated file, whose quoted fields may
    hold line breaks) is read as it is."""
    size = chunk_bytes()
    gz = readable.suffix.lower() == ".gz"
    lines = _Lines(readable, start, start_line)
    if delim != "\t" or (not gz and start == 0 and readable.stat().st_size <= size):
        yield _Chunk(readable, 0, False, readable.stat().st_size, True, lines)
        return
    if not gz:
        yield from _plain_chunks(readable, header, start, tmp, size, lines)
        return
    try:
        yield from _gz_chunks(readable, header, start, start_line, tmp, size, lines)
    except BAD_STREAM as exc:          # cut short, a bad CRC: the chunks before it are kept
        raise InputError(f"cannot read ({exc})", str(readable)) from None


def _gz_chunks(readable: Path, header: bool, start: int, start_line: int, tmp: Path,
               size: int, lines: _Lines) -> Iterator[_Chunk]:
    """:func:`_chunks` of a .gz file: decompressed by Python, which counts its lines."""
    opener: Any = gzip.open
    head = b""
    if header:
        with opener(readable, "rb") as f:
            head = f.readline()
    piece = 1 << 20
    with opener(readable, "rb") as f:
        left, line = start, 0
        while left:                     # to a resumed import's start (counting its lines
            block = f.read(min(left, 1 << 24))      # when they were not)
            if not block:
                break
            left -= len(block)
            line += block.count(b"\n") if start_line < 0 else 0
        pos, line, n = start, start_line if start_line >= 0 else line, 0
        lines.note(pos, line)
        carry = f.read(1)
        if not carry:
            yield _Chunk(readable, 0, False, 0, True, lines)
            return
        while carry:
            out = tmp / f"chunk{n}.tsv"
            again = header and pos > 0
            written, counted, ends = 0, 0, True
            with open(out, "wb") as o:
                if again:
                    o.write(head)
                while carry:
                    o.write(carry)
                    written += len(carry)
                    counted += carry.count(b"\n")
                    ends = carry.endswith(b"\n")
                    if written >= size:
                        break
                    carry = f.read(min(piece, size - written))
                if not ends:                    # finish the line the chunk cut
                    rest = f.readline()
                    if rest:
                        o.write(rest)
                        written += len(rest)
                        counted += rest.count(b"\n")
                carry = f.read(1)
            lines.note(pos + written, line + counted)
            yield _Chunk(out, pos, again, pos + written, not carry, lines)
            pos, line, n = pos + written, line + counted, n + 1


def _plain_chunks(readable: Path, header: bool, start: int, tmp: Path, size: int,
                  lines: _Lines) -> Iterator[_Chunk]:
    """:func:`_chunks` of an uncompressed file: each chunk's end is found by a seek and the
    rest of the line there, and its bytes are copied to the chunk file by the kernel
    (``os.copy_file_range``, five times faster here than copying through Python, which is the
    fallback); its lines are not counted (:class:`_Lines` counts them if asked)."""
    total = readable.stat().st_size
    with open(readable, "rb", buffering=0) as f:
        head = f.readline() if header else b""
        pos, n = start, 0
        while True:
            end = min(pos + size, total)
            if end < total:
                f.seek(end - 1)
                if f.read(1) != b"\n":            # finish the line the chunk cuts
                    end += len(f.readline())
            again = header and pos > 0
            out = tmp / f"chunk{n}.tsv"
            with open(out, "wb") as o:
                if again:
                    o.write(head)
                    o.flush()
                copy_range(f, o, pos, end - pos)
            yield _Chunk(out, pos, again, end, end >= total, lines)
            if end >= total:
                return
            pos, n = end, n + 1


class Background:
    """``fn(*args)`` run in a thread (Python's file reads and hashing release the GIL, and
    DuckDB's queries run without it, so both cores work); ``result()`` waits for it."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._out: tuple[bool, Any] | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self._out = (True, fn(*args))
        except BaseException as exc:     # given to the caller of result()
            self._out = (False, exc)

    def result(self) -> Any:
        self._thread.join()
        assert self._out is not None
        ok, value = self._out
        if not ok:
            raise value
        return value


@contextmanager
def _ahead(items: Iterator[Any]) -> Iterator[Iterator[Any]]:
    """``items`` produced one ahead in a thread: the next chunk is cut and counted while
    DuckDB imports this one. Leaving the block stops the thread (and waits for it)."""
    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                box.put((kind, value), timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put("item", item):
                    break
            else:
                put("end", None)
        except BaseException as exc:
            put("error", exc)
        finally:
            close = getattr(items, "close", None)
            if close:
                close()

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()

    def consume() -> Iterator[Any]:
        while True:
            kind, value = box.get()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return

    try:
        yield consume()
    finally:
        stop.set()
        thread.join()


class HashKnown(EventDeskError):
    """The content hash, known only after the first chunk was read, names a file imported
    before (``done``) or one whose import was cut off: the chunk is rolled back."""

    def __init__(self, digest: str, done: bool):
        super().__init__(digest)
        self.digest, self.done = digest, done


def import_csv(store: Store, shown: Path, readable: Path, layout: Layout,
                columns: list[tuple[str, str]], header: bool, delim: str,
                digest: str | Background, report: Problem, keep: bool) -> ImportResult:
    """Import one delimited file, in chunks of about :func:`chunk_bytes` (one transaction and
    one batch each, see :func:`_insert_chunk`); the file is recorded in ``imports`` by the
    transaction of its last chunk, the chunks before in ``import_parts``, so a rerun after a
    crash resumes after the last committed chunk. ``digest`` still being computed (a
    :class:`Background`) means the file is taken for a new one: its hash is awaited before
    the first chunk commits (and :class:`HashKnown` raised, the chunk rolled back, when the
    hash names a file imported before or cut off), and that chunk's problems are reported
    only then."""
    con = store.con
    result = ImportResult(str(shown), layout.name)
    hashing = digest if isinstance(digest, Background) else None
    key = [None if hashing else digest, layout.name]
    if hashing:
        again, part, resumed_skips = False, None, 0
    else:
        # a file imported before (a forced import) starts afresh; one whose import was killed
        # resumes after its last committed chunk
        again = con.execute("SELECT count(*) FROM imports WHERE file_hash = ? AND dataset = ?",
                            key).fetchone()[0] > 0
        part = None if again else con.execute(
            "SELECT part, end_offset, end_line FROM import_parts WHERE file_hash = ? AND "
            "dataset = ? ORDER BY part DESC LIMIT 1", key).fetchone()
        resumed_skips = 0 if again else int(con.execute(
            "SELECT coalesce(sum(rows_skipped), 0) FROM import_parts WHERE file_hash = ? AND "
            "dataset = ?", key).fetchone()[0])
    n_part, start, start_line = (part[0] + 1, part[1], part[2]) if part else (0, 0, 0)
    state = {"part": n_part, "skipped": 0, "rows": 0}
    held: list[InputError] = []         # the first chunk's problems, while its hash is awaited

    with scratch() as tmp, \
            _ahead(_chunks(readable, header, delim, start, start_line, Path(tmp))) as chunks:
        for chunk in chunks:
            def work(chunk: _Chunk = chunk) -> tuple[int, int]:
                if again and state["part"] == 0:
                    for table in ("imports", "import_parts"):
                        con.execute(f"DELETE FROM {ident(table)} WHERE file_hash = ? AND "
                                    "dataset = ?", key)
                b = store.new_batch()
                wait = hashing is not None and key[0] is None
                n, skipped_here = _insert_chunk(store, shown, chunk, layout, columns, header,
                                                delim, b, held.append if wait else report,
                                                keep)
                if wait:
                    assert hashing is not None
                    key[0] = hashing.result()
                    done, cut = hash_known(con, str(key[0]), layout.name)
                    if done or cut:
                        raise HashKnown(str(key[0]), bool(done))
                if chunk.last:
                    if layout.name != "gdelt2-mentions":
                        # every stored row of the file's batches
                        n = con.execute(
                            "SELECT count(*) FROM event_rows WHERE batch_id = ? OR batch_id IN "
                            "(SELECT batch_id FROM import_parts WHERE file_hash = ? AND "
                            "dataset = ?)", [b, *key]).fetchone()[0]
                    else:           # provenance rows; those of a resumed run's earlier parts
                        n += state["rows"]      # are not counted again
                    record_import(con, str(key[0]), layout.name, shown, n,
                                  resumed_skips + state["skipped"] + skipped_here, b)
                else:       # kept when the file is done: they name the batches of its chunks
                    con.execute("INSERT INTO import_parts VALUES (?, ?, ?, ?, ?, ?, ?)",
                                [key[0], layout.name, state["part"], chunk.end_offset,
                                 chunk.end_line, b, skipped_here])
                return int(n), skipped_here

            try:
                n, skipped_here = store.transaction(work, f"import of {shown} failed")
            finally:
                if chunk.path != readable:
                    chunk.path.unlink(missing_ok=True)
            for exc in held:
                report(exc)
            held.clear()
            log.info("%s: chunk %d committed (to byte %d)", shown, state["part"],
                     chunk.end_offset)
            state["part"] += 1
            state["skipped"] += skipped_here
            state["rows"] += n
            result.rows_added = n if chunk.last else state["rows"]
    # the rows skipped by this run (a resumed run reported those of its earlier parts before)
    result.rows_skipped = state["skipped"]
    return result


def _insert_chunk(store: Store, shown: Path, chunk: _Chunk, layout: Layout,
                  columns: list[tuple[str, str]], header: bool, delim: str, batch_id: int,
                  report: Problem, keep: bool) -> tuple[int, int]:
    """Import one chunk as batch ``batch_id`` inside the caller's transaction: rows inserted,
    rows skipped."""
    import duckdb

    con = store.con
    names = [n for n, _ in columns]
    mentions = layout.name == "gdelt2-mentions"
    reported: set[int] = set()
    try:
        if mentions:
            reported = report_problems(store, shown, chunk.path, layout, columns, header, delim,
                                 report, chunk.offset)
        con.execute("DROP TABLE IF EXISTS ed_rejects2; DROP TABLE IF EXISTS ed_rejects2_scan")
        src = csv_reader(chunk.path, layout, columns, header=header, delimiter=delim,
                        rejects="ed_rejects2")

        def problems() -> None:
            reported.update(report_problems(store, shown, chunk.path, layout, columns, header, delim,
                                      report, chunk.offset))

        if mentions:
            n = insert_mentions(con, src)
        else:
            n = insert_events(store, layout, src, names, batch_id, problems, keep)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        raise InputError(f"cannot read as {layout.name} ({short_message(exc)})", str(shown)) from None
    # the rows the reader rejected (and, when the numbering scan ran, those it did not see:
    # DuckDB checks some values, such as UTF-8, only in the columns a query reads)
    for line, kind, msg in con.execute("SELECT line, any_value(error_type), "
                                       "any_value(error_message) FROM ed_rejects2 "
                                       "GROUP BY line ORDER BY line").fetchall():
        line += chunk.offset
        if line not in reported:
            report(InputError(f"{reject_text(kind, msg)}; row skipped", f"{shown}:{line}"))
            reported.add(line)
    return int(n), len(reported)
