"""Analyses on synthetic relations with known answers (the contract's columns, in DuckDB)."""
import json

import duckdb
import numpy as np
import pytest

from eventdesk.analysis.dyads import dyad_series, top_dyads
from eventdesk.analysis.signals import signals as run_signals
from eventdesk.analysis.triangle import balance as run_balance, triangle as run_triangle
from eventdesk.analysis.common import check_actors, window
from eventdesk.analysis.divergence import divergence
from eventdesk.analysis.reciprocity import reciprocity
from eventdesk.analysis.synthetic import codes, event, events_table, generate
from eventdesk.errors import UsageError


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


def months(n, start=2020):
    return [f"{start + (m // 12)}-{m % 12 + 1:02d}-10" for m in range(n)]


def thaw_rows():
    """RUS warm with both; USA–CHN hostile for six months, then warm."""
    rows = []
    for k, d in enumerate(months(12)):
        g = -5.0 if k < 6 else 5.0
        for a, b, s in (("RUS", "USA", 3.0), ("USA", "RUS", 3.0), ("RUS", "CHN", 4.0),
                        ("CHN", "RUS", 4.0), ("USA", "CHN", g), ("CHN", "USA", g)):
            rows += [event(d, a, b, s - 0.5), event(d, a, b, s + 0.5)]
    return rows


def test_dyad_series_counts_masses_and_fills_empty_months(con):
    rows = [event("2020-01-05", "RUS", "USA", 4.0), event("2020-01-20", "USA", "RUS", -6.0,
                                                           material=True),
            event("2020-03-02", "RUSGOV", "USAGOV", 2.0)]
    events_table(con, "ev", rows)
    df = dyad_series(con, "ev", "RUS", "USA")
    assert list(df["n"]) == [2, 0, 1]                       # February is there, empty
    jan = df.iloc[0]
    assert jan.verbal_coop == 1 and jan.material_conflict == 1
    assert jan.coop_mass == 4.0 and jan.conflict_mass == 6.0
    assert jan.balance == pytest.approx(-0.2)
    assert jan.net_goldstein == -2.0
    directed = dyad_series(con, "ev", "RUS", "USA", directed=True)
    assert directed["n"].sum() == 2                         # only RUS → USA


def test_dyad_robust_z_flags_a_break_from_the_baseline(con):
    rows = [event(d, "RUS", "USA", 2.0 + 0.1 * (k % 3)) for k, d in enumerate(months(12))]
    rows.append(event("2021-01-10", "RUS", "USA", -8.0))
    events_table(con, "ev", rows)
    df = dyad_series(con, "ev", "RUS", "USA")
    assert df["robust_z"].iloc[-1] < -10
    assert abs(df["robust_z"].iloc[-2]) < 3


def test_top_dyads_rank_activity_and_movement(con):
    rows = [event(d, "USA", "CHN", 1.0) for d in months(12)] * 3
    rows += [event(d, "RUS", "PRK", 2.0) for d in months(11)] + [
        event("2020-12-20", "RUS", "PRK", -9.0)]
    events_table(con, "ev", rows)
    active = top_dyads(con, "ev", top=5)
    assert (active.a[0], active.b[0]) == ("CHN", "USA")
    moving = top_dyads(con, "ev", top=5, rank="movement")
    assert (moving.a[0], moving.b[0]) == ("PRK", "RUS") and moving.movement[0] < 0


def test_triangle_thaw_between_usa_and_china_lowers_russias_leverage(con):
    events_table(con, "ev", thaw_rows())
    tr = run_triangle(con, "ev", ["RUS", "USA", "CHN"], reps=300)
    f = tr.frame
    assert f["configuration"].iloc[4] == "romantic triangle"
    assert f["key_player"].iloc[4] == "RUS" and f["pivot"].iloc[4] == "RUS"
    assert f["configuration"].iloc[-1] == "ménage à trois"
    assert f["leverage RUS"].iloc[-1] < f["leverage RUS"].iloc[4] - 5
    assert f["probability"].iloc[4] > 0.9
    assert any("romantic triangle (pivot RUS) →" in c for c in tr.changes)


