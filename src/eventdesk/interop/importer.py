"""Importing other datasets' event files into the store, streamed through DuckDB's CSV reader.

Each file is read by DuckDB, never parsed in Python (Python only cuts a large tab-separated
file at line ends into chunks, see :func:`_chunks`); each chunk is one transaction and one
batch. A chunk is read once, straight into ``event_rows``: the row keeps what its file says
(ids, date, code, actors, counts, place, URL) and its corroboration key, and leaves NULL what
the ``events`` view derives (the event id ``dataset:origin_id``, the document (its URL), the
CAMEO name, root, PLOVER type and mode, status, pattern). The reader keeps the rows it rejects
(wrong column count, bad date or number) with their line; a parsed row that cannot be an event
(unknown CAMEO code or PLOVER type, no date or id) is inserted marked and deleted before the
commit, and only then does a numbering scan report its line. The unmapped fields of a row
(GDELT's tone and actor geography, say) are kept in ``extra`` only when asked
(``keep_columns``): they are most of a GDELT row, and storing them costs more than the rest
of the import. A file is recorded in ``imports`` by its content hash when its last chunk
commits, the chunks before in ``import_parts``: a rerun skips the files already imported and
resumes a file whose import was killed after its last committed chunk (``import_parts`` rows
are kept after the file is done: with the ``imports`` row, which names the last chunk's batch,
they name every batch of the file). The hash of a file that may be known (one of the same path
was imported, or a file of its format is unfinished) is computed first; that of any other is
computed in a thread while its first chunk is read, and checked before that chunk commits
(a copy under a new name is then rolled back and skipped). The next chunk is cut in a thread
too, while DuckDB reads the current one; a plain file's lines are counted only when a problem
needs its line number.

An imported row replaces a stored one of the same dataset and origin id (from another file, or
earlier in the same file: the last row wins), and its corroboration follows the store's rule
with the row's mention/source/article counts; the rows are grouped once the file is in
(``Store.settle``).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import queue
import re
import shutil
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import EventDeskError, InputError, StoreError, UsageError
from ..store import Store
from ..store.schema import EVENT_NAMES
from .layouts import (GDELT1, GDELT1_57, GDELT2, ICEWS, IMPORT_FORMATS, MENTIONS, PHOENIX,
                      POLECAT, Layout)

Problem = Callable[[InputError], None]

log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    path: str
    format: str
    rows_added: int = 0
    rows_skipped: int = 0
    already_imported: bool = False


# -- files ---------------------------------------------------------------------------------------
#: what Python's readers raise for a compressed file that is cut short or corrupt
_BAD_STREAM = (EOFError, zipfile.BadZipFile, gzip.BadGzipFile, zlib.error)


def _head(path: Path, n: int = 65536) -> bytes:
    """The first bytes of a plain, .gz or .zip file."""
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read(n)
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as z:
                members = [m for m in z.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise InputError(f"a zip file must hold exactly one file, this one holds "
                                     f"{len(members)}", str(path))
                with z.open(members[0]) as f:
                    return f.read(n)
        with open(path, "rb") as f:
            return f.read(n)
    except (OSError, *_BAD_STREAM) as exc:
        raise InputError(f"cannot read ({exc})", str(path)) from None


def _scratch() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for an import's chunks or a zip's member, named after this process
    (``eventdesk-<pid>-...``), removed when the import ends, SIGTERM and Ctrl-C included; one
    left by a killed import (SIGKILL) is removed by the next import (:func:`clean_scratch`)."""
    return tempfile.TemporaryDirectory(prefix=f"eventdesk-{os.getpid()}-")


def clean_scratch() -> int:
    """Remove the temporary folders of imports whose process is gone (killed); returns how
    many. Only folders named as :func:`_scratch` names them, owned by this user."""
    removed = 0
    for d in Path(tempfile.gettempdir()).glob("eventdesk-*-*"):
        m = re.fullmatch(r"eventdesk-(\d+)-[a-z0-9_]+", d.name)
        try:
            if not m or d.is_symlink() or not d.is_dir() or d.stat().st_uid != os.getuid() \
                    or int(m.group(1)) == os.getpid():
                continue
            os.kill(int(m.group(1)), 0)         # the process is alive: its folder is in use
            continue
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
            removed += 1
        except OSError:                         # alive under another user, or unreadable
            continue
    return removed


@contextmanager
def _plain(path: Path, as_gzip: bool = False) -> Iterator[Path]:
    """A path DuckDB can read: the file itself (plain or .gz), or a .zip's member extracted
    (streamed, in constant memory) to a temporary file. With ``as_gzip``, a member compressed
    by deflate (GDELT's zips) becomes a temporary .gz instead: the same compressed bytes
    between a gzip header and trailer, copied, not decompressed (DuckDB decompresses while it
    reads; extracting in Python cost a third of the import of a day of 15-minute files).
    DuckDB does not check a gzip's CRC: the caller checks the member's (:func:`_check_stream`)."""
    if path.suffix.lower() != ".zip":
        yield path
        return
    with zipfile.ZipFile(path) as z, _scratch() as tmp:
        member = next(m for m in z.infolist() if not m.is_dir())
        out = Path(tmp) / Path(member.filename).name
        if as_gzip and member.compress_type == zipfile.ZIP_DEFLATED and \
                not member.flag_bits & 1:                   # not encrypted
            out = out.with_name(out.name + ".gz")
            with open(path, "rb") as src, open(out, "wb") as dst:
                src.seek(member.header_offset)
                local = src.read(30)            # the local header: its name and extra lengths
                if len(local) < 30 or local[:4] != b"PK\x03\x04":
                    raise InputError("cannot read (a zip member without its header)", str(path))
                start = member.header_offset + 30 + int.from_bytes(local[26:28], "little") + \
                    int.from_bytes(local[28:30], "little")
                dst.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")
                dst.flush()
                _copy_range(src, dst, start, member.compress_size)
                dst.seek(0, os.SEEK_END)
                dst.write(member.CRC.to_bytes(4, "little") +
                          (member.file_size & 0xFFFFFFFF).to_bytes(4, "little"))
        else:
            try:
                with z.open(member) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except _BAD_STREAM as exc:      # a bad CRC, say
                raise InputError(f"cannot read ({exc})", str(path)) from None
        yield out


def _check_stream(path: Path) -> None:
    """Read a .gz or a .zip's member through, which checks its CRC (Python's readers raise at
    its end) and that it is whole; DuckDB checks neither."""
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as f:
                while f.read(1 << 22):
                    pass
            return
        with zipfile.ZipFile(path) as z:
            member = next(m for m in z.infolist() if not m.is_dir())
            with z.open(member) as f:
                while f.read(1 << 22):
                    pass
    except _BAD_STREAM as exc:
        raise InputError(f"cannot read ({exc})", str(path)) from None


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def detect(path: Path) -> str:
    """The format of a file, from its first line; an InputError when it is none of ours."""
    head = _head(path)
    if not head.strip():
        raise InputError("empty file", str(path))
    if b"\x00" in head:
        raise InputError("binary data, not an event file", str(path))
    first = head.splitlines()[0].decode("utf-8", errors="replace").lstrip("\ufeff")
    if first.lstrip().startswith("{"):
        try:
            record = json.loads(first)
        except (ValueError, RecursionError):     # not JSON, or nested past Python's limit
            record = {}
        if isinstance(record, dict) and "event" in record:
            return "plover"
        raise InputError("JSON lines without an 'event' field: not PLOVER data", str(path))
    tabs = first.split("\t")
    if set(ICEWS.required) <= set(tabs):
        return "icews"
    if set(POLECAT.required) <= set(tabs):
        return "polecat"
    if len(tabs) == 61:
        return "gdelt2"
    if len(tabs) in (57, 58):
        return "gdelt1"
    if len(tabs) == 16 and tabs[1].isdigit() and len(tabs[1]) == 14:
        return "gdelt2-mentions"
    if len(tabs) == 26 or len(first.split(",")) == 26 or first.startswith("EventID,"):
        return "phoenix"
    raise InputError(f"not a file of a known format (first line has {len(tabs)} tab-separated "
                     f"fields); give --format {'|'.join(IMPORT_FORMATS)}", str(path))


