"""The coder without state: a spaCy component whose events survive ``n_process=2``, one coder
shared by threads, and coding whose work grows linearly with the document."""
from concurrent.futures import ThreadPoolExecutor

from eventdesk import nlp
from eventdesk.coding.component import coding_pipeline, make_doc
from eventdesk.dates import parse_date
from eventdesk.model import Document

TEXTS = [
    "Russia condemned the U.S. missile strike on Syria. Moscow said it would respond.",
    "Lavrov met Wang Yi in Vladivostok on Monday. He praised China's support.",
    "North Korea threatened the United States with a nuclear strike.",
    "The two leaders signed an agreement. The minister said talks would resume.",
    "Germany is willing to provide weapons to Ukraine, the chancellor said on Friday.",
    "Japan refused a request from Russia to visit Tokyo.",
]


def _docs():
    day = parse_date("2017-04-12")[0]
    return [Document(id=f"d{i}", text=t, date=day) for i, t in enumerate(TEXTS * 2)]


def test_the_component_gives_the_same_events_in_two_processes_as_in_one(coder):
    pipeline = coding_pipeline()
    docs = _docs()
    one = [d._.events for d in pipeline.pipe([make_doc(pipeline, d) for d in docs])]
    two = [d._.events for d in pipeline.pipe([make_doc(pipeline, d) for d in docs],
                                             n_process=2, batch_size=2)]
    assert sum(map(len, one)) >= 12
    assert one == two
    # and the same as the coder's own loop
    assert one == [events for _, events in coder.coded(docs)]
    assert {e.doc_id for evs in one for e in evs} == {d.id for d in docs}


def test_one_coder_serves_several_threads(coder):
    docs = _docs() * 3
    serial = [coder.code_documents([d]) for d in docs]
    serial = [list(s) for s in serial]
    parsed = list(nlp.pipe(d.text for d in docs))
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda p: coder.code_parsed(*p), zip(docs, parsed)))
    assert threaded == serial


def _work(coder, paragraphs: int) -> tuple[int, int]:
    """Mentions examined while coding a document of the given number of paragraphs, and its
    events."""
    text = " ".join(f"Russia condemned the strike on Syria number {k}. The two sides met in "
                    f"Geneva. He said the minister would visit Moscow." for k in range(paragraphs))
    doc = Document(id="long", text=text, date=parse_date("2017-04-12")[0])
    st = coder.state(doc)
    parsed = nlp.parse(text)
    events = coder.code_state(st, parsed)
    # each sentence's named entities were split out in one pass, not by spaCy's Span.ents
    # (which scans the whole document at each call)
    assert len(st.sentence_ents) == len(list(parsed.sents))
    assert sum(map(len, st.sentence_ents.values())) == len(parsed.ents)
    return st.mentions.examined, len(events)


def test_work_grows_linearly_with_the_document(coder):
    small, n_small = _work(coder, 40)
    large, n_large = _work(coder, 160)
    assert n_large == 4 * n_small > 0
    # looking back for antecedents examines a bounded number of mentions per look-up: four
    # times the text, about four times the work (sorting every earlier mention for each
    # look-up, as before, made it sixteen)
    assert large <= 4.5 * small, (small, large)


def test_the_word_lists_are_linted(tmp_path, cli):
    import shutil
    from importlib import resources

    from eventdesk.coding.knowledge import check_word_lists

    assert check_word_lists() == []
    data = tmp_path / "data"
    shutil.copytree(str(resources.files("eventdesk.coding").joinpath("data")), data)
    (data / "particles.tsv").write_text("word\ndown\nUp\ndown\n", encoding="utf-8")
    with open(data / "function_words.tsv", "a", encoding="utf-8") as fh:
        fh.write("locative_prep\tamid\n")
    problems = check_word_lists(data)
    assert any("particles.tsv:1: no header comment" in p for p in problems)
    assert any("particles.tsv:3: 'Up' is not one lower-case word" in p for p in problems)
    assert any("particles.tsv:4: 'down' repeats line 2" in p for p in problems)
    assert any("unknown list 'locative_prep'" in p for p in problems)
    r = cli("lexicon", "check")
    assert r.returncode == 0 and "word lists and the per-root table checked; 0 problems" in r.stderr
