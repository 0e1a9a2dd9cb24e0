"""Polite HTTP for feeds: timeouts, bounded retries with backoff, a size cap, conditional
requests (ETag / Last-Modified), robots.txt, and a User-Agent that says who is asking.

Everything that can go wrong with one URL becomes a :class:`FetchError` with the URL in it,
so a caller can report that one feed or item and go on with the others.
"""
from __future__ import annotations

import logging
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .. import __version__
from ..errors import InputError

log = logging.getLogger(__name__)

USER_AGENT = f"eventdesk/{__version__} (political event coder; feed reader)"
#: the largest body read from one URL; a larger one is refused, not truncated
MAX_BYTES = 10_000_000


class FetchError(InputError):
    """One URL could not be fetched (status, time-out, size, robots.txt)."""


@dataclass
class Response:
    url: str
    status: int                   # 200, or 304 when the server says nothing changed
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""


@dataclass
class Fetcher:
    """One HTTP client for a poll. ``retries`` further tries after a time-out, a connection
    error or a 5xx answer, waiting ``backoff`` seconds, then twice that, and so on."""

    timeout: float = 20.0
    retries: int = 2
    backoff: float = 1.0
    max_bytes: int = MAX_BYTES
    respect_robots: bool = True
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)
    _client: object = None

    def __enter__(self) -> "Fetcher":
        import httpx

        self._client = httpx.Client(timeout=self.timeout, follow_redirects=True,
                                    headers={"User-Agent": USER_AGENT})
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()   # type: ignore[attr-defined]

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            check_robots: bool = True) -> Response:
        """GET ``url``; a 304 answer comes back as ``status == 304`` with no body."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(f"not an http(s) URL: {url!r}")
        if check_robots and self.respect_robots and not self.allowed(url):
            raise FetchError(f"{url}: disallowed by the site's robots.txt")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        wait = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return self._once(url, headers)
            except _Retry as exc:
                if attempt == self.retries:
                    raise FetchError(f"{url}: {exc} (after {attempt + 1} tries)") from None
                log.info("%s: %s; trying again in %.1f s", url, exc, wait)
                time.sleep(wait)
                wait *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        import httpx

        try:
            with self._client.stream("GET", url, headers=headers) as r:  # type: ignore[attr-defined]
                if r.status_code == 304:
                    return Response(url, 304, etag=r.headers.get("etag"),
                                    last_modified=r.headers.get("last-modified"))
                if r.status_code >= 500 or r.status_code == 429:
                    raise _Retry(f"HTTP {r.status_code}")
                if r.status_code != 200:
                    raise FetchError(f"{url}: HTTP {r.status_code}")
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(f"{url}: {int(declared):,} bytes, more than the "
                                     f"{self.max_bytes:,}-byte limit")
                chunks, size = [], 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(f"{url}: more than the {self.max_bytes:,}-byte limit")
                    chunks.append(chunk)
                return Response(url, 200, b"".join(chunks), r.headers.get("etag"),
                                r.headers.get("last-modified"), r.headers.get("content-type", ""))
        except httpx.TimeoutException:
            raise _Retry(f"timed out after {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise _Retry(f"connection failed ({type(exc).__name__})") from None

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets our User-Agent fetch ``url``. A site with no robots.txt (4xx)
        allows everything; one whose robots.txt cannot be fetched (5xx, time-out) is left alone
        for this poll, as RFC 9309 asks."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self._robots:
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            try:
                r = self._once(site + "/robots.txt", {})
                parser.parse(r.body.decode("utf-8", "replace").splitlines())
            except _Retry:
                parser = None
            except FetchError:          # 4xx or too large: no rules
                parser.parse([])
            self._robots[site] = parser
        parser = self._robots[site]
        return parser is not None and parser.can_fetch(USER_AGENT, url)


class _Retry(Exception):
    """A failure worth another try."""
