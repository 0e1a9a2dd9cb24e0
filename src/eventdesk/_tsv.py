"""Reading the project's plain-text data tables (TSV with `#` comments and a header row)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

from .errors import DataError


def data_path(package: str, name: str) -> Path:
    """Path of a packaged data file, e.g. ``data_path("eventdesk.actors", "states.tsv")``."""
    return Path(str(resources.files(package).joinpath("data", name)))


def read_tsv(path: Path, on_error: Callable[[DataError], None] | None = None
             ) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` for each data row; blank and ``#`` lines are skipped.

    A row with the wrong number of columns is a :class:`DataError` naming file and line: raised,
    or, with ``on_error``, reported there and skipped. Trailing empty columns may be omitted.
    """
    header: list[str] | None = None
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if len(cells) > len(header):
                err = DataError(f"{path}:{lineno}: {len(cells)} columns, header has {len(header)}")
                if on_error is None:
                    raise err
                on_error(err)
                continue
            cells += [""] * (len(header) - len(cells))
            yield lineno, {h: c.strip() for h, c in zip(header, cells)}
    if header is None:
        raise DataError(f"{path}: no header row")


def split_multi(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]
