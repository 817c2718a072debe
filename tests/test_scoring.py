"""Scoring: one frozen weights value from geo/data/weights.toml, amounts in the reasons, one scale."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from typing import Any

import pytest

import geo
from geo import _scoring

AMOUNT = re.compile(r" ([+-]\d+\.\d\d)$")


def test_weights_are_one_frozen_value() -> None:
    weights = geo.load_weights()
    with pytest.raises(dataclasses.FrozenInstanceError):
        weights.min_score = 0.0  # type: ignore[misc]
    raw = tomllib.loads((_scoring.importlib.resources.files("geo") / "data" / "weights.toml").read_text())
    assert geo.MIN_SCORE == weights.min_score == raw["min_score"]
    assert weights.feature_amount("PPLC") == raw["feature_code"]["PPLC"]
    assert weights.feature_amount(None) == 0.0


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("min_score = 0.3\n", r"missing weights \['context_across_border'"),
        ("min_score = 'high'\n", r"min_score: must be a number, got 'high'"),
        ("min_score = [\n", r"not valid TOML"),
    ],
)
def test_a_bad_weights_file_names_the_key(toml: str, message: str) -> None:
    with pytest.raises(geo.WeightsError, match=message):
        _scoring._parse_weights(toml, "weights.toml")


def test_an_unknown_weight_is_refused() -> None:
    raw = (_scoring.importlib.resources.files("geo") / "data" / "weights.toml").read_text(encoding="utf-8")
    with pytest.raises(geo.WeightsError, match=r"unknown weights \['name_typo'\]"):
        _scoring._parse_weights(raw.replace("[name]\n", "[name]\ntypo = 1\n"), "weights.toml")


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    return geo.Geoparser(gaz)


@pytest.mark.parametrize(
    "sentence",
    [
        "Shelling hit Saraqib and Idlib on Monday.",
        "Talks were held in Paris, Texas.",
        "Troops entered Kherson in Ukraine.",
    ],
)
def test_reasons_carry_amounts_that_add_up_to_the_score(parser: geo.Geoparser[Any], sentence: str) -> None:
    for res in parser.parse(sentence).resolutions:
        if res.place is None or res.mention.form == "between":
            continue
        amounts = [float(m.group(1)) for r in res.reasons if (m := AMOUNT.search(r))]
        assert amounts, res.reasons
        assert res.score == pytest.approx(min(max(sum(amounts), 0.0), 1.0), abs=0.03)
        assert 0.0 <= res.score <= 1.0


@pytest.mark.parametrize("min_score", [None, 0.7])
def test_min_score_is_on_the_scale_users_see(
    parser: geo.Geoparser[Any], monkeypatch: pytest.MonkeyPatch, min_score: float | None
) -> None:
    """An unresolved mention reports the score of its best candidate, under MIN_SCORE, on the same
    scale as a resolved one (with the fitted weights a London district of 16,000 people scores about
    0.6: a threshold of 0.7, as a user may set in weights.toml, leaves it unresolved)."""
    from geo import _resolve

    if min_score is not None:
        monkeypatch.setattr(_resolve, "MIN_SCORE", min_score)
    threshold = _resolve.MIN_SCORE
    resolutions = parser.parse("He grew up in Norbury and moved to Chad.").resolutions
    if min_score is not None:
        assert any(res.place is None and "no good candidate" in res.reasons for res in resolutions)
    assert any(res.place is not None for res in resolutions)
    for res in resolutions:
        if res.place is None and "no good candidate" in res.reasons:
            assert res.score < threshold
        elif res.place is not None:
            assert res.score >= threshold


def test_a_changed_weight_changes_the_score(gaz: Any) -> None:
    """A newcomer edits one number of weights.toml; scoring reads nothing else."""
    from geo._candidates import candidates, evidence

    mention = geo.Mention(doc="d", start=9, end=15, text="Turkey", sentence=0, head="Turkey")
    statement = geo.Statement(doc="d", index=0, start=0, end=16, text="Shelling Turkey.")
    cands = candidates(mention, gaz)
    (ev,) = evidence([mention], [cands], {0: statement}, gaz, dateline=None)
    country = next(c for c in cands if c.kind == "country")
    weights = geo.load_weights()
    before = _scoring.score(mention, country, ev, weights)
    after = _scoring.score(mention, country, ev, dataclasses.replace(weights, kind_country=0.1))
    assert f"country {weights.kind_country:+.2f}" in before.reasons and "country +0.10" in after.reasons
    assert before.score - after.score == pytest.approx(weights.kind_country - 0.1)


@pytest.mark.parametrize(
    ("sentence", "name", "reason"),
    [
        # English copy drops accents and writes articles with a hyphen: the town's own name, closer than
        # any folded key match ("Bogota" is not one: GeoNames lists it as an alternate name)
        (
            "Clashes were reported in al-Bab on Monday.",
            "Al Bāb",
            "name differs in accents or hyphens (Al Bāb)",
        ),
        ("Airstrikes hit al-Mayadin.", "Al Mayādīn", "name differs in accents or hyphens (Al Mayādīn)"),
    ],
)
def test_a_name_without_its_accents_is_scored_as_such(
    parser: geo.Geoparser[Any], sentence: str, name: str, reason: str
) -> None:
    (res,) = [r for r in parser.parse(sentence).resolutions if r.place is not None]
    assert res.place is not None and res.place.name == name
    weights = geo.load_weights()
    assert any(r.startswith(reason) for r in res.reasons), res.reasons
    assert weights.name_folded < weights.name_differs_in_accents <= weights.name_differs_in_case
