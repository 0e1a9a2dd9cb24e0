import io
import json
from datetime import date

import pytest

from eventdesk.errors import InputError
from eventdesk.readers import MAX_DOCUMENT_BYTES, ReadStats, read_documents


def read(paths, **kw):
    stats = ReadStats()
    docs = list(read_documents([str(p) for p in paths], stats=stats, **kw))
    return docs, stats


def test_text_file_title_and_iso_date(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Tillerson arrives in Moscow\n2017-04-12\n\nRex Tillerson met Sergei Lavrov.\n")
    (doc,), stats = read([p])
    assert doc.title == "Tillerson arrives in Moscow"
    assert doc.date == date(2017, 4, 12) and doc.date_precision.value == "day"
    assert doc.text == "Rex Tillerson met Sergei Lavrov."
    assert not stats.skipped


def test_text_file_written_date_and_no_title(tmp_path):
    p = tmp_path / "b.txt"
    p.write_text("May 22, 2017\nRussia and China held talks in Beijing. They agreed to meet.\n")
    (doc,), _ = read([p])
    assert doc.date == date(2017, 5, 22)
    assert doc.title is None
    assert doc.text.startswith("Russia and China")


def test_default_date_only_when_the_file_has_none(tmp_path):
    (tmp_path / "dated.txt").write_text("A headline here\n2017-01-20\n\nBody text.\n")
    (tmp_path / "undated.txt").write_text("Body text without any date at all.\n")
    docs, _ = read([tmp_path], default_date="2017-06-01")
    by_name = {d.path.rsplit("/", 1)[1]: d for d in docs}
    assert by_name["dated.txt"].date == date(2017, 1, 20)
    assert by_name["undated.txt"].date == date(2017, 6, 1)
    docs, _ = read([tmp_path / "undated.txt"])
    assert docs[0].date is None and docs[0].date_precision.value == "unknown"


def test_bad_default_date_is_a_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text("Text.\n")
    with pytest.raises(InputError, match="does not parse"):
        read([tmp_path / "a.txt"], default_date="the day after")


def test_html_main_text_title_and_date(tmp_path):
    body = " ".join(["Russian President Vladimir Putin met Chinese President Xi Jinping in "
                     "Beijing on Sunday to discuss trade and security."] * 3)
    p = tmp_path / "page.html"
    p.write_text(f"""<html><head><title>Putin in Beijing</title>
<meta property="article:published_time" content="2017-05-14"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe</a></nav>
<article><h1>Putin in Beijing</h1><p>{body}</p><p>The two leaders signed agreements.</p></article>
<footer>Copyright. All rights reserved. Subscribe to our newsletter.</footer></body></html>""")
    (doc,), stats = read([p])
    assert doc.title == "Putin in Beijing"
    assert doc.date == date(2017, 5, 14)
    assert "signed agreements" in doc.text
    assert "Subscribe" not in doc.text and "Home" not in doc.text


def test_jsonl_records_with_ids_and_without(tmp_path):
    p = tmp_path / "batch.jsonl"
    p.write_text("\n".join([
        json.dumps({"id": "w1", "text": "Russia condemned the strike.", "date": "2017-04-07",
                    "title": "T", "url": "https://example.org/1", "source": "wire"}),
        json.dumps({"text": "China welcomed the talks."}),
    ]) + "\n")
    docs, stats = read([p])
    assert [d.id for d in docs][0] == "w1"
    assert docs[0].url == "https://example.org/1" and docs[0].source == "wire"
    assert docs[1].id.startswith("c-")
    again, _ = read([p])
    assert [d.id for d in again] == [d.id for d in docs]        # stable ids


def test_directory_is_recursive_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Second file body.\n")
    (tmp_path / "1.txt").write_text("First file body.\n")
    (tmp_path / ".secret.txt").write_text("Hidden body.\n")
    (tmp_path / ".hidden" / "x.txt").write_text("Hidden too.\n")
    docs, stats = read([tmp_path])
    assert [d.text for d in docs] == ["First file body.", "Second file body."]
    assert not stats.skipped


def test_stdin_text_and_stdin_jsonl():
    docs = list(read_documents(["-"], stdin=io.BytesIO(b"Moscow warned Washington.\n"),
                               default_date="2017-04-08"))
    assert docs[0].text == "Moscow warned Washington." and docs[0].date == date(2017, 4, 8)
    lines = b'{"text": "One."}\n{"text": "Two."}\n'
    docs = list(read_documents(["-"], stdin=io.BytesIO(lines)))
    assert [d.text for d in docs] == ["One.", "Two."]


def test_encodings_bom_and_cp1252(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeffPyongyang’s envoy spoke.\n".encode("utf-8"))
    (tmp_path / "win.txt").write_bytes("Moscow’s envoy — café.\n".encode("cp1252"))
    docs, stats = read([tmp_path])
    texts = sorted(d.text for d in docs)
    assert texts == ["Moscow’s envoy — café.", "Pyongyang’s envoy spoke."]
    assert len(stats.warnings) == 1 and "win.txt" in str(stats.warnings[0])


def test_bad_inputs_are_reported_and_skipped_without_stopping_the_batch(tmp_path):
    (tmp_path / "00-good.txt").write_text("Russia condemned the strike.\n")
    (tmp_path / "01-empty.txt").write_text("")
    (tmp_path / "02-binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "03-huge.txt").write_bytes(b"word " * (4 * 1024 * 1024))   # 20 MB, one line
    (tmp_path / "04-unknown.xyz").write_text("Some text.\n")
    (tmp_path / "05-broken-link.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "06-batch.jsonl").write_text(
        '{"text": "China welcomed the talks."}\n'
        "this is not json\n"
        '{"id": "no-text"}\n'
        '{"text": "Dated badly.", "date": "sometime soon"}\n'
        '[1, 2]\n')
    (tmp_path / "07-random.txt").write_bytes(bytes((i * 37 + 11) % 255 + 1 for i in range(3000)))  # no NUL
    (tmp_path / "08-good.txt").write_text("China welcomed the talks.\n")
    docs, stats = read([tmp_path, tmp_path / "missing.txt"])
    assert [d.text for d in docs] == ["Russia condemned the strike.", "China welcomed the talks.",
                                      "Dated badly.", "China welcomed the talks."]
    msgs = [str(e) for e in stats.skipped]
    expect = {"01-empty.txt": "empty", "02-binary.txt": "binary", "03-huge.txt": "limit",
              "04-unknown.xyz": "unsupported", "05-broken-link.txt": "cannot read",
              "06-batch.jsonl:2": "not JSON", "06-batch.jsonl:3": "no 'text'",
              "06-batch.jsonl:5": "object", "07-random.txt": "binary",
              "missing.txt": "no such file"}
    for where, what in expect.items():
        assert any(where in m and what in m for m in msgs), (where, msgs)
    assert len(msgs) == len(expect)
    assert any("06-batch.jsonl:4" in str(w) and "unknown date" in str(w) for w in stats.warnings)


def test_oversized_jsonl_line_is_skipped_and_the_next_line_read(tmp_path):
    p = tmp_path / "big.jsonl"
    with open(p, "wb") as fh:
        fh.write(b'{"text": "' + b"x" * (MAX_DOCUMENT_BYTES + 100) + b'"}\n')
        fh.write(b'{"text": "Small record."}\n')
    docs, stats = read([p])
    assert [d.text for d in docs] == ["Small record."]
    assert "big.jsonl:1" in str(stats.skipped[0]) and "limit" in str(stats.skipped[0])


def test_invalid_utf8_inside_jsonl_line_is_read_with_a_warning(tmp_path):
    p = tmp_path / "mixed.jsonl"
    p.write_bytes(b'{"text": "Caf\xe9 talks in Paris."}\n')
    docs, stats = read([p])
    assert docs[0].text == "Café talks in Paris."
    assert "mixed.jsonl:1" in str(stats.warnings[0])
