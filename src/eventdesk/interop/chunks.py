"""A delimited file imported in chunks, one transaction and one batch each.

Python reads a large file's text (decompressing a .gz) in blocks of 1 MB and writes it, through
:class:`~.files.LineFilter` (no blank line, none too long: every row reported at its true line),
into chunks of about :func:`chunk_bytes` cut at line ends, streamed to temporary files so no
chunk is held in memory; the next chunk is cut in a thread while DuckDB reads the current one
(:func:`_ahead`). Each chunk is read straight into ``event_rows`` (:mod:`.mapping`); a file is
recorded in ``imports`` when its last chunk commits, the chunks before in ``import_parts``, so
a rerun resumes after the last committed chunk. A file that cannot be read to its end (cut
short, past :func:`~.files.max_bytes`) keeps its committed chunks and says so
(``ImportResult.incomplete``).
"""
from __future__ import annotations

import gzip
import os
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EventDeskError, InputError, StoreError
from ..store import Store
from ..store.sql import ident
from .files import BAD_STREAM, LineFilter, LineMap, as_is, max_bytes, max_line, read_head, \
    scratch, size_text, too_big
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


@dataclass
class _Chunk:
    path: Path          # the file DuckDB reads: the file itself, or a temporary chunk file
    start: int          # byte offset (uncompressed) of the chunk's first line in the file
    end_offset: int     # byte offset (uncompressed) just after the chunk
    end_line: int       # the lines of the file up to there
    last: bool
    where: LineMap      # the file line of a line DuckDB numbers in ``path``
    long: list[tuple[int, int]] = field(default_factory=list)   # too long lines skipped
    error: InputError | None = None     # the file could not be read past this chunk


def _chunks(shown: Path, readable: Path, header: bool, delim: str, start: int,
            start_line: int, tmp: Path) -> Iterator[_Chunk]:
    """The file's text cut at line ends into chunks of about :func:`chunk_bytes`, from the
    uncompressed byte offset ``start`` (a resumed import: ``start_line`` lines precede it, -1
    when they were not counted), each streamed to its temporary file through a
    :class:`LineFilter` (no blank line, none too long) in pieces of 1 MB, so Python holds no
    chunk in memory; every chunk after the first gets the header line again. A .gz (a
    deflated .zip's member is one) is decompressed by Python, which checks its CRC and
    :func:`max_bytes`; one cut short or corrupt ends with a chunk of the lines read before
    (``error`` set). A plain file of one chunk whose lines need no filter is read as it is;
    a comma-separated file (whose quoted fields may hold line breaks) is one chunk."""
    size = chunk_bytes() if delim == "\t" else float("inf")
    gz = readable.suffix.lower() == ".gz"
    if not gz and start == 0 and readable.stat().st_size <= size and as_is(readable):
        yield _Chunk(readable, 0, readable.stat().st_size, -1, True, LineMap())
        return
    head = read_head(readable).split(b"\n", 1)[0] + b"\n" if header else b""
    cap = max_bytes() if gz else float("inf")
    with (gzip.open(readable, "rb") if gz else open(readable, "rb")) as f:
        line, left = 0, start
        try:
            while left:                 # to a resumed import's start (counting its lines
                block = f.read(min(left, 1 << 24))      # when they were not)
                if not block:
                    break
                left -= len(block)
                line += block.count(b"\n") if start_line < 0 else 0
        except BAD_STREAM as exc:
            raise InputError(f"cannot read ({exc})", str(shown)) from None
        line = start_line if start_line >= 0 else line
        pos, done, n, error = start, start, 0, None
        lines = LineFilter(line)
        while True:
            out = tmp / f"chunk{n}.tsv"
            again = header and pos > 0
            chunk_first, chunk_line, dropped_before = pos, lines.line, len(lines.dropped)
            long_before, written, end = len(lines.long), 0, False
            with open(out, "wb") as o:
                if again:
                    o.write(head)
                while written < size:
                    try:
                        block = f.read1(min(1 << 20, max(size - written, 64)))
                    except EOFError as exc:     # cut short: the lines before it are good
                        error = InputError(f"cut short after line {lines.line:,} ({exc}): "
                                           "the rest of the file is missing", str(shown))
                        block = b""
                    except BAD_STREAM as exc:   # damaged (a bad CRC): this chunk is not kept
                        raise InputError(f"cannot read ({exc})", str(shown)) from None
                    done += len(block)
                    if done > cap:
                        error, block = too_big(shown), b""
                    if not block:
                        end = True
                        if error is None:
                            text = lines.finish()
                            o.write(text)
                            written += len(text)
                        break
                    text = lines.feed(block)
                    o.write(text)
                    written += len(text)
            pos = done - lines.pending if not end else done
            yield _Chunk(out, chunk_first, pos, lines.line, end,
                         LineMap(chunk_line, lines.dropped[dropped_before:], again),
                         lines.long[long_before:], error)
            if end:
                return
            n += 1


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

    stopped: InputError | None = None   # the file could not be read past what committed
    try:
        with scratch() as tmp, \
                _ahead(_chunks(shown, readable, header, delim, start, start_line,
                               Path(tmp))) as chunks:
            for chunk in chunks:
                stopped = _commit_chunk(store, shown, readable, chunk, layout, columns, header,
                                        delim, keep, key, again, hashing, state, held, report,
                                        resumed_skips, result)
    except InputError as exc:
        if state["part"] == n_part:     # nothing of the file committed: it is refused
            raise
        stopped = exc
    except StoreError as exc:
        if state["part"] == n_part:
            raise
        raise StoreError(f"{exc}; {state['rows']:,} rows of the file's {state['part'] - n_part} "
                         "earlier chunks were committed") from exc
    # the rows skipped by this run (a resumed run reported those of its earlier parts before)
    result.rows_skipped = state["skipped"]
    if stopped is not None:             # the chunks before it stay; a rerun resumes after them
        result.incomplete = str(stopped)
        report(stopped)
    return result


