"""The ``import`` and ``export`` commands (registered by :func:`eventdesk.cli.build_parser`)."""
from __future__ import annotations

import argparse
import time
from typing import Any

from ..interop.layouts import EXPORT_FORMATS, IMPORT_FORMATS
from .common import (actor, add_actors, add_db, add_min_confidence, add_raw_csv,
                     committed_on_stop, day, err, output_path, shown)


def _secs(s: float) -> str:
    return f"{s:.1f} s" if s >= 0.1 else f"{s * 1000:.0f} ms"


def cmd_import(args: argparse.Namespace) -> int:
    from ..errors import InputError, StoreError, UsageError
    from ..store import open_store
    from ..interop.importer import committed, import_files

    if not args.files:
        raise UsageError("no file given")
    skipped = [0]
    unreadable = [0]

    def problem(exc: InputError) -> None:
        if "row skipped" in str(exc):
            skipped[0] += 1
        else:
            unreadable[0] += 1
        err(f"skipped: {exc}")

    def done(r: Any) -> None:
        if r.already_imported:
            err(f"{r.path}: already imported, nothing to do")
        else:
            part = " (the rows before it, from a file not read to its end)" if r.incomplete \
                else ""
            err(f"{r.path}: {r.format}, {r.rows_added} rows imported{part}, {r.rows_skipped} "
                "skipped")

    from ..scale.cluster import import_dataset, is_dataset

    datasets = [f for f in args.files if is_dataset(f)]
    files = [f for f in args.files if f not in datasets]
    with open_store(args.db) as store:
        for d in datasets:          # folders written by `eventdesk code --dask ... -o DIR`
            r = import_dataset(store, d)
            err(f"{d}: eventdesk dataset, {r.documents_added} new, {r.documents_replaced} "
                f"changed, {r.documents_unchanged} unchanged documents; {r.events_added} "
                f"events added, {r.events_removed} removed")
        start = time.perf_counter()
        with committed_on_stop(store, "run the same import again to resume after it"):
            results = import_files(store, files, args.format, on_problem=problem,
                                   on_file=done, force=args.force,
                                   keep_columns=args.keep_columns, settle=False)
        stored = time.perf_counter()
        with committed_on_stop(store, "the grouping goes on at the next read or import"):
            try:
                grouped = store.settle()
            except StoreError as exc:       # the rows are in: only their grouping waits
                done_ = [r for r in results if not r.already_imported]
                if not done_:
                    raise
                raise StoreError(f"{exc}; the import itself was committed "
                                 f"({committed(done_)}): its reports are grouped once the "
                                 "store can be written") from exc
        settled = time.perf_counter()
        counts = store.counts()
    added = sum(r.rows_added for r in results)
    # the two steps timed apart: storing the rows (DuckDB's reader) and grouping them into
    # corroborated events, which grows with how many reports a store's chains hold
    pace = f" in {_secs(stored - start)}" + (
        f" ({added / (stored - start):,.0f} rows/s)" if added else "")
    grouping = f", grouped into corroborated events in {_secs(settled - stored)}" \
        if grouped else ""
    cut = sum(1 for r in results if r.incomplete)
    if files or not datasets:
        read = f"{len(results)} of {len(files)} files read" + (
            f" ({cut} of them only in part)" if cut else "")
        err(f"{read}, {added:,} rows imported{pace}"
            f"{grouping}, {skipped[0]:,} rows skipped; the store holds {counts['events']:,} "
            f"events ({counts['corroborated']:,} corroborated)")
    if not results and datasets and not files:
        return 0
    if not results:
        return 2
    return 3 if skipped[0] or unreadable[0] else 0


