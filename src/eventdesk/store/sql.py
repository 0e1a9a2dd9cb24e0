"""Putting values into SQL: the one way for the places a value cannot be a bound parameter.

Every value reaches DuckDB as a bound parameter (``?``, ``$1``, ``$name``) wherever a statement
is executed with its values at hand. Some SQL is built as a fragment that other statements embed
(a condition several statements of a grouping share, a relation an analysis reads from, a
``read_csv(...)`` over a file that several queries scan), and identifiers (a column named by a
file's header) can never be parameters. There, and only there, a value goes through
:func:`literal` (a value of any type) or :func:`ident` (a name), which quote it so that no
content can end the quoted text: a quote inside is doubled, and a NUL character (which DuckDB
would take for the end of the statement) is refused.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from ..errors import UsageError


def _checked(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"a SQL literal or identifier must be a str, not {type(text).__name__}")
    if "\x00" in text:
        raise UsageError("a value holds a NUL character, which cannot be put into SQL")
    return text


def literal(value: Any) -> str:
    """``value`` as a SQL literal: a string quoted (``O'Brien`` → ``'O''Brien'``), a date as
    ``DATE '2017-04-07'``, a timestamp as ``TIMESTAMP '...'``, a bool as ``true``/``false``, an
    integer or a finite float as its digits, None as ``NULL``; anything else is a TypeError."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UsageError(f"{value} cannot be put into SQL")
        return repr(value)
    if isinstance(value, datetime):
        return "TIMESTAMP " + literal(value.isoformat(sep=" "))
    if isinstance(value, date):
        return "DATE " + literal(value.isoformat())
    return "'" + _checked(value).replace("'", "''") + "'"


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier: ``Event ID`` → ``"Event ID"``."""
    return '"' + _checked(name).replace('"', '""') + '"'


def literal_list(values: Iterable[Any]) -> str:
    """A parenthesised list of literals, for ``IN (...)`` where no parameter can go; ``(NULL)``
    for none (which matches nothing)."""
    return "(" + (", ".join(literal(v) for v in values) or "NULL") + ")"
