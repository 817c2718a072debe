"""Files for GIS users: GeoJSON (RFC 7946), GeoPackage and CSV.

Every writer writes to a temporary file in the target's directory and moves it into place with
``os.replace``: the target is written whole or not at all.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from collections.abc import Callable
from typing import Any

from maps._features import FeatureSet, MentionRow, PlaceFeature
from maps._io import atomic_path

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
LAYER_OF_TYPE = {
    "Point": "points",
    "MultiPoint": "points",
    "LineString": "lines",
    "MultiLineString": "lines",
    "Polygon": "polygons",
    "MultiPolygon": "polygons",
}
GPKG_GEOMETRY_TYPE = {"points": "MultiPoint", "lines": "MultiLineString", "polygons": "MultiPolygon"}
JOIN = "; "


def _write_text(path: str | os.PathLike[str], write: Callable[[Any], None], *, newline: str | None) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline=newline) as fh:
        write(fh)
        fh.flush()
        os.fsync(fh.fileno())


# --- GeoJSON -------------------------------------------------------------------------------------


def geojson_dict(fs: FeatureSet) -> dict[str, Any]:
    """The RFC 7946 FeatureCollection of ``fs`` as plain data (no ``crs``: WGS84 is implied)."""
    return fs.__geo_interface__


def write_geojson(fs: FeatureSet, path: str | os.PathLike[str]) -> None:
    """Write ``fs`` as an RFC 7946 GeoJSON FeatureCollection, byte-identical for the same input.

    Raises
    ------
    ValueError
        If a value is NaN or infinite (``allow_nan=False``); the target is left untouched.
    """
    # Serialise first: a bad value fails before any file is touched.
    text = json.dumps(
        geojson_dict(fs), sort_keys=True, allow_nan=False, ensure_ascii=False, separators=(",", ":")
    )

    def write(fh: Any) -> None:
        fh.write(text)
        fh.write("\n")

    _write_text(path, write, newline="\n")


# --- CSV -----------------------------------------------------------------------------------------


def write_csv(fs: FeatureSet, path: str | os.PathLike[str]) -> None:
    """Write the mentions table (resolved and unresolved) as UTF-8 CSV."""

    def write(fh: Any) -> None:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(MentionRow.FIELDS)
        for row in fs.mentions:
            writer.writerow(["" if v is None else v for v in (getattr(row, f) for f in MentionRow.FIELDS)])

    _write_text(path, write, newline="")


# --- GeoPackage ----------------------------------------------------------------------------------


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return JOIN.join(str(v) for v in value)
    return value


def _place_record(feature: PlaceFeature) -> dict[str, Any]:
    record = {name: _flat(getattr(feature, name)) for name in PLACE_COLUMNS if name != "statement_ids"}
    record["statement_ids"] = JOIN.join(f"{s.doc}#{s.index}" for s in feature.statements)
    return record


def write_gpkg(fs: FeatureSet, path: str | os.PathLike[str]) -> None:
    """Write a GeoPackage: ``points``, ``lines``, ``polygons`` and the ``statements``/``mentions`` tables.

    Place layers carry flat attributes only (lists joined with ``"; "``); geometries are promoted to
    their multi type so that each layer has one geometry type.  The two tables have no geometry and
    join to the place layers by ``place_id`` (``statements.place_ids`` lists them).  Layers with no
    feature are still written, empty, so the schema does not depend on the data.
    """
    import geopandas as gpd
    import pandas as pd
    import pyogrio
    from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon
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

    statements = pd.DataFrame(
        [
            {
                "statement_id": s.id,
                "doc": s.doc,
                "index": s.index,
                "text": s.text,
                "date": s.date,
                "speaker": s.speaker,
                "categories": _flat(s.categories),
                "source": s.source,
                "url": s.url,
                "title": s.title,
                "place_ids": _flat(s.place_ids),
            }
            for s in fs.statements
        ],
        columns=list(STATEMENT_COLUMNS),
    )
    mentions = pd.DataFrame([m.as_dict() for m in fs.mentions], columns=list(MentionRow.FIELDS))

    with atomic_path(path) as tmp:
        tmp.unlink()  # GDAL creates the file itself
        for layer, (records, geoms) in groups.items():
            frame = gpd.GeoDataFrame(
                pd.DataFrame(records, columns=list(PLACE_COLUMNS)),
                geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"),
                crs="EPSG:4326",
            )
            pyogrio.write_dataframe(
                frame,
                tmp,
                layer=layer,
                driver="GPKG",
                geometry_type=GPKG_GEOMETRY_TYPE[layer],
                append=tmp.exists(),
            )
        for layer, frame in (("statements", statements), ("mentions", mentions)):
            pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG", append=True)
