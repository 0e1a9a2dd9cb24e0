"""The lint of the confidence factors (``coding/data/confidence.tsv``) against the registered
strategies: apart from :mod:`eventdesk.coding.confidence`, since it needs every stage, which the
pipeline (importing the confidence stage) registers."""
from __future__ import annotations

from pathlib import Path

from .._tsv import data_path
from ..errors import DataError
from . import pipeline  # noqa: F401  (registers every stage)
from .confidence import (DEFAULT_STAGES, FEATURE_VALUES, IGNORED_STAGES, READ_FIELDS,
                         REFERENCE, read_factors)


def check_factors(path: Path | None = None) -> list[str]:
    """Problems of the factor table, one line each: unreadable rows, a registered strategy of a
    read stage without a row, a feature value without a row, an ignored stage without its
    ``default:`` row, a row naming nothing that exists."""
    from .registry import STAGES

    path = path or data_path("eventdesk.coding", "confidence.tsv")
    try:
        table = read_factors(path)
    except DataError as exc:
        return [str(exc)]
    problems: list[str] = []
    known: set[str] = set()
    for fld, stages in READ_FIELDS.items():
        for stage in stages:
            for s in STAGES[stage]:
                known.add(f"{fld}:{s.name}")
                if f"{fld}:{s.name}" not in table.factors:
                    problems.append(f"{path.name}: no row {fld}:{s.name} (the {stage} stage's "
                                    f"strategy {s.name!r})")
    for s in STAGES["triggers"]:
        known.add("trigger:" + s.name)
        if "trigger:" + s.name not in table.factors:
            problems.append(f"{path.name}: no row trigger:{s.name} (a trigger strategy)")
    for kind, values in FEATURE_VALUES.items():
        for v in values:
            known.add(f"{kind}:{v}")
            if f"{kind}:{v}" not in table.factors:
                problems.append(f"{path.name}: no row {kind}:{v}")
    for stage in (*READ_FIELDS, *DEFAULT_STAGES, *IGNORED_STAGES):
        known.add("default:" + stage)
        if stage not in READ_FIELDS and "default:" + stage not in table.factors:
            problems.append(f"{path.name}: no row default:{stage} (the factor of every name "
                            f"of the {stage} stage)")
    for name in REFERENCE:
        if table.factors.get(name, 1.0) != 1.0:
            problems.append(f"{path.name}: {name} is a reference level: its factor must be 1")
    # names a field records from another stage ("between_parties" for the actor,
    # "place_stands_for_state" for the recipient): registered somewhere
    registered = {s.name for st in STAGES.values() for s in st}
    for name in table.factors:
        kind, _, rest = name.partition(":")
        if kind in DEFAULT_STAGES and rest in registered:
            problems.append(f"{path.name}: row {name!r}: the {kind} stage's names take "
                            f"default:{kind}")
        elif name not in known and not (kind in READ_FIELDS and rest in registered):
            problems.append(f"{path.name}: row {name!r} names no feature the score reads")
    return problems


__all__ = ["check_factors"]
