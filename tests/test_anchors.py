"""Anchors (issue 10): a town that needs no ranking helps place the report's other names, never itself.

A mention with a single candidate is an anchor; a town near an anchor gets "N km from another place of
the report".  The anchor a mention is measured against must come from another name: its own point, or
that of its name said again, is no other place.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from recognition_util import place_named, resolutions_named

import geo
from geo._candidates import candidates, evidence
from geo._gazetteer import point_of
from geo._types import Coordinate, nearest_km

#: The reason a town near another name's anchor gets (its number is the distance).
NEAR_OTHER = re.compile(r"^(\d+) km from another place of the report ")


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    return geo.Geoparser(gaz)


def _near_other_km(parser: geo.Geoparser[Any], text: str, name: str) -> list[int | None]:
    """For each mention of ``name`` in ``text``: the km of its near-another-place reason, or ``None``."""
    out: list[int | None] = []
    for res in resolutions_named(parser, text, name):
        assert res.place is not None, res.reasons
        kms = [int(hit.group(1)) for r in res.reasons if (hit := NEAR_OTHER.match(r))]
        assert len(kms) <= 1, res.reasons
        out.append(kms[0] if kms else None)
    return out


@pytest.mark.parametrize(
    "text",
    [
        # Vovchansk has one candidate: alone, or said twice, no other place lies near it
        "Shelling in Vovchansk on Friday.",
        "Shelling in Vovchansk on Friday and in Vovchansk on Saturday.",
        # the other name of the report has several candidates, so it anchors nothing
        "Shelling hit Zolochiv and Vovchansk.",
    ],
)
def test_a_lone_town_is_not_near_another_place_of_the_report(parser: geo.Geoparser[Any], text: str) -> None:
    assert set(_near_other_km(parser, text, "Vovchansk")) == {None}


def test_two_lone_towns_near_each_other_each_count_the_other(parser: geo.Geoparser[Any], gaz: Any) -> None:
    text = "Shelling hit Kupiansk and Vovchansk."
    (kupiansk,) = _near_other_km(parser, text, "Kupiansk")
    (vovchansk,) = _near_other_km(parser, text, "Vovchansk")
    # each is measured against the other (some 80 km apart), not against itself (0 km)
    assert kupiansk == vovchansk
    assert kupiansk is not None and 50 < kupiansk < 120


def test_a_homonym_is_still_decided_by_a_nearby_lone_town(parser: geo.Geoparser[Any]) -> None:
    """Zolochiv is a larger town in Lviv oblast and a smaller one in Kharkiv oblast, beside Vovchansk."""
    alone = place_named(parser, "Troops left Zolochiv.", "Zolochiv")
    assert (alone.country_code, alone.admin1_code) == ("UA", "15")
    text = "Shelling hit Zolochiv and Vovchansk."
    beside = place_named(parser, text, "Zolochiv")
    assert (beside.country_code, beside.admin1_code) == ("UA", "07")
    (km,) = _near_other_km(parser, text, "Zolochiv")
    assert km is not None and km > 0


def test_a_mention_leaves_out_only_the_anchors_its_own_name_gives(gaz: Any) -> None:
    text = "Shelling hit Kupiansk, Vovchansk and Kupiansk."
    statement = geo.Statement(doc="d", index=0, start=0, end=len(text), text=text)
    mentions = []
    for name, at in (("Kupiansk", 13), ("Vovchansk", 23), ("Kupiansk", 37)):
        assert text[at : at + len(name)] == name
        mentions.append(geo.Mention(doc="d", start=at, end=at + len(name), text=name, sentence=0, head=name))
    cands = [candidates(m, gaz) for m in mentions]
    assert [len(cs) for cs in cands] == [1, 1, 1]
    kupiansk, vovchansk = point_of(cands[0][0]), point_of(cands[1][0])
    evs = evidence(mentions, cands, {0: statement}, gaz, dateline=None)
    # one tuple of anchors for all (prepared once for distances), each name skipping its own
    assert all(ev.anchors is evs[0].anchors for ev in evs)
    assert set(evs[0].anchors) == {kupiansk, vovchansk}
    assert [ev.own_anchors for ev in evs] == [(kupiansk,), (vovchansk,), (kupiansk,)]
    between = kupiansk.km_to(vovchansk)
    assert [ev.nearest_km(kupiansk) for ev in evs] == [between, 0.0, between]
    assert [ev.nearest_km(vovchansk) for ev in evs] == [0.0, vovchansk.km_to(kupiansk), 0.0]


_POINTS = st.builds(
    Coordinate,
    lat=st.floats(min_value=-89.0, max_value=89.0),
    lon=st.floats(min_value=-179.0, max_value=179.0),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_POINTS, min_size=0, max_size=40), st.data())
def test_nearest_km_excluding_is_the_minimum_over_the_points_left(
    points: list[Coordinate], data: Any
) -> None:
    """Over few points (a loop) and many (numpy), with some of them left out, the same float as a loop."""
    point = data.draw(_POINTS)
    excluding = tuple(data.draw(st.lists(st.sampled_from(points), max_size=3))) if points else ()
    anchors = tuple(points * 2)
    want = min((point.km_to(p) for p in anchors if p not in excluding), default=math.inf)
    assert nearest_km(point, anchors, excluding=excluding) == want
    assert nearest_km(point, anchors, excluding=excluding) == want  # asked again: the memo
    # the same prepared points still answer without the exclusion
    assert nearest_km(point, anchors) == min((point.km_to(p) for p in anchors), default=math.inf)
