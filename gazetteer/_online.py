"""Online geocoding, only when asked for: OpenStreetMap's Nominatim for names the gazetteer lacks.

geopy's :class:`~geopy.geocoders.Nominatim` is wrapped in its
:class:`~geopy.extra.rate_limiter.RateLimiter` (one request a second by default, as the public
service's usage policy asks), and every answer, "no answer" included, is kept in the gazetteer's
``geocoder_cache`` table so the same query never goes out twice.  Nothing here touches the network,
or imports geopy's geocoders, until :meth:`OnlineGeocoder.geocode` is called.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from ._types import GazetteerError

__all__ = ["OnlineAnswer", "OnlineGeocoder", "OnlineGeocoderError"]

log = logging.getLogger(__name__)

#: The public Nominatim service.
NOMINATIM_DOMAIN = "nominatim.openstreetmap.org"

# The fields of Nominatim's answer that are cached (and kept as ``OnlineAnswer.raw``).
_KEPT = ("lat", "lon", "display_name", "osm_type", "osm_id", "class", "type", "importance", "country_code")


class OnlineGeocoderError(GazetteerError, ConnectionError):
    """The online geocoder could not be asked, or failed to answer (raised from geopy's error)."""


@dataclass(frozen=True, slots=True)
class OnlineAnswer:
    """Nominatim's answer for one name: where, what it calls the place, and the cached answer as ``raw``.

    ``country_code`` is ISO 3166-1 alpha-2 in upper case, as the gazetteer writes it.
    """

    lat: float
    lon: float
    name: str
    country_code: str | None
    raw: dict[str, Any] = field(compare=False, hash=False)


def _user_agent() -> str:
    try:
        version = metadata.version("geomap")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source checkout not installed
        version = "0"
    return f"geomap/{version}"


class OnlineGeocoder:
    """Asks Nominatim for names, through a rate limiter and a cache in the gazetteer file.

    Parameters
    ----------
    cache_path
        The gazetteer file whose ``geocoder_cache`` table keeps the answers.  It is opened read-write,
        on the first query; if it cannot be written, answers are cached for this instance only.
    domain, scheme
        Where Nominatim is (``host`` or ``host:port``): the public service by default, a self-hosted
        one otherwise.
    min_delay_seconds
        The least time between two requests.
    timeout
        Seconds to wait for one answer.
    user_agent
        The HTTP user agent (Nominatim's policy asks for one that names the application):
        ``geomap/<version>`` by default.
    """

    def __init__(
        self,
        cache_path: Path,
        *,
        domain: str = NOMINATIM_DOMAIN,
        scheme: str = "https",
        min_delay_seconds: float = 1.0,
        timeout: float = 10,
        user_agent: str | None = None,
    ) -> None:
        self.cache_path = Path(cache_path)
        self.domain = domain
        self.scheme = scheme
        self.min_delay_seconds = min_delay_seconds
        self.timeout = timeout
        self.user_agent = user_agent
        self._con: sqlite3.Connection | None = None
        self._memory: dict[str, str] = {}
        self._cache_ok = True
        self._geocode: Any = None

    @property
    def provider(self) -> str:
        """The cache's ``provider``: ``nominatim``, or ``nominatim:<scheme>://<domain>`` when self-hosted."""
        if self.domain == NOMINATIM_DOMAIN and self.scheme == "https":
            return "nominatim"
        return f"nominatim:{self.scheme}://{self.domain}"

    def close(self) -> None:
        """Close the cache's connection (the instance can still be used: it reopens)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> OnlineGeocoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, name: str) -> OnlineAnswer | None:
        """Same as :meth:`geocode` (so the instance is the ``online`` callable of ``geo.Geoparser``)."""
        return self.geocode(name)

    def geocode(self, name: str, *, country_codes: Sequence[str] = ()) -> OnlineAnswer | None:
        """Nominatim's best answer for ``name`` (``None`` if it has none), from the cache when asked before.

        Raises
        ------
        OnlineGeocoderError
            If the service fails, times out or cannot be reached (nothing is cached then).
        """
        query = " ".join(name.split())
        codes = sorted({c.strip().lower() for c in country_codes if c.strip()})
        if not query:
            return None
        key = f"{query}&countrycodes={','.join(codes)}" if codes else query
        cached = self._cached(key)
        if cached is not None:
            return _answer(json.loads(cached))
        kept = self._ask(query, codes)
        self._store(key, json.dumps(kept, ensure_ascii=False, allow_nan=False))
        return _answer(kept)

    # -- the service --
    def _ask(self, query: str, codes: list[str]) -> dict[str, Any] | None:
        from geopy.exc import GeopyError

        try:
            geocode = self._geocoder()
            location = geocode(
                query,
                exactly_one=True,
                addressdetails=True,
                language="en",
                country_codes=codes or None,
                timeout=self.timeout,
            )
        except GeopyError as exc:
            raise OnlineGeocoderError(
                f"Nominatim ({self.scheme}://{self.domain}) failed for {query!r}: {exc}"
            ) from exc
        if location is None:
            log.info("Nominatim has no answer for %r", query)
            return None
        raw = location.raw
        kept = {k: raw[k] for k in _KEPT if k in raw}
        kept["lat"], kept["lon"] = float(raw["lat"]), float(raw["lon"])
        address = raw.get("address") or {}
        if "country_code" in address:
            kept["country_code"] = address["country_code"]
        return kept

    def _geocoder(self) -> Any:
        if self._geocode is None:
            from geopy.extra.rate_limiter import RateLimiter
            from geopy.geocoders import Nominatim

            nominatim = Nominatim(
                user_agent=self.user_agent or _user_agent(),
                domain=self.domain,
                scheme=self.scheme,
                timeout=self.timeout,
            )
            # No retries and no swallowing: a failure is the caller's to report, never a cached "no answer".
            self._geocode = RateLimiter(
                nominatim.geocode,
                min_delay_seconds=self.min_delay_seconds,
                max_retries=0,
                error_wait_seconds=self.min_delay_seconds,
                swallow_exceptions=False,
            )
        return self._geocode

    # -- the cache --
    def _connection(self) -> sqlite3.Connection | None:
        if self._con is None and self._cache_ok:
            try:
                uri = f"{self.cache_path.resolve().as_uri()}?mode=rw"
                self._con = sqlite3.connect(uri, uri=True, timeout=10)
                self._con.execute("SELECT 1 FROM geocoder_cache LIMIT 1").fetchall()
            except sqlite3.Error as exc:
                self._cache_failed(exc)
        return self._con

    def _cache_failed(self, exc: sqlite3.Error) -> None:
        log.warning(
            "%s: cannot use the geocoder cache (%s); answers are kept for this run only", self.cache_path, exc
        )
        self._cache_ok = False
        self.close()

    def _cached(self, key: str) -> str | None:
        if key in self._memory:
            return self._memory[key]
        con = self._connection()
        if con is None:
            return None
        try:
            row = con.execute(
                "SELECT answer FROM geocoder_cache WHERE provider = ? AND query = ?", (self.provider, key)
            ).fetchone()
        except sqlite3.Error as exc:
            self._cache_failed(exc)
            return None
        return None if row is None else str(row[0])

    def _store(self, key: str, answer: str) -> None:
        self._memory[key] = answer
        con = self._connection()
        if con is None:
            return
        try:
            with con:
                con.execute(
                    "INSERT OR REPLACE INTO geocoder_cache (provider, query, answer) VALUES (?, ?, ?)",
                    (self.provider, key, answer),
                )
        except sqlite3.Error as exc:
            self._cache_failed(exc)


def _answer(kept: dict[str, Any] | None) -> OnlineAnswer | None:
    if kept is None:
        return None
    cc = kept.get("country_code")
    return OnlineAnswer(
        lat=float(kept["lat"]),
        lon=float(kept["lon"]),
        name=str(kept.get("display_name") or ""),
        country_code=str(cc).upper() if cc else None,
        raw=kept,
    )
