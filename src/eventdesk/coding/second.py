"""The second opinion: a small learned sentence classifier for sentences the rules coded nothing in.

Where a sentence has a verb that no pattern of the lexicon fits but that has a resolved actor
and a resolved other party, and no rule coded an event in the sentence, a multinomial
logistic regression over TF-IDF features of the sentence's words and word pairs proposes the
five-way class of the event (0 statement, 1 verbal cooperation, 2 material cooperation,
3 verbal conflict, 4 material conflict), and the event gets the class's generic CAMEO code
(the model's ``codes``), ``decided_by["code"] = "second_opinion"`` and a confidence of the
class probability times :data:`CONFIDENCE_FACTOR`, below any rule event's.

The model is a plain file (``coding/data/second_opinion.json.gz``: vocabulary with idf, one
weight per term and class, the intercepts); inference needs numpy only. ``eventdesk train``
rebuilds it (numpy and scipy's L-BFGS, no scikit-learn) from the tune half of a dev class file,
the tune records of gold files and ``coding/data/second_opinion_sentences.tsv``.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .._tsv import data_path, read_tsv
from ..errors import DataError
from ..model import Event
from .draft import UNKNOWN, DocState, Draft
from .lexicon import parse_pattern
from .registry import Stage

FORMAT = "eventdesk-second-opinion"
VERSION = 1
CLASSES = ("0", "1", "2", "3", "4")
CLASS_NAMES = ("statement", "verbal cooperation", "material cooperation", "verbal conflict",
               "material conflict")
#: the generic code of each class, where the training data names no code of its own
DEFAULT_CODES = {"0": "010", "1": "040", "2": "060", "3": "110", "4": "190"}
#: the event's confidence is the class probability times this (rule events have none set, or
#: a higher one from the confidence stage)
CONFIDENCE_FACTOR = 0.5
#: whether a :class:`~eventdesk.coding.coder.Coder` uses the packaged model unless told
ON_BY_DEFAULT = True
MODEL_FILE = "second_opinion.json.gz"
SENTENCES_FILE = "second_opinion_sentences.tsv"

SECOND = Stage("code", "what the action is, where no pattern of the lexicon decided it")

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+")


def quad_of(cameo: str) -> str:
    """The five-way class of a CAMEO code (16 is verbal conflict, as in the dev data)."""
    root = int(cameo[:2])
    return "0" if root <= 2 else "1" if root <= 5 else "2" if root <= 8 else \
        "3" if root <= 13 or root == 16 else "4"


def half_of(sentence: str) -> str:
    """``tune`` or ``validation``: the parity of the first SHA-1 byte of the sentence without
    whitespace (the rule of bench/eval_dev.py and bench/eval_gold.py)."""
    key = re.sub(r"\s+", "", sentence).encode("utf-8")
    return ("tune", "validation")[hashlib.sha1(key).digest()[0] % 2]


def terms(text: str) -> list[str]:
    """The features of a sentence: its lower-cased words and adjacent word pairs."""
    words = _WORD.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


# -- the model ------------------------------------------------------------------------------
@dataclass
class SecondOpinion:
    """A trained sentence classifier: TF-IDF (sublinear tf, L2-normalised) → softmax."""

    vocab: dict[str, int]
    idf: np.ndarray            # (n_terms,)
    weights: np.ndarray        # (n_terms, n_classes)
    intercept: np.ndarray      # (n_classes,)
    classes: tuple[str, ...]
    codes: dict[str, str]
    about: dict[str, Any]

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The indices and TF-IDF values of a sentence's known terms."""
        counts = Counter(t for t in terms(text) if t in self.vocab)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter((self.vocab[t] for t in counts), dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))
        val = tf * self.idf[idx]
        return idx, val / (np.linalg.norm(val) or 1.0)

    def probabilities(self, text: str) -> np.ndarray:
        idx, val = self.vector(text)
        z = self.intercept + val @ self.weights[idx]
        z = np.exp(z - z.max())
        return z / z.sum()

    def classify(self, text: str) -> tuple[str, float]:
        """The most probable class of a sentence and its probability."""
        p = self.probabilities(text)
        k = int(p.argmax())
        return self.classes[k], float(p[k])

    # -- the file ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        terms_ = sorted(self.vocab, key=self.vocab.get)
        return {"format": FORMAT, "version": VERSION, "classes": list(self.classes),
                "codes": self.codes, "about": self.about, "terms": terms_,
                "idf": [round(float(x), 4) for x in self.idf],
                "weights": [[round(float(x), 4) for x in row] for row in self.weights],
                "intercept": [round(float(x), 4) for x in self.intercept]}

    def save(self, path: str | Path) -> None:
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as fh:
            json.dump(self.to_dict(), fh, separators=(",", ":"))

    @classmethod
    def load(cls, path: str | Path) -> "SecondOpinion":
        """Read a model file; a missing, unreadable or malformed one is a :class:`DataError`
        that says how to rebuild it."""
        rebuild = "rebuild it with `eventdesk train --dev PATH -o FILE` (see README)"
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                d = json.load(fh)
        except FileNotFoundError:
            raise DataError(f"second-opinion model {path} not found: {rebuild}") from None
        except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
            raise DataError(f"second-opinion model {path} is not a readable gzipped JSON "
                            f"file ({exc}): {rebuild}") from None
        try:
            if d.get("format") != FORMAT or d.get("version") != VERSION:
                raise ValueError(f"format {d.get('format')!r} version {d.get('version')!r}")
            classes = tuple(d["classes"])
            weights = np.asarray(d["weights"], dtype=float).reshape(len(d["terms"]),
                                                                     len(classes))
            model = cls(vocab={t: i for i, t in enumerate(d["terms"])},
                        idf=np.asarray(d["idf"], dtype=float), weights=weights,
                        intercept=np.asarray(d["intercept"], dtype=float), classes=classes,
                        codes={str(k): str(v) for k, v in d["codes"].items()},
                        about=dict(d.get("about") or {}))
            if model.idf.shape != (len(model.vocab),) or model.intercept.shape != (len(classes),) \
                    or set(model.codes) != set(classes):
                raise ValueError("the arrays do not fit the vocabulary and classes")
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise DataError(f"second-opinion model {path} is malformed ({exc}): "
                            f"{rebuild}") from None
        return model


