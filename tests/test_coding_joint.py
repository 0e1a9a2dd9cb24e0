"""Joint subjects and symmetric acts: "X and Y met" codes the X–Y dyad both ways, conjoined
modifiers name both states ("Indian and Chinese troops"), "the two armies" refers back to two
states, "talks between X and Y" names its parties, and a joint subject of a one-way act keeps
one event with both actors. Sentences written for these tests, coded with the real parse."""
import pytest

from eventdesk import open_store
from eventdesk.model import Document

DAY = "2021-06-01"


def dyads(events):
    """(actor countries, recipient countries, primary) of each event, in order."""
    return [("+".join(a.country or a.code for a in e.actor),
             "+".join(r.country or r.code for r in e.recipient), e.primary) for e in events]


def _pairs(coder, tmp_path, text):
    """The (actor, recipient) country pairs the store gives for a text, one row per pair."""
    with open_store(tmp_path / "s.duckdb") as store:
        store.ingest([Document(id="d", text=text, date=None)], coder)
        df = store.events(as_frame=True, explode=True)
    return sorted(zip(df["actor_country"], df["recipient_country"]))


def test_conjoined_modifiers_reach_both_states_and_both_directions(coder):
    events = coder.code("Indian and Chinese troops clashed in the Galwan valley.", date=DAY)
    assert [[a.code for a in e.actor] + [r.code for r in e.recipient] for e in events] == \
        [["INDMIL", "CHNMIL"], ["CHNMIL", "INDMIL"]]
    first, other = events
    assert first.primary and not other.primary
    assert first.decided_by["actor"] == "conjoined_modifiers via subject"
    assert first.decided_by["recipient"] == "reciprocal_parties"
    assert other.decided_by["actor"] == "other_direction via reciprocal_parties"
    # the same act: code, status, date and place are shared; the id is its own
    assert (other.cameo, other.status, other.date, other.location) == \
        (first.cameo, first.status, first.date, first.location)
    assert other.id != first.id
    text = first.text
    assert [text[a:b] for a, b in other.spans["actor"]] == ["Chinese"]


def test_a_state_conjoined_to_a_possessor_takes_the_heads_sector(coder):
    events = coder.code("India and Pakistan's foreign ministers met in Astana.", date=DAY)
    assert [e.actor[0].code for e in events] == ["INDGOV", "PAKGOV"]
    assert [e.recipient[0].code for e in events] == ["PAKGOV", "INDGOV"]


def test_a_one_way_act_of_a_joint_subject_is_one_event_with_both_actors(coder, tmp_path):
    events = coder.code("Russia and China criticised the United States.", date=DAY)
    assert dyads(events) == [("RUS+CHN", "USA", True)]
    # the store's pairs: RUS→USA and CHN→USA
    assert _pairs(coder, tmp_path, "Russia and China criticised the United States.") == \
        [("CHN", "USA"), ("RUS", "USA")]


@pytest.mark.parametrize("text,expected", [
    # conjoined objects of a one-way act: no reciprocity
    ("The EU condemned Russia and Belarus.", [("EUR", "RUS+BLR", True)]),
    ("Armenia and Azerbaijan accused Turkey of meddling.", [("ARM+AZE", "TUR", True)]),
    # conjoined objects of a symmetric act: they met him too, as one side
    ("Putin met Xi and Modi in Qingdao.", [("RUS", "CHN+IND", True),
                                          ("CHN+IND", "RUS", False)]),
    # a joint subject meeting a third party: the two sides are the subject and the third
    ("Russia and China met with Iranian officials in Moscow.",
     [("RUS+CHN", "IRN", True), ("IRN", "RUS+CHN", False)]),
])
def test_which_side_is_which(coder, text, expected):
    assert dyads(coder.code(text, date=DAY)) == expected


def test_a_list_of_three_gives_every_party_its_turn(coder, tmp_path):
    text = "France, Germany and Italy signed a joint declaration."
    assert dyads(coder.code(text, date=DAY)) == [
        ("FRA", "DEU+ITA", True), ("DEU", "FRA+ITA", False), ("ITA", "FRA+DEU", False)]
    # every ordered pair once
    assert _pairs(coder, tmp_path, text) == sorted(
        (a, b) for a in ("FRA", "DEU", "ITA") for b in ("FRA", "DEU", "ITA") if a != b)


