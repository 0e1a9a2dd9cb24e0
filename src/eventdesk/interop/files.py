"""An import's files before DuckDB reads them: plain, .gz or .zip streams and their checks, the
content hash, the format a file is in and the layout it is read with.

DuckDB reads every event file itself; Python only looks at a file's first bytes (to detect its
format and header), hashes it, extracts a .zip's member (or rewraps its deflate stream as a .gz
for DuckDB), and reads a compressed stream through to check its CRC, which DuckDB does not.
"""
from __future__ import annotations

import bisect
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from .layouts import GDELT1, GDELT2, ICEWS, IMPORT_FORMATS, MENTIONS, PHOENIX, \
    POLECAT, Layout

#: what Python's readers raise for a compressed file that is cut short or corrupt
BAD_STREAM = (EOFError, zipfile.BadZipFile, gzip.BadGzipFile, zlib.error)

#: the longest line an import reads, in bytes ($EVENTDESK_IMPORT_MAX_LINE): a longer one is
#: reported with its line and skipped. DuckDB's reader gets the same limit (``max_line_size``);
#: it cannot read a line longer than its 32 MB buffer at all (it drops it unreported and
#: miscounts the lines after it), so Python skips every line past the limit that DuckDB could
#: not reject itself, and the limit is at most 16 MB
MAX_LINE = 1 << 20
#: the most a compressed file (.gz, .zip) may decompress to, in bytes
#: ($EVENTDESK_IMPORT_MAX_BYTES): past it the file is refused, the chunks committed before kept
MAX_BYTES = 16 << 30


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


def max_line() -> int:
    return min(_setting("EVENTDESK_IMPORT_MAX_LINE", MAX_LINE), 16 << 20)


def max_bytes() -> int:
    return _setting("EVENTDESK_IMPORT_MAX_BYTES", MAX_BYTES)


def size_text(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.{0 if n % scale == 0 else 1}f} {unit}"
    return f"{n} bytes"


class TooBig(InputError):
    """A compressed file decompresses to more than :func:`max_bytes`."""


class LineFilter:
    """A file's text made fit for DuckDB's reader, block by block: :meth:`feed` gives back the
    complete lines read so far without the blank ones (empty, or a lone CR: not rows; DuckDB
    counts them inconsistently, and a lone CR stops its parser) and without those longer than
    :func:`max_line` (``long``: their line and size, reported as skipped rows). Lines are
    counted as an editor does (``line``: the lines before the next byte; ``dropped``: the
    lines not passed on, in order), so the lines DuckDB numbers can be mapped back to the
    file's (:class:`LineMap`). ``pending`` is the bytes of the line begun and not finished."""

    def __init__(self, line: int = 0):
        self.line = line
        self.dropped: list[int] = []
        self.long: list[tuple[int, int]] = []
        self.cap = max_line()
        self._carry = b""
        self._skipping = -1             # bytes of a too long line skipped, -1: none

    @property
    def pending(self) -> int:
        return len(self._carry) + max(self._skipping, 0)

    def _skip_done(self, size: int) -> None:
        self.line += 1
        self.long.append((self.line, size))
        self.dropped.append(self.line)
        self._skipping = -1

    def feed(self, data: bytes) -> bytes:
        if self._skipping >= 0:
            nl = data.find(b"\n")
            if nl < 0:
                self._skipping += len(data)
                return b""
            self._skip_done(self._skipping + nl)
            data = data[nl + 1:]
        if self._carry:
            data = self._carry + data
        last = data.rfind(b"\n")
        region, self._carry = (b"", data) if last < 0 else (data[:last + 1], data[last + 1:])
        out = self._clean(region) if region else b""
        if len(self._carry) > self.cap:     # a line too long, not ended yet: skipped
            self._skipping, self._carry = len(self._carry), b""
        return out

    def finish(self) -> bytes:
        """The last line, if the text does not end with a line end (given one)."""
        if self._skipping >= 0:
            self._skip_done(self._skipping)
        carry, self._carry = self._carry, b""
        return self._clean(carry + b"\n") if carry else b""

    def _clean(self, region: bytes) -> bytes:
        first = self.line
        self.line += region.count(b"\n")
        if b"\n\n" not in region and b"\n\r\n" not in region and \
                not region.startswith((b"\n", b"\r\n")):
            return region
        kept = []
        for i, text in enumerate(region.split(b"\n")[:-1], first + 1):   # rare: blank lines
            if text in (b"", b"\r"):
                self.dropped.append(i)
            else:
                kept.append(text)
        return b"\n".join(kept) + b"\n" if kept else b""


