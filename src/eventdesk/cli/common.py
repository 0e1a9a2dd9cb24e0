"""What the command modules share: messages on stderr, problem counting, progress, exit codes and
the common arguments."""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from typing import Any

from ..errors import InputError, UsageError

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3


def err(msg: str) -> None:
    print(f"eventdesk: {msg}", file=sys.stderr)


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


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number of at least 1")
    return n


def add_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files (.txt .html .jsonl), directories (recursive) or - for stdin")
    p.add_argument("--date", help="date of documents that carry none (YYYY-MM-DD)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--workers", type=_positive, metavar="N",
                   help="code in N worker processes (default: one per core; 1 codes in this "
                        "process); the events are the same either way")
    add_actors(p)


def add_actors(p: argparse.ArgumentParser, dest: str = "actors") -> None:
    """``--actors FILE`` (repeatable). Commands that code read it as ``args.actors``; the others
    give ``dest="actor_files"``, which :func:`eventdesk.cli.main` hands to
    :func:`eventdesk.actors.tables.use_actor_files` before the command runs, so the importers
    and the analyses read the knowledge base with those files."""
    p.add_argument("--actors", action="append", metavar="FILE", dest=dest,
                   help="your own actor file (YAML or TSV) on top of the packaged knowledge "
                        "base; may be repeated")
