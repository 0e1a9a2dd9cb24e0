"""The ``eventdesk`` command: thin wrappers over the Python API.

Every room's commands live in a module of this package with a ``register(sub, fmt)`` function;
:data:`COMMAND_MODULES` lists them in the order ``eventdesk --help`` shows them, and
:func:`build_parser` calls each one. A new room adds its module to that tuple.

Exit codes: 0 everything went through; 1 internal failure; 2 usage error, or nothing could be
read; 3 some records were skipped (each reported on stderr with its file and line).
"""
from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import signal
import sys
import threading
import textwrap
from typing import Any

from .. import __version__
from ..errors import EventDeskError
from .common import EXIT_OK, EXIT_USAGE, SIGNALLED, Terminated, err, shown, stop

#: libraries whose warnings are their own working notes, shown with -v only: a page without
#: main text is reported by eventdesk itself, as one skipped file
QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "readability")

#: the command modules, each with ``register(sub, fmt)``: core, then import/export, then analysis
COMMAND_MODULES = ("core", "interop", "analysis", "feeds", "serve")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command-line parser. ``command``: the command about to run; the command modules are
    registered in order only until one has registered it (a run of ``eventdesk code`` does not
    import the analysis room and pandas); with None, or a name no module registers, all."""
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="eventdesk", formatter_class=fmt,
        description="Political event data from news text: code, store and query who did what "
                    "to whom.",
        epilog=textwrap.dedent("""\
            examples:
              eventdesk code article.txt                   events as JSON lines
              eventdesk ingest examples/corpus --db my.duckdb
              eventdesk events --db my.duckdb --actor RUS --recipient USA --format table

            exit codes: 0 ok, 1 internal error, 2 usage error or nothing readable,
            3 some records skipped"""))
    parser.add_argument("--version", action="version", version=f"eventdesk {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub, fmt)
        if command is not None and command in sub.choices:
            break
    return parser


class _ClosedStream:
    """Stands for a standard stream that was closed when eventdesk started (``>&-``): using
    it is an :class:`OSError`, reported as one line, never a traceback."""

    def __init__(self, name: str):
        self.name = name

    def _closed(self, *_: object) -> Any:
        raise OSError(errno.EBADF, f"standard {self.name} is closed")

    write = read = readline = fileno = _closed
    buffer = None                             # a reader of stdin reports it closed

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _guard_standard_streams() -> None:
    """A closed descriptor 0, 1 or 2 gets /dev/null, so that no file opened later takes its
    number; a closed stdin or stdout is an error on use (:class:`_ClosedStream`)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)     # the lowest free number: this one
    if sys.stdin is None:
        sys.stdin = _ClosedStream("input")     # type: ignore[assignment]
    if sys.stdout is None:
        sys.stdout = _ClosedStream("output")   # type: ignore[assignment]


def _silence_stdout() -> None:
    """After stdout failed (a closed pipe, a full disk), point it at /dev/null so that the
    interpreter's last flush does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _stopped(exc: BaseException) -> int:
    """Ctrl-C (exit 130) or SIGTERM (143): one line, saying what was committed when the
    command wrote (:func:`~.common.committed_on_stop`)."""
    exc = stop(exc)
    term = isinstance(exc, Terminated)
    err(str(exc) or ("terminated" if term else "interrupted"))
    _silence_stdout()
    return 143 if term else 130


def _terminate(signum: int, frame: Any) -> None:
    SIGNALLED["term"] = True
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    _guard_standard_streams()
    SIGNALLED["term"] = False
    main_thread = threading.current_thread() is threading.main_thread()
    before = signal.signal(signal.SIGTERM, _terminate) if main_thread else None
    try:                                    # SIGTERM rolls back and cleans up, as Ctrl-C does
        return _main(argv)
    finally:
        if main_thread and before is not None:
            signal.signal(signal.SIGTERM, before)


def _main(argv: list[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(next((w for w in words if not w.startswith("-")), None))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:        # the HTML extractor's own notes ("discarding data: None")
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)
    if not getattr(args, "func", None):
        if getattr(args, "command", None) in ("actors", "lexicon"):
            parser.parse_args([args.command, "--help"])
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        if getattr(args, "actor_files", None):
            from ..actors.tables import use_actor_files

            use_actor_files(args.actor_files)
        code = args.func(args)
        sys.stdout.flush()                 # a full disk or closed pipe shows here, not at exit
        if SIGNALLED["term"]:              # a SIGTERM that a reader's error report absorbed
            return _stopped(Terminated())
        return code
    except EventDeskError as exc:
        err(str(exc))
        return exc.exit_code
    except BrokenPipeError:                # the reader went away (| head): not an error
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt as exc:       # Ctrl-C, or SIGTERM (Terminated)
        return _stopped(exc)
    except OSError as exc:                 # writing the output failed: /dev/full, closed stdout
        what = shown(exc.filename) if exc.filename else "writing the output failed"
        err(f"{what}: {exc.strerror or exc}")
        if not exc.filename:
            _silence_stdout()
        return EXIT_USAGE
    except Exception as exc:
        # a damaged store found by a read after it opened (DuckDB reads blocks as queried)
        from ..store import damaged, interrupted, is_damage, resolve_db_path

        if interrupted(exc):               # a signal that came while DuckDB ran a query
            return _stopped(exc)

        if not is_damage(exc):
            raise
        damage = damaged(resolve_db_path(getattr(args, "db", None)), exc)
        err(str(damage))
        return damage.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