def model_path() -> Path:
    return data_path("eventdesk.coding", MODEL_FILE)


@lru_cache(maxsize=8)
def load_model(path: str | None = None) -> SecondOpinion:
    """The packaged model (or the one at ``path``), loaded once."""
    return SecondOpinion.load(path or model_path())


# -- the strategy -----------------------------------------------------------------------------
def _depth(tok: Any) -> int:
    n = 0
    while tok.head is not tok and n < 50:
        tok, n = tok.head, n + 1
    return n


def candidate_verbs(st: DocState, sent: Any) -> list[Any]:
    """The verbs of the sentence that no pattern fits, the least embedded first."""
    from .triggers import match_verb

    verbs = [t for t in sent if t.pos_ == "VERB" and match_verb(st, t) is None]
    return sorted(verbs, key=lambda t: (_depth(t), t.i))


def resolved(entities: Iterable[Any]) -> bool:
    return any(e.code != UNKNOWN for e in entities)


@SECOND.strategy("second_opinion", noted=True)
def second_opinion(st: DocState, sent: Any, s_index: int,
                   decide: Callable[[Draft], Event | None]) -> list[tuple[Any, Event]]:
    """the learned second opinion (coding/second.py): a sentence classifier trained on labelled
    news sentences gives the class of an event whose verb no pattern fits, with a lower
    confidence"""
    # ``decide`` is the pipeline's (actor, recipient, then the rest), passed in so that this
    # module does not import the pipeline that calls it
    model = st.second
    if model is None:
        return []
    verbs = candidate_verbs(st, sent)
    if not verbs:
        return []
    label, p = model.classify(sent.text)
    code = model.codes[label]
    for verb in verbs:
        lemma = verb.lemma_.lower() or verb.lower_
        if not re.fullmatch(r"[a-z][a-z'-]*", lemma):
            continue
        pattern = parse_pattern(lemma, id=f"second_opinion.{label}", cameo=code,
                                source=MODEL_FILE)
        ev = decide(Draft(st, sent, s_index, verb, pattern, None))
        if ev is None or not resolved(ev.actor) or not resolved(ev.recipient):
            continue
        return [(verb, replace(ev, confidence=round(p * CONFIDENCE_FACTOR, 3),
                               decided_by={**ev.decided_by, "code": "second_opinion"}))]
    return []


