"""Corridors "between X and Y" only where a road could join the two places (issue 11).

A corridor is drawn when the two towns are at most ``MAX_CORRIDOR_KM`` apart and joined by land inside
the band drawn between them; across a sea or a strait, or too far apart, the two towns are mapped and
nothing between them.  Sentences are written for these tests; the gazetteer is the real one.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import shapely
from small_gazetteer import SmallGazetteer

import geo
from geo._geometry import LAND_GAP_DEG, land_index, land_joining
from geo._shapes import corridors, place_of
from geo._types import Coordinate, Mention, Resolution, Statement


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    from geo._roles import load_roles

    return geo.Geoparser(gaz, nlp=geo.load_model(), roles=load_roles())


def _places(result: geo.ParseResult) -> dict[str, geo.Place]:
    return {r.mention.text: r.place for r in result.resolutions if r.place is not None}


def _corridors(result: geo.ParseResult) -> list[Resolution]:
    return [r for r in result.resolutions if r.place is not None and r.place.kind == "between"]


@pytest.mark.parametrize(
    ("sentence", "phrase", "towns"),
    [
        (
            "Fighting raged between Saraqib and Idlib on Monday, activists said.",
            "between Saraqib and Idlib",
            ("SY", "SY"),
        ),
        ("Shelling went on between Kilis and Azaz overnight.", "between Kilis and Azaz", ("TR", "SY")),
        # across the Dnieper: a river is inside the countries' polygons
        ("Shelling was reported between Kherson and Oleshky.", "between Kherson and Oleshky", ("UA", "UA")),
        # two towns of one coast: the straight band is partly sea, but its land joins them
        (
            "Fighting flared between Mariupol and Berdyansk overnight.",
            "between Mariupol and Berdyansk",
            ("UA", "UA"),
        ),
    ],
)
def test_towns_joined_by_land_get_a_corridor(
    parser: geo.Geoparser[Any], sentence: str, phrase: str, towns: tuple[str, str]
) -> None:
    result = parser.parse(sentence)
    (corridor,) = _corridors(result)
    assert corridor.mention.text == phrase and corridor.mention.source == "derived"
    assert corridor.place is not None and corridor.place.geometry is not None
    assert corridor.reasons[0].startswith("between two towns") and "joined by land" in corridor.reasons[1]
    first, second = phrase.removeprefix("between ").split(" and ")
    places = _places(result)
    assert (places[first].country_code, places[second].country_code) == towns
    for town in (places[first], places[second]):
        assert corridor.place.geometry.covers(shapely.Point(town.point.lonlat()))
    assert corridor.place.geometry.covers(shapely.Point(corridor.place.point.lonlat()))


@pytest.mark.parametrize(
    ("sentence", "towns"),
    [
        # Libya and Italy: the Mediterranean
        ("Smugglers ran boats between Tripoli and Lampedusa.", {"Tripoli": "LY", "Lampedusa": "IT"}),
        (
            "Migrant boats left for the crossing between Benghazi and Catania.",
            {"Benghazi": "LY", "Catania": "IT"},
        ),
        # Yemen and Eritrea: the Red Sea
        ("Yemeni officials said boats sailed between Mocha and Assab.", {"Mocha": "YE", "Assab": "ER"}),
        # England and France: the Channel
        (
            "Ferries between Folkestone and Boulogne-sur-Mer were halted.",
            {"Folkestone": "GB", "Boulogne-sur-Mer": "FR"},
        ),
        # one country, across the Gulf of Sidra: the road goes round, the band is all sea
        ("Militias clashed between Misrata and Sirte.", {"Misrata": "LY", "Sirte": "LY"}),
        # one landmass, 2,290 km apart: no longer a place a report points at
        ("The convoy travelled between Madrid and Warsaw.", {"Madrid": "ES", "Warsaw": "PL"}),
    ],
)
def test_towns_a_road_cannot_join_keep_their_places_and_get_no_corridor(
    parser: geo.Geoparser[Any], sentence: str, towns: dict[str, str]
) -> None:
    result = parser.parse(sentence)
    assert _corridors(result) == []
    places = _places(result)
    # both towns mapped, as towns: the corridor was refused for its geography, not their kind
    assert {name: (places[name].kind, places[name].country_code) for name in towns} == {
        name: ("city", cc) for name, cc in towns.items()
    }


def _resolution(gaz: Any, text: str, name: str, country: str) -> Resolution:
    """The mention of ``name`` in ``text`` (one sentence) resolved to that country's town."""
    start = text.index(name)
    mention = Mention(doc="d", start=start, end=start + len(name), text=name, sentence=0, head=name)
    (cand,) = gaz.lookup(name, country=country, kinds=["city"], limit=1)
    return Resolution(mention, place_of(mention, cand, gaz), "location", 0.9, ())


@pytest.mark.parametrize(
    ("a", "b", "km", "drawn"),
    [
        (("Saraqib", "SY"), ("Idlib", "SY"), 17, True),
        (("Aden", "YE"), ("Djibouti", "DJ"), 245, False),
        (("Dover", "GB"), ("Calais", "FR"), 43, False),
        (("Tripoli", "LY"), ("Catania", "IT"), 540, False),
        (("Madrid", "ES"), ("Warsaw", "PL"), 2290, False),
    ],
)
def test_corridors_directly(gaz: Any, a: tuple[str, str], b: tuple[str, str], km: int, drawn: bool) -> None:
    text = f"Fighting between {a[0]} and {b[0]} went on."
    statement = Statement(doc="d", index=0, start=0, end=len(text), text=text)
    first, second = _resolution(gaz, text, *a), _resolution(gaz, text, *b)
    assert first.place is not None and second.place is not None
    assert first.place.point.km_to(second.place.point) == pytest.approx(km, abs=1)
    found = corridors([first, second], {0: statement}, gaz)
    if not drawn:
        assert found == []
        return
    (corridor,) = found
    assert corridor.mention.text == f"between {a[0]} and {b[0]}"
    assert corridor.reasons == (
        f"between two towns {km} km apart",
        "joined by land inside the band (100% of it land)",
    )


