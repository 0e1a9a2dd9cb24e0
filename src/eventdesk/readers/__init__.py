"""Readers: files, directories, stdin, HTML and JSONL → a stream of :class:`Document`.

One bad file or record never stops a batch: it is passed to ``on_error`` as an
:class:`~eventdesk.errors.InputError` naming the file (and line) and skipped.

>>> from eventdesk.readers import read_documents
>>> docs = list(read_documents(["examples/corpus"]))          # doctest: +SKIP
"""
from __future__ import annotations

import io
import json
import os
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import BinaryIO

from ..dates import find_date, parse_date
from ..errors import InputError, InputWarning
from ..model import Document, Precision, stable_hash

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = sorted(TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES)

#: Largest document (or JSONL line) read, in bytes; larger ones are reported and skipped.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024

ErrorHandler = Callable[[InputError], None]


@dataclass
class ReadStats:
    """What a read went through: documents read, problems reported (skipped or warned)."""

    documents: int = 0
    skipped: list[InputError] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)


def decode(data: bytes, location: str, warn: ErrorHandler | None = None) -> str:
    """Bytes → text: UTF-8 (with or without BOM), else cp1252, else Latin-1; binary is refused."""
    if b"\x00" in data[:8192]:
        raise InputError("binary file (NUL bytes), not text", location)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for enc in ("cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise InputError("binary file, not text", location)
        if warn:
            warn(InputWarning(f"not valid UTF-8 (byte {first_bad}); read as {enc}", location))
        return text
    raise InputError("cannot decode text", location)  # pragma: no cover - latin-1 never fails


def _looks_binary(text: str) -> bool:
    """Text decoded from a legacy code page that is full of control characters is binary."""
    sample = text[:4096]
    controls = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cn")
                   and ch not in "\t\n\r\f")
    return controls > max(2, len(sample) // 100)


def _title_and_body(text: str) -> tuple[str | None, str, Date | None, Precision]:
    """Split a plain-text article into title, body and a publication date from its first lines."""
    lines = text.splitlines()
    title = None
    doc_date, precision = None, Precision.UNKNOWN
    # a publication date in the first lines; a short line that is mostly the date is a dateline
    for i, line in enumerate(lines[:6]):
        found = find_date(line)
        # a dateline: a short line with a date, or a line that starts with one; a date inside
        # the body's sentences is the date of an event, not of the document
        if found and (len(line.strip()) <= 60 or found[2][0] <= len(line) - len(line.lstrip()) + 1):
            doc_date, precision = found[0], found[1]
            if len(line.strip()) <= 60:
                lines[i] = ""
            break
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if len(nonblank) >= 2:
        first = lines[nonblank[0]].strip()
        if len(first) <= 200 and first[-1] not in ".!?:;,\"'”’" and len(first.split()) >= 2:
            title = first
            lines[nonblank[0]] = ""
    body = "\n".join(lines).strip()
    return title, body, doc_date, precision


def name_text(path: Path | str) -> str:
    """A path as text that can be stored and hashed: as it is when it is valid UTF-8 (every
    usual name), else with each byte that is not as ``\\xNN``."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def _file_id(path: Path) -> str:
    return "f-" + stable_hash(name_text(path.resolve()))


def not_regular(path: Path) -> str | None:
    """Why ``path`` is not read as a file (None when it is a regular file): a FIFO, device or
    socket is never opened, as reading one may block forever or never end."""
    try:
        mode = path.stat().st_mode                 # follows a symlink
    except FileNotFoundError:
        return "cannot read (a symlink to no file)" if path.is_symlink() else "no such file"
    except OSError as exc:
        return f"cannot read ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    for test, what in ((stat.S_ISDIR, "a folder (give the files in it)"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return f"{what}, not a regular file; not read"
    return "not a regular file; not read"


def _size(n: float) -> str:
    return f"{n / 1e6:.1f} MB" if n < 1e9 else f"{n / 1e9:.1f} GB"


def _check_size(n: int, location: str, more: bool = False) -> None:
    if n > MAX_DOCUMENT_BYTES:
        raise InputError(f"{'more than ' if more else ''}{_size(n)}, larger than the "
                         f"{MAX_DOCUMENT_BYTES / 1e6:.0f} MB limit for one document", location)


def _read_limited(fh: BinaryIO, location: str) -> bytes:
    data = fh.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        try:                                       # the whole size when the file has one
            whole = os.fstat(fh.fileno()).st_size
        except (OSError, AttributeError, io.UnsupportedOperation):
            whole = 0
        _check_size(max(whole, len(data)), location, more=whole < len(data))
    return data


def text_document(text: str, *, doc_id: str, path: str | None, default_date: Date | None,
                  default_precision: Precision, location: str) -> Document:
    title, body, doc_date, precision = _title_and_body(text)
    if not body.strip():
        raise InputError("empty file" if not text.strip() else "no text after the title", location)
    if doc_date is None and default_date is not None:
        doc_date, precision = default_date, default_precision
    return Document(id=doc_id, text=body, title=title, date=doc_date, date_precision=precision,
                    path=path)


def html_document(text: str, *, doc_id: str, path: str | None, default_date: Date | None,
                  default_precision: Precision, location: str) -> Document:
    import trafilatura

    if not text.strip():
        raise InputError("empty file", location)
    extracted = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
    body = (extracted.text or "").strip() if extracted is not None else ""
    if not body:
        raise InputError("no main text found in the HTML", location)
    title = (extracted.title or None) if extracted is not None else None
    if title and body.startswith(title):
        body = body[len(title):].lstrip()
    doc_date, precision = default_date, default_precision
    if extracted is not None and extracted.date:
        try:
            doc_date, precision = parse_date(extracted.date)
        except InputError:
            pass
    return Document(id=doc_id, text=body, title=title, date=doc_date, date_precision=precision,
                    url=getattr(extracted, "url", None) or None,
                    source=getattr(extracted, "sitename", None) or None, path=path)


def _jsonl_record(line: str, location: str, path: str | None,
                  warn: ErrorHandler | None = None) -> Document:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON ({exc.msg} at column {exc.colno})", location) from None
    except RecursionError:
        raise InputError("not read: JSON nested too deeply", location) from None
    except ValueError as exc:          # e.g. an integer of more than 4,300 digits
        raise InputError(f"not read: {str(exc).split(';')[0]}", location) from None
    if not isinstance(rec, dict):
        raise InputError("a JSONL record must be an object", location)
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("record has no 'text'", location)
    try:
        doc_date, precision = parse_date(rec.get("date"))
    except InputError as exc:
        if warn:
            warn(InputWarning(f"{exc}; the record is kept with an unknown date", location))
        doc_date, precision = None, Precision.UNKNOWN
    rid = rec.get("id")
    doc_id = str(rid) if rid not in (None, "") else "c-" + stable_hash(text, rec.get("title"),
                                                                      rec.get("date"))
    return Document(id=doc_id, text=text.strip(), title=rec.get("title") or None,
                    date=doc_date, date_precision=precision, url=rec.get("url") or None,
                    source=rec.get("source") or None, path=path)


def jsonl_documents(lines: Iterable[bytes | int], name: str, on_error: ErrorHandler,
                    path: str | None = None) -> Iterator[Document]:
    for lineno, raw in enumerate(lines, 1):
        location = f"{name}:{lineno}"
        try:
            if isinstance(raw, int) or len(raw) > MAX_DOCUMENT_BYTES:
                _check_size(raw if isinstance(raw, int) else len(raw), location)
            if not raw.strip():
                continue
            line = decode(raw, location, on_error)
            try:
                yield _jsonl_record(line, location, path, on_error)
            except InputError as exc:
                if exc.location is None:
                    raise InputError(str(exc), location) from None
                raise
        except InputError as exc:
            on_error(exc)


def _read_file(path: Path, default_date: Date | None, default_precision: Precision,
               on_error: ErrorHandler) -> Iterator[Document]:
    location = str(path)
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES:
        raise InputError(f"unsupported file type {suffix or '(none)'!r} "
                         f"(expected one of {', '.join(SUPPORTED)})", location)
    why = not_regular(path)
    if why:
        raise InputError(why, location)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", location) from None
    with fh:
        if suffix in JSONL_SUFFIXES:
            head = fh.read(8192)
            # binary (or UTF-16) when NUL bytes are more than a stray one: a NUL inside one
            # record makes that record bad (decode), not the whole batch
            if head.count(b"\x00") > max(1, len(head) // 100):
                raise InputError("binary file (NUL bytes), not text", location)
            if not head.strip():
                raise InputError("empty file", location)
            fh.seek(0)
            yield from jsonl_documents(_lines_limited(fh), location, on_error,
                                       name_text(path))
            return
        data = _read_limited(fh, location)
    text = decode(data, location, on_error)
    maker = html_document if suffix in HTML_SUFFIXES else text_document
    yield maker(text, doc_id=_file_id(path), path=name_text(path), default_date=default_date,
                default_precision=default_precision, location=location)


def _lines_limited(fh: BinaryIO) -> Iterator[bytes | int]:
    """Lines of a binary file; a line longer than the limit is read past and yielded as its
    length (an int), so that it is reported without being held in memory."""
    while True:
        line = fh.readline(MAX_DOCUMENT_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_DOCUMENT_BYTES and not line.endswith(b"\n"):
            size = len(line)
            while chunk := fh.readline(1 << 20):
                size += len(chunk)
                if chunk.endswith(b"\n"):
                    break
            yield size
        else:
            yield line


def _read_stdin(stream: BinaryIO, default_date: Date | None, default_precision: Precision,
                on_error: ErrorHandler) -> Iterator[Document]:
    location = "<stdin>"
    if stream is None or not hasattr(stream, "read"):
        raise InputError("standard input is closed", location)
    buffered = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    head = buffered.peek(4096)[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        yield from jsonl_documents(_lines_limited(buffered), location, on_error)
        return
    data = _read_limited(buffered, location)
    text = decode(data, location, on_error)
    yield text_document(text, doc_id="s-" + stable_hash(text), path=None,
                        default_date=default_date, default_precision=default_precision,
                        location=location)


def _walk(root: Path) -> Iterator[Path]:
    """Files under a directory, recursively, sorted, skipping hidden files and folders."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def read_documents(sources: Iterable[str | os.PathLike[str]], *, default_date: str | Date | None = None,
                   on_error: ErrorHandler | None = None, stats: ReadStats | None = None,
                   stdin: BinaryIO | None = None) -> Iterator[Document]:
    """Yield the documents in files, directories (recursively) and ``-`` (stdin).

    ``default_date`` is used for documents that carry no date of their own. Problems go to
    ``on_error`` (default: collected in ``stats``); warnings such as a non-UTF-8 encoding are
    passed too, with the document still read.
    """
    stats = stats if stats is not None else ReadStats()
    base_date, base_precision = parse_date(default_date)

    def problem(exc: InputError) -> None:
        (stats.warnings if isinstance(exc, InputWarning) else stats.skipped).append(exc)
        if on_error:
            on_error(exc)

    for source in sources:
        source = str(source)
        if source == "-":
            gen = _read_stdin(stdin or sys.stdin.buffer, base_date, base_precision, problem)
            paths: Iterable[Path | None] = [None]
        else:
            p = Path(source)
            if p.is_dir():
                paths = _walk(p)
            elif p.exists() or p.is_symlink():
                paths = [p]
            else:
                problem(InputError("no such file or directory", source))
                continue
            gen = None
        for path in paths:
            try:
                it = gen if path is None else _read_file(path, base_date, base_precision, problem)
                for doc in it:
                    stats.documents += 1
                    yield doc
            except InputError as exc:
                problem(exc)
