"""The browser workbench (``eventdesk serve``): pages and API through Starlette's test client
on the demo store, the security cases, a writer in a second process, and a real Chromium
driven by Playwright against Uvicorn on 127.0.0.1."""
import csv
import html
import json
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, run_cli

starlette = pytest.importorskip("starlette")
with warnings.catch_warnings():     # starlette 1.x asks for httpx2, which is not needed here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from eventdesk.errors import UsageError  # noqa: E402
from eventdesk.serve import create_app  # noqa: E402
from eventdesk.store import open_store  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SCRIPT_DOC = ("Moscow talks\n\nRussian Foreign Minister Sergei Lavrov met the "
              "<script>alert(\"x\")</script> envoy of China in Moscow on Wednesday.\n")
TOKEN = "a-long-secret-token-0123456789"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """The demo corpus and one document whose sentence carries a <script> tag, ingested once
    by the real command."""
    d = tmp_path_factory.mktemp("serve")
    (d / "script.txt").write_text(SCRIPT_DOC, encoding="utf-8")
    db = d / "demo.duckdb"
    r = run_cli("ingest", CORPUS, "--db", db, "-q")
    assert r.returncode == 0, r.stderr
    r = run_cli("ingest", d / "script.txt", "--db", db, "--date", "2017-05-10", "-q")
    assert r.returncode == 0, r.stderr
    return db


@pytest.fixture(scope="session")
def client(demo_db):
    with TestClient(create_app(demo_db)) as c:
        yield c


def get_json(client, url):
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def scripts_are_the_apps_own(html):
    """Every <script> has a src on this app and no body; no inline handlers."""
    tags = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I)
    for attrs, body in tags:
        src = re.search(r'src="([^"]+)"', attrs)
        assert src and src.group(1).startswith("/static/"), attrs
        assert not body.strip()
    assert not re.search(r"\son[a-z]+\s*=", html, re.I)
    assert "javascript:" not in html.lower()


# -- pages ------------------------------------------------------------------------------------
def test_overview_shows_counts_dyads_and_timeline(client, demo_db):
    r = client.get("/")
    assert r.status_code == 200
    with open_store(demo_db, read_only=True) as s:
        counts = s.counts()
    html = r.text
    assert f"<b>{counts['documents']}</b> documents" in html
    assert "Busiest dyads" in html and "Fastest-moving dyads" in html
    assert 'href="/dyad/CHN/USA?by=month"' in html or 'href="/dyad/RUS/USA?by=month"' in html
    assert 'data-chart="/api/overview"' in html
    scripts_are_the_apps_own(html)
    api = get_json(client, "/api/overview")
    assert api["counts"] == counts
    assert api["busiest"][0]["n"] >= api["busiest"][-1]["n"]
    months = {row["period"][:7] for row in api["rows"]}
    assert "2017-04" in months
    bars = api["chart"]["traces"]
    assert [t["name"] for t in bars] == ["cooperation", "conflict"]
    assert all(u.startswith("/events?") for u in bars[0]["customdata"])


def test_dyad_page_series_and_its_events_agree(client):
    r = client.get("/dyad/RUS/USA?by=month")
    assert r.status_code == 200
    assert "RUS – USA" in r.text and "baseline band" in r.text
    api = get_json(client, "/api/dyad/RUS/USA?by=month")
    busy = max(api["rows"], key=lambda row: row["n"])
    # the link behind a point lists exactly the events the point counts
    listed = get_json(client, "/api" + busy["events_url"])
    assert listed["total"] == busy["n"] > 0
    for row in listed["rows"]:
        assert {row["actor_country"], row["recipient_country"]} == {"RUS", "USA"}
        assert busy["period"] <= row["date"] <= busy["period_end"]
    point = api["chart"]["traces"][2]
    assert point["name"] == "mean Goldstein" and busy["events_url"] in point["customdata"]
    assert "Goldstein" in point["hovertext"][0]


