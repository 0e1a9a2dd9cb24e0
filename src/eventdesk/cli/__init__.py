"""The ``eventdesk`` command: thin wrappers over the Python API.

Every room's commands live in a module of this package with a ``register(sub, fmt)`` function;
:data:`COMMAND_MODULES` lists them in the order ``eventdesk --help`` shows them, and
:func:`build_parser` calls each one. A new room adds its module to that tuple.

Exit codes: 0 everything went through; 1 internal failure; 2 usage error, or nothing could be
read; 3 some records were skipped (each reported on stderr with its file and line).
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
import textwrap

from .. import __version__
from ..errors import EventDeskError
from .common import EXIT_OK, EXIT_USAGE, err

#: the command modules, each with ``register(sub, fmt)``: core, then import/export, then analysis
COMMAND_MODULES = ("core", "interop", "analysis", "feeds", "serve")


def build_parser() -> argparse.ArgumentParser:
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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        if getattr(args, "command", None) in ("actors", "lexicon"):
            parser.parse_args([args.command, "--help"])
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        if getattr(args, "actor_files", None):
            from ..actors.tables import use_actor_files

            use_actor_files(args.actor_files)
        return args.func(args)
    except EventDeskError as exc:
        err(str(exc))
        return exc.exit_code
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        err("interrupted")
        return 130
    except Exception as exc:
        # a damaged store found by a read after it opened (DuckDB reads blocks as queried)
        from ..store import damaged, is_damage, resolve_db_path

        if not is_damage(exc):
            raise
        damage = damaged(resolve_db_path(getattr(args, "db", None)), exc)
        err(str(damage))
        return damage.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

