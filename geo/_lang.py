"""Language data: the word lists every stage reads, one folder per language (``geo/lang/en``).

Each list is a text file written once and read here, through :mod:`importlib.resources`; the stages ask
for it by name.  Three shapes of file, all with ``#`` comment lines and one entry a line:

* a word list (:func:`words`): lower-case words or phrases, compared with a word lowered;
* a pattern list (:func:`pattern`): regular-expression alternatives, joined into one ``(?:a|b|...)``;
* a table (:func:`table`): whitespace-separated columns, the first the key (:func:`directions`,
  :func:`months`);
* a TOML file (:func:`toml`) for structured data: the compound constructions (``compounds.toml``).

Adding a language is adding a folder with the same file names; :data:`LANGUAGE` is the one read today.
"""

from __future__ import annotations

import functools
import importlib.resources
import tomllib
from typing import Any, cast

from ._errors import LanguageDataError
from ._types import DIRECTIONS, Direction

__all__ = [
    "LANGUAGE",
    "calendar_words",
    "directions",
    "entries",
    "months",
    "pattern",
    "table",
    "toml",
    "words",
]

#: The language whose folder under ``geo/lang`` the stages read.
LANGUAGE = "en"


@functools.cache
def entries(name: str, lang: str = LANGUAGE) -> tuple[str, ...]:
    """The entries of ``geo/lang/<lang>/<name>.txt`` in file order, comments and blank lines left out."""
    resource = importlib.resources.files(__package__ or "geo") / "lang" / lang / f"{name}.txt"
    try:
        text = resource.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LanguageDataError(f"geo/lang/{lang}/{name}.txt: cannot read the word list: {exc}") from exc
    out = tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )
    if not out:
        raise LanguageDataError(f"geo/lang/{lang}/{name}.txt: the list is empty")
    return out


@functools.cache
def words(name: str, lang: str = LANGUAGE) -> frozenset[str]:
    """A word list as a set of lower-case words or phrases."""
    return frozenset(e.lower() for e in entries(name, lang))


@functools.cache
def pattern(name: str, lang: str = LANGUAGE) -> str:
    """A pattern list as one non-capturing alternation, ``(?:a|b|...)``, in file order."""
    return "(?:" + "|".join(entries(name, lang)) + ")"


@functools.cache
def table(name: str, lang: str = LANGUAGE) -> dict[str, tuple[str, ...]]:
    """A table: the first column of each line mapped to the others."""
    out: dict[str, tuple[str, ...]] = {}
    for line in entries(name, lang):
        key, *rest = line.split()
        if key in out:
            raise LanguageDataError(f"geo/lang/{lang}/{name}.txt: {key!r} is listed twice")
        out[key] = tuple(rest)
    return out


@functools.cache
def directions(lang: str = LANGUAGE) -> dict[str, Direction]:
    """Direction words and the compass direction each names ("northern" -> "north")."""
    out = {}
    for key, rest in table("directions", lang).items():
        if len(rest) != 1 or rest[0] not in DIRECTIONS:
            raise LanguageDataError(
                f"geo/lang/{lang}/directions.txt: {key!r} needs one of {DIRECTIONS}, got {rest}"
            )
        out[key] = cast(Direction, rest[0])
    return out


@functools.cache
def months(lang: str = LANGUAGE) -> dict[str, int]:
    """Month names and abbreviations, lower case, to the month's number ("sept" -> 9)."""
    out = {}
    for key, rest in table("calendar", lang).items():
        if rest:
            *abbreviations, number = rest
            if not number.isdigit() or not 1 <= int(number) <= 12:
                raise LanguageDataError(f"geo/lang/{lang}/calendar.txt: {key!r} needs a month number last")
            for word in (key, *abbreviations):
                out[word] = int(number)
    return out


@functools.cache
def calendar_words(lang: str = LANGUAGE) -> frozenset[str]:
    """Month and weekday names and their abbreviations, lower case."""
    return frozenset(months(lang)) | frozenset(table("calendar", lang))


@functools.cache
def toml(name: str, lang: str = LANGUAGE) -> dict[str, Any]:
    """``geo/lang/<lang>/<name>.toml``, parsed."""
    resource = importlib.resources.files(__package__ or "geo") / "lang" / lang / f"{name}.toml"
    try:
        return tomllib.loads(resource.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LanguageDataError(f"geo/lang/{lang}/{name}.toml: cannot read: {exc}") from exc