def test_a_coastal_corridor_is_cut_to_the_land(gaz: Any) -> None:
    """Mariupol and Berdyansk, on the Sea of Azov: the band is drawn over the land only."""
    text = "Fighting between Mariupol and Berdyansk went on."
    statement = Statement(doc="d", index=0, start=0, end=len(text), text=text)
    pair = [_resolution(gaz, text, "Mariupol", "UA"), _resolution(gaz, text, "Berdyansk", "UA")]
    (corridor,) = corridors(pair, {0: statement}, gaz)
    assert corridor.place is not None and corridor.place.geometry is not None
    geom = corridor.place.geometry
    (ukraine,) = (g for cc, g in gaz.countries_geometries() if cc == "UA")
    assert shapely.area(shapely.difference(geom, ukraine.buffer(LAND_GAP_DEG / 2 * 1.01))) < 1e-9
    share = re.search(r"\((\d+)% of it land\)", corridor.reasons[1])
    assert share is not None and 50 < int(share[1]) < 100


@pytest.mark.parametrize(
    ("a", "b", "joined"),
    [
        (Coordinate(35.86, 36.81), Coordinate(35.93, 36.63), True),  # Saraqib, Idlib
        (Coordinate(36.72, 37.12), Coordinate(36.59, 37.05), True),  # Kilis (TR), Azaz (SY): across a border
        (Coordinate(38.11, 13.36), Coordinate(38.11, 15.65), False),  # Palermo, Reggio Calabria: Sicily
        (Coordinate(36.01, -5.60), Coordinate(35.77, -5.81), False),  # Tarifa, Tangier: Gibraltar
        (Coordinate(12.78, 45.04), Coordinate(11.59, 43.15), False),  # Aden, Djibouti: the Gulf of Aden
    ],
)
def test_land_joining(gaz: Any, a: Coordinate, b: Coordinate, joined: bool) -> None:
    land = land_index(g for _, g in gaz.countries_geometries())
    band = shapely.LineString([a.lonlat(), b.lonlat()]).buffer(0.2)
    piece = land_joining(band, a, b, land)
    assert (piece is not None) == joined
    if piece is not None:
        assert band.covers(piece) and piece.covers(shapely.Point(a.lonlat()))


class _CountingGazetteer(SmallGazetteer):
    """The small gazetteer, counting how often its country polygons are read."""

    reads = 0

    def countries_geometries(self) -> list[tuple[str, Any]]:
        self.reads += 1
        return super().countries_geometries()


def test_land_is_read_once_per_gazetteer_and_only_for_a_corridor() -> None:
    small = SmallGazetteer.load()
    gaz = _CountingGazetteer(list(small._rows.values()), small._borders)
    parser = geo.Geoparser(gaz)
    parser.parse("Shelling hit the suburbs of Damascus and Aleppo province.")
    parser.parse("Talks between Russia and Turkey resumed.")
    assert gaz.reads == 0
    for _ in range(3):
        assert len(_corridors(parser.parse("Fighting went on between Saraqib and Idlib."))) == 1
    assert gaz.reads == 1


@pytest.mark.parametrize(
    ("islands", "b", "joined"),
    [
        ([(0, 0, 1, 1)], (0.9, 0.5), True),
        # a town 0.02 degrees off the coast is tied to it; 0.06 off is at sea
        ([(0, 0, 1, 1)], (1.02, 0.5), True),
        ([(0, 0, 1, 1)], (1.06, 0.5), False),
        # two neighbours parted by less than LAND_GAP_DEG (simplification) are one land; by more, two
        ([(0, 0, 1, 1), (1.015, 0, 2, 1)], (1.5, 0.5), True),
        ([(0, 0, 1, 1), (1.03, 0, 2, 1)], (1.5, 0.5), False),
        # a bay the band crosses but whose land goes round inside the band
        ([(0, 0, 2, 0.5), (0, 0.5, 0.8, 1), (1.2, 0.5, 2, 1)], (1.5, 0.8), True),
        # ... and one deeper than the band is wide: the road round it is outside the corridor
        ([(0, 0, 2, 0.3), (0, 0.3, 0.8, 1), (1.2, 0.3, 2, 1)], (1.5, 0.8), False),
    ],
)
def test_land_joining_tolerances(
    islands: list[tuple[float, float, float, float]], b: tuple[float, float], joined: bool
) -> None:
    land = land_index(shapely.box(*xy) for xy in islands)
    start, end = Coordinate.from_lonlat(0.5, 0.8), Coordinate.from_lonlat(*b)
    band = shapely.LineString([start.lonlat(), end.lonlat()]).buffer(0.4)
    piece = land_joining(band, start, end, land)
    assert (piece is not None) == joined
    if piece is not None:
        assert piece.is_valid and piece.covers(shapely.Point(end.lonlat()))
