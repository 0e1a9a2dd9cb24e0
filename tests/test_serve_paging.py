"""The workbench's events pages by keyset (the next-page link carries the last row's sort key,
no OFFSET), and the toggle of the mentions of earlier events on every page that shows an
analysis or a list of events: through the ASGI test client on small stores."""
import json
import warnings
from urllib.parse import parse_qs, urlsplit

import pytest

from eventdesk.dates import parse_date
from eventdesk.model import Document
from eventdesk.store import open_store

starlette = pytest.importorskip("starlette")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from eventdesk.serve import create_app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

#: one strike reported once and mentioned twice, and a meeting
DOCS = [
    ("strike", "2017-04-07", "The United States launched a missile strike on Syria on Thursday."),
    ("condemn", "2017-04-10", "Iran condemned the U.S. missile strike on Syria."),
    ("since", "2017-04-20", "Russia has increased its military presence in the region since "
                            "the U.S. missile strike on Syria on April 6."),
    ("meet", "2017-04-12", "U.S. Secretary of State Rex Tillerson met Russian Foreign Minister "
                           "Sergei Lavrov in Moscow."),
    ("talks", "2017-05-02", "China welcomed the talks with the United States."),
]


@pytest.fixture(scope="module")
def strike(coder, tmp_path_factory):
    db = tmp_path_factory.mktemp("strike") / "s.duckdb"
    with open_store(db) as store:
        store.ingest([Document(id=i, text=t, date=parse_date(d)[0]) for i, d, t in DOCS[:1]],
                     coder)
        store.ingest([Document(id=i, text=t, date=parse_date(d)[0]) for i, d, t in DOCS[1:]],
                     coder)
    with TestClient(create_app(db)) as c:
        yield c


@pytest.fixture(scope="module")
def demo(demo_store):
    with TestClient(create_app(demo_store)) as c:
        yield c


def api(client, url):
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:300])
    return r.json()


def walk(client, url):
    """Every row of an events listing, following its next links from the first page."""
    rows, seen = [], 0
    while url:
        page = api(client, url)
        rows += page["rows"]
        url = page["next"]
        seen += 1
        assert seen < 200
    return rows


@pytest.mark.parametrize("sort", ["date", "-date", "goldstein", "-goldstein", "actor",
                                  "-recipient", "cameo", "status", "-reports"])
def test_keyset_pages_give_every_event_once_in_the_order_of_one_page(demo, sort):
    # the pages counted from the first (OFFSET), against the keyset walk
    first = api(demo, f"/api/events?sort={sort}&per=200&status=all")
    whole = [r for k in range(1, first["pages"] + 1)
             for r in api(demo, f"/api/events?sort={sort}&per=200&status=all&page={k}")["rows"]]
    paged = walk(demo, f"/api/events?sort={sort}&per=40&status=all")
    assert [r["event_id"] for r in paged] == [r["event_id"] for r in whole]
    assert len(paged) == first["total"] == len({r["event_id"] for r in paged})


def test_the_next_link_carries_the_last_sort_key_and_previous_goes_back(demo):
    first = api(demo, "/api/events?sort=-goldstein&per=4&actor=USA")
    last = first["rows"][-1]
    nxt = parse_qs(urlsplit(first["next"]).query)
    assert json.loads(nxt["after"][0]) == [last["goldstein"], last["date"], last["event_id"]]
    assert nxt["page"] == ["2"] and "offset" not in first["next"]
    second = api(demo, first["next"])
    third = api(demo, second["next"])
    back = api(demo, third["prev"])
    assert [r["event_id"] for r in back["rows"]] == [r["event_id"] for r in second["rows"]]
    assert back["page"] == 2
    # the page links of the HTML page are the same keyset links
    page = demo.get("/events?sort=-goldstein&per=4&actor=USA")
    assert page.status_code == 200 and 'rel="next"' in page.text and "after=" in page.text
    page3 = demo.get(second["next"].removeprefix("/api"))
    assert 'rel="prev"' in page3.text and "before=" in page3.text


def test_keyset_pages_keep_the_filters(demo):
    every = api(demo, "/api/events?per=200&dyad=RUS,USA")["rows"]
    paged = walk(demo, "/api/events?per=2&dyad=RUS,USA")
    assert [r["event_id"] for r in paged] == [r["event_id"] for r in every]
    assert all({r["actor_country"], r["recipient_country"]} == {"RUS", "USA"} for r in paged)


@pytest.mark.parametrize("url", [
    "/api/events?after=notjson", "/events?after=%5B1%2C2%5D", "/api/events?after=%7B%7D",
    '/api/events?sort=goldstein&after=["x",null,"e"]',
    '/api/events?sort=date&after=["2017-13-01",null,"e"]',
    '/api/events?after=[null,"2017-01-01","a"]&before=[null,"2017-01-01","a"]',
    "/api/events?include_mentions=maybe", "/dyad/USA/SYR?include_mentions=2",
    "/api/signals?include_mentions=yes please", "/map?include_mentions=x",
    "/?include_mentions=x"])
def test_bad_cursors_and_toggles_are_a_400(demo, url):
    r = demo.get(url)
    assert r.status_code == 400, (url, r.status_code)
    assert ("cursor" in r.text or "include_mentions" in r.text or "after or before" in r.text)


def test_mentions_are_left_out_unless_asked_for(strike):
    plain = api(strike, "/api/events?actor=USA&cameo=19&status=all")
    every = api(strike, "/api/events?actor=USA&cameo=19&status=all&include_mentions=1")
    assert plain["total"] == 1 and every["total"] > plain["total"]
    assert plain["include_mentions"] is False and every["include_mentions"] is True
    # the dyad series counts the strike once by default
    d0 = api(strike, "/api/dyad/USA/SYR?by=year&directed=1")
    d1 = api(strike, "/api/dyad/USA/SYR?by=year&directed=1&include_mentions=1")
    assert sum(r["n"] for r in d0["rows"]) == 1
    assert sum(r["n"] for r in d1["rows"]) >= 1 and d1["include_mentions"] is True
    # a chart point's events carry the toggle, so they are the events it counts
    assert all("include_mentions=1" in r["events_url"] for r in d1["rows"])
    assert not any("include_mentions" in r["events_url"] for r in d0["rows"])
    o0 = api(strike, "/api/overview")
    o1 = api(strike, "/api/overview?include_mentions=true")
    n = lambda o: sum(r["cooperation"] + r["conflict"] for r in o["rows"])  # noqa: E731
    # (the undated mentions are in no month: the timeline may not change)
    assert n(o1) >= n(o0) and o1["include_mentions"] and not o0["include_mentions"]
    m0 = api(strike, "/api/map?actor=USA&status=all")
    m1 = api(strike, "/api/map?actor=USA&status=all&include_mentions=1")
    assert sum(r["n"] for r in m1["rows"]) >= sum(r["n"] for r in m0["rows"])


@pytest.mark.parametrize("url", ["/", "/events", "/map", "/dyad/USA/SYR",
                                 "/triangle/USA/SYR/RUS", "/signals?watch=USA",
                                 "/brief?focus=USA&with=SYR"])
def test_every_analysis_and_list_page_has_the_mentions_control(strike, url):
    off = strike.get(url)
    assert off.status_code == 200, off.text[:300]
    assert 'name="include_mentions"' in off.text and "include mentions" in off.text
    assert 'name="include_mentions" value="1" checked' not in off.text
    on = strike.get(url + ("&" if "?" in url else "?") + "include_mentions=1")
    assert on.status_code == 200, on.text[:300]
    assert 'name="include_mentions" value="1" checked' in on.text
