"""Files for GIS users: GeoJSON (RFC 7946), GeoPackage and CSV.

Every writer goes through :mod:`maps._io`: a regular target is written to a temporary file beside it
and renamed into place (whole or not at all), a device or FIFO is written straight through.

Types are the same in every file and every run: ``geonameid`` and the counts are integers (an
``INTEGER`` column in the GeoPackage even when every value is null or the layer is empty, ``2210247``
in the CSV), dates are ``DATE`` columns in the GeoPackage and ``YYYY-MM-DD`` in the CSV and GeoJSON,
``lat``/``lon`` have six decimals at most.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from maps._features import (
    FeatureSet,
    MentionRow,
    PlaceFeature,
    StatementRow,
    geometry_to_geojson,
    statement_rows_of,
)
from maps._io import OutputError, atomic_open, atomic_path

__all__ = ["write_csv", "write_geojson", "write_gpkg"]

log = logging.getLogger(__name__)

#: Attribute columns of the GeoPackage place layers: the GeoJSON properties, with the nested
#: ``statements`` replaced by a flat ``statement_ids`` column (lists joined with "; ").
PLACE_COLUMNS = (*(n for n in PlaceFeature.PROPERTY_NAMES if n != "statements"), "statement_ids")
STATEMENT_COLUMNS = (
    "statement_id",
    "doc",
    "index",
    "text",
    "date",
    "speaker",
    "categories",
    "source",
    "url",
    "title",
    "place_ids",
)
#: Columns of the CSV and of the GeoPackage ``mentions`` layer: the fields of ``geomap parse``.
MENTION_COLUMNS = MentionRow.FIELDS
LAYER_OF_TYPE = {
    "Point": "points",
    "MultiPoint": "points",
    "LineString": "lines",
    "MultiLineString": "lines",
    "Polygon": "polygons",
    "MultiPolygon": "polygons",
}
GPKG_GEOMETRY_TYPE = {"points": "MultiPoint", "lines": "MultiLineString", "polygons": "MultiPolygon"}
#: GeoPackage column types other than text, by column name (the same in every layer).
COLUMN_TYPES = {
    "geonameid": "int",
    "precision": "int",
    "n_mentions": "int",
    "n_statements": "int",
    "index": "int",
    "start": "int",
    "end": "int",
    "sentence": "int",
    "lat": "float",
    "lon": "float",
    "score": "float",
    "date": "date",
    "first_date": "date",
    "last_date": "date",
}
JOIN = "; "
#: Rows written to a GeoPackage layer at a time: a batch is made columns, never the whole table.
GPKG_BATCH = 10_000


# --- GeoJSON -------------------------------------------------------------------------------------


def geojson_dict(fs: FeatureSet) -> dict[str, Any]:
    """The RFC 7946 FeatureCollection of ``fs`` as plain data (no ``crs``: WGS84 is implied)."""
    return fs.__geo_interface__


def _json(value: Any) -> str:
    """``value`` as the GeoJSON file writes it: sorted keys, no NaN, UTF-8 as is, no spaces."""
    return json.dumps(value, sort_keys=True, allow_nan=False, ensure_ascii=False, separators=(",", ":"))


def _check_finite(fs: FeatureSet) -> None:
    """Fail on a NaN or infinite coordinate before a file is touched (the writer streams)."""
    for feature in fs.features:
        if not np.isfinite(shapely.get_coordinates(feature.geometry)).all():
            raise ValueError(
                f"non-finite coordinate in the geometry of {feature.place_id}: {feature.geometry.wkt[:80]!r}"
            )


def _feature_json(feature: PlaceFeature) -> Iterator[str]:
    """The pieces of one feature's JSON, a statement at a time: the text of ``json.dumps`` of its
    ``__geo_interface__`` with :func:`_json`'s options, never held whole."""
    yield '{"geometry":' + _json(geometry_to_geojson(feature.geometry))
    yield ',"id":' + _json(feature.place_id) + ',"properties":{'
    props = feature.properties(statements=False)
    for i, key in enumerate(sorted([*props, "statements"])):
        yield ("," if i else "") + _json(key) + ":"
        if key != "statements":
            yield _json(props[key])
            continue
        yield "["
        for j, statement in enumerate(feature.statements):
            yield ("," if j else "") + _json(statement.as_dict())
        yield "]"
    yield '},"type":"Feature"}'


