"""What the coder knows, loaded once and never changed while coding: the lexicons, the status
cues, the knowledge base, the per-root behaviour (``ontology/data/cameo_roots.tsv``) and the word
lists of ``coding/data/``. A :class:`Knowledge` is shared by every document, thread and process
that codes with it; it holds nothing about any document.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .._tsv import data_path, read_tsv
from ..actors import KnowledgeBase
from ..ontology import RootBehaviour, root_behaviour
from .lexicon import (DEFAULT_RECIPIENT_PREPS, Lexicon, Pattern, StatusCues, noun_lexicon,
                      obligation_codes, status_cues)

#: the word lists of coding/data/, one file each (column ``word``)
WORD_LISTS = ("speech_nouns", "measure_nouns", "subject_control", "particles",
              "statement_preps")
#: the lists of coding/data/function_words.tsv
FUNCTION_LISTS = ("locative_preps", "date_preps", "nested_preps", "author_preps",
                  "control_preps", "contrast", "definite", "singular_pronouns", "np_keep_preps",
                  "dash", "pair_dash")


@lru_cache(maxsize=None)
def word_list(name: str) -> frozenset[str]:
    """One word list of ``coding/data/``: a file of its own, or a list of function_words.tsv."""
    if name in FUNCTION_LISTS:
        rows = read_tsv(data_path("eventdesk.coding", "function_words.tsv"))
        return frozenset(r["word"] for _, r in rows if r["list"] == name)
    if name not in WORD_LISTS:
        raise KeyError(name)
    path = data_path("eventdesk.coding", f"{name}.tsv")
    return frozenset(r["word"].lower() for _, r in read_tsv(path))


class Words:
    """The word lists by attribute: ``words.speech_nouns``, ``words.locative_preps``."""

    def __getattr__(self, name: str) -> frozenset[str]:
        try:
            value = word_list(name)
        except KeyError:
            raise AttributeError(name) from None
        setattr(self, name, value)
        return value


@dataclass
class Knowledge:
    """The tables every strategy reads (see the module docstring)."""

    lexicon: Lexicon
    kb: KnowledgeBase
    nouns: Lexicon = field(default_factory=noun_lexicon)
    cues: StatusCues = field(default_factory=status_cues)
    obligations: dict[str, str] = field(default_factory=obligation_codes)
    words: Words = field(default_factory=Words)

    def __post_init__(self) -> None:
        self.statement_verbs = {p.verb for p in self.lexicon.patterns if p.cameo == "010"}
        #: the pattern of a control or purpose clause: any default recipient preposition
        self.plain = Pattern(id="", cameo="010", verb="", particle=None, objects=frozenset(),
                             required_prep=frozenset(), recipient_preps=DEFAULT_RECIPIENT_PREPS,
                             explicit_preps=frozenset(), excluded_deps=frozenset(),
                             reciprocal=False, source="")
        # nouns that name an action of their own: the head words of the noun lexicon and the
        # object heads of the violent patterns ("carried out strikes", "launched an attack")
        self.event_nouns = {o.split("_")[-1] for ps in self.lexicon.by_verb.values() for p in ps
                            if root_behaviour(p.cameo).violent_noun for o in p.objects}

    @staticmethod
    def root(code: str) -> RootBehaviour:
        return root_behaviour(code)
