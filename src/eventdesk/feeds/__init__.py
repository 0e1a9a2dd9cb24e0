"""Live feeds: RSS and Atom feeds and GDELT 2.0's ``lastupdate.txt``, polled into the store.

:func:`poll` makes one pass over the feeds: each feed is fetched with a conditional request
(the ETag and Last-Modified of the last poll), its new items' pages are fetched (robots.txt
respected) and their main text extracted by the readers' HTML path, then coded and stored by
:meth:`eventdesk.store.Store.ingest`. A GDELT ``lastupdate.txt`` names the latest 15-minute
files; each new one is downloaded beside the store, checked against its size and MD5, and
imported by :func:`eventdesk.interop.importer.import_files`.

What is not fetched again: an item whose document id (from its guid or link) is already in the
store; a GDELT file whose URL the state file lists; a feed that answers 304. The state (ETags,
Last-Modified, GDELT URLs done) lives in a JSON file beside the store (``STORE.watch.json``),
written atomically after every feed, so it survives a restart. One feed that fails (HTTP error,
time-out, too large, not a feed) is reported and the others go on.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Document, Precision, stable_hash
from .http import Fetcher, FetchError

log = logging.getLogger(__name__)

__all__ = ["FeedResult", "WatchState", "poll", "parse_interval"]

#: GDELT's own files are larger than articles: the cap for one of them
GDELT_MAX_BYTES = 200_000_000


@dataclass
class FeedResult:
    """What one poll of one feed did."""

    feed: str
    kind: str = "feed"            # feed | gdelt
    not_modified: bool = False
    items: int = 0                # items (or GDELT files) the feed listed
    known: int = 0                # already stored (or imported) before this poll
    stored: int = 0               # new documents stored (or GDELT files imported)
    events: int = 0               # events added (or rows imported, for GDELT)
    skipped: int = 0              # items reported and skipped
    error: str | None = None      # the feed itself failed

    def line(self) -> str:
        if self.error:
            return f"{self.feed}: failed: {self.error}"
        if self.not_modified:
            return f"{self.feed}: not modified since the last poll"
        what = "files" if self.kind == "gdelt" else "items"
        added = "rows" if self.kind == "gdelt" else "events"
        return (f"{self.feed}: {self.items} {what}, {self.known} already stored, {self.stored} "
                f"new ({self.events} {added}), {self.skipped} skipped")


@dataclass
class WatchState:
    """The JSON state file beside the store."""

    path: Path
    feeds: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "WatchState":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            feeds = data.get("feeds", {}) if isinstance(data, dict) else {}
        except FileNotFoundError:
            feeds = {}
        except (OSError, ValueError) as exc:
            log.warning("%s: unreadable state (%s); starting afresh", path, exc)
            feeds = {}
        return cls(path, feeds if isinstance(feeds, dict) else {})

    def of(self, feed: str) -> dict[str, Any]:
        return self.feeds.setdefault(feed, {})

    def save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".part")
        tmp.write_text(json.dumps({"feeds": self.feeds}, indent=1, sort_keys=True),
                       encoding="utf-8")
        os.replace(tmp, self.path)


def parse_interval(text: str) -> float:
    """``"15m"``, ``"30s"``, ``"2h"`` or plain seconds → seconds (at least 1)."""
    units = {"s": 1, "m": 60, "h": 3600}
    t = text.strip().lower()
    try:
        value = float(t[:-1]) * units[t[-1]] if t and t[-1] in units else float(t)
    except ValueError:
        raise InputError(f"bad interval {text!r}: use e.g. 90s, 15m or 1h") from None
    if not value >= 1:
        raise InputError(f"bad interval {text!r}: at least one second")
    return value


def poll(store: Any, feeds: list[str], *, coder_factory: Callable[[], Any],
         state: WatchState, fetcher: Fetcher,
         on_problem: Callable[[InputError], None] = lambda e: None,
         on_result: Callable[[FeedResult], None] = lambda r: None) -> list[FeedResult]:
    """One pass over ``feeds``; returns one :class:`FeedResult` per feed, in order."""
    coder: list[Any] = []

    def get_coder() -> Any:
        if not coder:
            coder.append(coder_factory())
        return coder[0]

    results = []
    for feed in feeds:
        try:
            if _is_gdelt(feed):
                r = _poll_gdelt(store, feed, state.of(feed), fetcher, on_problem)
            else:
                r = _poll_feed(store, feed, state.of(feed), fetcher, get_coder, on_problem)
        except (FetchError, InputError) as exc:
            r = FeedResult(feed, error=str(exc).removeprefix(f"{feed}: "))
        state.of(feed)["last_poll"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        state.save()
        results.append(r)
        on_result(r)
    return results


def _is_gdelt(url: str) -> bool:
    return url.rstrip("/").rsplit("/", 1)[-1].startswith("lastupdate") and url.endswith(".txt")


# -- RSS and Atom ------------------------------------------------------------------------------
def _poll_feed(store: Any, feed: str, st: dict[str, Any], fetcher: Fetcher,
               get_coder: Callable[[], Any], on_problem: Callable[[InputError], None]
               ) -> FeedResult:
    import feedparser

    result = FeedResult(feed)
    resp = fetcher.get(feed, etag=st.get("etag"), last_modified=st.get("last_modified"))
    if resp.status == 304:
        result.not_modified = True
        return result
    parsed = feedparser.parse(resp.body)
    if parsed.get("bozo") and not parsed.entries:
        raise InputError("not an RSS or Atom feed", feed)
    title = (parsed.feed.get("title") or "").strip() or None
    docs = []
    for entry in parsed.entries:
        result.items += 1
        doc_id = "w-" + stable_hash(entry.get("id") or entry.get("link") or entry.get("title"))
        if store.document(doc_id) is not None:
            result.known += 1
            continue
        try:
            docs.append(_item_document(entry, doc_id, title, fetcher))
        except InputError as exc:
            result.skipped += 1
            on_problem(exc)
    if docs:
        ingested = store.ingest(docs, coder=get_coder())
        result.stored = ingested.documents_added + ingested.documents_replaced
        result.events = ingested.events_added
    # only now: a feed whose items could not be stored is asked for in full next time
    st["etag"], st["last_modified"] = resp.etag, resp.last_modified
    return result


def _item_document(entry: Any, doc_id: str, feed_title: str | None, fetcher: Fetcher
                   ) -> Document:
    """The item's page, its main text extracted; else the text the feed itself carries."""
    from ..readers import html_document

    link = entry.get("link")
    day = _entry_date(entry)
    where = link or f"item {entry.get('title')!r}"
    page: Document | None = None
    reason = "no link"
    if link:
        try:
            body = fetcher.get(link).body
            page = html_document(body.decode("utf-8", "replace"), doc_id=doc_id, path=None,
                                 default_date=None, default_precision=Precision.UNKNOWN,
                                 location=link)
        except InputError as exc:
            reason = str(exc).removeprefix(f"{link}: ")
    if page is None:
        inline = _entry_text(entry)
        if not inline:
            raise InputError(f"no text: the page gave none ({reason}) and the feed carries "
                             "none", where)
        page = Document(id=doc_id, text=inline)
    if page.date is None and day is None:
        day = datetime.now(timezone.utc).date()
    return Document(id=doc_id, text=page.text, title=(entry.get("title") or page.title or None),
                    date=day or page.date, date_precision=Precision.DAY if day else
                    page.date_precision, url=link, source=feed_title or page.source)


