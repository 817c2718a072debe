"""Maps and files from parsed reports: a layered Leaflet map (folium), GeoJSON, GeoPackage and CSV.

``maps`` receives :class:`geo._types.ParseResult` values; it parses no text and does not import the
gazetteer.
"""

from maps._export import write_csv, write_geojson, write_gpkg
from maps._features import DocumentPart, FeatureBuilder, FeatureSet, build_features, document_part
from maps._html import render_map, tile_spec, write_map
from maps._io import OutputError

__all__ = [
    "DocumentPart",
    "FeatureBuilder",
    "FeatureSet",
    "OutputError",
    "build_features",
    "document_part",
    "render_map",
    "tile_spec",
    "write_csv",
    "write_geojson",
    "write_gpkg",
    "write_map",
]
