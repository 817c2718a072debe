"""One place per name within a report (issue 10): the mention that the place named beside it settles
("Athens, Greece") places the name's other, bare mentions (geo/_resolve.py, ``_one_sense``).

Each mention is ranked on its own evidence, and only the one with the container knows which Athens the
report means; the bare "Athens" of a report that also names American towns would otherwise go to the
largest American Athens.
"""

from __future__ import annotations

from typing import Any

import pytest
from recognition_util import resolutions_named

import geo

#: Reports that name American places around a Greek Athens: the country focus speaks for the US.
AMERICAN_CONTEXT = "Clinics in Chicago and Boston reported new cases, as did hospitals in Toronto."

#: The reason a settled mention gets.
SETTLED = "the same name is placed here elsewhere in the report"


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    return geo.Geoparser(gaz)


def _places(parser: geo.Geoparser[Any], text: str, name: str) -> list[tuple[str | None, tuple[str, ...]]]:
    """For each mention whose text is ``name``: its place's country (``None`` when unresolved) and its
    reasons."""
    return [
        (res.place.country_code if res.place is not None else None, res.reasons)
        for res in resolutions_named(parser, text, name)
    ]


@pytest.mark.parametrize(
    "text",
    [
        # the qualified mention first, then the bare name twice
        "Doctors in Athens, Greece, confirmed the first case on Monday. "
        + AMERICAN_CONTEXT
        + " Officials in Athens said a second patient was isolated. Schools in Athens stayed open.",
        # the bare name first, the qualified one later
        "Officials in Athens said a patient was isolated. "
        + AMERICAN_CONTEXT
        + " The patient had flown home to Athens, Greece, a week earlier.",
    ],
)
def test_the_container_places_the_bare_mentions(parser: geo.Geoparser[Any], text: str) -> None:
    found = _places(parser, text, "Athens")
    assert len(found) >= 2
    assert [cc for cc, _ in found] == ["GR"] * len(found)
    bare = [reasons for _, reasons in found if any(r.startswith(SETTLED) for r in reasons)]
    assert bare, found  # without the settled reading the bare ones go to the US
    assert all(f"{SETTLED} (Athens, Greece)" in reasons for reasons in bare)


def test_without_a_container_each_mention_keeps_its_own_reading(parser: geo.Geoparser[Any]) -> None:
    text = (
        "Officials in Athens said a patient was isolated. "
        + AMERICAN_CONTEXT
        + " Schools in Athens stayed open."
    )
    found = _places(parser, text, "Athens")
    assert [cc for cc, _ in found] == ["US", "US"]  # Athens, Georgia, as main reads the bare name
    assert not any(r.startswith(SETTLED) for _, reasons in found for r in reasons)


def test_two_containers_that_place_a_name_apart_are_both_kept(parser: geo.Geoparser[Any]) -> None:
    # one report may mean two places of a name when it says so: neither container places the bare name
    text = (
        "A conference in Athens, Greece, heard from researchers of Athens, Texas. "
        "They return to Athens next week."
    )
    found = _places(parser, text, "Athens")
    assert [cc for cc, _ in found[:2]] == ["GR", "US"]
    assert not any(r.startswith(SETTLED) for _, reasons in found for r in reasons)


def test_georgia_the_country_stays_the_country(parser: geo.Geoparser[Any]) -> None:
    text = (
        "Protests spread across Georgia on Monday. Police in Tbilisi, Georgia, detained twenty people, "
        "and the government of Georgia called for calm. Armenia and Azerbaijan watched Georgia closely."
    )
    found = _places(parser, text, "Georgia")
    assert [cc for cc, _ in found] == ["GE"] * len(found)


def test_the_province_form_is_not_the_town(parser: geo.Geoparser[Any]) -> None:
    # "Aleppo, Syria" settles the town; "Aleppo province" is another form and keeps the province
    text = (
        "Shelling hit Aleppo, Syria, on Monday. Fighting spread across Aleppo province and Idlib "
        "province, and the road to Aleppo was cut."
    )
    resolutions = parser.parse(text).resolutions
    kinds = {
        (res.mention.form, res.place.kind)
        for res in resolutions
        if res.mention.head == "Aleppo" and res.place is not None
    }
    assert kinds == {("name", "city"), ("province", "admin1")}


def test_a_mention_in_the_settled_province_keeps_its_kind(parser: geo.Geoparser[Any]) -> None:
    # "Kherson, Ukraine" settles the town; the governor's "Kherson" is its province, the same place
    text = "Shelling hit Kherson, Ukraine, on Monday. Officials said the governor of Kherson had left."
    found = [
        (res.place.kind, res.reasons)
        for res in parser.parse(text).resolutions
        if res.mention.text == "Kherson" and res.place is not None
    ]
    assert [kind for kind, _ in found] == ["city", "admin1"]
    assert not any(r.startswith(SETTLED) for _, reasons in found for r in reasons)