def _commit_chunk(store: Store, shown: Path, readable: Path, chunk: _Chunk, layout: Layout,
                  columns: list[tuple[str, str]], header: bool, delim: str, keep: bool,
                  key: list[Any], again: bool, hashing: Background | None,
                  state: dict[str, int], held: list[InputError], report: Problem,
                  resumed_skips: int, result: ImportResult) -> InputError | None:
    """One chunk of :func:`import_csv` in its transaction; the chunk's error, if the file
    cannot be read past it (the chunk is then recorded in ``import_parts``, not the file in
    ``imports``)."""
    con = store.con
    complete = chunk.last and chunk.error is None

    def work() -> tuple[int, int]:
        if again and state["part"] == 0:
            for table in ("imports", "import_parts"):
                con.execute(f"DELETE FROM {ident(table)} WHERE file_hash = ? AND "
                            "dataset = ?", key)
        b = store.new_batch()
        wait = hashing is not None and key[0] is None
        n, skipped_here = _insert_chunk(store, shown, chunk, layout, columns, header,
                                        delim, b, held.append if wait else report, keep)
        if wait:
            assert hashing is not None
            key[0] = hashing.result()
            done, cut = hash_known(con, str(key[0]), layout.name)
            if done or cut:
                raise HashKnown(str(key[0]), bool(done))
        if complete:
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
    log.info("%s: chunk %d committed (to byte %d)", shown, state["part"], chunk.end_offset)
    state["part"] += 1
    state["skipped"] += skipped_here
    state["rows"] += n
    result.rows_added = n if complete else state["rows"]
    return chunk.error


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
    cap = max_line()
    for line, size in chunk.long:           # skipped by Python (LineFilter)
        report(InputError(f"a line of {size_text(size)}, longer than the limit "
                          f"({size_text(cap)}, $EVENTDESK_IMPORT_MAX_LINE); row skipped",
                          f"{shown}:{line}"))
        reported.add(line)
    try:
        if mentions:
            reported |= report_problems(store, shown, chunk.path, layout, columns, header,
                                        delim, report, chunk.where)
        con.execute("DROP TABLE IF EXISTS ed_rejects2; DROP TABLE IF EXISTS ed_rejects2_scan")
        src = csv_reader(chunk.path, layout, columns, header=header, delimiter=delim,
                        rejects="ed_rejects2")

        def problems() -> None:
            reported.update(report_problems(store, shown, chunk.path, layout, columns, header,
                                            delim, report, chunk.where))

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
        line = chunk.where(line)
        if line not in reported:
            report(InputError(f"{reject_text(kind, msg)}; row skipped", f"{shown}:{line}"))
            reported.add(line)
    return int(n), len(reported)
