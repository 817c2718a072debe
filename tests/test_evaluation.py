"""Tests of geo.evaluation: matching, exclusions, resolution errors, AUC, corpus-line checks.

All cases are hand-made and computed by hand.  Offsets refer to this sentence::

    Shelling hit Aleppo province and Idlib.
    0         1         2         3
    0123456789012345678901234567890123456789
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from typing import Any

import pytest

from geo.evaluation import (
    EXCLUDED_TYPES,
    PRF,
    CorpusFormatError,
    GoldToponym,
    Predicted,
    Scores,
    error_auc,
    format_scores,
    load_corpus_line,
    score,
)

TEXT = "Shelling hit Aleppo province and Idlib."

# Known geodesic (WGS84) distances from (0, 0): one degree of latitude ≈ 110.574 km.
ONE_DEG_KM = 110.574
TWO_DEG_KM = 221.149
PARIS = (48.8566, 2.3522)
LONDON = (51.5074, -0.1278)
PARIS_LONDON_KM = 343.9


def gold(
    start: int,
    end: int,
    lat: float | None = 0.0,
    lon: float | None = 0.0,
    type: str | None = None,
) -> GoldToponym:
    return GoldToponym(start=start, end=end, name=TEXT[start:end], lat=lat, lon=lon, type=type)


def pred(start: int, end: int, lat: float | None = 0.0, lon: float | None = 0.0) -> Predicted:
    return Predicted(start=start, end=end, text=TEXT[start:end], lat=lat, lon=lon)


ALEPPO = (13, 19)
ALEPPO_PROVINCE = (13, 28)
PROVINCE = (20, 28)
IDLIB = (33, 38)
SHELLING = (0, 8)


def test_offsets_of_the_sentence() -> None:
    assert TEXT[slice(*ALEPPO)] == "Aleppo"
    assert TEXT[slice(*ALEPPO_PROVINCE)] == "Aleppo province"
    assert TEXT[slice(*PROVINCE)] == "province"
    assert TEXT[slice(*IDLIB)] == "Idlib"
    assert TEXT[slice(*SHELLING)] == "Shelling"


# --- recognition ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("golds", "preds", "exact", "overlap"),
    [
        pytest.param([gold(*ALEPPO)], [pred(*ALEPPO)], (1, 0, 0), (1, 0, 0), id="same-span"),
        pytest.param([gold(*ALEPPO)], [pred(*ALEPPO_PROVINCE)], (0, 1, 1), (1, 0, 0), id="compound"),
        pytest.param(
            [gold(*ALEPPO)], [pred(*ALEPPO), pred(*ALEPPO_PROVINCE)], (1, 1, 0), (1, 1, 0), id="two-on-one"
        ),
        pytest.param(
            [gold(*ALEPPO)], [pred(13, 16), pred(16, 19)], (0, 2, 1), (1, 1, 0), id="two-halves-on-one"
        ),
        pytest.param([gold(*ALEPPO), gold(*IDLIB)], [pred(13, 38)], (0, 1, 2), (1, 0, 1), id="one-on-two"),
        pytest.param([gold(*ALEPPO)], [pred(*ALEPPO), pred(*ALEPPO)], (1, 1, 0), (1, 1, 0), id="duplicate"),
        pytest.param([gold(*ALEPPO)], [pred(*SHELLING)], (0, 1, 1), (0, 1, 1), id="no-overlap"),
        pytest.param([gold(*ALEPPO)], [pred(19, 28)], (0, 1, 1), (0, 1, 1), id="touching-not-overlapping"),
        pytest.param([gold(*ALEPPO)], [], (0, 0, 1), (0, 0, 1), id="nothing-predicted"),
        pytest.param([], [pred(*ALEPPO)], (0, 1, 0), (0, 1, 0), id="no-gold"),
        pytest.param([], [], (0, 0, 0), (0, 0, 0), id="empty"),
        pytest.param(
            [gold(*ALEPPO)], [pred(*ALEPPO, lat=None, lon=None)], (1, 0, 0), (1, 0, 0), id="unresolved-counts"
        ),
        pytest.param(
            [gold(*ALEPPO), gold(*IDLIB)],
            [pred(*ALEPPO_PROVINCE), pred(*IDLIB), pred(*SHELLING)],
            (1, 2, 1),
            (2, 1, 0),
            id="mixed",
        ),
    ],
)
def test_recognition_counts(
    golds: list[GoldToponym],
    preds: list[Predicted],
    exact: tuple[int, int, int],
    overlap: tuple[int, int, int],
) -> None:
    result = score([(golds, preds, None)])
    assert (result.exact.tp, result.exact.fp, result.exact.fn) == exact
    assert (result.overlap.tp, result.overlap.fp, result.overlap.fn) == overlap
    assert result.n_gold == len(golds)
    assert result.n_pred == len(preds)


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "precision", "recall", "f1"),
    [
        (0, 0, 0, 0.0, 0.0, 0.0),
        (1, 0, 0, 1.0, 1.0, 1.0),
        (1, 1, 0, 0.5, 1.0, 2 / 3),
        (1, 1, 2, 0.5, 1 / 3, 0.4),
        (0, 3, 2, 0.0, 0.0, 0.0),
    ],
)
def test_prf_from_counts(tp: int, fp: int, fn: int, precision: float, recall: float, f1: float) -> None:
    prf = PRF.from_counts(tp, fp, fn)
    assert (prf.tp, prf.fp, prf.fn) == (tp, fp, fn)
    assert prf.precision == pytest.approx(precision)
    assert prf.recall == pytest.approx(recall)
    assert prf.f1 == pytest.approx(f1)


def test_overlap_prefers_the_exact_span_when_overlaps_tie() -> None:
    # Both predictions overlap "Aleppo" by 6 characters; the exact one wins whatever the order,
    # so the far-off point of "Aleppo province" is never scored.
    preds = [pred(*ALEPPO_PROVINCE, lat=10.0, lon=0.0), pred(*ALEPPO, lat=0.0, lon=0.0)]
    result = score([([gold(*ALEPPO)], preds, None)])
    assert result.overlap.tp == 1
    assert result.n_resolved_pairs == 1
    assert result.mean_km == pytest.approx(0.0)


def test_overlap_takes_the_largest_overlap_first() -> None:
    # "Aleppo province" overlaps "Aleppo" by 6 and "province" by 8: it goes to "province", and the
    # point it carries is scored against the gold point of "province".
    golds = [gold(*ALEPPO, lat=0.0, lon=0.0), gold(*PROVINCE, lat=1.0, lon=0.0)]
    result = score([(golds, [pred(*ALEPPO_PROVINCE, lat=1.0, lon=0.0)], None)])
    assert (result.overlap.tp, result.overlap.fp, result.overlap.fn) == (1, 0, 1)
    assert result.mean_km == pytest.approx(0.0)


# --- excluded types ------------------------------------------------------------------------------


def test_excluded_types() -> None:
    assert frozenset({"Homonym", "Language"}) == EXCLUDED_TYPES


@pytest.mark.parametrize(
    ("golds", "preds", "n_gold", "n_pred", "overlap", "n_gold_with_coords"),
    [
        pytest.param(
            [gold(*ALEPPO, type="Homonym")], [pred(*ALEPPO)], 0, 0, (0, 0, 0), 0, id="only-excluded-hit"
        ),
        pytest.param(
            [gold(*ALEPPO, type="Language")],
            [pred(*ALEPPO_PROVINCE)],
            0,
            0,
            (0, 0, 0),
            0,
            id="overlaps-excluded",
        ),
        pytest.param(
            [gold(*ALEPPO, type="Homonym")], [pred(*IDLIB)], 0, 1, (0, 1, 0), 0, id="elsewhere-is-fp"
        ),
        pytest.param(
            [gold(*ALEPPO, type="Homonym"), gold(*IDLIB, type="Literal")],
            [pred(*ALEPPO), pred(*IDLIB)],
            1,
            1,
            (1, 0, 0),
            1,
            id="mixed-types",
        ),
        pytest.param(
            [gold(*ALEPPO, type="Homonym"), gold(*PROVINCE, type="Literal")],
            [pred(*ALEPPO_PROVINCE)],
            1,
            1,
            (1, 0, 0),
            1,
            id="overlaps-both-counts",
        ),
        pytest.param([gold(*ALEPPO, type="Homonym")], [], 0, 0, (0, 0, 0), 0, id="missed-excluded-is-not-fn"),
    ],
)
def test_excluded_gold(
    golds: list[GoldToponym],
    preds: list[Predicted],
    n_gold: int,
    n_pred: int,
    overlap: tuple[int, int, int],
    n_gold_with_coords: int,
) -> None:
    result = score([(golds, preds, None)])
    assert (result.n_gold, result.n_pred) == (n_gold, n_pred)
    assert (result.overlap.tp, result.overlap.fp, result.overlap.fn) == overlap
    assert result.n_gold_with_coords == n_gold_with_coords


# --- resolution ----------------------------------------------------------------------------------


def _pairs(points: list[tuple[tuple[float, float], tuple[float, float]]]) -> Scores:
    """One document per (gold point, predicted point), each a matched "Aleppo"."""
    return score(
        [([gold(*ALEPPO, lat=g[0], lon=g[1])], [pred(*ALEPPO, lat=p[0], lon=p[1])], None) for g, p in points]
    )


@pytest.mark.parametrize(
    ("points", "acc161", "mean_km", "median_km"),
    [
        pytest.param([((0, 0), (0, 0))], 1.0, 0.0, 0.0, id="same-point"),
        pytest.param([((0, 0), (1, 0))], 1.0, ONE_DEG_KM, ONE_DEG_KM, id="one-degree"),
        pytest.param([((0, 0), (2, 0))], 0.0, TWO_DEG_KM, TWO_DEG_KM, id="two-degrees"),
        pytest.param([(PARIS, LONDON)], 0.0, PARIS_LONDON_KM, PARIS_LONDON_KM, id="paris-london"),
        pytest.param([((0, 0), (1.45, 0))], 1.0, 160.333, 160.333, id="just-inside-161"),
        pytest.param([((0, 0), (1.46, 0))], 0.0, 161.439, 161.439, id="just-outside-161"),
        pytest.param(
            [((0, 0), (0, 0)), ((0, 0), (1, 0)), ((0, 0), (2, 0))],
            2 / 3,
            (ONE_DEG_KM + TWO_DEG_KM) / 3,
            ONE_DEG_KM,
            id="three-odd-median",
        ),
        pytest.param(
            [((0, 0), (0, 0)), ((0, 0), (2, 0))], 0.5, TWO_DEG_KM / 2, TWO_DEG_KM / 2, id="two-even-median"
        ),
        pytest.param(
            [((0, 0), (0, 0)), ((0, 0), (0, 0)), ((0, 0), (0, 0)), (PARIS, LONDON)],
            0.75,
            PARIS_LONDON_KM / 4,
            0.0,
            id="median-robust",
        ),
    ],
)
def test_resolution_errors(
    points: list[tuple[tuple[float, float], tuple[float, float]]],
    acc161: float,
    mean_km: float,
    median_km: float,
) -> None:
    result = _pairs(points)
    assert result.n_resolved_pairs == len(points)
    assert result.acc161 == pytest.approx(acc161)
    assert result.mean_km == pytest.approx(mean_km, abs=0.1)
    assert result.median_km == pytest.approx(median_km, abs=0.1)
    assert result.found_within_161 == pytest.approx(acc161)


@pytest.mark.parametrize(
    ("golds", "preds"),
    [
        pytest.param([gold(*ALEPPO)], [pred(*ALEPPO, lat=None, lon=None)], id="unresolved-prediction"),
        pytest.param([gold(*ALEPPO)], [pred(*ALEPPO, lat=1.0, lon=None)], id="half-a-point"),
        pytest.param([gold(*ALEPPO, lat=None, lon=None)], [pred(*ALEPPO)], id="gold-without-point"),
        pytest.param([gold(*ALEPPO)], [pred(*IDLIB)], id="not-matched"),
    ],
)
def test_no_resolution_pairs(golds: list[GoldToponym], preds: list[Predicted]) -> None:
    result = score([(golds, preds, None)])
    assert result.n_resolved_pairs == 0
    assert result.acc161 == 0.0
    assert (result.mean_km, result.median_km, result.auc) == (None, None, None)
    assert result.found_within_161 == 0.0


# --- AUC -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        pytest.param([0.0], 0.0, id="zero"),
        pytest.param([0.0, 0.0, 0.0], 0.0, id="all-zero"),
        pytest.param([20039.0], 1.0, id="max"),
        pytest.param([0.0, 20039.0], 0.5, id="half"),
        pytest.param([math.e**2 - 1], 2 / math.log(20039), id="ln-is-2"),
        pytest.param([math.e - 1, math.e**3 - 1], 2 / math.log(20039), id="mean-of-logs"),
        pytest.param([math.e**3 - 1, math.e - 1], 2 / math.log(20039), id="order-free"),
    ],
)
def test_error_auc(errors: list[float], expected: float) -> None:
    assert error_auc(errors) == pytest.approx(expected, abs=1e-5)


def test_error_auc_needs_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        error_auc([])


@pytest.mark.parametrize(
    ("points", "auc"),
    [
        pytest.param([((0, 0), (0, 0))], 0.0, id="exact"),
        # Antipodes on the equator: 20003.93 km geodesic, ln(20004.93) / ln(20039) = 0.99983.
        pytest.param([((0, 0), (0, 180))], 0.99983, id="antipodes"),
        pytest.param([((0, 0), (0, 0)), ((0, 0), (0, 180))], 0.99983 / 2, id="mean"),
    ],
)
def test_score_auc(points: list[tuple[tuple[float, float], tuple[float, float]]], auc: float) -> None:
    assert _pairs(points).auc == pytest.approx(auc, abs=1e-4)


# --- end to end ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("golds", "preds", "n_gold_with_coords", "found_within_161", "acc161"),
    [
        pytest.param(
            [gold(*ALEPPO), gold(*IDLIB)], [pred(*ALEPPO)], 2, 0.5, 1.0, id="missed-gold-in-denominator"
        ),
        pytest.param(
            [gold(*ALEPPO), gold(*IDLIB, lat=None, lon=None)],
            [pred(*ALEPPO), pred(*IDLIB)],
            1,
            1.0,
            1.0,
            id="gold-without-point-left-out",
        ),
        pytest.param(
            [gold(*ALEPPO), gold(*IDLIB, type="Homonym")],
            [pred(*ALEPPO), pred(*IDLIB)],
            1,
            1.0,
            1.0,
            id="excluded-left-out",
        ),
        pytest.param(
            [gold(*ALEPPO), gold(*IDLIB)],
            [pred(*ALEPPO, lat=None, lon=None), pred(*IDLIB, lat=2.0, lon=0.0)],
            2,
            0.0,
            0.0,
            id="unresolved-and-far",
        ),
        pytest.param(
            [gold(*ALEPPO), gold(*PROVINCE), gold(*IDLIB), gold(*SHELLING)],
            [pred(*ALEPPO, lat=1.0, lon=0.0), pred(*IDLIB, lat=2.0, lon=0.0), pred(*SHELLING)],
            4,
            0.5,
            2 / 3,
            id="two-of-four",
        ),
        pytest.param([gold(*ALEPPO, lat=None, lon=None)], [pred(*ALEPPO)], 0, 0.0, 0.0, id="no-denominator"),
    ],
)
def test_found_within_161(
    golds: list[GoldToponym],
    preds: list[Predicted],
    n_gold_with_coords: int,
    found_within_161: float,
    acc161: float,
) -> None:
    result = score([(golds, preds, None)])
    assert result.n_gold_with_coords == n_gold_with_coords
    assert result.found_within_161 == pytest.approx(found_within_161)
    assert result.acc161 == pytest.approx(acc161)


# --- documents and types -------------------------------------------------------------------------


def _typed_corpus() -> list[tuple[list[GoldToponym], list[Predicted], str | None]]:
    return [
        ([gold(*ALEPPO)], [pred(*ALEPPO)], "news"),  # TP, within
        ([gold(*ALEPPO), gold(*IDLIB)], [pred(*IDLIB, lat=2.0, lon=0.0)], "news"),  # TP far, FN
        ([gold(*IDLIB)], [pred(*SHELLING)], "report"),  # FP, FN
        ([gold(*ALEPPO)], [pred(*ALEPPO_PROVINCE, lat=1.0, lon=0.0)], None),  # TP overlap, within
    ]


@pytest.mark.parametrize(
    ("key", "n_docs", "n_gold", "n_pred", "overlap", "exact_tp", "found_within_161"),
    [
        pytest.param(None, 4, 5, 4, (3, 1, 2), 2, 2 / 5, id="total"),
        pytest.param("news", 2, 3, 2, (2, 0, 1), 2, 1 / 3, id="news"),
        pytest.param("report", 1, 1, 1, (0, 1, 1), 0, 0.0, id="report"),
    ],
)
def test_by_type(
    key: str | None,
    n_docs: int,
    n_gold: int,
    n_pred: int,
    overlap: tuple[int, int, int],
    exact_tp: int,
    found_within_161: float,
) -> None:
    total = score(_typed_corpus())
    assert sorted(total.by_type) == ["news", "report"]
    result = total if key is None else total.by_type[key]
    assert (result.n_docs, result.n_gold, result.n_pred) == (n_docs, n_gold, n_pred)
    assert (result.overlap.tp, result.overlap.fp, result.overlap.fn) == overlap
    assert result.exact.tp == exact_tp
    assert result.found_within_161 == pytest.approx(found_within_161)
    if key is not None:
        assert result.by_type == {}


def test_score_of_nothing() -> None:
    result = score([])
    assert (result.n_docs, result.n_gold, result.n_pred, result.n_resolved_pairs) == (0, 0, 0, 0)
    assert result.overlap == PRF(tp=0, fp=0, fn=0, precision=0.0, recall=0.0, f1=0.0)
    assert (result.mean_km, result.median_km, result.auc) == (None, None, None)
    assert result.by_type == {}


def test_score_accepts_a_generator() -> None:
    result = score(item for item in _typed_corpus())
    assert result.n_docs == 4


# --- values and output ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [gold(*ALEPPO), pred(*ALEPPO), PRF.from_counts(1, 0, 0), score([])],
    ids=["gold", "pred", "prf", "scores"],
)
def test_values_are_frozen(value: Any) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, dataclasses.fields(value)[0].name, 1)


def test_to_dict_json_round_trip() -> None:
    result = score(_typed_corpus())
    as_dict = result.to_dict()
    assert json.loads(json.dumps(as_dict, allow_nan=False)) == as_dict
    assert as_dict["n_docs"] == 4
    assert as_dict["overlap"] == {"tp": 3, "fp": 1, "fn": 2, "precision": 0.75, "recall": 0.6, "f1": 0.6667}
    assert as_dict["found_within_161"] == 0.4
    assert as_dict["by_type"]["news"]["found_within_161"] == 0.3333
    assert as_dict["by_type"]["report"]["mean_km"] is None
    assert as_dict["by_type"]["news"]["by_type"] == {}
    assert list(as_dict["by_type"]) == ["news", "report"]


def test_to_dict_rounds_to_four_decimals() -> None:
    as_dict = _pairs([((0, 0), (1, 0))]).to_dict()
    assert as_dict["mean_km"] == round(as_dict["mean_km"], 4)
    assert as_dict["mean_km"] == pytest.approx(ONE_DEG_KM, abs=1e-3)
    assert as_dict["auc"] == pytest.approx(math.log(1 + ONE_DEG_KM) / math.log(20039), abs=1e-4)


def test_format_scores() -> None:
    text = format_scores(score(_typed_corpus()))
    lines = text.splitlines()
    assert lines[0] == "documents 4   gold toponyms 5   predicted mentions 4"
    overlap_row = next(line for line in lines if line.startswith("overlap"))
    assert overlap_row.split() == ["overlap", "0.750", "0.600", "0.667", "3", "1", "2"]
    assert any(line.startswith("news") for line in lines)
    assert any(line.startswith("report") for line in lines)
    assert "found and within 161 km 0.400 (2 of 5 gold toponyms with coordinates)" in text


def test_format_scores_without_pairs() -> None:
    text = format_scores(score([]))
    resolution_row = next(line for line in text.splitlines() if line.startswith("matched pairs"))
    assert resolution_row.split()[2:] == ["0", "0.000", "-", "-", "-"]
    assert "document type" not in text


# --- corpus lines --------------------------------------------------------------------------------

WHERE = "corpus.jsonl:17"


def _line(**changes: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": "d1",
        "text": TEXT,
        "toponyms": [
            {
                "start": 13,
                "end": 19,
                "name": "Aleppo",
                "lat": 36.2,
                "lon": 37.16,
                "geonameid": 1,
                "type": "X",
            },
            {"start": 33, "end": 38, "name": "Idlib", "lat": None, "lon": None},
        ],
    }
    obj.update(changes)
    return obj


def _toponym(**changes: Any) -> dict[str, Any]:
    top: dict[str, Any] = {"start": 13, "end": 19, "name": "Aleppo", "lat": 36.2, "lon": 37.16}
    top.update(changes)
    return _line(toponyms=[top])


def test_load_corpus_line() -> None:
    doc_id, text, golds, doc_type = load_corpus_line(_line(), where=WHERE)
    assert (doc_id, text, doc_type) == ("d1", TEXT, None)
    assert golds == [
        GoldToponym(start=13, end=19, name="Aleppo", lat=36.2, lon=37.16, geonameid=1, type="X"),
        GoldToponym(start=33, end=38, name="Idlib", lat=None, lon=None),
    ]


@pytest.mark.parametrize(
    ("changes", "doc_type"),
    [
        ({}, None),
        ({"type": "news"}, "news"),
        ({"doc_type": "news"}, "news"),
        ({"doc_type": "news", "type": "news"}, "news"),
        ({"doc_type": None}, None),
        ({"extra": [1, 2]}, None),
    ],
)
def test_load_corpus_line_doc_type(changes: dict[str, Any], doc_type: str | None) -> None:
    assert load_corpus_line(_line(**changes), where=WHERE)[3] == doc_type


def test_load_corpus_line_allows_integer_coordinates_and_empty_toponyms() -> None:
    _, _, golds, _ = load_corpus_line(_toponym(lat=36, lon=37), where=WHERE)
    assert (golds[0].lat, golds[0].lon) == (36.0, 37.0)
    assert load_corpus_line(_line(toponyms=[]), where=WHERE)[2] == []


def _without(key: str) -> dict[str, Any]:
    obj = _line()
    del obj[key]
    return obj


def _toponym_without(key: str) -> dict[str, Any]:
    obj = _toponym()
    del obj["toponyms"][0][key]
    return obj


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        pytest.param([], "expected a JSON object", id="not-an-object"),
        pytest.param(_without("id"), "id: missing field", id="no-id"),
        pytest.param(_without("text"), "text: missing field", id="no-text"),
        pytest.param(_without("toponyms"), "toponyms: missing field", id="no-toponyms"),
        pytest.param(_line(id=7), "id: expected a string, got 7", id="id-int"),
        pytest.param(_line(text=None), "text: expected a string", id="text-null"),
        pytest.param(_line(toponyms={}), "toponyms: expected a list", id="toponyms-dict"),
        pytest.param(_line(toponyms=["Aleppo"]), "toponyms[0]: expected an object", id="toponym-str"),
        pytest.param(_toponym_without("start"), "toponyms[0].start: missing field", id="no-start"),
        pytest.param(_toponym_without("end"), "toponyms[0].end: missing field", id="no-end"),
        pytest.param(_toponym_without("name"), "toponyms[0].name: missing field", id="no-name"),
        pytest.param(_toponym_without("lat"), "toponyms[0].lat: missing field", id="no-lat"),
        pytest.param(_toponym_without("lon"), "toponyms[0].lon: missing field", id="no-lon"),
        pytest.param(_toponym(start="13"), "toponyms[0].start: expected an integer", id="start-str"),
        pytest.param(_toponym(end=19.0), "toponyms[0].end: expected an integer", id="end-float"),
        pytest.param(_toponym(start=True), "toponyms[0].start: expected an integer", id="start-bool"),
        pytest.param(_toponym(start=-1), "toponyms[0].start: negative", id="start-negative"),
        pytest.param(_toponym(end=12), "toponyms[0].end: end 12 < start 13", id="end-before-start"),
        pytest.param(
            _toponym(start=35, end=45, name="lib.xxxxxx"), "toponyms[0].end: span 35:45 outside", id="outside"
        ),
        pytest.param(_toponym(name="Idlib"), "toponyms[0].name: 'Idlib' != text[13:19] 'Aleppo'", id="name"),
        pytest.param(_toponym(name=None), "toponyms[0].name: expected a string", id="name-null"),
        pytest.param(_toponym(lat="36.2"), "toponyms[0].lat: expected a number", id="lat-str"),
        pytest.param(_toponym(lon=float("nan")), "toponyms[0].lon: expected a number", id="lon-nan"),
        pytest.param(_toponym(lat=91), "toponyms[0].lat: out of range", id="lat-range"),
        pytest.param(_toponym(lon=-180.5), "toponyms[0].lon: out of range", id="lon-range"),
        pytest.param(_toponym(lat=None), "toponyms[0].lat/lon: one is null", id="half-null"),
        pytest.param(_toponym(geonameid="170063"), "toponyms[0].geonameid: expected an integer", id="gid"),
        pytest.param(_toponym(type=3), "toponyms[0].type: expected a string or null", id="type-int"),
        pytest.param(_line(doc_type=3), "doc_type: expected a string or null", id="doc-type-int"),
        pytest.param(_line(type="a", doc_type="b"), "doc_type: 'b' disagrees with type 'a'", id="two-types"),
    ],
)
def test_load_corpus_line_errors(obj: Any, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(WHERE)}: .*{re.escape(message)}"):
        load_corpus_line(obj, where=WHERE)


def test_load_corpus_line_error_type() -> None:
    with pytest.raises(CorpusFormatError, match=re.escape("corpus.jsonl:3: id")):
        load_corpus_line(_without("id"), where="corpus.jsonl:3")
