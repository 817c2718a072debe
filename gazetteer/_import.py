"""Import the full GeoNames dumps into a gazetteer file of the package's schema.

The dumps are the tab-separated files of https://download.geonames.org/export/dump/ (see its
``readme.txt``): ``allCountries.txt`` (one place a line, 19 columns), ``alternateNamesV2.txt``
(one name a line, 10 columns), ``admin1CodesASCII.txt`` (``CC.code``, name, ascii name,
geonameid) and ``countryInfo.txt`` (``#`` comments, then 19 columns a country).

Every file is streamed line by line and written with ``executemany`` in batches, so memory stays
flat for the 12 million places and 15 million alternate names of the full dump.  Names go first
into a staging database beside the output and are deduplicated per place by one ``GROUP BY`` at
the end.  The gazetteer is written to a temporary file in the directory of ``out`` and renamed
over ``out`` only once everything has succeeded, so an existing gazetteer is never left broken.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import math
import os
import secrets
import sqlite3
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from tqdm import tqdm

from ._names import normalize
from ._schema import create_indexes, create_schema, language_rows
from ._types import DumpFormatError, GazetteerError

__all__ = [
    "DumpEncodingError",
    "DumpUnreadableError",
    "GeoNamesDumpWarning",
    "ImportReport",
    "OutputNotWritableError",
    "import_geonames",
]

log = logging.getLogger(__name__)

OnInvalid: TypeAlias = Literal["raise", "warn", "skip"]

#: Rows written per ``executemany``.
BATCH_SIZE = 50_000
#: Feature codes whose places are countries.
COUNTRY_FEATURE_CODES = frozenset({"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR"})
#: ``isolanguage`` values of alternateNamesV2 that are not names of the place.
NON_NAME_LANGUAGES = frozenset({"link", "post", "iata", "icao", "faac", "wkdt", "unlc", "fr_1793"})

_ALL_COUNTRIES_COLUMNS = 19
_COUNTRY_INFO_COLUMNS = 19
_ADMIN1_COLUMNS = 4
#: alternateNamesV2 has 10 columns; the older alternateNames.txt (no from/to) has 8.
_ALTERNATE_NAMES_COLUMNS = (10, 8)
#: Rank of each name type: when a place has the same name under several types, the lowest wins.
_NAME_TYPES = ("name", "ascii", "iso", "abbr", "alt")
_NAME, _ASCII, _ISO, _ABBR, _ALT = range(len(_NAME_TYPES))
_MAX_ROW_CHARS = 200
#: At most this many warning messages are kept in the report (all are emitted as warnings).
_MAX_KEPT_WARNINGS = 10_000
_PROGRESS_STEP = 1 << 20
#: SQLite page cache of the output (KiB); SQLite's sorter (GROUP BY, CREATE INDEX) may use as much again.
_CACHE_KIB = 64 * 1024

# (place_id, norm, name, rank), the staging row of one name.
_NameRow: TypeAlias = tuple[int, str, str, int]
# The 13 columns of ``places`` in table order.
_PlaceRow: TypeAlias = tuple[
    int, str, str | None, str, str | None, str | None, str | None, str | None, str | None, str | None,
    int, float, float,
]  # fmt: skip


class GeoNamesDumpWarning(UserWarning):
    """A row of a GeoNames dump was skipped under ``on_invalid="warn"``."""


class DumpUnreadableError(DumpFormatError, OSError):
    """A dump file is missing, a directory or cannot be opened or read."""


class DumpEncodingError(DumpFormatError, UnicodeError):
    """A dump file is not UTF-8 text (a binary or compressed file, or another encoding)."""


class OutputNotWritableError(GazetteerError, PermissionError):
    """The gazetteer cannot be written where ``out`` asks (the directory refuses new files)."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What :func:`import_geonames` wrote.

    Attributes
    ----------
    out : Path
        The gazetteer file.
    places : int
        Rows in ``places``.
    names : int
        Rows in ``names`` (distinct ``(place, norm, name)``).
    skipped : int
        Malformed rows skipped under ``on_invalid="warn"`` or ``"skip"``.
    warnings : tuple of str
        The messages of the warnings emitted under ``on_invalid="warn"`` (the first 10,000).
    """

    out: Path
    places: int
    names: int
    skipped: int
    warnings: tuple[str, ...] = ()


class _BadRow(Exception):
    """Internal: why a row was refused (the message's ``reason``)."""


class _Policy:
    """Applies ``on_invalid`` to refused rows and counts them."""

    def __init__(self, on_invalid: OnInvalid) -> None:
        self.on_invalid = on_invalid
        self.skipped = 0
        self.messages: list[str] = []

    def reject(self, path: Path, lineno: int, reason: str, row: str, cause: BaseException | None) -> None:
        shown = row if len(row) <= _MAX_ROW_CHARS else row[:_MAX_ROW_CHARS] + "..."
        message = f"{path}:{lineno}: {reason}: {shown!r}"
        if self.on_invalid == "raise":
            raise DumpFormatError(message) from cause
        self.skipped += 1
        if self.on_invalid == "warn":
            # 1: here, 2: the _load_* function, 3: import_geonames, 4: the caller of import_geonames.
            warnings.warn(message, GeoNamesDumpWarning, stacklevel=4)
            if len(self.messages) < _MAX_KEPT_WARNINGS:
                self.messages.append(message)


# --- reading ------------------------------------------------------------------------------------


def _read_lines(path: Path, bar: tqdm | None) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, line without its newline)`` of a UTF-8 file, one line in memory at a time.

    Lines end at ``\\n`` only (a stray ``\\r`` inside a field does not split a row).
    """
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise DumpUnreadableError(f"{path}: cannot open: {exc.strerror or exc}") from exc
    unreported = 0
    lineno = 0
    with fh:
        try:
            for lineno, raw in enumerate(fh, 1):
                unreported += len(raw)
                if bar is not None and unreported >= _PROGRESS_STEP:
                    bar.update(unreported)
                    unreported = 0
                if b"\0" in raw:
                    raise DumpEncodingError(
                        f"{path}:{lineno}: NUL byte: not a text file{_compressed_hint(lineno, raw)}: "
                        f"{raw[:_MAX_ROW_CHARS]!r}"
                    )
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise DumpEncodingError(
                        f"{path}:{lineno}: not UTF-8 text{_compressed_hint(lineno, raw)}: "
                        f"{raw[:_MAX_ROW_CHARS]!r}"
                    ) from exc
                if lineno == 1:
                    text = text.removeprefix("\ufeff")
                yield lineno, text.rstrip("\r\n")
        except OSError as exc:
            raise DumpUnreadableError(f"{path}:{lineno + 1}: read failed: {exc.strerror or exc}") from exc
    if bar is not None:
        bar.update(unreported)


def _compressed_hint(lineno: int, raw: bytes) -> str:
    if lineno == 1 and raw.startswith((b"PK\x03\x04", b"\x1f\x8b")):
        return " (it looks zip- or gzip-compressed; unpack it first)"
    return ""


def _positive_int(text: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise _BadRow(f"{what} {text!r} is not an integer") from exc
    if value <= 0:
        raise _BadRow(f"{what} {text!r} is not positive")
    return value


def _coordinate(text: str, what: str, limit: float) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise _BadRow(f"{what} {text!r} is not a number") from exc
    if not (math.isfinite(value) and -limit <= value <= limit):
        raise _BadRow(f"{what} {text!r} is out of range [-{limit:g}, {limit:g}]")
    return value


def _population(text: str) -> int:
    if not text:
        return 0
    try:
        value = int(text)
    except ValueError as exc:
        raise _BadRow(f"population {text!r} is not an integer") from exc
    if value < 0:
        raise _BadRow(f"population {text!r} is negative")
    return value


def _column_count(fields: list[str], expected: tuple[int, ...]) -> None:
    if len(fields) not in expected:
        want = " or ".join(map(str, expected))
        raise _BadRow(f"wrong column count: expected {want} tab-separated columns, found {len(fields)}")


def _kind(feature_class: str, feature_code: str) -> str:
    if feature_code in COUNTRY_FEATURE_CODES:
        return "country"
    if feature_code == "ADM1":
        return "admin1"
    if feature_code == "ADM2":
        return "admin2"
    if feature_class == "P":
        return "city"
    return "other"


@dataclass(frozen=True, slots=True)
class _Country:
    iso2: str
    iso3: str
    name: str
    languages: str  # GeoNames' tags, main one first: "es-CO", "fr-CF,sg,ln,kg"


# --- loaders: each applies the policy itself, so a warning points at the caller of import_geonames -


def _load_country_info(path: Path, policy: _Policy, bar: tqdm | None) -> dict[int, _Country]:
    """Read countryInfo.txt into ``{geonameid: country}`` (about 250 rows)."""
    countries: dict[int, _Country] = {}
    for lineno, line in _read_lines(path, bar):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        try:
            _column_count(fields, (_COUNTRY_INFO_COLUMNS,))
            iso2, iso3 = fields[0], fields[1]
            if not (len(iso2) == 2 and iso2.isascii() and iso2.isalpha() and iso2.isupper()):
                raise _BadRow(f"ISO code {iso2!r} is not two capital letters")
            if not (len(iso3) == 3 and iso3.isascii() and iso3.isalpha() and iso3.isupper()):
                raise _BadRow(f"ISO3 code {iso3!r} is not three capital letters")
            geonameid = _positive_int(fields[16], "geonameid")
        except _BadRow as exc:
            policy.reject(path, lineno, str(exc), line, exc.__cause__)
            continue
        countries[geonameid] = _Country(iso2, iso3, fields[4].strip(), fields[15])
    return countries


def _load_all_countries(
    con: sqlite3.Connection,
    path: Path,
    countries: dict[int, _Country],
    policy: _Policy,
    norm: Callable[[str], str],
    bar: tqdm | None,
) -> int:
    """Load allCountries.txt into ``places`` and its names into the staging table; return the places."""
    inserted = 0
    # (line number, line, place row, its name rows), flushed every BATCH_SIZE rows
    batch: list[tuple[int, str, _PlaceRow, list[_NameRow]]] = []

    def flush() -> list[tuple[int, str, str, sqlite3.IntegrityError]]:
        """Write the batch; return (line number, reason, line, error) of each refused row."""
        nonlocal inserted
        refused = _insert_places(con, [item[2] for item in batch])
        bad = {index for index, _ in refused}
        _stage_names(con, (row for i, item in enumerate(batch) if i not in bad for row in item[3]))
        inserted += len(batch) - len(bad)
        out = [
            (batch[i][0], f"duplicate geonameid {batch[i][2][0]}", batch[i][1], error) for i, error in refused
        ]
        batch.clear()
        return out

    for lineno, line in _read_lines(path, bar):
        if not line:
            continue
        try:
            place, names = _parse_place(line.split("\t"), countries, norm)
        except _BadRow as exc:
            policy.reject(path, lineno, str(exc), line, exc.__cause__)
            continue
        batch.append((lineno, line, place, names))
        if len(batch) >= BATCH_SIZE:
            for refused in flush():
                policy.reject(path, *refused)
    for refused in flush():
        policy.reject(path, *refused)
    return inserted


def _parse_place(
    fields: list[str], countries: dict[int, _Country], norm: Callable[[str], str]
) -> tuple[_PlaceRow, list[_NameRow]]:
    _column_count(fields, (_ALL_COUNTRIES_COLUMNS,))
    geonameid = _positive_int(fields[0], "geonameid")
    name = fields[1].strip()
    if not name:
        raise _BadRow("empty name")
    ascii_name = fields[2].strip()
    lat = _coordinate(fields[4], "latitude", 90.0)
    lon = _coordinate(fields[5], "longitude", 180.0)
    feature_class, feature_code = fields[6], fields[7]
    population = _population(fields[14])
    kind = _kind(feature_class, feature_code)
    candidates = [(name, _NAME), (ascii_name, _ASCII)]
    candidates += [(alt, _ALT) for alt in fields[3].split(",")]
    iso_code = None
    if kind == "country" and (country := countries.get(geonameid)) is not None:
        iso_code = country.iso2
        candidates += [(country.iso2, _ISO), (country.iso3, _ISO), (country.name, _ALT)]
    place: _PlaceRow = (
        geonameid,
        name,
        ascii_name or None,
        kind,
        feature_class or None,
        feature_code or None,
        fields[8] or None,
        fields[10] or None,
        fields[11] or None,
        iso_code,
        population,
        lat,
        lon,
    )
    return place, _name_rows(geonameid, candidates, norm)


def _name_rows(
    place_id: int, candidates: list[tuple[str, int]], norm: Callable[[str], str]
) -> list[_NameRow]:
    """Distinct ``(norm, name)`` of one place, the first (best-ranked) type kept; empty norms dropped."""
    rows: list[_NameRow] = []
    seen: set[tuple[str, str]] = set()
    for raw, rank in candidates:
        text = raw.strip()
        if not text:
            continue
        key = norm(text)
        if key and (key, text) not in seen:
            seen.add((key, text))
            rows.append((place_id, key, text, rank))
    return rows


def _load_admin1_codes(
    con: sqlite3.Connection, path: Path, policy: _Policy, norm: Callable[[str], str], bar: tqdm | None
) -> None:
    """Stage the names of admin1CodesASCII.txt as alternate names of their geonameids."""
    rows: list[_NameRow] = []
    for lineno, line in _read_lines(path, bar):
        if not line:
            continue
        fields = line.split("\t")
        try:
            _column_count(fields, (_ADMIN1_COLUMNS,))
            country, dot, code = fields[0].partition(".")
            if not (dot and country and code):
                raise _BadRow(f"code {fields[0]!r} is not of the form CC.code")
            geonameid = _positive_int(fields[3], "geonameid")
        except _BadRow as exc:
            policy.reject(path, lineno, str(exc), line, exc.__cause__)
            continue
        rows += _name_rows(geonameid, [(fields[1], _ALT), (fields[2], _ALT)], norm)
        if len(rows) >= BATCH_SIZE:
            _stage_names(con, rows)
            rows.clear()
    _stage_names(con, rows)


def _load_alternate_names(
    con: sqlite3.Connection, path: Path, policy: _Policy, norm: Callable[[str], str], bar: tqdm | None
) -> None:
    """Stage the names of alternateNamesV2.txt, leaving out links, codes and historic names."""
    rows: list[_NameRow] = []
    for lineno, line in _read_lines(path, bar):
        if not line:
            continue
        fields = line.split("\t")
        try:
            _column_count(fields, _ALTERNATE_NAMES_COLUMNS)
            _positive_int(fields[0], "alternateNameId")
            geonameid = _positive_int(fields[1], "geonameid")
        except _BadRow as exc:
            policy.reject(path, lineno, str(exc), line, exc.__cause__)
            continue
        language = fields[2]
        if language in NON_NAME_LANGUAGES or fields[7] == "1":
            continue
        name = fields[3].strip()
        key = norm(name) if name else ""
        if key:
            rows.append((geonameid, key, name, _ABBR if language == "abbr" else _ALT))
            if len(rows) >= BATCH_SIZE:
                _stage_names(con, rows)
                rows.clear()
    _stage_names(con, rows)


# --- writing ------------------------------------------------------------------------------------

_INSERT_PLACE = "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_STAGE_SCHEMA = "CREATE TABLE stage.names (place_id INTEGER, norm TEXT, name TEXT, rank INTEGER)"
_FINISH_NAMES = f"""
INSERT INTO main.names(norm, name, place_id, name_type)
SELECT norm, name, place_id,
       CASE min(rank) {" ".join(f"WHEN {i} THEN '{t}'" for i, t in enumerate(_NAME_TYPES))} END
