"""Resolution of mentions: dated roles, metonymy, compounds, reciprocals, coreference, user files."""
from datetime import date

import pytest

from eventdesk import nlp
from eventdesk.actors import KnowledgeBase, check, knowledge_base, lookup
from eventdesk.coding.coder import Coder


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


# (person mention, date, expected code) — before, during, between and after terms
ROLE_CASES = [
    ("Kim", "2017-05-10", "PRKGOV"),            # a shared name: the Kim in office that day
    ("Kim", "2001-05-10", "KORGOV"),            # ... Kim Dae-jung, who took office later
    ("Trump", "2016-11-09", "USAELI"),          # before his first term: no listed role yet
    ("Trump", "2017-01-20", "USAGOV"),          # first day in office
    ("Trump", "2019-06-01", "USAGOV"),
    ("Trump", "2021-01-21", "USAELI"),          # the day after he left
    ("Trump", "2023-06-01", "USAELI"),          # between terms
    ("Trump", "2025-01-20", "USAGOV"),          # second term
    ("Obama", "2012-05-01", "USAGOV"),
    ("Obama", "2017-05-01", "USAELI"),
    ("Tillerson", "2017-01-15", "USAELI"),      # nominee, not yet in office
    ("Tillerson", "2017-04-12", "USAGOV"),
    ("Tillerson", "2018-06-01", "USAELI"),
    ("Putin", "2001-01-01", "RUSGOV"),          # president
    ("Putin", "2010-01-01", "RUSGOV"),          # prime minister between presidencies
    ("Putin", "2017-04-12", "RUSGOV"),
    ("Medvedev", "2009-01-01", "RUSGOV"),
    ("Lavrov", "2003-01-01", "RUSELI"),         # before he became foreign minister (2004)
    ("Lavrov", "2017-05-10", "RUSGOV"),
    ("Xi Jinping", "2017-04-06", "CHNGOV"),
    ("Kim Jong Un", "2017-05-14", "PRKGOV"),
    ("Bashar al-Assad", "2017-04-07", "SYRGOV"),
    ("Bashar al-Assad", "2025-03-01", "SYRELI"), # after his fall in December 2024
    ("Poroshenko", "2017-06-20", "UKRGOV"),
    ("Moon Jae-in", "2017-06-01", "KORGOV"),
    ("Moon Jae-in", "2016-06-01", "KORELI"),
    ("Shinzo Abe", "2017-02-10", "JPNGOV"),
    ("Angela Merkel", "2017-01-28", "DEUGOV"),
    ("Theresa May", "2017-03-01", "GBRGOV"),
    ("Emmanuel Macron", "2017-06-01", "FRAGOV"),
    ("Emmanuel Macron", "2016-06-01", "FRAELI"),  # minister of the economy, not a listed role
    ("Stoltenberg", "2017-05-25", "NATGOV"),
    ("Guterres", "2017-04-13", "UNOGOV"),
    ("Navalny", "2017-03-27", "RUSOPP"),
    ("James Mattis", "2017-02-03", "USAGOV"),
]


@pytest.mark.parametrize("mention,day,code", ROLE_CASES, ids=[f"{m}-{d}" for m, d, _ in ROLE_CASES])
def test_person_resolves_as_of_the_date(kb, mention, day, code):
    lines = lookup(kb, mention, date.fromisoformat(day))
    assert lines[-1].startswith(f"on {day}: {code} "), lines


TITLE_CASES = [
    ("the Russian foreign minister", "RUSGOV"),
    ("Chinese officials", "CHNGOV"),
    ("North Korean troops", "PRKMIL"),
    ("Chinese tourist companies", "CHNBUS"),
    ("Russian opposition leaders", "RUSOPP"),
    ("the U.S. Navy", "USAMIL"),
    ("South Korean prosecutors", "KORJUD"),
    ("Syrian rebels", "SYRREB"),
    ("Ukrainian lawmakers", "UKRLEG"),
    ("the Kremlin", "RUSGOV"),
    ("the White House", "USAGOV"),
    ("the Pentagon", "USAMIL"),            # a seat that stands for one sector
    ("the CIA", "USASPY"),
    ("Downing Street", "GBRGOV"),
    ("Pyongyang", "PRKGOV"),
    ("NATO", "NAT"),
    ("the United Nations", "UNO"),
    ("the European Union", "EUR"),
    ("the West", "WST"),
]


