"""Stage 4, status: did it happen (asserted, negated, hypothetical, future, desired, reported,
generic)?

Every cue strategy runs and marks the statuses it sees; the status reported is the first of
``STATUS_ORDER`` that was marked, and the strategy recorded is the first that marked it. Cues are
the verb's own negators, modals and marks, a conditional clause of the verb, the head of its
conjunction, and the governing verbs up the chain of complements ("said it proved that Russia
was occupying": `say` reports). A refusal ("will not accept", "refused to lift": see
``refusals.tsv``) has the status of the refusal itself: the negation (and the "will" of "will
not") no longer count.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Status
from .lexicon import StatusCues
from .registry import Stage
from .triggers import lemma_candidates

STATUS = Stage("status", "did it happen")
STATUS_ORDER = [Status.NEGATED, Status.DESIRED, Status.HYPOTHETICAL, Status.GENERIC,
                Status.FUTURE, Status.REPORTED]
PRESENT = {"VBZ", "VBP"}


@dataclass
class Marks:
    """The statuses marked so far, each with the first strategy that marked it."""

    found: dict[Status, str] = field(default_factory=dict)
    claimant: Any | None = None        # the head of the one who reports a reported event
    refused: bool = False
    refusal: set[Status] = field(default_factory=set)   # what the refusal cue alone marked

    def mark(self, st: Status, how: str) -> None:
        self.found.setdefault(st, how)


# -- cues on one child of a verb, tried in order: the first that returns a status decides -----
@STATUS.strategy("negation")
def negation(c: Any, cues: StatusCues, present: bool) -> Status | None:
    """a negation of the verb ("did not attend", "never")"""
    if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in cues.negators):
        return Status.NEGATED
    return None


@STATUS.strategy("status_adverb")
def status_adverb(c: Any, cues: StatusCues, present: bool) -> Status | None:
    """an adverb of the verb ("usually vetoes": generic)"""
    return Status(cues.adverbs[c.lower_]) if c.dep_ == "advmod" and c.lower_ in cues.adverbs \
        else None


@STATUS.strategy("modal")
def modal(c: Any, cues: StatusCues, present: bool) -> Status | None:
    """a modal auxiliary ("will visit", "could strike")"""
    return Status(cues.modals[c.lower_]) if c.dep_ == "aux" and c.lower_ in cues.modals else None


@STATUS.strategy("mark")
def mark(c: Any, cues: StatusCues, present: bool) -> Status | None:
    """a subordinating word of the verb's clause ("if Russia attacks")"""
    return Status(cues.marks[c.lower_]) if c.dep_ == "mark" and c.lower_ in cues.marks else None


@STATUS.strategy("headline_infinitive")
def headline_infinitive(c: Any, cues: StatusCues, present: bool) -> Status | None:
    """the "to" of a verb that is its sentence's root: a headline's future ("Abe to visit
    Brussels")"""
    if c.dep_ == "aux" and c.lower_ in cues.root_auxes and c.head.dep_ == "ROOT" \
            and not any(s.dep_ == "aux" and s.i != c.i for s in c.head.children):
        return Status(cues.root_auxes[c.lower_])
    return None


@STATUS.strategy("habitual_mark")
def habitual_mark(c: Any, cues: StatusCues, present: bool) -> Status | None:
    """a when-word with the verb in the present ("whenever Russia vetoes")"""
    if c.dep_ in ("mark", "advmod") and c.lower_ in cues.habitual_marks and present:
        return Status.GENERIC
    return None


def _clause_marks(c: Any) -> set[str]:
    return {m.lower_ for m in c.children if m.dep_ in ("mark", "advmod")} \
        if c.dep_ == "advcl" else set()


@STATUS.strategy("conditional_clause")
def conditional_clause(c: Any, cues: StatusCues, present: bool) -> Status | None:
    """the main clause of a conditional ("if X, Y will ...")"""
    return Status.HYPOTHETICAL if _clause_marks(c) & set(cues.marks) else None


@STATUS.strategy("habitual_clause")
def habitual_clause(c: Any, cues: StatusCues, present: bool) -> Status | None:
    """the main clause of a habitual when-clause ("when thwarted, Moscow plays a spoiler")"""
    return Status.GENERIC if _clause_marks(c) & cues.habitual_marks and present else None


