"""What the recognition and resolution tests read of a parse: the resolved mentions with their country
and role, the texts of all mentions, the place of one named mention, the resolutions of a name's
mentions and where each was placed and why, and a plain name's mention in a one-statement text (for the
functions that read a mention's surroundings)."""

from __future__ import annotations

from typing import Any

import geo


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


def resolutions_named(parser: Any, text: str, name: str, *, any_case: bool = False) -> list[geo.Resolution]:
    """The resolutions of the mentions of ``text`` written ``name`` (in any case with ``any_case``), in
    order; there must be one at least."""
    want = name.casefold() if any_case else name
    out = [
        res
        for res in parser.parse(text).resolutions
        if (res.mention.text.casefold() if any_case else res.mention.text) == want
    ]
    assert out, f"{name!r} was not found in {text!r}"
    return out


def placings(parser: Any, text: str, name: str) -> list[tuple[str | None, str | None, str, str]]:
    """For each mention of ``text`` written ``name``: its place's country, admin-1 code and kind (``None``,
    ``None``, "" when unresolved) and its reasons, joined; there must be one at least."""
    return [
        (
            res.place.country_code if res.place is not None else None,
            res.place.admin1_code if res.place is not None else None,
            res.place.kind if res.place is not None else "",
            " | ".join(res.reasons),
        )
        for res in resolutions_named(parser, text, name)
    ]


def mention_in(text: str, name: str) -> tuple[geo.Mention, geo.Statement]:
    """The plain name ``name`` at its first place in ``text``, and ``text`` as the one statement it is in."""
    statement = geo.Statement(doc="d", index=0, start=0, end=len(text), text=text)
    at = text.index(name)
    return geo.Mention(doc="d", start=at, end=at + len(name), text=name, sentence=0, head=name), statement