@pytest.mark.parametrize("mention,code", TITLE_CASES, ids=[m for m, _ in TITLE_CASES])
def test_titles_demonyms_and_seats_of_power(kb, mention, code):
    lines = lookup(kb, mention, date(2017, 4, 12))
    assert f": {code} (" in lines[-1], lines


@pytest.fixture(scope="module")
def coder():
    return Coder()


def code(coder, text, day="2017-04-12"):
    return [(sorted(e.code for e in ev.actor), sorted(e.code for e in ev.recipient), ev.cameo[:2],
             ev.location.name if ev.location else None)
            for ev in coder.code(text, date=day)]


# sentence → expected (actors, recipients, root, location) among the coded events
SENTENCE_CASES = [
    # metonymy: a capital as subject or object is the government; after "in" it is the place
    ("Moscow condemned the strike.", (["RUSGOV"], [], "11", None)),
    ("Washington warned Pyongyang.", (["USAGOV"], ["PRKGOV"], "13", None)),
    ("Tillerson held talks with Lavrov in Moscow.", (["USAGOV"], ["RUSGOV"], "04", "Moscow")),
    ("Putin met Xi in Beijing.", (["RUSGOV"], ["CHNGOV"], "04", "Beijing")),
    ("Tillerson visited Moscow.", (["USAGOV"], ["RUSGOV"], "04", None)),
    ("Tillerson traveled to Moscow.", (["USAGOV"], ["RUSGOV"], "04", None)),
    ("Pence arrived in Seoul.", (["USAGOV"], ["KORGOV"], "04", "Seoul")),   # host and place
    ("The Kremlin's spokesman criticized Washington.", (["RUSGOV"], ["USAGOV"], "11", None)),
    # compounds: one event, one actor list
    ("Russia and China called for dialogue.", (["CHN", "RUS"], [], "02", None)),
    ("Japan and South Korea condemned the launch.", (["JPN", "KOR"], [], "11", None)),
    ("Haley accused Russia and China of shielding Damascus.", (["USAGOV"], ["CHN", "RUS"], "11", None)),
    # reciprocals: both sides named
    ("Russia and China held talks.", (["RUS"], ["CHN"], "04", None)),
    ("The United States and China signed an agreement.", (["USA"], ["CHN"], "05", None)),
    ("Putin and Trump spoke by telephone.", (["RUSGOV"], ["USAGOV"], "04", None)),
]


@pytest.mark.parametrize("text,expected", SENTENCE_CASES, ids=[t[:40] for t, _ in SENTENCE_CASES])
def test_sentence_resolution(coder, text, expected):
    got = code(coder, text)
    assert tuple(expected) in [tuple(g) for g in got], got


COREF_CASES = [
    ("Rex Tillerson arrived in Moscow. He met Sergei Lavrov.", (["USAGOV"], ["RUSGOV"], "04")),
    ("Lavrov spoke to reporters. He criticized the United States.", (["RUSGOV"], ["USA"], "11")),
    ("Theresa May visited Washington. She praised Trump.", (["GBRGOV"], ["USAGOV"], "05")),
    ("Chinese officials met in Beijing. They condemned the launch.", (["CHNGOV"], [], "11")),
    ("North Korea fired a missile. It threatened Japan.", (["PRK"], ["JPN"], "13")),
    ("Tillerson met Lavrov in Moscow. The two sides held talks for hours.",
     (["USAGOV"], ["RUSGOV"], "04")),
    ("Putin spoke with Xi by telephone. The two leaders agreed to meet.",
     (["RUSGOV"], ["CHNGOV"], "03")),       # an agreement of the two: each with the other
    ("Xi Jinping arrived in Florida. The president met Trump.", (["CHNGOV"], ["USAGOV"], "04")),
    ("Russia suspended the memorandum. The government rejected the criticism.",
     (["RUSGOV"], [], "12")),
]


@pytest.mark.parametrize("text,expected", COREF_CASES, ids=[t[:40] for t, _ in COREF_CASES])
def test_coreference_within_a_document(coder, text, expected):
    got = [(a, r, root) for a, r, root, _ in code(coder, text)]
    assert tuple(expected) in [tuple(g) for g in got], got


