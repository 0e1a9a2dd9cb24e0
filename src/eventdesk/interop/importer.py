"""Importing other datasets' event files into the store, streamed through DuckDB's CSV reader:
the public entry points, :func:`import_file` and :func:`import_files`.

Each file is read by DuckDB, never parsed in Python; the work is split by concern:

- :mod:`.files` — a file's stream (plain, .gz, .zip) and its checks, its content hash, its
  format (:func:`detect`) and the layout it is read with;
- :mod:`.mapping` — the SQL that maps a format's rows to ``event_rows``, reports the rows that
  cannot be events with their line, keeps an id's last row and replaces stored rows;
- :mod:`.chunks` — a large file cut at line ends into chunks, one transaction and one batch
  each, the next chunk cut in a thread while DuckDB reads the current one;
- :mod:`.small` — small new files several to a transaction, one scan per layout;
- :mod:`.records` — what an import records (``imports``, ``import_parts``) and asks of them;
- :mod:`.plover` — PLOVER JSON lines, read line by line in Python.

A file is recorded in ``imports`` by its content hash when its last chunk commits, the chunks
before in ``import_parts``: a rerun skips the files already imported and resumes a file whose
import was killed after its last committed chunk (``import_parts`` rows are kept after the file
is done: with the ``imports`` row, which names the last chunk's batch, they name every batch of
the file). The hash of a file that may be known (one of the same path was imported, or a file of
its format is unfinished) is computed first; that of any other is computed in a thread while its
first chunk is read, and checked before that chunk commits (a copy under a new name is then
rolled back and skipped). The unmapped fields of a row (GDELT's tone and actor geography, say)
are kept in ``extra`` only when asked (``keep_columns``): they are most of a GDELT row, and
storing them costs more than the rest of the import.

An imported row replaces a stored one of the same dataset and origin id (from another file, or
earlier in the same file: the last row wins), and its corroboration follows the store's rule
with the row's mention/source/article counts; the rows are grouped once the file is in
(``Store.settle``).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError, StoreError, UsageError
from ..store import Store
from .chunks import Background, HashKnown, chunk_bytes, import_csv
from .files import check_format, clean_scratch, detect, file_hash, layout_for, plain
from .layouts import IMPORT_FORMATS
from .mapping import GDELT_MAPPED, extra_names, lookups
from .records import ImportResult, Problem, maybe_known, record_import
from .small import import_small, small_new_files

def import_file(store: Store, path: str | os.PathLike[str], fmt: str | None = None, *,
                on_problem: Problem | None = None, force: bool = False,
                keep_columns: bool = False) -> ImportResult:
    """Import one file (plain, .gz or .zip), one transaction per chunk; rows that do not fit
    are given to ``on_problem`` (an :class:`InputError` naming file and line) and skipped.
    ``keep_columns`` keeps the fields the event model does not map (in ``extra``), so an
    export to the same format gives them back. The rows are corroborated (grouped) later, by
    ``store.settle()``, which any read of events runs first: a file's reports are grouped
    once, together, instead of chunk by chunk, and several files once for all."""
    store.check_writable()
    clean_scratch()
    p = Path(path)
    if not p.is_file():
        from ..readers import not_regular

        raise InputError(not_regular(p) or "not a regular file", str(p))
    fmt = fmt or detect(p)
    if fmt not in IMPORT_FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use {'|'.join(IMPORT_FORMATS)}")
    check_format(p, fmt)
    report = on_problem or (lambda exc: None)
    if fmt != "plover" and not maybe_known(store, p, fmt):
        # most likely a new file: hashed in a thread while its first chunk is imported
        digest: str | Background = Background(file_hash, p)
    else:
        digest = file_hash(p)
        done = store.con.execute("SELECT rows_added FROM imports WHERE file_hash = ? AND "
                                 "dataset = ?", [digest, fmt]).fetchone()
        if done and not force:
            return ImportResult(str(p), fmt, already_imported=True)
    if fmt == "plover":
        from .plover import import_plover

        return import_plover(store, p, str(digest), report)
    lookups(store)
    with plain(p) as readable, store.bulk_memory():
        layout, columns, header, delim = layout_for(p, fmt)
        try:
            return import_csv(store, p, readable, layout, columns, header, delim, digest,
                               report, keep_columns)
        except HashKnown as known:
            if known.done and not force:
                return ImportResult(str(p), fmt, already_imported=True)
            return import_csv(store, p, readable, layout, columns, header, delim,
                               known.digest, report, keep_columns)


def import_files(store: Store, paths: list[str], fmt: str | None = None, *,
                 on_problem: Problem | None = None,
                 on_file: Callable[[ImportResult], None] | None = None,
                 force: bool = False, keep_columns: bool = False,
                 settle: bool = True) -> list[ImportResult]:
    """Import several files, one transaction per chunk; a file that cannot be read at all
    is reported through ``on_problem`` and the others go on. The reports of all the files are
    grouped at the end, once (``store.settle()``; with ``settle=False`` the caller does it,
    or the next read of events does)."""
    clean_scratch()
    results: list[ImportResult] = []
    group: list[tuple[Path, str, str]] = []

    def one(path: str | os.PathLike[str]) -> None:
        try:
            r = import_file(store, path, fmt, on_problem=on_problem, force=force,
                            keep_columns=keep_columns)
        except InputError as exc:
            if on_problem is None:
                raise
            on_problem(exc)
            return
        results.append(r)
        if on_file:
            on_file(r)

    def flush() -> None:
        done = import_small(store, group, on_problem, keep_columns) if len(group) > 1 else None
        if done is None:                # one file, or the group failed: file by file
            for p, _, _ in group:
                one(p)
        else:
            for r in done:
                results.append(r)
                if on_file:
                    on_file(r)
        group.clear()

    with store.bulk_memory():           # once for all the files (setting it costs 2 ms)
        smalls = small_new_files(store, [Path(p) for p in paths], fmt)
        seen: set[str] = set()          # contents met before in this run
        size = 0
        for i, path in enumerate(paths):
            small = smalls.get(i)
            if small and small[2] not in seen:
                seen.add(small[2])
                group.append(small)
                size += small[0].stat().st_size
                if size >= chunk_bytes():
                    flush()
                    size = 0
                continue
            flush()
            size = 0
            one(path)
        flush()
        if settle:
            store.settle()
    return results


__all__ = ["GDELT_MAPPED", "ImportResult", "StoreError", "detect", "extra_names", "file_hash",
           "import_file", "import_files", "record_import"]