def test_triangle_leverage_has_a_bootstrap_interval_around_it(con):
    events_table(con, "ev", thaw_rows())
    f = run_triangle(con, "ev", ["RUS", "USA", "CHN"], reps=300).frame
    for p in ("RUS", "USA", "CHN"):
        lev, lo, hi = f[f"leverage {p}"], f[f"leverage lo {p}"], f[f"leverage hi {p}"]
        ok = lev.notna()
        assert ((lo[ok] <= lev[ok] + 1e-9) & (lev[ok] <= hi[ok] + 1e-9)).all()
        assert (hi[ok] - lo[ok]).gt(0).all()
    # Russia courted by both in the romantic phase: its whole interval above zero; after the
    # thaw between the other two, below
    assert f["leverage lo RUS"].iloc[4] > 0 and f["leverage hi RUS"].iloc[-1] < 0


def test_triangle_inside_neutral_band_is_indeterminate(con):
    rows = [event(d, a, b, 0.2) for d in months(4)
            for a, b in (("RUS", "USA"), ("USA", "CHN"), ("CHN", "RUS"))]
    events_table(con, "ev", rows)
    tr = run_triangle(con, "ev", ["RUS", "USA", "CHN"], reps=100)
    assert set(tr.frame["configuration"]) == {"indeterminate"}


def test_balance_frustration_index_and_camps(con):
    # two camps {A, B} and {C, D}: warm inside, hostile across, except one warm A–C edge
    rows = []
    sign = {("AAA", "BBB"): 5, ("CCC", "DDD"): 5, ("AAA", "CCC"): 5, ("AAA", "DDD"): -5,
            ("BBB", "CCC"): -5, ("BBB", "DDD"): -5}
    for (a, b), g in sign.items():
        for d in months(3):
            rows += [event(d, a, b, g - 0.5), event(d, b, a, g + 0.5)]
    events_table(con, "ev", rows)
    bal = run_balance(con, "ev", ["AAA", "BBB", "CCC", "DDD"])
    assert bal.frustration == 1
    assert bal.triads == 4 and bal.balanced_triads == 2
    camps = {frozenset(c) for c in bal.camps}
    assert len(bal.frustrated) == 1
    assert camps == {frozenset({"AAA", "BBB"}), frozenset({"CCC", "DDD"})}
    assert bal.verdict == "unbalanced" and "1 signed edge contradicts" in bal.reason
    assert list(bal.splits.frustration) == [1, 2, 2]        # the best split, then the next
    assert bal.splits.frustrated[0] == "AAA–CCC"


def test_balance_gives_unique_camps_and_says_when_the_data_cannot_tell(con):
    rows = []
    sign = {("AAA", "BBB"): 5, ("CCC", "DDD"): 5, ("AAA", "CCC"): -5, ("AAA", "DDD"): -5,
            ("BBB", "CCC"): -5, ("BBB", "DDD"): -5, ("EEE", "AAA"): 0.3}
    for (a, b), g in sign.items():
        for d in months(3):
            rows += [event(d, a, b, g - 0.5), event(d, b, a, g + 0.5)]
    events_table(con, "ev", rows)
    bal = run_balance(con, "ev", ["AAA", "BBB", "CCC", "DDD"])
    assert bal.verdict == "balanced" and bal.frustration == 0
    assert {frozenset(c) for c in bal.camps} == {frozenset({"AAA", "BBB"}),
                                                 frozenset({"CCC", "DDD"})}
    # EEE's only edge sits inside the neutral band: it cannot be placed in a camp
    bal = run_balance(con, "ev", ["AAA", "BBB", "CCC", "DDD", "EEE"])
    assert bal.verdict == "indeterminate"
    assert "EEE has no signed edge" in bal.reason and "AAA–EEE +0.3 inside" in bal.reason
    # two rivals and nobody else: no triad, no verdict
    bal = run_balance(con, "ev", ["AAA", "CCC", "EEE"])
    assert bal.verdict == "indeterminate" and "no triad" in bal.reason
    # the same costs whichever side EEE takes: ties are indeterminate too
    rows += [event(d, "EEE", x, 4.0) for d in months(3) for x in ("AAA", "CCC")]
    events_table(con, "ev", rows)
    bal = run_balance(con, "ev", ["AAA", "BBB", "CCC", "DDD", "EEE"])
    assert bal.verdict == "indeterminate" and "2 splits" in bal.reason


def test_leader_warmer_than_government_shows_positive_divergence(con):
    rows = []
    for k, d in enumerate(months(6)):
        rows += [event(d, "USAGOV", "RUS", 5.0 + k % 2, office="head_of_state"),
                 event(d, "USAGOV", "RUS", -2.0 - k % 2),
                 event(d, "USAMIL", "RUS", -6.0, material=True, sector="MIL")]
    events_table(con, "ev", rows)
    d = divergence(con, "ev", "USA", "RUS")
    r = d.rows.set_index("kind")
    assert d.office == "head_of_state"
    assert r.loc["all", "difference"] > 5 and r.loc["all", "lo"] > 0
    assert r.loc["all", "hedges_g"] > 1
    assert r.loc["verbal", "difference"] == pytest.approx(5.5 - -2.5)
    assert r.loc["say-do gap", "difference"] == pytest.approx(5.5 - -6.0)


