"""The actor knowledge base as plain tables, read without spaCy: one facade for every room.

The rows of the packaged tables (``actors/data/``: ``states.tsv``, ``orgs.tsv`` with
``armed_groups.tsv``, ``parties.tsv``, ``companies.tsv``, ``sectors.tsv``, ``references.tsv``, ``people.tsv``) and of a user's actor
files (YAML or TSV, ``--actors``) on top, each with the file and line it came from. What the
importers and the analyses need is here — state and organisation codes, the names a state goes
by, people's countries — and the coder's :class:`~eventdesk.actors.KnowledgeBase` builds its
gazetteer from the same rows (it alone needs a tokenizer).

>>> t = actor_tables()
>>> "RUS" in t.state_codes()
True
>>> t.state_code("Russian Federation")
'RUS'

:func:`actor_tables` loads the tables once per process for each set of user files;
:func:`use_actor_files` sets the files a command was given, which :func:`current_tables` (what
the importers and the analyses read) then includes.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .._tsv import data_path, read_tsv, split_multi
from ..errors import DataError, UsageError

log = logging.getLogger(__name__)

PKG = "eventdesk.actors"
#: the kinds of rows, and the packaged files of each (in the order they are read)
PACKAGED = {"states": ("states.tsv",),
            "orgs": ("orgs.tsv", "armed_groups.tsv", "parties.tsv", "companies.tsv"),
            "sectors": ("sectors.tsv",), "references": ("references.tsv",),
            "people": ("people.tsv",)}
KINDS = tuple(PACKAGED)
#: the columns a row of each kind must fill
REQUIRED = {"states": ("code", "name"), "orgs": ("code", "name"),
            "sectors": ("term", "sector"), "references": ("phrase", "refers_to"),
            "people": ("name", "country", "role")}


@dataclass(frozen=True)
class Row:
    """One row of the knowledge base: its kind, its columns, where it was read (``file:line``,
    or ``file:kind[n]`` in YAML), and whether a user's file gave it (it then comes first)."""

    kind: str
    fields: dict[str, str]
    where: str
    user: bool = False

    def missing(self) -> list[str]:
        return [c for c in REQUIRED[self.kind] if not self.fields.get(c)]


def packaged_rows(problem: Callable[[DataError], None], data_dir: Path | None = None
                  ) -> Iterator[Row]:
    """The rows of the packaged tables (or of the same files in ``data_dir``), kind by kind;
    a malformed line is given to ``problem`` and skipped."""
    for kind, names in PACKAGED.items():
        for name in names:
            path = data_dir / name if data_dir else data_path(PKG, name)
            for lineno, row in read_tsv(path, problem):
                yield Row(kind, row, f"{path}:{lineno}")


def read_actor_file(path: Path, problem: Callable[[DataError], None]) -> Iterator[Row]:
    """The rows of a user's actor file.

    YAML: a mapping with any of the keys ``states``, ``orgs``, ``sectors``, ``references``,
    ``people``, each a list of entries with the columns of the packaged table of that name
    (multi-valued fields as lists or ``|``-separated strings). TSV: a table like the packaged
    one whose file name starts with the kind (``people-mine.tsv``). A file that cannot be read
    is a :class:`DataError`; a bad section or entry is given to ``problem`` and skipped.
    """
    if not path.exists():
        raise DataError(f"{path}: no such actor file")
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: not readable YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(data, dict):
            raise DataError(f"{path}: expected a mapping with keys {', '.join(KINDS)}")
        for kind, entries in data.items():
            if kind not in KINDS or not isinstance(entries, list):
                problem(DataError(f"{path}: unknown section {kind!r} (expected a list under one "
                                  f"of {', '.join(KINDS)})"))
                continue
            for n, entry in enumerate(entries, 1):
                where = f"{path}:{kind}[{n}]"
                if not isinstance(entry, dict):
                    problem(DataError(f"{where}: entry is not a mapping"))
                    continue
                row = {str(k): "|".join(map(str, v)) if isinstance(v, list) else
                       ("" if v is None else str(v)) for k, v in entry.items()}
                yield Row(kind, row, where, user=True)
        return
    kind = next((k for k in KINDS if path.name.startswith(k)), None)
    if kind is None:
        raise DataError(f"{path}: a TSV actor file's name must start with one of "
                        f"{', '.join(KINDS)}")
    for lineno, row in read_tsv(path, problem):
        yield Row(kind, row, f"{path}:{lineno}", user=True)


