"""Small files imported several to a transaction, those of one layout in one scan.

GDELT 2.0 publishes a file every 15 minutes, of a few thousand rows, and a commit of its own
would cost a fifth of its import: :func:`import_files` gathers consecutive small new files
(:func:`small_new_files`) and :func:`import_small` writes them in one transaction, each as its
own batch and ``imports`` row. When that fails nothing is written and the files are imported one
by one, which names the file at fault.
"""
from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from ..errors import EventDeskError, InputError
from ..store import Store
from ..store.sql import literal_list
from .chunks import Background
from .files import check_format, check_stream, detect, file_hash, layout_for, plain
from .layouts import IMPORT_FORMATS, Layout
from .mapping import BAD_PATTERN, BATCH_COUNTS, csv_reader, event_select, keep_last, lookups, \
    reject_text, replace_stored, report_problems, standard_rows
from .records import UNFINISHED, ImportResult, Problem, log, record_imports

#: files up to this size (bytes on disk) are imported several to a transaction by
#: :func:`import_files`: GDELT 2.0 publishes one every 15 minutes, of a few thousand rows, and
#: a commit of its own would cost a fifth of its import
SMALL_FILE = 16 << 20


def small_new_files(store: Store, paths: list[Path], fmt: str | None
                     ) -> dict[int, tuple[Path, str, str]]:
    """The small files of events never imported nor begun among ``paths``, by their place in
    it: (path, format, hash), which :func:`import_small` may import with others. Any other
    file, and one the checks cannot read, is left to the usual path (which reports its
    problems). Two queries for all the files, not two a file."""
    found: dict[int, tuple[Path, str]] = {}
    for i, path in enumerate(paths):
        try:
            if not path.is_file() or path.stat().st_size > SMALL_FILE:
                continue
            kind = fmt or detect(path)
            if kind in ("plover", "gdelt2-mentions") or kind not in IMPORT_FORMATS:
                continue
            check_format(path, kind)
        except (InputError, OSError):
            continue
        found[i] = (path, kind)
    if not found:
        return {}
    # a file of a path imported before, or of a format with an unfinished file, may be known
    # (see maybe_known); the others are hashed, and those of a known content left out
    con = store.con
    unfinished = {row[0] for row in con.execute(
        f"SELECT DISTINCT dataset FROM import_parts p WHERE {UNFINISHED}").fetchall()}
    known = set(con.execute(
        "SELECT dataset, path FROM imports WHERE path IN (SELECT unnest($1))",
        [sorted({str(p) for p, _ in found.values()})]).fetchall())
    out: dict[int, tuple[Path, str, str]] = {}
    for i, (path, kind) in found.items():
        if kind in unfinished or (kind, str(path)) in known:
            continue
        try:
            out[i] = (path, kind, file_hash(path))
        except OSError:
            continue
    if out:
        seen = set(con.execute(
            "SELECT file_hash, dataset FROM imports WHERE file_hash IN (SELECT unnest($1)) "
            "UNION SELECT file_hash, dataset FROM import_parts WHERE file_hash IN "
            "(SELECT unnest($1))", [sorted({d for _, _, d in out.values()})]).fetchall())
        out = {i: f for i, f in out.items() if (f[2], f[1]) not in seen}
    return out


