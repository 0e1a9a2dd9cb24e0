"""Recipients found through clauses and nested phrases: the subject of a demand's, appeal's,
accusation's or warning's complement clause, the target inside a nested complement, chains of
verbs of going on and trying, and the party inside an event noun's phrase; and the traps where
none of these may fire. Sentences written for these tests, coded with the real parse."""
import pytest

DAY = "2019-05-14"


def _event(coder, sentence, prefix):
    events = [e for e in coder.code(sentence, date=DAY) if e.cameo.startswith(prefix)]
    assert events, (sentence, [(e.cameo, e.decided_by) for e in coder.code(sentence, date=DAY)])
    return events[0]


def _countries(ev):
    return {e.country for e in ev.recipient if e.country}


@pytest.mark.parametrize("sentence,prefix,country", [
    # the subject of the complement clause
    ("Mali demanded that Paris withdraw its soldiers before the end of the year.", "10", "FRA"),
    ("Portugal insisted Luanda repay the loans on time.", "10", "AGO"),
    ("Thailand warned that Phnom Penh would regret any incursion.", "13", "KHM"),
    ("Uruguay urged that Brasilia reopen the bridge.", "02", "BRA"),
    ("Jordan called for Israel to halt the evictions.", "02", "ISR"),   # an appeal
    # through verbs of going on, trying and starting
    ("Egypt promised to go on supplying gas to Jordan.", "03", "JOR"),
    ("Norway vowed to keep sending medicine to Sudan.", "03", "SDN"),
    # what the speaker says it will do
    ("Chile said it would resume copper exports to Japan.", "01", "JPN"),
    # the party inside an event noun's phrase
    ("Turkish airstrikes on militant camps in Iraq drew protests.", "19", "IRQ"),
    ("The invasion of Georgia's northern districts began at night.", "19", None),
])
def test_recipient_through_clauses(coder, sentence, prefix, country):
    events = coder.code(sentence, date=DAY)
    if country is None:      # the invasion names no actor: no event, nothing to code
        assert not [e for e in events if e.cameo.startswith(prefix) and e.actor]
        return
    ev = _event(coder, sentence, prefix)
    assert country in _countries(ev), (ev.cameo, ev.recipient, ev.decided_by)


@pytest.mark.parametrize("sentence,prefix", [
    # no actor in the clause
    ("Peru said that the economy would grow faster next year.", "01"),
    ("Finland warned that the winter would be hard for farmers.", "13"),
    # no state named: nothing to take
    ("Canada demanded that the negotiations resume at once.", "10"),
])
def test_no_recipient_without_an_actor_in_the_clause(coder, sentence, prefix):
    ev = _event(coder, sentence, prefix)
    assert not _countries(ev), (ev.recipient, ev.decided_by)


def test_the_speaker_itself_is_not_the_recipient(coder):
    ev = _event(coder, "Poland insisted that Warsaw would never change its coal policy.", "10")
    assert "POL" not in _countries(ev)
    ev = _event(coder, "Kenya told Uganda that Nairobi would keep the border open.", "01")
    assert _countries(ev) == {"UGA"}


def test_a_place_where_the_pledge_was_made_is_not_the_recipient(coder):
    ev = _event(coder, "Chilean ministers agreed in Lima to resume copper shipments to China.",
                "03")
    assert _countries(ev) == {"CHN"}, (ev.recipient, ev.decided_by)