def cmd_export(args: argparse.Namespace) -> int:
    from ..store import open_store
    from ..interop.exporter import export

    status = None if args.status is None else (None if args.status == "all"
                                               else args.status.split(","))
    if args.status == "all":
        status = ["asserted", "negated", "hypothetical", "future", "desired", "reported"]
    output_path(args.output, folder=args.format == "parquet")
    with open_store(args.db, read_only=True) as store:
        n = export(store, args.format, args.output, actor=args.actor, recipient=args.recipient,
                   since=args.since, until=args.until, cameo=args.cameo, status=status,
                   overwrite=args.overwrite, raw_csv=args.raw_csv,
                   min_confidence=args.min_confidence)
    err(f"{n} events written to {shown(args.output)} ({args.format})")
    return 0


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    """Add this room's commands to the ``eventdesk`` parser's subparsers."""
    p = sub.add_parser(
        "import", help="import GDELT, ICEWS, POLECAT, PLOVER or Phoenix event files",
        formatter_class=fmt,
        description="Import event files (plain, .gz or .zip) into the store, one transaction "
                    "per file. The format is detected from the first line unless --format is "
                    "given; a file of another format is refused. Rows that do not fit (column "
                    "count, date, number, unknown CAMEO code or PLOVER type, a line longer "
                    "than 1 MB) are reported with file and line (blank lines count as lines, "
                    "as in an editor) and skipped. A file already imported is skipped. A "
                    "compressed file is read as a stream and refused past 16 GB decompressed; "
                    "one cut short keeps the rows before the cut (the file is reported, the "
                    "closing line counts them, a rerun resumes after them).",
        epilog="examples:\n  eventdesk import 20170412151500.export.CSV.zip --db my.duckdb\n"
               "  eventdesk import events.2017.tab --format icews\n\n"
               "limits (environment, in bytes):\n"
               "  EVENTDESK_IMPORT_MAX_LINE   longest line read (default 1048576, 1 MB; at "
               "most 16 MB)\n"
               "  EVENTDESK_IMPORT_MAX_BYTES  most a .gz or .zip may decompress to (default "
               "17179869184, 16 GB)\n"
               "  EVENTDESK_IMPORT_CHUNK      text committed per transaction (default "
               "268435456, 256 MB)\n\n"
               "exit codes: 0 ok, 2 nothing readable, 3 some rows or files skipped, or a file "
               "read only in part")
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument("--format", choices=IMPORT_FORMATS, help="the files' format (default: detect)")
    p.add_argument("--force", action="store_true", help="import files already imported again")
    p.add_argument("--keep-columns", action="store_true",
                   help="keep the fields the event model does not map (GDELT's tone and actor "
                        "geography, ICEWS's story id...), so an export to the same format gives "
                        "them back; for GDELT about a fifth more import time")
    add_db(p)
    add_actors(p, dest="actor_files")     # the state names ICEWS and POLECAT rows give
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "export", help="export stored events as GDELT 2.0, PLOVER, POLECAT, CSV or Parquet",
        formatter_class=fmt,
        description="Export the events matching the filters. gdelt2: 61 tab-separated columns "
                    "without header; plover: JSON lines; polecat: TSV with header; csv: one row "
                    "per report with its corroborated group; parquet: a folder partitioned by "
                    "year and month. gdelt2, plover and polecat carry asserted events only "
                    "unless --status says otherwise.",
        epilog="example:\n  eventdesk export --format gdelt2 --actor RUS --since 2017-01-01 "
               "-o rus.tsv\n  eventdesk export --format parquet -o events/")
    p.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    p.add_argument("-o", "--output", required=True,
                   help="output file, replaced when complete, or a device or FIFO, written "
                        "directly; for parquet a new or empty folder")
    p.add_argument("--overwrite", action="store_true",
                   help="parquet: replace the files of an earlier export in the folder (only "
                        "those: a folder holding other files is refused)")
    p.add_argument("--actor", type=actor, help="actor country or code prefix (RUS, RUSGOV)")
    p.add_argument("--recipient", type=actor, help="recipient country or code prefix")
    p.add_argument("--since", type=day, help="first date (YYYY-MM-DD)")
    p.add_argument("--until", type=day, help="last date (YYYY-MM-DD)")
    p.add_argument("--cameo", help="CAMEO code prefix, e.g. 19")
    p.add_argument("--status", help="comma-separated statuses, or all")
    add_min_confidence(p)
    add_raw_csv(p)
    add_db(p)
    p.set_defaults(func=cmd_export)
