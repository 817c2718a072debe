"""An office says the kind of place (issue 10): "the governor of X" and "X's governor" are of the
province where X names a province and its main town, "the mayor of X" of the town; a plain X stays the
town (geo/lang/en/place_offices.txt, geo/_candidates.py's ``office_of``, geo/_scoring.py's
``context_office_of_province`` and ``context_office_of_town``).

The sentences are written for these tests; the real gazetteer runs.
"""

from __future__ import annotations

from typing import Any

import pytest
from recognition_util import mention_in, place_named

import geo
from geo._candidates import office_of


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    return geo.Geoparser(gaz)


@pytest.mark.parametrize(
    ("text", "name", "office"),
    [
        ("The governor of Durango resigned on Friday.", "Durango", "province"),
        ("A deputy Governor of the Volta spoke first.", "Volta", "province"),
        ("Durango's governor resigned on Friday.", "Durango", "province"),
        ("Durango’s acting governor resigned on Friday.", "Durango", "province"),
        ("The Durango governor resigned on Friday.", "Durango", "province"),
        ("The provincial council of Herat met on Monday.", "Herat", "province"),
        ("Herat provincial council members met on Monday.", "Herat", "province"),
        ("The chief minister of Sindh flew to the coast.", "Sindh", "province"),
        ("The mayor of Durango resigned on Friday.", "Durango", "town"),
        ("Durango's mayor resigned on Friday.", "Durango", "town"),
        ("The city council of Durango voted on Friday.", "Durango", "town"),
        # no office beside the name
        ("Gunmen attacked a bus in Durango on Friday.", "Durango", None),
        ("In Durango the governor resigned on Friday.", "Durango", None),
        ("The governor flew to Durango on Friday.", "Durango", None),
        ("The governorate of Herat is large.", "Herat", None),
    ],
)
def test_the_office_beside_a_name(text: str, name: str, office: str | None) -> None:
    m, st = mention_in(text, name)
    assert office_of(m, st) == office


def test_only_a_plain_name_has_an_office() -> None:
    """ "the governor of Herat province" is a province by its own words: the office adds nothing."""
    text = "The governor of Herat province resigned."
    st = geo.Statement(doc="d", index=0, start=0, end=len(text), text=text)
    a = text.index("Herat")
    m = geo.Mention(
        doc="d", start=a, end=a + 14, text="Herat province", sentence=0, head="Herat", form="province"
    )
    assert office_of(m, st) is None


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        # a province that shares its name with its capital: the governor's is the province
        ("The governor of Chihuahua promised more patrols.", "Chihuahua", "admin1"),
        ("Gunmen fired on Herat's governor as he left the mosque.", "Herat", "admin1"),
        ("The Kandahar governor survived a roadside bomb.", "Kandahar", "admin1"),
        ("The governor of New York signed the budget.", "New York", "admin1"),
        # the mayor's is the town
        ("The mayor of Chihuahua promised more patrols.", "Chihuahua", "city"),
        ("The mayor of New York signed the budget.", "New York", "city"),
        # a plain name shared by a province and its capital stays, in news, the town
        ("Gunmen fired on a convoy in Herat as it left the mosque.", "Herat", "city"),
        ("Police in Chihuahua promised more patrols.", "Chihuahua", "city"),
    ],
)
def test_an_office_says_the_kind_of_place(
    parser: geo.Geoparser[Any], text: str, name: str, kind: str
) -> None:
    place = place_named(parser, text, name)
    assert place.kind == kind, place


def test_the_office_is_a_reason_of_the_resolution(parser: geo.Geoparser[Any]) -> None:
    text = "The governor of Chihuahua promised more patrols."
    (res,) = [r for r in parser.parse(text).resolutions if r.mention.text == "Chihuahua"]
    assert any(reason.startswith("a province's office names it") for reason in res.reasons), res.reasons
    # the same province, a town apart: the office moves the kind, not the country or the province
    assert res.place is not None and (res.place.country_code, res.place.admin1_code) == ("MX", "06")