def _check_format(path: Path, fmt: str) -> None:
    """Refuse a file that is clearly of another format than the one asked for."""
    try:
        found = detect(path)
    except InputError as exc:
        if "empty file" in str(exc) or "binary" in str(exc):
            raise
        return                          # unclear: let the reader's own checks decide
    if found != fmt and not (fmt == "phoenix" and found in ("phoenix",)):
        raise InputError(f"this looks like {found} data, not {fmt}", str(path))


# -- SQL -----------------------------------------------------------------------------------------
def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _read_csv(path: Path | list[Path], layout: Layout, columns: list[tuple[str, str]], *,
              header: bool, delimiter: str, rejects: str | None) -> str:
    """DuckDB's reader of one file, or of several (a list: the rows carry the file's place in
    it, ``file_index``, and the rejects theirs, ``file_id``)."""
    cols = "{" + ", ".join(f"{_q(n)}: {_q(t)}" for n, t in columns) + "}"
    quote = "'\"'" if delimiter == "," else "''"
    opts = (f"delim={_q(delimiter)}, header={str(header).lower()}, columns={cols}, "
            f"dateformat={_q(layout.dateformat)}, quote={quote}, escape={quote}, "
            "strict_mode=true, auto_detect=false, null_padding=false, compression='auto', "
            "max_line_size=1048576")
    if rejects:
        opts += f", store_rejects=true, rejects_table={_q(rejects)}, " \
                f"rejects_scan={_q(rejects + '_scan')}"
    else:
        opts += ", ignore_errors=true"
    paths = ("[" + ", ".join(_q(str(x)) for x in path) + "]" if isinstance(path, list)
             else _q(str(path)))
    return f"read_csv({paths}, {opts})"


def _nz(col: str) -> str:
    return f"nullif(trim({_ident(col)}), '')"


def _extra(names: list[str], present: list[str]) -> str:
    return "concat_ws(chr(9), " + ", ".join(
        f"coalesce(CAST({_ident(n)} AS VARCHAR), '')" if n in present else "''"
        for n in names) + ")"


#: the standard columns each format's mapping provides
STD = ["oid", "d", "code", "ptype", "pmode", "pcontext", "a_code", "a_country", "a_sector",
       "a_name", "r_code", "r_country", "r_sector", "r_name", "gold", "quad", "loc",
       "loc_country", "lat", "lon", "source", "url", "published", "n_m", "n_s", "n_a",
       "sentence", "doc_id", "sentence_index", "extra"]

GDELT_MAPPED = {"GLOBALEVENTID", "SQLDATE", "EventCode", "Actor1Code", "Actor1Name",
                "Actor1CountryCode", "Actor1Type1Code", "Actor2Code", "Actor2Name",
                "Actor2CountryCode", "Actor2Type1Code", "QuadClass", "GoldsteinScale",
                "NumMentions", "NumSources", "NumArticles", "ActionGeo_FullName",
                "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL"}


def extra_names(layout: Layout) -> list[str]:
    """The columns of a layout kept in ``events.extra`` (in order)."""
    if layout.name in ("gdelt1", "gdelt2"):
        return [n for n in layout.names if n not in GDELT_MAPPED]
    if layout.name == "icews":
        return ["Source Sectors", "Source Country", "Target Sectors", "Target Country",
                "Event Text", "City", "District", "Province", "Country", "Story ID"]
    if layout.name == "polecat":
        return POLECAT.names                # all of them: the export gives them back as read
    if layout.name == "phoenix":
        return ["Year", "Month", "Day", "SourceActorFull", "SourceActorRole",
                "SourceActorAttribute", "TargetActorFull", "TargetActorRole",
                "TargetActorAttribute", "EventRootCode", "PentaClass", "Issues", "StateName",
                "SentenceID", "URLs", "NewsSources"]
    return []


def _mapping(layout: Layout, names: list[str]) -> dict[str, str]:
    """SQL expressions of the standard columns over one row of the layout."""
    x = _ident
    if layout.name in ("gdelt1", "gdelt2"):
        added = x("DATEADDED")
        return {
            "oid": x("GLOBALEVENTID"), "d": x("SQLDATE"), "code": x("EventCode"),
            "ptype": "NULL", "pmode": "NULL", "pcontext": "NULL",
            "a_code": _nz("Actor1Code"), "a_country": _nz("Actor1CountryCode"),
            "a_sector": _nz("Actor1Type1Code"), "a_name": _nz("Actor1Name"),
            "r_code": _nz("Actor2Code"), "r_country": _nz("Actor2CountryCode"),
            "r_sector": _nz("Actor2Type1Code"), "r_name": _nz("Actor2Name"),
            "gold": x("GoldsteinScale"), "quad": x("QuadClass"),
            "loc": _nz("ActionGeo_FullName"), "loc_country": _nz("ActionGeo_CountryCode"),
            "lat": x("ActionGeo_Lat"), "lon": x("ActionGeo_Long"),
            "source": "NULL",
            "url": _nz("SOURCEURL") if "SOURCEURL" in names else "NULL",
            "published": f"try_strptime(left({added}, 8), '%Y%m%d')::DATE",
            "n_m": f"coalesce({x('NumMentions')}, 1)", "n_s": f"coalesce({x('NumSources')}, 1)",
            "n_a": f"coalesce({x('NumArticles')}, 1)", "sentence": "NULL", "doc_id": "NULL",
            "sentence_index": "NULL", "extra": _extra(extra_names(layout), names)}
    if layout.name == "icews":
        return {
            "oid": x("Event ID"), "d": x("Event Date"), "code": _nz("CAMEO Code"),
            "ptype": "NULL", "pmode": "NULL", "pcontext": "NULL",
            "a_code": "sa.code", "a_country": "sa.code", "a_sector": _nz("Source Sectors"),
            "a_name": _nz("Source Name"), "r_code": "ta.code", "r_country": "ta.code",
            "r_sector": _nz("Target Sectors"), "r_name": _nz("Target Name"),
            "gold": x("Intensity"), "quad": "NULL",
            "loc": f"coalesce({_nz('City')}, {_nz('Province')}, {_nz('Country')})",
            "loc_country": "lc.code", "lat": x("Latitude"), "lon": x("Longitude"),
            "source": _nz("Publisher"), "url": "NULL", "published": "NULL",
            "n_m": "1", "n_s": "1", "n_a": "1", "sentence": "''",
            "doc_id": f"'icews:' || coalesce({_nz('Story ID')}, {x('Event ID')})",
            "sentence_index": f"coalesce(TRY_CAST({x('Sentence Number')} AS INTEGER), 0)",
            "extra": _extra(extra_names(layout), names)}
    if layout.name == "polecat":
        return {
            "oid": x("Event ID"), "d": x("Event Date"), "code": "NULL",
            "ptype": f"upper({_nz('Event Type')})", "pmode": _nz("Event Mode"),
            "pcontext": _nz("Contexts"),
            "a_code": f"coalesce(sa.code, upper({_nz('Actor Country')}))",
            "a_country": f"coalesce(sa.code, upper({_nz('Actor Country')}))",
            "a_sector": _nz("Primary Actor Sector"), "a_name": _nz("Actor Name"),
            "r_code": f"coalesce(ta.code, upper({_nz('Recipient Country')}))",
            "r_country": f"coalesce(ta.code, upper({_nz('Recipient Country')}))",
            "r_sector": _nz("Primary Recipient Sector"), "r_name": _nz("Recipient Name"),
            "gold": f"TRY_CAST({x('Event Intensity')} AS DOUBLE)", "quad": "NULL",
            "loc": _nz("Placename"), "loc_country": f"coalesce(lc.code, {_nz('Country')})",
            "lat": f"TRY_CAST({x('Latitude')} AS DOUBLE)",
            "lon": f"TRY_CAST({x('Longitude')} AS DOUBLE)",
            "source": _nz("Source"), "url": "NULL",
            "published": f"TRY_CAST({x('Publication Date')} AS DATE)",
            "n_m": "1", "n_s": "1", "n_a": "1", "sentence": "''",
            "doc_id": f"'polecat:' || {x('Event ID')}", "sentence_index": "0",
            "extra": _extra(extra_names(layout), names)}
    if layout.name == "phoenix":
        return {
            "oid": x("EventID"), "d": x("Date"), "code": _nz("EventCode"),
            "ptype": "NULL", "pmode": "NULL", "pcontext": "NULL",
            "a_code": _nz("SourceActorFull"), "a_country": _nz("SourceActorEntity"),
            "a_sector": _nz("SourceActorRole"), "a_name": "NULL",
            "r_code": _nz("TargetActorFull"), "r_country": _nz("TargetActorEntity"),
            "r_sector": _nz("TargetActorRole"), "r_name": "NULL",
            "gold": x("GoldsteinScore"), "quad": "NULL",
            "loc": _nz("LocationName"), "loc_country": _nz("CountryCode"),
            "lat": x("Lat"), "lon": x("Lon"), "source": _nz("NewsSources"),
            "url": f"nullif(split_part({x('URLs')}, ';', 1), '')", "published": "NULL",
            "n_m": "1", "n_s": "1", "n_a": "1", "sentence": "''",
            "doc_id": f"'phoenix:' || {x('EventID')}", "sentence_index": "0",
            "extra": _extra(extra_names(layout), names)}
    raise UsageError(f"no mapping for {layout.name}")


