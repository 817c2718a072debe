"""Maps and files from parsed reports: a layered Leaflet map (folium), GeoJSON, GeoPackage and CSV.

``maps`` receives :class:`geo._types.ParseResult` values; it parses no text and does not import the
gazetteer.
"""

from maps._export import write_csv, write_geojson, write_gpkg
from maps._features import FeatureSet, build_features
from maps._html import render_map, write_map
from maps._io import OutputError

__all__ = [
    "FeatureSet",
    "OutputError",
    "build_features",
    "render_map",
    "write_csv",
    "write_geojson",
    "write_gpkg",
    "write_map",
]