@dataclass
class ActorTables:
    """The rows of the knowledge base, packaged then the user's, and what follows from them.
    A row lacking a required column is reported in :attr:`problems` and left out. A user's
    state or organisation replaces the packaged one of the same code."""

    rows: list[Row] = field(default_factory=list, repr=False)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, user_files: Iterable[str | Path] = (), data_dir: Path | None = None
             ) -> "ActorTables":
        tables = cls()
        tables.rows = list(packaged_rows(tables.problem, data_dir))
        for f in user_files:
            tables.rows += read_actor_file(Path(f), tables.problem)
        return tables

    def problem(self, err: Exception) -> None:
        self.problems.append(str(err))
        log.warning("%s", err)

    def of(self, kind: str) -> list[Row]:
        """The complete rows of one kind, in the order read (a malformed one reported once)."""
        return self._complete().get(kind, [])

    def _complete(self) -> dict[str, list[Row]]:
        return self._by_kind

    @cached_property
    def _by_kind(self) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        for row in self.rows:
            missing = row.missing()
            if missing:
                self.problem(DataError(f"{row.where}: {row.kind} row lacks "
                                       f"{', '.join(missing)}"))
                continue
            out.setdefault(row.kind, []).append(row)
        return out

    @cached_property
    def states(self) -> dict[str, dict[str, str]]:
        """Each state's row by its code (a user's row for a code replaces the packaged one)."""
        return {r.fields["code"].upper(): r.fields for r in self.of("states")}

    @cached_property
    def orgs(self) -> dict[str, dict[str, str]]:
        """Each organisation's or armed group's row by its code."""
        return {r.fields["code"].upper(): r.fields for r in self.of("orgs")}

    def state_codes(self) -> frozenset[str]:
        """The codes of every state (historic ones included)."""
        return self._codes[0]

    def known_codes(self) -> frozenset[str]:
        """The codes of every state and organisation."""
        return self._codes[1]

    @cached_property
    def _codes(self) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(self.states), frozenset(self.states) | frozenset(self.orgs)

    def state_names(self) -> dict[str, str]:
        """Every name a state goes by (its name, variants and code), lower-cased → its code;
        a name two states share goes to the one read last (a user's file over the package)."""
        return dict(self._names)

    @cached_property
    def _names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for code, row in self.states.items():
            for n in [row["name"], *split_multi(row.get("variants", "")), code]:
                if n.strip():
                    names[n.strip().lower()] = code
        return names

    def state_code(self, name: str) -> str | None:
        """The code of the state a name (or code) means, if any."""
        return self._names.get(name.strip().lower())

    def people_countries(self) -> dict[str, set[str]]:
        """Each person's name → the countries of the roles listed for him."""
        out: dict[str, set[str]] = {}
        for r in self.of("people"):
            out.setdefault(r.fields["name"], set()).add(r.fields["country"].upper())
        return out


def actor_tables(user_files: Iterable[str | Path] = ()) -> ActorTables:
    """The knowledge base's tables with the user's actor files on top, loaded once per process
    for each sequence of files."""
    return _load(tuple(str(f) for f in user_files))


@lru_cache(maxsize=8)
def _load(user_files: tuple[str, ...]) -> ActorTables:
    return ActorTables.load(user_files)


_session_files: tuple[str, ...] = ()


def use_actor_files(paths: Iterable[str | Path] | None) -> None:
    """The user's actor files (``--actors``) that :func:`current_tables` includes from now on,
    in this process; checked now, so a missing file is an error before any work starts."""
    global _session_files
    files = tuple(str(p) for p in paths or ())
    try:
        actor_tables(files)
    except DataError as exc:            # the user's file: bad input, not an internal error
        raise UsageError(str(exc)) from None
    _session_files = files


def current_tables() -> ActorTables:
    """The tables with the actor files :func:`use_actor_files` set (none by default): what the
    importers and the analyses read."""
    return actor_tables(_session_files)


def session_files() -> tuple[str, ...]:
    """The actor files :func:`use_actor_files` set."""
    return _session_files