def test_pronoun_without_antecedent_is_an_unknown_actor(coder):
    (ev,) = coder.code("He condemned the strike.", date="2017-04-12")
    assert [(e.code, e.country, e.text) for e in ev.actor] == [("---", None, "He")]
    assert Coder(unknown_actors=False).code("He condemned the strike.", date="2017-04-12") == []


def test_coreference_does_not_cross_documents(coder):
    assert code(coder, "Lavrov spoke to reporters.") != []
    assert [a for a, _, _, _ in code(coder, "He criticized the United States.")] == [["---"]]


def test_unresolved_recipient_phrase_is_marked_without_an_entity(coder):
    text = "Russia condemned the missile strike."
    (ev,) = coder.code(text, date="2017-04-12")
    assert ev.recipient == ()
    (s, e), = ev.spans["recipient"]
    assert text[s:e] == "missile strike"


def test_antecedent_in_the_same_sentence_is_marked_in_the_spans(coder):
    text = "Russia said it would expel American diplomats."
    # the expulsion pattern fired (coded as the threat of it: a stated intention)
    (ev,) = [e for e in coder.code(text, date="2017-04-12") if e.pattern.startswith("166")]
    (s, e), = ev.spans["actor"]
    assert text[s:e] == "Russia"


# -- user files and bad knowledge-base files -----------------------------------------------------
def test_user_yaml_file_extends_and_overrides(tmp_path):
    f = tmp_path / "my_actors.yaml"
    f.write_text("""
people:
  - name: Sergei Lavrov
    variants: [Lavrov]
    country: RUS
    sector: GOV
    role: foreign_minister
    start: 2004-03-09
    end: 2016-12-31
  - name: Ivan Petrov
    variants: Petrov|I. Petrov
    country: RUS
    sector: MIL
    role: other
    start: 2015-01-01
    note: current
states:
  - code: RUS
    name: Russia
    metonyms: [Old Square]
""")
    kb = KnowledgeBase(nlp.load().tokenizer, user_files=[f])
    assert not kb.problems
    assert kb.person_entity("Sergei Lavrov", date(2017, 5, 10)).code == "RUSELI"   # overridden
    assert lookup(kb, "General Petrov", date(2017, 5, 10))[-1].startswith("on 2017-05-10: RUSMIL")
    assert ": RUSGOV (" in lookup(kb, "Old Square", date(2017, 5, 10))[-1]
    assert kb.person_entity("Vladimir Putin", date(2017, 5, 10)).code == "RUSGOV"  # the rest kept


def test_user_tsv_file(tmp_path):
    f = tmp_path / "orgs-mine.tsv"
    f.write_text("code\tname\tvariants\ttype\n"
                 "BRK\tBrook Institute\tthe Brook\tNGO\n")
    kb = KnowledgeBase(nlp.load().tokenizer, user_files=[f])
    assert ": BRK (" in lookup(kb, "Brook Institute", None)[-1]


def test_malformed_rows_are_reported_with_file_and_line_and_the_rest_loads(tmp_path):
    f = tmp_path / "people-bad.tsv"
    f.write_text("name\tvariants\tcountry\tsector\trole\tstart\tend\n"
                 "Good Person\tGoodperson\tFRA\tGOV\tother\t2010-01-01\t\n"
                 "Bad Date\t\tFRA\tGOV\tother\t2010-13-45\t\n"
                 "Too\tMany\tColumns\there\tx\ty\tz\textra\tmore\n"
                 "\t\tFRA\tGOV\tother\t\t\n"
                 "Backwards\t\tFRA\tGOV\tother\t2012-01-01\t2010-01-01\n")
    kb = KnowledgeBase(nlp.load().tokenizer, user_files=[f])
    problems = "\n".join(kb.problems)
    for line in (3, 4, 5, 6):
        assert f"people-bad.tsv:{line}" in problems, problems
    assert "Good Person" in kb.roles and "Bad Date" not in kb.roles
    assert "Lavrov" in " ".join(lookup(kb, "Lavrov", None))


