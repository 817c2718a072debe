"""The place named beside a name, read together with it (issue 10, geo/_candidates.py ``_container``), and
the dateline's country taken from the container its dateline writes ("ATHENS, Georgia —").

"Georgia" is both a country and a US state.  Of the container's readings, the one that holds one of the
town's namesakes is meant: the state holds an Athens, a Rome and a Macon, the country holds none of them;
the country alone holds a Gori.  The sentences are made up for these tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from recognition_util import placings

import geo

INSIDE = "inside the place named beside it"
OUTSIDE = "outside the place named beside it"
DATELINE = "dateline's country"


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    return geo.Geoparser(gaz)


def _found(parser: geo.Geoparser[Any], text: str, name: str) -> list[tuple[str | None, str | None, str]]:
    """For each mention whose text is ``name``: its place's country and admin-1 code (``None`` when
    unresolved) and its reasons, joined."""
    return [(cc, adm1, reasons) for cc, adm1, _, reasons in placings(parser, text, name)]


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("Police in Athens, Georgia, said the suspect fled on foot after the robbery.", "Athens"),
        ("Police in Rome, Georgia, said the suspect fled on Tuesday.", "Rome"),
        ("A fire destroyed a warehouse in Macon, Georgia, late on Sunday.", "Macon"),
    ],
)
def test_the_state_that_holds_the_town_is_the_container(
    parser: geo.Geoparser[Any], text: str, town: str
) -> None:
    """The first reading of "Georgia" is the country; the state is the one that holds the town (on
    main's code the town was "outside the place named beside it" everywhere, and Athens went to Greece,
    Rome to Italy)."""
    ((cc, adm1, reasons),) = _found(parser, text, town)
    assert (cc, adm1) == ("US", "GA"), reasons
    assert INSIDE in reasons and OUTSIDE not in reasons


def test_the_country_that_holds_the_town_is_the_container(parser: geo.Geoparser[Any]) -> None:
    """No US state holds a Gori: the country Georgia does, and stays the container."""
    ((cc, _, reasons),) = _found(
        parser, "Soldiers were seen near Gori, Georgia, on Tuesday, officials said.", "Gori"
    )
    assert cc == "GE", reasons
    assert INSIDE in reasons


def test_the_dateline_country_is_its_containers(parser: geo.Geoparser[Any]) -> None:
    """ "ATHENS, Georgia —": the report is from the US, so the other places of the report get the
    dateline's country for the US (on main's code they got it for Greece, the first Athens's country),
    and the bare "Athens" further on is the Georgian one."""
    text = "ATHENS, Georgia — A man was arrested on Friday in Athens after a robbery near the university."
    found = _found(parser, text, "Athens") + _found(parser, text, "ATHENS")
    assert [(cc, adm1) for cc, adm1, _ in found] == [("US", "GA")] * 2, found
    ((cc, _, reasons),) = _found(parser, text, "Georgia")
    assert cc == "US" and DATELINE in reasons, reasons


def test_a_dateline_with_a_country_beside_it(parser: geo.Geoparser[Any]) -> None:
    """ "BAMAKO, Mali —": the dateline's country is Mali, and the other places of the report get it."""
    text = "BAMAKO, Mali — Gunmen attacked an army convoy near Kidal on Monday, the defence ministry said."
    ((cc, _, reasons),) = _found(parser, text, "BAMAKO")
    assert cc == "ML" and INSIDE in reasons, reasons
    ((cc, _, reasons),) = _found(parser, text, "Kidal")
    assert cc == "ML" and DATELINE in reasons, reasons


@pytest.mark.parametrize(
    ("text", "name", "place"),
    [
        ("Clashes were reported in Kirkuk, Salahuddin and Diyala on Sunday.", "Kirkuk", ("IQ", "13")),
        ("Clashes were reported in Kirkuk, Diyala and Nineveh on Sunday.", "Kirkuk", ("IQ", "13")),
        # a list whose second name has two readings, neither holding the first name
        ("Storms hit Texas, Georgia and Florida over the weekend.", "Texas", ("US", "TX")),
    ],
)
def test_a_list_of_provinces_keeps_its_first_name(
    parser: geo.Geoparser[Any], text: str, name: str, place: tuple[str, str]
) -> None:
    """In a list, the name after the comma is no container: where none of its readings holds the first
    name, every candidate of the first name is equally outside it, and the first name stays where it is."""
    ((cc, adm1, reasons),) = _found(parser, text, name)
    assert (cc, adm1) == place, reasons
    assert INSIDE not in reasons


@pytest.mark.parametrize(
    ("text", "name", "kind", "country"),
    [
        ("Bee losses were reported in Georgia, Oklahoma, Pennsylvania and Ohio.", "Oklahoma", "admin1", "US"),
        ("The vaccination drive covers Benin, Ghana, Niger, Nigeria and Togo.", "Niger", "country", "NE"),
        (
            "Officials urged Armenia, Georgia, Iraq and Iran to close their markets.",
            "Georgia",
            "country",
            "GE",
        ),
    ],
)
def test_a_list_of_peers_holds_none_of_its_names(
    parser: geo.Geoparser[Any], text: str, name: str, kind: str, country: str
) -> None:
    """A state before another state, a country before another country, is one of a list: the next name
    holds none of its places.  On main's code the town of Oklahoma in Pennsylvania and Nigeria's Niger
    State were "inside the place named beside it" and won; a country of the list stays a country."""
    (res,) = [r for r in parser.parse(text).resolutions if r.mention.text == name]
    assert res.place is not None, res.reasons
    assert (res.place.kind, res.place.country_code) == (kind, country), res.reasons
    assert INSIDE not in " | ".join(res.reasons)


def test_a_state_in_a_list_is_not_sent_into_the_next(parser: geo.Geoparser[Any]) -> None:
    """ "Washington, West Virginia": West Virginia holds a town called Washington, but it follows the
    state of Washington in a list, and holds none of Washington's places."""
    ((cc, adm1, reasons),) = _found(
        parser, "Cases were found in Utah, Washington, West Virginia and Wyoming.", "Washington"
    )
    assert cc == "US" and adm1 != "WV", reasons
    assert INSIDE not in reasons


@pytest.mark.parametrize(
    "text",
    [
        "The company is based in Georgia, USA, and employs 300 people.",
        "The plant in Georgia, United States, will close in May.",
    ],
)
def test_two_names_of_one_rank_alone_are_no_list(parser: geo.Geoparser[Any], text: str) -> None:
    """The country Georgia is of the USA's rank, but no list goes on after "USA": the USA holds the
    state, which it names."""
    ((cc, adm1, reasons),) = _found(parser, text, "Georgia")
    assert (cc, adm1) == ("US", "GA"), reasons
    assert INSIDE in reasons
