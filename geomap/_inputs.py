"""Reading reports: text and HTML files, folders, glob patterns, standard input, and JSON Lines of
``{"id", "text", ...}`` objects.

Everything streams: a JSON Lines file is read one line at a time from the open file, and only the
document being yielded is held in memory.  A bad input never stops the others: each problem is yielded
as an :class:`InputError` naming the file (and line) and the reason, and the caller reports it on stderr.
Repairs that keep a document (a lone surrogate, a control character, an id already taken) are logged as
warnings through :mod:`logging`.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import logging
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

from geo import Document

__all__ = ["DEFAULT_MAX_BYTES", "REPORT_SUFFIXES", "InputError", "read_inputs"]

log = logging.getLogger(__name__)

#: The largest report (a file, standard input, or one JSON Lines row) read, in bytes.
DEFAULT_MAX_BYTES = 10_000_000

#: The files a folder given as INPUT is searched for.
REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".ndjson")

_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_HTML_SUFFIXES = (".html", ".htm")
_BINARY_SNIFF = 8192
_CHUNK = 1 << 16
_GLOB_MAGIC = re.compile(r"[*?[]")

# Code points a JSON "\ud800" escape leaves unpaired; they cannot be encoded and crash spaCy's tokenizer.
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 and C1 controls (and DEL), except tab, newline and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class InputError:
    """An input (or one row of it) that could not be read; ``where`` is ``path`` or ``path:line``."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(slots=True)
class _Ids:
    """The document ids given so far (with where each came from) and the files already read."""

    taken: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def claim(self, preferred: str, fallback: str, where: str) -> str | InputError:
        """``preferred`` if free, else ``fallback`` (with a warning naming the clash)."""
        other = self.taken.get(preferred)
        if other is None:
            self.taken[preferred] = where
            return preferred
        if fallback not in self.taken:
            log.warning(
                "%s: document id %r is already taken by %s; this one's id is %r",
                where,
                preferred,
                other,
                fallback,
            )
            self.taken[fallback] = where
            return fallback
        return InputError(
            where,
            f"duplicate document id {preferred!r} (taken by {other}; {fallback!r} by {self.taken[fallback]})",
        )


