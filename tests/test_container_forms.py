"""More ways of naming the place that holds a place (issue 10, geo/_candidates.py ``_container``): the
possessive before the name ("Sagaing’s Pale", "Donetsk region's Avdiivka", "Chin State’s Mindat") and a
town word between the name and its holder ("Kani Town, Sagaing Region", "Kani town of Sagaing Region",
"X village, Y district"), with guards for a person's possessive, a peer's possessive, "the Borno town of
Kolloram" and lists.  The sentences are made up for these tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from recognition_util import placings

import geo

INSIDE = "inside the place named beside it"
OUTSIDE = "outside the place named beside it"


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    return geo.Geoparser(gaz)


@pytest.mark.parametrize(
    ("text", "name", "place"),
    [
        # the possessive, straight and curly: the other places of the report pull the other way
        ("Ministers from France and Greece met in Georgia's Athens on Monday.", "Athens", ("US", "GA")),
        ("Ministers from France and Greece met in Georgia’s Athens on Monday.", "Athens", ("US", "GA")),
        ("Visitors from Lyon and Marseille reached Texas's Paris by bus.", "Paris", ("US", "TX")),
        # a town word between the name and its holder
        ("Ministers from France and Greece met in Athens town, Georgia, on Monday.", "Athens", ("US", "GA")),
        ("Ministers from France and Greece met in Athens Town, Georgia, on Monday.", "Athens", ("US", "GA")),
        ("Visitors from Lyon and Marseille reached Paris town of Texas by bus.", "Paris", ("US", "TX")),
        ("Visitors from Spain and Madrid reached Valencia city, Venezuela.", "Valencia", ("VE", None)),
    ],
)
def test_the_holder_named_in_other_forms_decides(
    parser: geo.Geoparser[Any], text: str, name: str, place: tuple[str, str | None]
) -> None:
    """On main's code these towns went to Greece, France and Spain, the countries the rest of the
    sentence names: no container was read, and the holder named beside the town counted for nothing."""
    for cc, adm1, _, reasons in placings(parser, text, name):
        assert cc == place[0] and (place[1] is None or adm1 == place[1]), reasons
        assert INSIDE in reasons


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Shelling hit Donetsk region's Kramatorsk on Monday.", "Kramatorsk"),
        ("Troops entered Shan State’s Lashio after a week of fighting.", "Lashio"),
        ("Troops entered Kachin State's Bhamo after a week of fighting.", "Bhamo"),
        ("A storm hit Memphis village, Tennessee, on Sunday.", "Memphis"),
        ("Floods reached London township, Ontario, on Sunday.", "London"),
        ("Soldiers were seen in Kale township of Sagaing Region.", "Kale"),
        ("Gunmen raided Hawija village, Kirkuk province, at dawn.", "Hawija"),
    ],
)
def test_the_holder_is_read(parser: geo.Geoparser[Any], text: str, name: str) -> None:
    """The possessive of a province, with an admin word ("Donetsk region's", "Shan State’s"), and the town
    words "village", "township ... of": the town is inside the holder (on main's code no container was
    read, and the reason was missing, though the town was right by other evidence)."""
    ((_, _, _, reasons),) = placings(parser, text, name)
    assert INSIDE in reasons and OUTSIDE not in reasons


@pytest.mark.parametrize(
    ("text", "name", "place"),
    [
        ("Crowds cheered Trump's Washington speech on Monday.", "Washington", ("US", "city")),
        ("The report criticised Russia's Ukraine policy.", "Ukraine", ("UA", "country")),
        # a country's possessive names the actor as often as the holder: not read
        ("Troops entered Myanmar's Mandalay after a week of fighting.", "Mandalay", ("MM", "city")),
        ("Analysts followed Turkey's Afrin operation closely.", "Afrin", ("SY", "city")),
        ("Gunmen attacked the Borno town of Kolloram on Monday.", "Borno", ("NG", "admin1")),
        ("Gunmen attacked the Texas town of Paris on Monday.", "Texas", ("US", "admin1")),
    ],
)
def test_no_holder_is_read_where_none_is_named(
    parser: geo.Geoparser[Any], text: str, name: str, place: tuple[str, str]
) -> None:
    """A person's possessive names no place; a country's possessive is not read (it names who acts as
    often as where: "Turkey's Afrin operation"); "the Borno town of Kolloram" names the town Borno
    holds, not a holder of Borno."""
    ((cc, _, kind, reasons),) = placings(parser, text, name)
    assert (cc, kind) == place, reasons
    assert INSIDE not in reasons and OUTSIDE not in reasons


def test_a_possessive_before_a_list_holds_its_first_name(parser: geo.Geoparser[Any]) -> None:
    """ "Texas's Austin, Dallas and Houston": the possessive holds the name after it; the list's other
    names stay where the rest of the report puts them, and "Dallas" is not read as a holder of Austin."""
    text = "Visitors from Lyon said Texas's Austin, Dallas and Houston grew fastest."
    for name in ("Austin", "Dallas", "Houston"):
        ((cc, adm1, _, reasons),) = placings(parser, text, name)
        assert (cc, adm1) == ("US", "TX"), (name, reasons)
    ((_, _, _, reasons),) = placings(parser, text, "Austin")
    assert INSIDE in reasons
