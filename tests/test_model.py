from datetime import date

from eventdesk.model import Entity, Event, Location, Precision, Status, stable_hash


def make_event(**kw):
    base = dict(id="0123456789abcdef", doc_id="d1", sentence_index=0, text="Russia hit.",
                date=date(2017, 4, 7), date_precision=Precision.DAY,
                actor=(Entity("RUSGOV", "RUS", "GOV", "Moscow"),), recipient=(),
                cameo="010", cameo_name="Make statement", goldstein=0.0, quad=1, penta=0,
                plover=None, mode=None, context=None, status=Status.ASSERTED, pattern="010.say",
                location=Location("Moscow", "RUS", "Moscow"),
                spans={"actor": [[0, 6]], "action": [[7, 10]], "recipient": []})
    base.update(kw)
    return Event(**base)


def test_event_json_round_trip_keeps_every_field_and_leading_zeros():
    ev = make_event(cameo="0251")
    back = Event.from_json(ev.to_json())
    assert back == ev
    assert back.cameo == "0251" and back.root == "02"


def test_stable_hash_is_stable_and_separates_parts():
    assert stable_hash("a", "b") == stable_hash("a", "b")
    assert stable_hash("ab", "") != stable_hash("a", "b")
    assert len(stable_hash("x")) == 16


def test_version_3_fields_round_trip_and_a_version_2_record_reads_with_defaults():
    ev = make_event(primary=True, mention=True, mention_of="abc", confidence=0.42)
    assert Event.from_json(ev.to_json()) == ev
    old = make_event().to_dict()
    for k in ("primary", "mention", "mention_of", "confidence"):
        del old[k]
    back = Event.from_dict(old)
    assert (back.primary, back.mention, back.mention_of, back.confidence) == \
        (False, False, None, None)
