"""Actors from where they act and what they are, and places standing for states: sentences
written for these tests, coded with the real parse; each test reads the countries of the
event's parties and the strategy named in ``decided_by``."""
import pytest

DAY = "2023-03-14"


def _events(coder, text, prefix=None):
    events = coder.code(text, date=DAY)
    return [e for e in events if prefix is None or e.cameo.startswith(prefix)]


def _countries(ents):
    return [e.country for e in ents]


@pytest.mark.parametrize("text,prefix,country,sector", [
    ("Police in Uganda arrested an opposition candidate on Monday.", "17", "UGA", "COP"),
    ("Troops in the north of Syria shelled a village.", "19", "SYR", "MIL"),
    ("Protesters in Caracas burned American flags.", "14", "VEN", "CVL"),
    ("Rebels in eastern Congo attacked a convoy.", "19", "COD", "REB"),
    ("Officials from Iran met the Saudi foreign minister.", "04", "IRN", "GOV"),
])
def test_a_sector_acts_for_the_state_of_its_place(coder, text, prefix, country, sector):
    ev = _events(coder, text, prefix)[0]
    assert [(a.country, a.sector) for a in ev.actor] == [(country, sector)]
    assert ev.decided_by["actor"].startswith("sector_in_place")


def test_a_named_state_is_kept_where_its_troops_are(coder):
    ev = _events(coder, "French soldiers in Chad handed over their last base.", "08")[0]
    assert _countries(ev.actor) == ["FRA"]
    assert "sector_in_place" not in ev.decided_by["actor"]


@pytest.mark.parametrize("text,code,country", [
    ("Hezbollah fired rockets at northern Israel.", "HEZ", "LBN"),
    ("The Houthis attacked a tanker.", "HOU", "YEM"),
    ("M23 rebels captured a town near Goma.", "M23", "COD"),
    ("Wagner fighters attacked a village in Mali.", "WAG", "RUS"),
    ("Gazprom signed a deal with Serbia.", "GAZP", "RUS"),
    ("The ANC urged Israel to end the war.", "ANC", "ZAF"),
])
def test_groups_parties_and_firms_carry_their_home_country(coder, text, code, country):
    ev = _events(coder, text)[0]
    assert [(a.code, a.country) for a in ev.actor] == [(code, country)]


@pytest.mark.parametrize("text", [
    "NATO condemned the attack.", "The International Monetary Fund approved a loan for Egypt.",
    "The World Health Organization sent medicines to Sudan.", "The African Union criticized Niger.",
    "ASEAN urged Myanmar to free prisoners.", "OPEC criticized the sanctions.",
])
def test_igos_have_no_country(coder, text):
    ev = _events(coder, text)[0]
    assert [(a.country, a.sector) for a in ev.actor] == [(None, "IGO")]


@pytest.mark.parametrize("text,pair", [
    ("A new shipping route between Vladivostok and Shanghai opened in June.", {"RUS", "CHN"}),
    ("The first regular ferry service between a North Korean port and a Russian one began "
     "on Monday.", {"PRK", "RUS"}),
    ("A rail link between Kunming and Vientiane opened on Friday.", {"CHN", "LAO"}),
    ("A vessel from the Iranian port of Bandar Abbas docked in Karachi, opening a new shipping "
     "route.", {"IRN", "PAK"}),
])
def test_a_cross_border_connection_is_material_cooperation(coder, text, pair):
    evs = _events(coder, text, "061")
    assert evs, [(e.cameo, e.actor) for e in coder.code(text, date=DAY)]
    ev = evs[0]
    assert ev.plover == "COOPERATE"
    assert set(_countries(ev.actor) + _countries(ev.recipient)) == pair


@pytest.mark.parametrize("text", [
    "A new high-speed rail line between Madrid and Valencia opened on Monday.",  # domestic
    "A ferry service between the Indonesian islands of Bali and Lombok resumed.",
    "A tanker docked in Piraeus on Tuesday to take on fuel.",          # no connection
])
def test_no_cross_border_connection_no_event(coder, text):
    assert not _events(coder, text, "06")


def test_a_venue_is_not_a_party(coder):
    ev = _events(coder, "Iran's foreign minister held talks with his Saudi counterpart in "
                        "Geneva on Monday.", "04")[0]
    assert "CHE" not in _countries(ev.actor) + _countries(ev.recipient)


@pytest.mark.parametrize("text,code", [
    ("The EU met Chinese officials. The bloc then imposed tariffs on Chinese steel.", "EUR"),
    ("The IMF praised Egypt. The fund approved a loan to Cairo.", "IMF"),
])
def test_an_igo_epithet_refers_to_the_igo_named_before(coder, text, code):
    ev = coder.code(text, date=DAY)[-1]
    assert [(a.code, a.country) for a in ev.actor] == [(code, None)]


def test_an_epithet_with_no_igo_before_names_nobody(coder):
    events = coder.code("The alliance condemned the strike on Syria.", date=DAY)
    assert not any(a.sector == "IGO" for e in events for a in e.actor)
