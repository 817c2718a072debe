"""Roles: does a resolved name say where something happens, or who acts?

Input: the mention, its statement, the kind of place it resolved to (and whether it is a capital) and the
dateline's span; output: a :data:`~geo._types.Role`.  This is the one place the decision is made.

1. The mention's form decides alone when it can: the dateline is the dateline, an organisation's name
   ("Russian Foreign Ministry") an actor, a province, part, ring of suburbs, offset, border, district or
   corridor a location (:func:`form_role`).
2. A name that is not in doubt (:meth:`geo._role_model.RoleModel.in_doubt`: a town that is not a
   capital, or any name right after "in", "near", ...) is a location.
3. A name in doubt (a country, region, province, capital or demonym) is read from its sentence: a
   :class:`RoleReader` parses each statement holding one once (spaCy's tagger and parser) and the role
   classifier of :mod:`geo._role_model` (weights in ``geo/lang/en/roles.json``) decides.  Without a
   reader (a :class:`~geo.Geoparser` built without ``roles``), a name in doubt takes the role most names
   in doubt have in the training set (:attr:`RoleModel.doubt_role`).  Towns are not read: on conflict
   headlines ("Reynosa bloodshed continues") reading them cost more events than it won team names
   (benchmarks/ROLES.md).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._role_model import DEFAULT_PARSER, RoleModel, load_parser, role_parser, shared_roles
from ._role_model import Role as ModelRole
from ._types import Kind, Mention, Role, Statement

__all__ = ["RoleReader", "form_role", "load_model_and_roles", "load_roles", "role_of"]

#: Forms whose construction alone says the name is where something happens.
_LOCATIVE_FORMS = frozenset({"province", "part", "suburbs", "offset", "border", "district", "between"})


def form_role(m: Mention, *, dateline: tuple[int, int] | None) -> Role | None:
    """The role the mention's form gives alone, or ``None`` when the sentence must say."""
    if dateline is not None and m.start == dateline[0]:
        return "dateline"
    if m.form == "organisation":
        return "actor"
    if m.form in _LOCATIVE_FORMS:
        return "location"
    return None


@functools.lru_cache(maxsize=1)
def _packaged_model() -> RoleModel:
    return RoleModel.load()


def _before(m: Mention, statement: Statement) -> str:
    return statement.text[: max(0, m.start - statement.start)]


def role_of(
    m: Mention,
    statement: Statement,
    kind: Kind,
    *,
    dateline: tuple[int, int] | None,
    capital: bool = False,
    model: RoleModel | None = None,
) -> Role:
    """Location, dateline, or actor, without reading the sentence's parse.

    The form's role (:func:`form_role`); else a location unless the name is in doubt; else the role
    most names in doubt have (``model``'s, the packaged model's when ``None``).  :class:`RoleReader`
    reads the names in doubt from their sentence instead.

    Parameters
    ----------
    m
        The mention (document offsets).
    statement
        The statement holding it (``statement.index == m.sentence``).
    kind
        The kind of place it resolved to.
    dateline
        The span of the dateline's place in the document, if the report has one.
    capital
        Whether the place is a country's capital (GeoNames ``PPLC``): "Moscow said".
    model
        The role model whose doubt test and prior apply.
    """
    by_form = form_role(m, dateline=dateline)
    if by_form is not None:
        return by_form
    model = model or _packaged_model()
    if not model.in_doubt(kind, form=m.form, capital=capital, before=_before(m, statement)):
        return "location"
    return model.doubt_role


@dataclass(frozen=True, slots=True)
class RoleReader:
    """The role classifier with the spaCy pipeline whose parse it reads (see :func:`load_roles`).

    :meth:`roles` parses each statement holding a name in doubt once, all of a document's in one
    ``nlp.pipe``, asks the classifier about each name, then lets one name's role decide another's
    ("Kyiv thanked Warsaw", "called on Baku and Yerevan": :func:`geo._role_model.shared_roles`).
    """

    model: RoleModel
    nlp: Any

    def in_doubt(self, m: Mention, statement: Statement, kind: Kind, *, capital: bool = False) -> bool:
        """Whether the name needs its sentence read (see :meth:`RoleModel.in_doubt`)."""
        return self.model.in_doubt(kind, form=m.form, capital=capital, before=_before(m, statement))

    def roles(self, asks: Sequence[tuple[Mention, Statement, Kind]]) -> list[Role]:
        """The role of each ``(mention, statement, kind)``, read from the statement's parse."""
        texts = sorted({st.text for _, st, _ in asks})
        docs = dict(zip(texts, self.nlp.pipe(texts, batch_size=64), strict=True))
        out: list[ModelRole] = []
        names: list[Any | None] = []
        for m, st, kind in asks:
            a = m.start - st.start
            try:
                role, _ = self.model.predict(docs[st.text], a, a + (m.end - m.start), kind=kind)
                names.append(docs[st.text].char_span(a, a + (m.end - m.start), alignment_mode="expand").root)
            except ValueError:  # no token at the name's characters: the statement's text was cut
                role = self.model.doubt_role
                names.append(None)
            out.append(role)
        # one name's role decides another's: "Kyiv thanked Warsaw", "called on Baku and Yerevan"
        return [role for role in shared_roles(names, out)]


def load_roles(path: str | Path | None = None, *, parser: str = DEFAULT_PARSER) -> RoleReader:
    """The packaged role model (or the one at ``path``) with spaCy's tagger and parser loaded."""
    return RoleReader(RoleModel.load(path), load_parser(parser))


def load_model_and_roles(
    path: str | Path | None = None, *, name: str = DEFAULT_PARSER
) -> tuple[Any, RoleReader]:
    """:func:`geo.load_model`'s entity recogniser and :func:`load_roles`' reader, from one load of ``name``.

    The two read different components of the same spaCy pipeline (the recogniser; the tagger, parser
    and lemmatizer), so the pipeline is loaded once and the recogniser moved into a pipeline of its
    own that shares the vocabulary and the tokenizer (the rest set up by :func:`role_parser`, as
    :func:`load_parser` sets up its own load): a process that parses with both (each ``-j``
    worker) saves a second load, about 0.4 s of CPU.  Each component is the same object with the same
    weights, so what each computes is unchanged (tests/test_batch.py compares the two ways on reports).
    A pipeline whose recogniser listens to the shared ``tok2vec`` layer cannot be split so; it is
    loaded twice, as :func:`geo.load_model` and :func:`load_roles` do.
    """
    import spacy

    from ._parser import load_model

    full: Any = spacy.load(name, exclude=["senter"])
    if "tok2vec" in full.pipe_names and "ner" in full.get_pipe("tok2vec").listening_components:
        return load_model(name), load_roles(path, parser=name)
    ner: Any = spacy.blank(full.lang, vocab=full.vocab)
    ner.tokenizer = full.tokenizer
    ner.add_pipe("ner", source=full)
    full.remove_pipe("ner")
    return ner, RoleReader(RoleModel.load(path), role_parser(full))
