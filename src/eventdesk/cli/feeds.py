"""The ``watch`` command: poll RSS/Atom feeds and GDELT's lastupdate.txt into the store."""
from __future__ import annotations

import argparse
import time
from typing import Any

from ..errors import InputError, UsageError
from .common import EXIT_OK, EXIT_SKIPPED, add_actors, add_db, err


def _size(text: str) -> int:
    units = {"kb": 10**3, "mb": 10**6, "gb": 10**9}
    t = text.strip().lower()
    try:
        n = int(float(t[:-2]) * units[t[-2:]]) if t[-2:] in units else int(t)
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError(f"bad size {text!r}: use e.g. 500KB or 10MB") from None
    if n <= 0:
        raise argparse.ArgumentTypeError(f"bad size {text!r}: must be positive")
    return n


def cmd_watch(args: argparse.Namespace) -> int:
    from ..feeds import WatchState, parse_interval, poll
    from ..feeds.http import Fetcher
    from ..store import open_store
    from .core import _coder

    if not args.feeds:
        raise UsageError("no feed given (RSS/Atom URLs, or GDELT's lastupdate.txt URL)")
    try:
        interval = parse_interval(args.interval)
    except InputError as exc:
        raise UsageError(str(exc)) from None
    problems = [0]

    def problem(exc: InputError) -> None:
        problems[0] += 1
        err(f"skipped: {exc}")

    failed = 0
    with open_store(args.db) as store, Fetcher(timeout=args.timeout,
                                              max_bytes=args.max_bytes) as fetcher:
        state = WatchState.load(store.path.with_name(store.path.name + ".watch.json"))
        while True:
            started = time.monotonic()
            results = poll(store, list(args.feeds), coder_factory=lambda: _coder(args, workers=1),
                           state=state, fetcher=fetcher, on_problem=problem,
                           on_result=lambda r: err(r.line()))
            failed = sum(1 for r in results if r.error)
            stored = sum(r.stored for r in results)
            err(f"poll of {len(results)} feeds: {stored} new documents or files, {failed} "
                f"feeds failed; the store holds {store.counts()['events']} events")
            if args.once:
                break
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
    return EXIT_SKIPPED if failed or problems[0] else EXIT_OK


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    """Add the ``watch`` command."""
    p = sub.add_parser(
        "watch", help="poll RSS/Atom feeds and GDELT's lastupdate.txt into the store",
        formatter_class=fmt,
        description="Poll feeds and store what is new: each RSS or Atom item's page is fetched "
                    "(robots.txt respected), its main text extracted, coded and stored; a GDELT "
                    "2.0 lastupdate.txt URL imports each new 15-minute events and mentions file. "
                    "Items already stored, files already imported and feeds that answer 'not "
                    "modified' are not fetched again; the state is kept beside the store "
                    "(STORE.watch.json). A feed that fails is reported and the others go on.",
        epilog="examples:\n  eventdesk watch https://example.org/world.rss --interval 15m\n"
               "  eventdesk watch http://data.gdeltproject.org/gdeltv2/lastupdate.txt --once\n\n"
               "exit codes: 0 ok, 2 usage error, 3 a feed failed or an item was skipped "
               "(with --once; 130 on Ctrl-C)")
    p.add_argument("feeds", nargs="*", metavar="FEED", help="feed URLs")
    p.add_argument("--interval", default="15m", help="time between polls (default 15m)")
    p.add_argument("--once", action="store_true", help="poll once and exit")
    p.add_argument("--timeout", type=float, default=20.0,
                   help="seconds to wait for a server (default 20); failures are retried twice")
    p.add_argument("--max-bytes", type=_size, default="10MB",
                   help="largest feed or page read (default 10MB)")
    add_db(p)
    add_actors(p)
    p.set_defaults(func=cmd_watch, quiet=True, date=None)
