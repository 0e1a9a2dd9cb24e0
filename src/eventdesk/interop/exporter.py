"""Exporting stored events: GDELT 2.0 TSV, PLOVER JSON lines, POLECAT TSV, CSV, Parquet.

Every export is one DuckDB ``COPY (SELECT ...) TO`` over the events view, streamed by DuckDB.
A column the format carries comes from the event's own column, or, for an event imported from
that same format with ``--keep-columns``, from the fields kept in ``events.extra`` as they were
read, so exporting what was imported gives back the same rows. Without them, the fields that
follow from the event (GDELT's MonthYear, EventRootCode, ...) are derived and the others empty.
"""
from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any

from ..errors import StoreError, UsageError
from ..store import Store
from ..store.sql import ident, literal
from .layouts import EXPORT_FORMATS, GDELT1, GDELT1_57, GDELT2, PLOVER_FIELDS, POLECAT
from .mapping import extra_names

#: formats that cannot say whether an event happened: by default only asserted events go out
ASSERTED_ONLY = ("gdelt2", "plover", "polecat")


def _clean(expr: str) -> str:
    return f"replace(replace(coalesce(CAST({expr} AS VARCHAR), ''), chr(9), ' '), chr(10), ' ')"


def _from_extra(layouts: dict[str, Any], name: str, derived: str) -> str:
    """The field ``name`` from ``extra`` for events imported from one of ``layouts`` with their
    unmapped fields kept, else ``derived``."""
    whens = []
    for ds, layout in layouts.items():
        names = extra_names(layout)
        if name in names:
            whens.append(f"WHEN dataset = {literal(ds)} AND extra IS NOT NULL THEN "
                         f"split_part(extra, chr(9), {names.index(name) + 1})")
    if not whens:
        return _clean(derived)
    return f"CASE {' '.join(whens)} ELSE {_clean(derived)} END"


def _gdelt_id() -> str:
    return ("CASE WHEN dataset IN ('gdelt1', 'gdelt2') THEN origin_id ELSE CAST(CAST("
            "('0x' || substr(md5(event_id), 1, 15)) AS BIGINT) AS VARCHAR) END")


def _gdelt2_select() -> str:
    derived = {
        "GLOBALEVENTID": _gdelt_id(), "SQLDATE": "strftime(event_date, '%Y%m%d')",
        "MonthYear": "strftime(event_date, '%Y%m')", "Year": "strftime(event_date, '%Y')",
        "FractionDate": "printf('%.4f', year(event_date) + (dayofyear(event_date) - 1) / 365.0)",
        "Actor1Code": "actor_code", "Actor1Name": "actor_name",
        "Actor1CountryCode": "actor_country", "Actor1Type1Code": "actor_sector",
        "Actor2Code": "recipient_code", "Actor2Name": "recipient_name",
        "Actor2CountryCode": "recipient_country", "Actor2Type1Code": "recipient_sector",
        "IsRootEvent": "CASE WHEN is_primary THEN '1' ELSE '0' END",
        "EventCode": "cameo", "EventBaseCode": "left(cameo, 3)", "EventRootCode": "root",
        "QuadClass": "quad", "GoldsteinScale": "goldstein", "NumMentions": "n_mentions",
        "NumSources": "n_sources", "NumArticles": "n_articles",
        "ActionGeo_FullName": "location", "ActionGeo_CountryCode": "location_country",
        "ActionGeo_Lat": "location_lat", "ActionGeo_Long": "location_lon",
        "DATEADDED": "strftime(coalesce(published, event_date), '%Y%m%d') || '000000'",
        "SOURCEURL": "coalesce(url, doc_id)"}
    layouts = {"gdelt2": GDELT2, "gdelt1": GDELT1}
    cols = []
    for name in GDELT2.names:
        expr = derived.get(name, "NULL")
        if name in derived and name not in ("MonthYear", "Year", "FractionDate", "IsRootEvent",
                                            "EventBaseCode", "EventRootCode", "DATEADDED"):
            cols.append(_clean(expr))
        else:
            cols.append(_from_extra(layouts, name, expr))
    return ", ".join(f"{c} AS {ident(n)}" for c, n in zip(cols, GDELT2.names))


