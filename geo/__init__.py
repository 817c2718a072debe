"""geo: report text to statements, mentions and resolved places.

Pure logic: it is handed a gazetteer (any object with the lookups of :class:`PlaceSource`;
``gazetteer.Gazetteer`` is one) and, optionally, a spaCy model.  The words it reads text with are
language data under ``geo/lang/<language>``; the weights of resolution are ``geo/data/weights.toml``.
"""

from ._borders import Border
from ._errors import GeoError, LanguageDataError, VocabularyError, WeightsError
from ._gazetteer import Candidate, NameIndex, PlaceSource
from ._parser import DEFAULT_MODEL, Geoparser, load_model, parse
from ._roles import RoleReader, load_model_and_roles, load_roles
from ._scoring import MIN_SCORE, Weights, load_weights
from ._statements import categorize, load_vocabulary, statements
from ._types import (
    DIRECTIONS,
    FORMS,
    GAZETTEER_KINDS,
    KINDS,
    ROLES,
    Coordinate,
    Direction,
    Document,
    Form,
    GazetteerKind,
    Kind,
    Mention,
    ParseResult,
    Place,
    Resolution,
    Role,
    Statement,
)

__all__ = [
    "DEFAULT_MODEL",
    "DIRECTIONS",
    "FORMS",
    "GAZETTEER_KINDS",
    "KINDS",
    "MIN_SCORE",
    "ROLES",
    "Border",
    "Candidate",
    "Coordinate",
    "Direction",
    "Document",
    "Form",
    "GazetteerKind",
    "GeoError",
    "Geoparser",
    "Kind",
    "LanguageDataError",
    "Mention",
    "NameIndex",
    "ParseResult",
    "Place",
    "PlaceSource",
    "Resolution",
    "Role",
    "RoleReader",
    "Statement",
    "VocabularyError",
    "Weights",
    "WeightsError",
    "categorize",
    "load_model",
    "load_model_and_roles",
    "load_roles",
    "load_vocabulary",
    "load_weights",
    "parse",
    "statements",
]
