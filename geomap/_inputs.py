"""Reading reports: text files, standard input, and JSON Lines of ``{"id", "text", ...}`` objects.

A bad input never stops the others: each problem is yielded as an :class:`InputError` naming the file
(and line) and the reason, and the caller reports it on stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geo import Document

__all__ = ["InputError", "read_inputs"]


@dataclass(frozen=True, slots=True)
class InputError:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def _decode(data: bytes, where: str) -> str | InputError:
    if b"\x00" in data[:8192]:
        return InputError(where, "binary file (NUL bytes), not a text report")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return InputError(where, f"not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r})")
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


def _jsonl(path: Path, text: str, default_date: dt.date | None) -> Iterator[Document | InputError]:
    seen: set[str] = set()
    for lineno, line in enumerate(text.split("\n"), start=1):  # not splitlines: U+2028 is not a line end
        where = f"{path}:{lineno}"
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield InputError(where, f"expected an object with 'id' and 'text', got {type(obj).__name__}")
            continue
        doc_id, body = obj.get("id"), obj.get("text")
        if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or str(doc_id) == "":
            yield InputError(where, f"'id' missing or not a string: {doc_id!r}")
            continue
        if not isinstance(body, str) or not body.strip():
            yield InputError(where, "'text' missing or empty")
            continue
        if str(doc_id) in seen:
            yield InputError(where, f"duplicate id {doc_id!r}")
            continue
        seen.add(str(doc_id))
        date = _parse_date(obj.get("date"), where)
        if isinstance(date, InputError):
            yield date
            continue
        meta = {k: obj.get(k) if isinstance(obj.get(k), str) else None for k in ("source", "url", "title")}
        yield Document(id=str(doc_id), text=body, date=date or default_date, **meta)


def read_inputs(paths: Iterable[str], *, date: dt.date | None = None) -> Iterator[Document | InputError]:
    """Documents of every input, in order; problems as :class:`InputError` values."""
    for raw in paths:
        if raw == "-":
            data = sys.stdin.buffer.read()
            text = _decode(data, "<stdin>")
            if isinstance(text, InputError):
                yield text
            else:
                yield Document(id="stdin", text=text, date=date)
            continue
        path = Path(raw)
        try:
            data = path.read_bytes()
        except IsADirectoryError:
            yield InputError(str(path), "is a directory, not a report")
            continue
        except FileNotFoundError:
            yield InputError(str(path), "no such file")
            continue
        except OSError as exc:
            yield InputError(str(path), f"cannot read ({exc.strerror})")
            continue
        text = _decode(data, str(path))
        if isinstance(text, InputError):
            yield text
        elif path.suffix.lower() in (".jsonl", ".ndjson"):
            yield from _jsonl(path, text, date)
        else:
            yield Document(id=path.stem, text=text, date=date)
