"""The report's country focus (issue 10): a name votes for the focus of the report's other names, never
for its own.

Each mention votes for the countries of its first candidates; a mention's "document focus on XX (N%)"
is the share of XX in the votes of the mentions of *other* names.  A name said again is no other place:
"Vovchansk on Friday and Vovchansk on Saturday" is no report about Ukraine.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from recognition_util import resolutions_named

import geo
from geo._candidates import _votes, evidence

ROOT = Path(__file__).resolve().parent.parent

#: The focus reason: its country and percentage.
FOCUS = re.compile(r"^document focus on ([A-Z]{2}) \((\d+)%\) ")


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    return geo.Geoparser(gaz)


def _focus_of(parser: geo.Geoparser[Any], text: str, name: str) -> list[tuple[str, str | None, str | None]]:
    """For each mention of ``name`` in ``text``, in any case: its place's id, and the country and
    percentage of its focus reason (``None`` for both when it has none)."""
    out: list[tuple[str, str | None, str | None]] = []
    for res in resolutions_named(parser, text, name, any_case=True):
        assert res.place is not None, res.reasons
        hits = [hit for r in res.reasons if (hit := FOCUS.match(r))]
        assert len(hits) <= 1, res.reasons
        cc, share = (hits[0].group(1), hits[0].group(2)) if hits else (None, None)
        out.append((res.place.place_id, cc, share))
    return out


@pytest.mark.parametrize(
    "text",
    [
        "Shelling in Vovchansk on Friday.",
        "Shelling in Vovchansk on Friday and in Vovchansk on Saturday.",
        "Shelling in Vovchansk on Friday. In Vovchansk two houses burned; in VOVCHANSK the power failed.",
    ],
)
def test_a_name_said_again_gives_itself_no_focus(parser: geo.Geoparser[Any], text: str) -> None:
    found = _focus_of(parser, text, "Vovchansk")
    assert {(cc, share) for _, cc, share in found} == {(None, None)}
    assert len({place for place, _, _ in found}) == 1


def test_two_names_of_one_country_give_each_other_focus(parser: geo.Geoparser[Any]) -> None:
    text = "Shelling hit Kupiansk and Vovchansk."
    assert [cc for _, cc, _ in _focus_of(parser, text, "Kupiansk")] == ["UA"]
    assert [cc for _, cc, _ in _focus_of(parser, text, "Vovchansk")] == ["UA"]
    # a name said three times beside another still gets its focus from that other name alone
    again = (
        "Shelling in Vovchansk on Friday, in Vovchansk on Saturday, in Vovchansk on Sunday and in Kupiansk."
    )
    assert {(cc, share) for _, cc, share in _focus_of(parser, again, "Vovchansk")} == {("UA", "100")}
    assert {(cc, share) for _, cc, share in _focus_of(parser, again, "Kupiansk")} == {("UA", "100")}


@pytest.mark.parametrize(
    ("other", "country"),
    [("officials in Tyre said", "LB"), ("officials in Misrata said", "LY")],
)
def test_a_homonym_said_again_is_placed_by_the_other_names_country(
    parser: geo.Geoparser[Any], other: str, country: str
) -> None:
    """Tripoli is a city of Libya and one of Lebanon: the one other name decides, with the whole focus
    (the homonym's own votes, split between its countries, used to water it down)."""
    text = f"Clashes in Tripoli on Monday; Tripoli was calm on Tuesday, {other}."
    found = _focus_of(parser, text, "Tripoli")
    assert len(found) == 2
    assert {(cc, share) for _, cc, share in found} == {(country, "100")}
    (place_id,) = {place for place, _, _ in found}
    place = next(r.place for r in parser.parse(text).resolutions if r.mention.text == "Tripoli")
    assert place is not None and place.place_id == place_id and place.country_code == country


@dataclasses.dataclass(frozen=True)
class _Town:
    """A candidate in a country, all the focus reads of one."""

    id: int
    country_code: str
    kind: str = "city"
    admin1_code: None = None
    name: str = "Town"
    population: int = 0
    lat: float = 10.0
    lon: float = 10.0


def _report(names: list[tuple[str, list[str]]]) -> tuple[list[geo.Mention], list[list[_Town]], geo.Statement]:
    """Mentions of the given names (repeats allowed), each with candidates in the given countries."""
    text = " ".join(f"{name} ." for name, _ in names)
    statement = geo.Statement(doc="d", index=0, start=0, end=len(text), text=text)
    mentions, cands, at = [], [], 0
    for i, (name, countries) in enumerate(names):
        mentions.append(geo.Mention(doc="d", start=at, end=at + len(name), text=name, sentence=0, head=name))
        cands.append([_Town(100 * i + j, cc) for j, cc in enumerate(countries)])
        at += len(name) + 3
    return mentions, cands, statement


def test_the_focus_is_the_exact_sum_of_the_other_names_votes() -> None:
    """Each country's focus is the exact sum of the shares the other names give it (as rationals,
    rounded once), the total their count; the mentions of one name share one focus."""
    from geo._candidates import VOTE_UNITS

    names = [
        ("Alpha", ["FR", "UA"]),
        ("Beta", ["US", "RU", "FR", "UA", "BY"]),
        ("alpha", ["FR", "UA"]),
        ("Gamma", ["BY", "US", "DE"]),
        ("Beta", ["US", "RU", "FR", "UA", "BY"]),
        ("Delta", ["PL"]),
        ("Delta", []),
    ]
    mentions, cands, statement = _report(names)
    evs = evidence(mentions, cands, {0: statement}, None, dateline=None)
    for m, ev in zip(mentions, evs, strict=True):
        others = [c for n, c in zip(mentions, cands, strict=True) if n.head.casefold() != m.head.casefold()]
        want: dict[str, Fraction] = {}
        for cs in others:
            codes = sorted({c.country_code for c in cs})
            for cc in codes:
                want[cc] = want.get(cc, Fraction(0)) + Fraction(1, len(codes))
        for cc, share in ev.focus.items():
            assert share == float(want.get(cc, Fraction(0))), (m.text, cc)
        assert {cc for cc, share in ev.focus.items() if share} == set(want)
        assert ev.total == sum(1 for cs in others if cs)
    by_name: dict[str, set[int]] = {}
    for m, ev in zip(mentions, evs, strict=True):
        by_name.setdefault(m.head.casefold(), set()).add(id(ev.focus))
    assert all(len(ids) == 1 for ids in by_name.values())
    assert evs[0].focus is evs[2].focus  # "Alpha" and "alpha": one name
    assert sum(_votes(cands[1]).values()) == VOTE_UNITS


def test_a_name_said_again_is_across_the_border_from_the_other_names_country() -> None:
    """The report's own country, for "the border with X", is the one the other names vote for: X said
    many times does not make its own country the report's."""
    names = [("Texas", ["US"])] * 4 + [("Chihuahua", ["MX"]), ("Texas", ["US"])]
    mentions, cands, _ = _report(names)
    text = "Texas . Texas . Texas . Texas . Chihuahua . Troops moved along the border with Texas ."
    statement = geo.Statement(doc="d", index=0, start=0, end=len(text), text=text)
    starts = [m.start() for m in re.finditer(r"Texas|Chihuahua", text)]
    mentions = [
        dataclasses.replace(m, start=a, end=a + len(m.text)) for m, a in zip(mentions, starts, strict=True)
    ]
    evs = evidence(mentions, cands, {0: statement}, None, dateline=None)
    assert [ev.home for ev in evs] == [None] * 5 + ["MX"]


_SEEDED = """
import json, sys
sys.path.insert(0, "tests")
from test_focus import _report
from geo._candidates import evidence

five, three = ["US", "RU", "FR", "UA", "BY"], ["BY", "US", "DE"]
names = [("N0", ["FR", "UA"]), ("N1", five), ("N0", ["FR", "UA"]), ("N2", three),
         ("N3", ["PL", "DE", "RU", "GE", "BY"]), ("N1", five), ("N4", ["GE", "RU"]), ("N2", three)]
mentions, cands, statement = _report(names)
evs = evidence(mentions, cands, {0: statement}, None, dateline=None)
print(json.dumps([[repr(ev.total)] + [f"{cc} ({n / ev.total:.0%}) {n!r}" for cc, n in ev.focus.items()]
                  for ev in evs]))
"""


def test_the_focus_of_repeated_names_does_not_depend_on_the_hash_seed() -> None:
    """Summed by name, in whatever order a set gives: the same shares and percentages under any seed."""
    outputs = []
    for seed in ("0", "1", "2", "6"):
        proc = subprocess.run(
            [sys.executable, "-c", _SEEDED],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONHASHSEED=seed),
            cwd=ROOT,
            check=True,
        )
        outputs.append(json.loads(proc.stdout))
    assert len(outputs[0]) == 8 and all(len(row) > 3 for row in outputs[0])
    assert outputs[0][0] == outputs[0][2]  # one name, one focus
    assert all(out == outputs[0] for out in outputs[1:])