def test_divergence_takes_the_head_of_government_where_he_leads(con):
    rows = []
    for d in months(4):
        rows += [event(d, "GBRGOV", "RUS", 4.0, office="head_of_government"),
                 event(d, "GBRGOV", "RUS", -3.0, office="foreign_minister")]
    rows.append(event("2020-01-02", "GBRGOV", "RUS", 1.0, office="head_of_state"))
    events_table(con, "ev", rows)
    d = divergence(con, "ev", "GBR", "RUS")
    assert d.office == "head_of_government"
    assert d.rows.set_index("kind").loc["all", "difference"] > 5


def test_reciprocity_answering_in_kind_and_granger(con):
    rng = np.random.default_rng(1)
    x = rng.normal(0, 3, 40)
    rows = []
    for t, d in enumerate(months(40)):
        rows.append(event(d, "USA", "RUS", round(float(x[t]), 2)))
        if t:
            rows.append(event(d, "RUS", "USA", round(float(0.9 * x[t - 1]), 2)))
    events_table(con, "ev", rows)
    r = reciprocity(con, "ev", "USA", "RUS", lags=1)
    g = r.granger.set_index("causing")
    assert g.loc["USA→RUS", "p"] < 0.01            # RUS answers USA one month later
    assert g.loc["RUS→USA", "p"] > 0.05
    assert r.cross.set_index("lag").loc[1, "correlation"] > 0.9
    assert r.coefficient > 0                       # gap closes: reciprocity, not bullying


def test_reciprocity_too_short_and_one_event_series(con):
    events_table(con, "ev", [event(d, a, b, 1.0 + k) for k, d in enumerate(months(5))
                             for a, b in (("USA", "RUS"), ("RUS", "USA"))])
    with pytest.raises(UsageError, match="too short"):
        reciprocity(con, "ev", "USA", "RUS")
    events_table(con, "one", [event("2020-01-01", "USA", "RUS", 1.0),
                              event("2020-01-01", "RUS", "USA", 1.0)])
    with pytest.raises(UsageError, match="single event"):
        reciprocity(con, "one", "USA", "RUS")


def test_first_ever_cooperation_ranks_first_among_signals(con):
    rows = []
    for k, d in enumerate(months(24)):
        rows += [event(d, "PRK", "KOR", -4.0, cameo="112"), event(d, "KOR", "PRK", -5.0,
                                                                  cameo="111")]
        rows.append(event(d, "USA", "CHN", 1.0 + (k % 3), cameo="042"))   # a thinner dyad
    rows.append(event("2021-12-15", "PRK", "KOR", 6.0, cameo="061", material=True,
                      sentence="North Korea opened a ferry line to South Korea."))
    rows.append(event("2021-12-16", "USA", "CHN", -2.0, cameo="130"))
    events_table(con, "ev", rows)
    found = run_signals(con, "ev", since=window("2021-12-01").since, by="month")
    assert "novelty" in found[0].kind and {found[0].a, found[0].b} == {"PRK", "KOR"}
    assert "(CAMEO 06)" in found[0].reason
    assert found[0].evidence[0]["sentence"] == "North Korea opened a ferry line to South Korea."
    assert found[0].score > found[1].score


def test_a_new_dyads_first_material_cooperation_is_a_signal(con):
    """A dyad with no history at all: its first event, a ferry line (material cooperation, a
    rare class), is scored against the class's share of all events and passes the floor."""
    rows = [event(d, "USA", "CHN", 1.0 + (k % 3), cameo="042") for k, d in enumerate(months(24))]
    rows += [event(d, "USA", "RUS", -2.0, cameo="112") for d in months(24)]
    rows.append(event("2021-12-15", "PRK", "RUS", 6.4, cameo="061", material=True,
                      sentence="A ferry line opened between North Korea and Russia."))
    events_table(con, "ev", rows)
    found = run_signals(con, "ev", since=window("2021-12-01").since, by="month")
    ferry = [s for s in found if "novelty" in s.kind and {s.a, s.b} == {"PRK", "RUS"}]
    assert ferry and ferry[0].score > 4 and "so this is its first in that time" in ferry[0].reason


