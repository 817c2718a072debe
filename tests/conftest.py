"""Shared fixtures.

``gaz`` is the embedded gazetteer opened as a user's first run opens it: built from the installed
packages into ``$GEOMAP_GAZETTEER`` or the user's cache directory if it is not there yet (20-40 s once).
``model_parser`` is a parser over it with the spaCy model, loaded once for the tests that share it.
"""

from __future__ import annotations

from collections.abc import Iterator

import hypothesis  # noqa: F401  (imported before any test freezes the collector; see below)
import pytest

import gazetteer
import geo

# Hypothesis runs its plugins' set-up when it is first imported; trio's registers a random generator,
# and Hypothesis checks that something else refers to it, through the collector.  A parser built in
# this process (``ParserSpec.build``: the Dask and batch tests) freezes the collector's generations,
# which hides those referrers: imported after that, at the end of a session of test files that do not
# import it themselves (``pytest tests/test_dask.py``), Hypothesis warned, and the warning, an error
# here, failed the session after every test had passed.


@pytest.fixture(scope="session")
def gaz() -> Iterator[gazetteer.Gazetteer]:
    with gazetteer.open_gazetteer() as opened:
        yield opened


@pytest.fixture(scope="session")
def model_parser(gaz: gazetteer.Gazetteer) -> geo.Geoparser[gazetteer.Gazetteer]:
    return geo.Geoparser(gaz, nlp=geo.load_model())
