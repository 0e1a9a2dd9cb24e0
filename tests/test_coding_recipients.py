"""Recipients the coder used to miss: a group of people acted on at home takes the actor's state
(``home_state_of_sector``), a protest at home is against the protesters' own state
(``protest_at_home``), a measure noun's phrase names what it counts ("dozens of protesters"),
the state of the place comes before targets the knowledge base does not know, and the subject
of a letting or helping verb's bare infinitive is the recipient (``causative_subject``); and the
traps where none of these may fire. Sentences written for these tests, coded with the real
parse."""
import pytest

DAY = "2021-03-09"


def _events(coder, sentence, prefix):
    return [e for e in coder.code(sentence, date=DAY) if e.cameo.startswith(prefix)]


def _event(coder, sentence, prefix):
    events = _events(coder, sentence, prefix)
    assert events, (sentence, [(e.cameo, e.decided_by) for e in coder.code(sentence, date=DAY)])
    return events[0]


def _first_country(ev):
    return ev.recipient[0].country if ev.recipient else None


@pytest.mark.parametrize("sentence,prefix,country", [
    # a state's police, courts or government act on a countryless group at home
    ("Police in Uzbekistan detained dozens of protesters outside the mayor's office.", "17", "UZB"),
    ("Peruvian police arrested hundreds of demonstrators in Lima.", "17", "PER"),
    ("Algeria jailed several journalists over their reporting.", "17", "DZA"),
    # a protest at home names no target state: the protesters' own
    ("Chileans protest pension reform outside congress in Santiago", "14", "CHL"),
    ("Romania's largest unions staged a nationwide strike against the new wage law.", "14", "ROU"),
    # a state easing its own restrictions, or its leader yielding, at home
    ("Bolivia lifted the nationwide curfew on Friday.", "081", "BOL"),
    ("The Nepalese prime minister resigned after weeks of street protests.", "083", "NPL"),
])
def test_target_at_home_is_the_actors_state(coder, sentence, prefix, country):
    ev = _event(coder, sentence, prefix)
    assert _first_country(ev) == country, (ev.recipient, ev.decided_by)
    assert ev.recipient[0].country == ev.actor[0].country


@pytest.mark.parametrize("sentence,prefix", [
    # a group abroad, or acted on by an army: not the actor's own people
    ("Russian troops detained dozens of protesters in Kherson.", "17"),
    ("American soldiers killed several civilians during the raid.", "1"),
    # a state's own protest is its government's words, no protest at home
    ("Japan protested the Chinese incursion into its waters.", "1"),
    # the sentence names another state: the easing is toward it, not at home
    ("Kuwait lifted its travel ban on flights to and from Iraq.", "08"),
])
def test_no_home_target_where_it_is_not_at_home(coder, sentence, prefix):
    for ev in _events(coder, sentence, prefix):
        own = {a.country for a in ev.actor}
        assert "home_state_of_sector" not in ev.decided_by.get("recipient", "")
        assert "protest_at_home" not in ev.decided_by.get("recipient", "")
        assert not (own & {r.country for r in ev.recipient if r.country}), ev.recipient


def test_a_place_state_before_an_unknown_target(coder):
    ev = _event(coder, "Kenyan jets bombed Jaysh al-Furqan camps in Somalia", "19")
    assert _first_country(ev) == "SOM", (ev.recipient, ev.decided_by)


@pytest.mark.parametrize("sentence,prefix,country", [
    ("Egypt agreed to let UN monitors inspect the border crossing.", "03", "UNO"),
    ("The World Bank will provide 200 million dollars to help Malawi rebuild its clinics.", "07",
     "MWI"),
    ("Turkey helped Azerbaijan rebuild its air force.", "07", "AZE"),
])
def test_who_is_let_or_helped_is_the_recipient(coder, sentence, prefix, country):
    ev = _event(coder, sentence, prefix)
    codes = {r.country or r.code for r in ev.recipient}
    assert country in codes, (ev.recipient, ev.decided_by)


@pytest.mark.parametrize("sentence,prefix,country", [
    # a name hyphened to a participle names its party, as "Saudi-led" does
    ("Damascus accused the U.S.-backed militia of looting grain silos.", "11", "USA"),
    # "blame A on B": B is blamed
    ("Managua blamed the riots on a U.S.-funded network of activists.", "11", "USA"),
])
def test_party_of_a_hyphened_participle(coder, sentence, prefix, country):
    ev = _event(coder, sentence, prefix)
    assert _first_country(ev) == country, (ev.recipient, ev.decided_by)
