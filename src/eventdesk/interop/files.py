"""An import's files before DuckDB reads them: plain, .gz or .zip streams and their checks, the
content hash, the format a file is in and the layout it is read with.

DuckDB reads every event file itself; Python only looks at a file's first bytes (to detect its
format and header), hashes it, extracts a .zip's member (or rewraps its deflate stream as a .gz
for DuckDB), and reads a compressed stream through to check its CRC, which DuckDB does not.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from .layouts import GDELT1, GDELT1_57, GDELT2, ICEWS, IMPORT_FORMATS, MENTIONS, PHOENIX, \
    POLECAT, Layout

#: what Python's readers raise for a compressed file that is cut short or corrupt
BAD_STREAM = (EOFError, zipfile.BadZipFile, gzip.BadGzipFile, zlib.error)


def scratch() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for an import's chunks or a zip's member, named after this process
    (``eventdesk-<pid>-...``), removed when the import ends, SIGTERM and Ctrl-C included; one
    left by a killed import (SIGKILL) is removed by the next import (:func:`clean_scratch`)."""
    return tempfile.TemporaryDirectory(prefix=f"eventdesk-{os.getpid()}-")


def clean_scratch() -> int:
    """Remove the temporary folders of imports whose process is gone (killed); returns how
    many. Only folders named as :func:`scratch` names them, owned by this user."""
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


def read_head(path: Path, n: int = 65536) -> bytes:
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
    except (OSError, *BAD_STREAM) as exc:
        raise InputError(f"cannot read ({exc})", str(path)) from None


@contextmanager
def plain(path: Path, as_gzip: bool = False) -> Iterator[Path]:
    """A path DuckDB can read: the file itself (plain or .gz), or a .zip's member extracted
    (streamed, in constant memory) to a temporary file. With ``as_gzip``, a member compressed
    by deflate (GDELT's zips) becomes a temporary .gz instead: the same compressed bytes
    between a gzip header and trailer, copied, not decompressed (DuckDB decompresses while it
    reads; extracting in Python cost a third of the import of a day of 15-minute files).
    DuckDB does not check a gzip's CRC: the caller checks the member's (:func:`check_stream`)."""
    if path.suffix.lower() != ".zip":
        yield path
        return
    with zipfile.ZipFile(path) as z, scratch() as tmp:
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
                copy_range(src, dst, start, member.compress_size)
                dst.seek(0, os.SEEK_END)
                dst.write(member.CRC.to_bytes(4, "little") +
                          (member.file_size & 0xFFFFFFFF).to_bytes(4, "little"))
        else:
            try:
                with z.open(member) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except BAD_STREAM as exc:      # a bad CRC, say
                raise InputError(f"cannot read ({exc})", str(path)) from None
        yield out


def copy_range(src: Any, dst: Any, offset: int, count: int) -> None:
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


def check_stream(path: Path) -> None:
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
    except BAD_STREAM as exc:
        raise InputError(f"cannot read ({exc})", str(path)) from None


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def detect(path: Path) -> str:
    """The format of a file, from its first line; an InputError when it is none of ours."""
    head = read_head(path)
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


def check_format(path: Path, fmt: str) -> None:
    """Refuse a file that is clearly of another format than the one asked for."""
    try:
        found = detect(path)
    except InputError as exc:
        if "empty file" in str(exc) or "binary" in str(exc):
            raise
        return                          # unclear: let the reader's own checks decide
    if found != fmt and not (fmt == "phoenix" and found in ("phoenix",)):
        raise InputError(f"this looks like {found} data, not {fmt}", str(path))


def _header_columns(path: Path, layout: Layout, delimiter: str) -> list[tuple[str, str]]:
    first = read_head(path).splitlines()[0].decode("utf-8", errors="replace").lstrip("\ufeff")
    names = [n.strip() for n in first.rstrip("\r").split(delimiter)]
    missing = [n for n in layout.required if n not in names]
    if missing:
        raise InputError(f"not {layout.name} data: the header lacks {', '.join(missing)}",
                         str(path))
    types = dict(layout.columns)
    return [(n, types.get(n, "VARCHAR")) for n in names]


def layout_for(path: Path, fmt: str) -> tuple[Layout, list[tuple[str, str]], bool, str]:
    """The layout, the columns as the file has them, whether it has a header, delimiter."""
    if fmt == "gdelt1":
        head = read_head(path).splitlines()[0]
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
        first = read_head(path).splitlines()[0].decode("utf-8", errors="replace")
        delim = "\t" if first.count("\t") >= first.count(",") else ","
        header = first.startswith("EventID")
        return PHOENIX, PHOENIX.columns, header, delim
    raise UsageError(f"unknown format {fmt!r}: use {'|'.join(IMPORT_FORMATS)}")