def _joins(layout: Layout) -> str:
    if layout.name == "icews":
        return ("LEFT JOIN ed_states sa ON sa.lname = lower(trim(r.\"Source Country\")) "
                "LEFT JOIN ed_states ta ON ta.lname = lower(trim(r.\"Target Country\")) "
                "LEFT JOIN ed_states lc ON lc.lname = lower(trim(r.\"Country\"))")
    if layout.name == "polecat":
        return ("LEFT JOIN ed_states sa ON sa.lname = lower(trim(r.\"Actor Country\")) "
                "LEFT JOIN ed_states ta ON ta.lname = lower(trim(r.\"Recipient Country\")) "
                "LEFT JOIN ed_states lc ON lc.lname = lower(trim(r.\"Country\"))")
    return ""


def _standard(source: str, layout: Layout, names: list[str], rn: bool = False,
              fi: bool = False) -> str:
    """The standard columns (:data:`STD`) of the rows of ``source``, with their number in it
    (``rn``) or the index of their file among several (``fi``) when asked."""
    m = _mapping(layout, names)
    cols = ", ".join(f"{m[k]} AS {k}" for k in STD)
    inner = f"(SELECT row_number() OVER () AS rn, * FROM {source})" if rn else source
    return (f"SELECT {'r.rn, ' if rn else ''}{'r.file_index AS fi, ' if fi else ''}{cols} "
            f"FROM {inner} r {_joins(layout)}")


def _coded(std: str) -> str:
    """The standard rows joined to the ontology: c.code is NULL for an unknown code/type."""
    return (f"SELECT s.*, c.code AS ccode, c.root, c.name AS cname, c.goldstein AS cgold, "
            f"c.quad AS cquad, c.penta, c.plover, c.mode, c.context FROM ({std}) s "
            "LEFT JOIN ed_plover p ON p.plover = s.ptype "
            "LEFT JOIN ed_cameo c ON c.code = coalesce(s.code, p.code)")


#: the pattern a row that parsed but cannot be an event (no id, no date, unknown code or
#: type) carries in event_rows until the write deletes it, before it commits
BAD_PATTERN = "!skip"


def _event_select(store: Store, layout: Layout, std: str, batch_id: int | list[int],
                  keep: bool) -> str:
    """The rows of ``event_rows`` for every row the reader parsed: what the file says, NULL
    for what the events view derives; the rows that cannot be events carry
    :data:`BAD_PATTERN` (so one scan inserts and counts them; the write deletes them).

    The CAMEO code is checked against a list of constants, not joined: a join would carry
    every column of the wide scan through it (twice the cost of the import). A format coded
    with PLOVER types (POLECAT) takes its representative code from a join with ``ed_plover``;
    a store grouping by PLOVER type joins the code's type. ``batch_id`` is a list for rows of
    several files (``std`` with their file index): each file's batch."""
    from ..ontology import cameo_table

    ds = layout.name
    codes = ", ".join(_q(c) for c in sorted(cameo_table()))
    joins, plover = "", "s.ptype"
    code = "s.code"
    if ds == "polecat":
        joins += " LEFT JOIN ed_plover p ON p.plover = s.ptype"
        code = "coalesce(s.code, p.code)"
    if store.rule.by == "plover":
        joins += f" LEFT JOIN ed_cameo c ON c.code = {code}"
        plover = "coalesce(s.ptype, c.plover)"
    ok = f"coalesce({code} IN ({codes}) AND s.d IS NOT NULL AND s.oid IS NOT NULL, false)"
    key = store.rule.key_of("s.a_country", "s.a_code", "s.r_country", "s.r_code",
                            f"left({code}, 2)", plover, "'asserted'", "'day'")
    values = {
        "doc_id": "s.doc_id", "sentence_index": "s.sentence_index", "sentence": "s.sentence",
        "event_date": "s.d", "cameo": f"coalesce({code}, '')", "goldstein": "s.gold",
        "quad": "s.quad", "plover": "s.ptype",
        "mode": "s.pmode", "context": "s.pcontext", "actor_code": "s.a_code",
        "actor_country": "s.a_country", "recipient_code": "s.r_code",
        "recipient_country": "s.r_country", "location": "s.loc",
        "location_country": "s.loc_country",
        "pattern": f"CASE WHEN NOT {ok} THEN '{BAD_PATTERN}' END", "dataset": f"'{ds}'",
        "origin_id": "s.oid", "source": "s.source", "url": "s.url", "published": "s.published",
        "actor_sector": "s.a_sector", "actor_name": "s.a_name", "recipient_sector": "s.r_sector",
        "recipient_name": "s.r_name", "location_lat": "s.lat", "location_lon": "s.lon",
        "n_mentions": "s.n_m", "n_sources": "s.n_s", "n_articles": "s.n_a", "ckey": key,
        "batch_id": (f"[{', '.join(str(int(b)) for b in batch_id)}][CAST(s.fi AS BIGINT) + 1]"
                     if isinstance(batch_id, list) else str(int(batch_id))),
        "extra": "s.extra" if keep else "NULL"}
    names = [n for n in EVENT_NAMES if n in values]
    return (f"INSERT INTO event_rows ({', '.join(names)}) SELECT "
            f"{', '.join(values[n] for n in names)} FROM ({std}) s{joins}")


def _lookups(store: Store) -> None:
    """Temp tables of the ontology and of state names, for the mapping joins (once for the
    store's connection: temp tables live as long as it)."""
    from .._tsv import data_path, read_tsv
    from ..ontology import cameo_table

    con = store.con
    if store.lookups_for is con:
        return
    rows = [(c.code, c.root, c.name, c.goldstein, c.quad, c.penta, c.plover, c.mode, c.context)
            for c in cameo_table().values()]
    con.execute("CREATE TEMP TABLE ed_cameo (code VARCHAR, root VARCHAR, name VARCHAR, "
                "goldstein DOUBLE, quad TINYINT, penta TINYINT, plover VARCHAR, mode VARCHAR, "
                "context VARCHAR)")
    # one statement each (executemany costs a round trip a row: 0.4 s for these tables)
    con.execute("INSERT INTO ed_cameo SELECT unnest($1), unnest($2), unnest($3), unnest($4), "
                "unnest($5), unnest($6), unnest($7), unnest($8), unnest($9)",
                [list(col) for col in zip(*rows)])
    # a PLOVER type's representative CAMEO code: the shortest code mapped to it, first by code
    con.execute("CREATE TEMP TABLE ed_plover AS SELECT plover, arg_min(code, length(code) * "
                "10000 + CAST(code AS INTEGER)) AS code FROM ed_cameo WHERE plover IS NOT NULL "
                "GROUP BY plover")
    names: list[tuple[str, str]] = []
    for _, row in read_tsv(data_path("eventdesk.actors", "states.tsv")):
        for n in [row["name"], *(row.get("variants") or "").split("|"), row["code"]]:
            if n.strip():
                names.append((n.strip().lower(), row["code"]))
    con.execute("CREATE TEMP TABLE ed_states (lname VARCHAR, code VARCHAR)")
    pairs = dict(names)
    con.execute("INSERT INTO ed_states SELECT unnest($1), unnest($2)",
                [list(pairs), list(pairs.values())])
    store.lookups_for = con