@pytest.mark.parametrize("text,decided", [
    ("Armenia and Azerbaijan accused each other of shelling villages.", "each_other"),
    ("Peru and Ecuador blamed one another for the incident.", "each_other"),
    ("India and Pakistan shelled each other's posts.", "each_other"),
])
def test_an_act_done_to_each_other_holds_both_ways(coder, text, decided):
    events = coder.code(text, date=DAY)
    assert len(events) == 2 and events[0].decided_by["recipient"] == decided
    (a, b, _), (c, d, _) = dyads(events)
    assert (a, b) == (d, c) and a != b


def test_the_two_armies_and_the_two_sides_refer_back_to_the_two_states(coder):
    text = ("India and China held talks in Moscow. Days later the two armies clashed near the "
            "border.")
    events = [e for e in coder.code(text, date=DAY) if e.sentence_index == 1]
    assert [(e.actor[0].code, e.recipient[0].code) for e in events] == \
        [("INDMIL", "CHNMIL"), ("CHNMIL", "INDMIL")]
    # the place of a meeting is not one of "the two sides"
    text = ("Serbia's president and Kosovo's prime minister met in Brussels on Monday. The two "
            "sides signed a deal on licence plates.")
    second = [e for e in coder.code(text, date=DAY) if e.sentence_index == 1]
    assert {(e.actor[0].country, e.recipient[0].country) for e in second} == \
        {("SRB", "XKX"), ("XKX", "SRB")}


def test_the_two_countries_ministers_are_each_states_ministers(coder):
    text = ("For the first time since the war between Iraq and Iran, the two countries' defence "
            "ministers met in Tehran on Sunday.")
    events = coder.code(text, date=DAY)
    assert [(e.actor[0].code, e.recipient[0].code) for e in events] == \
        [("IRQGOV", "IRNGOV"), ("IRNGOV", "IRQGOV")]


@pytest.mark.parametrize("text,code,parties", [
    ("Talks between Armenia and Azerbaijan resumed in Brussels.", "046", ("ARM", "AZE")),
    ("Clashes between Indian and Chinese troops left twenty soldiers dead.", "190",
     ("IND", "CHN")),
])
def test_an_event_noun_names_its_parties_with_between(coder, text, code, parties):
    events = [e for e in coder.code(text, date=DAY) if e.cameo == code]
    assert [(e.actor[0].country, e.recipient[0].country) for e in events] == \
        [parties, parties[::-1]]
    assert events[0].decided_by["recipient"] == "between_parties" and events[0].primary


def test_mutual_accusations_are_a_symmetric_accusation(coder):
    events = coder.code("Serbia and Kosovo traded accusations over the border.", date=DAY)
    assert [(e.cameo, *dyads([e])[0][:2]) for e in events] == \
        [("112", "SRB", "XKX"), ("112", "XKX", "SRB")]


def test_eval_counts_a_symmetric_act_once_whichever_way_the_gold_codes_it(coder, tmp_path):
    from eventdesk.evaluate import Scores, read_gold, score_item

    gold = tmp_path / "gold.xml"
    gold.write_text(
        '<Validation><Sentences><Sentence date="20210601" id="j-1">'
        '<EventCoding sourcecode="CHN" targetcode="IND" eventcode="190"></EventCoding>'
        '<Text>Indian and Chinese troops clashed in the Galwan valley.</Text>'
        '</Sentence></Sentences></Validation>', encoding="utf-8")
    _, items = read_gold(gold, "petrarch-xml", lambda e: None)
    s = Scores(fmt="petrarch-xml")
    (item,) = items
    score_item(item, coder.code(item.text, date=item.date), None, s)
    assert s.triples == [1, 0, 0]


def test_a_target_named_elsewhere_is_not_the_other_side(coder):
    # the agreement is between France and Germany; Ukraine agreed to nothing
    events = coder.code("France and Germany agreed to send tanks to Ukraine.", date=DAY)
    assert not any(e.decided_by["actor"].startswith("other_direction") for e in events)
    assert all(e.recipient[0].country == "UKR" for e in events)
