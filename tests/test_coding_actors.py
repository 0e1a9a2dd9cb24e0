"""Actors the subject phrase names but the coder used to resolve wrongly: an unnamed office
holder ("Kyrgyzstan's interim leader") that "he" or "she" refers back to; sectors under a
wire dateline; namesakes resolved by date; regional office holders; "Brussels". Sentences written
for these tests (not from any gold or dev file), coded with the real parse."""

DAY = "2021-03-10"


def _codes(ents):
    return [e.code for e in ents]


def _first(coder, text, prefix, day=DAY):
    found = [e for e in coder.code(text, date=day) if e.cameo.startswith(prefix)]
    assert found, [(e.cameo, _codes(e.actor)) for e in coder.code(text, date=day)]
    return found[0]


def test_he_refers_to_an_unnamed_office_holder_who_said_it(coder):
    ev = _first(coder, "Peru's interior minister said he had expelled two Chilean diplomats.",
                "166")
    assert [a.country for a in ev.actor] == ["PER"]
    assert ev.decided_by["actor"].startswith("refers_back")


def test_she_refers_to_an_office_holder_named_by_title_and_state(coder):
    ev = _first(coder, "The Finnish foreign minister said she had summoned the Russian "
                       "ambassador.", "114")
    assert [a.country for a in ev.actor] == ["FIN"]


def test_it_still_refers_to_a_ministry_not_to_a_person(coder):
    ev = _first(coder, "Chile's foreign ministry said it had expelled two Bolivian diplomats.",
                "16")
    assert [a.country for a in ev.actor] == ["CHL"]


def test_soldiers_under_a_dateline_act_for_the_datelines_state(coder):
    ev = _first(coder, "BAMAKO, Mali — Soldiers detained the defence minister at a camp near the "
                       "capital on Tuesday.", "173")
    assert _codes(ev.actor) == ["MLIMIL"]
    assert ev.decided_by["actor"].startswith("sector_in_dateline")


def test_police_under_a_capital_dateline_act_for_its_state(coder):
    ev = _first(coder, "NAIROBI — Police arrested three opposition lawmakers on Friday.", "173")
    assert [a.country for a in ev.actor] == ["KEN"]


def test_diplomats_under_a_dateline_get_no_state_from_it(coder):
    # envoys at a venue city are often foreign: officials and diplomats are not placed
    events = coder.code("GENEVA — Diplomats said the talks on the ceasefire had stalled.", date=DAY)
    assert events and all(a.country != "CHE" for e in events for a in e.actor)


def test_a_lone_surname_is_the_namesake_in_office_on_the_day(coder):
    text = "On Monday al-Bashir pardoned two opposition leaders."
    old = _first(coder, text, "", day="2017-05-02")
    assert [a.country for a in old.actor] == ["SDN"]
    new = _first(coder, text, "", day="2025-01-15")
    assert [a.country for a in new.actor] == ["SYR"]


def test_a_regional_first_minister_is_her_states_government(coder):
    ev = _first(coder, "Nicola Sturgeon told reporters a second independence referendum was "
                       "likely.", "01", day="2019-04-02")
    assert _codes(ev.actor) == ["GBRGOV"]


def test_brussels_as_an_actor_is_the_european_union(coder):
    ev = _first(coder, "Brussels imposed tariffs on Chinese electric cars.", "")
    assert _codes(ev.actor) == ["EUR"]


def test_a_legislature_named_by_its_own_name_is_its_states(coder):
    ev = _first(coder, "The Duma approved the treaty with Belarus.", "05")
    assert _codes(ev.actor) == ["RUSLEG"]


def test_a_speakers_title_after_the_clause_is_of_the_clauses_subject(coder):
    events = coder.code("Vietnam will keep exporting coffee to Thailand, the agriculture minister "
                        "said.", date=DAY)
    said = [e for e in events if e.cameo.startswith("01")]
    assert said and [a.country for a in said[0].actor] == ["VNM"]


def test_a_crowd_counted_by_a_measure_noun_is_its_sector(coder):
    ev = _first(coder, "TBILISI, Georgia — Tens of thousands of protesters rallied outside "
                       "parliament on Saturday.", "14")
    assert _codes(ev.actor) == ["GEOCVL"]