# -- import --------------------------------------------------------------------------------------
def _header_columns(path: Path, layout: Layout, delimiter: str) -> list[tuple[str, str]]:
    first = _head(path).splitlines()[0].decode("utf-8", errors="replace").lstrip("\ufeff")
    names = [n.strip() for n in first.rstrip("\r").split(delimiter)]
    missing = [n for n in layout.required if n not in names]
    if missing:
        raise InputError(f"not {layout.name} data: the header lacks {', '.join(missing)}",
                         str(path))
    types = dict(layout.columns)
    return [(n, types.get(n, "VARCHAR")) for n in names]


def _layout_for(path: Path, fmt: str) -> tuple[Layout, list[tuple[str, str]], bool, str]:
    """The layout, the columns as the file has them, whether it has a header, delimiter."""
    if fmt == "gdelt1":
        head = _head(path).splitlines()[0]
        n = len(head.split(b"\t"))
        layout = GDELT1_57 if n == 57 else GDELT1
        return layout, layout.columns, False, "\t"
    if fmt in ("gdelt2", "gdelt2-mentions"):
        layout = GDELT2 if fmt == "gdelt2" else MENTIONS
        return layout, layout.columns, False, "\t"
    if fmt in ("icews", "polecat"):
        layout = ICEWS if fmt == "icews" else POLECAT
        return layout, _header_columns(path, layout, "\t"), True, "\t"
    if fmt == "phoenix":
        first = _head(path).splitlines()[0].decode("utf-8", errors="replace")
        delim = "\t" if first.count("\t") >= first.count(",") else ","
        header = first.startswith("EventID")
        return PHOENIX, PHOENIX.columns, header, delim
    raise UsageError(f"unknown format {fmt!r}: use {'|'.join(IMPORT_FORMATS)}")


def _line_of(rn: int, header: bool, rejected: list[int]) -> int:
    """The file line of the rn-th row the CSV reader accepted."""
    line = rn + (1 if header else 0)
    for r in rejected:                  # sorted
        if r <= line:
            line += 1
        else:
            break
    return line


def import_file(store: Store, path: str | os.PathLike[str], fmt: str | None = None, *,
                on_problem: Problem | None = None, force: bool = False,
                keep_columns: bool = False) -> ImportResult:
    """Import one file (plain, .gz or .zip), one transaction per chunk; rows that do not fit
    are given to ``on_problem`` (an :class:`InputError` naming file and line) and skipped.
    ``keep_columns`` keeps the fields the event model does not map (in ``extra``), so an
    export to the same format gives them back. The rows are corroborated (grouped) later, by
    ``store.settle()``, which any read of events runs first: a file's reports are grouped
    once, together, instead of chunk by chunk, and several files once for all."""
    store._writable()
    clean_scratch()
    p = Path(path)
    if not p.is_file():
        from ..readers import not_regular

        raise InputError(not_regular(p) or "not a regular file", str(p))
    fmt = fmt or detect(p)
    if fmt not in IMPORT_FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use {'|'.join(IMPORT_FORMATS)}")
    _check_format(p, fmt)
    report = on_problem or (lambda exc: None)
    if fmt != "plover" and not _maybe_known(store, p, fmt):
        # most likely a new file: hashed in a thread while its first chunk is imported
        digest: str | _Background = _Background(file_hash, p)
    else:
        digest = file_hash(p)
        done = store.con.execute("SELECT rows_added FROM imports WHERE file_hash = ? AND "
                                 "dataset = ?", [digest, fmt]).fetchone()
        if done and not force:
            return ImportResult(str(p), fmt, already_imported=True)
    if fmt == "plover":
        from .plover import import_plover

        return import_plover(store, p, str(digest), report)
    _lookups(store)
    with _plain(p) as readable, store.bulk_memory():
        layout, columns, header, delim = _layout_for(p, fmt)
        try:
            return _import_csv(store, p, readable, layout, columns, header, delim, digest,
                               report, keep_columns)
        except _HashKnown as known:
            if known.done and not force:
                return ImportResult(str(p), fmt, already_imported=True)
            return _import_csv(store, p, readable, layout, columns, header, delim,
                               known.digest, report, keep_columns)


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
_UNFINISHED = ("NOT EXISTS (SELECT 1 FROM imports i WHERE i.file_hash = p.file_hash AND "
               "i.dataset = p.dataset)")


def _maybe_known(store: Store, path: Path, fmt: str) -> bool:
    """Whether the file may be one imported before (a file of this path was) or one whose
    import was cut off (a file of this format is unfinished): then its hash is needed before
    anything is read."""
    return bool(store.con.execute(
        "SELECT (SELECT count(*) FROM imports WHERE dataset = $1 AND path = $2) + "
        f"(SELECT count(*) FROM import_parts p WHERE dataset = $1 AND {_UNFINISHED})",
        [fmt, str(path)]).fetchone()[0])


def _problems(store: Store, shown: Path, readable: Path, layout: Layout,
              columns: list[tuple[str, str]], header: bool, delim: str,
              report: Problem, offset: int = 0) -> set[int]:
    """First scan: report every row that will be skipped; returns their lines (lines of the
    file ``shown``: ``offset`` is added to those of ``readable``, a chunk of it)."""
    con = store.con
    names = [n for n, _ in columns]
    src = _read_csv(readable, layout, columns, header=header, delimiter=delim,
                    rejects="ed_rejects")
    if layout.name == "gdelt2-mentions":
        bad_sql = (f"SELECT rn, \"GLOBALEVENTID\", 'no event id' FROM (SELECT row_number() OVER"
                   f" () AS rn, * FROM {src}) WHERE nullif(trim(\"GLOBALEVENTID\"), '') IS NULL")
    else:
        std = _standard(src, layout, names, rn=True)
        bad_sql = (f"SELECT rn, oid, CASE WHEN oid IS NULL THEN 'no event id' "
                   f"WHEN d IS NULL THEN 'no date' WHEN ptype IS NOT NULL THEN "
                   f"'unknown PLOVER event type ' || ptype ELSE 'unknown CAMEO code ' || "
                   f"coalesce('''' || code || '''', '(empty)') END FROM ({_coded(std)}) "
                   "WHERE ccode IS NULL OR d IS NULL OR oid IS NULL ORDER BY rn")
    con.execute("DROP TABLE IF EXISTS ed_rejects; DROP TABLE IF EXISTS ed_rejects_scan")
    con.execute("SET preserve_insertion_order = true")     # row_number() in file order
    try:
        bad = con.execute(bad_sql).fetchall()
        rejects = con.execute("SELECT line, error_type, error_message FROM ed_rejects "
                              "ORDER BY line").fetchall()
    except Exception as exc:
        raise InputError(f"cannot read as {layout.name} ({_short(exc)})", str(shown)) from None
    finally:
        con.execute("SET preserve_insertion_order = false")
    lines = sorted({r[0] for r in rejects})
    problems: list[tuple[int, str]] = []
    seen: set[int] = set()
    for line, kind, msg in rejects:
        if line in seen:
            continue
        seen.add(line)
        problems.append((line, _reject_text(kind, msg)))
    for rn, oid, why in bad:
        problems.append((_line_of(rn, header, lines), f"{why} (id {oid})" if oid else why))
    for line, why in sorted(problems):
        report(InputError(f"{why}; row skipped", f"{shown}:{line + offset}"))
    return {line + offset for line, _ in problems}


