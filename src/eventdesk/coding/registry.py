"""Ordered registries of named strategies, the coder's unit of rule.

A **stage** (actor, recipient, status, ...) holds strategies in the order they were registered.
A strategy is a small function with a name and a docstring; the stage tries them in order, and
the first that returns something other than ``None`` decides. The stage hands back the result
together with the name of the strategy that produced it, which the event keeps in its
``decided_by`` record, so that a wrong event can be traced to the rule that made it.

spaCy's ``registry`` (named functions found by name) and its ``DependencyMatcher`` (patterns
over the parse, tried in order) are the models; this one adds the order and the record.

::

    ACTOR = Stage("actor", "who did it")

    @ACTOR.strategy("possessor")
    def possessor(draft):
        \"\"\"possessor of the event noun ("Tillerson's visit")\"\"\"
        ...
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

#: every stage by name, in the order the coder runs them (filled as the modules are imported)
STAGES: dict[str, "Stage"] = {}


@dataclass(frozen=True)
class Strategy:
    """One named rule of a stage."""

    stage: str
    name: str
    fn: Callable[..., Any]
    #: a decision taken outside the stage's ordered trial (a default, a fallback, a rule found
    #: inside another): described here, never tried by :meth:`Stage.first`
    noted: bool = False

    @property
    def description(self) -> str:
        """The first line of the docstring: a human description of what the rule looks for."""
        doc = (self.fn.__doc__ or "").strip()
        return doc.splitlines()[0].strip() if doc else self.name.replace("_", " ")

    def __call__(self, *args: Any) -> Any:
        return self.fn(*args)


class Stage:
    """An ordered registry of the strategies of one stage of the coder."""

    def __init__(self, name: str, about: str):
        self.name = name
        self.about = about
        self._strategies: list[Strategy] = []
        self._by_name: dict[str, Strategy] = {}
        STAGES[name] = self

    def strategy(self, name: str, noted: bool = False
                 ) -> Callable[[Callable[..., Any]], Strategy]:
        """Decorator: register the function as the stage's next strategy, under ``name``
        (``noted``: described, but called by the coder itself rather than tried in order)."""
        def register(fn: Callable[..., Any]) -> Strategy:
            if name in self._by_name:
                raise ValueError(f"stage {self.name!r} already has a strategy {name!r}")
            s = Strategy(self.name, name, fn, noted)
            self._strategies.append(s)
            self._by_name[name] = s
            return s
        return register

    def note(self, name: str, description: str) -> None:
        """Register a decision that is not a function of its own (a default, a fallback)."""
        def fn() -> None:
            return None
        fn.__doc__ = description
        self.strategy(name, noted=True)(fn)

    def __iter__(self) -> Iterator[Strategy]:
        return iter(self._strategies)

    def __getitem__(self, name: str) -> Strategy:
        return self._by_name[name]

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    def first(self, *args: Any, only: Callable[[Strategy], bool] | None = None
              ) -> tuple[Any, str | None]:
        """Try the strategies in order: ``(result, name)`` of the first that returns something
        other than None, else ``(None, None)``. ``only`` restricts the strategies tried."""
        for s in self._strategies:
            if s.noted or (only is not None and not only(s)):
                continue
            out = s.fn(*args)
            if out is not None:
                return out, s.name
        return None, None


def describe(stage: str, decided: str | None) -> str:
    """A human description of a ``decided_by`` value of the field ``stage``: for ``"subject via
    conjoined_or_controlling_verb"``, the description of each named strategy, joined. The
    stages are those imported (``eventdesk.coding.pipeline`` imports them all)."""
    if not decided:
        return "-"
    parts = []
    for part in decided.split(" via "):
        name, _, arg = part.partition(" ")        # "object_class =polity !clause"
        owner = next((st for st in [STAGES.get(stage), *STAGES.values()]
                      if st is not None and name in st), None)
        text = owner[name].description if owner else name.replace("_", " ")
        parts.append(f"{text} ({arg})" if arg else text)
    return ", by way of ".join(parts)
