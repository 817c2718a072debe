"""geo: report text to statements, mentions and resolved places.

Pure logic: it is handed a gazetteer (see the ``gazetteer`` package) and, optionally, a spaCy model.
"""

from ._parser import DEFAULT_MODEL, Geoparser, load_model, parse
from ._statements import categorize, load_vocabulary, statements
from ._types import ROLES, Coordinate, Document, Mention, ParseResult, Place, Resolution, Statement

__all__ = [
    "DEFAULT_MODEL",
    "ROLES",
    "Coordinate",
    "Document",
    "Geoparser",
    "Mention",
    "ParseResult",
    "Place",
    "Resolution",
    "Statement",
    "categorize",
    "load_model",
    "load_vocabulary",
    "parse",
    "statements",
]
