"""Event dates: explicit and relative date phrases against the document date, with precision."""
from datetime import date

import pytest

from eventdesk.dates import parse_date, resolve_relative

WED = date(2017, 4, 12)   # a Wednesday


@pytest.mark.parametrize("phrase,future,expected,precision", [
    ("on Thursday", False, date(2017, 4, 6), "day"),
    ("on Thursday", True, date(2017, 4, 13), "day"),
    ("on Wednesday", False, WED, "day"),
    ("last Wednesday", False, date(2017, 4, 5), "day"),
    ("next Wednesday", True, date(2017, 4, 19), "day"),
    ("on Friday morning", False, date(2017, 4, 7), "day"),
    ("yesterday", False, date(2017, 4, 11), "day"),
    ("tomorrow", True, date(2017, 4, 13), "day"),
    ("last week", False, date(2017, 4, 3), "week"),
    ("next week", True, date(2017, 4, 17), "week"),
    ("earlier this month", False, date(2017, 4, 1), "month"),
    ("last month", False, date(2017, 3, 1), "month"),
    ("in March", False, date(2017, 3, 1), "month"),
    ("in December", False, date(2016, 12, 1), "month"),     # written in April: the last one
    ("in December", True, date(2017, 12, 1), "month"),
    ("on May 14", True, date(2017, 5, 14), "day"),
    ("on May 14, 2016", False, date(2016, 5, 14), "day"),
    ("last year", False, date(2016, 1, 1), "year"),
])
def test_relative_dates(phrase, future, expected, precision):
    d, p = resolve_relative(phrase, WED, future)
    assert (d, p.value) == (expected, precision)


def test_unreadable_phrase_is_none():
    assert resolve_relative("the distant past", WED) is None


def test_parse_date_forms_and_errors():
    assert parse_date("2017-05-22")[0] == date(2017, 5, 22)
    assert parse_date("May 22, 2017")[0] == date(2017, 5, 22)
    assert parse_date("22 May 2017")[0] == date(2017, 5, 22)
    assert parse_date("2017")[1].value == "year"
    with pytest.raises(Exception, match="does not parse"):
        parse_date("not a date")


@pytest.mark.parametrize("sentence,expected,precision", [
    ("Russia condemned the strike on Friday.", "2017-04-07", "day"),
    ("Trump will meet Xi next week.", "2017-04-17", "week"),
    ("China suspended coal imports last month.", "2017-03-01", "month"),
    ("Xi will visit Russia on Monday.", "2017-04-17", "day"),
    ("Tillerson met Lavrov in Moscow.", "2017-04-12", "day"),          # the document's date
])
def test_event_dates_in_sentences(coder, sentence, expected, precision):
    # a meeting is coded from both sides, on the same date
    dates = {(ev.date.isoformat(), ev.date_precision.value)
             for ev in coder.code(sentence, date="2017-04-12")}
    assert dates == {(expected, precision)}


def test_a_date_in_the_body_is_not_the_document_date(tmp_path):
    from eventdesk.readers import read_documents

    p = tmp_path / "a.txt"
    p.write_text("The two leaders first met on May 14, 2016, in Beijing, and agreed to meet again.\n")
    (doc,) = read_documents([p])
    assert doc.date is None


@pytest.mark.parametrize("phrase,future,expected", [
    ("three weeks ago", False, date(2017, 3, 20)),     # dateparser, then the week's Monday
    ("two days ago", False, date(2017, 4, 10)),
    ("in two days", True, date(2017, 4, 14)),
])
def test_counted_phrases_go_through_dateparser(phrase, future, expected):
    assert resolve_relative(phrase, WED, future)[0] == expected


def test_decades_are_not_read_as_days():
    assert resolve_relative("the 1990s", WED) is None