def write_geojson(fs: FeatureSet, path: str | os.PathLike[str]) -> None:
    """Write ``fs`` as an RFC 7946 GeoJSON FeatureCollection, byte-identical for the same input.

    Written as a stream, feature by feature and statement by statement: the bytes of ``json.dumps``
    of :func:`geojson_dict` with sorted keys, without ever holding the whole document.

    Raises
    ------
    ValueError
        If a value is NaN or infinite (``allow_nan=False``); the target is left untouched.
    """
    _check_finite(fs)
    with atomic_open(path) as fh:
        fh.write('{"features":[')
        for i, feature in enumerate(fs.features):
            if i:
                fh.write(",")
            fh.writelines(_feature_json(feature))
        fh.write('],"type":"FeatureCollection"}\n')


# --- CSV -----------------------------------------------------------------------------------------


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return JOIN.join(str(v) for v in value)
    return value


def _cell(name: str, value: Any) -> Any:
    """A CSV cell: empty for null, integers without a decimal point, lists joined with ``"; "``."""
    if value is None:
        return ""
    if COLUMN_TYPES.get(name) == "int":
        return int(value)
    return _flat(value)


def write_csv(fs: FeatureSet, path: str | os.PathLike[str]) -> None:
    """Write the mentions table as UTF-8 CSV: the rows and columns of the GeoPackage ``mentions`` layer.

    One row per mention, resolved or not, with the fields of ``geomap parse`` (lists joined with
    ``"; "``, an empty cell for null).
    """
    with atomic_open(path, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(MENTION_COLUMNS)
        for row in fs.mentions:
            writer.writerow([_cell(name, getattr(row, name)) for name in MENTION_COLUMNS])


# --- GeoPackage ----------------------------------------------------------------------------------


def _column(name: str, values: Sequence[Any]) -> tuple[np.ndarray, np.ndarray | None]:
    """A column as pyogrio writes it: an array of the column's type and a mask of its nulls."""
    kind = COLUMN_TYPES.get(name, "str")
    nulls = np.array([v is None for v in values], dtype=bool)
    if kind == "int":
        return np.array([0 if v is None else int(v) for v in values], dtype=np.int64), nulls
    if kind == "float":
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64), nulls
    if kind == "date":
        days = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
        return np.array(["NaT" if v is None else v.isoformat() for v in days], dtype="datetime64[D]"), None
    return np.array([None if v is None else str(_flat(v)) for v in values], dtype=object), None