def import_small(store: Store, files: list[tuple[Path, str, str]], on_problem: Problem | None,
                  keep: bool) -> list[ImportResult] | None:
    """Import small new files (:func:`small_new_files`) in one transaction, each as its own
    batch and ``imports`` row, in order (so a later file's rows replace an earlier one's, as
    when imported one by one), those of one layout in one scan (:func:`_insert_files`); their
    problems are reported once it commits. None when it fails: nothing was written, and the
    caller imports the files one by one."""
    report = on_problem or (lambda exc: None)
    held: list[InputError] = []
    con = store.con
    lookups(store)

    def work() -> list[ImportResult]:
        out: list[ImportResult] = []
        with ExitStack() as stack:
            # runs of consecutive files of one layout (and compression), one scan each
            runs: list[tuple[Any, list[tuple[Path, Path, str]]]] = []
            packed: list[Path] = []     # read by DuckDB as gzip: their CRCs checked here
            for path, kind, digest in files:
                readable = stack.enter_context(plain(path, as_gzip=True))
                if readable.suffix.lower() == ".gz":
                    packed.append(path)
                shape = (*layout_for(path, kind), readable.suffix.lower() == ".gz")
                if not runs or runs[-1][0] != shape:
                    runs.append((shape, []))
                runs[-1][1].append((path, readable, digest))
            check = Background(lambda: [check_stream(p) for p in packed])  # meanwhile
            for (layout, columns, header, delim, _), run in runs:
                batches = store.new_batches(len(run))
                done = _insert_files(store, [(p, r) for p, r, _ in run], layout, columns,
                                     header, delim, batches, held.append, keep)
                for (path, _, digest), b, (n, skipped) in zip(run, batches, done):
                    out.append(ImportResult(str(path), layout.name, n, skipped))
                record_imports(con, [(digest, layout.name, path, n, skipped, b)
                                     for (path, _, digest), b, (n, skipped)
                                     in zip(run, batches, done)])
            check.result()              # a bad CRC fails the lot: file by file, it is named
        return out

    try:
        results = store.transaction(work, f"import of {len(files)} files failed")
    except EventDeskError as exc:
        log.info("%d small files imported one by one (%s)", len(files), exc)
        return None
    for exc in held:
        report(exc)
    log.info("%d small files committed together (to %s)", len(files), files[-1][0])
    return results


def _insert_files(store: Store, files: list[tuple[Path, Path]], layout: Layout,
                  columns: list[tuple[str, str]], header: bool, delim: str,
                  batches: list[int], report: Problem, keep: bool) -> list[tuple[int, int]]:
    """Import several small files of one layout (``files``: the path shown, the path read) as
    batches ``batches``, one each, inside the caller's transaction, in one scan: what
    :func:`insert_events` does for one file, done for each (rows no events reported with
    their file's line and deleted, an id twice in a file read again in its order), then the
    stored rows and the earlier files' rows of the same ids replaced by the latest file's.
    Rows inserted and rows skipped, a pair for each file."""
    con = store.con
    names = [n for n, _ in columns]
    con.execute("DROP TABLE IF EXISTS ed_rejects2; DROP TABLE IF EXISTS ed_rejects2_scan")
    src = csv_reader([r for _, r in files], layout, columns, header=header, delimiter=delim,
                    rejects="ed_rejects2")
    con.execute(event_select(store, layout, standard_rows(src, layout, names, fi=True), batches,
                              keep))
    inb = f"batch_id IN {literal_list(int(b) for b in batches)}"
    stats = {int(row[0]): row[1:] for row in con.execute(
        f"SELECT batch_id, {BATCH_COUNTS} FROM event_rows WHERE {inb} GROUP BY batch_id"
    ).fetchall()}
    reported: list[set[int]] = [set() for _ in files]
    found: list[list[InputError]] = [[] for _ in files]     # reported in file order
    for i, ((shown, readable), b) in enumerate(zip(files, batches)):
        n, distinct, bad, _, _ = stats.get(b, (0, 0, 0, None, None))
        if bad:                             # a numbering scan of this file alone
            reported[i] = report_problems(store, shown, readable, layout, columns, header, delim,
                                    found[i].append)
        if n != distinct:                   # (its rows no events go with the rest)
            one = csv_reader(readable, layout, columns, header=header, delimiter=delim,
                            rejects=None)
            keep_last(con, event_select(store, layout, standard_rows(one, layout, names), b,
                                          keep), b)
    if any(row[2] for row in stats.values()):
        con.execute(f"DELETE FROM event_rows WHERE {inb} AND pattern = ?", [BAD_PATTERN])
    for i, line, kind, msg in con.execute(
            "SELECT file_id, line, any_value(error_type), any_value(error_message) FROM "
            "ed_rejects2 GROUP BY ALL ORDER BY ALL").fetchall():
        if line not in reported[i]:
            found[i].append(InputError(f"{reject_text(kind, msg)}; row skipped",
                                       f"{files[i][0]}:{line}"))
            reported[i].add(line)
    for problems in found:
        for exc in problems:
            report(exc)
    counted = [int(stats[b][1]) if b in stats else 0 for b in batches]
    if sum(counted):
        lo, hi, distinct = con.execute(f"SELECT min(origin_id), max(origin_id), count(DISTINCT "
                                       f"origin_id) FROM event_rows WHERE {inb}").fetchone()
        replace_stored(con, layout.name, batches, lo, hi, distinct < sum(counted))
    store.mark_pending(batches)
    return [(n, len(r)) for n, r in zip(counted, reported)]
