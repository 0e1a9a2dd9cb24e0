"""What the command modules share: messages on stderr, problem counting, progress, exit codes and
the common arguments."""
from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import InputError, StoreError, UsageError, printable

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3


def err(msg: str) -> None:
    print(f"eventdesk: {msg}", file=sys.stderr)


#: a file name as one line of a message (escaped when it holds a newline or control character)
shown = printable


def output_path(out: str | None, *, folder: bool = False) -> str | None:
    """Check, before any work, that ``-o out`` can be written: a usage error (exit 2) naming
    what is wrong otherwise. A device or FIFO is fine (written to directly); a symlink is
    followed; a folder is refused for a file output and a file for a folder output; the
    folder it goes in must exist and take a new file (tried, as permissions do not stop
    root). ``None`` (stdout) passes."""
    if out is None:
        return None
    name = shown(out)
    if not out.strip():
        raise UsageError("-o needs a file name")
    try:
        mode = os.stat(out).st_mode           # follows a symlink
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"{name}: cannot be written ({exc.strerror})") from None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        if folder:
            raise UsageError(f"{name}: a device or FIFO; this output is a folder")
        return out
    if mode is not None and stat.S_ISDIR(mode) and not folder:
        raise UsageError(f"{name}: is a folder; give a file name")
    if mode is not None and not stat.S_ISDIR(mode) and folder:
        raise UsageError(f"{name}: is a file; this output is a folder")
    if mode is not None and not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
        raise UsageError(f"{name}: not a regular file, folder, device or FIFO")
    real = os.path.realpath(out)
    parent = os.path.dirname(real) or "."
    if not os.path.isdir(parent):
        raise UsageError(f"{name}: folder {shown(parent)} does not exist")
    try:                                      # the one sure test of a folder taking files
        fd, probe = tempfile.mkstemp(prefix=".eventdesk-probe-", dir=parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"{name}: cannot write in folder {shown(parent)} "
                         f"({exc.strerror})") from None
    if mode is not None and stat.S_ISREG(mode) and not os.access(real, os.W_OK):
        raise UsageError(f"{name}: the file is read-only")
    return out


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: the transaction in progress rolled back, what was
    committed before it said, exit code 143 (130 for Ctrl-C)."""


#: set when SIGTERM came: DuckDB may turn the handler's exception into its own error (see
#: :func:`eventdesk.store.interrupted`), which the store raises as KeyboardInterrupt
SIGNALLED: dict[str, bool] = {"term": False}


def stop(exc: BaseException) -> KeyboardInterrupt:
    """The interruption ``exc`` stands for, as :class:`Terminated` after SIGTERM."""
    if isinstance(exc, Terminated) or not SIGNALLED["term"]:
        return exc if isinstance(exc, KeyboardInterrupt) else KeyboardInterrupt()
    return Terminated(*exc.args)


def _stored(store: Any) -> tuple[int, int]:
    return tuple(store.con.execute("SELECT (SELECT count(*) FROM documents), "
                                   "(SELECT count(*) FROM event_rows)").fetchall()[0])


@contextmanager
def committed_on_stop(store: Any, rerun: str) -> Iterator[None]:
    """Around a write of many transactions (``ingest``, ``import``): when it is interrupted
    (Ctrl-C, SIGTERM) or fails (a full disk), say what the transactions before were
    committed, rather than leave "nothing was written" to stand for the whole run."""
    before = _stored(store)
    try:
        yield
    except (KeyboardInterrupt, StoreError, RuntimeError) as exc:
        from ..store import interrupted

        if isinstance(exc, RuntimeError) and not interrupted(exc):
            raise
        try:
            now = _stored(store)
        except Exception:                     # the store cannot even be read: say nothing
            raise exc from None
        docs, rows = now[0] - before[0], now[1] - before[1]
        kept = (f"{docs:,} documents and {rows:,} events" if docs else f"{rows:,} rows") + \
            " committed before it stopped" if docs or rows else "nothing committed"
        note = f"{kept}; {rerun}" if docs or rows else kept
        if isinstance(exc, RuntimeError):          # DuckDB's word for a signal
            exc = stop(exc)
        if isinstance(exc, StoreError):
            msg = str(exc)
            if docs or rows:
                msg = msg.replace("nothing was written", "the step in progress was rolled back")
            raise StoreError(f"{msg}; {note}") from None
        kind = type(stop(exc))
        what = "terminated" if kind is Terminated else "interrupted"
        raise kind(f"{what}: {note}") from None


class Problems:
    """Counts problems and prints each as one line on stderr."""

    def __init__(self) -> None:
        self.skipped = 0
        self.warnings = 0

    def __call__(self, exc: InputError) -> None:
        from ..errors import InputWarning

        if isinstance(exc, InputWarning):
            self.warnings += 1
            err(f"warning: {exc}")
        else:
            self.skipped += 1
            err(f"skipped: {exc}")


def documents(args: argparse.Namespace, problems: Problems, stats: Any) -> Iterator[Any]:
    from ..readers import read_documents

    if not args.inputs:
        raise UsageError("no input given (files, directories, or - for stdin)")
    try:
        yield from read_documents(args.inputs, default_date=args.date, on_error=problems,
                                  stats=stats)
    except InputError as exc:  # a bad --date
        raise UsageError(str(exc)) from None


def closing(problems: Problems, stats: Any, extra: str = "") -> int:
    parts = [f"{stats.documents} documents read"]
    if problems.skipped:
        parts.append(f"{problems.skipped} skipped")
    if problems.warnings:
        parts.append(f"{problems.warnings} warnings")
    err(", ".join(parts) + (f"; {extra}" if extra else ""))
    if stats.documents == 0:
        return EXIT_USAGE
    return EXIT_SKIPPED if problems.skipped else EXIT_OK


class Progress:
    """A rich progress line on stderr for long runs; silent when stderr is not a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self._p: Any = None

    def __enter__(self) -> "Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._p = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                               TimeElapsedColumn(), transient=True, console=Console(stderr=True))
            self._p.start()
            self._task = self._p.add_task("starting")
        return self

    def update(self, docs: int, events: int) -> None:
        if self._p is not None:
            rate = docs / max(time.monotonic() - self.start, 1e-6)
            self._p.update(self._task, description=f"{docs} documents, {events} events, "
                                                   f"{rate:.1f} documents/s")

    def __exit__(self, *exc: object) -> None:
        if self._p is not None:
            self._p.stop()


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="store path (default $EVENTDESK_DB or ./eventdesk.duckdb)")