def _polecat_select() -> str:
    derived = {
        "Event ID": "event_id", "Event Date": "CAST(event_date AS VARCHAR)",
        "Event Type": "plover", "Event Mode": "mode", "Event Intensity": "goldstein",
        "Quad Code": "quad", "Contexts": "context",
        "Actor Name": "coalesce(actor_name, actor_code)", "Actor Country": "actor_country",
        "Primary Actor Sector": "actor_sector",
        "Recipient Name": "coalesce(recipient_name, recipient_code)",
        "Recipient Country": "recipient_country",
        "Primary Recipient Sector": "recipient_sector", "Placename": "location",
        "Country": "location_country", "Latitude": "location_lat", "Longitude": "location_lon",
        "Source": "source", "Publication Date": "CAST(published AS VARCHAR)",
        "Language": "'en'", "Version": "'eventdesk'"}
    cols = [_from_extra({"polecat": POLECAT}, n, derived.get(n, "NULL")) for n in POLECAT.names]
    return ", ".join(f"{c} AS {ident(n)}" for c, n in zip(cols, POLECAT.names))


def _plover_select() -> str:
    expr = {
        "id": "CASE WHEN dataset = 'plover' THEN origin_id ELSE event_id END",
        "date": "CAST(event_date AS VARCHAR)", "event": "plover", "mode": "mode",
        "context": "CASE WHEN context IS NULL THEN NULL ELSE string_split(context, '|') END",
        "actor": "actor_code", "actor_country": "actor_country", "actor_sector": "actor_sector",
        "recipient": "recipient_code", "recipient_country": "recipient_country",
        "recipient_sector": "recipient_sector", "location": "location",
        "location_country": "location_country", "latitude": "location_lat",
        "longitude": "location_lon", "text": "nullif(sentence, '')", "source": "source",
        "url": "url", "publication_date": "CAST(published AS VARCHAR)", "cameo": "cameo",
        "goldstein": "goldstein"}
    return ", ".join(f"{expr[f]} AS {f}" for f in PLOVER_FIELDS)


CSV_COLUMNS = ("event_id, group_id, dataset, origin_id, doc_id, sentence_index, event_date AS "
               "date, date_precision, actor_code, actor_country, actor_sector, actor_office, "
               "actor_name, recipient_code, recipient_country, recipient_sector, recipient_name,"
               " cameo, root, cameo_name, goldstein, quad, penta, plover, mode, context, status,"
               " location, location_country, location_lat, location_lon, source, url, "
               "published, n_mentions, n_sources, n_articles, pattern, is_primary AS \"primary\", "
               "mention, mention_of, confidence, sentence")


#: the file a parquet export writes into its folder: what it wrote, so that ``overwrite``
#: replaces those files and nothing else (readers of the dataset skip names starting with _)
MARKER = "_eventdesk-export.json"


def _special(path: Path) -> bool:
    """A character device or a FIFO (``/dev/null``, a named pipe): written to directly."""
    try:
        mode = path.stat().st_mode            # follows a symlink
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _target(out: str | os.PathLike[str], folder: bool) -> Path:
    """Where an export goes. A symlink is followed: the file or folder it names is written
    and the link stays as it is. A device or FIFO is written to directly."""
    given = Path(out)
    if _special(given):
        if folder:
            raise UsageError(f"{given}: parquet export writes a folder; this is a device or FIFO")
        return given
    path = Path(os.path.realpath(given))
    if path.exists() and not path.is_dir() and not path.is_file():
        raise UsageError(f"{given}: not a regular file, folder, device or FIFO; not written")
    if not path.parent.is_dir():
        raise UsageError(f"{given}: folder {path.parent} does not exist")
    if folder and path.exists() and not path.is_dir():
        raise UsageError(f"{given}: parquet export writes a folder; this is a file")
    if not folder and path.is_dir():
        raise UsageError(f"{given}: is a folder; give the export's file name")
    return path


