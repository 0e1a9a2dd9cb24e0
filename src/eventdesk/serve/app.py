"""The Starlette application: routes, the security layer and the rendering of pages and API
answers. Figures come from :mod:`eventdesk.serve.data`, parameters from
:mod:`eventdesk.serve.params`."""
from __future__ import annotations

import csv
import hmac
import io
import json
import logging
import re
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as Date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (FileResponse, HTMLResponse, JSONResponse, RedirectResponse,
                                 Response)
from starlette.routing import Route

from ..analysis.output import jsonable, records
from ..errors import EventDeskError, StoreError, UsageError
from . import data, params, render

log = logging.getLogger(__name__)

COOKIE = "eventdesk_token"
MAX_INGEST = 2_000_000
CACHE_SIZE = 256
#: how many URLs' HTML a cached view keeps (the same result under other query strings: a
#: token, a ``format``)
HTML_KEPT = 4
_EVENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9:_.\-]{0,79}")
#: the one policy every response carries: scripts, styles, images, data only from this app
#: (images may be inline PNG, as the brief's charts are); no frames, no plugins, no other host
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
           "Cross-Origin-Resource-Policy": "same-origin"}


@dataclass(frozen=True)
class Settings:
    db: Path
    token: str | None = None
    allow_ingest: bool = False
    lock_wait: float = 3.0            # how long a request waits for a writer to finish
    linger: float = 2.0               # how long the store stays open after the last request
    warm: bool = False                # compute the store-wide pages after each store change