def test_unreadable_yaml_is_a_clear_error(tmp_path):
    from eventdesk.errors import DataError

    f = tmp_path / "broken.yaml"
    f.write_text("people: [unclosed\n")
    with pytest.raises(DataError, match="broken.yaml"):
        KnowledgeBase(nlp.load().tokenizer, user_files=[f])


def test_check_finds_open_roles_unknown_codes_duplicates_and_ambiguity(tmp_path):
    f = tmp_path / "my.yaml"
    f.write_text("""
people:
  - {name: Open Ended, country: FRA, role: other, start: 2010-01-01}
  - {name: No Such Place, country: XYZ, role: other, start: 2010-01-01, end: 2011-01-01}
  - {name: Twice, country: FRA, role: other, start: 2010-01-01, end: 2011-01-01}
  - {name: Twice, country: FRA, role: other, start: 2010-01-01, end: 2011-01-01}
states:
  - {code: ZZZ, name: Zedland, capital: Paris}
  - {code: SUN, name: Soviet Union Again}
""")
    kb = KnowledgeBase(nlp.load().tokenizer, user_files=[f])
    problems = "\n".join(check(kb))
    # codes are checked against pycountry's ISO 3166 tables
    assert "ZZZ (Zedland) is not an ISO 3166 alpha-3 code" in problems
    assert "SUN (Soviet Union Again) is a former ISO code but has no end date" in problems
    assert "Open Ended's other role has no end and is not marked current" in problems
    assert "unknown country or organisation 'XYZ'" in problems
    assert "Twice: duplicate of" in problems
    assert "'paris' names several states: FRA, ZZZ" in problems


def test_packaged_knowledge_base_is_clean(kb):
    assert check(kb) == []
    assert len(kb.states) >= 200 and len(kb.roles) >= 500


def test_actors_cli_lookup_and_check(cli, tmp_path):
    r = cli("actors", "lookup", "Lavrov", "--date", "2017-05-10")
    assert r.returncode == 0 and "RUSGOV" in r.stdout and "people.tsv:" in r.stdout
    r = cli("actors", "check")
    assert r.returncode == 0 and "0 problems" in r.stderr
    bad = tmp_path / "people-x.tsv"
    bad.write_text("name\tvariants\tcountry\tsector\trole\tstart\tend\nX\t\tFRA\tGOV\tother\t2010-01-01\t\n")
    r = cli("actors", "check", "--actors", bad)
    assert r.returncode == 3 and "not marked current" in r.stdout
    r = cli("code", "-", "--date", "2017-05-10", "--actors", tmp_path / "missing.yaml",
            input="Russia condemned the strike.")
    assert r.returncode == 2 and "missing.yaml" in r.stderr


NOMINAL_CASES = [
    ("Tillerson's visit to Moscow ended on Wednesday.", (["USAGOV"], ["RUSGOV"], "04", "asserted")),
    ("The Xi-Trump summit opened at Mar-a-Lago.", (["CHNGOV"], ["USAGOV"], "04", "asserted")),
    ("Russia welcomed the upcoming Putin-Trump meeting.", (["RUSGOV"], ["USAGOV"], "04", "future")),
    ("A Russian–U.S. working group met in Geneva.", (["RUS"], ["USA"], "04", "asserted")),
    ("Russian-Chinese talks opened in Moscow.", (["RUS"], ["CHN"], "04", "asserted")),
]


@pytest.mark.parametrize("text,expected", NOMINAL_CASES, ids=[t[:40] for t, _ in NOMINAL_CASES])
def test_nominal_events_and_dash_pairs_name_both_parties(coder, text, expected):
    got = [(sorted(e.code for e in ev.actor), sorted(e.code for e in ev.recipient), ev.cameo[:2],
            ev.status.value) for ev in coder.code(text, date="2017-04-12")]
    assert tuple(expected) in [tuple(g) for g in got], got


def test_light_verb_object_is_not_coded_twice(coder):
    events = coder.code("Trump held a summit with Xi.", date="2017-04-12")
    # the summit is not coded again as a noun; the meeting holds in both directions
    assert [e.pattern for e in events] == ["040.hold.meeting"] * 2
    assert [(e.actor[0].country, e.recipient[0].country) for e in events] == \
        [("USA", "CHN"), ("CHN", "USA")]
