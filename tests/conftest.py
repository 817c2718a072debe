"""Shared fixtures.

``gaz`` is the embedded gazetteer opened as a user's first run opens it: built from the installed
packages into ``$GEOMAP_GAZETTEER`` or the user's cache directory if it is not there yet (20-40 s once).
``model_parser`` is a parser over it with the spaCy model, loaded once for the tests that share it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import gazetteer
import geo


@pytest.fixture(scope="session")
def gaz() -> Iterator[gazetteer.Gazetteer]:
    with gazetteer.open_gazetteer() as opened:
        yield opened


@pytest.fixture(scope="session")
def model_parser(gaz: gazetteer.Gazetteer) -> geo.Geoparser[gazetteer.Gazetteer]:
    return geo.Geoparser(gaz, nlp=geo.load_model())