def create_app(db: str | Path, *, token: str | None = None, allow_ingest: bool = False,
               lock_wait: float = 3.0, linger: float = 2.0, warm: bool = False) -> Starlette:
    """The workbench over the store at ``db`` (opened read-only, once per request). With
    ``warm`` (``eventdesk serve`` sets it) a background thread computes the overview, the
    one page that reads the whole store and that everyone opens first, and the signals'
    candidates of the default window (what every watch list's signals page starts from), at
    start and after each change of the store, so that no reader waits for them."""
    path = Path(db)
    if not path.exists():
        raise StoreError(f"{path}: no such store (run `eventdesk ingest` first)")
    if allow_ingest and not token:
        raise UsageError("--allow-ingest needs --token: writing is allowed only with it")
    s = Settings(path, token or None, allow_ingest, lock_wait, linger, warm)
    w = Workbench(s)
    if warm:
        w.start_warming()
    routes = [
        Route("/", w.page(w.overview)), Route("/api/overview", w.api(w.overview)),
        Route("/dyad/{a}/{b}", w.page(w.dyad)), Route("/api/dyad/{a}/{b}", w.api(w.dyad)),
        Route("/triangle/{a}/{b}/{c}", w.page(w.triangle)),
        Route("/api/triangle/{a}/{b}/{c}", w.api(w.triangle)),
        Route("/signals", w.page(w.signals)), Route("/api/signals", w.api(w.signals)),
        Route("/events", w.page(w.events)), Route("/api/events", w.api(w.events)),
        Route("/event/{id}", w.page(w.event)), Route("/api/event/{id}", w.api(w.event)),
        Route("/map", w.page(w.map)), Route("/api/map", w.api(w.map)),
        Route("/brief", w.page(w.brief)), Route("/api/brief", w.api(w.brief)),
        Route("/static/{name}", w.static),
        Route("/api/ingest", w.ingest, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.settings = s
    return Guard(app, s)


# -- security ---------------------------------------------------------------------------------
class Guard:
    """ASGI middleware: the token check (when the app has a token) and the security headers
    on every response, errors and static files included."""

    def __init__(self, app: Any, settings: Settings):
        self.app, self.settings = app, settings
        self.state = app.state

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()
                         if k.lower().encode() not in have]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        token = self.settings.token
        if token:
            request = Request(scope)
            given = request.query_params.get("token")
            if given is not None:
                if not _same(given, token):
                    await _refuse("the token in the URL is wrong")(scope, receive,
                                                                  send_with_headers)
                    return
                # a cookie for the browser, and the same URL without the token in it
                rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                url = request.url.path + ("?" + urlencode(rest) if rest else "")
                resp = RedirectResponse(url, status_code=303)
                resp.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https")
                await resp(scope, receive, send_with_headers)
                return
            auth = request.headers.get("authorization", "")
            bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else None
            cookie = request.cookies.get(COOKIE)
            if not any(v is not None and _same(v, token) for v in (bearer, cookie)):
                await _refuse("this workbench needs its token: open it with ?token=... once, "
                              "or send Authorization: Bearer <token>")(scope, receive,
                                                                        send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)


def _same(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def _refuse(message: str) -> Response:
    return Response(message + "\n", status_code=401, media_type="text/plain; charset=utf-8",
                    headers={"WWW-Authenticate": 'Bearer realm="eventdesk"'})


# -- the views --------------------------------------------------------------------------------
@dataclass
class View:
    """What a view computed: the page's template and context, and the API's JSON (with
    ``rows`` for a CSV download)."""

    template: str
    context: dict[str, Any]
    api: dict[str, Any]
    rows: pd.DataFrame | None = None
    filename: str = "eventdesk"


class Workbench:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._ingest_lock = threading.Lock()
        self.readers = data.Readers(settings.db, wait=settings.lock_wait,
                                    linger=settings.linger)
        self._local = threading.local()
        self._cache: OrderedDict[tuple, tuple[tuple[int, ...], View]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._running: dict[tuple, threading.Event] = {}

    #: the views the warming thread keeps computed: (cache key, view method)
    WARM = ((("overview", (), ()), "overview"), (("warm signals", (), ()), "warm_signals"))

    def warm_signals(self, request: None) -> None:
        """The signals' candidates of the default parameters (every watch list's page starts
        from them, :func:`.data.signal_candidates`), and the imports the signals need; kept
        by the data layer, so nothing for the view cache."""
        with self.store() as st:
            try:
                data.signal_candidates(st, by="month", win=data.Window(None, None))
            except UsageError:          # no dated events: the page says so when asked
                pass
        return None

    def start_warming(self, every: float = 2.0) -> None:
        """A daemon thread that, whenever the store's files have changed (and no writer is
        waiting for them), computes the :data:`WARM` views into the cache."""
        def run() -> None:
            done = None
            while True:
                now = self.readers.stamp()
                if now != done and not self.readers.flag.exists():
                    try:
                        for key, name in self.WARM:
                            self._compute(key, lambda name=name: getattr(self, name)(None))
                        done = now
                    except Exception as exc:       # a writer came, a damaged store: later
                        log.info("warming the workbench's pages failed (%s)", exc)
                time.sleep(every)

        threading.Thread(target=run, name="eventdesk-warm", daemon=True).start()

    @contextmanager
    def store(self) -> Iterator[Any]:
        """A read-only handle on the store for this request."""
        with self.readers.open() as st:
            self._local.generation = st.generation
            yield st

    def compute(self, view: Callable[[Request], View | None], request: Request) -> View | None:
        """The view's result, computed once per set of parameters and state of the store: a
        result is kept (the last :data:`CACHE_SIZE`) with the :meth:`~.data.Readers.stamp` of
        the data it was read from, and served again while the store's files are unchanged.
        Requests that ask for a result being computed wait for it rather than compute it
        again (on a large store twenty clients opening the same page would otherwise run the
        same scans twenty times over on the same cores)."""
        key = (view.__name__, tuple(request.path_params.items()),
               tuple(sorted((k, v) for k, v in request.query_params.multi_items()
                            if k not in ("token", "format"))))
        return self._compute(key, lambda: view(request))

    def _compute(self, key: tuple, work: Callable[[], View | None]) -> View | None:
        while True:
            now = self.readers.stamp()
            with self._cache_lock:
                hit = self._cache.get(key)
                if hit is not None and hit[0] == now:
                    self._cache.move_to_end(key)
                    return hit[1]
                running = self._running.get(key)
                if running is None:
                    running = self._running[key] = threading.Event()
                    break
            running.wait()              # then read what it left in the cache (or compute)
        try:
            self._local.generation = None
            v = work()
            generation = self._local.generation
            if v is not None and generation is not None:
                with self._cache_lock:
                    self._cache[key] = (generation, v)
                    self._cache.move_to_end(key)
                    while len(self._cache) > CACHE_SIZE:
                        self._cache.popitem(last=False)
            return v
        finally:
            with self._cache_lock:
                self._running.pop(key, None)
            running.set()

    # wrappers: one view function, a page and an API endpoint
    def page(self, view: Callable[[Request], View]) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            try:
                v = self.compute(view, request)
            except UsageError as exc:
                return self._html("error.html", {"status": 400, "message": str(exc)}, 400)
            except data.StoreBusy as exc:
                return self._html("error.html", {"status": 503, "message": _busy(exc)}, 503,
                                  {"Retry-After": "5"})
            except EventDeskError as exc:
                return self._html("error.html", {"status": 400, "message": str(exc)}, 400)
            if v is None:
                return self._html("error.html", {"status": 404, "message": "not found"}, 404)
            # rendered once per cached result and URL (the page depends on nothing else: a
            # cached events page costs 5-10 ms of template work, most of a request's time
            # when twenty analysts reopen the same pages)
            pages = v.__dict__.setdefault("html", {})
            url = (request.url.path, request.url.query)
            body = pages.get(url)
            if body is None:
                body = render.page(v.template, {**v.context, "request": request,
                                                "api_url": _api_url(request)})
                if len(pages) < HTML_KEPT:
                    pages[url] = body
            return HTMLResponse(body)
        return endpoint

    def api(self, view: Callable[[Request], View]) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            fmt = request.query_params.get("format", "json")
            try:
                if fmt not in ("json", "csv"):
                    raise UsageError(f"format={fmt[:20]!r}: choose json or csv")
                v = self.compute(view, request)
            except data.StoreBusy as exc:
                return JSONResponse({"error": _busy(exc)}, 503, headers={"Retry-After": "5"})
            except EventDeskError as exc:
                return JSONResponse({"error": str(exc)}, 400)
            if v is None:
                return JSONResponse({"error": "not found"}, 404)
            if fmt == "csv":
                if v.rows is None:
                    return JSONResponse({"error": "this view has no table to download"}, 400)
                return Response(_csv(v.rows), media_type="text/csv; charset=utf-8", headers={
                    "Content-Disposition": f'attachment; filename="{v.filename}.csv"'})
            # serialised once per cached result (a dyad by week is 370 KB of JSON: 30 ms)
            body = v.__dict__.get("json_body")
            if body is None:
                body = v.__dict__["json_body"] = json.dumps(jsonable(v.api), ensure_ascii=False,
                                                            allow_nan=False,
                                                            separators=(",", ":"))
            return Response(body, media_type="application/json")
        return endpoint

    def _html(self, template: str, context: dict[str, Any], status: int = 200,
              headers: dict[str, str] | None = None) -> HTMLResponse:
        return HTMLResponse(render.page(template, context), status_code=status,
                            headers=headers)

    # -- overview ---------------------------------------------------------------------------
    def overview(self, request: Request) -> View:
        mentions = params.mentions(request.query_params) if request is not None else False
        with self.store() as st:
            o = data.overview(st, include_mentions=mentions)
        tl = o["timeline"]
        chart = render.timeline_chart(tl, mentions)
        api = {"title": "overview", "counts": o["counts"], "first": o["first"],
               "last": o["last"], "include_mentions": mentions,
               "busiest": records(o["activity"]),
               "moving": records(o["movement"]), "rows": records(tl), "chart": chart}
        return View("overview.html", {"o": o, "busiest": records(o["activity"]),
                                      "moving": records(o["movement"]), "mentions": mentions},
                    api, tl, "timeline")

    # -- dyad -------------------------------------------------------------------------------
    def dyad(self, request: Request) -> View:
        q = request.query_params
        a = params.code(request.path_params["a"], "actor")
        b = params.code(request.path_params["b"], "actor")
        if a == b:
            raise UsageError(f"a dyad needs two different actors, got {a} twice")
        by, win = params.period(q), params.window(q)
        directed = params.flag(q.get("directed"))
        mentions = params.mentions(q)
        with self.store() as st:
            a, b = data.check_actors(st, [a, b])
            df = data.dyad(st, a, b, by=by, directed=directed, win=win,
                           include_mentions=mentions)
        rows = records(df)
        for r in rows:
            r["events_url"] = _events_url(a, b, r["period"], r["period_end"], directed,
                                          mentions)
        chart = render.dyad_chart(rows, a, b, by)
        arrow = "→" if directed else "–"
        title = f"{a}{arrow}{b} by {by}"
        api = {"title": title, "a": a, "b": b, "by": by, "directed": directed,
               "include_mentions": mentions, "rows": rows, "chart": chart}
        return View("dyad.html", {"title": title, "a": a, "b": b, "by": by, "rows": rows,
                                  "directed": directed, "win": win, "mentions": mentions},
                    api, df, f"dyad-{a}-{b}")

    # -- triangle ---------------------------------------------------------------------------
    def triangle(self, request: Request) -> View:
        q = request.query_params
        players = [params.code(request.path_params[k], "actor") for k in ("a", "b", "c")]
        if len(set(players)) != 3:
            raise UsageError(f"a triangle needs three different actors, got "
                             f"{', '.join(players)}")
        by, win = params.period(q), params.window(q)
        band = params.number(q.get("band"), "band", 1.0, 0.0, 10.0)
        mentions = params.mentions(q)
        with self.store() as st:
            players = data.check_actors(st, players)
            tr = data.triangle(st, players, by=by, win=win, band=band,
                               include_mentions=mentions)
        rows = records(tr.frame)
        chart = render.triangle_chart(rows, players, band)
        title = f"triangle {', '.join(players)} by {by}"
        leverage = [_leverage(rows[-1], p) for p in players]
        api = {"title": title, "players": players, "by": by, "band": band,
               "include_mentions": mentions, "rows": rows,
               "leverage": leverage, "changes": tr.changes, "chart": chart}
        return View("triangle.html", {"title": title, "players": players, "rows": rows,
                                      "leverage": leverage, "changes": tr.changes, "by": by,
                                      "band": band, "mentions": mentions},
                    api, tr.frame, "triangle-" + "-".join(players))

    # -- signals ----------------------------------------------------------------------------
    def signals(self, request: Request) -> View:
        q = request.query_params
        watch = params.codes(q.get("watch"), "watch")
        by, win = params.period(q), params.window(q)
        top = params.integer(q.get("top"), "top", 20, 1, 200)
        mentions = params.mentions(q)
        with self.store() as st:
            if watch:
                watch = data.check_actors(st, watch)
            found = data.signals(st, watch, by=by, win=win, top=top, include_mentions=mentions)
        rows = []
        for k, s in enumerate(found, 1):
            rows.append({"rank": k, "score": round(s.score, 2), "kind": s.kind, "a": s.a,
                         "b": s.b, "date": s.when, "reason": s.reason, "event_id": s.event_id,
                         "period": s.period, "evidence": s.evidence,
                         "events_url": _events_url(s.a, s.b, s.period,
                                                   data.period_end(s.period, by), False,
                                                   mentions)
                         if s.period else None})
        frame = pd.DataFrame([{k: v for k, v in r.items() if k != "evidence"} for r in rows])
        api = {"title": f"{len(rows)} signals", "watch": watch, "by": by,
               "include_mentions": mentions, "rows": rows}
        return View("signals.html", {"rows": rows, "watch": watch, "by": by, "win": win,
                                     "top": top, "mentions": mentions}, api, frame, "signals")

    # -- events -----------------------------------------------------------------------------
    def events(self, request: Request) -> View:
        q = request.query_params
        flt = params.event_filter(q)
        key, desc = params.sort(q)
        page, per = params.paging(q)
        after, before = params.after(q, key), params.after(q, key, "before")
        if after is not None and before is not None:
            raise UsageError("give after or before, not both")
        with self.store() as st:
            frame, total = data.events_table(st, flt, sort=key, descending=desc, page=page,
                                             per=per, after=after, before=before)
        rows = records(frame)
        pages = max(1, -(-total // per))
        base = [(k, v) for k, v in q.multi_items()
                if k not in ("page", "token", "after", "before")]
        link = lambda **kw: "/events?" + urlencode(  # noqa: E731
            [(k, v) for k, v in base if k not in kw]
            + [(k, str(v)) for k, v in kw.items() if v is not None])
        # the next page by keyset: the link carries this page's last sort key
        last = data.cursor(frame, key)
        next_link = (link(page=page + 1, after=json.dumps(last, separators=(",", ":")))
                     if last is not None and page < pages else None)
        first = data.cursor(frame, key, first=True)
        prev_link = (None if page <= 1 else link(page=1) if page == 2 or first is None else
                     link(page=page - 1, before=json.dumps(first, separators=(",", ":"))))
        api = {"title": "events", "total": total, "page": page, "per": per, "pages": pages,
               "sort": ("-" if desc else "") + key, "include_mentions": flt.include_mentions,
               "after": None if last is None or page >= pages else last,
               "next": None if next_link is None else "/api" + next_link,
               "prev": None if prev_link is None else "/api" + prev_link, "rows": rows}
        return View("events.html", {"rows": rows, "total": total, "page": page, "pages": pages,
                                    "per": per, "sort": key, "desc": desc, "q": q, "flt": flt,
                                    "link": link, "next_link": next_link,
                                    "prev_link": prev_link,
                                    "statuses": data.STATUSES,
                                    "sorts": list(data.SORTS)}, api, frame, "events")

    # -- one event --------------------------------------------------------------------------
    def event(self, request: Request) -> View | None:
        some_id = request.path_params["id"]
        if not _EVENT_ID.fullmatch(some_id):
            raise UsageError(f"{some_id[:40]!r}: an event id is letters, digits and : _ . - "
                             "(at most 80)")
        with self.store() as st:
            info = data.event(st, some_id)
        if info is None:
            return None
        ev = info["event"]
        pattern = info["pattern"]
        api = {"title": f"event {ev.id}", "event": ev.to_dict(),
               "segments": [{"text": t, "role": r} for t, r in info["segments"]],
               "pattern": None if pattern is None else {
                   "id": pattern.id, "cameo": pattern.cameo, "verb": pattern.verb,
                   "particle": pattern.particle, "source": pattern.source},
               "decided_by": info["decided_by"], "document": info["document"],
               "provenance": info["provenance"], "group": info["group"]}
        return View("event.html", info, api, None)

    # -- map --------------------------------------------------------------------------------
    def map(self, request: Request) -> View:
        q = request.query_params
        flt = params.event_filter(q)
        with self.store() as st:
            places = data.locations(st, flt)
        rows = records(places)
        base = [(k, v) for k, v in q.multi_items() if k not in ("page", "token", "place")]
        svg = render.map_svg(rows, lambda name: "/events?" + urlencode(base + [("place", name)]))
        api = {"title": "event locations", "rows": rows}
        return View("map.html", {"rows": rows, "svg": svg, "q": q, "flt": flt,
                                 "statuses": data.STATUSES,
                                 "events_link": "/events?" + urlencode(base)},
                    api, places, "locations")

    # -- brief ------------------------------------------------------------------------------
    def brief(self, request: Request) -> View | None:
        q = request.query_params
        focus = params.code(q.get("focus"), "focus")
        partners = params.codes(q.get("with"), "with", most=6)
        by, win = params.period(q), params.window(q)
        mentions = params.mentions(q)
        body = None
        if focus:
            if not partners:
                raise UsageError("with: give at least one partner (such as with=USA,CHN)")
            with self.store() as st:
                focus, *partners = data.check_actors(st, [focus, *partners])
                body = data.brief_html(st, focus, partners, by=by, win=win,
                                       include_mentions=mentions)
        api = {"title": f"brief {focus}", "focus": focus, "with": partners,
               "include_mentions": mentions, "html": body}
        return View("brief.html", {"focus": focus, "partners": partners, "body": body,
                                   "by": by, "win": win, "mentions": mentions}, api, None)

    # -- assets -----------------------------------------------------------------------------
    def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name == "plotly.css":
            return Response(plotly_css(), media_type="text/css; charset=utf-8",
                            headers={"Cache-Control": "public, max-age=3600"})
        path = _assets().get(name)
        if path is None:
            return Response("not found\n", 404, media_type="text/plain")
        types = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".geojson": "application/geo+json"}
        return FileResponse(path, media_type=types.get(path.suffix),
                            headers={"Cache-Control": "public, max-age=3600"})

    # -- writing (only with --allow-ingest and the token) -----------------------------------
    async def ingest(self, request: Request) -> Response:
        """POST a document's text (the body, UTF-8): it is coded and stored by ``eventdesk
        ingest`` in a child process, a writer like any other (the app's own connections stay
        read-only)."""
        if not self.settings.allow_ingest:
            return JSONResponse({"error": "this workbench is read-only (start it with "
                                          "--allow-ingest and --token to add documents)"}, 403)
        body = await request.body()
        try:
            text = body.decode("utf-8")
            day = params.day(request.query_params.get("date"), "date")
        except UnicodeDecodeError:
            return JSONResponse({"error": "the body must be the document's text in UTF-8"}, 400)
        except UsageError as exc:
            return JSONResponse({"error": str(exc)}, 400)
        if not text.strip():
            return JSONResponse({"error": "empty document"}, 400)
        if len(body) > MAX_INGEST:
            return JSONResponse({"error": f"a document of at most {MAX_INGEST} bytes"}, 413)
        from starlette.concurrency import run_in_threadpool

        code, message = await run_in_threadpool(self._ingest_text, text, day)
        return JSONResponse({"exit_code": code, "message": message}, 200 if code == 0 else 400)

    def _ingest_text(self, text: str, day: Date | None) -> tuple[int, str]:
        import os
        import tempfile

        with self._ingest_lock, tempfile.TemporaryDirectory() as tmp:
            doc = Path(tmp) / "posted.txt"
            doc.write_text(text, encoding="utf-8")
            cmd = [sys.executable, "-m", "eventdesk", "ingest", str(doc), "-q",
                   "--db", str(self.settings.db)] + (["--date", day.isoformat()] if day else [])
            # the child waits for this app's read connections, which last one request each
            env = {**os.environ, "EVENTDESK_LOCK_WAIT": os.environ.get("EVENTDESK_LOCK_WAIT",
                                                                        "60")}
            done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        lines = [x for x in done.stderr.splitlines() if x.strip()]
        return done.returncode, lines[-1] if lines else ""


def _leverage(row: dict[str, Any], player: str) -> dict[str, Any]:
    """A player's pivot leverage in a period of the triangle, its 95% interval, and what the
    interval says (courted by both when all of it is above zero)."""
    lev, lo, hi = (row.get(f"leverage{k} {player}") for k in ("", " lo", " hi"))
    if lev is None or lo is None or hi is None:
        reading = "unknown: an edge has no events"
    elif lo > 0:
        reading = "courted by both others (the whole interval above 0)"
    elif hi < 0:
        reading = "no leverage (the whole interval below 0)"
    else:
        reading = "not distinguishable from 0 (the interval spans it)"
    return {"player": player, "period": row.get("period"), "leverage": lev, "lo": lo,
            "hi": hi, "reading": reading}


def _busy(exc: Exception) -> str:
    return (f"{exc}. The page answers again when the writer has finished; reload in a few "
            "seconds.")


def _api_url(request: Request) -> str:
    rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
    return "/api" + (request.url.path if request.url.path != "/" else "/overview") + \
        ("?" + urlencode(rest) if rest else "")


def _events_url(a: str, b: str, since: Any, until: Any, directed: bool,
                mentions: bool = False) -> str:
    """The events behind a chart's point: those it counts (with the mentions of earlier
    events when the chart counts them)."""
    args = ([("actor", a), ("recipient", b)] if directed else [("dyad", f"{a},{b}")])
    args += [("since", str(since)), ("until", str(until)), ("status", "asserted")]
    if mentions:
        args.append(("include_mentions", "1"))
    return "/events?" + urlencode(args)


def _csv(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


@lru_cache(maxsize=1)
def plotly_css() -> str:
    """Plotly's own style rules as a stylesheet. plotly.js adds them with a ``<style>`` element
    of its own, which the app's Content-Security-Policy forbids; they are read here from the
    bundled ``plotly.min.js`` (an object literal of selector → declarations, ``X`` standing
    for the plot's class), so the stylesheet always matches the script served beside it."""
    import re

    text = _assets()["plotly.min.js"].read_text("utf-8")
    start = text.find('{"X,X div"')
    if start < 0:
        return "/* plotly.min.js: its style rules were not found */\n"
    end = text.find("}", start)
    string = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\''
    out = []
    for key, value in re.findall(f"({string}):({string})", text[start:end + 1]):
        selector = re.sub(r"^,", " ,", key[1:-1]).replace("X", ".js-plotly-plot .plotly") \
            .replace("Y", ".plotly-notifier")
        out.append(f"{selector} {{{value[1:-1]}}}")
    return "\n".join(out) + "\n"


@lru_cache(maxsize=1)
def _assets() -> dict[str, Path]:
    """The files under /static/: the app's own, Plotly's bundled plotly.min.js, the map."""
    import plotly

    here = Path(str(resources.files("eventdesk.serve")))
    out = {p.name: p for p in (here / "static").iterdir() if p.is_file()}
    out["plotly.min.js"] = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    out["countries.geojson"] = here / "data" / "countries.geojson"
    return out
