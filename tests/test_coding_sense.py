"""Sense constraints of the lexicon and the status of hopes, possibilities and habits.

A verb whose meaning turns on its object carries a constraint in verbs.tsv or nouns.tsv
(``=class`` requires the object to be of an object class of ``coding/data/object_classes.tsv``
or a built-in one, ``!class`` forbids it): "met its emission targets" is no meeting, "recognize
that ..." no diplomatic recognition. Each kind is shown holding and failing on the real parse;
the record of the constraint is read back from ``decided_by["sense"]``. Sentences written for
these tests."""
import pytest

from eventdesk.coding.lexicon import check_lexicon, object_classes, parse_pattern
from eventdesk.coding.pipeline import describe   # imports every stage
from eventdesk.errors import DataError

DAY = "2021-03-09"


def _events(coder, sentence):
    return coder.code(sentence, date=DAY)


def _codes(coder, sentence):
    return [e.cameo for e in _events(coder, sentence)]


def _one(coder, sentence, prefix):
    found = [e for e in _events(coder, sentence) if e.cameo.startswith(prefix)]
    assert found, (sentence, [(e.cameo, e.pattern) for e in _events(coder, sentence)])
    return found[0]


# -- each kind of constraint, holding and failing -------------------------------------------
@pytest.mark.parametrize("sentence,code,sense", [
    # a forbidden class of objects: meeting a person is a meeting
    ("Merkel met Putin in Sochi on Friday.", "040", "object_class !goal"),
    # a required class of the list: vowing a punishment is a threat
    ("Beijing vowed countermeasures against Canberra.", "130", "object_class =hostile"),
    # the built-in class "named": recognizing a state
    ("Washington recognized Kosovo in 2008.", "054", "object_class =named !clause"),
    # a required class of the list: recognizing a government
    ("Russia recognized the new government in Kabul.", "054", "object_class =polity !clause"),
    # the built-in class "clause", forbidden: agreeing to act is intent to cooperate
    ("Seoul agreed to resume talks with Tokyo.", "030", "object_class !clause"),
    # ... and required: agreeing that something is so is an expression of accord
    ("Seoul agreed that the talks had been useful.", "019", "object_class =clause"),
    # a noun's constraint: the recognition of a state
    ("Washington's recognition of Kosovo angered Serbia.", "054", "object_class =named !clause"),
])
def test_a_constraint_that_holds_codes_and_is_recorded(coder, sentence, code, sense):
    ev = _one(coder, sentence, code)
    assert ev.cameo == code
    assert ev.decided_by["sense"] == sense


@pytest.mark.parametrize("sentence,code", [
    ("Kenya met its emission targets two years early.", "040"),       # !goal
    ("Beijing vowed closer cooperation with Canberra.", "130"),       # =hostile fails ...
    ("Analysts recognize the need for talks.", "054"),                # =polity|named
    ("Analysts recognize that Beijing has little leverage over Pyongyang.", "054"),  # !clause
    ("Most diplomats agree that the framework has run its course.", "030"),         # !clause
    ("The expansion agreed in Johannesburg is symbolic.", "019"),     # a clause has a subject
    ("Yemen's parties agreed to a truce, the envoy announced.", "019"),  # an aside is no clause
    ("The recognition that the talks had failed came late.", "054"),  # a noun's !clause
    ("Istanbul provides a logical venue for talks.", "070"),          # !setting
    ("The EU targeted the measures at Russian banks.", "194"),        # !measure
    ("Moscow calls an emergency Security Council meeting.", "041"),   # =named|party
])
def test_a_constraint_that_fails_does_not_code(coder, sentence, code):
    assert code not in _codes(coder, sentence)


def test_a_less_specific_row_codes_when_the_constrained_one_fails(coder):
    # "vow cooperation": the hostile row fails, the plain row of the verb codes the intent
    assert "030" in _codes(coder, "Beijing vowed closer cooperation with Canberra.")
    # and the material sense of "provide" still codes
    ev = _one(coder, "The EU provided funds to Serbia.", "07")
    assert [e.country for e in ev.recipient] == ["SRB"]


