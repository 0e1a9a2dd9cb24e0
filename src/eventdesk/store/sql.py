"""Putting values into SQL: the one way for the places DuckDB cannot bind a parameter.

Every value reaches DuckDB as a bound parameter (``?``, ``$1``, ``$name``) wherever DuckDB takes
one. It cannot in a few places: identifiers (a column named by a file's header), the options and
file paths of table functions such as ``read_csv`` and of ``COPY ... TO``, and ``SET`` values.
There, and only there, a value goes through :func:`literal` or :func:`ident`, which quote it so
that no content can end the quoted text: a quote inside is doubled, and a NUL character (which
DuckDB would take for the end of the statement) is refused.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..errors import UsageError


def _checked(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"a SQL literal or identifier must be a str, not {type(text).__name__}")
    if "\x00" in text:
        raise UsageError("a value holds a NUL character, which cannot be put into SQL")
    return text


def literal(text: str) -> str:
    """``text`` as a SQL string literal: ``O'Brien`` → ``'O''Brien'``."""
    return "'" + _checked(text).replace("'", "''") + "'"


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier: ``Event ID`` → ``"Event ID"``."""
    return '"' + _checked(name).replace('"', '""') + '"'


def literal_list(texts: Iterable[str]) -> str:
    """A parenthesised list of string literals, for ``IN (...)`` where no parameter can go."""
    return "(" + ", ".join(literal(t) for t in texts) + ")"
