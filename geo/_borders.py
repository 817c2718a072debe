"""Borders: "the Syrian-Turkish border", "the border between Syria and Turkey" to two countries' line.

The phrase's words are language data (``border_nouns``, ``border_links``); the countries' codes and
their land border come from the gazetteer.  Recognition reads each phrase once (a phrase that names no
border of two neighbours is not a mention) and hands the :class:`Border` values on to resolution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

from . import _lang as lang
from ._gazetteer import PlaceSource

__all__ = ["Border", "read_border"]

_NOUNS = lang.pattern("border_nouns")
_LINKS = lang.pattern("border_links")
_PATTERNS = (
    re.compile(rf"^(?:the\s+)?{_NOUNS}\s+{_LINKS}\s+(?P<a>.+?)\s+and\s+(?P<b>.+)$", re.I),
    re.compile(rf"^(?:the\s+)?(?P<a>[^-–—/]+?)\s*[-–—/]\s*(?P<b>[^-–—/]+?)\s+{_NOUNS}$", re.I),
)


@dataclass(frozen=True, slots=True)
class Border:
    """The land border of two countries: their ISO alpha-2 codes (``a`` < ``b``) and the line."""

    a: str
    b: str
    line: BaseGeometry = field(compare=False, hash=False, repr=False)


def _country_code(name: str, gaz: PlaceSource) -> str | None:
    """The country a name or demonym stands for ("Syrian" -> "SY"), or ``None``."""
    for cand in gaz.lookup(name, kinds=["country"], limit=1):
        return cand.country_code
    return None


def read_border(phrase: str, gaz: PlaceSource) -> Border | None:
    """The border a phrase names, or ``None`` when it names no border of two neighbours."""
    phrase = " ".join(phrase.split())
    for pattern in _PATTERNS:
        m = pattern.match(phrase)
        if not m:
            continue
        a, b = _country_code(m["a"], gaz), _country_code(m["b"], gaz)
        if a and b and a != b and (line := gaz.border(a, b)) is not None:
            lo, hi = sorted((a, b))
            return Border(lo, hi, line)
    return None
