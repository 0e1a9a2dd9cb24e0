"""Reported speech, the primary event of a sentence, and mentions of earlier events: coded by
the coder, linked by the store, left out of the analyses unless asked, exported as IsRootEvent.
The sentences are written for these tests."""
from datetime import date

import pytest

import eventdesk.analysis as ea
from eventdesk import open_store
from eventdesk.evaluate import main_event
from eventdesk.interop.exporter import export
from eventdesk.interop.layouts import GDELT2
from eventdesk.model import Document


def _by_pattern(events, prefix):
    return [e for e in events if e.pattern.startswith(prefix)]


def test_in_x_did_y_officials_said_y_is_primary_and_reported(coder):
    evs = coder.code("Turkish jets struck Kurdish positions in northern Iraq, officials said.",
                     date="2019-05-02")
    prim = [e for e in evs if e.primary]
    assert len(prim) == 1 and prim[0].root == "19"
    assert prim[0].status.value == "reported" and prim[0].source_of_claim
    assert main_event(evs) is prim[0]


def test_a_denied_act_is_the_primary_event_not_the_denial(coder):
    evs = coder.code("Syria has denied that it shelled Turkish border villages.",
                     date="2016-02-15")
    prim = [e for e in evs if e.primary]
    assert len(prim) == 1 and prim[0].root == "19" and prim[0].status.value == "negated"


def test_each_sentence_marks_at_most_one_primary_event_and_never_a_mention(coder):
    text = ("Iran condemned the Israeli air strike on Damascus. Kenya and Uganda signed a trade "
            "deal in Nairobi and agreed to build a railway. Since the Russian annexation of "
            "Crimea, Ukraine has expanded its navy, officials said.")
    evs = coder.code(text, date="2020-06-01")
    for s in {e.sentence_index for e in evs}:
        assert sum(e.primary for e in evs if e.sentence_index == s) <= 1
    assert not any(e.primary and e.mention for e in evs)
    assert {e.sentence_index for e in evs if e.primary} == {e.sentence_index for e in evs
                                                           if not e.mention}


def test_an_event_noun_after_since_is_a_mention_without_the_documents_date(coder):
    evs = coder.code("Russia has increased its military presence in the region since the "
                     "U.S. missile strike on Syria.", date="2017-04-12")
    strike = [e for e in evs if e.root == "19"]
    assert strike and all(e.mention and e.date is None and not e.primary for e in strike)
    assert strike[0].decided_by["date"] == "mention_undated"
    assert [e.primary for e in evs if not e.mention] == [True]


def test_the_object_of_a_reaction_is_a_mention(coder):
    evs = coder.code("Iran condemned the U.S. missile strike on Syria.", date="2017-04-10")
    strike = [e for e in evs if e.root == "19"]
    assert len(strike) == 1 and strike[0].mention and strike[0].date is None
    assert [e.root for e in evs if e.primary] == ["11"]


def test_a_mention_takes_the_date_its_own_phrase_gives(coder):
    evs = coder.code("Russia has increased its presence in the region since the U.S. missile "
                     "strike on Syria on April 6.", date="2017-04-20")
    strike = [e for e in evs if e.root == "19"]
    assert len(strike) == 1 and strike[0].mention
    assert strike[0].date == date(2017, 4, 6)
    assert strike[0].decided_by["date"] == "mention_own_date"


def test_a_verb_describing_an_earlier_event_is_part_of_the_mention(coder):
    evs = coder.code("Kenya sealed its border with Somalia after an attack that killed twelve "
                     "police officers near Mandera.", date="2019-01-16")
    kill = [e for e in evs if e.pattern == "190.kill"]
    assert kill and all(e.mention and e.date is None for e in kill)
    assert [e.pattern for e in evs if e.primary] == ["191.seal.border"]


@pytest.mark.parametrize("text", [
    "Nigerian soldiers killed ten militants who attacked a base in Borno.",
    "Russia launched a missile strike on the power grid of western Ukraine on Friday.",
    "The Israeli strike on a convoy in southern Lebanon killed a commander.",
])
def test_a_new_strike_is_not_a_mention(coder, text):
    evs = coder.code(text, date="2022-11-18")
    assert any(e.root in ("18", "19") for e in evs)
    assert not any(e.mention for e in evs)


# -- the store: one strike, reported once and mentioned twice -------------------------------------
DOCS = [
    ("strike", "2017-04-07", "The United States launched a missile strike on Syria on Thursday."),
    ("since", "2017-04-20", "Russia has increased its military presence in the region since "
                            "the U.S. missile strike on Syria on April 6."),
    ("condemn", "2017-04-10", "Iran condemned the U.S. missile strike on Syria."),
    # a strike of another dyad, and a mention too old for the window
    ("other", "2017-04-12", "Iran condemned the Israeli air strike on Lebanon."),
    ("late", "2018-09-01", "Damascus has rebuilt the air base since the U.S. missile strike on "
                           "Syria."),
]


@pytest.fixture
def strike_store(coder, tmp_path):
    from eventdesk.dates import parse_date

    path = tmp_path / "s.duckdb"
    docs = [Document(id=i, text=t, date=parse_date(d)[0]) for i, d, t in DOCS]
    with open_store(path) as store:
        store.ingest(docs[:1], coder)          # the strike first, then the rest in one batch
        store.ingest(docs[1:], coder)
    return path


