"""Maps and files from parsed reports: a layered Leaflet map (folium), GeoJSON, GeoPackage and CSV.

``maps`` receives :class:`geo._types.ParseResult` values; it parses no text and does not import the
gazetteer.

Its names are imported on first use (PEP 562): ``geomap parse -o FILE`` needs only the atomic writer
(:mod:`maps._io`), and importing folium, pandas and geopandas for it would cost most of a second.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maps._export import write_csv, write_geojson, write_gpkg
    from maps._features import DocumentPart, FeatureBuilder, FeatureSet, build_features, document_part
    from maps._html import load_map_writer, render_map, tile_spec, write_map
    from maps._io import OutputError

#: Each public name and the module that defines it.
_HOME = {
    "write_csv": "_export",
    "write_geojson": "_export",
    "write_gpkg": "_export",
    "DocumentPart": "_features",
    "FeatureBuilder": "_features",
    "FeatureSet": "_features",
    "build_features": "_features",
    "document_part": "_features",
    "load_map_writer": "_html",
    "render_map": "_html",
    "tile_spec": "_html",
    "write_map": "_html",
    "OutputError": "_io",
}

__all__ = [
    "DocumentPart",
    "FeatureBuilder",
    "FeatureSet",
    "OutputError",
    "build_features",
    "document_part",
    "load_map_writer",
    "render_map",
    "tile_spec",
    "write_csv",
    "write_geojson",
    "write_gpkg",
    "write_map",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'maps' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"maps.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({n for n in globals() if n.startswith("__")} | set(__all__))
