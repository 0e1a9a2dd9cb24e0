"""The analysis commands end to end: sentences coded by the real coder into a real store, then
the real ``eventdesk`` command in a subprocess."""
import base64
import json
import re

import duckdb
import pytest

from conftest import run_cli

DOCS = [
    ("d1", "2017-03-10", "Moscow rebukes Washington",
     "Russia condemned the United States over the new sanctions. Vladimir Putin praised Xi "
     "Jinping. China criticized the United States."),
    ("d2", "2017-04-12", "Talks in Moscow",
     "Rex Tillerson met Sergei Lavrov in Moscow. Xi Jinping praised Donald Trump. Russia and "
     "China signed a trade agreement."),
    ("d3", "2017-05-15", "A ferry line",
     "North Korea opened a ferry line to Russia. Donald Trump praised Vladimir Putin. The "
     "United States imposed sanctions on Russia."),
]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, coder):
    import eventdesk

    folder = tmp_path_factory.mktemp("analysis")
    src = folder / "docs.jsonl"
    src.write_text("\n".join(json.dumps({"id": i, "date": d, "title": t, "text": x})
                             for i, d, t, x in DOCS) + "\n", encoding="utf-8")
    path = folder / "store.duckdb"
    with eventdesk.open_store(path) as store:
        store.ingest(eventdesk.read_documents([str(src)]), coder=coder)
    return path


def _prose(page):
    """The page without its scripts and tags: what a reader sees."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", " ", page, flags=re.S))


def test_brief_html_cites_the_sentences_and_embeds_charts(store_path, tmp_path):
    out = tmp_path / "brief.html"
    r = run_cli("brief", "--db", store_path, "--focus", "RUS", "--with", "USA,CHN", "-o", out)
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert "<h2>Russia (RUS) and United States (USA)</h2>" in page
    assert "The triangle RUS, USA, CHN" in page
    assert "Russia condemned the United States over the new sanctions." in page
    assert "The United States imposed sanctions on Russia." in page
    assert "Moscow rebukes Washington" in page                 # the document's title
    prose = _prose(page)
    assert "Store:" in prose and "Made:" in prose and "compared by month" in prose
    assert not re.search(r"\bnan\b", prose, re.I)
    # interactive charts with Plotly's own JavaScript inside the page: nothing from the network
    assert page.count("Plotly.newPlot") >= 2 and "<script src=" not in page
    charts = re.findall(r'src="data:image/png;base64,([^"]+)"', page)      # the fallback
    assert charts and base64.b64decode(charts[0])[:4] == b"\x89PNG"
    cited = set(re.findall(r'href="#ref-(\d+)"', page))
    listed = set(re.findall(r'<li id="ref-(\d+)"', page))
    assert cited and cited <= listed


def test_brief_markdown(store_path, tmp_path):
    out = tmp_path / "brief.md"
    r = run_cli("brief", "--db", store_path, "--focus", "RUS", "--with", "USA", "-o", out)
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Brief: Russia (RUS) with United States (USA)")
    assert "## Sources" in text
    assert "Donald Trump praised Vladimir Putin." in text
    assert "![RUS–USA: mean Goldstein by month](data:image/png;base64," in text


def test_brief_verdict_agrees_with_its_last_full_period(tmp_path):
    """The verdict is the last full month against the months before, as the chart shows it:
    a relationship that ends cold is called cooler, and a month the data stops inside is
    left out."""
    import eventdesk
    import eventdesk.analysis as ea
    from eventdesk.analysis.brief import build
    from eventdesk.analysis.synthetic import event, events_table

    rows = []
    for m in range(1, 8):
        g = 3.0 if m < 6 else -6.0                   # warm, then cold from June 2020
        rows += [event(f"2020-{m:02d}-{d:02d}", a, b, g + d / 10) for d in (3, 12, 21)
                 for a, b in (("RUS", "USA"), ("USA", "RUS"))]
    rows.append(event("2020-08-02", "RUS", "USA", 8.0))   # August: the data stops inside it
    con = duckdb.connect()
    events_table(con, "ev", rows)
    b = build(con, "ev", "RUS", ["USA"])
    v = b.to_frame().iloc[0]
    assert str(v.period) == "2020-07-01" and v.verdict == "cooler" and v.hi < 0
    assert "In July 2020 (the last full month) the relationship was cooler" in b.markdown()


def test_signals_and_brief_bind_imported_ids_as_values(tmp_path):
    """Ids and countries from an imported file are data, never SQL: an apostrophe does not
    break the analyses, and an id written to read a local file reads nothing."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n")
    hostile = ("q' || CAST((SELECT content FROM read_text('" + str(secret)
               + "')) AS INTEGER) || '")
    recs = []
    for k, (rid, day) in enumerate([("O'Brien-1", "2017-05-02"), (hostile, "2017-05-09"),
                                    ("ok-3", "2017-03-01"), ("ok-4", "2017-04-01")]):
        early = rid.startswith("ok")               # a consultation before the ferry
        recs.append({"id": rid, "date": day, "event": "CONSULT" if early else "AID",
                     "actor": "RUSGOV",
                     "actor_country": "RUS", "recipient": "PRKGOV", "recipient_country": "PRK",
                     "cameo": "042" if early else "061",
                     "text": f"Russia opened a ferry line {k}.",
                     "source": "Wire A", "url": f"https://wire-a.example/{k}",
                     "publication_date": day})
    src = tmp_path / "hostile.plover.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    db = tmp_path / "h.duckdb"
    r = run_cli("import", src, "--db", db)
    assert r.returncode == 0, r.stderr
    r = run_cli("signals", "--db", db, "--since", "2017-05-01", "--min-score", "0",
                "--format", "json")
    assert r.returncode == 0, r.stderr
    assert "TOP-SECRET" not in r.stdout + r.stderr
    rows = json.loads(r.stdout)["rows"]
    assert rows and "ferry line" in rows[0]["evidence"]
    out = tmp_path / "b.md"
    r = run_cli("brief", "--db", db, "--focus", "RUS", "--with", "PRK", "-o", out)
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert "TOP-SECRET" not in text + r.stderr and "ferry line" in text