class AsIs:
    """Whether a text can go to DuckDB as it is, without :class:`LineFilter`, found block by
    block without copying (a tenth of the filter's cost): no blank line, and no line that
    could be longer than DuckDB can hold. A window of :func:`max_line` bytes without a line end
    (or a line that crosses blocks and is that long) sends the text through the filter; so
    does any line of twice the limit; a shorter line past the limit may pass, and DuckDB
    rejects it itself (``max_line_size``) with its line. ``ok`` is the answer so far."""

    def __init__(self) -> None:
        self.ok = True
        self.cap = max_line()
        self._tail = b"\n"          # the last bytes seen (a line start before the text)
        self._run = 0               # bytes since the last line end

    def feed(self, block: bytes | bytearray | memoryview) -> None:
        if not self.ok or not block:
            return
        data = block if not isinstance(block, memoryview) else block.tobytes()
        edge = self._tail[-2:] + bytes(data[:2])
        first = data.find(b"\n")
        if b"\n\n" in edge or b"\n\r\n" in edge or b"\n\n" in data or b"\n\r\n" in data or \
                self._run + (first if first >= 0 else len(data)) > self.cap:
            self.ok = False
            return
        cap = self.cap
        for i in range(0, len(data) - cap + 1, cap):
            if data.find(b"\n", i, i + cap) < 0:
                self.ok = False
                return
        last = data.rfind(b"\n")
        self._run = self._run + len(data) if last < 0 else len(data) - last - 1
        self._tail = bytes(data[-2:])

    def finish(self) -> bool:
        if self._tail.endswith(b"\n\r") or self._tail == b"\r":   # a lone CR at the end
            self.ok = False
        return self.ok


def as_is(path: Path) -> bool:
    """:class:`AsIs` of a plain file, read in blocks of 16 MB."""
    check, buf = AsIs(), bytearray(1 << 24)
    with open(path, "rb", buffering=0) as f:
        while check.ok:
            got = f.readinto(buf)
            if not got:
                break
            check.feed(buf if got == len(buf) else memoryview(buf)[:got])
    return check.finish()


@dataclass
class LineMap:
    """The file lines of the lines DuckDB numbers in a text made by :class:`LineFilter`:
    ``base`` lines of the file precede it, ``dropped`` (sorted) were left out of it, and
    ``again`` says its first line is a repeated header, not a line of the file."""
    base: int = 0
    dropped: list[int] = field(default_factory=list)
    again: bool = False

    def __post_init__(self) -> None:
        # the lines kept before each dropped one (nondecreasing)
        self._before = [d - self.base - 1 - i for i, d in enumerate(self.dropped)]

    def __call__(self, line: int) -> int:
        k = line - (1 if self.again else 0)
        return self.base + k + bisect.bisect_left(self._before, k)


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
        else:                   # stored, or compressed otherwise: extracted, up to the cap
            cap, done = max_bytes(), 0
            try:
                with z.open(member) as src, open(out, "wb") as dst:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        done += len(block)
                        if done > cap:
                            raise too_big(path)
                        dst.write(block)
            except BAD_STREAM as exc:      # a bad CRC, say
                raise InputError(f"cannot read ({exc})", str(path)) from None
        yield out


def too_big(path: Path) -> TooBig:
    return TooBig(f"decompresses to more than {size_text(max_bytes())} (the limit, "
                  "$EVENTDESK_IMPORT_MAX_BYTES): the rest of the file is refused", str(path))


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
    its end) and that it is whole, which DuckDB checks neither; and that it is within
    :func:`max_bytes` and DuckDB can read its lines as they are (:class:`NotPlain` if not:
    blank lines, lines too long)."""
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as f:
                _check_lines(path, f)
            return
        with zipfile.ZipFile(path) as z:
            member = next(m for m in z.infolist() if not m.is_dir())
            with z.open(member) as f:
                _check_lines(path, f)
    except BAD_STREAM as exc:
        raise InputError(f"cannot read ({exc})", str(path)) from None


class NotPlain(InputError):
    """A file whose text DuckDB cannot read as it is: it goes through :class:`LineFilter`."""


def _check_lines(path: Path, f: Any) -> None:
    lines, cap, done = LineFilter(), max_bytes(), 0
    for block in iter(lambda: f.read(1 << 20), b""):
        done += len(block)
        if done > cap:
            raise too_big(path)
        lines.feed(block)
        if lines.dropped:
            break
    lines.finish()
    if lines.dropped:
        raise NotPlain("blank or too long lines: read alone", str(path))


def declared_size(path: Path) -> int:
    """What a .gz or .zip says it decompresses to (a .gz's trailer holds it modulo 4 GB; a
    file may lie: :func:`check_stream` reads it through)."""
    try:
        if path.suffix.lower() == ".gz":
            with open(path, "rb") as f:
                f.seek(-4, os.SEEK_END)
                return int.from_bytes(f.read(4), "little")
        with zipfile.ZipFile(path) as z:
            return sum(m.file_size for m in z.infolist())
    except (OSError, *BAD_STREAM) as exc:
        raise InputError(f"cannot read ({exc})", str(path)) from None


def hash_and_check(path: Path) -> tuple[str, bool]:
    """A plain file's content hash, and whether DuckDB can read its lines as they are
    (:class:`AsIs`), in one read."""
    h = hashlib.sha256()
    check = AsIs()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
            check.feed(block)
    return h.hexdigest(), check.finish()


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
    # a binary file has NULs from its first line on, or many; a stray NUL inside a later row of
    # a text file is that row's problem (reported and skipped), not the file's
    if b"\x00" in head.split(b"\n", 1)[0] or head.count(b"\x00") * 1000 > len(head):
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
    if fmt == "gdelt1":             # 57 or 58 columns, row by row (GDELT1.padded)
        return GDELT1, GDELT1.columns, False, "\t"
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