FROM stage.names
WHERE place_id IN (SELECT id FROM main.places)
GROUP BY place_id, norm, name
"""


def _insert_places(
    con: sqlite3.Connection, rows: list[_PlaceRow]
) -> list[tuple[int, sqlite3.IntegrityError]]:
    """Insert ``rows``; return the index and error of each refused one (a geonameid seen before).

    ``executemany`` stops at the first refused row; the rows before it are in, and
    ``total_changes`` tells how many, so the insert resumes after it.
    """
    refused: list[tuple[int, sqlite3.IntegrityError]] = []
    start = 0
    while start < len(rows):
        before = con.total_changes
        try:
            con.executemany(_INSERT_PLACE, rows[start:] if start else rows)
        except sqlite3.IntegrityError as exc:
            index = start + con.total_changes - before
            refused.append((index, exc))
            start = index + 1
        else:
            break
    return refused


def _stage_names(con: sqlite3.Connection, rows: Iterator[_NameRow] | list[_NameRow]) -> None:
    con.executemany("INSERT INTO stage.names VALUES (?, ?, ?, ?)", rows)


def _reserve(path: Path) -> None:
    """Create ``path`` empty and exclusively (mode 0666 less the umask, like any new file)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))


def _remove_db(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _fsync(path: Path, *, directory: bool = False) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        if directory:  # not every file system lets a directory be opened
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not directory:
            raise
    finally:
        os.close(fd)


def _describe_inputs(files: dict[str, Path]) -> list[dict[str, str | int]]:
    """Check that each input is a readable regular file; describe it for ``meta.inputs``."""
    described: list[dict[str, str | int]] = []
    for role, path in files.items():
        try:
            st = path.stat()
            if path.is_dir():
                raise IsADirectoryError(21, "Is a directory")
            with path.open("rb"):
                pass
        except OSError as exc:
            raise DumpUnreadableError(f"{path}: cannot read the {role} file: {exc.strerror or exc}") from exc
        mtime = dt.datetime.fromtimestamp(st.st_mtime, dt.UTC).isoformat(timespec="seconds")
        described.append({"role": role, "name": path.name, "size": st.st_size, "mtime": mtime})
    return described


def import_geonames(
    *,
    all_countries: Path,
    out: Path,
    alternate_names: Path | None = None,
    admin1_codes: Path | None = None,
    country_info: Path | None = None,
    on_invalid: OnInvalid = "raise",
    geometries: bool = True,
    progress: bool = False,
) -> ImportReport:
    """Import full GeoNames dumps into a gazetteer file at ``out`` (atomically).

    Parameters
    ----------
    all_countries : Path
        ``allCountries.txt`` (or a per-country file such as ``SY.txt``, same format).
    out : Path
        The gazetteer to write.  An existing file is replaced only once the import has succeeded.
    alternate_names : Path, optional
        ``alternateNamesV2.txt``.  Links, postal, IATA/ICAO/FAAC/UN-LOCODE codes, Wikidata ids,
        ``fr_1793`` and historic names are left out; ``abbr`` names become ``name_type="abbr"``.
        Names of geonameids absent from ``all_countries`` are dropped.
    admin1_codes : Path, optional
        ``admin1CodesASCII.txt``; its names become alternate names of the admin-1 places.
    country_info : Path, optional
        ``countryInfo.txt``.  Without it countries get no ``iso_code``, no ISO-code names and no
        languages (so the language of a report, see ``geo._language``, tells nothing).
    on_invalid : {"raise", "warn", "skip"}
        What to do with a malformed row (wrong column count, non-numeric id, coordinates or
        population, coordinates out of range, a repeated geonameid): raise
        :class:`DumpFormatError`, emit a :class:`GeoNamesDumpWarning` and skip it, or skip it
        silently.  Either way the message is ``"{path}:{line}: {reason}: {row!r}"``.
    geometries : bool
        Fill ``geometries`` and ``borders`` from the packaged Natural Earth data for the
        countries and admin-1 units (:func:`gazetteer.attach_geometries`).
    progress : bool
        Show a progress bar (bytes read) on stderr.

    Returns
    -------
    ImportReport

    Raises
    ------
    DumpFormatError
        A malformed row under ``on_invalid="raise"``, or no valid place at all.
    DumpUnreadableError
        An input file is missing, a directory or unreadable (a :class:`DumpFormatError` and an
        :class:`OSError`).
    DumpEncodingError
        An input file is not UTF-8 text, e.g. still compressed (a :class:`DumpFormatError`).
    OutputNotWritableError
        No file can be created in the directory of ``out`` (also a :class:`PermissionError`).
    """
    if on_invalid not in ("raise", "warn", "skip"):
        raise ValueError(f"on_invalid must be 'raise', 'warn' or 'skip', not {on_invalid!r}")
    out = Path(out)
    files = {"all_countries": Path(all_countries)}
    for role, given in (
        ("alternate_names", alternate_names),
        ("admin1_codes", admin1_codes),
        ("country_info", country_info),
    ):
        if given is not None:
            files[role] = Path(given)
    inputs = _describe_inputs(files)
    attach: Callable[[sqlite3.Connection], None] | None = None
    if geometries:  # imported now, so a broken install fails before a long load rather than after
        from ._build import attach_geometries as attach

    directory = out.parent
    if out.is_dir():
        raise OutputNotWritableError(f"cannot write the gazetteer {out}: it is a directory")
    token = secrets.token_hex(6)
    tmp = directory / f".{out.name}.{token}.tmp"
    stage = directory / f".{out.name}.{token}.names.tmp"
    try:
        _reserve(tmp)
    except OSError as exc:
        raise OutputNotWritableError(
            f"cannot write the gazetteer into {directory}: {exc.strerror or exc}"
        ) from exc

    policy = _Policy(on_invalid)
    norm = functools.lru_cache(maxsize=1 << 18)(normalize)
    total = sum(path.stat().st_size for path in files.values())
    from tqdm import tqdm  # only an import needs it: kept off every other command's start-up

    bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="GeoNames import",
               file=sys.stderr, disable=not progress)  # fmt: skip
    progress_bar = bar if progress else None
    try:
        _reserve(stage)
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{_CACHE_KIB}"):
                con.execute(f"PRAGMA main.{pragma}")
            con.execute("ATTACH DATABASE ? AS stage", (str(stage),))
            for pragma in ("journal_mode = OFF", "synchronous = OFF"):
                con.execute(f"PRAGMA stage.{pragma}")
            create_schema(con)
            con.execute(_STAGE_SCHEMA)
            con.execute("BEGIN")
            countries: dict[int, _Country] = {}
            if country_info is not None:
                countries = _load_country_info(files["country_info"], policy, progress_bar)
                log.info("%s: %d countries", country_info, len(countries))
                con.executemany(
                    "INSERT OR IGNORE INTO country_languages VALUES (?, ?, ?)",
                    [row for c in countries.values() for row in language_rows(c.iso2, c.languages)],
                )
            places = _load_all_countries(con, files["all_countries"], countries, policy, norm, progress_bar)
            if places == 0:
                raise DumpFormatError(f"{all_countries}: no valid place rows; nothing to import")
            if admin1_codes is not None:
                _load_admin1_codes(con, files["admin1_codes"], policy, norm, progress_bar)
            if alternate_names is not None:
                _load_alternate_names(con, files["alternate_names"], policy, norm, progress_bar)
            names = con.execute(_FINISH_NAMES).rowcount
            con.execute("COMMIT")
            con.execute("DETACH DATABASE stage")
            _remove_db(stage)
            create_indexes(con)
            if attach is not None:
                con.execute("BEGIN")
                attach(con)
                if con.in_transaction:
                    con.execute("COMMIT")
            counts = {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("places", "names", "geometries", "borders")
            }
            meta = {
                "source": "geonames-dump",
                "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "inputs": json.dumps(inputs),
                **{f"count_{k}": str(v) for k, v in counts.items()},
                "count_skipped": str(policy.skipped),
            }
            con.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
            con.execute("PRAGMA analysis_limit = 1000")
            con.execute("ANALYZE")
        finally:
            con.close()
        _fsync(tmp)
        try:
            os.replace(tmp, out)
        except OSError as exc:
            raise OutputNotWritableError(f"cannot replace {out}: {exc.strerror or exc}") from exc
        _fsync(directory, directory=True)
    except BaseException:
        _remove_db(tmp)
        raise
    finally:
        _remove_db(stage)
        bar.close()
    log.info("imported %d places and %d names into %s (%d rows skipped)", places, names, out, policy.skipped)
    return ImportReport(out=out, places=places, names=names, skipped=policy.skipped,
                        warnings=tuple(policy.messages))  # fmt: skip
