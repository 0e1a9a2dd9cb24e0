"""The browser workbench: ``eventdesk serve``, an ASGI application (Starlette under Uvicorn)
over one store, as Datasette is the web face of a SQLite file.

Pages are rendered on the server from the package's Jinja2 templates (autoescaping on) and work
with JavaScript off; each page's figures are also a JSON answer under ``/api/`` with the same
parameters (``?format=csv`` for its table). Charts are Plotly, its ``plotly.min.js`` served by
the app from the ``plotly`` package; the map is SVG drawn on the server from the Natural Earth
outlines in ``data/``. Nothing is loaded from another host.

- :mod:`.app`: routes, the security layer, API answers;
- :mod:`.params`: each request parameter checked (a bad one is a 400 with its reason);
- :mod:`.data`: the one door to the store and the analyses;
- :mod:`.render`: templates, Plotly figures, the SVG map.

**Readers beside a writer.** DuckDB lets one process write a file, or several read it, never
both at once. The server holds no connection between requests: each request opens the store
read-only (DuckDB shares one database instance among the connections open in the process, so
concurrent requests share it) and closes it when done, so the file is free whenever no request
is in flight. While another process writes (``eventdesk ingest``), a request waits for the lock
with growing pauses up to ``lock_wait`` seconds (3 by default), then answers 503 with
``Retry-After``. A writer started while requests are in flight waits for them when it is given
``$EVENTDESK_LOCK_WAIT`` seconds (``EVENTDESK_LOCK_WAIT=30 eventdesk ingest ...``); without it
the writer says the store is in use, as it always has. Every page reads the store as it is at
that request: there is no snapshot to go stale.

**Security.** The server binds to 127.0.0.1 unless told otherwise; another host needs a token,
sent as ``Authorization: Bearer`` or as the cookie that ``?token=`` sets, compared in constant
time. Every query is parameterised; every value in a page is escaped; responses carry a
Content-Security-Policy allowing only the app's own scripts (no inline script). Nothing is
written unless ``--allow-ingest`` is given, and then only with the token: ``POST /api/ingest``
codes and stores one document by running ``eventdesk ingest`` in a child process.
"""
from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
