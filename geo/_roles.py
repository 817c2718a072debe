"""Roles: does a resolved name say where something happens, or who acts?

Input: the mention, its statement, the kind of place it resolved to and the dateline's span; output: a
:data:`~geo._types.Role`.  This is the one place the decision is made, so a reader of the sentence
(a classifier over its dependency parse) can take the place of the word rules below.

Today's rules read the words right around the name in its statement (lists under ``geo/lang/en``):
a compound form decides alone ("Aleppo province" is a location, "Russian Foreign Ministry" an actor);
else a name followed by a verb of speech or agency ("Moscow said"), a possessive of an agent ("Russia's
army") or a coordinated subject ("Russia and the United States discussed") is an actor unless a
locative precedes it ("in Syria").
"""

from __future__ import annotations

import re

from . import _lang as lang
from ._types import Kind, Mention, Role, Statement

__all__ = ["role_of"]

_ACTOR_VERBS = lang.pattern("actor_verbs")
_AGENT_NOUNS = lang.pattern("agent_nouns")
_GEO_NOUNS = lang.pattern("geo_nouns")
_COORDINATED_SUBJECT = re.compile(rf"\s+and\s+(?:the\s+)?(?:[A-Z][\w.’']*\s+){{1,3}}{_ACTOR_VERBS}\b")
_LOCATIVE_BEFORE = re.compile(rf"(?:\b{lang.pattern('location_before')}\s+(?:the\s+)?$)", re.I)
_ACTOR_BEFORE = re.compile(rf"\b{lang.pattern('actor_before')}\s+(?:the\s+)?$", re.I)
_DEMONYM_PLACE = re.compile(
    rf"\s+(?:Arab Republic|{_GEO_NOUNS})\b(?!\s+(?:guards?|police|forces|troops|patrols?|officials))", re.I
)
_POSSESSIVE_AGENT = re.compile(r"[-‐]led\b|['’]s\s+(?:[A-Z]|" + _AGENT_NOUNS + ")")
_SPEECH_AFTER = re.compile(rf"\s+{_ACTOR_VERBS}\b")
_AGENT_AFTER = re.compile(rf"\s+{_AGENT_NOUNS}\b", re.I)
#: Forms whose construction alone says the name is where something happens.
_LOCATIVE_FORMS = frozenset({"province", "part", "suburbs", "offset", "border", "district", "between"})


def role_of(m: Mention, statement: Statement, kind: Kind, *, dateline: tuple[int, int] | None) -> Role:
    """Location, dateline, or actor: does the name say where, or who acts?

    Parameters
    ----------
    m
        The mention (document offsets).
    statement
        The statement holding it (``statement.index == m.sentence``).
    kind
        The kind of place it resolved to.
    dateline
        The span of the dateline's place in the document, if the report has one.
    """
    if dateline is not None and m.start == dateline[0]:
        return "dateline"
    if m.form == "organisation":
        return "actor"
    if m.form in _LOCATIVE_FORMS:
        return "location"
    a, b = m.start - statement.start, m.end - statement.start
    before = statement.text[max(0, a - 40) : a]
    after = statement.text[b : b + 40]
    if m.form == "demonym":
        return "location" if _DEMONYM_PLACE.match(after) else "actor"
    if _POSSESSIVE_AGENT.match(after):
        return "actor"
    locative = _LOCATIVE_BEFORE.search(before) is not None
    if kind in ("country", "region") and _COORDINATED_SUBJECT.match(after) and not locative:
        return "actor"  # "Russia and the United States discussed": a coordinated subject
    if kind in ("country", "region", "city", "admin1") and _SPEECH_AFTER.match(after) and not locative:
        # "Russia has begun", "Moscow said", "Beijing warned": the name stands for its government
        return "actor"
    if kind in ("country", "region"):
        if _AGENT_AFTER.match(after):
            return "actor"
        if locative:
            return "location"
        if _ACTOR_BEFORE.search(before):
            return "actor"
    return "location"
