"""``eventdesk serve``: the browser workbench (:mod:`eventdesk.serve`) under Uvicorn."""
from __future__ import annotations

import argparse
import ipaddress
import os
from typing import Any

from ..errors import UsageError
from .common import EXIT_OK, add_db, err


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    from ..serve import create_app
    from ..store import resolve_db_path

    token = args.token or os.environ.get("EVENTDESK_TOKEN") or None
    if not is_loopback(args.host) and not token:
        raise UsageError(f"--host {args.host} is reachable from other machines: give --token "
                         "(or $EVENTDESK_TOKEN) so that only those who have it can read")
    if token is not None and len(token) < 16:
        raise UsageError("--token: use at least 16 characters (such as the output of "
                         "`python -c 'import secrets; print(secrets.token_urlsafe())'`)")
    if not 0 < args.port < 65536:
        raise UsageError(f"--port {args.port}: a port is 1 to 65535")
    db = resolve_db_path(args.db)
    app = create_app(db, token=token, allow_ingest=args.allow_ingest, warm=True)
    import uvicorn

    shown = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{shown}:{args.port}/" + (f"?token={token}" if token else "")
    err(f"serving {db} read-only{' (ingest allowed with the token)' if args.allow_ingest else ''}"
        f" at {url} (Ctrl-C stops)")
    if args.open:
        import threading
        import webbrowser

        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False,
                server_header=False)
    return EXIT_OK


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    p = sub.add_parser("serve", help="the workbench in the browser: pages and a JSON API over "
                       "the store, read-only", formatter_class=fmt,
                       description="Serve the store as a web workbench: overview, dyads, "
                       "triangles, signals, events, the map and the brief, each also a JSON "
                       "answer under /api/ (?format=csv for its table).",
                       epilog="example:\n  eventdesk serve --db demo/eventdesk.duckdb --open")
    add_db(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; another needs --token)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--token", help="a secret the browser or client must present (default "
                   "$EVENTDESK_TOKEN): ?token=... once sets a cookie, or send "
                   "Authorization: Bearer ...")
    p.add_argument("--open", action="store_true", help="open the overview in a browser")
    p.add_argument("--allow-ingest", action="store_true",
                   help="allow POST /api/ingest (needs --token) to code and store a document")
    p.set_defaults(func=cmd_serve)