@STATUS.strategy("status_modifier")
def status_modifier(c: Any, cues: StatusCues, present: bool) -> Status | None:
    """a modifier of the event noun ("an upcoming summit")"""
    if c.dep_ in ("amod", "compound") and c.lower_ in cues.modifiers:
        return Status(cues.modifiers[c.lower_])
    return None


def _own(v: Any, cues: StatusCues, marks: Marks, suffix: str = "") -> None:
    present = v.tag_ in PRESENT and not any(c.dep_ == "aux" for c in v.children)
    for c in v.children:
        st, how = STATUS.first(c, cues, present)
        if st is not None:
            marks.mark(st, how + suffix)


for _name, _about in (
        ("conjoined_verb", "the cues of the verb it is conjoined to (\"will meet and sign\")"),
        ("governor", "a governing verb (\"hoped Russia would ...\", \"said that ...\")"),
        ("governor_negation", "the negation of a governing verb (\"did not agree to meet\")"),
        ("governor_modal", "a modal of a governing verb (\"may decide to strike\")"),
        ("governor_noun", "a noun whose that-clause the event is (\"evidence that he was "
                          "killed\", \"the hope that talks resume\") or, for a holder noun, "
                          "its to-infinitive (\"the plan to annex\", \"the refusal to "
                          "extend\"), and the verbs above it"),
        ("quantified_noun", "a relative clause of a noun under \"any\" (\"would block any "
                            "statement that criticises China\"): not a particular event"),
        ("refusal_without_rejection", "a refusal of something that has no rejection code: "
                                      "plainly negated (\"refused to attack\")"),
        ("asserted_by_default", "no cue: the text says it happened")):
    STATUS.note(_name, _about)


def _own_refusal(verb: Any, cues: StatusCues, marks: Marks) -> None:
    """"will not accept": a modal that with "not" refuses."""
    kids = list(verb.children)
    if any(c.dep_ == "neg" for c in kids):
        aux = next((c for c in kids if c.dep_ == "aux" and c.lower_ in cues.refusals), None)
        if aux is not None:
            marks.refused = True
            marks.refusal = {Status.NEGATED} | ({Status(cues.modals[aux.lower_])}
                                                if aux.lower_ in cues.modals else set())


def _conjoined(verb: Any, cues: StatusCues, contrast: frozenset[str], marks: Marks) -> Any:
    """Conjoined verbs share their head's cues unless joined by "but" or carrying auxiliaries
    of their own; returns the verb whose governors count next."""
    v = verb
    if v.dep_ == "conj" and v.head.i != v.i:
        but = any(c.dep_ == "cc" and c.lower_ in contrast for c in v.children) \
            or any(c.dep_ == "cc" and c.lower_ in contrast for c in v.head.children)
        has_aux = any(c.dep_ in ("aux", "neg") for c in v.children)
        v = v.head
        if not but and not has_aux:
            _own(v, cues, marks, " via conjoined_verb")
    return v


def _governors(st: Any, v: Any, cues: StatusCues, marks: Marks) -> None:
    """Up the chain of complements: the governing verbs' own status, negation and modality
    ("said that ...", "did not agree to meet")."""
    from .actor import find_subject

    for _ in range(3):
        v = _noun_governor(st, v, cues, marks)
        if v.dep_ not in ("xcomp", "ccomp", "pcomp") or v.head.i == v.i:
            break
        gov = v.head
        if gov.dep_ == "prep" and gov.head.i != gov.i:   # "accused X of sending"
            gov = gov.head
        gov_negated = any(c.dep_ == "neg" for c in gov.children)
        # a particle verb first ("ruled out making concessions": rule_out)
        prts = [c.lower_ for c in gov.children if c.dep_ == "prt"]
        for lemma in [f"{lem}_{p}" for lem in lemma_candidates(gov) for p in prts] \
                + lemma_candidates(gov):
            if lemma in cues.governors:
                status = Status(cues.governors[lemma])
                marks.mark(status, "governor")
                if lemma in cues.refusals and not gov_negated and not marks.refused:
                    marks.refused, marks.refusal = True, {Status.NEGATED}
                if status is Status.REPORTED and marks.claimant is None:
                    marks.claimant, _, _ = find_subject(st, gov)
                break
        for c in gov.children:
            if c.dep_ == "neg":
                marks.mark(Status.NEGATED, "governor_negation")
            elif c.dep_ == "aux" and c.lower_ in cues.modals:
                marks.mark(Status(cues.modals[c.lower_]), "governor_modal")
        v = gov


