"""Scoring of geoparsing output against annotated corpora: the pure core of ``geomap eval``.

Nothing here opens a file, touches the network or loads a model: the command line reads the
corpus, runs the geoparser and hands both to :func:`score`.  :func:`load_corpus_line` checks one
already parsed JSON object of the corpus format (one document a line)::

    {"id": "d1", "text": "...", "doc_type": "news",
     "toponyms": [{"start": 10, "end": 16, "name": "Aleppo", "lat": 36.2, "lon": 37.16,
                   "geonameid": 170063, "type": "Literal"}]}

Recognition is scored as one-to-one span matching, exact and overlapping; resolution as the
geodesic error between gold and predicted points (accuracy within 161 km, mean and median error and
the area under the log error curve of Gritta et al. 2018); end to end as the share of all gold
toponyms with coordinates that were found and resolved within 161 km.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from geopy.distance import geodesic

__all__ = [
    "ACC_KM",
    "EXCLUDED_TYPES",
    "MAX_ERROR_KM",
    "PRF",
    "CorpusFormatError",
    "GoldToponym",
    "Predicted",
    "Scores",
    "error_auc",
    "format_scores",
    "load_corpus_line",
    "predictions",
    "score",
]

#: GeoWebNews gold types that are not places (a shop called Iceland, a language) and are left out.
EXCLUDED_TYPES: frozenset[str] = frozenset({"Homonym", "Language"})

#: The "accuracy at k" radius: 161 km (100 miles), the customary threshold in geoparsing.
ACC_KM = 161.0

#: Largest possible error, half the earth's circumference in km, as used by Gritta et al. (2018)
#: to normalise the area under the error curve.
MAX_ERROR_KM = 20039.0

_ROUND = 4


class CorpusFormatError(ValueError):
    """A corpus line does not follow the corpus format; the message names where and which field."""


@dataclass(frozen=True, slots=True)
class GoldToponym:
    """A gold toponym: a character span of the document, its name and point (``None`` if it has none)."""

    start: int
    end: int
    name: str
    lat: float | None
    lon: float | None
    geonameid: int | None = None
    type: str | None = None


@dataclass(frozen=True, slots=True)
class Predicted:
    """A predicted place mention: a character span and its point (``None`` when unresolved)."""

    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class PRF:
    """True and false positives, false negatives and the precision, recall and F1 they give.

    A ratio whose denominator is zero is defined as 0.0.
    """

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> PRF:
        """Compute precision, recall and F1 from the counts.

        Parameters
        ----------
        tp, fp, fn : int
            True positives, false positives, false negatives.

        Returns
        -------
        PRF
        """
        precision = _ratio(tp, tp + fp)
        recall = _ratio(tp, tp + fn)
        f1 = _ratio(2 * precision * recall, precision + recall)
        return cls(tp=tp, fp=fp, fn=fn, precision=precision, recall=recall, f1=f1)

    def to_dict(self) -> dict[str, int | float]:
        """Return the counts and the ratios (rounded to 4 decimals) as a JSON-ready dict."""
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, _ROUND),
            "recall": round(self.recall, _ROUND),
            "f1": round(self.f1, _ROUND),
        }


@dataclass(frozen=True, slots=True)
class Scores:
    """Recognition, resolution and end-to-end figures over a set of documents.

    Attributes
    ----------
    n_docs : int
        Documents scored.
    n_gold : int
        Gold toponyms counted (those of :data:`EXCLUDED_TYPES` left out).
    n_pred : int
        Predicted mentions counted (those overlapping only excluded gold left out).
    exact, overlap : PRF
        Recognition with spans matched one to one, exactly and by any overlap.
    n_resolved_pairs : int
        Overlap-matched pairs where both the gold toponym and the prediction have coordinates.
    acc161 : float
        Share of those pairs whose error is at most 161 km (0.0 when there are none).
    mean_km, median_km : float or None
        Mean and median error of those pairs in km; ``None`` when there are none.
    auc : float or None
        Area under the log error curve (0 best, 1 worst); ``None`` when there are no pairs.
    found_within_161 : float
        Share of all counted gold toponyms with coordinates that were found (overlap) and resolved
        within 161 km (0.0 when no gold toponym has coordinates).
    n_gold_with_coords : int
        The denominator of ``found_within_161``.
    by_type : dict of str to Scores
        The same figures for each document type (empty in the per-type entries themselves).
    """

    n_docs: int
    n_gold: int
    n_pred: int
    exact: PRF
    overlap: PRF
    n_resolved_pairs: int
    acc161: float
    mean_km: float | None
    median_km: float | None
    auc: float | None
    found_within_161: float
    n_gold_with_coords: int = 0
    by_type: dict[str, Scores] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the scores as JSON-serialisable nested dicts, floats rounded to 4 decimals.

        Returns
        -------
        dict
            Keys as the attribute names; ``exact`` and ``overlap`` and each ``by_type`` entry are
            nested dicts, ``by_type`` sorted by type name.
        """
        return {
            "n_docs": self.n_docs,
            "n_gold": self.n_gold,
            "n_pred": self.n_pred,
            "exact": self.exact.to_dict(),
            "overlap": self.overlap.to_dict(),
            "n_resolved_pairs": self.n_resolved_pairs,
            "acc161": round(self.acc161, _ROUND),
            "mean_km": _round_opt(self.mean_km),
            "median_km": _round_opt(self.median_km),
            "auc": _round_opt(self.auc),
            "found_within_161": round(self.found_within_161, _ROUND),
            "n_gold_with_coords": self.n_gold_with_coords,
            "by_type": {name: self.by_type[name].to_dict() for name in sorted(self.by_type)},
        }


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _round_opt(value: float | None) -> float | None:
    return None if value is None else round(value, _ROUND)


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def _point(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    return None if lat is None or lon is None else (lat, lon)


def _match_overlap(gold: Sequence[GoldToponym], pred: Sequence[Predicted]) -> list[tuple[int, int]]:
    """Match predictions to gold one to one by overlap, greedily, largest overlap first.

    Ties go to the pair with the fewest characters outside the overlap (so the exact span wins),
    then to the earlier gold and the earlier prediction.  Returns (gold index, prediction index).
    """
    candidates: list[tuple[int, int, int, int]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ov = _overlap(g.start, g.end, p.start, p.end)
            if ov > 0:
                excess = (g.end - g.start) + (p.end - p.start) - 2 * ov
                candidates.append((-ov, excess, gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return pairs


def _count_exact(gold: Sequence[GoldToponym], pred: Sequence[Predicted]) -> int:
    """Count one-to-one pairs of identical spans (a duplicated prediction matches once)."""
    available: dict[tuple[int, int], int] = {}
    for g in gold:
        available[(g.start, g.end)] = available.get((g.start, g.end), 0) + 1
    tp = 0
    for p in pred:
        key = (p.start, p.end)
        if available.get(key, 0) > 0:
            available[key] -= 1
            tp += 1
    return tp


@dataclass(slots=True)
class _Tally:
    """Mutable running counts; turned into :class:`Scores` at the end."""

    n_docs: int = 0
    n_gold: int = 0
    n_pred: int = 0
    exact_tp: int = 0
    overlap_tp: int = 0
    n_gold_with_coords: int = 0
    n_found_within: int = 0
    errors_km: list[float] = field(default_factory=list)

    def add(self, other: _Tally) -> None:
        self.n_docs += other.n_docs
        self.n_gold += other.n_gold
        self.n_pred += other.n_pred
        self.exact_tp += other.exact_tp
        self.overlap_tp += other.overlap_tp
        self.n_gold_with_coords += other.n_gold_with_coords
        self.n_found_within += other.n_found_within
        self.errors_km.extend(other.errors_km)

    def scores(self, by_type: dict[str, Scores] | None = None) -> Scores:
        errors = self.errors_km
        n_pairs = len(errors)
        return Scores(
            n_docs=self.n_docs,
            n_gold=self.n_gold,
            n_pred=self.n_pred,
            exact=PRF.from_counts(self.exact_tp, self.n_pred - self.exact_tp, self.n_gold - self.exact_tp),
            overlap=PRF.from_counts(
                self.overlap_tp, self.n_pred - self.overlap_tp, self.n_gold - self.overlap_tp
            ),
            n_resolved_pairs=n_pairs,
            acc161=_ratio(sum(1 for e in errors if e <= ACC_KM), n_pairs),
            mean_km=statistics.fmean(errors) if errors else None,
            median_km=statistics.median(errors) if errors else None,
            auc=error_auc(errors) if errors else None,
            found_within_161=_ratio(self.n_found_within, self.n_gold_with_coords),
            n_gold_with_coords=self.n_gold_with_coords,
            by_type=by_type if by_type is not None else {},
        )


def error_auc(errors_km: Iterable[float]) -> float:
    """Area under the log error curve of Gritta et al. (2018), normalised to [0, 1].

    The errors are sorted and each is put on a log scale, ``ln(1 + e)`` (the 1 avoids ``ln 0``); the
    curve is normalised by the log of the largest possible error, ``ln(20039)`` (half the earth's
    circumference in km), and the area is taken over the unit interval with each error a step of
    width ``1/n``, which makes it the mean:

    .. math:: AUC = \\frac{1}{n} \\sum_{i=1}^{n} \\frac{\\ln(1 + e_i)}{\\ln 20039}

    0 means every error is zero, 1 (to within ``ln(20040)/ln(20039) - 1`` ≈ 5e-6) that every error
    is the largest possible; lower is better.  The
    authors' released code (CamCoder) integrates with the trapezoidal rule instead,
    ``trapz(ln(1 + e)) / (ln(20039) (n - 1))``, which gives the smallest and largest error half
    weight and is undefined for one error; with many errors the two agree closely.

    Parameters
    ----------
    errors_km : iterable of float
        Errors in km; at least one.

    Returns
    -------
    float
    """
    logs = sorted(math.log1p(e) for e in errors_km)
    if not logs:
        raise ValueError("error_auc needs at least one error")
    return math.fsum(logs) / (len(logs) * math.log(MAX_ERROR_KM))


def _score_document(gold_all: Sequence[GoldToponym], pred_all: Sequence[Predicted]) -> _Tally:
    gold = [g for g in gold_all if g.type not in EXCLUDED_TYPES]
    excluded = [g for g in gold_all if g.type in EXCLUDED_TYPES]

    def counted(p: Predicted) -> bool:
        if not any(_overlap(g.start, g.end, p.start, p.end) for g in excluded):
            return True
        return any(_overlap(g.start, g.end, p.start, p.end) for g in gold)

    pred = [p for p in pred_all if counted(p)]
    pairs = _match_overlap(gold, pred)

    tally = _Tally(
        n_docs=1,
        n_gold=len(gold),
        n_pred=len(pred),
        exact_tp=_count_exact(gold, pred),
        overlap_tp=len(pairs),
        n_gold_with_coords=sum(1 for g in gold if _point(g.lat, g.lon) is not None),
    )
    for gi, pi in pairs:
        gold_point = _point(gold[gi].lat, gold[gi].lon)
        pred_point = _point(pred[pi].lat, pred[pi].lon)
        if gold_point is None or pred_point is None:
            continue
        error = geodesic(gold_point, pred_point).km
        tally.errors_km.append(error)
        if error <= ACC_KM:
            tally.n_found_within += 1
    return tally


def score(documents: Iterable[tuple[Sequence[GoldToponym], Sequence[Predicted], str | None]]) -> Scores:
    """Score predicted place mentions against gold toponyms.

    Parameters
    ----------
    documents : iterable of (gold, predicted, doc_type)
        One tuple per document: its gold toponyms, the predicted mentions and the document type
        (``None`` when it has none).  Spans are character offsets into the same text.

    Returns
    -------
    Scores
        Figures over all documents, with the same figures per document type in ``by_type``
        (documents whose type is ``None`` count only in the totals).

    Notes
    -----
    - Gold toponyms whose ``type`` is in :data:`EXCLUDED_TYPES` are removed before matching.  A
      prediction that overlaps excluded gold and no counted gold is neither a true nor a false
      positive: it is left out of ``n_pred``.
    - Recognition, exact: a prediction and a gold toponym match when start and end are the same;
      each is matched at most once (a duplicated prediction is one TP and one FP).
    - Recognition, overlap: spans match when they share at least one character.  Pairs are taken
      greedily, largest overlap first (ties: fewest characters outside the overlap, then earlier gold,
      then earlier prediction), each gold and each prediction used at most once; so two predictions
      overlapping one gold toponym give one TP and one FP.  Greedy matching is deterministic but not
      always of maximum size when spans chain across several gold toponyms.
    - A prediction without coordinates (unresolved) counts for recognition like any other.
    - Resolution: over overlap-matched pairs where both sides have coordinates, the geodesic
      (WGS84, :func:`geopy.distance.geodesic`) error in km; ``acc161`` is the share with error
      at most 161 km; ``auc`` is :func:`error_auc`.
    - End to end: ``found_within_161`` = matched pairs within 161 km / counted gold toponyms that
      have coordinates, whether or not anything was predicted for them.
    """
    total = _Tally()
    per_type: dict[str, _Tally] = {}
    for gold, pred, doc_type in documents:
        tally = _score_document(gold, pred)
        total.add(tally)
        if doc_type is not None:
            per_type.setdefault(doc_type, _Tally()).add(tally)
    by_type = {name: per_type[name].scores() for name in sorted(per_type)}
    return total.scores(by_type)


def _fmt(value: float | None, spec: str = ".3f") -> str:
    return "-" if value is None else format(value, spec)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def format_scores(scores: Scores) -> str:
    """Render scores as a plain-text table for the terminal.

    Parameters
    ----------
    scores : Scores

    Returns
    -------
    str
        Several lines: recognition (exact and overlap), resolution, end to end, then one line per
        document type.
    """
    s = scores
    lines = [f"documents {s.n_docs}   gold toponyms {s.n_gold}   predicted mentions {s.n_pred}", ""]
    lines += _table(
        ["recognition", "P", "R", "F1", "TP", "FP", "FN"],
        [
            [name, _fmt(m.precision), _fmt(m.recall), _fmt(m.f1), str(m.tp), str(m.fp), str(m.fn)]
            for name, m in (("exact", s.exact), ("overlap", s.overlap))
        ],
    )
    lines.append("")
    lines += _table(
        ["resolution", "pairs", "acc@161", "mean km", "median km", "AUC"],
        [
            [
                "matched pairs",
                str(s.n_resolved_pairs),
                _fmt(s.acc161),
                _fmt(s.mean_km, ".1f"),
                _fmt(s.median_km, ".1f"),
                _fmt(s.auc),
            ]
        ],
    )
    lines.append("")
    found = round(s.found_within_161 * s.n_gold_with_coords)
    lines.append(
        f"end to end: found and within 161 km {_fmt(s.found_within_161)} "
        f"({found} of {s.n_gold_with_coords} gold toponyms with coordinates)"
    )
    if s.by_type:
        lines.append("")
        lines += _table(
            ["document type", "docs", "gold", "pred", "P", "R", "F1", "acc@161", "AUC", "found@161"],
            [
                [
                    name,
                    str(t.n_docs),
                    str(t.n_gold),
                    str(t.n_pred),
                    _fmt(t.overlap.precision),
                    _fmt(t.overlap.recall),
                    _fmt(t.overlap.f1),
                    _fmt(t.acc161),
                    _fmt(t.auc),
                    _fmt(t.found_within_161),
                ]
                for name, t in s.by_type.items()
            ],
        )
        lines.append("(P, R, F1 by overlap)")
    return "\n".join(lines)


# --- corpus lines -------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _fail(where: str, name: str, message: str) -> CorpusFormatError:
    return CorpusFormatError(f"{where}: {name}: {message}")


def _optional_str(obj: Mapping[str, Any], key: str, where: str, name: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise _fail(where, name, f"expected a string or null, got {value!r}")
    return value


def _coordinate(raw: Mapping[str, Any], key: str, limit: float, where: str, name: str) -> float | None:
    if key not in raw:
        raise _fail(where, name, "missing field")
    value = raw[key]
    if value is None:
        return None
    if not _is_number(value):
        raise _fail(where, name, f"expected a number or null, got {value!r}")
    if not -limit <= value <= limit:
        raise _fail(where, name, f"out of range [-{limit:g}, {limit:g}]: {value!r}")
    return float(value)


def _load_toponym(raw: object, text: str, where: str, prefix: str) -> GoldToponym:
    if not isinstance(raw, Mapping):
        raise _fail(where, prefix, f"expected an object, got {raw!r}")
    for key in ("start", "end"):
        if key not in raw:
            raise _fail(where, f"{prefix}.{key}", "missing field")
        if not _is_int(raw[key]):
            raise _fail(where, f"{prefix}.{key}", f"expected an integer, got {raw[key]!r}")
    start: int = raw["start"]
    end: int = raw["end"]
    if start < 0:
        raise _fail(where, f"{prefix}.start", f"negative offset {start}")
    if end < start:
        raise _fail(where, f"{prefix}.end", f"end {end} < start {start}")
    if end > len(text):
        raise _fail(where, f"{prefix}.end", f"span {start}:{end} outside text of length {len(text)}")
    if "name" not in raw:
        raise _fail(where, f"{prefix}.name", "missing field")
    name = raw["name"]
    if not isinstance(name, str):
        raise _fail(where, f"{prefix}.name", f"expected a string, got {name!r}")
    if text[start:end] != name:
        raise _fail(where, f"{prefix}.name", f"{name!r} != text[{start}:{end}] {text[start:end]!r}")
    lat = _coordinate(raw, "lat", 90.0, where, f"{prefix}.lat")
    lon = _coordinate(raw, "lon", 180.0, where, f"{prefix}.lon")
    if (lat is None) != (lon is None):
        raise _fail(where, f"{prefix}.lat/lon", f"one is null and the other not: {lat!r}, {lon!r}")
    geonameid = raw.get("geonameid")
    if geonameid is not None and not _is_int(geonameid):
        raise _fail(where, f"{prefix}.geonameid", f"expected an integer or null, got {geonameid!r}")
    toponym_type = _optional_str(raw, "type", where, f"{prefix}.type")
    return GoldToponym(
        start=start, end=end, name=name, lat=lat, lon=lon, geonameid=geonameid, type=toponym_type
    )


def load_corpus_line(obj: dict[str, Any], *, where: str) -> tuple[str, str, list[GoldToponym], str | None]:
    """Check one parsed line of an evaluation corpus and return its parts.

    Parameters
    ----------
    obj : dict
        The parsed JSON object: ``id`` (str), ``text`` (str), ``toponyms`` (list of objects with
        ``start``, ``end``, ``name``, ``lat``, ``lon`` and optional ``geonameid`` and ``type``), and
        optionally a document type as ``doc_type`` or ``type``.  Other fields are ignored.
    where : str
        Where the object came from, e.g. ``"corpus.jsonl:17"``; starts every error message.

    Returns
    -------
    tuple of (str, str, list of GoldToponym, str or None)
        Document id, text, gold toponyms and document type.

    Raises
    ------
    CorpusFormatError
        A :class:`ValueError` naming ``where`` and the bad field: a missing field, a value of the
        wrong type, a coordinate out of range or only one of lat/lon null, ``end < start``, a span
        outside the text, or ``text[start:end] != name``.
    """
    if not isinstance(obj, Mapping):
        raise CorpusFormatError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    for key, kind in (("id", str), ("text", str), ("toponyms", list)):
        if key not in obj:
            raise _fail(where, key, "missing field")
        if not isinstance(obj[key], kind):
            raise _fail(
                where, key, f"expected {'a string' if kind is str else 'a list'}, got {obj[key]!r:.80}"
            )
    doc_id: str = obj["id"]
    text: str = obj["text"]
    gold = [_load_toponym(raw, text, where, f"toponyms[{i}]") for i, raw in enumerate(obj["toponyms"])]
    doc_type = _optional_str(obj, "doc_type", where, "doc_type")
    plain_type = _optional_str(obj, "type", where, "type")
    if doc_type is not None and plain_type is not None and doc_type != plain_type:
        raise _fail(where, "doc_type", f"{doc_type!r} disagrees with type {plain_type!r}")
    return doc_id, text, gold, doc_type if doc_type is not None else plain_type


def predictions(result: Any) -> list[Predicted]:
    """geomap's toponym predictions for one :class:`geo.ParseResult`, as the scorer takes them.

    Every recognised mention counts, unresolved ones included (with no point); derived places (a
    corridor "between X and Y", ``source="derived"``) are not toponyms and are left out.  A resolved
    mention is scored at its place's point: for an area the gazetteer's GeoNames coordinate, and for a
    part of a region or an area off a town ("northern China", "north of Baghdad") the point of the
    region or town it is part of (its ``anchor``), as the corpora's gold annotates the name inside.
    """
    out = []
    for res in result.resolutions:
        if res.mention.source == "derived":
            continue
        place = res.place
        point = (place.anchor or place.point) if place is not None else None
        out.append(
            Predicted(
                start=res.mention.start,
                end=res.mention.end,
                text=res.mention.text,
                lat=point.lat if point else None,
                lon=point.lon if point else None,
            )
        )
    return out
