"""The code tables: CAMEO codes (name, Goldstein, quad, penta) and the CAMEO → PLOVER map.

Loaded once from the plain-text tables in ``ontology/data/``::

    >>> from eventdesk.ontology import cameo
    >>> c = cameo("0251")
    >>> c.root, c.quad, c.penta
    ('02', 1, 0)
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .._tsv import data_path, read_tsv
from ..errors import DataError

QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
              4: "material conflict"}
PENTA_NAMES = {0: "statement", 1: "verbal cooperation", 2: "material cooperation",
               3: "verbal conflict", 4: "material conflict"}


@dataclass(frozen=True)
class CameoCode:
    code: str
    root: str
    name: str
    goldstein: float
    goldstein_codebook: float
    quad: int
    penta: int
    plover: str | None
    mode: str | None
    context: str | None


def quad_of(root: str) -> int:
    r = int(root)
    return 1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4


def penta_of(root: str) -> int:
    r = int(root)
    if r <= 2:
        return 0
    if r <= 5:
        return 1
    if r <= 8:
        return 2
    if r <= 13 or r == 16:
        return 3
    return 4


@lru_cache(maxsize=1)
def cameo_table() -> dict[str, CameoCode]:
    pkg = "eventdesk.ontology"
    plover: dict[str, tuple[str, str | None, str | None]] = {}
    for _, row in read_tsv(data_path(pkg, "cameo_plover.tsv")):
        plover[row["cameo"]] = (row["plover"] or None, row["mode"] or None, row["context"] or None)
    table: dict[str, CameoCode] = {}
    path = data_path(pkg, "cameo.tsv")
    for lineno, row in read_tsv(path):
        code = row["code"]
        if not code.isdigit() or len(code) not in (2, 3, 4) or code[:2] != row["root"]:
            raise DataError(f"{path}:{lineno}: malformed CAMEO code {code!r}")
        p = plover.get(code, (None, None, None))
        table[code] = CameoCode(
            code=code, root=row["root"], name=row["name"],
            goldstein=float(row["goldstein"]),
            goldstein_codebook=float(row["goldstein_codebook"] or row["goldstein"]),
            quad=int(row["quad"]), penta=int(row["penta"]),
            plover=p[0], mode=p[1], context=p[2])
    return table


def is_cameo(code: str) -> bool:
    return isinstance(code, str) and code in cameo_table()


def cameo(code: str) -> CameoCode:
    """The table entry for a CAMEO code given as a string (leading zeros kept)."""
    try:
        return cameo_table()[code]
    except KeyError:
        raise DataError(f"unknown CAMEO code {code!r}") from None


@lru_cache(maxsize=1)
def plover_types() -> dict[str, tuple[str, float]]:
    """The 16 PLOVER event types: type → (quad category, score)."""
    path = data_path("eventdesk.ontology", "plover_types.tsv")
    return {row["event"]: (row["quad"], float(row["score"])) for _, row in read_tsv(path)}


@dataclass(frozen=True)
class RootBehaviour:
    """How the coder treats the actions of one CAMEO root (``cameo_roots.tsv``)."""

    root: str
    statement: bool = False
    material: bool = False
    violent: bool = False
    violent_noun: bool = False
    place_as_target: bool = False
    place_if_abroad: bool = False
    own_means: bool = False
    for_beneficiary: bool = False
    recipient_preps: frozenset[str] = frozenset()


ROOT_FLAGS = ("statement", "material", "violent", "violent_noun", "place_as_target",
              "place_if_abroad", "own_means", "for_beneficiary")


@lru_cache(maxsize=1)
def cameo_roots() -> dict[str, RootBehaviour]:
    """Every CAMEO root's behaviour in the coder, from ``ontology/data/cameo_roots.tsv``."""
    path = data_path("eventdesk.ontology", "cameo_roots.tsv")
    out: dict[str, RootBehaviour] = {}
    for lineno, row in read_tsv(path):
        flags = {}
        for f in ROOT_FLAGS:
            if row[f] not in ("", "yes"):
                raise DataError(f"{path}:{lineno}: {f} must be yes or empty, not {row[f]!r}")
            flags[f] = row[f] == "yes"
        preps = frozenset(p.strip().lower() for p in row["recipient_preps"].split("|")
                          if p.strip())
        out[row["root"]] = RootBehaviour(root=row["root"], recipient_preps=preps, **flags)
    return out


def root_behaviour(code: str) -> RootBehaviour:
    """The behaviour of the root of a CAMEO code (a root the table lacks has none)."""
    return cameo_roots().get(code[:2]) or RootBehaviour(root=code[:2])
