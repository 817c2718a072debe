"""Shared fixtures.

``gaz`` is the embedded gazetteer opened as a user's first run opens it: built from the installed
packages into ``$GEOMAP_GAZETTEER`` or the user's cache directory if it is not there yet (20-40 s once).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import gazetteer


@pytest.fixture(scope="session")
def gaz() -> Iterator[gazetteer.Gazetteer]:
    with gazetteer.open_gazetteer() as opened:
        yield opened