def _too_big(size: int, max_bytes: int, *, what: str = "report", at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return f"{what} is {more}{size:,} bytes, over the limit of {max_bytes:,} bytes (--max-bytes)"


def _clean(value: str, where: str, *, what: str = "text") -> str:
    """``value`` with lone surrogates as U+FFFD and control characters as spaces (same length, so
    character offsets hold), each repair logged once."""
    value, surrogates = _SURROGATE.subn("\ufffd", value)
    if surrogates:
        log.warning("%s: %d lone surrogate(s) in the %s replaced with U+FFFD", where, surrogates, what)
    value, controls = _CONTROL.subn(" ", value)
    if controls:
        log.warning("%s: %d control character(s) in the %s replaced with spaces", where, controls, what)
    return value


def _read_at_most(stream: IO[bytes], limit: int) -> bytes:
    """Up to ``limit`` bytes of ``stream``, read in chunks (``read(limit)`` would set aside ``limit``
    bytes for a short file too)."""
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = stream.read(min(_CHUNK, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _decode(data: bytes, where: str) -> str | InputError:
    if b"\x00" in data[:_BINARY_SNIFF]:
        return InputError(where, "binary file (NUL bytes), not a text report")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1]
        return InputError(where, f"not UTF-8 text (line {line}, byte {exc.start}: {bad!r})")
    text = _clean(text, where)
    if not text.strip():
        return InputError(where, "empty report")
    return text


def _parse_date(value: object, where: str) -> dt.date | InputError | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return InputError(where, f"'date' must be a string YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return InputError(where, f"'date' is not a date (YYYY-MM-DD): {value!r}")


def _json_row(line: str) -> Any:
    """``json.loads``, with every way it can fail (deep nesting, a 5,000-digit number) as a reason."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON ({exc.msg} at column {exc.colno})") from exc
    except RecursionError as exc:
        raise ValueError("malformed JSON (nested too deeply)") from exc
    except (ValueError, MemoryError) as exc:
        raise ValueError(f"malformed JSON ({exc})") from exc


# A JSON Lines row as read: its line number and bytes, or its size when it was over the limit.
_Row = tuple[int, bytes | int]


def _rows(stream: IO[bytes], max_bytes: int, *, start: int = 1) -> Iterator[_Row]:
    """The lines of ``stream``, one at a time; a line over ``max_bytes`` is skipped (not held) and
    given as its size."""
    lineno = start - 1
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            size = len(line)
            while True:
                chunk = stream.readline(_CHUNK)
                size += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield lineno, size
        else:
            yield lineno, line


def _jsonl(
    rows: Iterable[_Row],
    name: str,
    fallback: str,
    ids: _Ids,
    default_date: dt.date | None,
    max_bytes: int,
) -> Iterator[Document | InputError]:
    """Documents of JSON Lines ``rows``; ``name`` is where they come from, ``fallback`` the prefix of an
    id that another input already took."""
    seen: dict[str, int] = {}
    rows_read = 0
    for lineno, raw in rows:
        where = f"{name}:{lineno}"
        rows_read += 1
        if isinstance(raw, int):
            yield InputError(where, _too_big(raw, max_bytes, what="row"))
            continue
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield InputError(
                where, f"not UTF-8 text (byte {exc.start} of the line: {raw[exc.start : exc.start + 1]!r})"
            )
            continue
        if not line.strip():
            rows_read -= 1
            continue
        try:
            obj = _json_row(line)
        except ValueError as exc:
            yield InputError(where, str(exc))
            continue
        if not isinstance(obj, dict):
            yield InputError(where, f"expected an object with 'id' and 'text', got {type(obj).__name__}")
            continue
        doc_id, body = obj.get("id"), obj.get("text")
        if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or str(doc_id) == "":
            yield InputError(where, f"'id' missing or not a string: {doc_id!r}"[:300])
            continue
        if not isinstance(body, str):
            yield InputError(where, "'text' missing or not a string")
            continue
        body = _clean(body, where)
        if not body.strip():
            yield InputError(where, "'text' missing or empty")
            continue
        doc_id = _clean(str(doc_id), where, what="id")
        if doc_id in seen:
            yield InputError(where, f"duplicate id {doc_id!r} (also on line {seen[doc_id]})")
            continue
        seen[doc_id] = lineno
        date = _parse_date(obj.get("date"), where)
        if isinstance(date, InputError):
            yield date
            continue
        meta = {}
        for key in ("source", "url", "title"):
            value = obj.get(key)
            meta[key] = _clean(value, where, what=key) if isinstance(value, str) else None
        final_id = ids.claim(doc_id, f"{fallback}:{doc_id}", where)
        if isinstance(final_id, InputError):
            yield final_id
            continue
        yield Document(id=final_id, text=body, date=date or default_date, **meta)
    if not rows_read:
        yield InputError(name, "empty report (no JSON Lines rows)")


def _html(data: bytes, where: str) -> tuple[str, dict[str, Any]] | InputError:
    """The article text of an HTML page and its title, date, URL and site name, by trafilatura."""
    if b"\x00" in data[:_BINARY_SNIFF]:
        return InputError(where, "binary file (NUL bytes), not an HTML report")
    import trafilatura  # imported here: it takes a while and only HTML inputs need it

    try:
        # No URL is given, so nothing is fetched: trafilatura reads the bytes it is handed.  Precision
        # over recall: a menu's or a sidebar's links ("World news from Paris") are not the report.
        extracted = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            favor_precision=True,
            # The page's own date markup only: a guess from "Copyright 2026" is not the report's date.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # a page trafilatura cannot read costs that page only
        return InputError(where, f"cannot extract the article text ({type(exc).__name__}: {exc})")
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not isinstance(text, str) or not text.strip():
        return InputError(where, "no article text (the page holds only navigation or markup)")
    meta: dict[str, Any] = {}
    for key, attr in (("title", "title"), ("url", "url"), ("source", "sitename")):
        value = getattr(extracted, attr, None)
        meta[key] = _clean(value, where, what=key) if isinstance(value, str) and value.strip() else None
    found = getattr(extracted, "date", None)
    meta["date"] = _parse_date(found, where) if isinstance(found, str) else None
    if isinstance(meta["date"], InputError):
        meta["date"] = None
    return _clean(text, where), meta


def _read_file(
    path: Path, ids: _Ids, default_date: dt.date | None, max_bytes: int
) -> Iterator[Document | InputError]:
    where = str(path)
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        yield InputError(where, "no such file")
        return
    except IsADirectoryError:
        yield InputError(where, "is a directory, not a report")
        return
    except OSError as exc:
        yield InputError(where, f"cannot read ({exc.strerror or exc})")
        return
    with stream:
        real = os.path.realpath(path)
        if real in ids.files:
            log.warning("%s: already read as %s; skipped", where, ids.files[real])
            return
        ids.files[real] = where
        relpath = os.path.relpath(path)
        suffix = path.suffix.lower()
        try:
            info = os.fstat(stream.fileno())
            if suffix in _JSONL_SUFFIXES:
                if b"\x00" in stream.peek(_BINARY_SNIFF)[:_BINARY_SNIFF]:
                    yield InputError(where, "binary file (NUL bytes), not JSON Lines")
                    return
                yield from _jsonl(_rows(stream, max_bytes), where, relpath, ids, default_date, max_bytes)
                return
            if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
                yield InputError(where, _too_big(info.st_size, max_bytes))
                return
            data = _read_at_most(stream, max_bytes + 1)
        except OSError as exc:
            yield InputError(where, f"cannot read ({exc.strerror or exc})")
            return
    if len(data) > max_bytes:
        yield InputError(where, _too_big(max_bytes, max_bytes, at_least=True))
        return
    date = default_date
    meta: dict[str, Any] = {}
    if suffix in _HTML_SUFFIXES:
        extracted = _html(data, where)
        if isinstance(extracted, InputError):
            yield extracted
            return
        text, meta = extracted
        date = meta.pop("date") or default_date
    else:
        decoded = _decode(data, where)
        if isinstance(decoded, InputError):
            yield decoded
            return
        text = decoded
    doc_id = ids.claim(path.stem, relpath, where)
    if isinstance(doc_id, InputError):
        yield doc_id
        return
    yield Document(id=doc_id, text=text, date=date, **meta)


def _read_stdin(
    stream: IO[bytes], ids: _Ids, default_date: dt.date | None, max_bytes: int
) -> Iterator[Document | InputError]:
    """Standard input: JSON Lines if its first non-blank line is a JSON object, else one report."""
    where = "<stdin>"
    head: list[bytes] = []
    size = 0
    first = b""
    while size <= max_bytes:
        line = stream.readline(max_bytes + 1)
        if not line:
            break
        head.append(line)
        size += len(line)
        if line.strip():
            first = line
            break
    is_jsonl = False
    if first.lstrip().startswith((b"{", b"\xef\xbb\xbf{")) and len(first) <= max_bytes:
        try:
            is_jsonl = isinstance(_json_row(first.decode("utf-8-sig")), dict)
        except (ValueError, UnicodeDecodeError):
            is_jsonl = False
    if is_jsonl:
        rows = chain(enumerate(head, start=1), _rows(stream, max_bytes, start=len(head) + 1))
        yield from _jsonl(rows, where, "stdin", ids, default_date, max_bytes)
        return
    try:
        data = b"".join(head) + _read_at_most(stream, max_bytes + 1 - size)
    except OSError as exc:
        yield InputError(where, f"cannot read ({exc.strerror or exc})")
        return
    if len(data) > max_bytes:
        yield InputError(where, _too_big(max_bytes, max_bytes, at_least=True))
        return
    text = _decode(data, where)
    if isinstance(text, InputError):
        yield text
        return
    doc_id = ids.claim("stdin", where, where)
    if isinstance(doc_id, InputError):
        yield doc_id
        return
    yield Document(id=doc_id, text=text, date=default_date)


def _folder(root: Path) -> Iterator[Path | InputError]:
    """The reports under ``root``, recursively, sorted; hidden files and folders skipped."""
    problems: list[OSError] = []
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=problems.append):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not name.startswith(".") and name.lower().endswith(REPORT_SUFFIXES):
                found.append(Path(dirpath, name))
    for exc in problems:
        yield InputError(str(exc.filename or root), f"cannot read folder ({exc.strerror or exc})")
    if not found and not problems:
        yield InputError(str(root), f"no report ({', '.join(REPORT_SUFFIXES)}) in this folder")
    yield from sorted(found)


def _expand(raw: str) -> Iterator[Path | InputError]:
    """The files an INPUT names: itself, the reports in a folder, or a glob pattern's matches."""
    path = Path(raw)
    try:
        if path.is_dir():
            yield from _folder(path)
            return
        if path.exists() or path.is_symlink():
            yield path
            return
    except OSError as exc:
        yield InputError(raw, f"cannot read ({exc.strerror or exc})")
        return
    if _GLOB_MAGIC.search(raw):  # a pattern the shell left alone
        files = sorted(Path(m) for m in glob.glob(raw, recursive=True) if not os.path.isdir(m))
        if not files:
            yield InputError(raw, "no file matches this pattern")
        yield from files
        return
    yield InputError(raw, "no such file")


def read_inputs(
    paths: Iterable[str],
    *,
    date: dt.date | None = None,
    stdin: IO[bytes] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document | InputError]:
    """Documents of every input, in order and one at a time; problems as :class:`InputError` values.

    Parameters
    ----------
    paths
        Each a file (``.jsonl``/``.ndjson`` read as JSON Lines, ``.html``/``.htm`` reduced to the article
        text, anything else read as one UTF-8 report), a folder (searched recursively for
        :data:`REPORT_SUFFIXES`), a glob pattern the shell did not expand, or ``-`` for standard input.
    date
        The date of documents whose metadata gives none.
    stdin
        Read for ``-``; ``sys.stdin.buffer`` when ``None``.
    max_bytes
        The largest report, standard input or JSON Lines row; a larger one is an :class:`InputError`.

    Ids are the file's stem, the JSON Lines row's ``id``, or ``stdin``; an id another input already
    took becomes the path relative to the current folder (``relpath`` or ``relpath:id``), with a
    warning.
    """
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be positive, not {max_bytes!r}")
    ids = _Ids()
    for raw in paths:
        if raw == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, ids, date, max_bytes)
            continue
        for item in _expand(raw):
            if isinstance(item, InputError):
                yield item
            else:
                yield from _read_file(item, ids, date, max_bytes)