def _noun_governor(st: Any, v: Any, cues: StatusCues, marks: Marks) -> Any:
    """A verb in the that-clause of a noun ("evidence that he was killed") takes the noun's
    status cue (status.tsv governors: evidence → reported) and goes on up from the verb that
    holds the noun ("said they had evidence that ..."); so does the to-infinitive of a holder
    noun (holder_nouns.tsv: "the plan to annex" is future, "the threat to cut aid"
    hypothetical, "the refusal to extend" a refusal, "the decision to ban", with no cue,
    asserted); other verbs are returned as they are."""
    from .actor import holder_noun

    noun = v.head
    if v.dep_ != "acl" or noun.pos_ not in ("NOUN", "PROPN") or noun.i == v.i:
        return v
    held = holder_noun(st, v) is not None
    if not held and not any(c.dep_ == "mark" and c.lower_ == "that" for c in v.children):
        return v
    lemma = noun.lemma_.lower()
    if lemma in cues.governors:
        marks.mark(Status(cues.governors[lemma]), "governor_noun")
        if held and lemma in cues.refusals and not marks.refused:
            marks.refused, marks.refusal = True, {Status(cues.governors[lemma])}
    up = noun.head
    if noun.dep_ == "pobj" and up.dep_ == "prep" and up.head.i != up.i:
        up = up.head
    return up if up.i != noun.i and up.tag_[:2] == "VB" else v


def _quantified(v: Any, cues: StatusCues, marks: Marks) -> None:
    """A relative clause of a noun under a quantifier ("any statement that criticises")."""
    if v.dep_ == "relcl" and any(c.dep_ == "det" and c.lower_ in cues.quantifiers
                                 for c in v.head.children):
        q = next(c.lower_ for c in v.head.children
                 if c.dep_ == "det" and c.lower_ in cues.quantifiers)
        marks.mark(Status(cues.quantifiers[q]), "quantified_noun")


def _inverted_condition(st: Any, verb: Any, marks: Marks) -> None:
    """A condition without "if", its auxiliary before its subject ("Were the Houthis to stop
    attacking ships, ...", "Should Beijing begin reclamation, ...", "Had Finland joined NATO,
    ..."): the clause (and the verbs it governs: "stop attacking") is hypothetical, as after
    "if" (``inversion_auxes`` in function_words.tsv)."""
    inversion = st.know.words.inversion_auxes
    v = verb
    for _ in range(4):
        if v.dep_ == "advcl" and v.head.i != v.i:
            subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass", "expl")),
                        None)
            first = v.left_edge
            aux = v if v.lower_ in inversion else next(
                (c for c in v.children if c.dep_ in ("aux", "auxpass")
                 and c.lower_ in inversion), None)
            if subj is not None and aux is not None and aux.i < subj.i and first.i == aux.i \
                    and not any(c.dep_ == "mark" for c in v.children):
                marks.mark(Status.HYPOTHETICAL, "inverted_condition")
            return
        if v.dep_ not in ("xcomp", "conj") or v.head.i == v.i:
            return
        v = v.head


STATUS.note("inverted_condition", "a condition without \"if\", its auxiliary first "
                                  "(\"Were the Houthis to stop attacking ships\", \"Should "
                                  "Beijing begin\", \"Had Finland joined\"): hypothetical")


