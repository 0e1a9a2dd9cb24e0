"""The notebook API: every analysis from a Store or a path, as frames, on the demo corpus."""
import duckdb
import pandas as pd
import pytest

import eventdesk
import eventdesk.analysis as ea
from eventdesk.errors import StoreError, UsageError


def test_every_analysis_returns_a_frame_from_a_path_or_a_store(demo_store):
    path = str(demo_store)
    assert isinstance(ea.dyad(path, "RUS", "USA"), pd.DataFrame)
    assert {"a", "b", "n"} <= set(ea.dyads(path, top=5).columns)
    with eventdesk.open_store(path, read_only=True) as store:
        tri = ea.triangle(store, ["RUS", "USA", "CHN"], reps=50)
        assert {"configuration", "pivot", "leverage RUS"} <= set(tri.to_frame().columns)
        bal = ea.balance(store, "USA,RUS,CHN,PRK,KOR,JPN")
        assert {"a", "b", "score", "sign"} <= set(bal.to_frame().columns)
        assert bal.verdict in ("balanced", "unbalanced", "indeterminate") and bal.reason
        div = ea.divergence(store, "USA", "RUS")
        assert list(div.to_frame().kind) == ["all", "verbal", "material", "say-do gap"]
        sig = ea.signals(store, watch=["USA", "RUS", "CHN"], since="2017-05-01")
        assert len(sig) and {"score", "kind", "dyad", "reason"} <= set(sig.columns)
        rec = ea.reciprocity(store, "USA", "CHN", by="week", lags=1)
        assert len(rec.to_frame()) == 2
        b = ea.brief(store, "RUS", ["USA", "CHN"])
        assert "<html" in b.html() and b.markdown().startswith("# ")


def test_a_path_is_opened_read_only_so_the_cli_can_read_beside_it(demo_store):
    from conftest import run_cli

    with eventdesk.open_store(demo_store, read_only=True) as store:
        ea.dyad(store, "RUS", "USA")
        r = run_cli("dyad", "RUS", "USA", "--db", demo_store, "--format", "csv")
        assert r.returncode == 0, r.stderr
        with pytest.raises(StoreError, match="read-only"):
            store.set_rule(store.rule)


def test_bad_requests_raise_usage_errors(demo_store):
    with pytest.raises(UsageError, match="unknown actor code"):
        ea.dyad(str(demo_store), "RUS", "XQZ")
    with pytest.raises(UsageError, match="3 different actors"):
        ea.triangle(str(demo_store), ["RUS", "USA"])
    with pytest.raises(TypeError):
        ea.dyad(42, "RUS", "USA")


def test_events_frame_keeps_every_actor_and_has_countries(demo_store):
    with eventdesk.open_store(demo_store, read_only=True) as store:
        wide = store.events(as_frame=True)
        long = store.events(as_frame=True, explode=True)
        events = store.events()
    assert tuple(wide.columns) == eventdesk.Store.FRAME_COLUMNS
    assert len(wide) == len(events)
    several = [e for e in events if len(e.actor) > 1 or len(e.recipient) > 1]
    assert several                                  # the demo has events with several actors
    # one row per actor–recipient pair (an empty side counts as one NULL)
    pairs = sum(max(1, len(e.actor)) * max(1, len(e.recipient)) for e in events)
    assert len(long) == pairs
    ev = several[0]
    rows = long[long.id == ev.id]
    assert set(rows.actor.dropna()) == {a.code for a in ev.actor}
    assert set(rows.actor_country.dropna()) == {a.country for a in ev.actor if a.country}
    assert list(wide.loc[wide.id == ev.id, "actors"].iloc[0]) == [a.code for a in ev.actor]
    # the country columns group as the store's own filter does
    rus = wide[wide.actor_country == "RUS"]
    assert len(rus) and (rus.actor.str.startswith("RUS")).all()


def test_help_of_the_package_lists_the_api():
    import pydoc

    text = pydoc.render_doc(eventdesk, renderer=pydoc.plaintext)
    for name in ("Coder", "open_store", "read_documents", "eventdesk.analysis"):
        assert name in text
    assert len(text.splitlines()) < 400


def test_the_example_script_answers_the_briefs_questions(demo_store):
    from conftest import ROOT

    import subprocess
    import sys

    r = subprocess.run([sys.executable, str(ROOT / "examples" / "russia_usa.py"),
                        str(demo_store)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    for k in range(1, 7):
        assert any(line.startswith(f"{k}. ") for line in lines), k
    assert "nan" not in r.stdout.lower()
