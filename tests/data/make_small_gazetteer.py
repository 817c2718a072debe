"""Write ``small_gazetteer.jsonl`` from the embedded gazetteer: a few dozen real GeoNames and Natural
Earth rows (a place a line, then the land borders), enough for the contract tests and for geo's stages
to run on a gazetteer that is not the SQLite store.  Polygons and lines are simplified.

    PYTHONPATH=. python tests/data/make_small_gazetteer.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import shapely

import gazetteer

#: The places kept, by the embedded gazetteer's id.
PLACE_IDS = [
    163843, 298795, 2017370, 5168839, 690791, 6252001, 614540, 4197000, 248816, 5032106, 3017382,
    6255148, -1000001, -1000029, 173578, 173576, 170062, 170063, 169387, 169389, 170654, 4352728,
    164816, 524894, 524901, 5601538, 703447, 703448, 706442, 706448, 2988507, 4717560, 4736286,
    6254928, -51137, 170015, 170017,
]  # fmt: skip
#: The names kept besides each place's own (others, in other languages, are left out).
NAMES = {
    "Syria", "Syrian", "Syrian Arab Republic", "Turkey", "Turkish", "Russia", "Russian", "Ukraine",
    "Ukrainian", "United States", "USA", "American", "Georgia", "Georgian", "Jordan", "Jordanian",
    "France", "French", "Europe", "European", "Middle East", "EU", "European Union", "Latakia",
    "Latakia Governorate", "Aleppo", "Aleppo Governorate", "Idlib", "Idlib Governorate", "Damascus",
    "Saraqib", "Moscow", "Kyiv", "Kiev", "Kherson", "Paris", "Texas", "Tex.", "Virginia", "Va.",
    "Orange County", "Hama", "Hama Governorate", "Homs",
}  # fmt: skip
BORDERS = [("SY", "TR"), ("RU", "UA"), ("GE", "TR"), ("GE", "RU"), ("JO", "SY")]


def _simplified(geom: shapely.Geometry) -> str:
    """The geometry simplified, without the polygons under a hundredth of the largest (islands)."""
    tolerance = max(0.02, math.sqrt(shapely.area(shapely.envelope(geom))) / 40)
    parts = list(getattr(geom, "geoms", [geom]))
    if geom.geom_type == "MultiPolygon":
        largest = max(p.area for p in parts)
        geom = shapely.MultiPolygon([p for p in parts if p.area >= largest / 100])
    return shapely.to_wkt(shapely.simplify(geom, tolerance), rounding_precision=3)


def main() -> None:
    out = Path(__file__).with_name("small_gazetteer.jsonl")
    with gazetteer.open_gazetteer() as gaz, out.open("w", encoding="utf-8") as f:
        for pid in PLACE_IDS:
            c = gaz.get(pid)
            assert c is not None, pid
            names = [(n, t) for n, t in gaz.names_of(pid) if n == c.name or n in NAMES]
            geom = gaz.geometry(pid)
            row = {
                "id": c.id,
                "name": c.name,
                "kind": c.kind,
                "country_code": c.country_code,
                "admin1_code": c.admin1_code,
                "population": c.population,
                "lat": c.lat,
                "lon": c.lon,
                "feature_code": c.feature_code,
                "iso_code": c.iso_code,
                "names": sorted(set(names)),
                "wkt": None if geom is None else _simplified(geom),
            }
            if c.kind == "country" and c.country_code:
                row["languages"] = list(gaz.languages(c.country_code))
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        for a, b in BORDERS:
            line = gaz.border(a, b)
            assert line is not None, (a, b)
            f.write(json.dumps({"border": [a, b], "wkt": _simplified(line)}) + "\n")


if __name__ == "__main__":
    main()
