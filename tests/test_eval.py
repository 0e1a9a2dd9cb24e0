"""`eventdesk eval`: each gold format read, scored and its misses written; bad gold files refused.

The sample gold files in tests/data/eval/ were written for these tests. gold.class.tsv labels its
last sentence (a condemnation) as verbal cooperation on purpose, so that there is a miss to find.
"""
import json
from pathlib import Path

import pytest

from eventdesk.errors import UsageError
from eventdesk.evaluate import detect_format, evaluate, read_gold, write_misses

DATA = Path(__file__).parent / "data" / "eval"
FILES = {"conflibert-class": "gold.class.tsv", "conflibert-spans": "gold.spans.txt",
         "plover-gsr": "gold.gsr.json", "petrarch-xml": "gold.petrarch.xml"}


def scored(coder, name):
    problems = []
    fmt, items = read_gold(DATA / name, None, problems.append)
    return fmt, evaluate(items, coder, fmt), problems


@pytest.mark.parametrize("fmt,name", FILES.items())
def test_the_format_is_detected_from_the_file(fmt, name):
    assert detect_format(DATA / name) == fmt


def test_five_way_scores_confusion_and_misses(coder, tmp_path):
    fmt, s, problems = scored(coder, FILES["conflibert-class"])
    assert [str(p) for p in problems] == [
        f"{DATA / 'gold.class.tsv'}:3: expected `sentence<TAB>label` with a label 0-4"]
    fw = s.five_way()
    assert s.n == 4 and fw["n"] == 4
    # the deliberately wrong label is the one miss: the signing is right, the condemnation not
    assert s.confusion[("1", "1")] == 1 and sum(v for (g, _), v in s.confusion.items()
                                                 if g == "1") == 2
    assert fw["accuracy"] == pytest.approx(0.75)
    n = write_misses(s, tmp_path / "m.tsv")
    rows = (tmp_path / "m.tsv").read_text().splitlines()
    assert n == 1 and len(rows) == 2 and "American strike" in rows[1]
    assert "class 1 predicted" in rows[1] and ":5\t" in rows[1]


def test_petrarch_triples_dates_and_no_event_sentences(coder):
    fmt, s, problems = scored(coder, FILES["petrarch-xml"])
    messages = [str(p) for p in problems]
    assert any(":24: unknown CAMEO code '9999'" in m for m in messages)
    assert any("cannot read the date 'notadate'" in m for m in messages)
    assert s.n == 4 and s.gold_no_event == 1 and s.false_alarms == 0
    p, r, f = s.triple_prf()
    # the condemnation and the strike it presupposes are both gold events
    assert (p, r, f) == (1.0, 1.0, 1.0) and s.triples == [4, 0, 0]
    assert s.actor == [3, 3] and s.recipient == [3, 3] and s.plover == [3, 3]


def test_petrarch_compact_dates_are_the_document_dates():
    _, items = read_gold(DATA / FILES["petrarch-xml"], None, lambda e: None)
    assert str(items[0].date) == "2017-04-12" and items[-1].date is None


def test_plover_records_bad_records_are_reported_by_number(coder):
    fmt, s, problems = scored(coder, FILES["plover-gsr"])
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "a record needs a non-empty `text`", "unknown PLOVER event type 'DANCE'",
        "a record needs a non-empty `text`"]
    assert all("record " in str(p) for p in problems)
    assert s.n == 3 and s.plover[1] == 3
    # the meeting and the condemnation are found with both parties
    assert s.plover[0] >= 2 and s.triples[0] >= 2


def test_span_recall_counts_reciprocal_parties(coder):
    _, s, _ = scored(coder, FILES["conflibert-spans"])
    assert s.spans["S"] == [1, 1] and s.spans["T"] == [1, 1] and s.spans["R"] == [2, 2]


@pytest.mark.parametrize("content,message", [
    (b"", "the file is empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
    (b"caf\xe9\t1\n", "not valid UTF-8"),
    (b"[{\"text\": \"truncated", "not a JSON array"),
    (b"{\"text\": \"an object\"}", "cannot tell the gold format"),
])
def test_bad_gold_files_get_a_clear_error(tmp_path, content, message):
    path = tmp_path / "gold"
    path.write_bytes(content)
    with pytest.raises(UsageError, match=message):
        fmt = None if message == "cannot tell the gold format" else "plover-gsr" \
            if content.startswith(b"[") else "conflibert-class"
        read_gold(path, fmt, lambda e: None)


def test_the_command_prints_figures_as_json_and_writes_misses(cli, tmp_path):
    misses = tmp_path / "misses.tsv"
    r = cli("eval", DATA / FILES["petrarch-xml"], "--json", "--misses", misses)
    assert r.returncode == 3, r.stderr            # one record skipped (the unknown code)
    out = json.loads(r.stdout)
    assert out["format"] == "petrarch-xml" and out["triples"]["f1"] == 1.0
    assert out["five_way"]["accuracy"] == 1.0
    assert misses.exists() and "written to" in r.stderr
    r = cli("eval", tmp_path / "nope.tsv")
    assert r.returncode == 2 and "no such file" in r.stderr
