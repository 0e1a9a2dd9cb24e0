"""Event locations: country level first, cities from the shipped gazetteer, ranked by context."""
import pytest

from eventdesk.coding.coder import Coder
from eventdesk.geo import gazetteer


@pytest.fixture(scope="module")
def coder():
    return Coder()


def location(coder, text, day="2017-04-12"):
    events = coder.code(text, date=day)
    assert events, text
    return events[0].location


@pytest.mark.parametrize("text,name,country,feature", [
    ("Tillerson met Lavrov in Moscow.", "Moscow", "RUS", "city"),
    ("Putin met Xi in Beijing.", "Beijing", "CHN", "city"),
    ("Russian officials met Chinese diplomats in Russia.", "Russia", "RUS", "country"),
    ("Trump met Lavrov at the White House.", "White House", "USA", "place"),
    ("North Korea fired a missile into the Sea of Japan.", "Sea of Japan", None, "feature"),
    ("Russian and Chinese officials held talks in Astana.", "Astana", "KAZ", "city"),
    ("The North Korean ferry arrived in Vladivostok.", "Vladivostok", "RUS", "city"),
    ("Ukrainian troops fought separatists near Avdiivka.", "Avdiyivka", "UKR", "city"),
    ("NATO leaders met in Brussels.", "Brussels", "BEL", "city"),
])
def test_location_of_the_event(coder, text, name, country, feature):
    loc = location(coder, text)
    assert (loc.name, loc.country, loc.feature) == (name, country, feature)


def test_city_has_coordinates_and_a_geonames_id(coder):
    loc = location(coder, "Tillerson met Lavrov in Moscow.")
    assert 55 < loc.lat < 56 and 37 < loc.lon < 38 and loc.geonameid


def test_washington_is_the_capital_when_us_officials_act_there(coder):
    loc = location(coder, "U.S. officials met Japanese diplomats in Washington.")
    assert (loc.name, loc.country) == ("Washington", "USA") and 38 < loc.lat < 39.5


def test_ambiguous_name_follows_the_countries_of_the_document():
    g = gazetteer()
    assert g.find("Moscow").country == "RUS"                 # the most populous by default
    assert g.find("Moscow", ["USA"]).country == "USA"        # Moscow, Idaho, in a U.S. story
    assert g.find("Kiev").country == "UKR"                   # an alternate name
    assert g.find("Rason").name == "Rajin"


def test_unresolvable_place_leaves_only_that_location_empty(coder):
    events = coder.code("Lavrov met Tillerson in Zzyzxville. Putin met Xi in Beijing.",
                        date="2017-04-12")
    locs = [(e.location.name if e.location else None) for e in events]
    assert locs[-1] == "Beijing"
    assert events[0].location is None or events[0].location.lat is None


def test_the_gazetteer_is_cached_once_and_read_back(tmp_path):
    from eventdesk.geo import Gazetteer

    path = tmp_path / "cache" / "gazetteer.sqlite"
    built = Gazetteer(cache=path)
    assert path.exists()
    again = Gazetteer(cache=path)            # opens the file, builds nothing
    (tmp_path / "file").write_text("")
    in_memory = Gazetteer(cache=tmp_path / "file" / "g.sqlite")   # no folder can be made there
    for g in (built, again, in_memory):
        assert g.find("Moscow", ["USA"]).country == "USA"
        assert g.find("Kiev").country == "UKR"
        assert g.region("texas") == "Texas" and g.region("Moscow") is None
    assert not (tmp_path / "file" / "g.sqlite").exists()
