"""Reading the gazetteer: open a file, look names up, fetch places, geometries and borders."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shlex
import sqlite3
import stat
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import shapely
from shapely.geometry.base import BaseGeometry

from ._build import build, source_fingerprint
from ._names import loose_key, normalize
from ._schema import LOOSE_NAMES, SCHEMA_VERSION, create_indexes, create_schema, proper_name
from ._types import (
    KINDS,
    Candidate,
    GazetteerError,
    GazetteerNotBuiltError,
    GazetteerNotReadableError,
    InvalidGazetteerError,
)

__all__ = ["Gazetteer", "default_path", "name_keys_path", "open_gazetteer", "write_name_keys"]

log = logging.getLogger(__name__)

_FILE_NAME = "gazetteer-v1.sqlite"
_COLUMNS = (
    "p.id, p.name, p.kind, p.country_code, p.admin1_code, p.population, p.lat, p.lon,"
    " p.feature_code, p.iso_code"
)
# Kinds rank coarse before fine when the population ties (a country over a village of the same name).
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}
#: How long a build from the installed packages takes: 25 s on an idle core, 45-100 s on a busy machine.
_BUILD_TIME = "a minute"
_SQLITE_MAGIC = b"SQLite format 3\x00"
# SQLite's primary result codes (https://sqlite.org/rescode.html) that say how a query failed.
_SQLITE_ERROR, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_NOTADB = 1, 5, 6, 11, 26


def default_path() -> Path:
    """Where the embedded gazetteer lives: ``$GEOMAP_GAZETTEER``, else the user's cache directory."""
    if env := os.environ.get("GEOMAP_GAZETTEER"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "geomap" / _FILE_NAME


# --- opening and checking a file --------------------------------------------------------------------


class _Unusable(Exception):
    """What is wrong with a gazetteer file (without its path or a remedy), and its ``meta.source``."""

    def __init__(self, problem: str, source: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.source = source


def _remedy(path: Path, source: str | None) -> str:
    """What to do about a gazetteer that cannot be used."""
    owned = path == default_path()
    out = "" if owned else f" --out {shlex.quote(str(path))}"
    if source == "geonames-dump":
        return f"import the GeoNames dump again (`geomap gazetteer import ...{out}`)"
    if owned:
        return "rebuild it with `geomap gazetteer build`, or delete it (geomap builds a missing one)"
    return f"rebuild it with `geomap gazetteer build{out}`, or delete it"


def _invalid(path: Path, unusable: _Unusable) -> InvalidGazetteerError:
    return InvalidGazetteerError(f"{path}: {unusable.problem}; {_remedy(path, unusable.source)}")


def _not_readable(path: Path, exc: OSError) -> GazetteerNotReadableError:
    return GazetteerNotReadableError(
        f"{path}: cannot read the gazetteer ({exc.strerror or exc});"
        " check the permissions of the file and of its directories"
    )


def _exists(path: Path) -> bool:
    """True if ``path`` is a regular file.  A directory on the way that cannot be searched is not "no
    file there": it raises :class:`GazetteerNotReadableError`."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except PermissionError as exc:
        raise _not_readable(path, exc) from exc
    except OSError as exc:  # a loop of symbolic links, a name too long
        raise GazetteerError(f"{path}: cannot reach the gazetteer ({exc.strerror or exc})") from exc


def _header_problem(path: Path) -> str | None:
    """What the first 100 bytes (the SQLite header) and the size of the file say is wrong, if anything."""
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
            size = os.fstat(fh.fileno()).st_size
    except PermissionError as exc:
        raise _not_readable(path, exc) from exc
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    if not header:
        return "not a geomap gazetteer (an empty file)"
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        return f"not a geomap gazetteer (not a SQLite database; it starts with {header[:16]!r})"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count in the header is valid when the change counter matches "version valid for"; a WAL
    # database (byte 18 = 2) may be longer than its main file.
    counted = header[24:28] == header[92:96] and header[18] != 2
    if counted and page_size in {2**k for k in range(9, 17)} and size < pages * page_size:
        return f"the gazetteer is corrupt (truncated: {size:,} of {pages * page_size:,} bytes)"
    return None


@functools.cache
def _expected_schema() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, tuple[str, ...]]]]:
    """Tables (with their columns) and indexes (with their table and columns) of the current schema,
    read from a database made in memory with the builder's own DDL."""
    con = sqlite3.connect(":memory:")
    try:
        create_schema(con)
        create_indexes(con)
        tables = {
            name: tuple(row[1] for row in con.execute(f"PRAGMA table_info({name})"))
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
        }
        indexes = {
            name: (table, tuple(row[2] for row in con.execute(f"PRAGMA index_info({name})")))
            for name, table in con.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' ORDER BY rowid"
            )
        }
    finally:
        con.close()
    return tables, indexes


def _diagnose(con: sqlite3.Connection) -> None:
    """Raise :class:`_Unusable` unless ``con`` holds a gazetteer of the current schema whose tables and
    indexes can be read.

    Each table and index is read at both ends (the first and last row in its order), which reads its
    root page and the pages down to its first and last leaf: a cheap check (a few milliseconds) that
    finds a missing table or column, a foreign file, a truncated file and damage to the pages every
    query goes through.  Damage deeper in a table is found by the query that reads it
    (:meth:`Gazetteer.check_integrity` reads every page).
    """
    tables, indexes = _expected_schema()
    try:
        present = {name for (name,) in con.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        if (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF == _SQLITE_NOTADB:
            raise _Unusable(f"not a geomap gazetteer ({exc})") from exc
        raise _Unusable(f"the gazetteer is corrupt ({exc}, in its schema)") from exc
    if "meta" not in present or not {"key", "value"} <= {
        r[1] for r in con.execute("PRAGMA table_info(meta)")
    }:
        raise _Unusable("not a geomap gazetteer (a SQLite database without geomap's tables)")
    try:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise _Unusable(f"the gazetteer is corrupt ({exc}, in table meta)") from exc
    source = meta.get("source")
    version = meta.get("schema_version")
    if version != str(SCHEMA_VERSION):
        raise _Unusable(
            f"not a geomap gazetteer of this version (schema version {version}; geomap reads"
            f" {SCHEMA_VERSION})",
            source,
        )
    for table, columns in tables.items():
        if table not in present:
            raise _Unusable(f"the gazetteer is damaged (its table {table} is missing)", source)
        have = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
        if missing := [c for c in columns if c not in have]:
            cols = ", ".join(f"{table}.{c}" for c in missing)
            raise _Unusable(f"the gazetteer is damaged (column {cols} is missing)", source)
    for index, (table, _columns) in indexes.items():
        if index not in present:
            raise _Unusable(f"the gazetteer is damaged (its index {index} on {table} is missing)", source)
    reads = [
        (f"table {table}", f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid{order} LIMIT 1")
        for table, columns in tables.items()
        for order in ("", " DESC")
    ] + [
        (
            f"index {index}",
            f"SELECT {', '.join(columns)} FROM {table} INDEXED BY {index}"
            f" ORDER BY {', '.join(c + order for c in columns)} LIMIT 1",
        )
        for index, (table, columns) in indexes.items()
        for order in ("", " DESC")
    ]
    for what, sql in reads:
        try:
            con.execute(sql).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _Unusable(f"the gazetteer is corrupt ({exc}, in {what})", source) from exc


def _connect(path: Path) -> sqlite3.Connection:
    """Open ``path`` read-only and check it; raise :class:`_Unusable` (or a permission error) if it cannot
    be used.  No connection is left open when it raises."""
    if problem := _header_problem(path):
        raise _Unusable(problem)
    # as_uri() percent-encodes the path: a raw "#", "?" or "%" in it would otherwise end the file name
    # early, drop "mode=ro" and make SQLite create a stray empty database.
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.DatabaseError as exc:
        raise _Unusable(f"cannot open it ({exc})") from exc
    try:
        _diagnose(con)
    except sqlite3.DatabaseError as exc:  # what the reads above do not expect
        con.close()
        raise _Unusable(f"the gazetteer is corrupt ({exc})") from exc
    except BaseException:
        con.close()
        raise
    return con


def _open(path: Path) -> Gazetteer:
    try:
        return Gazetteer(_connect(path), path)
    except _Unusable as exc:
        raise _invalid(path, exc) from exc.__cause__


def _say(message: str) -> None:
    """One line on stderr, terminal or not: what a first run is doing while it builds."""
    if sys.stderr is not None:
        print(f"geomap: {message}", file=sys.stderr, flush=True)


def _stderr_is_terminal() -> bool:
    return sys.stderr is not None and sys.stderr.isatty()


def _build_and_open(path: Path, announcement: str, progress: bool) -> Gazetteer:
    _say(announcement)
    started = time.perf_counter()
    build(path, progress=progress)
    _say(f"built the gazetteer in {time.perf_counter() - started:.0f} s")
    return _open(path)


def open_gazetteer(
    path: str | os.PathLike[str] | None = None, *, build_missing: bool = True, progress: bool | None = None
) -> Gazetteer:
    """Open a gazetteer file, and check it.

    With no ``path`` the embedded gazetteer (:func:`default_path`) is opened: geomap owns that file, and
    builds it first (from the installed packages) if it is missing, corrupt, foreign or out of date with
    its sources, saying so in one line on stderr, with a progress bar when ``progress`` is true (by
    default: when stderr is a terminal).  A full GeoNames import there is not replaced.  A ``path`` given
    explicitly is opened as it is and never written.

    Raises
    ------
    GazetteerNotBuiltError
        If there is no file at ``path`` (or at the default path, with ``build_missing=False``).
    GazetteerNotReadableError
        If the file (or a directory above it) cannot be read: never rebuilt.
    InvalidGazetteerError
        If the file is not a SQLite database, is corrupt, or lacks a table, column or index of the
        current schema; the message names the path, what is wrong and what to do.
    CacheNotWritableError
        If the embedded gazetteer must be built and its directory cannot be written.
    """
    if path is not None:
        p = Path(path)
        if not _exists(p):
            raise GazetteerNotBuiltError(f"{p}: no gazetteer file there")
        return _open(p)
    p = default_path()
    show = _stderr_is_terminal() if progress is None else progress
    if not _exists(p):
        if not build_missing:
            raise GazetteerNotBuiltError(f"{p}: the gazetteer is not built; run `geomap gazetteer build`")
        first = (
            f"building the gazetteer into {p} from the installed packages (first run; about {_BUILD_TIME})"
        )
        return _build_and_open(p, first, show)
    try:
        gaz = Gazetteer(_connect(p), p)
    except _Unusable as exc:
        if not build_missing or exc.source == "geonames-dump":
            raise _invalid(p, exc) from exc.__cause__
        again = f"{p}: {exc.problem}; rebuilding it from the installed packages (about {_BUILD_TIME})"
        return _build_and_open(p, again, show)
    try:
        stale = (
            build_missing
            and gaz.meta.get("source") == "packages"
            and gaz.meta.get("fingerprint") != source_fingerprint()
        )
    except BaseException:
        gaz.close()
        raise
    if stale:
        gaz.close()
        changed = f"the gazetteer's sources changed; rebuilding {p} (about {_BUILD_TIME})"
        return _build_and_open(p, changed, show)
    return gaz


_ADMIN_SUFFIX = re.compile(
    r"^(?P<name>.+?)\s+"
    r"(?:province|governorate|region|oblast|obl\.?|state|prefecture|department|wilaya|muhafazah)$",
    re.I,
)
_BORDER_PATTERNS = (
    re.compile(r"^(?:the\s+)?border\s+(?:between|of)\s+(?P<a>.+?)\s+and\s+(?P<b>.+)$", re.I),
    re.compile(r"^(?:the\s+)?(?P<a>[^-–—/]+?)\s*[-–—/]\s*(?P<b>[^-–—/]+?)\s+(?:border|frontier)$", re.I),
)


def _read_failure(path: Path, exc: sqlite3.DatabaseError, source: str | None) -> GazetteerError:
    """The gazetteer error for a query that failed with ``exc`` part way through a run."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return GazetteerError(f"{path}: the gazetteer is locked by another process ({exc}); try again")
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        problem = f"the gazetteer is corrupt ({exc})"
    elif code == _SQLITE_ERROR:  # "no such table", "no such column": changed since it was opened
        problem = f"the gazetteer is damaged ({exc})"
    else:  # a disk I/O error, a file removed under us
        problem = f"cannot read the gazetteer ({exc})"
    return _invalid(path, _Unusable(problem, source))


_Method = TypeVar("_Method", bound=Callable[..., Any])
_Class = TypeVar("_Class", bound=type)


def _reading(method: _Method) -> _Method:
    """``method`` with a :class:`sqlite3.DatabaseError` (damage found by a query, mid-run) raised as a
    :class:`GazetteerError` that names the file and what to do.  Misuse (a closed gazetteer: a
    ``ProgrammingError``) is a bug and passes through."""

    @functools.wraps(method)
    def reading(self: Gazetteer, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (GazetteerError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise
        except sqlite3.DatabaseError as exc:
            source = self._meta.get("source") if self._meta else None
            raise _read_failure(self.path, exc, source) from exc

    return reading  # type: ignore[return-value]


def _queries_read_through(cls: _Class) -> _Class:
    """Wrap every public method and property of ``cls`` with :func:`_reading`: the one place where the
    store's queries turn SQLite's errors into gazetteer errors."""
    for name, attr in list(vars(cls).items()):
        if name.startswith("_") or name == "close" or isinstance(attr, staticmethod | classmethod):
            continue
        if isinstance(attr, property) and attr.fget is not None:
            setattr(cls, name, property(_reading(attr.fget), doc=attr.__doc__))
        elif callable(attr):
            setattr(cls, name, _reading(attr))
    return cls


@_queries_read_through
class Gazetteer:
    """A gazetteer opened from a SQLite file.  Use :func:`open_gazetteer` to get one.

    A query that finds the file damaged raises :class:`InvalidGazetteerError` (a ``GazetteerError``)
    naming the file and what to do, never a bare :class:`sqlite3.DatabaseError`.
    """

    def __init__(self, con: sqlite3.Connection, path: Path) -> None:
        self._con = con
        self.path = path
        self._meta: dict[str, str] | None = None
        self._name_cache: dict[str, tuple[frozenset[str], int]] = {}
        # Answers kept for the life of the connection (the file is opened read-only): the same query asked
        # again is answered from memory.  Lists are copied out (callers extend them); candidates are frozen
        # and shapely geometries immutable, so those are shared.
        self._lookups: dict[tuple[Any, ...], tuple[Candidate, ...]] = {}
        self._places: dict[tuple[Any, ...], Candidate | None] = {}
        self._names: dict[int, tuple[tuple[str, str], ...]] = {}
        self._exact: dict[str, bool] = {}
        self._loose_kinds: dict[str, frozenset[str]] = {}
        self._geometries: dict[tuple[Any, ...], BaseGeometry | None] = {}
        self._keys: Any = _UNREAD
        self._languages: dict[str, tuple[str, ...]] | None = None

    # -- life cycle --
    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check_integrity(self) -> None:
        """Read every page of the file (SQLite's ``PRAGMA quick_check``) and raise
        :class:`InvalidGazetteerError` if any is damaged.

        Opening checks only the pages every query goes through (about a millisecond); this reads all
        100 MB of the embedded gazetteer (0.5 s when the file is in the page cache).
        """
        rows = [str(row[0]) for row in self._con.execute("PRAGMA quick_check(5)")]
        if rows != ["ok"]:
            # SQLite heads the list with "*** in database main ***" and may put several on one row
            problems = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
            source = self.meta.get("source")
            raise _invalid(self.path, _Unusable(f"the gazetteer is corrupt ({'; '.join(problems)})", source))

    @property
    def meta(self) -> dict[str, str]:
        if self._meta is None:
            self._meta = dict(self._con.execute("SELECT key, value FROM meta").fetchall())
        return self._meta

    # -- lookups --
    @staticmethod
    def normalize(name: str) -> str:
        """The index key of a name (see :func:`gazetteer.normalize`)."""
        return normalize(name)

    def lookup(
        self,
        name: str,
        *,
        country: str | None = None,
        kinds: Iterable[str] | None = None,
        name_types: Iterable[str] | None = None,
        limit: int = 25,
        loose: bool = False,
    ) -> list[Candidate]:
        """Candidates whose names fold to the same key as ``name``, most likely first.

        Candidates are ordered by exactness of the name (the same spelling first), then kind (a country
        before a province before a town of the same name), then population.  A name that no place bears
        but that ends in a unit's type ("Aleppo province", "Donetsk oblast", "Hama governorate") finds
        the first-level (or second-level) unit named by the rest.

        With ``loose``, the towns and administrative units whose names share only the looser key
        (:func:`gazetteer._names.loose_key`: "Menbej" finds Manbij) and not the key itself, each marked
        ``loose``; the caller decides when a name deserves it (see ``geo``).
        """
        kinds = None if kinds is None else list(kinds)
        name_types = None if name_types is None else list(name_types)
        key = (name, country, _frozen(kinds), _frozen(name_types), limit, loose)
        hit = self._lookups.get(key)
        if hit is None:
            hit = tuple(
                self._lookup(
                    name, country=country, kinds=kinds, name_types=name_types, limit=limit, loose=loose
                )
            )
            _remember(self._lookups, key, hit, _MAX_LOOKUPS)
        return list(hit)

    def _lookup(
        self,
        name: str,
        *,
        country: str | None,
        kinds: list[str] | None,
        name_types: list[str] | None,
        limit: int,
        loose: bool,
    ) -> list[Candidate]:
        norm = normalize(name)
        if not norm:
            return []
        if loose:
            # the names of the looser key's bucket, less those of the key itself (found without loose)
            sql = (
                f"SELECT {_COLUMNS}, n.name, n.name_type FROM loose_names l"
                " JOIN names n ON n.norm = l.norm JOIN places p ON p.id = n.place_id"
                f" WHERE l.loose = ? AND l.norm != ? AND {LOOSE_NAMES}"
            )
            args: list[Any] = [loose_key(norm), norm]
        else:
            sql = (
                f"SELECT {_COLUMNS}, n.name, n.name_type FROM names n JOIN places p ON p.id = n.place_id"
                " WHERE n.norm = ?"
            )
            args = [norm]
        if country:
            sql += " AND p.country_code = ?"
            args.append(country.upper())
        if kinds is not None:
            sql += f" AND p.kind IN ({','.join('?' * len(kinds))})"
            args.extend(kinds)
        if name_types is not None:
            sql += f" AND n.name_type IN ({','.join('?' * len(name_types))})"
            args.extend(name_types)
        best: dict[int, Candidate] = {}
        for row in self._con.execute(sql, args) if loose or self._may_have(norm) else ():
            if loose and not proper_name(row[10]):
                continue  # a romanisation of another script, which the looser key leaves out
            cand = _candidate(row, loose=loose)
            prev = best.get(cand.id)
            if prev is None or _match_rank(cand, name) < _match_rank(prev, name):
                best[cand.id] = cand
        if not best and (m := _ADMIN_SUFFIX.match(name.strip())):
            # "Aleppo province", "Donetsk oblast": the unit named by the rest, when no place bears the
            # whole name ("Orange County" does, and is found above)
            units = ("admin1", "admin2")
            wanted = list(units) if kinds is None else [k for k in kinds if k in units]
            return self.lookup(
                m["name"], country=country, kinds=wanted, name_types=name_types, limit=limit, loose=loose
            )
        ranked = sorted(
            best.values(),
            key=lambda c: (_match_rank(c, name), _KIND_ORDER.get(c.kind, 9), -c.population, c.id),
        )
        return ranked[:limit]

    def get(self, place_id: int) -> Candidate | None:
        return self._place(f"SELECT {_COLUMNS}, p.name, 'name' FROM places p WHERE p.id = ?", (place_id,))

    def country(self, code: str) -> Candidate | None:
        """The country with ISO 3166-1 alpha-2 ``code``."""
        return self._place(
            f"SELECT {_COLUMNS}, p.name, 'name' FROM places p"
            " WHERE p.kind = 'country' AND p.country_code = ?",
            (code.upper(),),
        )

    def languages(self, country: str) -> tuple[str, ...]:
        """The languages spoken in ``country`` (ISO alpha-2), as lower-case ISO 639 codes, the main one
        first (GeoNames' order: "CO" -> ("es",), "CF" -> ("fr", "sg", "ln", "kg")); empty for a code the
        gazetteer has no languages of.  GeoNames' regional tags ("es-CO") are read as their language."""
        if self._languages is None:
            out: dict[str, list[str]] = {}
            rows = self._con.execute(
                "SELECT country_code, language FROM country_languages ORDER BY country_code, rank"
            )
            for cc, tag in rows:
                code = str(tag).split("-")[0].lower()
                if code and code not in (have := out.setdefault(cc, [])):
                    have.append(code)
            self._languages = {cc: tuple(codes) for cc, codes in out.items()}
        return self._languages.get(country.upper(), ())

    def admin1(self, country: str, code: str) -> Candidate | None:
        """The admin-1 unit of ``country`` with GeoNames admin-1 ``code``."""
        return self._place(
            f"SELECT {_COLUMNS}, p.name, 'name' FROM places p"
            " WHERE p.kind = 'admin1' AND p.country_code = ? AND p.admin1_code = ?",
            (country.upper(), code),
        )

    def _place(self, sql: str, args: tuple[Any, ...]) -> Candidate | None:
        """The first place ``sql`` selects (remembered per query)."""
        key = (sql, args)
        if key in self._places:
            return self._places[key]
        row = self._con.execute(sql, args).fetchone()
        place = None if row is None else _candidate(row)
        _remember(self._places, key, place, _MAX_LOOKUPS)
        return place

    def names_of(self, place_id: int) -> list[tuple[str, str]]:
        """All (name, name_type) pairs of a place."""
        names = self._names.get(place_id)
        if names is None:
            names = tuple(
                self._con.execute(
                    "SELECT name, name_type FROM names WHERE place_id = ? ORDER BY name_type, name",
                    (place_id,),
                ).fetchall()
            )
            _remember(self._names, place_id, names, _MAX_LOOKUPS)
        return list(names)

    def name_kinds(self, name: str, *, loose: bool = False) -> frozenset[str]:
        """Kinds of the places that bear this name ("country", "admin1", "city", ...), with "demonym"
        when it is a country's demonym; empty when no place has it.  Codes and abbreviations
        ("iso", "abbr" names) are left out: they are not how a report names a place.

        With ``loose``, the kinds of the towns and administrative units whose names share only the
        looser key (see :meth:`lookup`)."""
        if loose:
            norm = normalize(name)
            hit = self._loose_kinds.get(norm)
            if hit is None:
                hit = frozenset(
                    kind
                    for kind, matched in self._con.execute(
                        "SELECT DISTINCT p.kind, n.name FROM loose_names l JOIN names n ON n.norm = l.norm"
                        " JOIN places p ON p.id = n.place_id"
                        f" WHERE l.loose = ? AND l.norm != ? AND {LOOSE_NAMES}",
                        (loose_key(norm), norm),
                    )
                    if proper_name(matched)
                )
                _remember(self._loose_kinds, norm, hit, _MAX_LOOKUPS)
            return hit
        return self._name_summary(name)[0]

    def max_population(self, name: str) -> int:
        """The largest population of the places that bear this name (0 for none)."""
        return self._name_summary(name)[1]

    def _name_summary(self, name: str) -> tuple[frozenset[str], int]:
        norm = normalize(name)
        hit = self._name_cache.get(norm)
        if hit is not None:
            return hit
        kinds: set[str] = set()
        pop = 0
        if norm and self._may_have(norm):
            for kind, name_type, population in self._con.execute(
                "SELECT p.kind, n.name_type, max(p.population)"
                " FROM names n JOIN places p ON p.id = n.place_id"
                " WHERE n.norm = ? AND n.name_type IN ('name', 'ascii', 'alt', 'demonym')"
                " GROUP BY p.kind, n.name_type",
                (norm,),
            ):
                kinds.add("demonym" if name_type == "demonym" else kind)
                pop = max(pop, population or 0)
        summary = (frozenset(kinds), pop)
        if len(self._name_cache) < 200_000:
            self._name_cache[norm] = summary
        return summary

    def has_exact_name(self, name: str) -> bool:
        """True if some place has exactly this name, as written ("Va.", "Calif.")."""
        hit = self._exact.get(name)
        if hit is None:
            norm = normalize(name)
            hit = (
                bool(norm)
                and self._may_have(norm)
                and self._con.execute(
                    "SELECT 1 FROM names WHERE norm = ? AND name = ? LIMIT 1", (norm, name)
                ).fetchone()
                is not None
            )
            _remember(self._exact, name, hit, _MAX_LOOKUPS)
        return hit

    def has_name(self, name: str) -> bool:
        """True if any place has a name that folds like ``name`` (a cheap test for recognition)."""
        norm = normalize(name)
        return (
            bool(norm)
            and self._may_have(norm)
            and self._con.execute("SELECT 1 FROM names WHERE norm = ? LIMIT 1", (norm,)).fetchone()
            is not None
        )

    def _may_have(self, norm: str) -> bool:
        """False when no name folds to ``norm``, by the name keys beside the file (see
        :func:`write_name_keys`): a miss costs a fraction of a microsecond instead of a query.  True
        (ask the database) when there are no keys, or they belong to another build of the file."""
        if self._keys is _UNREAD:
            self._keys = _read_name_keys(self.path, _stamp(self.meta))
        return self._keys is None or norm in self._keys

    # -- geometries --
    def geometry(self, place_id: int) -> BaseGeometry | None:
        """The polygon of a country or admin-1 unit, or ``None`` (a populated place is a point).

        Decoded once and kept: the same (immutable) shapely object for every mention of the place."""
        return self._geometry("SELECT wkb FROM geometries WHERE place_id = ?", (place_id,))

    def border(self, a: str, b: str) -> BaseGeometry | None:
        """The land border of two countries (ISO alpha-2 codes, either order) as a line, or ``None``."""
        a, b = sorted((a.upper(), b.upper()))
        return self._geometry("SELECT wkb FROM borders WHERE a = ? AND b = ?", (a, b))

    def _geometry(self, sql: str, args: tuple[Any, ...]) -> BaseGeometry | None:
        key = (sql, args)
        if key in self._geometries:
            return self._geometries[key]
        row = self._con.execute(sql, args).fetchone()
        geom = None if row is None else shapely.from_wkb(row[0])
        _remember(self._geometries, key, geom, _MAX_GEOMETRIES)
        return geom

    def country_code_of(self, name: str) -> str | None:
        """The country a name or demonym stands for ("Syrian" -> "SY", "Turkey" -> "TR"), or ``None``."""
        for cand in self.lookup(name, kinds=["country"], limit=1):
            return cand.country_code
        return None

    def find_border(self, phrase: str) -> tuple[str, str, BaseGeometry] | None:
        """Resolve "the Syrian-Turkish border", "Turkish-Syrian border", "the border between Syria and
        Turkey" to (a, b, line).  ``None`` when the phrase names no border of two neighbours."""
        phrase = " ".join(phrase.split())
        for pattern in _BORDER_PATTERNS:
            m = pattern.match(phrase)
            if not m:
                continue
            a, b = self.country_code_of(m["a"]), self.country_code_of(m["b"])
            if a and b and a != b and (line := self.border(a, b)) is not None:
                lo, hi = sorted((a, b))
                return (lo, hi, line)
        return None

    def countries_geometries(self) -> list[tuple[str, BaseGeometry]]:
        """(ISO code, polygon) of every country: the basemap of an offline map."""
        rows = self._con.execute(
            "SELECT p.country_code, g.wkb FROM places p JOIN geometries g ON g.place_id = p.id"
            " WHERE p.kind = 'country' ORDER BY p.country_code"
        ).fetchall()
        return [(cc, shapely.from_wkb(wkb)) for cc, wkb in rows]

    def admin1_containing(self, country: str, lon: float, lat: float) -> Candidate | None:
        """The admin-1 unit of ``country`` whose polygon contains the point, if any."""
        pt = shapely.Point(lon, lat)
        rows = self._con.execute(
            f"SELECT {_COLUMNS}, p.name, 'name', g.wkb FROM places p JOIN geometries g ON g.place_id = p.id"
            " WHERE p.kind = 'admin1' AND p.country_code = ?",
            (country.upper(),),
        ).fetchall()
        for row in rows:
            if shapely.from_wkb(row[-1]).contains(pt):
                return _candidate(row[:-1])
        return None

    # -- geocoder cache (online geocoding, only when asked for) --
    def cached_answer(self, provider: str, query: str) -> str | None:
        row = self._con.execute(
            "SELECT answer FROM geocoder_cache WHERE provider = ? AND query = ?", (provider, query)
        ).fetchone()
        return None if row is None else row[0]

    # -- description --
    def info(self) -> dict[str, Any]:
        counts = dict(
            self._con.execute("SELECT kind, count(*) FROM places GROUP BY kind ORDER BY kind").fetchall()
        )
        return {
            "path": str(self.path),
            "size_bytes": self.path.stat().st_size,
            "places_by_kind": counts,
            "names": self._con.execute("SELECT count(*) FROM names").fetchone()[0],
            "geometries": self._con.execute("SELECT count(*) FROM geometries").fetchone()[0],
            "borders": self._con.execute("SELECT count(*) FROM borders").fetchone()[0],
            **{k: v for k, v in self.meta.items() if not k.startswith("count_")},
        }


#: How many answers of each kind a gazetteer keeps: lookups, places and names (a few hundred bytes
#: each), decoded geometries (all 3,900 of the embedded gazetteer's take about 50 MB).
_MAX_LOOKUPS = 100_000
_MAX_GEOMETRIES = 1_000

_K = TypeVar("_K")
_V = TypeVar("_V")


# --- name keys: every index key of the names, in a trie beside the file ---------------------------------

_UNREAD = object()
#: The key that says which build of the gazetteer a trie belongs to (no index key starts with a NUL).
_STAMP_PREFIX = "\x00gazetteer "


def name_keys_path(path: str | os.PathLike[str]) -> Path:
    """Where the name keys of the gazetteer at ``path`` are kept: beside it, ``<file>.keys``."""
    p = Path(path)
    return p.with_name(p.name + ".keys")


def _stamp(meta: dict[str, str]) -> str:
    """What names one build of a gazetteer: its sources' fingerprint, build time and name count."""
    return _STAMP_PREFIX + "|".join(meta.get(k, "") for k in ("fingerprint", "built_at", "count_names"))


def write_name_keys(gaz: Gazetteer) -> Path:
    """Write every index key of ``gaz``'s names into a MARISA trie beside its file (about 6 MB for the
    embedded gazetteer, a second or two to make): a name no place bears is then refused without a
    query.  A build of the gazetteer writes it; the trie names the build it belongs to, and one left
    from another build is ignored.  Written whole or not at all."""
    import marisa_trie

    keys = [norm for (norm,) in gaz._con.execute("SELECT DISTINCT norm FROM names")]
    trie = marisa_trie.Trie([*keys, _stamp(gaz.meta)])
    out = name_keys_path(gaz.path)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        trie.save(str(tmp))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _read_name_keys(path: Path, stamp: str) -> Any:
    """The name-key trie beside ``path`` if there is one of this build (``stamp``), else ``None``."""
    keys_path = name_keys_path(path)
    if not keys_path.is_file():
        return None
    import marisa_trie

    try:
        trie = marisa_trie.Trie().mmap(str(keys_path))
    except Exception as exc:  # marisa raises bare RuntimeErrors and others for a damaged file
        log.warning("%s: unreadable name keys (%s); looking names up in the database", keys_path, exc)
        return None
    if stamp not in trie:
        log.info("%s: name keys of another build of the gazetteer; not used", keys_path)
        return None
    return trie


def _frozen(words: list[str] | None) -> tuple[str, ...] | None:
    return None if words is None else tuple(words)


def _remember(cache: dict[_K, _V], key: _K, value: _V, size: int) -> None:
    """Keep ``value``, forgetting the oldest answer when ``cache`` holds ``size`` of them."""
    if len(cache) >= size:
        # another thread may change it meanwhile: then nothing is forgotten this time
        with contextlib.suppress(RuntimeError, StopIteration, KeyError):
            del cache[next(iter(cache))]
    cache[key] = value


def _candidate(row: Sequence[Any], *, loose: bool = False) -> Candidate:
    return Candidate(
        id=row[0],
        name=row[1],
        kind=row[2],
        country_code=row[3],
        admin1_code=row[4],
        population=row[5] or 0,
        lat=row[6],
        lon=row[7],
        feature_code=row[8],
        iso_code=row[9],
        matched=row[10],
        name_type=row[11],
        loose=loose,
    )


def _match_rank(cand: Candidate, query: str) -> int:
    """0: same spelling, 1: same but for case/diacritics, 2: only the folded key matches."""
    if cand.matched == query:
        return 0
    if cand.matched.casefold() == query.casefold():
        return 1
    return 2