def test_dyad_directed_and_period_parameters(client):
    both = get_json(client, "/api/dyad/RUS/USA?by=quarter")
    one = get_json(client, "/api/dyad/RUS/USA?by=quarter&directed=1")
    assert sum(r["n"] for r in one["rows"]) < sum(r["n"] for r in both["rows"])
    assert all(r["period"][5:7] in ("01", "04", "07", "10") for r in both["rows"])
    since = get_json(client, "/api/dyad/RUS/USA?since=2017-04-01")
    assert min(r["period"] for r in since["rows"]) >= "2017-04-01"


def test_triangle_page_shows_configuration_pivot_and_leverage(client):
    r = client.get("/triangle/RUS/USA/CHN?by=month")
    assert r.status_code == 200
    assert "configuration" in r.text and "leverage RUS" in r.text and "pivot" in r.text
    api = get_json(client, "/api/triangle/RUS/USA/CHN?by=quarter")
    assert api["players"] == ["RUS", "USA", "CHN"]
    last = api["rows"][-1]
    assert {"S RUS-USA", "lo RUS-USA", "hi RUS-USA", "configuration", "pivot",
            "leverage CHN", "leverage lo CHN", "leverage hi CHN"} <= set(last)
    assert len([t for t in api["chart"]["traces"] if t.get("name", "").startswith("S ")]) == 3


def test_triangle_shows_each_players_leverage_with_its_interval(client):
    api = get_json(client, "/api/triangle/RUS/USA/CHN?by=quarter")
    assert [x["player"] for x in api["leverage"]] == ["RUS", "USA", "CHN"]
    known = [x for x in api["leverage"] if x["leverage"] is not None]
    assert known, "the demo corpus gives the triangle's last quarter scores"
    for x in known:
        assert x["lo"] <= x["leverage"] <= x["hi"] and x["lo"] < x["hi"]
        assert x["reading"]
    html = client.get("/triangle/RUS/USA/CHN?by=quarter").text
    table = html[html.index('id="leverage"'):]
    table = table[:table.index("</table>")]
    for x in known:
        assert f"{x['lo']:+.1f} to {x['hi']:+.1f}" in table.replace("−", "-")


def test_signals_rank_with_reasons_and_open_their_evidence(client):
    r = client.get("/signals?watch=USA,RUS,CHN")
    assert r.status_code == 200
    api = get_json(client, "/api/signals?watch=USA,RUS,CHN")
    assert api["rows"], "the demo corpus has signals"
    ranks = [s["rank"] for s in api["rows"]]
    assert ranks == list(range(1, len(ranks) + 1))
    first = api["rows"][0]
    assert first["reason"] in r.text.replace("&#39;", "'").replace("&amp;", "&")
    evidence = first["evidence"][0]
    assert f'href="/event/{evidence["event_id"]}"' in r.text
    assert client.get(f"/event/{evidence['event_id']}").status_code == 200


def test_events_filters(client):
    def rows(query):
        return get_json(client, "/api/events?per=200&" + query)

    every = rows("")
    assert every["total"] > 100 and len(every["rows"]) == min(200, every["total"])
    for row in rows("actor=RUS")["rows"]:
        assert row["actor_country"] == "RUS" or row["actor_code"].startswith("RUS")
    for row in rows("recipient=USA")["rows"]:
        assert row["recipient_country"] == "USA" or row["recipient_code"].startswith("USA")
    pair = rows("dyad=USA,CHN")["rows"]
    assert pair and all({r["actor_country"], r["recipient_country"]} == {"USA", "CHN"}
                        for r in pair)
    talks = rows("cameo=04")
    assert talks["total"] and all(r["cameo"].startswith("04") for r in talks["rows"])
    assert rows("root=04")["total"] == talks["total"]
    neg = rows("status=negated")["rows"]
    assert neg and all(r["status"] == "negated" for r in neg)
    spring = rows("since=2017-04-01&until=2017-04-30")["rows"]
    assert spring and all("2017-04-01" <= r["date"] <= "2017-04-30" for r in spring)
    many = rows("min_reports=2")["rows"]
    assert all(r["n_reports"] >= 2 for r in many)
    assert rows("reports=1")["total"] >= every["total"]


