"""Stray towns: a plain name whose only reading is a small town far from every other place of a report
about one country is no place of that report (geo/_resolve.py, ``_strays``)."""

from __future__ import annotations

from typing import Any

import pytest

import geo

ZIMBABWE = "Police in Harare said clashes spread to Bulawayo and Mutare. "


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    return geo.Geoparser(gaz)


def _found(parser: geo.Geoparser[Any], text: str) -> dict[str, str | None]:
    return {
        r.mention.text: (r.place.country_code if r.place is not None else None)
        for r in parser.parse(text).resolutions
    }


def test_a_small_town_on_another_continent_is_dropped_from_a_report_about_one_country(
    parser: geo.Geoparser[Any],
) -> None:
    found = _found(parser, ZIMBABWE + "Residents of Chitungwiza gathered in Bicester on Sunday.")
    assert found == {"Harare": "ZW", "Bulawayo": "ZW", "Mutare": "ZW", "Chitungwiza": "ZW"}


def test_the_same_town_stays_when_the_report_has_no_one_country(parser: geo.Geoparser[Any]) -> None:
    found = _found(parser, "Residents of Chitungwiza gathered in Bicester on Sunday.")
    assert found == {"Chitungwiza": "ZW", "Bicester": "GB"}


def test_the_same_town_stays_when_the_report_names_its_country(parser: geo.Geoparser[Any]) -> None:
    found = _found(parser, ZIMBABWE + "Crowds also gathered in London and Bicester.")
    assert found["Bicester"] == "GB"


@pytest.mark.parametrize(
    ("sentence", "name", "country"),
    [
        ("Talks were held in Geneva on Monday.", "Geneva", "CH"),  # a city of 100,000 or more
        ("The envoy flew on to Nairobi.", "Nairobi", "KE"),  # a capital
    ],
)
def test_a_city_or_a_capital_abroad_stays(
    parser: geo.Geoparser[Any], sentence: str, name: str, country: str
) -> None:
    assert _found(parser, ZIMBABWE + sentence)[name] == country


def test_a_stray_is_judged_against_the_other_places_not_its_own_repetitions(
    parser: geo.Geoparser[Any],
) -> None:
    # naming the stray town three times does not make the report about its country
    text = ZIMBABWE + "Crowds gathered in Bicester. Police in Bicester were quiet. In Bicester, again."
    assert "Bicester" not in _found(parser, text)


def test_a_building_named_after_a_small_town_abroad_is_dropped_too(parser: geo.Geoparser[Any]) -> None:
    """A building drawn at the town it is named after ("Bicester Market") is judged as the town's name
    would be: in a report about one country, a small town on another continent is no place of it."""
    found = _found(parser, ZIMBABWE + "Traders fled the Bicester Market, police said.")
    assert found == {"Harare": "ZW", "Bulawayo": "ZW", "Mutare": "ZW"}
    found = _found(parser, "Traders fled the Bicester Market, police said.")
    assert found == {"Bicester Market": "GB"}