def _own_files(folder: Path) -> list[Path] | None:
    """The files an earlier export listed in ``folder``'s marker (None: no marker)."""
    marker = folder / MARKER
    if not marker.is_file():
        return None
    try:
        listed = json.loads(marker.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        raise UsageError(f"{folder}: its {MARKER} is unreadable; the folder is left as it "
                         "is (remove it yourself, or export elsewhere)") from None
    base = folder.resolve()
    own = []
    for name in listed:
        p = (folder / str(name)).resolve()
        if p.parent != base and base not in p.parents:
            continue                          # never a file outside the folder
        if p.is_file() and not p.is_symlink():
            own.append(p)
    return own


def _check_folder(path: Path, overwrite: bool) -> None:
    if not path.is_dir():
        return
    held = [p.name for p in path.iterdir()]
    if not held:
        return
    if not (path / MARKER).is_file():
        raise UsageError(f"{path}: the folder holds files that are not an eventdesk export "
                         f"({', '.join(sorted(held)[:3])}{', ...' if len(held) > 3 else ''}); "
                         "give an empty or new folder")
    if not overwrite:
        raise UsageError(f"{path}: holds an earlier export; --overwrite replaces its files "
                         "(and only those)")


def _replace_dataset(path: Path, new: Path) -> None:
    """Move the files of the export written in ``new`` into ``path``, after removing the
    files the export already there listed (and the folders they leave empty)."""
    path.mkdir(exist_ok=True)
    for old in _own_files(path) or []:
        old.unlink()
        for d in old.parents:
            if d == path.resolve() or path.resolve() not in d.parents:
                break
            try:
                d.rmdir()                     # only when empty
            except OSError:
                break
    for src in sorted(p for p in new.rglob("*") if p.is_file()):
        dst = path / src.relative_to(new)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
    _remove_tree(new)


def _remove_tree(tmp: Path) -> None:
    """Remove a temporary folder this export made (and only the files in it)."""
    for p in sorted(tmp.rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() and not p.is_symlink() else p.unlink()
    tmp.rmdir()


def export(store: Store, fmt: str, out: str | os.PathLike[str], *, actor: str | None = None,
           recipient: str | None = None, since: str | None = None, until: str | None = None,
           cameo: str | None = None, status: list[str] | None = None,
           overwrite: bool = False, raw_csv: bool = False,
           min_confidence: float | None = None) -> int:
    """Write the events matching the filters to ``out`` (a file; a folder for parquet);
    returns the number of events written.

    Nothing but the export's own files is ever removed: a file is written beside the target
    and renamed over it when complete; a device or FIFO (``/dev/stdout``, a named pipe) is
    written to directly; a symlink is followed. A parquet folder must be new or empty, or
    hold an earlier export (its marker file :data:`MARKER`), replaced only with
    ``overwrite`` -- then only the files that export listed are removed.

    A ``csv`` export is spreadsheet-safe unless ``raw_csv``: text cells that a spreadsheet
    would run as formulas get a leading ``'`` (:func:`eventdesk.formats.spreadsheet_safe`).
    The interchange formats (gdelt2, polecat, plover) are written as their formats define.
    ``min_confidence``: only events the coder is at least that sure of (imported ones, which
    have no confidence, are then left out)."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: use {'|'.join(EXPORT_FORMATS)}")
    if status is None and fmt in ASSERTED_ONLY:
        status = ["asserted"]
    where, params = store.event_filter(actor, recipient, since, until, cameo, status, None,
                                       min_confidence)
    if fmt == "polecat":        # POLECAT has no row for an event without a PLOVER type
        where += (" AND " if where else " WHERE ") + "e.plover IS NOT NULL"
    body = {"gdelt2": _gdelt2_select, "polecat": _polecat_select, "plover": _plover_select}
    order = " ORDER BY e.event_date, e.event_id"
    path = _target(out, folder=fmt == "parquet")
    if fmt == "parquet":
        _check_folder(path, overwrite)
        cols = f"SELECT {CSV_COLUMNS}, year(event_date) AS year, month(event_date) AS month"
        sql = f"{cols} FROM events e{where}{order}"
        opts = "FORMAT parquet, PARTITION_BY (year, month), OVERWRITE_OR_IGNORE"
    elif fmt == "csv":
        sql = f"SELECT {CSV_COLUMNS} FROM events e{where}{order}"
        if not raw_csv:
            sql = _spreadsheet_safe(store, sql, params)
        opts = "FORMAT csv, HEADER true"
    elif fmt == "plover":
        sql = f"SELECT {body[fmt]()} FROM events e{where}{order}"
        opts = "FORMAT json"
    else:
        sql = f"SELECT {body[fmt]()} FROM events e{where}{order}"
        opts = (f"FORMAT csv, DELIMITER '\t', HEADER {'true' if fmt == 'polecat' else 'false'}, "
                "QUOTE '', ESCAPE ''")
    store.ready()
    n = store.con.execute(f"SELECT count(*) FROM events e{where}", params).fetchall()[0][0]
    if _special(path):
        _copy(store, sql, path, opts, params, path)
        return int(n)
    # a half-written export never has the final name: written beside it under a new name
    try:
        if fmt == "parquet":
            tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.part-", dir=path.parent))
        else:
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.part-", dir=path.parent)
            os.close(fd)
            tmp = Path(name)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write in folder {path.parent} ({exc.strerror})") \
            from None
    try:
        _copy(store, sql, tmp, opts, params, path)
        if fmt == "parquet":
            files = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
            (tmp / MARKER).write_text(json.dumps(
                {"written_by": "eventdesk export", "format": "parquet", "events": int(n),
                 "files": files}, indent=1) + "\n", encoding="utf-8")
            if path.is_dir():
                _replace_dataset(path, tmp)
            else:
                os.replace(tmp, path)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)       # mkstemp's file is private; an export is not
            os.replace(tmp, path)
    except BaseException as exc:
        if tmp.is_dir():
            _remove_tree(tmp)
        elif tmp.exists():
            tmp.unlink()
        if isinstance(exc, OSError):
            raise UsageError(f"{out}: export failed ({exc.strerror or exc})") from None
        raise
    return int(n)


def _spreadsheet_safe(store: Store, sql: str, params: list[Any]) -> str:
    """``sql`` with each text column neutralised as :func:`eventdesk.formats.spreadsheet_safe`
    does it (a leading ``'`` on a cell starting with = + - @ tab or CR, unless a number)."""
    from ..formats import FORMULA_START, PLAIN_NUMBER

    cols = store.con.execute(f"DESCRIBE SELECT * FROM ({sql}) LIMIT 0", params).fetchall()
    starts = "^[" + "".join("\\-" if c == "-" else c for c in FORMULA_START) + "]"
    out = []
    for name, kind, *_ in cols:
        q = ident(name)
        if kind == "VARCHAR":
            out.append(f"CASE WHEN regexp_matches({q}, {literal(starts)}) AND NOT "
                       f"regexp_matches({q}, {literal(PLAIN_NUMBER)}) THEN chr(39) || {q} "
                       f"ELSE {q} END AS {q}")
        else:
            out.append(q)
    return f"SELECT {', '.join(out)} FROM ({sql})"


def _copy(store: Store, sql: str, dest: Path, opts: str, params: list[Any], shown: Path) -> None:
    try:
        store.con.execute(f"COPY ({sql}) TO {literal(str(dest))} ({opts})", params)
    except Exception as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        code = re.search(r'"errno":\s*"(\d+)"', msg)       # DuckDB's I/O errors carry errno
        if code:
            msg = os.strerror(int(code.group(1)))
        raise StoreError(f"{shown}: export failed ({msg})") from None


_ = (GDELT1_57,)