def _batches(rows: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """``rows`` in slices of :data:`GPKG_BATCH`; one empty slice for no rows (the layer is still written)."""
    size = GPKG_BATCH
    if not rows:
        yield rows
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _write_layer(
    tmp: Path,
    layer: str,
    columns: Sequence[str],
    batches: Iterable[tuple[Sequence[Mapping[str, Any]], Sequence[Any] | None]],
    *,
    geometry_type: str | None = None,
) -> None:
    """Write a layer batch by batch: ``(records, geometries or None)``, appended in order."""
    from pyogrio.raw import write

    for records, geometries in batches:
        data, masks = [], []
        for name in columns:
            array, mask = _column(name, [r[name] for r in records])
            data.append(array)
            masks.append(mask)
        geometry = None
        if geometries is not None:
            geometry = shapely.to_wkb(np.array(list(geometries), dtype=object), output_dimension=2)
        write(
            str(tmp),
            geometry=geometry,
            field_data=data,
            fields=list(columns),
            field_mask=masks,
            layer=layer,
            driver="GPKG",
            geometry_type=geometry_type,
            crs="EPSG:4326" if geometry_type else None,
            append=tmp.exists(),
        )


def _gdal_failure(exc: Exception, path: str | os.PathLike[str], tmp: Path, layer: str) -> OutputError:
    """The reason GDAL did not say: a full disk or the file size limit (GDAL only reports that its
    transaction failed)."""
    code, cause = errno.EIO, ""
    with contextlib.suppress(OSError):
        vfs = os.statvfs(tmp.parent)
        if vfs.f_bavail * vfs.f_frsize < 1 << 20:
            code, cause = errno.ENOSPC, os.strerror(errno.ENOSPC)
    if code == errno.EIO:
        try:
            import resource

            limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
            if limit != resource.RLIM_INFINITY:
                code, cause = errno.EFBIG, f"{os.strerror(errno.EFBIG)} (file size limit: {limit} bytes)"
        except ImportError:  # not a Unix system
            pass
    reason = f"GeoPackage layer {layer!r} not written: {exc}" + (f"; {cause}" if cause else "")
    return OutputError(code, reason, str(path))


def _statement_record(s: StatementRow) -> dict[str, Any]:
    record = {name: getattr(s, name) for name in STATEMENT_COLUMNS if name != "statement_id"}
    record["statement_id"] = s.id
    return record


def _place_record(feature: PlaceFeature) -> dict[str, Any]:
    record = {name: getattr(feature, name) for name in PLACE_COLUMNS if name != "statement_ids"}
    record["statement_ids"] = JOIN.join(f"{s.doc}#{s.index}" for s in statement_rows_of(feature.statements))
    return record


def write_gpkg(fs: FeatureSet, path: str | os.PathLike[str]) -> None:
    """Write a GeoPackage: ``points``, ``lines``, ``polygons``, ``mentions`` and ``statements``.

    Place layers carry flat attributes only (lists joined with ``"; "``); geometries are promoted to
    their multi type so that each layer has one geometry type.  ``mentions`` is a Point layer (the
    place's point; no geometry for an unresolved mention) with the rows and columns of the CSV;
    ``statements`` has no geometry.  Both join to the place layers by ``place_id``
    (``statements.place_ids`` lists them).  Layers with no feature are still written, empty, with
    the same column types, so the schema does not depend on the data.

    Raises
    ------
    OutputError
        If GDAL cannot write the file (a full disk, the file size limit); the message names the path
        and the reason, and the target is left untouched.
    """
    from pyogrio import errors as ogr_errors
    from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon, Point
    from shapely.geometry.polygon import orient

    promote = {
        "Point": lambda g: MultiPoint([g]),
        "LineString": lambda g: MultiLineString([g]),
        "Polygon": lambda g: MultiPolygon([orient(g, 1.0)]),
        "MultiPolygon": lambda g: MultiPolygon([orient(p, 1.0) for p in g.geoms]),
    }
    groups: dict[str, tuple[list[dict[str, Any]], list[Any]]] = {
        name: ([], []) for name in GPKG_GEOMETRY_TYPE
    }
    for feature in fs.features:
        layer = LAYER_OF_TYPE.get(feature.geometry_type)
        if layer is None:
            log.warning(
                "place %s has a %s geometry; not written to the GeoPackage",
                feature.place_id,
                feature.geometry_type,
            )
            continue
        records, geoms = groups[layer]
        records.append(_place_record(feature))
        geom = feature.geometry
        geoms.append(promote.get(geom.geom_type, lambda g: g)(geom))

    def statement_batches() -> Iterator[tuple[list[dict[str, Any]], None]]:
        for batch in _batches(fs.statements):
            yield [_statement_record(s) for s in batch], None

    def mention_batches() -> Iterator[tuple[list[dict[str, Any]], list[Any]]]:
        for batch in _batches(fs.mentions):
            records = [{name: getattr(m, name) for name in MENTION_COLUMNS} for m in batch]
            # (lon, lat): shapely order; the row's lat/lon are already rounded as in the CSV.
            points = [None if m.lat is None or m.lon is None else Point(m.lon, m.lat) for m in batch]
            yield records, points

    with atomic_path(path, suffix=".gpkg", needs_file=True) as tmp:
        tmp.unlink()  # GDAL creates the file itself
        layer = ""
        try:
            for layer, (records, geoms) in groups.items():
                _write_layer(
                    tmp, layer, PLACE_COLUMNS, [(records, geoms)], geometry_type=GPKG_GEOMETRY_TYPE[layer]
                )
            layer = "mentions"
            _write_layer(tmp, layer, MENTION_COLUMNS, mention_batches(), geometry_type="Point")
            layer = "statements"
            _write_layer(tmp, layer, STATEMENT_COLUMNS, statement_batches())
        except (ogr_errors.DataSourceError, ogr_errors.DataLayerError) as exc:
            raise _gdal_failure(exc, path, tmp, layer) from exc
