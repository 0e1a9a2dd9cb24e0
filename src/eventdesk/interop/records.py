"""What an import records in the store: a file done (``imports``, by its content hash), the
chunks of one not done yet (``import_parts``), and the questions asked of them before a file is
read (was it imported, or begun?)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..store import Store

#: where an import reports a row it skips (or a file it cannot read): an InputError naming the
#: file and line
Problem = Callable[[InputError], None]

#: the import's log, one for all its modules (what it committed, and when)
log = logging.getLogger("eventdesk.interop.importer")


@dataclass
class ImportResult:
    path: str
    format: str
    rows_added: int = 0
    rows_skipped: int = 0
    already_imported: bool = False


def record_import(con: Any, digest: str, dataset: str, path: Path, added: int, skipped: int,
                  batch_id: int) -> None:
    """The ``imports`` row of a file done (inside the transaction of its last batch)."""
    record_imports(con, [(digest, dataset, path, added, skipped, batch_id)])


def record_imports(con: Any, files: list[tuple[str, str, Path, int, int, int]]) -> None:
    """The ``imports`` rows of files done (hash, dataset, path, rows added and skipped, last
    batch), in one statement."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    cols = [list(c) for c in zip(*files)]
    con.execute("INSERT INTO imports SELECT unnest($1), unnest($2), unnest($3), unnest($4), "
                "unnest($5), unnest($6), $7",
                [cols[0], cols[1], [str(p) for p in cols[2]], [int(x) for x in cols[3]],
                 [int(x) for x in cols[4]], [int(x) for x in cols[5]], now])


#: over ``import_parts p``: a chunk of a file whose import was cut off (no ``imports`` row)
UNFINISHED = ("NOT EXISTS (SELECT 1 FROM imports i WHERE i.file_hash = p.file_hash AND "
               "i.dataset = p.dataset)")


def maybe_known(store: Store, path: Path, fmt: str) -> bool:
    """Whether the file may be one imported before (a file of this path was) or one whose
    import was cut off (a file of this format is unfinished): then its hash is needed before
    anything is read."""
    return bool(store.con.execute(
        "SELECT (SELECT count(*) FROM imports WHERE dataset = $1 AND path = $2) + "
        f"(SELECT count(*) FROM import_parts p WHERE dataset = $1 AND {UNFINISHED})",
        [fmt, str(path)]).fetchone()[0])


def hash_known(con: Any, digest: str, dataset: str) -> tuple[int, int]:
    """How many files of this content were imported, and chunks of it committed."""
    done, cut = con.execute("SELECT (SELECT count(*) FROM imports WHERE file_hash = $1 AND "
                            "dataset = $2), (SELECT count(*) FROM import_parts WHERE "
                            "file_hash = $1 AND dataset = $2)", [digest, dataset]).fetchone()
    return int(done), int(cut)
