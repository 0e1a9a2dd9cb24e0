"""`eventdesk watch` against feeds and pages served by a real HTTP server on 127.0.0.1."""
import hashlib
import json
import io
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "interop"

ARTICLES = {
    "/news/ferry.html": ("Ferry line opens",
                         "North Korea and Russia opened a regular ferry service between Rajin "
                         "and Vladivostok on Monday, the first such line between the two "
                         "countries."),
    "/news/talks.html": ("Ministers meet",
                         "Sergei Lavrov met Rex Tillerson in Moscow on Wednesday to discuss "
                         "Syria."),
    "/news/blocked.html": ("Private", "Russia condemned the strike."),
}


def _page(title, body):
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{body}</p><p>{body}</p></article></body></html>").encode()


def _rss(items):
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Mon, 15 May 2017 10:00:00 GMT</pubDate></item>" for t, link in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>'
            f"{entries}</channel></rss>").encode()


class Site:
    """A small web site: feeds, articles, robots.txt, and misbehaving endpoints."""

    def __init__(self):
        self.hits: dict[str, int] = {}
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                if self.path == "/slow.xml":
                    time.sleep(1.5)
                if self.path == "/huge.xml":           # 50 MB, sent in chunks
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.end_headers()
                    try:
                        for _ in range(50):
                            self.wfile.write(b" " * 1_000_000)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                status, headers, body = site.routes.get(self.path, (404, {}, b"not here"))
                etag = headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path, body, status=200, **headers):
        self.routes[path] = (status, headers, body)


@pytest.fixture
def site():
    s = Site()
    for path, (title, body) in ARTICLES.items():
        s.add(path, _page(title, body), **{"Content-Type": "text/html"})
    s.add("/robots.txt", b"User-agent: *\nDisallow: /news/blocked\n")
    s.add("/world.rss", _rss([(t, s.base + p) for p, (t, _) in ARTICLES.items()]),
          ETag='"v1"', **{"Content-Type": "application/rss+xml"})
    s.add("/broken.xml", b"oops", status=500)
    yield s
    s.server.shutdown()


def _watch(cli, db, *feeds, extra=()):
    return cli("watch", *feeds, "--once", "--db", db, "--timeout", "0.5", *extra)


def test_watch_once_stores_new_items_and_a_second_run_fetches_nothing_again(tmp_path, cli,
                                                                          site):
    db = tmp_path / "w.duckdb"
    r = _watch(cli, db, site.base + "/world.rss")
    assert "3 items, 0 already stored, 2 new" in r.stderr, r.stderr
    assert "robots.txt" in r.stderr and r.returncode == 3      # the blocked page, reported
    assert site.hits.get("/news/blocked.html") is None
    events = cli("events", "--db", db, "--format", "jsonl").stdout
    assert "Vladivostok" in events or "ferry" in events.lower()
    assert '"040"' in events or '"042"' in events or '"043"' in events   # the meeting
    state = json.loads((tmp_path / "w.duckdb.watch.json").read_text())
    assert state["feeds"][site.base + "/world.rss"]["etag"] == '"v1"'

    hits = dict(site.hits)
    r = _watch(cli, db, site.base + "/world.rss")
    assert "not modified" in r.stderr, r.stderr
    assert site.hits["/news/ferry.html"] == hits["/news/ferry.html"]   # not fetched again
    assert site.hits["/world.rss"] == hits["/world.rss"] + 1


def test_an_item_already_stored_is_not_fetched_even_when_the_feed_changed(tmp_path, cli, site):
    db = tmp_path / "w.duckdb"
    _watch(cli, db, site.base + "/world.rss")
    site.add("/world.rss", _rss([(t, site.base + p) for p, (t, _) in ARTICLES.items()]),
             ETag='"v2"')
    before = site.hits["/news/talks.html"]
    r = _watch(cli, db, site.base + "/world.rss")
    assert "2 already stored, 0 new" in r.stderr, r.stderr
    assert site.hits["/news/talks.html"] == before


def test_a_failing_slow_or_huge_feed_is_reported_and_the_others_go_on(tmp_path, cli, site):
    db = tmp_path / "w.duckdb"
    r = _watch(cli, db, site.base + "/broken.xml", site.base + "/slow.xml",
               site.base + "/huge.xml", site.base + "/world.rss", extra=("--max-bytes", "1MB"))
    err = r.stderr
    assert "broken.xml: failed: HTTP 500 (after 3 tries)" in err, err
    assert "slow.xml: failed: timed out" in err
    assert "huge.xml: failed: more than the 1,000,000-byte limit" in err
    assert "2 new" in err and r.returncode == 3
    assert site.hits["/broken.xml"] == 3                        # retried, then given up


def test_state_survives_a_restart_and_a_corrupt_state_file_is_started_afresh(tmp_path, cli,
                                                                            site):
    db = tmp_path / "w.duckdb"
    _watch(cli, db, site.base + "/world.rss")
    (tmp_path / "w.duckdb.watch.json").write_text("{not json")
    r = _watch(cli, db, site.base + "/world.rss")
    assert "already stored" in r.stderr and r.returncode == 3   # items known from the store


def _gdelt_zip(name):
    raw = (DATA / "gdelt2.export.CSV").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name.removesuffix(".zip"), raw)
    return buf.getvalue()


def test_gdelt_lastupdate_imports_each_new_file_once(tmp_path, cli, site):
    name = "20170412151500.export.CSV.zip"
    body = _gdelt_zip(name)
    site.add("/gdeltv2/" + name, body)
    gkg = b"PK-not-needed"
    site.add("/gdeltv2/lastupdate.txt", (
        f"{len(body)} {hashlib.md5(body).hexdigest()} {site.base}/gdeltv2/{name}\n"
        f"{len(gkg)} {hashlib.md5(gkg).hexdigest()} {site.base}/gdeltv2/x.gkg.csv.zip\n").encode())
    db = tmp_path / "g.duckdb"
    r = _watch(cli, db, site.base + "/gdeltv2/lastupdate.txt")
    assert "1 files, 0 already stored, 1 new" in r.stderr, r.stderr
    n = len(cli("events", "--db", db, "--format", "jsonl").stdout.splitlines())
    assert n > 0
    r = _watch(cli, db, site.base + "/gdeltv2/lastupdate.txt")
    assert "1 already stored, 0 new" in r.stderr, r.stderr
    assert site.hits["/gdeltv2/" + name] == 1
    assert len(cli("events", "--db", db, "--format", "jsonl").stdout.splitlines()) == n


def test_a_gdelt_file_that_does_not_match_its_md5_is_refused(tmp_path, cli, site):
    name = "20170412151500.export.CSV.zip"
    body = _gdelt_zip(name)
    site.add("/gdeltv2/" + name, body)
    site.add("/gdeltv2/lastupdate.txt",
             f"{len(body)} {'0' * 32} {site.base}/gdeltv2/{name}\n".encode())
    r = _watch(cli, tmp_path / "g.duckdb", site.base + "/gdeltv2/lastupdate.txt")
    assert "do not match the size or MD5" in r.stderr and r.returncode == 3


def test_watch_usage_errors(tmp_path, cli):
    assert cli("watch", "--once", "--db", tmp_path / "x.duckdb").returncode == 2
    r = cli("watch", "http://127.0.0.1:9/x.rss", "--interval", "soon", "--db",
            tmp_path / "x.duckdb")
    assert r.returncode == 2 and "bad interval" in r.stderr
    r = cli("watch", "file:///etc/passwd", "--once", "--db", tmp_path / "x.duckdb")
    assert "not an http(s) URL" in r.stderr and r.returncode == 3
