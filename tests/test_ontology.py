import pytest

from eventdesk.errors import DataError
from eventdesk.ontology import cameo, cameo_table, is_cameo, penta_of, quad_of


def test_every_cameo_code_is_present_with_leading_zeros():
    table = cameo_table()
    assert len(table) == 312
    assert {c.root for c in table.values()} == {f"{i:02d}" for i in range(1, 21)}
    assert is_cameo("010") and is_cameo("0251") and is_cameo("10")
    assert not is_cameo("999") and not is_cameo(10) and not is_cameo("10 ")


def test_scores_and_classes_follow_the_published_tables():
    assert cameo("163").goldstein == -8.0          # impose embargo, boycott or sanctions
    assert cameo("057").goldstein == 8.0           # sign formal agreement
    assert cameo("016").goldstein == -2.0 and cameo("016").goldstein_codebook == -5.0
    assert (cameo("042").quad, cameo("042").penta) == (1, 1)
    assert (cameo("160").quad, cameo("160").penta) == (4, 3)   # root 16: material, verbal conflict
    assert (cameo("0251").quad, cameo("0251").penta) == (1, 0)
    for c in cameo_table().values():
        assert c.quad == quad_of(c.root) and c.penta == penta_of(c.root)


def test_plover_map_covers_roots_02_to_20():
    assert cameo("163").plover == "COERCE"       # as the PLOVER project's map has it
    assert cameo("042").plover == "CONSULT"
    assert cameo("190").plover == "ASSAULT"
    assert all(c.plover for c in cameo_table().values() if c.root != "01")
    assert all(not c.plover for c in cameo_table().values() if c.root == "01")


def test_appeals_are_requests_with_the_mode_of_the_matching_demand():
    # the PLOVER manual: REQUEST is all requests, demands and orders
    for appeal, demand in (("0253", "1053"), ("026", "106"), ("0234", "1034"), ("024", "104")):
        a, d = cameo(appeal), cameo(demand)
        assert (a.plover, a.mode, a.context) == (d.plover, d.mode, d.context)
        assert a.plover == "REQUEST"
    assert cameo("020").plover == "REQUEST" and not cameo("020").mode


def test_unknown_code_is_refused():
    with pytest.raises(DataError):
        cameo("999")
