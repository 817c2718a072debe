"""Reading the gazetteer: open a file, look names up, fetch places, geometries and borders."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from ._build import build, source_fingerprint
from ._names import normalize
from ._schema import is_gazetteer
from ._types import KINDS, Candidate, GazetteerNotBuiltError, InvalidGazetteerError

__all__ = ["Gazetteer", "default_path", "open_gazetteer"]

log = logging.getLogger(__name__)

_FILE_NAME = "gazetteer-v1.sqlite"
_COLUMNS = (
    "p.id, p.name, p.kind, p.country_code, p.admin1_code, p.population, p.lat, p.lon,"
    " p.feature_code, p.iso_code"
)
# Kinds rank coarse before fine when the population ties (a country over a village of the same name).
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def default_path() -> Path:
    """Where the embedded gazetteer lives: ``$GEOMAP_GAZETTEER``, else the user's cache directory."""
    if env := os.environ.get("GEOMAP_GAZETTEER"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "geomap" / _FILE_NAME


def _connect_readonly(path: Path) -> sqlite3.Connection:
    # as_uri() percent-encodes the path: a raw "#", "?" or "%" in it would otherwise end the file name
    # early, drop "mode=ro" and make SQLite create a stray empty database.
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    try:
        ok = is_gazetteer(con)
    except sqlite3.DatabaseError as exc:  # pragma: no cover - is_gazetteer already catches
        con.close()
        raise InvalidGazetteerError(f"{path}: not a geomap gazetteer ({exc})") from exc
    if not ok:
        con.close()
        raise InvalidGazetteerError(
            f"{path}: not a geomap gazetteer (corrupt, foreign, or of another schema version);"
            " rebuild it with `geomap gazetteer build`"
        )
    return con


def open_gazetteer(
    path: str | os.PathLike[str] | None = None, *, build_missing: bool = True, progress: bool = False
) -> Gazetteer:
    """Open a gazetteer file.

    With no ``path`` the embedded gazetteer is opened, built first (from the installed packages) if it
    is missing, invalid or out of date with its sources.  A ``path`` given explicitly is opened as it is:
    a missing file raises :class:`GazetteerNotBuiltError`, a foreign or corrupt one
    :class:`InvalidGazetteerError`.
    """
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise GazetteerNotBuiltError(f"{p}: no gazetteer file there")
        return Gazetteer(_connect_readonly(p), p)
    p = default_path()
    if not p.is_file():
        if not build_missing:
            raise GazetteerNotBuiltError(f"{p}: the gazetteer is not built; run `geomap gazetteer build`")
        log.info("building the gazetteer into %s", p)
        build(p, progress=progress)
        return Gazetteer(_connect_readonly(p), p)
    try:
        gaz = Gazetteer(_connect_readonly(p), p)
    except InvalidGazetteerError:
        if not build_missing:
            raise
        log.warning("%s is not a valid gazetteer; rebuilding it", p)
        build(p, progress=progress)
        return Gazetteer(_connect_readonly(p), p)
    if (
        build_missing
        and gaz.meta.get("source") == "packages"
        and gaz.meta.get("fingerprint") != (source_fingerprint())
    ):
        log.info("the gazetteer's sources changed; rebuilding %s", p)
        gaz.close()
        build(p, progress=progress)
        gaz = Gazetteer(_connect_readonly(p), p)
    return gaz


_ADMIN_SUFFIX = re.compile(
    r"^(?P<name>.+?)\s+(?:province|governorate|region|oblast|state|prefecture|department|wilaya|muhafazah)$",
    re.I,
)
_BORDER_PATTERNS = (
    re.compile(r"^(?:the\s+)?border\s+(?:between|of)\s+(?P<a>.+?)\s+and\s+(?P<b>.+)$", re.I),
    re.compile(r"^(?:the\s+)?(?P<a>[^-–—/]+?)\s*[-–—/]\s*(?P<b>[^-–—/]+?)\s+(?:border|frontier)$", re.I),
)


class Gazetteer:
    """A gazetteer opened from a SQLite file.  Use :func:`open_gazetteer` to get one."""

    def __init__(self, con: sqlite3.Connection, path: Path) -> None:
        self._con = con
        self.path = path
        self._meta: dict[str, str] | None = None
        self._name_cache: dict[str, tuple[frozenset[str], int]] = {}

    # -- life cycle --
    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
    ) -> list[Candidate]:
        """Candidates whose names fold to the same key as ``name``, most likely first.

        Candidates are ordered by exactness of the name (the same spelling first), then kind (a country
        before a province before a town of the same name), then population.  A name that no place bears
        but that ends in a unit's type ("Aleppo province", "Donetsk oblast", "Hama governorate") finds
        the first-level (or second-level) unit named by the rest.
        """
        norm = normalize(name)
        if not norm:
            return []
        sql = (
            f"SELECT {_COLUMNS}, n.name, n.name_type FROM names n JOIN places p ON p.id = n.place_id"
            " WHERE n.norm = ?"
        )
        args: list[Any] = [norm]
        if country:
            sql += " AND p.country_code = ?"
            args.append(country.upper())
        if kinds is not None:
            kinds = list(kinds)
            sql += f" AND p.kind IN ({','.join('?' * len(kinds))})"
            args.extend(kinds)
        if name_types is not None:
            name_types = list(name_types)
            sql += f" AND n.name_type IN ({','.join('?' * len(name_types))})"
            args.extend(name_types)
        best: dict[int, Candidate] = {}
        for row in self._con.execute(sql, args):
            cand = _candidate(row)
            prev = best.get(cand.id)
            if prev is None or _match_rank(cand, name) < _match_rank(prev, name):
                best[cand.id] = cand
        if not best and (m := _ADMIN_SUFFIX.match(name.strip())):
            # "Aleppo province", "Donetsk oblast": the unit named by the rest, when no place bears the
            # whole name ("Orange County" does, and is found above)
            units = ("admin1", "admin2")
            wanted = list(units) if kinds is None else [k for k in kinds if k in units]
            return self.lookup(m["name"], country=country, kinds=wanted, name_types=name_types, limit=limit)
        ranked = sorted(
            best.values(),
            key=lambda c: (_match_rank(c, name), _KIND_ORDER.get(c.kind, 9), -c.population, c.id),
        )
        return ranked[:limit]

    def get(self, place_id: int) -> Candidate | None:
        row = self._con.execute(
            f"SELECT {_COLUMNS}, p.name, 'name' FROM places p WHERE p.id = ?", (place_id,)
        ).fetchone()
        return None if row is None else _candidate(row)

    def country(self, code: str) -> Candidate | None:
        """The country with ISO 3166-1 alpha-2 ``code``."""
        row = self._con.execute(
            f"SELECT {_COLUMNS}, p.name, 'name' FROM places p"
            " WHERE p.kind = 'country' AND p.country_code = ?",
            (code.upper(),),
        ).fetchone()
        return None if row is None else _candidate(row)

    def admin1(self, country: str, code: str) -> Candidate | None:
        """The admin-1 unit of ``country`` with GeoNames admin-1 ``code``."""
        row = self._con.execute(
            f"SELECT {_COLUMNS}, p.name, 'name' FROM places p"
            " WHERE p.kind = 'admin1' AND p.country_code = ? AND p.admin1_code = ?",
            (country.upper(), code),
        ).fetchone()
        return None if row is None else _candidate(row)

    def names_of(self, place_id: int) -> list[tuple[str, str]]:
        """All (name, name_type) pairs of a place."""
        return self._con.execute(
            "SELECT name, name_type FROM names WHERE place_id = ? ORDER BY name_type, name", (place_id,)
        ).fetchall()

    def name_kinds(self, name: str) -> frozenset[str]:
        """Kinds of the places that bear this name ("country", "admin1", "city", ...), with "demonym"
        when it is a country's demonym; empty when no place has it.  Codes and abbreviations
        ("iso", "abbr" names) are left out: they are not how a report names a place."""
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
        if norm:
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
        norm = normalize(name)
        return (
            bool(norm)
            and self._con.execute(
                "SELECT 1 FROM names WHERE norm = ? AND name = ? LIMIT 1", (norm, name)
            ).fetchone()
            is not None
        )

    def has_name(self, name: str) -> bool:
        """True if any place has a name that folds like ``name`` (a cheap test for recognition)."""
        norm = normalize(name)
        return (
            bool(norm)
            and self._con.execute("SELECT 1 FROM names WHERE norm = ? LIMIT 1", (norm,)).fetchone()
            is not None
        )

    # -- geometries --
    def geometry(self, place_id: int) -> BaseGeometry | None:
        """The polygon of a country or admin-1 unit, or ``None`` (a populated place is a point)."""
        row = self._con.execute("SELECT wkb FROM geometries WHERE place_id = ?", (place_id,)).fetchone()
        return None if row is None else shapely.from_wkb(row[0])

    def border(self, a: str, b: str) -> BaseGeometry | None:
        """The land border of two countries (ISO alpha-2 codes, either order) as a line, or ``None``."""
        a, b = sorted((a.upper(), b.upper()))
        row = self._con.execute("SELECT wkb FROM borders WHERE a = ? AND b = ?", (a, b)).fetchone()
        return None if row is None else shapely.from_wkb(row[0])

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


def _candidate(row: Sequence[Any]) -> Candidate:
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
    )


def _match_rank(cand: Candidate, query: str) -> int:
    """0: same spelling, 1: same but for case/diacritics, 2: only the folded key matches."""
    if cand.matched == query:
        return 0
    if cand.matched.casefold() == query.casefold():
        return 1
    return 2