def test_dyad_table_json_csv_and_png(store_path, tmp_path):
    r = run_cli("dyad", "RUS", "USA", "--db", store_path)
    assert r.returncode == 0, r.stderr
    assert "RUS–USA by month" in r.stdout and "2017-03-01" in r.stdout
    r = run_cli("dyad", "RUS", "USA", "--db", store_path, "--format", "json")
    rows = json.loads(r.stdout)["rows"]
    assert [x["period"] for x in rows] == ["2017-03-01", "2017-04-01", "2017-05-01"]
    assert rows[0]["mean_goldstein"] < 0
    csv = tmp_path / "d.csv"
    assert run_cli("dyad", "RUS", "USA", "--db", store_path, "-o", csv).returncode == 0
    assert csv.read_text().startswith("period,n,")
    png = tmp_path / "d.png"
    assert run_cli("dyad", "RUS", "USA", "--db", store_path, "-o", png).returncode == 0
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_raw_and_status_flags_change_what_is_read(store_path):
    base = json.loads(run_cli("dyads", "--db", store_path, "--format", "json").stdout)["rows"]
    everything = json.loads(run_cli("dyads", "--db", store_path, "--format", "json", "--raw",
                                    "--status", "all").stdout)["rows"]
    assert sum(x["n"] for x in everything) >= sum(x["n"] for x in base) > 0
    none = run_cli("dyads", "--db", store_path, "--status", "future")
    assert none.returncode == 2 and "no events" in none.stderr


def test_bad_requests_exit_2_with_one_line(store_path, tmp_path):
    r = run_cli("dyad", "RUS", "XYZ", "--db", store_path)
    assert r.returncode == 2 and "XYZ: unknown actor code" in r.stderr
    r = run_cli("triangle", "RUS", "USA", "FRA", "--db", store_path)
    assert r.returncode == 2 and "FRA: a known actor code" in r.stderr
    r = run_cli("dyad", "RUS", "USA", "--db", store_path, "--since", "2018-01-01")
    assert r.returncode == 2 and "no events RUS–USA" in r.stderr
    r = run_cli("reciprocity", "RUS", "USA", "--db", store_path)
    assert r.returncode == 2 and "single event" in r.stderr or "too short" in r.stderr
    r = run_cli("brief", "--db", store_path, "--focus", "RUS", "--with", "USA",
                "-o", tmp_path / "b.pdf")
    assert r.returncode == 2 and ".html or .md" in r.stderr
    r = run_cli("dyad", "RUS", "USA", "--db", tmp_path / "none.duckdb")
    assert r.returncode == 2 and "no such store" in r.stderr


def test_every_analysis_command_has_help_with_an_example(capsys):
    from eventdesk.cli import main

    for cmd in ("dyad", "dyads", "triangle", "balance", "divergence", "reciprocity", "signals",
                "brief"):
        with pytest.raises(SystemExit) as exit_:
            main([cmd, "--help"])
        assert exit_.value.code == 0
        assert f"example:\n  eventdesk {cmd}" in capsys.readouterr().out, cmd


def test_analyses_run_on_a_generated_relation_in_a_store_file(tmp_path):
    """The CLI reads whatever relation the store returns; here a synthetic table stands in for
    a large store (commands run on the same functions)."""
    from eventdesk.analysis.signals import signals as run_signals
    from eventdesk.analysis.triangle import triangle as run_triangle
    from eventdesk.analysis.synthetic import codes, generate

    C = codes(5)

    con = duckdb.connect(str(tmp_path / "g.duckdb"))
    generate(con, "ev", 30_000, countries=5)
    tr = run_triangle(con, "ev", [C[0], C[1], C[2]], reps=100)
    assert len(tr.frame) == 120                                   # ten years of months
    found = run_signals(con, "ev", top=5, min_score=0)
    assert len(found) == 5 and all(s.evidence for s in found)
    con.close()


def test_glossary_page_and_help_name_every_column(capsys):
    from conftest import ROOT
    from eventdesk.analysis.glossary import COLUMNS, markdown
    from eventdesk.cli import main

    assert (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8") == markdown()
    with pytest.raises(SystemExit):
        main(["dyad", "--help"])
    text = capsys.readouterr().out
    for name in ("balance", "net_per_100", "robust_z", "ewma"):
        assert f"  {name}: " in text or f", {name}:" in text
    assert {"leverage P", "role P"} <= set(COLUMNS["triangle"])