def test_the_other_sense_of_the_verb_still_codes(coder):
    assert "163" in _codes(coder, "New Delhi raised tariffs on Chinese steel.")
    assert "012" in _codes(coder, "Indian officials raised concerns about Chinese road building.")
    assert "083" in _codes(coder, "The government met the rebels' main demands.")
    # holding talks is a negotiation, holding elections no event between states
    assert "046" in _codes(coder, "Kenya held talks with Somalia on Monday.")
    assert _codes(coder, "Mali held elections in July.") == []
    # agreeing to act is intent to cooperate, agreeing that something is so an expression of
    # accord (=clause), never the signing of an agreement
    assert _codes(coder, "Seoul agreed that the talks had been useful.") == ["019"]


def test_explain_describes_the_constraint():
    text = describe("sense", "object_class =polity !clause")
    assert "sense constraint" in text and "=polity !clause" in text


# -- the syntax and its lint ----------------------------------------------------------------
def test_pattern_syntax():
    p = parse_pattern("recognize =polity|named !clause >of", id="x", cameo="054")
    assert p.required_classes == {"polity", "named"} and p.forbidden_classes == {"clause"}
    assert p.sense == "=named|polity !clause"
    assert p.specificity == parse_pattern("recognize", id="y", cameo="054").specificity + 1
    with pytest.raises(DataError):
        parse_pattern("recognize =", id="z", cameo="054")


def test_the_packaged_lexicon_and_classes_lint_clean():
    problems, _ = check_lexicon()
    assert problems == []
    assert "goal" in object_classes() and "target" in object_classes()["goal"]


def test_lint_names_unknown_and_contradictory_classes(tmp_path):
    f = tmp_path / "verbs.tsv"
    f.write_text("id\tcameo\tpattern\tflags\n"
                 "a\t040\tmeet !nonesuch\t\n"
                 "b\t054\trecognize =named !named\t\n", encoding="utf-8")
    problems, _ = check_lexicon(f)
    assert any("nonesuch" in p and "verbs.tsv:2" in p for p in problems)
    assert any("both requires and forbids" in p and "verbs.tsv:3" in p for p in problems)


# -- governors that negate, and what is not a fact ------------------------------------------
def test_ruling_out_an_act_is_its_refusal(coder):
    codes = _codes(coder, "The government ruled out making concessions to the rebels.")
    assert "08" not in codes and "124" in codes       # refusing to yield, not a yielding


@pytest.mark.parametrize("sentence,code,status", [
    ("The president hopes to sign a trade deal with Japan next year.", "057", "desired"),
    ("Merkel could meet Putin in Sochi.", "040", "hypothetical"),
    ("Modi is expected to visit Dhaka in March.", "042", "future"),
    ("Riyadh is unlikely to restore ties with Doha soon.", "050", "hypothetical"),
    ("Modi is due to visit Dhaka in March.", "042", "future"),
    ("Japan to impose sanctions on Russia.", "163", "future"),                 # a headline
    ("Officials said they had evidence that Russia attacked the convoy.", "190", "reported"),
    ("Hungary would block any statement that criticises China.", "111", "hypothetical"),
    ("The strike marks a shift in how New Delhi responds to attacks.", "010", "generic"),
])
def test_hopes_possibilities_and_habits_are_not_facts(coder, sentence, code, status):
    assert _one(coder, sentence, code).status.value == status


@pytest.mark.parametrize("sentence,code", [
    ("Russia attacked the convoy on Monday.", "190"),
    ("Japan imposed sanctions on Russia.", "163"),
])
def test_plain_facts_stay_asserted(coder, sentence, code):
    assert _one(coder, sentence, code).status.value == "asserted"


def test_explain_prints_the_pattern_and_the_constraint_that_decided(coder, tmp_path, cli):
    import eventdesk
    from datetime import date as Date

    from eventdesk.model import Document

    db = tmp_path / "s.duckdb"
    with eventdesk.open_store(db) as store:
        store.ingest([Document(id="d1", text="Merkel met Putin in Sochi on Friday.",
                               date=Date.fromisoformat(DAY))], coder=coder)
        event_id = store.con.execute("SELECT event_id FROM event_rows").fetchone()[0]
    r = cli("explain", "--db", db, event_id)
    assert r.returncode == 0, r.stderr
    assert "sense: object_class !goal — the pattern's sense constraint held" in r.stdout
    assert "rule      040.meet: meet !goal (verbs.tsv:" in r.stdout
