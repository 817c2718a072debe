"""Tests of named regions that are no administrative unit (issue 10, failure class 3): ``regions.tsv``,
its loading into the gazetteer as areas, and their resolution in sentences written for them."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

import gazetteer._build as build
import geo
from gazetteer import Gazetteer
from gazetteer._types import GazetteerError
from geo import Geoparser

# (name in news, country of the region or None, (lat, lon) of a place inside, (lat, lon) of one outside)
REGIONS = [
    ("Donbas", "UA", (48.0159, 37.8028), (49.9935, 36.2304)),  # Donetsk in; Kharkiv out
    ("Donbass", "UA", (48.5740, 39.3078), (47.8388, 35.1396)),  # Luhansk in; Zaporizhzhia out
    ("Sinai", "EG", (31.1316, 33.7984), (30.0444, 31.2357)),  # El Arish in; Cairo out
    ("Golan Heights", "SY", (33.2696, 35.7705), (33.5138, 36.2765)),  # Majdal Shams in; Damascus out
    ("Kurdistan Region", "IQ", (36.1901, 44.0091), (36.3400, 43.1300)),  # Erbil in; Mosul out
    ("Iraqi Kurdistan", "IQ", (35.5613, 45.4329), (33.3152, 44.3661)),  # Sulaymaniyah in; Baghdad out
    ("Eastern Ghouta", "SY", (33.5711, 36.4040), (33.5138, 36.2765)),  # Douma in; Damascus out
    ("Bekaa Valley", "LB", (34.0047, 36.2110), (33.8938, 35.5018)),  # Baalbek in; Beirut out
    ("Darfur", "SD", (12.0489, 24.8807), (15.5007, 32.5599)),  # Nyala in; Khartoum out
    ("Niger Delta", "NG", (4.8156, 7.0498), (9.0765, 7.3986)),  # Port Harcourt in; Abuja out
    ("Mindanao", "PH", (7.1907, 125.4553), (14.5995, 120.9842)),  # Davao in; Manila out
    ("Catatumbo", "CO", (8.6400, -72.7400), (7.8939, -72.5078)),  # Tibú in; Cúcuta out
    ("Tierra Caliente", "MX", (19.0886, -102.3508), (19.7008, -101.1844)),  # Apatzingán in; Morelia out
    ("Ferghana Valley", None, (40.3864, 71.7864), (41.2995, 69.2401)),  # Fergana in; Tashkent out
]


def _region(gaz: Gazetteer, name: str):
    found = [c for c in gaz.lookup(name) if c.kind == "region"]
    assert found, f"{name!r} is no region of the gazetteer"
    return found[0]


@pytest.mark.parametrize(("name", "country", "inside", "outside"), REGIONS)
def test_region_is_an_area_holding_its_places(gaz: Gazetteer, name, country, inside, outside) -> None:
    region = _region(gaz, name)
    assert region.country_code == country
    area = gaz.geometry(region.id)
    assert area is not None and area.geom_type in ("Polygon", "MultiPolygon") and area.is_valid
    assert area.contains(shapely.Point(inside[1], inside[0]))
    assert not area.contains(shapely.Point(outside[1], outside[0]))
    assert area.contains(shapely.Point(region.lon, region.lat))  # its point lies inside it


def test_every_row_has_a_source_and_every_part_is_found(gaz: Gazetteer) -> None:
    rows = build.read_regions()
    assert len({r.name for r in rows}) == len(rows)
    for row in rows:
        assert row.source, f"regions.tsv:{row.line}: {row.name} names no source"
        region = _region(gaz, row.name)
        area = gaz.geometry(region.id)
        assert area is not None, row.name
        if row.towns:  # a hull of towns is a district's size, not a province's
            minx, miny, maxx, maxy = area.bounds
            assert max(maxx - minx, maxy - miny) < 4.0, row.name


def test_a_region_of_units_is_the_union_of_their_polygons(gaz: Gazetteer) -> None:
    donbas = gaz.geometry(_region(gaz, "Donbas").id)
    donetsk = next(c for c in gaz.lookup("Donetsk Oblast") if c.kind == "admin1")
    luhansk = next(c for c in gaz.lookup("Luhansk Oblast") if c.kind == "admin1")
    union = shapely.union_all([gaz.geometry(donetsk.id), gaz.geometry(luhansk.id)])
    assert donbas is not None
    assert abs(donbas.area - union.area) / union.area < 0.01


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("Nowhere\t\t\t\t\t\tgeomap", "needs countries, units or towns"),
        ("Some Valley\t\t\t\tTownA|TownB\t\tgeomap", "needs countries, units or towns"),
    ],
)
def test_a_bad_row_is_named_with_its_line(tmp_path: Path, monkeypatch, row: str, problem: str) -> None:
    (tmp_path / "regions.tsv").write_text(
        "name\taliases\tcountries\tunits\ttowns\tcountry\tsource\nLevant\t\tIL|JO\t\t\t\tgeomap\n"
        + row
        + "\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(build, "_package_file", lambda *parts: tmp_path / parts[-1])
    with pytest.raises(GazetteerError, match=rf"regions\.tsv:3: .*{problem}"):
        build.read_regions()


@pytest.fixture(scope="module")
def parser(gaz: Gazetteer) -> Geoparser:
    return Geoparser(gaz, nlp=geo.load_model())


# Sentences written for these tests, in the style of conflict reporting.
SENTENCES = [
    ("Shelling intensified across the Donbas overnight, local officials said.", "Donbas"),
    ("Militants attacked a checkpoint in the Sinai on Tuesday.", "Sinai"),
    ("Israeli jets struck targets near the Golan Heights, a monitor reported.", "Golan Heights"),
    ("Government forces pressed their offensive in Eastern Ghouta on Monday.", "Eastern Ghouta"),
    ("Clashes between armed groups displaced hundreds of families in Catatumbo.", "Catatumbo"),
]


@pytest.mark.parametrize(("sentence", "mention"), SENTENCES)
def test_a_named_region_in_a_sentence_is_mapped_as_its_area(
    parser: Geoparser, gaz: Gazetteer, sentence: str, mention: str
) -> None:
    found = [r for r in parser.parse(sentence).resolutions if mention in r.mention.text]
    assert found, f"{mention!r} not found in {sentence!r}"
    place = found[0].place
    region = _region(gaz, mention)
    area = gaz.geometry(region.id)
    assert place is not None and place.kind == "region" and place.name == region.name
    assert place.geometry is not None and place.geometry.geom_type in ("Polygon", "MultiPolygon")
    assert area is not None and place.geometry.equals_exact(area, 1e-6)