def _reject_text(kind: str, msg: str) -> str:
    if kind == "CAST":
        return _short(msg).replace("Error when converting", "bad value in")
    if kind in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
        return f"wrong number of columns ({_short(msg).replace('Expected Number of Columns: ', 'expected ')})"
    if "UNICODE" in kind:
        return "not valid UTF-8"
    return f"{kind.lower()}: {_short(msg)}"


def _short(exc: object) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


#: the size of the chunks a large file is imported in, one transaction each (bytes of its
#: uncompressed text; $EVENTDESK_IMPORT_CHUNK overrides it): memory is bounded by a chunk
CHUNK_BYTES = 256 << 20


def _chunk_bytes() -> int:
    value = os.environ.get("EVENTDESK_IMPORT_CHUNK", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else CHUNK_BYTES


def _count_lines(path: Path, start: int, end: int) -> int:
    """The line ends in bytes ``start`` to ``end`` of an uncompressed file (blocks of 16 MB)."""
    buf = bytearray(1 << 24)
    n, left = 0, end - start
    with open(path, "rb", buffering=0) as f:
        f.seek(start)
        while left > 0:
            got = f.readinto(memoryview(buf)[:min(left, len(buf))])
            if not got:
                break
            n += buf.count(b"\n", 0, got)
            left -= got
    return n


class _Lines:
    """The line numbers of a file's byte offsets (uncompressed, each at a line start), known or
    counted when first asked. A plain file's lines are counted only then, from the nearest
    offset known: an import without problems never counts them (a tenth of its time on a
    large file); a compressed file's are noted as its chunks are cut."""

    def __init__(self, path: Path, start: int = 0, start_line: int = -1):
        self.path = path
        self.known = {0: 0}
        if start_line >= 0:
            self.known[start] = start_line
        self._lock = threading.Lock()   # asked for by the importer, noted by the cutter

    def note(self, pos: int, line: int) -> None:
        with self._lock:
            self.known[pos] = line

    def get(self, pos: int) -> int:
        """The lines before ``pos`` if known, else -1 (without counting)."""
        with self._lock:
            return self.known.get(pos, -1)

    def at(self, pos: int) -> int:
        """The lines before ``pos`` (counted now if not known)."""
        with self._lock:
            if pos not in self.known:
                base = max(p for p in self.known if p <= pos)
                self.known[pos] = self.known[base] + _count_lines(self.path, base, pos)
            return self.known[pos]


@dataclass
class _Chunk:
    path: Path          # the file DuckDB reads: the file itself, or a temporary chunk file
    start: int          # byte offset (uncompressed) of the chunk's first line in the file
    again: bool         # the chunk file begins with the header line again
    end_offset: int     # byte offset (uncompressed) just after the chunk
    last: bool
    lines: _Lines

    @property
    def offset(self) -> int:
        """Added to a line of ``path`` to give the line of the original file (counts the lines
        before the chunk, if not known)."""
        return self.lines.at(self.start) - (1 if self.again else 0)

    @property
    def end_line(self) -> int:
        """The lines of the original file up to the chunk's end if known, else -1."""
        return self.lines.get(self.end_offset)


def _chunks(readable: Path, header: bool, delim: str, start: int, start_line: int,
            tmp: Path) -> Iterator[_Chunk]:
    """The file cut at line ends into chunks of about :func:`_chunk_bytes`, from the
    uncompressed byte offset ``start`` (a resumed import: ``start_line`` lines precede it, -1
    when they were not counted); every chunk after the first gets the header line again. Each
    chunk is streamed to its temporary file in pieces of 1 MB, so Python holds no chunk in
    memory. A plain file of one chunk (and a comma-separated file, whose quoted fields may
    hold line breaks) is read as it is."""
    size = _chunk_bytes()
    gz = readable.suffix.lower() == ".gz"
    lines = _Lines(readable, start, start_line)
    if delim != "\t" or (not gz and start == 0 and readable.stat().st_size <= size):
        yield _Chunk(readable, 0, False, readable.stat().st_size, True, lines)
        return
    if not gz:
        yield from _plain_chunks(readable, header, start, tmp, size, lines)
        return
    try:
        yield from _gz_chunks(readable, header, start, start_line, tmp, size, lines)
    except _BAD_STREAM as exc:          # cut short, a bad CRC: the chunks before it are kept
        raise InputError(f"cannot read ({exc})", str(readable)) from None


def _gz_chunks(readable: Path, header: bool, start: int, start_line: int, tmp: Path,
               size: int, lines: _Lines) -> Iterator[_Chunk]:
    """:func:`_chunks` of a .gz file: decompressed by Python, which counts its lines."""
    opener: Any = gzip.open
    head = b""
    if header:
        with opener(readable, "rb") as f:
            head = f.readline()
    piece = 1 << 20
    with opener(readable, "rb") as f:
        left, line = start, 0
        while left:                     # to a resumed import's start (counting its lines
            block = f.read(min(left, 1 << 24))      # when they were not)
            if not block:
                break
            left -= len(block)
            line += block.count(b"\n") if start_line < 0 else 0
        pos, line, n = start, start_line if start_line >= 0 else line, 0
        lines.note(pos, line)
        carry = f.read(1)
        if not carry:
            yield _Chunk(readable, 0, False, 0, True, lines)
            return
        while carry:
            out = tmp / f"chunk{n}.tsv"
            again = header and pos > 0
            written, counted, ends = 0, 0, True
            with open(out, "wb") as o:
                if again:
                    o.write(head)
                while carry:
                    o.write(carry)
                    written += len(carry)
                    counted += carry.count(b"\n")
                    ends = carry.endswith(b"\n")
                    if written >= size:
                        break
                    carry = f.read(min(piece, size - written))
                if not ends:                    # finish the line the chunk cut
                    rest = f.readline()
                    if rest:
                        o.write(rest)
                        written += len(rest)
                        counted += rest.count(b"\n")
                carry = f.read(1)
            lines.note(pos + written, line + counted)
            yield _Chunk(out, pos, again, pos + written, not carry, lines)
            pos, line, n = pos + written, line + counted, n + 1


def _plain_chunks(readable: Path, header: bool, start: int, tmp: Path, size: int,
                  lines: _Lines) -> Iterator[_Chunk]:
    """:func:`_chunks` of an uncompressed file: each chunk's end is found by a seek and the
    rest of the line there, and its bytes are copied to the chunk file by the kernel
    (``os.copy_file_range``, five times faster here than copying through Python, which is the
    fallback); its lines are not counted (:class:`_Lines` counts them if asked)."""
    total = readable.stat().st_size
    with open(readable, "rb", buffering=0) as f:
        head = f.readline() if header else b""
        pos, n = start, 0
        while True:
            end = min(pos + size, total)
            if end < total:
                f.seek(end - 1)
                if f.read(1) != b"\n":            # finish the line the chunk cuts
                    end += len(f.readline())
            again = header and pos > 0
            out = tmp / f"chunk{n}.tsv"
            with open(out, "wb") as o:
                if again:
                    o.write(head)
                    o.flush()
                _copy_range(f, o, pos, end - pos)
            yield _Chunk(out, pos, again, end, end >= total, lines)
            if end >= total:
                return
            pos, n = end, n + 1


def _copy_range(src: Any, dst: Any, offset: int, count: int) -> None:
    """``count`` bytes of ``src`` from ``offset`` appended to ``dst`` (binary files)."""
    copy = getattr(os, "copy_file_range", None)
    done = 0
    if copy is not None:
        try:
            while done < count:
                got = copy(src.fileno(), dst.fileno(), count - done, offset + done)
                if not got:
                    break
                done += got
            return
        except OSError:         # not on this filesystem: the bytes not copied go through Python
            pass
    src.seek(offset + done)
    left = count - done
    while left:
        block = src.read(min(left, 1 << 20))
        if not block:
            break
        dst.write(block)
        left -= len(block)


class _Background:
    """``fn(*args)`` run in a thread (Python's file reads and hashing release the GIL, and
    DuckDB's queries run without it, so both cores work); ``result()`` waits for it."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._out: tuple[bool, Any] | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self._out = (True, fn(*args))
        except BaseException as exc:     # given to the caller of result()
            self._out = (False, exc)

    def result(self) -> Any:
        self._thread.join()
        assert self._out is not None
        ok, value = self._out
        if not ok:
            raise value
        return value


@contextmanager
def _ahead(items: Iterator[Any]) -> Iterator[Iterator[Any]]:
    """``items`` produced one ahead in a thread: the next chunk is cut and counted while
    DuckDB imports this one. Leaving the block stops the thread (and waits for it)."""
    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                box.put((kind, value), timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put("item", item):
                    break
            else:
                put("end", None)
        except BaseException as exc:
            put("error", exc)
        finally:
            close = getattr(items, "close", None)
            if close:
                close()

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()

    def consume() -> Iterator[Any]:
        while True:
            kind, value = box.get()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return

    try:
        yield consume()
    finally:
        stop.set()
        thread.join()


class _HashKnown(EventDeskError):
    """The content hash, known only after the first chunk was read, names a file imported
    before (``done``) or one whose import was cut off: the chunk is rolled back."""

    def __init__(self, digest: str, done: bool):
        super().__init__(digest)
        self.digest, self.done = digest, done


def _import_csv(store: Store, shown: Path, readable: Path, layout: Layout,
                columns: list[tuple[str, str]], header: bool, delim: str,
                digest: str | _Background, report: Problem, keep: bool) -> ImportResult:
    """Import one delimited file, in chunks of about :func:`_chunk_bytes` (one transaction and
    one batch each, see :func:`_insert_chunk`); the file is recorded in ``imports`` by the
    transaction of its last chunk, the chunks before in ``import_parts``, so a rerun after a
    crash resumes after the last committed chunk. ``digest`` still being computed (a
    :class:`_Background`) means the file is taken for a new one: its hash is awaited before
    the first chunk commits (and :class:`_HashKnown` raised, the chunk rolled back, when the
    hash names a file imported before or cut off), and that chunk's problems are reported
    only then."""
    con = store.con
    result = ImportResult(str(shown), layout.name)
    hashing = digest if isinstance(digest, _Background) else None
    key = [None if hashing else digest, layout.name]
    if hashing:
        again, part, resumed_skips = False, None, 0
    else:
        # a file imported before (a forced import) starts afresh; one whose import was killed
        # resumes after its last committed chunk
        again = con.execute("SELECT count(*) FROM imports WHERE file_hash = ? AND dataset = ?",
                            key).fetchone()[0] > 0
        part = None if again else con.execute(
            "SELECT part, end_offset, end_line FROM import_parts WHERE file_hash = ? AND "
            "dataset = ? ORDER BY part DESC LIMIT 1", key).fetchone()
        resumed_skips = 0 if again else int(con.execute(
            "SELECT coalesce(sum(rows_skipped), 0) FROM import_parts WHERE file_hash = ? AND "
            "dataset = ?", key).fetchone()[0])
    n_part, start, start_line = (part[0] + 1, part[1], part[2]) if part else (0, 0, 0)
    state = {"part": n_part, "skipped": 0, "rows": 0}
    held: list[InputError] = []         # the first chunk's problems, while its hash is awaited

    with _scratch() as tmp, \
            _ahead(_chunks(readable, header, delim, start, start_line, Path(tmp))) as chunks:
        for chunk in chunks:
            def work(chunk: _Chunk = chunk) -> tuple[int, int]:
                if again and state["part"] == 0:
                    for table in ("imports", "import_parts"):
                        con.execute(f"DELETE FROM {table} WHERE file_hash = ? AND dataset = ?",
                                    key)
                b = store.new_batch()
                wait = hashing is not None and key[0] is None
                n, skipped_here = _insert_chunk(store, shown, chunk, layout, columns, header,
                                                delim, b, held.append if wait else report,
                                                keep)
                if wait:
                    assert hashing is not None
                    key[0] = hashing.result()
                    done, cut = _hash_known(con, str(key[0]), layout.name)
                    if done or cut:
                        raise _HashKnown(str(key[0]), bool(done))
                if chunk.last:
                    if layout.name != "gdelt2-mentions":
                        # every stored row of the file's batches
                        n = con.execute(
                            "SELECT count(*) FROM event_rows WHERE batch_id = ? OR batch_id IN "
                            "(SELECT batch_id FROM import_parts WHERE file_hash = ? AND "
                            "dataset = ?)", [b, *key]).fetchone()[0]
                    else:           # provenance rows; those of a resumed run's earlier parts
                        n += state["rows"]      # are not counted again
                    record_import(con, str(key[0]), layout.name, shown, n,
                                  resumed_skips + state["skipped"] + skipped_here, b)
                else:       # kept when the file is done: they name the batches of its chunks
                    con.execute("INSERT INTO import_parts VALUES (?, ?, ?, ?, ?, ?, ?)",
                                [key[0], layout.name, state["part"], chunk.end_offset,
                                 chunk.end_line, b, skipped_here])
                return int(n), skipped_here

            try:
                n, skipped_here = store._transaction(work, f"import of {shown} failed")
            finally:
                if chunk.path != readable:
                    chunk.path.unlink(missing_ok=True)
            for exc in held:
                report(exc)
            held.clear()
            log.info("%s: chunk %d committed (to byte %d)", shown, state["part"],
                     chunk.end_offset)
            state["part"] += 1
            state["skipped"] += skipped_here
            state["rows"] += n
            result.rows_added = n if chunk.last else state["rows"]
    # the rows skipped by this run (a resumed run reported those of its earlier parts before)
    result.rows_skipped = state["skipped"]
    return result


def _insert_chunk(store: Store, shown: Path, chunk: _Chunk, layout: Layout,
                  columns: list[tuple[str, str]], header: bool, delim: str, batch_id: int,
                  report: Problem, keep: bool) -> tuple[int, int]:
    """Import one chunk as batch ``batch_id`` inside the caller's transaction: rows inserted,
    rows skipped."""
    import duckdb

    con = store.con
    names = [n for n, _ in columns]
    mentions = layout.name == "gdelt2-mentions"
    reported: set[int] = set()
    try:
        if mentions:
            reported = _problems(store, shown, chunk.path, layout, columns, header, delim,
                                 report, chunk.offset)
        con.execute("DROP TABLE IF EXISTS ed_rejects2; DROP TABLE IF EXISTS ed_rejects2_scan")
        src = _read_csv(chunk.path, layout, columns, header=header, delimiter=delim,
                        rejects="ed_rejects2")

        def problems() -> None:
            reported.update(_problems(store, shown, chunk.path, layout, columns, header, delim,
                                      report, chunk.offset))

        if mentions:
            n = _insert_mentions(con, src)
        else:
            n = _insert_events(store, layout, src, names, batch_id, problems, keep)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        raise InputError(f"cannot read as {layout.name} ({_short(exc)})", str(shown)) from None
    # the rows the reader rejected (and, when the numbering scan ran, those it did not see:
    # DuckDB checks some values, such as UTF-8, only in the columns a query reads)
    for line, kind, msg in con.execute("SELECT line, any_value(error_type), "
                                       "any_value(error_message) FROM ed_rejects2 "
                                       "GROUP BY line ORDER BY line").fetchall():
        line += chunk.offset
        if line not in reported:
            report(InputError(f"{_reject_text(kind, msg)}; row skipped", f"{shown}:{line}"))
            reported.add(line)
    return int(n), len(reported)


def _insert_events(store: Store, layout: Layout, src: str, names: list[str], batch_id: int,
                   problems: Callable[[], None], keep: bool) -> int:
    """Insert a chunk's rows as batch ``batch_id`` in one scan, then settle what the scan
    cannot: rows that are no events (reported by ``problems``, a numbering scan, and
    deleted), ids twice in the chunk (read again in file order, the last row kept), stored
    rows of the same dataset and origin ids (replaced); the corroboration waits for
    ``Store.settle``."""
    con = store.con
    b = int(batch_id)
    insert = _event_select(store, layout, _standard(src, layout, names), b, keep)
    con.execute(insert)
    n, distinct, bad, lo, hi = con.execute(
        f"SELECT {_BATCH_COUNTS} FROM event_rows WHERE batch_id = ?", [b]).fetchone()
    if bad:
        problems()
        con.execute(f"DELETE FROM event_rows WHERE batch_id = {b} AND pattern = '{BAD_PATTERN}'")
    if n != distinct:
        _keep_last(con, insert, b)
        n = distinct
    if n:
        _replace_stored(con, layout.name, [b], lo, hi, False)
    # grouped later, with the file's other chunks (Store.settle)
    con.execute(f"INSERT INTO group_pending VALUES ({b}, NULL)")
    store._pending = True
    return int(n)


#: a batch's rows that are events, their distinct ids, its rows that are not events, and the
#: range of its ids
_BATCH_COUNTS = ("count(*) FILTER (WHERE pattern IS NULL), count(DISTINCT origin_id) FILTER "
                 f"(WHERE pattern IS NULL), count(*) FILTER (WHERE pattern = '{BAD_PATTERN}'), "
                 "min(origin_id), max(origin_id)")


def _keep_last(con: Any, insert: str, b: int) -> None:
    """An id twice in batch ``b``: its rows are inserted again (``insert``) in file order, and
    each id keeps its last row."""
    con.execute(f"DELETE FROM event_rows WHERE batch_id = {b}")
    con.execute("SET preserve_insertion_order = true")
    try:
        con.execute(insert)
    finally:
        con.execute("SET preserve_insertion_order = false")
    con.execute(f"""DELETE FROM event_rows WHERE batch_id = {b} AND (pattern IS NOT NULL
                    OR rowid NOT IN (SELECT max(rowid) FROM event_rows WHERE batch_id = {b}
                                     GROUP BY origin_id))""")


def _replace_stored(con: Any, dataset: str, batches: list[int], lo: Any, hi: Any,
                    repeated: bool) -> None:
    """The rows of ``batches`` (new, in file order; ids ``lo`` to ``hi``) replace the stored
    rows of ``dataset`` with the same origin ids, and a later batch's row an earlier one's
    (``repeated``: an id is in several of them): their chains lose a report and are grouped
    again with the batches. The id range first (DuckDB skips the row groups outside it), then
    the ids themselves."""
    from ..store.corroborate import stale_sql

    inb = f"batch_id IN ({', '.join(str(int(b)) for b in batches)})"
    older = f"dataset = {_q(dataset)} AND NOT ({inb}) AND origin_id BETWEEN $1 AND $2"
    if not repeated and not con.execute(f"SELECT count(*) FROM event_rows WHERE {older}",
                                        [lo, hi]).fetchone()[0]:
        return
    if not repeated:
        same = f"{older} AND origin_id IN (SELECT origin_id FROM event_rows WHERE {inb})"
    else:                           # each id's row of its last batch stays
        con.execute(f"CREATE OR REPLACE TEMP TABLE ed_last AS SELECT origin_id, max(batch_id) "
                    f"AS b FROM event_rows WHERE {inb} GROUP BY origin_id")
        same = (f"dataset = {_q(dataset)} AND origin_id BETWEEN $1 AND $2 AND rowid IN ("
                "SELECT e.rowid FROM event_rows e JOIN ed_last l ON e.origin_id = l.origin_id "
                f"WHERE e.dataset = {_q(dataset)} AND e.batch_id <> l.b AND e.origin_id "
                "BETWEEN $1 AND $2)")
    con.execute(f"INSERT INTO group_stale {stale_sql(same)}", [lo, hi])
    con.execute(f"DELETE FROM event_rows WHERE {same}", [lo, hi])
    con.execute("DROP TABLE IF EXISTS ed_last")


def _insert_files(store: Store, files: list[tuple[Path, Path]], layout: Layout,
                  columns: list[tuple[str, str]], header: bool, delim: str,
                  batches: list[int], report: Problem, keep: bool) -> list[tuple[int, int]]:
    """Import several small files of one layout (``files``: the path shown, the path read) as
    batches ``batches``, one each, inside the caller's transaction, in one scan: what
    :func:`_insert_events` does for one file, done for each (rows no events reported with
    their file's line and deleted, an id twice in a file read again in its order), then the
    stored rows and the earlier files' rows of the same ids replaced by the latest file's.
    Rows inserted and rows skipped, a pair for each file."""
    con = store.con
    names = [n for n, _ in columns]
    con.execute("DROP TABLE IF EXISTS ed_rejects2; DROP TABLE IF EXISTS ed_rejects2_scan")
    src = _read_csv([r for _, r in files], layout, columns, header=header, delimiter=delim,
                    rejects="ed_rejects2")
    con.execute(_event_select(store, layout, _standard(src, layout, names, fi=True), batches,
                              keep))
    inb = f"batch_id IN ({', '.join(str(int(b)) for b in batches)})"
    stats = {int(row[0]): row[1:] for row in con.execute(
        f"SELECT batch_id, {_BATCH_COUNTS} FROM event_rows WHERE {inb} GROUP BY batch_id"
    ).fetchall()}
    reported: list[set[int]] = [set() for _ in files]
    found: list[list[InputError]] = [[] for _ in files]     # reported in file order
    for i, ((shown, readable), b) in enumerate(zip(files, batches)):
        n, distinct, bad, _, _ = stats.get(b, (0, 0, 0, None, None))
        if bad:                             # a numbering scan of this file alone
            reported[i] = _problems(store, shown, readable, layout, columns, header, delim,
                                    found[i].append)
        if n != distinct:                   # (its rows no events go with the rest)
            one = _read_csv(readable, layout, columns, header=header, delimiter=delim,
                            rejects=None)
            _keep_last(con, _event_select(store, layout, _standard(one, layout, names), b,
                                          keep), b)
    if any(row[2] for row in stats.values()):
        con.execute(f"DELETE FROM event_rows WHERE {inb} AND pattern = '{BAD_PATTERN}'")
    for i, line, kind, msg in con.execute(
            "SELECT file_id, line, any_value(error_type), any_value(error_message) FROM "
            "ed_rejects2 GROUP BY ALL ORDER BY ALL").fetchall():
        if line not in reported[i]:
            found[i].append(InputError(f"{_reject_text(kind, msg)}; row skipped",
                                       f"{files[i][0]}:{line}"))
            reported[i].add(line)
    for problems in found:
        for exc in problems:
            report(exc)
    counted = [int(stats[b][1]) if b in stats else 0 for b in batches]
    if sum(counted):
        lo, hi, distinct = con.execute(f"SELECT min(origin_id), max(origin_id), count(DISTINCT "
                                       f"origin_id) FROM event_rows WHERE {inb}").fetchone()
        _replace_stored(con, layout.name, batches, lo, hi, distinct < sum(counted))
    con.execute("INSERT INTO group_pending SELECT unnest($1), NULL", [batches])
    store._pending = True
    return [(n, len(r)) for n, r in zip(counted, reported)]


def _insert_mentions(con: Any, src: str) -> int:
    """Mentions become provenance: one row per article that mentioned a GDELT 2.0 event."""
    sql = f"""
        SELECT 'gdelt2:' || trim("GLOBALEVENTID"), "MentionIdentifier",
               coalesce("SentenceID", 0), nullif(trim("MentionSourceName"), ''),
               CASE WHEN "MentionType" = '1' THEN "MentionIdentifier" END,
               try_strptime(left("MentionTimeDate", 8), '%Y%m%d')::DATE,
               json_object('actor1_offset', "Actor1CharOffset",
                           'actor2_offset', "Actor2CharOffset",
                           'action_offset', "ActionCharOffset",
                           'mention_type', "MentionType", 'confidence', "Confidence")
        FROM {src} WHERE nullif(trim("GLOBALEVENTID"), '') IS NOT NULL"""
    con.execute("""DELETE FROM provenance WHERE starts_with(event_id, 'gdelt2:') AND
                   (event_id, doc_id) IN (SELECT 'gdelt2:' || trim("GLOBALEVENTID"),
                   "MentionIdentifier" FROM """ + src + ")")
    return int(con.execute("INSERT INTO provenance " + sql).fetchone()[0])


def import_files(store: Store, paths: list[str], fmt: str | None = None, *,
                 on_problem: Problem | None = None,
                 on_file: Callable[[ImportResult], None] | None = None,
                 force: bool = False, keep_columns: bool = False,
                 settle: bool = True) -> list[ImportResult]:
    """Import several files, one transaction per chunk; a file that cannot be read at all
    is reported through ``on_problem`` and the others go on. The reports of all the files are
    grouped at the end, once (``store.settle()``; with ``settle=False`` the caller does it,
    or the next read of events does)."""
    clean_scratch()
    results: list[ImportResult] = []
    group: list[tuple[Path, str, str]] = []

    def one(path: str | os.PathLike[str]) -> None:
        try:
            r = import_file(store, path, fmt, on_problem=on_problem, force=force,
                            keep_columns=keep_columns)
        except InputError as exc:
            if on_problem is None:
                raise
            on_problem(exc)
            return
        results.append(r)
        if on_file:
            on_file(r)

    def flush() -> None:
        done = _import_small(store, group, on_problem, keep_columns) if len(group) > 1 else None
        if done is None:                # one file, or the group failed: file by file
            for p, _, _ in group:
                one(p)
        else:
            for r in done:
                results.append(r)
                if on_file:
                    on_file(r)
        group.clear()

    with store.bulk_memory():           # once for all the files (setting it costs 2 ms)
        smalls = _small_new_files(store, [Path(p) for p in paths], fmt)
        seen: set[str] = set()          # contents met before in this run
        size = 0
        for i, path in enumerate(paths):
            small = smalls.get(i)
            if small and small[2] not in seen:
                seen.add(small[2])
                group.append(small)
                size += small[0].stat().st_size
                if size >= _chunk_bytes():
                    flush()
                    size = 0
                continue
            flush()
            size = 0
            one(path)
        flush()
        if settle:
            store.settle()
    return results


#: files up to this size (bytes on disk) are imported several to a transaction by
#: :func:`import_files`: GDELT 2.0 publishes one every 15 minutes, of a few thousand rows, and
#: a commit of its own would cost a fifth of its import
SMALL_FILE = 16 << 20


def _small_new_files(store: Store, paths: list[Path], fmt: str | None
                     ) -> dict[int, tuple[Path, str, str]]:
    """The small files of events never imported nor begun among ``paths``, by their place in
    it: (path, format, hash), which :func:`_import_small` may import with others. Any other
    file, and one the checks cannot read, is left to the usual path (which reports its
    problems). Two queries for all the files, not two a file."""
    found: dict[int, tuple[Path, str]] = {}
    for i, path in enumerate(paths):
        try:
            if not path.is_file() or path.stat().st_size > SMALL_FILE:
                continue
            kind = fmt or detect(path)
            if kind in ("plover", "gdelt2-mentions") or kind not in IMPORT_FORMATS:
                continue
            _check_format(path, kind)
        except (InputError, OSError):
            continue
        found[i] = (path, kind)
    if not found:
        return {}
    # a file of a path imported before, or of a format with an unfinished file, may be known
    # (see _maybe_known); the others are hashed, and those of a known content left out
    con = store.con
    unfinished = {row[0] for row in con.execute(
        f"SELECT DISTINCT dataset FROM import_parts p WHERE {_UNFINISHED}").fetchall()}
    known = set(con.execute(
        "SELECT dataset, path FROM imports WHERE path IN (SELECT unnest($1))",
        [sorted({str(p) for p, _ in found.values()})]).fetchall())
    out: dict[int, tuple[Path, str, str]] = {}
    for i, (path, kind) in found.items():
        if kind in unfinished or (kind, str(path)) in known:
            continue
        try:
            out[i] = (path, kind, file_hash(path))
        except OSError:
            continue
    if out:
        seen = set(con.execute(
            "SELECT file_hash, dataset FROM imports WHERE file_hash IN (SELECT unnest($1)) "
            "UNION SELECT file_hash, dataset FROM import_parts WHERE file_hash IN "
            "(SELECT unnest($1))", [sorted({d for _, _, d in out.values()})]).fetchall())
        out = {i: f for i, f in out.items() if (f[2], f[1]) not in seen}
    return out


def _hash_known(con: Any, digest: str, dataset: str) -> tuple[int, int]:
    """How many files of this content were imported, and chunks of it committed."""
    done, cut = con.execute("SELECT (SELECT count(*) FROM imports WHERE file_hash = $1 AND "
                            "dataset = $2), (SELECT count(*) FROM import_parts WHERE "
                            "file_hash = $1 AND dataset = $2)", [digest, dataset]).fetchone()
    return int(done), int(cut)


def _import_small(store: Store, files: list[tuple[Path, str, str]], on_problem: Problem | None,
                  keep: bool) -> list[ImportResult] | None:
    """Import small new files (:func:`_small_new_files`) in one transaction, each as its own
    batch and ``imports`` row, in order (so a later file's rows replace an earlier one's, as
    when imported one by one), those of one layout in one scan (:func:`_insert_files`); their
    problems are reported once it commits. None when it fails: nothing was written, and the
    caller imports the files one by one."""
    report = on_problem or (lambda exc: None)
    held: list[InputError] = []
    con = store.con
    _lookups(store)

    def work() -> list[ImportResult]:
        out: list[ImportResult] = []
        with ExitStack() as stack:
            # runs of consecutive files of one layout (and compression), one scan each
            runs: list[tuple[Any, list[tuple[Path, Path, str]]]] = []
            packed: list[Path] = []     # read by DuckDB as gzip: their CRCs checked here
            for path, kind, digest in files:
                readable = stack.enter_context(_plain(path, as_gzip=True))
                if readable.suffix.lower() == ".gz":
                    packed.append(path)
                shape = (*_layout_for(path, kind), readable.suffix.lower() == ".gz")
                if not runs or runs[-1][0] != shape:
                    runs.append((shape, []))
                runs[-1][1].append((path, readable, digest))
            check = _Background(lambda: [_check_stream(p) for p in packed])  # meanwhile
            for (layout, columns, header, delim, _), run in runs:
                batches = store.new_batches(len(run))
                done = _insert_files(store, [(p, r) for p, r, _ in run], layout, columns,
                                     header, delim, batches, held.append, keep)
                for (path, _, digest), b, (n, skipped) in zip(run, batches, done):
                    out.append(ImportResult(str(path), layout.name, n, skipped))
                record_imports(con, [(digest, layout.name, path, n, skipped, b)
                                     for (path, _, digest), b, (n, skipped)
                                     in zip(run, batches, done)])
            check.result()              # a bad CRC fails the lot: file by file, it is named
        return out

    try:
        results = store._transaction(work, f"import of {len(files)} files failed")
    except EventDeskError as exc:
        log.info("%d small files imported one by one (%s)", len(files), exc)
        return None
    for exc in held:
        report(exc)
    log.info("%d small files committed together (to %s)", len(files), files[-1][0])
    return results


__all__ = ["ImportResult", "detect", "import_file", "import_files", "StoreError"]