# -- training ---------------------------------------------------------------------------------
def read_class_file(path: str | Path, half: str | None = "tune") -> list[tuple[str, str]]:
    """``(sentence, class)`` of a ``sentence<TAB>label`` file (labels 0-4), of one half only
    (``None``: all of it)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        sentence, _, label = line.rpartition("\t")
        label = label.strip()
        if not sentence.strip() or label not in CLASSES:
            continue
        if half is None or half_of(sentence) == half:
            out.append((sentence.strip(), label))
    return out


def read_gold_file(path: str | Path) -> list[tuple[str, str, str]]:
    """``(sentence, class, cameo)`` of the tune records of a gold file (bench/gold/*.json) that
    have an event code."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    return [(r["text"], quad_of(r["cameo"]), r["cameo"]) for r in records
            if r.get("split") == "tune" and r.get("cameo")]


def read_sentences_file(path: str | Path | None = None) -> list[tuple[str, str, str]]:
    """``(sentence, class, cameo)`` of a file of labelled sentences (default: the packaged
    ``second_opinion_sentences.tsv``)."""
    path = Path(path) if path else data_path("eventdesk.coding", SENTENCES_FILE)
    out = []
    for lineno, row in read_tsv(path):
        code = row.get("cameo", "")
        if not row.get("sentence") or not re.fullmatch(r"\d{2,4}", code):
            raise DataError(f"{path}:{lineno}: needs a sentence and a CAMEO code")
        out.append((row["sentence"], quad_of(code), code))
    return out


def codes_of(coded: list[tuple[str, str, str]]) -> dict[str, str]:
    """The generic code of each class: the most frequent root among the examples labelled with
    a code (root + 0), else :data:`DEFAULT_CODES`."""
    roots: dict[str, Counter[str]] = {c: Counter() for c in CLASSES}
    for _, label, code in coded:
        roots[label][code[:2]] += 1
    return {c: (roots[c].most_common(1)[0][0] + "0") if roots[c] else DEFAULT_CODES[c]
            for c in CLASSES}


def train(examples: list[tuple[str, str]], codes: dict[str, str] | None = None,
          c: float = 10.0, min_df: int = 2, about: dict[str, Any] | None = None
          ) -> SecondOpinion:
    """Fit the classifier: TF-IDF of the terms seen in at least ``min_df`` sentences (smooth
    idf, sublinear tf, L2 rows), multinomial logistic regression with an L2 penalty
    ``|W|²/(2c)`` on the summed log-loss, by scipy's L-BFGS."""
    from scipy.optimize import minimize
    from scipy.sparse import csr_matrix

    if len({label for _, label in examples}) < 2:
        raise DataError("training needs examples of at least two classes")
    df: Counter[str] = Counter()
    docs = [Counter(terms(s)) for s, _ in examples]
    for d in docs:
        df.update(d.keys())
    kept = sorted(t for t, n in df.items() if n >= min_df)
    vocab = {t: i for i, t in enumerate(kept)}
    n = len(examples)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept])
    rows, cols, vals = [], [], []
    for r, d in enumerate(docs):
        idx = [vocab[t] for t in d if t in vocab]
        v = np.array([(1.0 + math.log(d[t])) for t in d if t in vocab]) * idf[idx] \
            if idx else np.zeros(0)
        v = v / (np.linalg.norm(v) or 1.0)
        rows += [r] * len(idx)
        cols += idx
        vals += list(v)
    x = csr_matrix((vals, (rows, cols)), shape=(n, len(kept)))
    k = len(CLASSES)
    y = np.zeros((n, k))
    y[np.arange(n), [CLASSES.index(label) for _, label in examples]] = 1.0
    m = len(kept)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[: m * k].reshape(m, k), theta[m * k:]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        p = np.exp(logp)
        f = -(y * logp).sum() + (w * w).sum() / (2 * c)
        g = p - y
        gw = x.T @ g + w / c
        return f, np.concatenate([np.asarray(gw).ravel(), g.sum(axis=0)])

    res = minimize(loss, np.zeros(m * k + k), jac=True, method="L-BFGS-B",
                   options={"maxiter": 500})
    w, b = res.x[: m * k].reshape(m, k), res.x[m * k:]
    info = {"examples": n, "terms": m, "c": c, "min_df": min_df,
            "per_class": dict(sorted(Counter(label for _, label in examples).items())),
            **(about or {})}
    return SecondOpinion(vocab=vocab, idf=idf, weights=w, intercept=b, classes=CLASSES,
                         codes=codes or dict(DEFAULT_CODES), about=info)


def train_from_files(dev: str | Path | None = None, gold: Iterable[str | Path] = (),
                     sentences: Iterable[str | Path] | None = None, c: float = 10.0,
                     min_df: int = 2) -> SecondOpinion:
    """Train on the tune half of a dev class file, the tune records of gold files and files of
    labelled sentences (default: the packaged one)."""
    dev_rows = read_class_file(dev) if dev else []
    gold_rows = [r for g in gold for r in read_gold_file(g)]
    own = [r for f in (sentences if sentences is not None else [None])
           for r in read_sentences_file(f)]
    coded = gold_rows + own
    examples = dev_rows + [(s, label) for s, label, _ in coded]
    about = {"dev_tune": len(dev_rows), "gold_tune": len(gold_rows), "own": len(own)}
    return train(examples, codes_of(coded), c=c, min_df=min_df, about=about)
