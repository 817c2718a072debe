"""The errors of geo: one root, narrow subclasses that also inherit the builtin they resemble (as in
``geopy/exc.py``), so ``except ValueError`` keeps working where a bad value is the cause."""

from __future__ import annotations

__all__ = ["GeoError", "LanguageDataError", "VocabularyError", "WeightsError"]


class GeoError(Exception):
    """Root of geo's errors."""


class VocabularyError(GeoError, ValueError):
    """An activity vocabulary file that cannot be read or is malformed."""


class LanguageDataError(GeoError, ValueError):
    """A word list under ``geo/lang/<language>`` that cannot be read or is malformed."""


class WeightsError(GeoError, ValueError):
    """A scoring weights file that cannot be read or is malformed; the message names the file and key."""