@pytest.fixture(scope="module")
def confident(demo_db, tmp_path_factory):
    """A copy of the demo store whose coded events carry a confidence (the coder sets none
    yet): every other event 0.9, the rest 0.3, written to the store's own column."""
    db = tmp_path_factory.mktemp("confidence") / "c.duckdb"
    shutil.copy(demo_db, db)
    with open_store(db) as s:
        s.con.execute("UPDATE event_rows SET confidence = CASE WHEN hash(event_id) % 2 = 0 "
                      "THEN 0.9 ELSE 0.3 END")
    with TestClient(create_app(db)) as c:
        yield c


def test_events_filter_by_the_coders_confidence(confident):
    every = get_json(confident, "/api/events?per=200&reports=1")
    sure = get_json(confident, "/api/events?per=200&reports=1&min_confidence=0.5")
    assert 0 < sure["total"] < every["total"]
    assert sure["rows"] and all(r["confidence"] == 0.9 for r in sure["rows"])
    assert {r["confidence"] for r in every["rows"]} == {0.3, 0.9}
    assert get_json(confident, "/api/events?reports=1&min_confidence=0.95")["total"] == 0
    assert get_json(confident, "/api/events?reports=1&min_confidence=0")["total"] == \
        every["total"]
    # corroborated events by their representative report's confidence
    grouped = get_json(confident, "/api/events?per=200&min_confidence=0.5")
    assert 0 < grouped["total"] and all(r["confidence"] == 0.9 for r in grouped["rows"])
    page = confident.get("/events?min_confidence=0.5")
    assert page.status_code == 200 and 'name="min_confidence"' in page.text
    assert 'value="0.5"' in page.text and "0.90" in page.text


def test_events_are_sorted_and_paged_by_the_server(client):
    desc = get_json(client, "/api/events?sort=-goldstein&per=20")
    g = [r["goldstein"] for r in desc["rows"]]
    assert g == sorted(g, reverse=True)
    p1 = get_json(client, "/api/events?sort=date&per=5&page=1")
    p2 = get_json(client, "/api/events?sort=date&per=5&page=2")
    assert len(p1["rows"]) == len(p2["rows"]) == 5
    assert not {r["event_id"] for r in p1["rows"]} & {r["event_id"] for r in p2["rows"]}
    assert p1["rows"][-1]["date"] <= p2["rows"][0]["date"]
    page = client.get("/events?actor=RUS&per=5&page=2")
    assert page.status_code == 200
    assert 'rel="next"' in page.text and 'rel="prev"' in page.text
    assert "actor=RUS" in re.search(r'rel="next" href="([^"]+)"', page.text).group(1)