def test_ingest_links_each_mention_to_the_stored_event_it_names(strike_store):
    with open_store(strike_store, read_only=True) as store:
        evs = store.events()
    strike = [e for e in evs if e.doc_id == "strike" and e.root == "19"]
    assert len(strike) == 1 and not strike[0].mention
    for doc in ("since", "condemn"):
        m = [e for e in evs if e.doc_id == doc and e.root == "19"]
        assert len(m) == 1 and m[0].mention and m[0].mention_of == strike[0].id
    # Israel-Lebanon names no stored event; the mention of 2018 is beyond the window
    assert all(e.mention_of is None for e in evs if e.doc_id in ("other", "late"))
    with open_store(strike_store, read_only=True) as store:
        linked = store.con.execute("SELECT count(*) FROM event_rows WHERE mention_of = ?",
                                   [strike[0].id]).fetchone()[0]
    assert linked == 2


def test_analyses_count_the_strike_once_unless_mentions_are_asked_for(strike_store):
    with open_store(strike_store, read_only=True) as store:
        con = store.con
        plain = con.execute(f"SELECT count(*) FROM {store.analysis_events(raw=True)} "
                            "WHERE root = '19' AND actor_country = 'USA'").fetchone()[0]
        every = con.execute(
            f"SELECT count(*) FROM {store.analysis_events(raw=True, include_mentions=True)} "
            "WHERE root = '19' AND actor_country = 'USA'").fetchone()[0]
        grouped = con.execute(f"SELECT count(*) FROM {store.analysis_events()} "
                              "WHERE root = '19' AND actor_country = 'USA'").fetchone()[0]
    # one report of the strike and three mentions of it (one too late to be linked)
    assert (plain, every, grouped) == (1, 4, 1)
    series = ea.dyad(strike_store, "USA", "SYR", by="year", directed=True, raw=True)
    assert int(series["material_conflict"].sum()) == 1
    dated = ea.dyad(strike_store, "USA", "SYR", by="year", directed=True, raw=True,
                    include_mentions=True)
    assert int(dated["material_conflict"].sum()) == 2     # the mention with its own date


def test_cli_analysis_and_events_show_the_mentions(strike_store, cli):
    r = cli("dyad", "USA", "SYR", "--directed", "--raw", "--by", "year", "--format", "csv",
            "--db", strike_store)
    assert r.returncode == 0, r.stderr
    r2 = cli("dyad", "USA", "SYR", "--directed", "--raw", "--by", "year", "--format", "csv",
             "--include-mentions", "--db", strike_store)
    assert r2.returncode == 0, r2.stderr
    n = [int(x.splitlines()[1].split(",")[1]) for x in (r.stdout, r2.stdout)]
    assert n == [1, 2]
    t = cli("events", "--format", "table", "--db", strike_store)
    assert t.returncode == 0 and "mention of" in t.stdout


def test_the_gdelt_export_marks_the_primary_event_as_root(strike_store, tmp_path):
    out = tmp_path / "g.tsv"
    with open_store(strike_store, read_only=True) as store:
        export(store, "gdelt2", out)       # asserted events, as GDELT carries
        n_primary = store.con.execute("SELECT count(*) FROM events WHERE is_primary "
                                      "AND status = 'asserted'").fetchone()[0]
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    root = GDELT2.names.index("IsRootEvent")
    code = GDELT2.names.index("EventCode")
    assert sum(r[root] == "1" for r in rows) == n_primary
    strikes = [r for r in rows if r[code].startswith("19")]
    # the strike itself, and the four strikes the documents mention
    assert sorted(r[root] for r in strikes) == ["0", "0", "0", "0", "1"]


# -- "said X would ...": a stated intention is an intent or a threat -----------------------------
@pytest.mark.parametrize("text,code,status", [
    # an intention to act is the reported future; a threat is made by saying it, asserted ...
    ("The Kenyan foreign minister said Nairobi would send medical teams to Somalia.", "033",
     "future"),
    ("An Egyptian army spokesman said the air force would bomb militant camps in Libya.", "1384",
     "asserted"),
    ("Peru's president said Lima will expel the Venezuelan ambassador.", "136", "asserted"),
    ("A Kremlin spokesman said Moscow would retaliate against any new sanctions.", "130",
     "asserted"),
    # ... a third party's word about another's intention is reported
    ("U.S. officials said Moscow would retaliate against the sanctions.", "130", "reported"),
])
def test_a_stated_intention_is_coded_as_the_intent_or_threat(coder, text, code, status):
    evs = coder.code(text, date="2021-03-01")
    prim = [e for e in evs if e.primary]
    assert [(e.cameo, e.status.value) for e in prim] == [(code, status)]
    assert prim[0].decided_by["status"].endswith("via stated_intent")


def test_what_is_not_a_stated_intention_keeps_its_code(coder):
    # done and reported; an obligation (the saying is the appeal)
    done = coder.code("Egyptian planes bombed militant camps in Libya, an army spokesman said.",
                      date="2021-03-01")
    assert [(e.root, e.status.value) for e in done if e.primary] == [("19", "reported")]
    told = coder.code("Canada said Mexico should lift the tariffs.", date="2021-03-01")
    assert {e.root for e in told} == {"02", "08"}
    assert [e.root for e in told if e.primary] == ["02"]


# -- history recounted in the news is background ---------------------------------------------
@pytest.mark.parametrize("text,doc_date,mention", [
    ("Russia annexed Crimea in 2014.", "2021-06-01", True),        # seven years before
    ("Russia annexed Crimea in 2014.", "2014-06-01", False),       # that year's news
    ("Putin visited Beijing in May 2016.", "2017-05-20", False),   # within the year
    ("Putin visited Beijing in May 2016.", "2017-07-20", True),
])
def test_an_event_dated_long_before_its_report_is_a_mention(coder, text, doc_date, mention):
    evs = coder.code(text, date=doc_date)
    assert [e.mention for e in evs] == [mention]
    assert (evs[0].decided_by["date"] == "dated_long_before") is mention
    assert evs[0].date.year == int(text[-5:-1])       # its own date, never the document's
