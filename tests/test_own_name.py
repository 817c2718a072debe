"""A place known by a name only as another name, against a city that bears it as its own (issue 10).

GeoNames lists "Cancun" among Changchun's alternate names; Cancún bears it (without its accent) as its
own.  A report that writes the bare name means the city that bears it, unless the bearer is too small
to speak for it ("Cologne": a village in Minnesota bears the name, and Köln is still meant).
"""

from __future__ import annotations

from typing import Any

import pytest
from recognition_util import mention_in, place_named

import geo
from geo import _scoring
from geo._candidates import candidates, evidence


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    return geo.Geoparser(gaz)


def _features(gaz: Any, text: str, name: str) -> dict[tuple[str, str | None], set[str]]:
    """The feature keys of each candidate (name, country) of the mention ``name`` in ``text``."""
    mention, statement = mention_in(text, name)
    (cands,) = [candidates(mention, gaz)]
    (ev,) = evidence([mention], [cands], {0: statement}, gaz, dateline=None)
    out: dict[tuple[str, str | None], set[str]] = {}
    for c in cands:
        out.setdefault((c.name, c.country_code), set()).update(
            k for k, _, _ in _scoring.features(mention, c, ev)
        )
    return out


@pytest.mark.parametrize(
    ("text", "name", "country", "place"),
    [
        # Changchun (4.7 million) is also called "Cancun"; Cancún (890,000) bears the name
        ("Gunmen opened fire at a beach bar in Cancun on Saturday night.", "Cancun", "MX", "Cancún"),
        # Jaipur (3 million) is also called "Jayapura"; Jayapura, Papua's capital, bears the name
        ("Heavy rain flooded several districts of Jayapura this week.", "Jayapura", "ID", "Jayapura"),
    ],
)
def test_a_city_that_bears_the_name_beats_a_larger_one_known_by_it_only_as_another_name(
    parser: geo.Geoparser[Any], text: str, name: str, country: str, place: str
) -> None:
    found = place_named(parser, text, name)
    assert (found.name, found.country_code) == (place, country), found


def test_the_reason_says_another_place_bears_the_name(gaz: Any) -> None:
    """The larger city known by the name only as another name is marked, in words an analyst reads;
    the bearer itself is not."""
    text = "Tourists were robbed near a hotel in Cancun on Sunday."
    keys = _features(gaz, text, "Cancun")
    assert "name_other_bears_own" in keys[("Changchun", "CN")]
    assert "name_other_bears_own" not in keys[("Cancún", "MX")]
    mention, statement = mention_in(text, "Cancun")
    (cands,) = [candidates(mention, gaz)]
    (ev,) = evidence([mention], [cands], {0: statement}, gaz, dateline=None)
    (changchun,) = [_scoring.score(mention, c, ev) for c in cands if c.name == "Changchun"]
    assert any(r.startswith("another place bears the name as its own -") for r in changchun.reasons)


def test_a_village_bearing_an_exonym_does_not_pull_the_city_down(
    gaz: Any, parser: geo.Geoparser[Any]
) -> None:
    """Köln is "Cologne" only by another name, and villages in Italy, Minnesota and France bear it as
    their own: too small to speak for the bare name, so the feature stays off and Köln is still meant."""
    text = "Thousands marched through Cologne on Saturday against the new law."
    keys = _features(gaz, text, "Cologne")
    assert "name_alternate_only" in keys[("Köln", "DE")]
    assert "name_other_bears_own" not in keys[("Köln", "DE")]
    found = place_named(parser, text, "Cologne")
    assert (found.name, found.country_code) == ("Köln", "DE"), found


def test_a_province_bearing_the_name_leaves_the_city_to_the_older_feature(gaz: Any) -> None:
    """New York City is "New York" by another name and the state bears it; a province's name is weighed
    by name_alternate_only alone, so the city is not marked twice (news means the city)."""
    keys = _features(gaz, "Prices rose again in New York last month.", "New York")
    city = keys[("New York City", "US")]
    assert "name_alternate_only" in city
    assert "name_other_bears_own" not in city