def test_events_csv_download(client):
    r = client.get("/api/events?actor=RUS&per=10&format=csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert len(table) == 10 and "sentence" in table[0]
    assert 'filename="events.csv"' in r.headers["content-disposition"]
    assert client.get("/api/dyad/RUS/USA?format=csv").text.startswith("period,")


def test_event_page_marks_the_sentence_and_shows_rule_document_reports(client):
    first = get_json(client, "/api/events?dyad=RUS,USA&per=1")["rows"][0]
    r = client.get(f"/event/{first['event_id']}")
    assert r.status_code == 200
    html = r.text
    assert '<mark class="actor"' in html and '<mark class="action"' in html
    assert "rule" in html and "CAMEO" in html
    assert "Reported in" in html and "Corroboration" in html
    api = get_json(client, f"/api/event/{first['event_id']}")
    marked = "".join(s["text"] for s in api["segments"])
    assert marked == api["event"]["text"]
    assert {s["role"] for s in api["segments"]} >= {"actor", "action"}
    assert api["document"]["doc_id"] == api["event"]["doc_id"]
    # a unique prefix of the id finds the event too
    assert client.get(f"/event/{first['event_id'][:10]}").status_code == 200


def test_map_draws_the_filtered_places(client):
    r = client.get("/map")
    assert r.status_code == 200
    assert r.text.count('<path class="land"') > 150
    assert "<circle" in r.text and "Natural Earth" in r.text
    every = get_json(client, "/api/map")["rows"]
    russia = get_json(client, "/api/map?actor=RUS")["rows"]
    assert any(p["name"] == "Moscow" for p in every)
    assert 0 < len(russia) < len(every)
    link = re.search(r'<a href="(/events\?[^"]*place=Moscow[^"]*)"', r.text).group(1)
    moscow = get_json(client, "/api" + link.replace("&amp;", "&"))
    assert moscow["total"] > 0
    assert client.get("/static/countries.geojson").status_code == 200


def test_brief_page(client):
    empty = client.get("/brief")
    assert empty.status_code == 200 and "Name a focus state" in empty.text
    r = client.get("/brief?focus=RUS&with=USA,CHN")
    assert r.status_code == 200
    assert "<h1>Brief:" in r.text and "Sources" in r.text
    assert 'class="brief"' in r.text
    scripts_are_the_apps_own(r.text)
    # the charts: Plotly figures as JSON for the app's script (none inline), a PNG without it
    figures = re.findall(r'<div class="chart" id="chart-\d+" data-figure="([^"]*)">', r.text)
    assert figures, "the brief has charts"
    for raw in figures:
        fig = json.loads(html.unescape(raw))
        assert fig["data"] and all(t["type"] == "scatter" and t["x"] for t in fig["data"])
        assert fig["layout"]["title"]["text"]
    assert r.text.count("data:image/png;base64,") >= len(figures)
    assert '<script src="/static/plotly.min.js">' in r.text


def test_assets_are_served_by_the_app(client):
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert len(js.content) > 1_000_000
    css = client.get("/static/plotly.css")
    assert ".js-plotly-plot .plotly .main-svg" in css.text
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/nothing.js").status_code == 404


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize("url, words", [
    ("/dyad/XYZ/USA", "unknown actor code"),
    ("/dyad/R%3Cb%3E/USA", "an actor code is"),
    ("/dyad/RUS/USA?by=decade", "choose one of"),
    ("/dyad/RUS/RUS", "two different actors"),
    ("/triangle/RUS/RUS/CHN", "three different actors"),
    ("/events?since=2017-13-01", "expected a date"),
    ("/events?since=2017-06-01&until=2017-05-01", "empty period"),
    ("/events?cameo=999", "not a CAMEO code"),
    ("/events?cameo=19%3B%20DROP%20TABLE%20events", "not a CAMEO code"),
    ("/events?sort=event_id%3B", "choose one of"),
    ("/events?per=100000", "from 1 to 200"),
    ("/events?page=abc", "whole number"),
    ("/events?status=maybe", "choose from"),
    ("/events?dyad=RUS", "two different actor codes"),
    ("/events?min_confidence=high", "expected a number"),
    ("/events?min_confidence=1.5", "from 0 to 1"),
    ("/events?min_confidence=nan", "from 0 to 1"),
    ("/map?min_confidence=-0.1", "from 0 to 1"),
    ("/signals?watch=USA,R%27S", "an actor code is"),
    ("/brief?focus=RUS", "at least one partner"),
    ("/event/abc%3Cdef", "letters, digits"),
])
def test_bad_parameters_are_a_400_with_a_message(client, url, words):
    r = client.get(url)
    assert r.status_code == 400, r.text[:300]
    assert words in r.text
    assert "<script" not in r.text.split("</main>")[0]
    api = client.get("/api" + url)
    assert api.status_code == 400 and words in api.json()["error"]


def test_unknown_event_is_a_404_and_unknown_format_a_400(client):
    assert client.get("/event/ffffffffffffffff").status_code == 404
    assert client.get("/api/event/ffffffffffffffff").status_code == 404
    assert client.get("/api/events?format=xml").status_code == 400
    assert client.get("/api/brief?format=csv").status_code == 400


# -- escaping, headers, tokens, writes --------------------------------------------------------
def test_a_script_tag_in_an_event_shows_as_text(client):
    hits = get_json(client, "/api/events?actor=RUS&recipient=CHN&since=2017-05-10"
                            "&until=2017-05-10&per=200")["rows"]
    row = next(r for r in hits if "<script>" in (r["sentence"] or ""))
    for url in (f"/event/{row['event_id']}", f"/events?doc={row['doc_id']}&reports=1",
                "/events?actor=RUS&recipient=CHN&since=2017-05-10&until=2017-05-10"):
        html = client.get(url).text
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, url
        scripts_are_the_apps_own(html)


def test_every_response_carries_the_content_security_policy(client):
    for url in ("/", "/events", "/api/events", "/events?cameo=999", "/event/ffffffffffffffff",
                "/static/app.js", "/nowhere"):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        policy = dict(p.strip().split(" ", 1) for p in csp.split(";"))
        assert policy["script-src"] == "'self'", url
        assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
        assert r.headers["x-content-type-options"] == "nosniff"


def test_token_as_bearer_header_or_cookie(demo_db):
    with TestClient(create_app(demo_db, token=TOKEN)) as c:
        assert c.get("/").status_code == 401
        assert c.get("/api/events").status_code == 401
        assert c.get("/static/app.js").status_code == 401
        assert c.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = c.get("/api/events", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and ok.json()["total"] > 0
        assert c.get("/?token=wrong", follow_redirects=False).status_code == 401
        r = c.get(f"/events?actor=RUS&token={TOKEN}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/events?actor=RUS"
        assert "httponly" in r.headers["set-cookie"].lower()
        assert c.get("/events?actor=RUS").status_code == 200      # the cookie now
        c.cookies.clear()
        assert c.get("/events").status_code == 401


def test_a_host_beyond_loopback_needs_a_token(demo_db):
    r = run_cli("serve", "--db", demo_db, "--host", "0.0.0.0")
    assert r.returncode == 2 and "--token" in r.stderr and r.stderr.count("\n") == 1
    r = run_cli("serve", "--db", demo_db, "--host", "0.0.0.0", "--token", "short")
    assert r.returncode == 2 and "16 characters" in r.stderr
    r = run_cli("serve", "--db", demo_db.parent / "none.duckdb")
    assert r.returncode == 2 and "no such store" in r.stderr


def test_nothing_writes_without_allow_ingest(client, demo_db):
    before = demo_db.stat().st_mtime_ns
    assert client.post("/api/ingest", content=SCRIPT_DOC).status_code == 403
    assert client.post("/events").status_code == 405
    assert demo_db.stat().st_mtime_ns == before
    with pytest.raises(UsageError, match="needs --token"):
        create_app(demo_db, allow_ingest=True)


def test_allow_ingest_writes_only_with_the_token(demo_db, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    with TestClient(create_app(db, token=TOKEN, allow_ingest=True)) as c:
        before = c.get("/api/overview", headers={"Authorization": f"Bearer {TOKEN}"}).json()
        assert c.post("/api/ingest", content="text").status_code == 401
        r = c.post("/api/ingest?date=2017-06-02", headers={"Authorization": f"Bearer {TOKEN}"},
                   content="Talks\n\nChina's President Xi Jinping met Russian President "
                           "Vladimir Putin in Astana on Friday.\n")
        assert r.status_code == 200, r.text
        after = c.get("/api/overview", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert after["counts"]["documents"] == before["counts"]["documents"] + 1


# -- a writer in another process --------------------------------------------------------------
def test_readers_and_a_writing_ingest_in_another_process_coexist(demo_db, tmp_path):
    """While `eventdesk ingest` writes in a second process, every request answers 200 or, when
    the writer holds the store longer than the request waits, 503 with Retry-After; never an
    error. The writer, given $EVENTDESK_LOCK_WAIT, waits out the requests in flight. Once it
    is done the pages show its documents."""
    db = tmp_path / "live.duckdb"
    shutil.copy(demo_db, db)
    news = tmp_path / "news"
    news.mkdir()
    for k in range(3):
        (news / f"n{k}.txt").write_text(
            f"Talks {k}\n\nRussian Foreign Minister Sergei Lavrov met Chinese Foreign Minister "
            f"Wang Yi in Beijing on {['Monday', 'Tuesday', 'Thursday'][k]}.\n", encoding="utf-8")
    app = create_app(db, lock_wait=0.5)
    with TestClient(app) as c:       # answers are kept while the store is unchanged
        before = c.get("/api/overview").json()["counts"]["documents"]
    statuses: list[int] = []
    stop = threading.Event()

    def browse():
        with TestClient(app) as c:
            while not stop.is_set():
                r = c.get("/api/events?per=5")
                statuses.append(r.status_code)
                if r.status_code == 503:
                    assert r.headers["retry-after"] == "5"

    reader = threading.Thread(target=browse)
    reader.start()
    try:
        time.sleep(0.5)
        env = {**os.environ, "EVENTDESK_LOCK_WAIT": "60"}
        w = subprocess.run([sys.executable, "-m", "eventdesk", "ingest", str(news), "--db",
                            str(db), "--date", "2017-06-05", "-q"], capture_output=True,
                           text=True, env=env, timeout=600)
        time.sleep(0.3)
    finally:
        stop.set()
        reader.join()
    assert w.returncode == 0, w.stderr
    assert statuses and set(statuses) <= {200, 503}, sorted(set(statuses))
    assert statuses.count(200) > 0
    with TestClient(app) as c:
        docs = c.get("/api/overview").json()["counts"]["documents"]
    assert docs == before + 3


# -- a real browser ---------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(demo_db):
    port = free_port()
    p = subprocess.Popen([sys.executable, "-m", "eventdesk", "serve", "--db", str(demo_db),
                          "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert p.poll() is None, p.stderr.read()
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        p.terminate()
        p.wait(timeout=30)


@pytest.mark.skipif(not Path(CHROMIUM).exists(),
                    reason="Debian's chromium is not installed (.ci/run installs it with apt)")
def test_a_browser_goes_from_the_overview_to_the_sentence_behind_a_point(server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    shot = ROOT / "tests" / "output" / "serve-event.png"
    shot.parent.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server + "/")
            page.wait_for_selector("#timeline[data-drawn]", timeout=30_000)
            # open a dyad from the busiest ones
            page.click("a.dyad >> nth=0")
            page.wait_for_url(re.compile(r"/dyad/[A-Z]+/[A-Z]+"))
            page.wait_for_selector("#series[data-drawn]", timeout=30_000)
            # click the point of the busiest period: Plotly draws each as an SVG path
            api = page.evaluate("fetch(document.querySelector('#series').dataset.chart)"
                                ".then(r => r.json())")
            counts = [r["n"] for r in api["rows"]]
            k = counts.index(max(counts))
            # Plotly draws no point for a period with no mean (no events): count the drawn ones
            drawn = sum(1 for r in api["rows"][:k] if r["mean_goldstein"] is not None)
            point = page.locator("#series .scatterlayer .trace").nth(2) \
                .locator("path.point").nth(drawn)
            # Plotly listens on the plot's drag layer above the points: move and click there
            box = point.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.wait_for_selector("#series .hovertext", timeout=10_000)
            hover = page.eval_on_selector("#series .hovertext", "e => e.textContent")
            assert "Goldstein" in hover and f"{max(counts)} events" in hover
            page.mouse.click(x, y)
            page.wait_for_url(re.compile(r"/events\?"), timeout=15_000)
            assert page.locator("table.events tbody tr").count() == max(counts)
            page.click("a.event-link >> nth=0")
            page.wait_for_url(re.compile(r"/event/[0-9a-f]+"))
            marked = page.locator("#sentence mark.action")
            assert marked.count() >= 1 and marked.first.is_visible()
            assert page.locator("#sentence mark.actor").count() >= 1
            page.screenshot(path=str(shot), full_page=False)
            assert not errors, errors
        finally:
            browser.close()
    # not blank: many distinct colours, the marks' among them
    from PIL import Image

    img = Image.open(shot).convert("RGB")
    colours = img.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50
    assert any(c == (0xff, 0xe0, 0xa8) for _, c in colours)     # the action's mark


@pytest.mark.skipif(not Path(CHROMIUM).exists(),
                    reason="Debian's chromium is not installed (.ci/run installs it with apt)")
def test_a_browser_draws_the_briefs_and_the_triangles_charts(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    from PIL import Image

    out = ROOT / "tests" / "output"
    out.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1400})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            # console errors too, but for plotly.js adding its own <style> element, which the
            # CSP refuses: its rules are served as /static/plotly.css instead
            page.on("console", lambda m: errors.append(page.url + ": " + m.text)
                    if m.type == "error" and "inline style" not in m.text else None)
            page.goto(server + "/brief?focus=RUS&with=USA,CHN")
            n = page.locator("[data-figure]").count()
            assert n >= 1
            page.wait_for_function(f"document.querySelectorAll('[data-figure][data-drawn]')"
                                   f".length === {n}", timeout=30_000)
            # each drawn as Plotly SVG with its lines
            assert page.locator("[data-figure] svg.main-svg").count() >= n
            assert page.locator("[data-figure] .scatterlayer .trace").count() >= n
            page.locator("[data-figure] >> nth=0").scroll_into_view_if_needed()
            page.screenshot(path=str(out / "serve-brief.png"), full_page=False)
            page.goto(server + "/triangle/RUS/USA/CHN?by=quarter")
            page.wait_for_selector("#edges[data-drawn]", timeout=30_000)
            assert page.locator("#leverage tbody tr").count() == 3
            page.screenshot(path=str(out / "serve-triangle.png"), full_page=True)
            assert not errors, errors
        finally:
            browser.close()
    for name in ("serve-brief.png", "serve-triangle.png"):
        colours = Image.open(out / name).convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 50, name


def test_a_cached_result_is_rendered_for_each_url_it_answers(client):
    """Two URLs that share one computed result (``format`` does not change a page's figures)
    each get links built from their own query, and a page asked again is the same page."""
    first = client.get("/events?actor=RUS").text
    assert client.get("/events?actor=RUS").text == first
    assert 'href="/map?actor=RUS"' in first
    other = client.get("/events?actor=RUS&format=html").text
    assert 'href="/map?actor=RUS&amp;format=html"' in other
    assert client.get("/events?actor=RUS").text == first


def test_every_report_of_a_corroborated_event_shows_the_same_reports(client):
    """The group behind an event is read (and its big table of reports rendered) once and
    shared by the pages of its reports: each report's page lists every report of its group,
    first seen first, as the API gives them, and its own event."""
    row = get_json(client, "/api/events?min_reports=2&per=1")["rows"][0]
    first = get_json(client, f"/api/event/{row['event_id']}")["group"]
    ids = [r["event_id"] for r in first["reports"]]
    assert len(ids) >= 2
    for eid in ids:
        api = get_json(client, f"/api/event/{eid}")
        assert api["event"]["id"] == eid
        assert [r["event_id"] for r in api["group"]["reports"]] == ids
        page = client.get(f"/event/{eid}").text
        table = page[page.index("<h2>Corroboration</h2>"):]
        assert [m for m in re.findall(r'href="/event/([^"]+)"', table)] == ids


def test_a_big_groups_report_rows_are_escaped_and_complete():
    from eventdesk.serve.render import report_rows

    reports = [{"event_id": f"ev{k:04d}", "event_date": "2024-01-02", "cameo": "042",
                "dataset": "eventdesk", "origin_id": None, "doc_id": f"d{k}", "source": None,
                "published": None, "sentence": f"<b>{k}</b> met"} for k in range(150)]
    rows = str(report_rows(reports))
    assert rows == str(report_rows(reports)) == str(report_rows(list(reports)))
    assert rows.count("<tr>") == 150 and "<b>" not in rows and "&lt;b&gt;149&lt;/b&gt;" in rows
