"""Alternate names (issue 10, failure classes 7 and 1): a short form of a town's own name is told from an
unrelated alternate name, and Spanish and French function words are not taken for places."""

from __future__ import annotations

from typing import Any

import pytest

import geo
from geo import _scoring
from geo._candidates import candidates, evidence, short_form


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    return geo.Geoparser(gaz)


@pytest.mark.parametrize(
    ("alternate", "name", "short"),
    [
        # a tail that a link starts, left off the back
        ("Zamora", "Zamora de Hidalgo", True),
        ("León", "León de los Aldama", True),
        ("Leon", "León de los Aldama", True),  # accents aside
        # a generic head left off the front, with or without the tail
        ("Juarez", "Ciudad Juárez", True),
        ("Nogales", "Heroica Nogales", True),
        ("Puebla", "Heroica Puebla de Zaragoza", True),
        # another language's or a former name
        ("Cancun", "Changchun", False),
        ("Villanueva", "Tallahassee", False),
        # the name's tail, not its distinctive part
        ("Morelos", "Ecatepec de Morelos", False),
        # only the article left off: GeoNames' bare alternates of villages ("Canada" for La Cañada)
        ("Canada", "La Cañada", False),
        # the same name, or a longer one, is no short form
        ("Zamora", "Zamora", False),
        ("Zamora de Hidalgo", "Zamora", False),
    ],
)
def test_a_short_form_is_the_distinctive_part_of_the_name(alternate: str, name: str, short: bool) -> None:
    assert short_form(alternate, name) is short


def _features(gaz: Any, text: str, name: str) -> dict[tuple[str, str | None], dict[str, str]]:
    """Each candidate of the mention ``name`` in ``text``: its features' keys and reasons."""
    statement = geo.Statement(doc="d", index=0, start=0, end=len(text), text=text)
    start = text.index(name)
    mention = geo.Mention(doc="d", start=start, end=start + len(name), text=name, sentence=0, head=name)
    cands = candidates(mention, gaz)
    (ev,) = evidence([mention], [cands], {0: statement}, gaz, dateline=None)
    return {
        (c.name, c.country_code): {k: why for k, _, why in _scoring.features(mention, c, ev)} for c in cands
    }


def test_a_short_form_of_the_largest_towns_own_name_has_its_own_feature(gaz: Any) -> None:
    """ "Zamora" is how reports name Zamora de Hidalgo (Mexico, 186,000), whose main name is longer and
    which is larger than every town called Zamora today; those get neither feature."""
    feats = _features(gaz, "Gunmen attacked a bar in Zamora on Friday.", "Zamora")
    mexican = feats[("Zamora de Hidalgo", "MX")]
    assert mexican["name_short_form"] == "short form of its name"
    assert "name_alternate_only" not in mexican
    assert not {"name_short_form", "name_alternate_only"} & set(feats[("Zamora", "EC")])


def test_a_short_form_that_a_larger_town_bears_is_an_alternate_name(gaz: Any) -> None:
    """San José de Mayo (Uruguay, 36,000) is no "San José" beside San Jose, California, and beside the
    department of Uruguay that bears the name: the short form weighs as another alternate name, and the
    reason says why."""
    feats = _features(gaz, "Traffic was halted in San José on Friday.", "San José")
    uruguayan = feats[("San José de Mayo", "UY")]
    assert uruguayan["name_alternate_only"] == "short form of its name, which a province bears"
    assert "name_short_form" not in uruguayan
    # a larger town bears the name: Santiago de Cuba is no "Santiago" beside Santiago, Chile
    feats = _features(gaz, "Protesters marched in Santiago on Friday.", "Santiago")
    cuban = feats[("Santiago de Cuba", "CU")]
    assert cuban["name_alternate_only"] == "short form of its name, which a larger town bears"


@pytest.mark.parametrize(
    ("text", "name", "town"),
    [
        ("Gunmen attacked a bar in Zamora on Friday.", "Zamora", ("Zamora de Hidalgo", "MX")),
        ("Police found two bodies in León on Sunday.", "León", ("León de los Aldama", "MX")),
    ],
)
def test_the_largest_town_named_by_its_short_form_is_drawn(
    parser: geo.Geoparser[Any], text: str, name: str, town: tuple[str, str]
) -> None:
    """With the fitted weights, the short form outweighs a smaller namesake's feature code (Zamora, the
    capital of an Ecuadorian province; León, of a Nicaraguan department)."""
    (res,) = [r for r in parser.parse(text).resolutions if r.mention.text == name]
    assert res.place is not None and (res.place.name, res.place.country_code) == town, res.reasons
    assert any(reason.startswith("short form of its name +") for reason in res.reasons)