def add_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files (.txt .html .jsonl), directories (recursive) or - for stdin")
    p.add_argument("--date", help="date of documents that carry none (YYYY-MM-DD)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--workers", type=count, metavar="N",
                   help="code in N worker processes (default: one per core; 1 codes in this "
                        "process); the events are the same either way")
    add_actors(p)
    add_second_opinion(p)


def add_second_opinion(p: argparse.ArgumentParser) -> None:
    """``--no-second-opinion`` / ``--second-opinion FILE``: the coder's learned second opinion
    (``args.second_opinion``: None for the default, False for off, else a model file)."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--no-second-opinion", dest="second_opinion", action="store_false",
                   default=None,
                   help="no learned second opinion: only the rules code events")
    g.add_argument("--second-opinion", dest="second_opinion", metavar="MODEL",
                   help="the second opinion's model file (from `eventdesk train`) instead of "
                        "the packaged one")


def add_actors(p: argparse.ArgumentParser, dest: str = "actors") -> None:
    """``--actors FILE`` (repeatable). Commands that code read it as ``args.actors``; the others
    give ``dest="actor_files"``, which :func:`eventdesk.cli.main` hands to
    :func:`eventdesk.actors.tables.use_actor_files` before the command runs, so the importers
    and the analyses read the knowledge base with those files."""
    p.add_argument("--actors", action="append", metavar="FILE", dest=dest,
                   help="your own actor file (YAML or TSV) on top of the packaged knowledge "
                        "base; may be repeated")


def add_raw_csv(p: argparse.ArgumentParser) -> None:
    p.add_argument("--raw-csv", action="store_true",
                   help="CSV/TSV cells exactly as stored: no leading ' on text starting with "
                        "= + - @ (by default such cells are neutralised so that a spreadsheet "
                        "shows them as text instead of running them as formulas)")


# -- argument types: a bad value is a usage error (exit 2) from argparse, before any work -------
def count(text: str) -> int:
    """A whole number of at least 1 (``--limit``, ``--top``, ``--batch-size``...)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n}: give a number of at least 1")
    if n > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"{n}: give a number of at most {MAX_COUNT:,}")
    return n


#: the largest count an option takes (DuckDB's LIMIT is a 64-bit integer)
MAX_COUNT = 10**12


def day(text: str) -> str:
    """A date given as YYYY-MM-DD, and nothing after it."""
    from datetime import date

    try:
        date.fromisoformat(text)
        if len(text) != 10:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") \
            from None
    return text


def confidence(text: str) -> float:
    """A least confidence: a number from 0 to 1 (``--min-confidence 0.6``)."""
    from ..errors import UsageError
    from ..model import min_confidence

    try:
        value = min_confidence(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    assert value is not None
    return value


#: the help of ``--min-confidence``, the same on every command
MIN_CONFIDENCE_HELP = ("keep only events the coder is at least this sure of (0 to 1; "
                       "Event.confidence, see docs/coding.md); imported events have no "
                       "confidence and are then left out")


def add_min_confidence(p: argparse.ArgumentParser, help: str = MIN_CONFIDENCE_HELP) -> None:
    p.add_argument("--min-confidence", type=confidence, metavar="X", help=help)


def actor(text: str) -> str:
    """An actor or country code, or a comma-separated list of them: printable, without the
    ``|`` that separates the codes an event stores, not blank."""
    if not text.strip() or not text.isprintable() or "|" in text or "\t" in text:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an actor code (codes such as RUS, USA, RUSGOV: no "
            "tab, newline or |)")
    return text
