"""What the coder knows, loaded once and never changed while coding: the lexicons, the status
cues, the knowledge base, the per-root behaviour (``ontology/data/cameo_roots.tsv``) and the word
lists of ``coding/data/``. A :class:`Knowledge` is shared by every document, thread and process
that codes with it; it holds nothing about any document.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .._tsv import data_path, read_tsv
from ..actors import KnowledgeBase
from ..ontology import RootBehaviour, root_behaviour
from .lexicon import (DEFAULT_RECIPIENT_PREPS, Lexicon, Pattern, StatusCues, noun_lexicon,
                      object_classes, obligation_codes, status_cues)

#: the word lists of coding/data/, one file each (column ``word``)
WORD_LISTS = ("speech_nouns", "measure_nouns", "subject_control", "particles",
              "statement_preps", "stand_in_places", "carriers", "earlier_preps", "reaction_verbs",
              "reaction_preps", "reciprocal_pronouns", "holder_nouns", "dateline_sectors")
#: the word lists whose entries may be phrases of several words, single-spaced ("in response to")
PHRASE_LISTS = ("earlier_preps", "reciprocal_pronouns")
#: the lists of coding/data/function_words.tsv
FUNCTION_LISTS = ("locative_preps", "date_preps", "nested_preps", "author_preps",
                  "control_preps", "contrast", "definite", "singular_pronouns", "plural_pronouns",
                  "np_keep_preps", "dash", "pair_dash", "intent_modals", "intent_nouns",
                  "inversion_auxes", "indefinite", "actor_place_preps", "origin_preps",
                  "stand_in_preps", "mutual_preps")
#: the lists of coding/data/clause_recipients.tsv (which complements name a recipient)
CLAUSE_LISTS = ("complement_subject", "transparent", "causative")
#: the files of several lists each (column ``list`` names the list)
#: the lists of coding/data/home_targets.tsv (when an act's target at home is the actor's state)
HOME_LISTS = ("sector_roots", "actor_sectors", "target_sectors", "protest_roots",
              "easing_codes")
LISTED_FILES = {"function_words.tsv": FUNCTION_LISTS, "clause_recipients.tsv": CLAUSE_LISTS,
                "home_targets.tsv": HOME_LISTS}


@lru_cache(maxsize=None)
def word_list(name: str) -> frozenset[str]:
    """One word list of ``coding/data/``: a file of its own, or a list of a file of several
    (function_words.tsv, clause_recipients.tsv, home_targets.tsv)."""
    for file, lists in LISTED_FILES.items():
        if name in lists:
            rows = read_tsv(data_path("eventdesk.coding", file))
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
    #: the object classes of the lexicon's sense constraints (object_classes.tsv)
    classes: dict[str, frozenset[str]] = field(default_factory=object_classes)

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


def check_word_lists(folder: Path | None = None) -> list[str]:
    """Lint the word lists of ``coding/data/`` and the per-root table
    ``ontology/data/cameo_roots.tsv``: a header comment saying what each list is for, no empty,
    upper-case, spaced (but in the phrase lists, :data:`PHRASE_LISTS`) or duplicate word, no unknown or empty list, every CAMEO root once.
    Returns the problems, one line each with file:line. ``folder``: read the word lists from
    there instead of the package (a copy under review)."""
    problems: list[str] = []
    files = [(f"{n}.tsv", None) for n in WORD_LISTS] + list(LISTED_FILES.items())
    for name, lists in files:
        path = folder / name if folder is not None else data_path("eventdesk.coding", name)
        rows = _lint_rows(name, path, problems)
        if rows is None:
            continue
        seen: dict[tuple[str, str], int] = {}
        for lineno, row in rows:
            where, word, group = f"{name}:{lineno}", row.get("word", ""), row.get("list", "")
            if lists is not None and group not in lists:
                problems.append(f"{where}: unknown list {group!r} (known: {', '.join(lists)})")
            spaced = " " in word and not (name[:-4] in PHRASE_LISTS and "  " not in word)
            if not word or word != word.strip() or spaced or word != word.lower():
                problems.append(f"{where}: {word!r} is not one lower-case word")
            if (group, word) in seen:
                problems.append(f"{where}: {word!r} repeats line {seen[(group, word)]}")
            seen.setdefault((group, word), lineno)
        for group in lists or ():
            if not any(g == group for g, _ in seen):
                problems.append(f"{name}: the list {group!r} has no word")
        if lists is None and not seen:
            problems.append(f"{name}: no word")
    return problems + _check_state_kinds(folder) + _check_roots()


def _lint_rows(name: str, path: Path, problems: list[str]) -> list[tuple[int, dict]] | None:
    """The rows of one word-list file, with its lint's first findings added to ``problems``:
    no header comment, malformed lines; None (and the reason) when the file cannot be read."""
    from ..errors import DataError

    with open(path, encoding="utf-8") as fh:
        if not fh.readline().startswith("#"):
            problems.append(f"{name}:1: no header comment saying what the list is for")
    try:
        return list(read_tsv(path, lambda e: problems.append(str(e))))
    except DataError as exc:
        problems.append(str(exc))
        return None


def _check_state_kinds(folder: Path | None = None) -> list[str]:
    """Lint ``state_kinds.tsv`` (descriptions that refer back to a state of one kind): a header
    comment, lower-case phrases, alpha-3 country codes, no repeated row."""
    name = "state_kinds.tsv"
    path = folder / name if folder is not None else data_path("eventdesk.coding", name)
    if not path.exists():
        return [] if folder is not None else [f"{name}: missing"]
    out: list[str] = []
    rows = _lint_rows(name, path, out)
    if rows is None:
        return out
    seen: dict[tuple[str, str], int] = {}
    for lineno, row in rows:
        phrase, country = row.get("phrase", ""), row.get("country", "")
        if not phrase or phrase != phrase.lower() or phrase != phrase.strip():
            out.append(f"{name}:{lineno}: {phrase!r} is not a lower-case phrase")
        if len(country) != 3 or not country.isalpha() or not country.isupper():
            out.append(f"{name}:{lineno}: {country!r} is not an alpha-3 state code")
        if (phrase, country) in seen:
            out.append(f"{name}:{lineno}: repeats line {seen[(phrase, country)]}")
        seen.setdefault((phrase, country), lineno)
    return out


def _check_roots() -> list[str]:
    from ..errors import DataError
    from ..ontology import cameo_roots, cameo_table

    try:
        roots = cameo_roots()
    except DataError as exc:
        return [str(exc)]
    wanted = {c.root for c in cameo_table().values()}
    out = [f"cameo_roots.tsv: no row for CAMEO root {r}" for r in sorted(wanted - set(roots))]
    out += [f"cameo_roots.tsv: {r} is not a CAMEO root" for r in sorted(set(roots) - wanted)]
    out += [f"cameo_roots.tsv: root {r}: recipient preposition {p!r} is not one lower-case word"
            for r, b in roots.items() for p in b.recipient_preps if not p.isalpha()]
    return out
