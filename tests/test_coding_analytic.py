"""Analytic prose: events named by nouns, threats in reported speech, hedges and counterfactuals.

Think-tank prose names its events with nouns ("Moscow's decision to ban ...", "the Kremlin's
refusal to extend ..."), reports threats of counter-action ("said Moscow would retaliate") and
supposes events that did not happen ("A Chinese blockade would ...", "Were the Houthis to stop
...", "Had Finland joined ..."). Each mechanism is shown on the real parse, with its strategy
read back from ``decided_by``. Sentences written for these tests."""
import pytest

from eventdesk.coding.pipeline import describe   # imports every stage

DAY = "2022-03-09"


def _events(coder, sentence):
    return coder.code(sentence, date=DAY)


def _one(coder, sentence, prefix):
    found = [e for e in _events(coder, sentence) if e.cameo.startswith(prefix)]
    assert found, (sentence, [(e.cameo, e.pattern) for e in _events(coder, sentence)])
    return found[0]


def _countries(parties):
    return {p.country for p in parties}


# -- holder nouns: the to-infinitive of "decision", "refusal", "plan", "threat" ... ---------------
@pytest.mark.parametrize("sentence,prefix,actor,recipient,status", [
    # a decision: the possessor did it, asserted
    ("Oslo's decision to expel two Russian diplomats surprised few in the region.", "16",
     "NOR", "RUS", "asserted"),
    # a nationality adjective as the holder, a plan: future
    ("The Chinese plan to annex the disputed reef worries Manila.", "192", "CHN", None,
     "future"),
    # a conjoined infinitive shares the holder
    ("Ankara's decision to close its airspace and expel the Dutch envoy angered The Hague.",
     "16", "TUR", None, "asserted"),
])
def test_the_holder_of_the_noun_does_the_act(coder, sentence, prefix, actor, recipient, status):
    ev = _one(coder, sentence, prefix)
    assert actor in _countries(ev.actor)
    if recipient:
        assert recipient in _countries(ev.recipient)
    assert ev.status.value == status
    assert "holder_of_noun" in ev.decided_by["actor"]


def test_a_refusal_noun_makes_the_act_a_rejection(coder):
    ev = _one(coder, "The Kremlin's refusal to extend the grain deal with Ukraine, analysts "
                     "argue, was aimed at Ankara.", "12")
    assert _countries(ev.actor) == {"RUS"} and "UKR" in _countries(ev.recipient)
    assert ev.status.value == "asserted"      # the refusal happened


def test_a_threat_or_promise_noun_makes_the_act_a_stated_intention(coder):
    threat = _one(coder, "The administration's threat to cut aid to Egypt may matter more.",
                  "13")
    assert "EGY" in _countries(threat.recipient)
    assert threat.decided_by["status"].endswith("via stated_intent")
    promise = _one(coder, "Jakarta's promise to send medical teams to Gaza was welcomed.", "03")
    assert _countries(promise.actor) == {"IDN"} and promise.status.value == "future"


def test_a_noun_that_holds_no_act_gives_no_actor(coder):
    # "the right to strike" is no holder noun: the strike has nobody to do it
    assert not [e for e in _events(coder, "The union's right to strike was upheld by the "
                                          "court.") if e.cameo.startswith("19")]


# -- counter-action verbs: "retaliate", "hit back", "respond in kind" ----------------------------
@pytest.mark.parametrize("sentence,actor", [
    ("A spokesman said Moscow would retaliate against the new sanctions.", "RUS"),
    ("The foreign ministry said Beijing would hit back at any country that joined the "
     "boycott.", "CHN"),
    ("Officials in Tehran said Iran would respond in kind to any attack.", "IRN"),
])
def test_a_counter_action_stated_in_reported_speech_is_a_threat(coder, sentence, actor):
    ev = [e for e in _events(coder, sentence) if e.primary][0]
    assert ev.cameo == "130" and actor in _countries(ev.actor)
    assert ev.decided_by["status"].endswith("via stated_intent")


def test_a_counter_action_that_happened_is_a_coercion(coder):
    ev = _one(coder, "Moscow retaliated against the Baltic states within a week.", "17")
    assert ev.status.value == "asserted" and _countries(ev.actor) == {"RUS"}


# -- hedges and counterfactuals are not facts ----------------------------------------------------
@pytest.mark.parametrize("sentence,prefix", [
    ("Were the Houthis to stop attacking ships in the Red Sea, insurers would still wait.", "19"),
    ("Had Russia invaded Finland a decade earlier, the alliance would have split.", "19"),
    ("A Chinese blockade of Taiwan would cut off most of the island's fuel within weeks.", "19"),
])
def test_a_supposed_event_is_hypothetical(coder, sentence, prefix):
    ev = _one(coder, sentence, prefix)
    assert ev.status.value == "hypothetical"


def test_an_inverted_condition_is_named_in_decided_by(coder):
    ev = _one(coder, "Were the Houthis to stop attacking ships in the Red Sea, insurers would "
                     "still wait.", "19")
    assert ev.decided_by["status"] == "inverted_condition"
    assert "if" in describe("status", "inverted_condition")


def test_a_definite_event_noun_under_a_modal_stays_a_fact(coder):
    # the invasion happened; only its effect is supposed
    ev = _one(coder, "Russia's invasion of Ukraine could reshape the European security order.",
              "19")
    assert ev.status.value == "asserted"
    hyp = _one(coder, "An Israeli strike on Iran's nuclear sites might delay the programme.",
               "19")
    assert hyp.status.value == "hypothetical"
    assert hyp.decided_by["status"] == "indefinite_subject_of_modal"


# -- events named by nouns ---------------------------------------------------------------------
@pytest.mark.parametrize("sentence,prefix,actor,recipient", [
    ("Chinese pressure on Lithuania has become a test for the union.", "17", "CHN", "LTU"),
    ("The Indian ban on Chinese apps cost ByteDance a large market.", "16", "IND", "CHN"),
    ("A Serbian incursion into Kosovo would bring NATO troops into the conflict.", "19", "SRB",
     "XKX"),
])
def test_an_event_noun_names_its_parties(coder, sentence, prefix, actor, recipient):
    ev = _one(coder, sentence, prefix)
    assert actor in _countries(ev.actor) and recipient in _countries(ev.recipient)


def test_an_act_in_the_that_clause_of_a_speech_noun_is_a_stated_intention(coder):
    ev = [e for e in _events(coder, "The ministry's statement that Moscow would retaliate "
                                    "against Oslo was read as a threat.") if e.primary][0]
    assert ev.cameo == "130" and _countries(ev.actor) == {"RUS"}
    assert ev.decided_by["status"].endswith("via stated_intent")


def test_a_parenthetical_participle_is_no_clause_of_the_noun(coder):
    # "announced on Monday" sets the recognition off; it is no "recognition that ..."
    ev = _one(coder, "Washington's recognition of Israeli sovereignty over the Golan Heights, "
                     "announced on Monday, reverses decades of policy.", "054")
    assert _countries(ev.actor) == {"USA"} and "ISR" in _countries(ev.recipient)
    assert not [e for e in _events(coder, "Analysts welcomed the recognition that the talks "
                                          "had failed.") if e.cameo == "054"]