def test_signals_spike_and_relevance_to_the_watched_set(con):
    rows = [event(d, "RUS", "PRK", 1.0, doc_id=f"r{k}") for k, d in enumerate(months(12))]
    rows += [event("2021-01-05", "RUS", "PRK", 1.0, doc_id="spike") for _ in range(12)]
    rows += [event(d, "USA", "CHN", 2.0, doc_id=f"u{k}") for k, d in enumerate(months(13))]
    rows += [event(d, "CHN", "PRK", -2.0, doc_id=f"u{k}") for k, d in enumerate(months(13))]
    events_table(con, "ev", rows)
    found = run_signals(con, "ev", watch=["USA", "RUS", "CHN"],
                            since=window("2021-01-01").since)
    spike = next(s for s in found if s.kind == "count spike")
    assert {spike.a, spike.b} == {"RUS", "PRK"}
    assert "PRK also figures in" in spike.reason and "CHN–USA" in spike.reason
    assert spike.evidence and all(e["doc_id"] == "spike" for e in spike.evidence)
    plain = run_signals(con, "ev", since=window("2021-01-01").since)
    assert next(s for s in plain if s.kind == "count spike").score < spike.score


def test_signals_from_kept_candidates_rank_as_a_fresh_run_for_every_watch_list(con):
    """A server computes the watch-independent candidates once and ranks them for each watch
    list: each ranking (scores, reasons, priorities, evidence) must be what a run of its own
    gives, whatever watch list was ranked from the same candidates before."""
    from eventdesk.analysis.signals import candidates

    rows = [event(d, "RUS", "PRK", 1.0, doc_id=f"r{k}") for k, d in enumerate(months(12))]
    rows += [event("2021-01-05", "RUS", "PRK", 1.0, doc_id="spike") for _ in range(12)]
    rows += [event(d, "USA", "CHN", 2.0, doc_id=f"u{k}") for k, d in enumerate(months(13))]
    rows += [event(d, "CHN", "PRK", -2.0, doc_id=f"u{k}") for k, d in enumerate(months(13))]
    events_table(con, "ev", rows)
    since = window("2021-01-01").since
    kept = candidates(con, "ev", since=since)

    def shown(found):
        return [(s.kind, s.a, s.b, s.when, round(s.score, 9), s.reason, s.priority,
                 s.evidence) for s in found]

    for watch in (["USA", "RUS", "CHN"], [], ["USA", "RUS", "CHN"], ["PRK", "CHN"]):
        fresh = run_signals(con, "ev", watch=watch, since=since)
        again = run_signals(con, "ev", watch=watch, since=since, found=kept)
        assert shown(again) == shown(fresh) and fresh


def test_salience_flags_a_strong_event_reported_once(con):
    rows = [event(d, "USA", "CHN", 1.0, n_sources=3) for d in months(12)]
    rows.append(event("2020-12-20", "RUS", "UKR", -10.0, material=True, n_sources=1,
                      cameo="190"))
    events_table(con, "ev", rows)
    found = run_signals(con, "ev", since=window("2020-12-01").since, min_score=0)
    sal = [s for s in found if "salience" in s.kind]
    assert len(sal) == 1 and {sal[0].a, sal[0].b} == {"RUS", "UKR"}


def test_later_mentions_of_one_strike_are_one_signal(con):
    """A strike reported on its day and mentioned in three later documents (each coded with
    its own date) is one signal; a second strike two months later is another event, but not a
    novelty: the pair has fought in the look-back."""
    rows = [event(d, "USA", "SYR", -2.0, cameo="112") for d in months(12, 2019)]
    for day, doc in (("2020-04-07", "a"), ("2020-04-12", "b"), ("2020-05-02", "c"),
                     ("2020-05-20", "d")):
        rows.append(event(day, "USA", "SYR", -10.0, cameo="195", material=True, n_sources=0,
                          doc_id=doc))
    rows.append(event("2020-07-18", "USA", "SYR", -10.0, cameo="190", material=True,
                      n_sources=0, doc_id="e"))
    events_table(con, "ev", rows)
    found = run_signals(con, "ev", since=window("2020-04-01").since, min_score=0)
    strikes = [s for s in found if s.event_id is not None and s.quad == 4]
    assert len(strikes) == 1
    (s,) = strikes
    assert s.when.isoformat() == "2020-04-07" and s.reports == 4
    assert "3 later reports folded in (4 documents in all)" in s.reason
    assert [e["doc_id"] for e in s.evidence] == ["a", "b", "c"]
    # no outlet named in any report: salience is not computed (coverage unknown, not small)
    assert s.kind == "novelty"


