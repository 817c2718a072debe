"""Span finding of the benchmark baselines (benchmarks/baselines.py) on sentences written for these tests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from baselines import (
    GeotextBaseline,
    LongestMatchBaseline,
    SpacyPopulationBaseline,
    _name_spans,
    capitalised_runs,
    load_spacy,
    spacy_ner_only,
)


def _spans(preds: list[Any]) -> list[str]:
    return [p.text for p in preds]


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_spacy()


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # whole words only: the adjective is not a mention of the city
        ("Parisian cafes in Paris stayed open.", ["Paris"], [(18, 23)]),
        # every occurrence
        ("Cairo said; then Cairo denied it.", ["Cairo"], [(0, 5), (17, 22)]),
        # the longer name wins where two overlap, the shorter one still counts elsewhere
        ("Trains between New York and York ran late.", ["York", "New York"], [(15, 23), (28, 32)]),
    ],
)
def test_name_spans(text: str, names: list[str], expected: list[tuple[int, int]]) -> None:
    assert _name_spans(text, names) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Officials in New York City said so.", [["Officials"], ["New", "York", "City"]]),
        # a newline or punctuation ends a run
        ("Abu Dhabi\nBerlin, Rome", [["Abu", "Dhabi"], ["Berlin"], ["Rome"]]),
        ("no capitals here", []),
    ],
)
def test_capitalised_runs(text: str, expected: list[list[str]]) -> None:
    assert [[text[s:e] for s, e in run] for run in capitalised_runs(text)] == expected


def test_geotext_finds_cities_and_countries_with_points(gaz: Any) -> None:
    text = "Trains between New York and York ran late, and Norway sent help."
    preds = GeotextBaseline(gaz)(text)
    assert _spans(preds) == ["New York", "York", "Norway"]
    assert all(text[p.start : p.end] == p.text for p in preds)
    new_york, york, norway = preds
    assert new_york.lat == pytest.approx(40.7, abs=0.5)
    # the most populous York is the English one
    assert york.lat == pytest.approx(54.0, abs=0.5)
    assert norway.lat is not None and norway.lat > 55  # resolved as the country


def test_spacy_baseline_strips_the_and_resolves_countries(gaz: Any, nlp: Any) -> None:
    text = "Aid reached the United States and the Netherlands last week."
    preds = SpacyPopulationBaseline(gaz, nlp)(text)
    assert _spans(preds) == ["United States", "Netherlands"]
    assert preds[0].lat == pytest.approx(39.5, abs=2)


def test_spacy_baseline_keeps_only_place_labels(gaz: Any, nlp: Any) -> None:
    preds = SpacyPopulationBaseline(gaz, nlp)("She flew from London to Paris on Monday.")
    assert _spans(preds) == ["London", "Paris"]


def test_longest_match_prefers_the_longest_known_ngram(gaz: Any) -> None:
    text = "Officials in New York City met envoys from Abu Dhabi."
    preds = LongestMatchBaseline(gaz)(text)
    assert "New York City" in _spans(preds)
    assert "Abu Dhabi" in _spans(preds)
    assert not {"New York", "York", "Abu"} & set(_spans(preds))


def test_longest_match_does_not_filter(gaz: Any) -> None:
    # No model and no filtering: any capitalised word the gazetteer knows is a mention.
    preds = LongestMatchBaseline(gaz)("She flew to London.")
    assert _spans(preds) == ["She", "London"]


def test_predict_all_matches_one_by_one(gaz: Any, nlp: Any) -> None:
    texts = ["Rain fell on Lisbon.", "Madrid and Lisbon signed.", ""]
    for baseline in (GeotextBaseline(gaz), LongestMatchBaseline(gaz), SpacyPopulationBaseline(gaz, nlp)):
        assert list(baseline.predict_all(texts)) == [baseline(t) for t in texts], baseline.name


def test_spacy_ner_only_returns_entities_per_text(nlp: Any) -> None:
    ents = spacy_ner_only(["She flew from London to Paris.", "nothing"], nlp=nlp)
    assert len(ents) == 2
    assert ("London", "GPE") in [("She flew from London to Paris."[s:e], label) for s, e, label in ents[0]]
