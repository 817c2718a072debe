"""What the recognition tests read of a parse: the resolved mentions with their country and role, and
the texts of all mentions."""

from __future__ import annotations

from typing import Any


def located(result: Any) -> dict[str, tuple[str | None, str]]:
    """Mention text -> (country of its place, role), for the resolved mentions of a report."""
    return {r.mention.text: (r.place.country_code, r.role) for r in result.resolutions if r.place is not None}


def texts(result: Any) -> list[str]:
    """The text of every mention of a report, resolved or not."""
    return [r.mention.text for r in result.resolutions]