def test_a_new_line_across_the_watch_outranks_more_coverage_of_known_relations(con):
    """Watching USA, RUS and CHN: North Korea figures in U.S.–China documents; its first
    cooperation with Russia must rank above a burst of coverage of U.S.–Syria fighting (which
    scores far more bits) and above a repeated kind of U.S.–Russia event."""
    rows = []
    for k, d in enumerate(months(12)):
        rows += [event(d, "USA", "CHN", 2.0, doc_id=f"u{k}"),
                 event(d, "CHN", "PRK", -2.0, doc_id=f"u{k}"),
                 event(d, "USA", "SYR", -10.0, cameo="190", material=True, doc_id=f"s{k}"),
                 event(d, "USA", "RUS", -4.0, cameo="112", doc_id=f"r{k}")]
    rows += [event(f"2021-01-{day:02d}", "USA", "SYR", -10.0, cameo="190", material=True,
                   doc_id=f"burst{day}") for day in range(1, 21)]
    rows.append(event("2021-01-06", "USA", "RUS", -4.0, cameo="111", doc_id="r-new"))
    rows.append(event("2021-01-10", "RUS", "PRK", 6.0, cameo="061", material=True,
                      doc_id="ferry", sentence="A ferry line opened."))
    events_table(con, "ev", rows)
    found = run_signals(con, "ev", watch=["USA", "RUS", "CHN"],
                        since=window("2021-01-01").since)
    assert {found[0].a, found[0].b} == {"PRK", "RUS"} and found[0].priority == 1
    burst = next(s for s in found if {s.a, s.b} == {"SYR", "USA"})
    assert burst.kind == "count spike" and burst.score > found[0].score
    assert burst.priority == 2
    # without a watch list the burst leads: the priority is the watch list's doing
    plain = run_signals(con, "ev", since=window("2021-01-01").since)
    assert {plain[0].a, plain[0].b} == {"SYR", "USA"}


def test_signals_fit_the_terminal(con):
    from eventdesk.analysis.signals import render

    rows = [event(d, "USA", "CHN", 1.0, n_sources=3) for d in months(12)]
    rows.append(event("2020-12-20", "RUS", "UKR", -10.0, material=True, n_sources=1,
                      cameo="190", sentence="Russian forces shelled\n\nthe port " * 8))
    events_table(con, "ev", rows)
    found = run_signals(con, "ev", since=window("2020-12-01").since, min_score=0)
    text = render(found, 60)
    assert max(len(line) for line in text.splitlines()) <= 60
    assert "\n" not in found[0].evidence[0]["sentence"]
    assert any(line.startswith("    > “Russian forces") for line in text.splitlines())


def test_bad_requests_give_plain_messages(con):
    events_table(con, "ev", [event("2020-01-01", "RUS", "USA", 1.0)])
    with pytest.raises(UsageError, match="XYZ: unknown actor code"):
        check_actors(con, "ev", ["RUS", "XYZ"])
    with pytest.raises(UsageError, match="known actor code, but the store has no events"):
        check_actors(con, "ev", ["FRA"])
    with pytest.raises(UsageError, match="no events RUS–USA in 2021-01-01 to end"):
        dyad_series(con, "ev", "RUS", "USA", win=window("2021-01-01"))
    with pytest.raises(UsageError, match="empty period"):
        window("2021-02-01", "2021-01-01")
    with pytest.raises(UsageError, match="too few events"):
        divergence(con, "ev", "RUS", "USA")
    with pytest.raises(UsageError, match="three different actors"):
        run_triangle(con, "ev", ["RUS", "USA", "USA"])
    with pytest.raises(UsageError, match="empty period"):
        run_signals(con, "ev", since=window("2022-01-01").since)


def test_generated_relation_has_the_contract_columns(con):
    from eventdesk.analysis.synthetic import COLUMNS

    C = codes(5)
    generate(con, "big", 5000, countries=5)
    cols = [r[0] for r in con.execute("DESCRIBE big").fetchall()]
    assert cols == list(COLUMNS)
    n, bad = con.execute("SELECT count(*), count(*) FILTER (WHERE actor_country = "
                         "recipient_country) FROM big").fetchone()
    assert n == 5000 and bad == 0
    df = dyad_series(con, "big", C[0], C[1], by="quarter")
    assert df["n"].sum() > 0
    assert json.dumps(float(df["mean_goldstein"].mean()))
