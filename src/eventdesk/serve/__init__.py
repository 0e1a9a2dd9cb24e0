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
both at once. The server opens the store read-only and gives each request its own cursor on it
(:class:`.data.Readers`); it keeps the store open while requests come (opening a DuckDB file
costs far more than a cursor) and closes it once none has come for two seconds, or as soon as
the requests in flight are done when a writer waits for it. A writer that is given
``$EVENTDESK_LOCK_WAIT`` seconds (``EVENTDESK_LOCK_WAIT=30 eventdesk ingest ...``) retries the
lock for that long and meanwhile keeps a flag file beside the store (``<store>.wait``): the
server lets go, and new requests wait for the writer, up to three seconds, then answer 503
with ``Retry-After``. Without the variable a writer says the store is in use, as it always
has. Every page reads the store as it is at that request: there is no snapshot to go stale.

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
