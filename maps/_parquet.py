"""GeoParquet of the places and the mentions, partitioned, for dataframe tools at scale.

``write_parquet(fs, folder)`` writes ``folder/places/part-00000.parquet ...`` and
``folder/mentions/part-00000.parquet ...``: GeoParquet 1.0 (a WKB ``geometry`` column, the ``geo``
metadata, coordinates in OGC:CRS84, that is longitude, latitude on WGS84), at most
:data:`ROWS_PER_PART` rows a file.  geopandas (``read_parquet`` of a file), dask-geopandas
(``read_parquet`` of the folder), DuckDB and pyarrow read them.

The columns are those of the other files: a place's are the GeoJSON properties with the nested
``statements`` replaced by ``statement_ids``; a mention's are the fields of ``geomap parse``, with a
point geometry (null for a mention that did not resolve).  Coordinates are rounded to six decimals and
rings oriented as in the GeoJSON, so that every file of a run agrees.

A folder is replaced part by part: the new ``places`` and ``mentions`` are written beside the old
ones and renamed into place, so a reader never sees a half-written table.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from maps._features import COORD_DECIMALS, FeatureSet, MentionRow, _orient, statement_rows_of

__all__ = ["ROWS_PER_PART", "write_parquet"]

#: Rows in one file of a table: a partition for dask-geopandas.
ROWS_PER_PART = 100_000

_LIST = pa.list_(pa.string())

PLACES_SCHEMA = pa.schema(
    [
        ("place_id", pa.string()),
        ("name", pa.string()),
        ("kind", pa.string()),
        ("country_code", pa.string()),
        ("geonameid", pa.int64()),
        ("precision", pa.int64()),
        ("role", pa.string()),
        ("n_mentions", pa.int64()),
        ("n_statements", pa.int64()),
        ("first_date", pa.date32()),
        ("last_date", pa.date32()),
        ("categories", _LIST),
        ("statement_ids", _LIST),
        ("geometry", pa.binary()),
    ]
)

_MENTION_TYPES: dict[str, pa.DataType] = {
    "start": pa.int64(),
    "end": pa.int64(),
    "sentence": pa.int64(),
    "lat": pa.float64(),
    "lon": pa.float64(),
    "precision": pa.int64(),
    "score": pa.float64(),
    "geonameid": pa.int64(),
    "reasons": _LIST,
    "date": pa.date32(),
    "categories": _LIST,
}
MENTIONS_SCHEMA = pa.schema(
    [(name, _MENTION_TYPES.get(name, pa.string())) for name in MentionRow.FIELDS]
    + [("geometry", pa.binary())]
)


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _wkb(geom: BaseGeometry) -> bytes:
    rounded = shapely.transform(_orient(geom), lambda xy: np.round(xy, COORD_DECIMALS) + 0.0)
    return bytes(shapely.to_wkb(rounded, flavor="iso"))


def _parts(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    if not rows:
        yield rows  # an empty table is one empty file: the columns and their types are still there
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _geo_metadata(geometry_types: set[str], bbox: list[float] | None) -> bytes:
    column: dict[str, Any] = {"encoding": "WKB", "geometry_types": sorted(geometry_types)}
    if bbox is not None:
        column["bbox"] = bbox
    # No "crs": GeoParquet then means OGC:CRS84, longitude and latitude on WGS84.
    meta = {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": column}}
    return json.dumps(meta, sort_keys=True).encode()


def _table(columns: dict[str, list[Any]], schema: pa.Schema, geoms: list[BaseGeometry | None]) -> pa.Table:
    present = [g for g in geoms if g is not None]
    bbox = None
    if present:
        bounds = shapely.bounds(np.array(present, dtype=object))
        bbox = [
            float(bounds[:, 0].min()),
            float(bounds[:, 1].min()),
            float(bounds[:, 2].max()),
            float(bounds[:, 3].max()),
        ]
    columns["geometry"] = [None if g is None else _wkb(g) for g in geoms]
    table = pa.table(columns, schema=schema)
    kinds = {str(g.geom_type) for g in present}
    return table.replace_schema_metadata({b"geo": _geo_metadata(kinds, bbox)})


def _places_table(fs: FeatureSet) -> pa.Table:
    features = fs.features
    columns: dict[str, list[Any]] = {
        name: [getattr(f, name) for f in features]
        for name in PLACES_SCHEMA.names
        if name not in ("first_date", "last_date", "categories", "statement_ids", "geometry")
    }
    columns["first_date"] = [_date(f.first_date) for f in features]
    columns["last_date"] = [_date(f.last_date) for f in features]
    columns["categories"] = [list(f.categories) for f in features]
    columns["statement_ids"] = [
        [f"{s.doc}#{s.index}" for s in statement_rows_of(f.statements)] for f in features
    ]
    return _table(columns, PLACES_SCHEMA, [f.geometry for f in features])


def _mentions_table(rows: Sequence[MentionRow]) -> pa.Table:
    columns: dict[str, list[Any]] = {}
    for name in MentionRow.FIELDS:
        values = [getattr(row, name) for row in rows]
        if name == "date":
            values = [_date(v) for v in values]
        elif name in ("reasons", "categories"):
            values = [list(v) for v in values]
        columns[name] = values
    geoms: list[BaseGeometry | None] = [
        None if row.lon is None or row.lat is None else Point(row.lon, row.lat) for row in rows
    ]
    return _table(columns, MENTIONS_SCHEMA, geoms)


def _write_table(folder: Path, name: str, tables: Iterator[pa.Table]) -> None:
    target = folder / name
    target.mkdir()
    for i, table in enumerate(tables):
        pq.write_table(table, target / f"part-{i:05d}.parquet", compression="zstd")


def write_parquet(
    fs: FeatureSet, folder: str | os.PathLike[str], *, rows_per_part: int = ROWS_PER_PART
) -> None:
    """Write the places and the mentions of ``fs`` as partitioned GeoParquet under ``folder``.

    Raises
    ------
    OSError
        If the folder cannot be created or written; what was there before is left as it was.
    """
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".geomap-", dir=root))
    try:
        features = fs.features
        _write_table(
            work,
            "places",
            (
                _places_table(FeatureSet(features=tuple(part), statements=(), mentions=()))
                for part in _parts(features, rows_per_part)
            ),
        )
        _write_table(work, "mentions", (_mentions_table(part) for part in _parts(fs.mentions, rows_per_part)))
        for name in ("places", "mentions"):
            old = root / name
            if old.exists():
                old.rename(work / f"old-{name}")
            (work / name).rename(old)
    finally:
        shutil.rmtree(work, ignore_errors=True)
