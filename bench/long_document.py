"""Coding time of one long document, by length: does the coder stay linear?

    python bench/long_document.py [WORDS ...]      (default 10000 30000)

Builds a document of about WORDS words from a paragraph written for this bench (names, pronouns
and definite descriptions that refer back), parses it once, and times the coder alone on the
parse (``Coder.code_parsed``). Prints words, events, seconds and words per second. The figures
of a loaded machine vary; compare lengths within one run.
"""
from __future__ import annotations

import sys
import time

PARAGRAPH = ("Russia condemned the missile strike on Syria on Tuesday. The Kremlin said it would "
             "ask the Security Council to meet. The two sides held talks in Geneva, and the "
             "minister told reporters that he hoped China would support the plan. Officials in "
             "Washington rejected the accusations. They said the United States would not "
             "withdraw its troops from the region. ")


def main(argv: list[str]) -> int:
    from eventdesk import Coder, nlp
    from eventdesk.model import Document

    lengths = [int(a) for a in argv] or [10000, 30000]
    coder = Coder()
    coder.code("Russia met China.", date="2017-04-12")      # load everything once
    per = len(PARAGRAPH.split())
    for words in lengths:
        text = PARAGRAPH * max(1, words // per)
        n = nlp.load()
        n.max_length = max(n.max_length, len(text) + 1)
        parsed = n(text)
        doc = Document(id="long", text=text)
        t = time.perf_counter()
        events = coder.code_parsed(doc, parsed)
        s = time.perf_counter() - t
        print(f"{len(text.split()):>7} words  {len(events):>6} events  {s:7.2f} s coding  "
              f"{len(text.split()) / s:8.0f} words/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
