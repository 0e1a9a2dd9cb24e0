"""Actors the subject phrase names but the coder used to resolve wrongly: an unnamed office
holder ("Bolivia's interim president") that "he" or "she" refers back to, ... Sentences written
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