@pytest.mark.parametrize(
    ("text", "name", "town"),
    [
        ("Tourists were robbed in Cancun on Sunday.", "Cancun", ("Changchun", "CN")),
        ("Nine people were killed in Villanueva on Monday.", "Villanueva", ("Tallahassee", "US")),
    ],
)
def test_an_unrelated_alternate_name_stays_an_alternate_one(
    gaz: Any, text: str, name: str, town: tuple[str, str]
) -> None:
    feats = _features(gaz, text, name)
    assert feats[town]["name_alternate_only"] == "only a former or alternate name"
    assert "name_short_form" not in feats[town]


def test_the_new_weight_is_read_from_the_weights_file() -> None:
    weights = geo.load_weights()
    assert weights.amount("name_short_form") == weights.name_short_form
    # fitted: a short form of the largest town's name counts for it, an unrelated name against
    assert weights.name_short_form > 0 > weights.name_alternate_only


def _mentions(parser: geo.Geoparser[Any], text: str) -> list[str]:
    return [m.text for m in parser.parse(text).mentions]


@pytest.mark.parametrize(
    ("text", "not_places", "places"),
    [
        # an article glued to a preposition is no name; the whole name after it is
        ("Masacre de El Limón en el Meta", ["de El"], ["El Limón", "Meta"]),
        # common words of names alone ("Gran" is Esztergom's German name)
        ("Dos muertos en la Gran Vía de Madrid", ["Gran"], ["Madrid"]),
        ("Ataque armado en Bahía Malaga", ["Bahía", "Malaga"], []),
        # a name joined to such a word is taken whole or not at all
        ("Enfrentamientos en Alto Remanso, Putumayo", ["Alto", "Remanso", "Alto Remanso"], ["Putumayo"]),
        ("Masacre de Bajo Calima", ["Bajo", "Calima"], []),
        # nor is the head of a longer name that a link continues ("Lagos" is in Nigeria)
        ("Masacre de Lagos del Dorado", ["Lagos"], []),
        ("Dos muertos en San Pedro de los Milagros", ["San Pedro", "San"], []),
        # French function words of a headline in capitals
        ("AFFRONTEMENTS ENTRE LES GROUPES ARMÉS ET À BAMBARI", ["LES", "ET À"], ["BAMBARI"]),
        # a two-letter name only as the gazetteer writes it: "HQ" folds like "HK" (Hong Kong)
        ("Shelling reported near Avdiivka, according to JFO HQ.", ["HQ"], ["Avdiivka"]),
    ],
)
def test_spanish_and_french_function_words_are_not_places(
    parser: geo.Geoparser[Any], text: str, not_places: list[str], places: list[str]
) -> None:
    found = _mentions(parser, text)
    assert not set(not_places) & set(found), found
    assert set(places) <= set(found), found


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("They left a body in Río Grande, Zacatecas.", ["Río Grande", "Zacatecas"]),
        ("Storms hit Grand Rapids and Puerto Rico.", ["Grand Rapids", "Puerto Rico"]),
        ("Troops from the US and UK arrived in Kabul.", ["US", "UK", "Kabul"]),
        ("Protests in Ciudad Juárez and Nuevo Laredo.", ["Ciudad Juárez", "Nuevo Laredo"]),
        # a preposition stands between two names, not inside one
        ("Des combats sur la route de Bangui à Bossangoa", ["Bangui", "Bossangoa"]),
    ],
)
def test_names_made_of_such_words_or_short_codes_stay_names(
    parser: geo.Geoparser[Any], text: str, places: list[str]
) -> None:
    assert set(places) <= set(_mentions(parser, text))


def test_a_province_that_bears_the_name_outweighs_a_town_known_by_it(gaz: Any) -> None:
    """ "Antioquia" is the Spanish name of Antakya and a short form of Santa Fe de Antioquia, but the
    department bears it as its own name."""
    parser = geo.Geoparser(gaz)
    (res,) = parser.parse("Clashes in Antioquia left five dead.").resolutions
    assert res.place is not None
    assert (res.place.kind, res.place.country_code) == ("admin1", "CO")