def _indefinite_subject(st: Any, noun: Any, cues: StatusCues, marks: Marks) -> None:
    """An event noun under "a"/"an" that is the subject of a verb under a modal ("A Chinese
    blockade of Taiwan would cut off ...", "An Israeli strike on Iran might delay ..."): an
    event supposed, not reported; it takes the modal's status (hypothetical, future). A
    definite or possessed noun ("Russia's invasion could reshape Europe") names an event that
    happened (``indefinite`` in function_words.tsv)."""
    if noun.pos_ != "NOUN" or noun.dep_ not in ("nsubj", "nsubjpass") or noun.head.i == noun.i \
            or not any(c.dep_ == "det" and c.lower_ in st.know.words.indefinite
                       for c in noun.children):
        return
    modal = next((c for c in noun.head.children if c.dep_ == "aux" and c.lower_ in cues.modals),
                 None)
    if modal is not None:
        marks.mark(Status(cues.modals[modal.lower_]), "indefinite_subject_of_modal")


STATUS.note("indefinite_subject_of_modal", "an event noun under \"a\" that is the subject of a "
                                           "modal verb (\"A Chinese blockade would cut off "
                                           "...\"): the modal's status")


def stated_intent(st: Any, verb: Any, status: Status) -> bool:
    """Is the event an act its actor is said to be going to do, rather than one it does: a
    future or hypothetical act under a modal of intention of its own (``intent_modals`` in
    function_words.tsv: will, would, shall) in the complement of a reporting verb ("the
    ministry said the army would crush any attempt")? Not under a condition of its own ("said
    that if Russia attacks ..."), nor negated, nor an obligation ("said Serbia should resume
    talks": obligations.tsv). So is the to-infinitive of a holder noun of intention
    (``intent_nouns``: "the administration's threat to cut aid", "Ankara's promise to expand
    trade"), and an act under will/would in the that-clause of a speech noun
    (speech_nouns.tsv: "the joint announcement that they would observe the ceasefire"). The
    pipeline then codes the statement of intent or the threat
    (``intents.tsv``), its status set by ``pipeline.status_of_saying``."""
    if status not in (Status.FUTURE, Status.HYPOTHETICAL):
        return False
    cues = st.know.cues
    v = verb
    if v.dep_ == "conj" and v.head.i != v.i and not any(c.dep_ == "aux" for c in v.children):
        v = v.head                                   # "would strike and occupy"
    from .actor import holder_noun

    noun = holder_noun(st, v)
    if noun is not None and noun.lemma_.lower() in st.know.words.intent_nouns:
        return True                                  # "the threat to cut aid", "the promise to"
    kids = list(v.children)
    if v.dep_ == "acl" and v.head.i != v.i and any(c.dep_ == "mark" and c.lower_ == "that"
                                                   for c in kids) \
            and v.head.lemma_.lower() in st.know.words.speech_nouns:
        # the that-clause of a speech noun ("the ministry's statement that it would retaliate")
        return any(c.dep_ == "aux" and c.lower_ in st.know.words.intent_modals for c in kids)
    if v.dep_ != "ccomp" or v.head.i == v.i:
        return False
    if any(c.dep_ == "mark" and c.lower_ in cues.marks for c in kids):
        return False
    intends = any(c.dep_ == "aux" and c.lower_ in st.know.words.intent_modals for c in kids)
    reporting = any(Status(cues.governors[lem]) is Status.REPORTED
                    for lem in lemma_candidates(v.head) if lem in cues.governors)
    return intends and reporting


STATUS.note("stated_intent", "a stated intention: an act the actor is said to be going to do "
                             "(\"said Moscow would retaliate\", \"said Tokyo will provide\") is "
                             "coded as the intent or threat of intents.tsv")


def decide_status(st: Any, verb: Any) -> tuple[Status, str, Any | None, bool]:
    """The event's status, the strategy that decided it, the head of the claimant for reported
    events, and whether the event is refused."""
    cues = st.know.cues
    marks = Marks()
    _own_refusal(verb, cues, marks)
    _own(verb, cues, marks)
    v = _conjoined(verb, cues, st.know.words.contrast, marks)
    _quantified(v, cues, marks)
    _inverted_condition(st, verb, marks)
    _indefinite_subject(st, verb, cues, marks)
    _governors(st, v, cues, marks)
    if marks.refused:
        for s in marks.refusal:
            marks.found.pop(s, None)
    for s in STATUS_ORDER:
        if s in marks.found:
            return s, marks.found[s], marks.claimant, marks.refused
    return Status.ASSERTED, "asserted_by_default", marks.claimant, marks.refused