def _entry_date(entry: Any) -> Date | None:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            return Date(t.tm_year, t.tm_mon, t.tm_mday)
    return None


def _entry_text(entry: Any) -> str:
    import lxml.html

    parts = [c.get("value", "") for c in entry.get("content", [])] or [entry.get("summary", "")]
    html = "\n".join(p for p in parts if p).strip()
    if not html:
        return ""
    try:
        return lxml.html.fromstring(html).text_content().strip()
    except Exception:               # lxml's errors on odd fragments: no text then
        return ""


# -- GDELT 2.0 lastupdate.txt -------------------------------------------------------------------
def _poll_gdelt(store: Any, feed: str, st: dict[str, Any], fetcher: Fetcher,
                on_problem: Callable[[InputError], None]) -> FeedResult:
    from ..interop.importer import import_files

    result = FeedResult(feed, kind="gdelt")
    resp = fetcher.get(feed, etag=st.get("etag"), last_modified=st.get("last_modified"))
    if resp.status == 304:
        result.not_modified = True
        return result
    done: list[str] = st.setdefault("files", [])
    folder = Path(store.path).resolve().parent if getattr(store, "path", None) else None
    for size, md5, url in _gdelt_lines(resp.body, feed):
        if not url.endswith((".export.CSV.zip", ".mentions.CSV.zip")):
            continue                  # the GKG is not event data
        result.items += 1
        if url in done:
            result.known += 1
            continue
        try:
            rows = _import_gdelt(store, url, size, md5, fetcher, folder, on_problem, import_files)
        except InputError as exc:
            result.skipped += 1
            on_problem(exc)
            continue
        result.stored += 1
        result.events += rows
        done.append(url)
        del done[:-1000]              # the last thousand files (ten days) are enough to know
    st["etag"], st["last_modified"] = resp.etag, resp.last_modified
    return result


def _gdelt_lines(body: bytes, feed: str) -> Iterator[tuple[int, str, str]]:
    lines = [ln.split() for ln in body.decode("utf-8", "replace").splitlines() if ln.strip()]
    if not lines or any(len(p) != 3 or not p[0].isdigit() for p in lines):
        raise InputError("not a GDELT lastupdate.txt (lines of size, MD5 and URL)", feed)
    for size, md5, url in lines:
        yield int(size), md5.lower(), url


def _import_gdelt(store: Any, url: str, size: int, md5: str, fetcher: Fetcher,
                  folder: Path | None, on_problem: Callable[[InputError], None],
                  import_files: Any) -> int:
    cap = fetcher.max_bytes
    fetcher.max_bytes = max(cap, GDELT_MAX_BYTES)
    try:
        body = fetcher.get(url, check_robots=False).body   # GDELT publishes these to be fetched
    finally:
        fetcher.max_bytes = cap
    if len(body) != size or hashlib.md5(body).hexdigest() != md5:
        raise InputError(f"downloaded {len(body):,} bytes that do not match the size or MD5 "
                         "lastupdate.txt gives", url)
    name = url.rsplit("/", 1)[-1]
    with tempfile.TemporaryDirectory(prefix="eventdesk-watch-", dir=folder) as tmp:
        path = Path(tmp) / name
        path.write_bytes(body)
        results = import_files(store, [str(path)], on_problem=on_problem)
    return sum(r.rows_added for r in results)
