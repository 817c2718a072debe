"""What the recognition and resolution tests read of a parse: the resolved mentions with their country
and role, the texts of all mentions, and the place of one named mention."""

from __future__ import annotations

from typing import Any


def located(result: Any) -> dict[str, tuple[str | None, str]]:
    """Mention text -> (country of its place, role), for the resolved mentions of a report."""
    return {r.mention.text: (r.place.country_code, r.role) for r in result.resolutions if r.place is not None}


def texts(result: Any) -> list[str]:
    """The text of every mention of a report, resolved or not."""
    return [r.mention.text for r in result.resolutions]


def place_named(parser: Any, text: str, name: str) -> Any:
    """The place of the one mention of ``text`` written ``name``: it must resolve (else its reasons show)."""
    (res,) = [r for r in parser.parse(text).resolutions if r.mention.text == name]
    assert res.place is not None, res.reasons
    return res.place
