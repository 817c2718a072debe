"""Candidates: the gazetteer entries each mention may name, and what the rest of the report says of them.

Input: the mentions of one document (and its statements, for "Idlib, Syria"); output: for each
mention, its candidates and an :class:`Evidence` value (the report's country focus, the provinces it
names, towns that need no ranking, the dateline's country, the container named beside it, the language
the mention's statement is written in), which the scoring stage weighs.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from . import _lang as lang
from ._errors import LanguageDataError
from ._gazetteer import REPORT_NAME_TYPES, Candidate, PlaceSource, point_of
from ._language import statement_languages
from ._recognize import common_word, loose_name
from ._types import Coordinate, Mention, Statement

__all__ = ["Evidence", "Office", "candidates", "evidence", "office_of", "plain_name", "short_form"]


#: The kind of place an office beside a name is of (``geo/lang/en/place_offices.txt``).
Office = Literal["province", "town"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the rest of the report says about one mention's candidates.

    ``focus`` is the votes of the mentions of other names for each country (``total`` their sum: a
    name said again does not vote for itself); ``provinces`` the (country, admin-1) units the other
    mentions name; ``container`` the (country, admin-1 or ``None``) of a place named right after the
    mention ("Idlib, Syria", "Kherson in Ukraine"); ``anchors`` the
    points of towns that need no ranking (one candidate), shared by all mentions, and ``own_anchors``
    those of them that only the mention's own name gives, which :meth:`nearest_km` leaves out (a town is
    not "0 km from another place of the report" because it, or its name said again, is an anchor);
    ``rivals`` all candidates of the mention.  ``languages`` are
    the languages other than English the mention's statement is written in (empty for English, see
    :mod:`geo._language`), and ``spoken`` the languages of the candidates' countries, main one first.
    ``home`` is the report's own country (its dateline's, else the one most of its other places lie
    in) when the words before the mention put it across a border from there ("the border with
    Texas"), else ``None``.  ``office`` is the kind of place whose office stands beside the mention
    ("province" for "the governor of Chihuahua", "Kirkuk's governor"; "town" for "the mayor of ..."), or
    ``None`` (:func:`office_of`).  ``town`` is true when the words around a plain name call it a town,
    city or village ("Jarjanaz town", "the town of Madaya").  ``likely`` are the points of the other
    names' likeliest towns (the largest town that bears each name as its own, before any ranking:
    "Augusta" is Augusta, Georgia), and ``likely_provinces`` the (country, admin-1) units that hold them.
    """

    focus: Mapping[str, float]
    total: float
    provinces: frozenset[tuple[str, str]]
    container: tuple[str, str | None] | None
    anchors: tuple[Coordinate, ...]
    dateline_country: str | None
    rivals: Sequence[Candidate]
    languages: frozenset[str] = frozenset()
    spoken: Mapping[str, Sequence[str]] = dataclasses.field(default_factory=dict)
    home: str | None = None
    office: Office | None = None
    town: bool = False
    likely: tuple[Coordinate, ...] = ()
    likely_provinces: frozenset[tuple[str, str]] = frozenset()
    own_anchors: tuple[Coordinate, ...] = ()

    def nearest_km(self, point: Coordinate) -> float:
        """Distance from ``point`` to the nearest anchor of another name, in km (infinite when there is
        none); over the distinct anchors only, vectorised (see :func:`geo._types.nearest_km`)."""
        from ._types import nearest_km

        return nearest_km(point, self.anchors, excluding=self.own_anchors) if self.anchors else math.inf

    def likely_km(self, point: Coordinate) -> float:
        """Distance from ``point`` to the nearest of the other names' likeliest towns, in km (infinite
        when there is none)."""
        from ._types import nearest_km

        return nearest_km(point, self.likely) if self.likely else math.inf


#: The kinds of places the gazetteer's looser key is asked for, by the mention's form (forms not listed
#: are never looked up by it: demonyms, features, borders).
_LOOSE_KINDS_BY_FORM: dict[str, list[str] | None] = {
    "name": None,
    "part": None,
    "province": ["admin1", "admin2"],
    "suburbs": ["city"],
    "offset": ["city"],
    "district": ["city"],
}


def candidates(m: Mention, gaz: PlaceSource) -> list[Candidate]:
    """The gazetteer entries a mention may name, most likely first, by its form.

    When the name's own key finds nothing, the gazetteer's looser, transliteration-aware key is asked
    (for a name that :func:`geo._recognize.loose_name` allows): "Menbej" finds Manbij, each such
    candidate marked ``loose`` and scored below a name the key finds."""
    found = _candidates(m, gaz)
    if found or m.form not in _LOOSE_KINDS_BY_FORM or not loose_name(m.head):
        return found
    kinds = _LOOSE_KINDS_BY_FORM[m.form]
    return list(gaz.lookup(m.head, kinds=kinds, name_types=REPORT_NAME_TYPES, limit=20, loose=True))


def _candidates(m: Mention, gaz: PlaceSource) -> list[Candidate]:
    """The candidates of a mention by the name's own key."""
    head = m.head
    if m.form == "demonym":
        return list(gaz.lookup(head, kinds=["country", "continent"], name_types=REPORT_NAME_TYPES, limit=5))
    if m.form == "province":
        found = list(gaz.lookup(head, kinds=["admin1", "admin2"], name_types=REPORT_NAME_TYPES, limit=10))
        if not found:
            found = _admin1_of_cities(head, gaz)
        return found
    if m.form == "part":
        return list(gaz.lookup(head, name_types=REPORT_NAME_TYPES, limit=30))
    if m.form == "feature":
        return _town_of_building(m, gaz)
    if m.form in ("border", "between"):
        return []
    if m.form in ("suburbs", "offset", "district"):
        return list(gaz.lookup(head, kinds=["city"], name_types=REPORT_NAME_TYPES, limit=20))
    return list(gaz.lookup(head, name_types=REPORT_NAME_TYPES, limit=30))


#: The last words of a building's or compound's name that stand in the town it is named after.
_IN_TOWN_FEATURE = re.compile(rf"\s+{lang.pattern('in_town_feature_words')}")


def _town_of_building(m: Mention, gaz: PlaceSource) -> list[Candidate]:
    """The towns a building is named after, right before the building's word ("Kano Market", "Jos
    Church", "Mrauk-U Police Station"): towns that bear the name as their own, unless it is also a
    common word or a person's name ("Federal University", "Robinson College") or the name is not the
    feature's first word ("Hit Jaji Military Base" is no base in Hit)."""
    head = m.head
    if not (m.text.startswith(head) and _IN_TOWN_FEATURE.fullmatch(m.text[len(head) :])) or common_word(head):
        return []
    own = plain_name(head)
    found = gaz.lookup(head, kinds=["city"], name_types=REPORT_NAME_TYPES, limit=20)
    return [c for c in found if plain_name(c.name) == own]


@functools.lru_cache(maxsize=1 << 16)
def plain_name(name: str) -> str:
    """A name without case, accents or hyphens ("Mrauk-U" and "Mrauk U", "Cancun" and "Cancún")."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace("-", " ").split()).casefold()


def _name_roles(*roles: str) -> frozenset[str]:
    """The words of geo/lang/en/foreign_function_words.txt with one of these roles, as :func:`plain_name`
    spells them."""
    return frozenset(
        plain_name(w) for w, (role,) in lang.table("foreign_function_words").items() if role in roles
    )


#: Words a short form of a name leaves off its head ("Ciudad Juárez", "Heroica Ciudad de Juchitán").
_DROPPED_HEADS = _name_roles("article", "title", "link")
#: Generic heads of names, one of which a short form that keeps the name's tail must have left off.
_TITLES = _name_roles("title")
#: Words that start the tail a short form leaves off ("Zamora de Hidalgo" -> "Zamora").
_TAIL_LINKS = _name_roles("link")


@functools.lru_cache(maxsize=1 << 14)
def short_form(alternate: str, name: str) -> bool:
    """True if ``alternate`` is a short form of ``name``: its words, accents and case aside, are the name's
    distinctive part, with a generic head left off the front ("Ciudad Juárez", "Heroica Nogales") or a
    tail that a link starts left off the back ("Zamora de Hidalgo", "León de los Aldama"), or both.

    A name with only its article left off is not one: GeoNames gives villages such as La Cañada, La
    Florida and Los Lagos the bare name as an alternate, which is almost always the country, state or
    city of that name.  "Cancun" is no short form of Changchun, nor "Villanueva" of Tallahassee, nor
    "Morelos" of Ecatepec de Morelos (its distinctive part is "Ecatepec")."""
    short, full = plain_name(alternate).split(), plain_name(name).split()
    if not short or len(short) >= len(full):
        return False
    for at in range(len(full) - len(short) + 1):
        if full[at : at + len(short)] != short:
            continue
        head, tail = full[:at], full[at + len(short) :]
        if (
            all(w in _DROPPED_HEADS for w in head)
            and (not tail or tail[0] in _TAIL_LINKS)
            and (tail or any(w in _TITLES for w in head))
        ):
            return True
    return False


def _admin1_of_cities(head: str, gaz: PlaceSource) -> list[Candidate]:
    """The provinces of the towns of this name ("Aleppo province" when only the city is called so)."""
    out: dict[int, Candidate] = {}
    for city in gaz.lookup(head, kinds=["city"], name_types=REPORT_NAME_TYPES, limit=10):
        if city.admin1_code and city.country_code and city.population >= 1000:
            adm = gaz.admin1(city.country_code, city.admin1_code)
            if adm is not None and adm.id not in out:
                out[adm.id] = adm
    return list(out.values())


#: One mention's vote for the country focus, in whole units: divisible by any number of countries
#: among its first five candidates, so that every share is an integer and every sum of them exact.
VOTE_UNITS = 60


def _votes(cands: Sequence[Candidate]) -> dict[str, int]:
    """One mention's vote for the report's country focus, in units of :data:`VOTE_UNITS`: a share for
    each country of its first candidates, the whole vote when they agree."""
    codes = sorted({c.country_code for c in cands[:5] if c.country_code})
    return {cc: VOTE_UNITS // len(codes) for cc in codes}


#: The container named right after a name, a town word maybe between ("Idlib, Syria", "Kani Town, Sagaing
#: Region", "Pale township of Sagaing Region", "Hawija village, Kirkuk province"): see
#: geo/lang/en/container_links.txt and town_words_after.txt.
_CONTAINER = re.compile(
    rf"^(?P<town>\s+(?i:{lang.pattern('town_words_after')})\b)?"
    rf"\s*{lang.pattern('container_links')}\s+(?:the\s+)?(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)"
)

#: "the Borno town of Kolloram", "the eastern Idlib town of Saraqib": a name after "the" and before a town
#: word and "of" is the holder of the town named next, not a town held by it.
_THE_BEFORE = re.compile(r"\bthe\s+(?:[a-z-]+\s+)*$", re.IGNORECASE)

#: The holder named in the possessive right before a name, an admin word maybe between: "Sagaing’s Pale",
#: "Myanmar's Taze", "Donetsk region's Avdiivka", "Chin State’s Mindat" (geo/lang/en/admin_words.txt).
_POSSESSOR = re.compile(
    rf"(?<![\w’'-])(?P<name>[A-Z][\w’'-]*?(?:\s+[A-Z][\w’'-]*?)?)(?:\s+(?i:{lang.pattern('admin_words')}))?"
    r"['’]s\s+$"
)
_ADMIN_WORD = re.compile(rf"(?i:{lang.pattern('admin_words')})")


#: The words after the second name of "X, Y" that carry a list on to a third ("Kirkuk, Diyala and
#: Nineveh"): see geo/lang/en/list_links.txt.
_LIST_GOES_ON = re.compile(rf"\s*{lang.pattern('list_links')}\s+(?:the\s+)?[A-Z]")

#: The container of a name in a list of peers ("Armenia, Georgia, Iraq"): one that holds nothing, so
#: that every candidate but a country is outside it, as a country of the list is.
NO_CONTAINER: tuple[str, str | None] = ("", None)


def _container(
    m: Mention, statement: Statement, gaz: PlaceSource, cands: Sequence[Candidate]
) -> tuple[str, str | None] | None:
    """ "Idlib, Syria" / "Kherson in Ukraine" / "Ma'arrat of Idlib province" / "Kani Town, Sagaing Region"
    / "Sagaing’s Pale": the container's codes.

    The container is named right after the name, a town word maybe between ("Kani Town, Sagaing Region",
    "Hawija village, Kirkuk province"), else in the possessive right before it ("Myanmar's Taze",
    "Donetsk region's Avdiivka").  The two names are read together: of the container's readings (a
    country, a first-level unit), the first that holds one of the mention's candidates is the one meant
    ("Columbia, Georgia" and "Athens, Georgia" are the US state, which holds an Athens and a Columbia;
    "Gori, Georgia" the country, which alone holds a Gori).  When no reading holds any candidate, the
    gazetteer's first reading stands, and every candidate is outside it.

    A name that is itself a unit of the rank of a reading of the next, with the list going on after
    that ("Washington, West Virginia and Wyoming", "Kirkuk, Diyala and Nineveh"), is one of a list: its
    container is :data:`NO_CONTAINER`.  A reading that held a village of the first name would send it
    there ("Washington" to a town in West Virginia); a container that holds nothing leaves every
    candidate outside, as the gazetteer's first reading did, save a country ("Armenia, Georgia, Iraq":
    the US state is outside, the country stays).  Two names alone are no list ("Georgia, USA" is the
    state, though the country Georgia is of the USA's rank)."""
    end = m.end - statement.start
    match = _CONTAINER.match(statement.text[end : end + 80])
    if match and not (match["town"] and match.group(0).rstrip().endswith("of") and _after_the(m, statement)):
        readings = _readings(match["name"], gaz)
        if readings:
            if _LIST_GOES_ON.match(statement.text, end + match.end()):
                head = plain_name(m.head)
                if any(_peer(c, head, reading) for reading in readings for c in cands):
                    return (
                        NO_CONTAINER  # "Kirkuk, Diyala and Nineveh", "Washington, West Virginia and Wyoming"
                    )
            return _holding(readings, cands)
    return _possessor(m, statement, gaz, cands)


def _after_the(m: Mention, statement: Statement) -> bool:
    """True if "the" stands before the name, adjectives maybe between ("the Borno town of Kolloram")."""
    start = m.start - statement.start
    return _THE_BEFORE.search(statement.text[max(0, start - 40) : start]) is not None


def _holding(
    readings: Sequence[tuple[str, str | None]], cands: Sequence[Candidate]
) -> tuple[str, str | None]:
    """The first reading that holds one of the candidates, else the gazetteer's first."""
    for cc, adm1 in readings:
        if any(c.country_code == cc and (adm1 is None or c.admin1_code == adm1) for c in cands):
            return (cc, adm1)
    return readings[0]


def _possessor(
    m: Mention, statement: Statement, gaz: PlaceSource, cands: Sequence[Candidate]
) -> tuple[str, str | None] | None:
    """The first-level unit named in the possessive right before the name ("Sagaing’s Pale", "Kirkuk's
    Hawija", "Chin State’s Mindat"), or ``None``.

    Only a province's or state's possessive is read.  A country's, in conflict reporting, as often names
    who acts as where ("Turkey's Afrin operation", "Ukraine's Kursk incursion"), and a village of the
    name inside the actor's country would then be drawn.  A person's or an organisation's possessive has
    no reading as a province ("Trump's Washington"), so it names no container.  Nor does a peer's: "Texas's
    Oklahoma border" names two states, of which the first holds nothing of the second."""
    start = m.start - statement.start
    match = _POSSESSOR.search(statement.text[max(0, start - 60) : start])
    if not match:
        return None
    words = match["name"].split()
    # the name as written, then without an admin word at its end ("Chin State" is found either way),
    # then its last word alone ("Northern Sagaing’s")
    names = [" ".join(words)]
    if len(words) > 1:
        names.append(" ".join(words[:-1]) if _ADMIN_WORD.fullmatch(words[-1]) else words[-1])
    for name in names:
        if readings := [r for r in _readings(name, gaz) if r[1] is not None]:
            head = plain_name(m.head)
            if any(_peer(c, head, reading) for reading in readings for c in cands):
                return None
            return _holding(readings, cands)
    return None


def _peer(cand: Candidate, head: str, reading: tuple[str, str | None]) -> bool:
    """True if the candidate, called by the mention's name, is a unit of the reading's own rank beside it
    (another country, another first-level unit of the same country): the two names are then a list of
    peers, and the second holds no place of the first ("Washington, West Virginia", "Kirkuk, Diyala")."""
    if plain_name(cand.matched) != head or cand.country_code is None:
        return False
    cc, adm1 = reading
    if adm1 is None:
        return cand.kind == "country" and cand.country_code != cc
    return cand.kind == "admin1" and cand.country_code == cc and cand.admin1_code != adm1


def _readings(name: str, gaz: PlaceSource) -> list[tuple[str, str | None]]:
    """The (country, admin-1 or ``None``) units a container's name may be, the gazetteer's first first."""
    out: list[tuple[str, str | None]] = []
    for cand in gaz.lookup(name, kinds=["country", "admin1"], name_types=REPORT_NAME_TYPES, limit=3):
        if cand.country_code is None:
            continue
        reading = (cand.country_code, None if cand.kind == "country" else cand.admin1_code)
        if reading not in out:
            out.append(reading)
    return out


_ACROSS_BORDER = re.compile(rf"\b{lang.pattern('across_border_before')}\s+(?:the\s+)?$", re.IGNORECASE)


def _home_country(focus: Mapping[str, float], total: float, dateline_country: str | None) -> str | None:
    """The report's own country: its dateline's, else the one that has at least half of the other names'
    votes (a name said again, as "the border with Texas" after "Texas" many times, is no other place)."""
    if dateline_country is not None:
        return dateline_country
    if total <= 0:
        return None
    cc, votes = max(sorted(focus.items()), key=lambda item: item[1])
    return cc if votes / total >= 0.5 else None


def _across_border(m: Mention, statement: Statement) -> bool:
    """True if the words right before the mention put it across a border ("the border with Texas")."""
    start = m.start - statement.start
    return _ACROSS_BORDER.search(statement.text[max(0, start - 40) : start]) is not None


def _office_patterns() -> tuple[tuple[Office, re.Pattern[str], re.Pattern[str]], ...]:
    """For each kind of place, its offices before "of" and the name, and right after the name."""
    by_kind: dict[str, list[str]] = {}
    for office, (kind, *_) in lang.table("place_offices").items():
        by_kind.setdefault(kind, []).append(office)
    qualifier = lang.pattern("office_qualifiers")
    out: list[tuple[Office, re.Pattern[str], re.Pattern[str]]] = []
    kinds: tuple[Office, ...] = ("province", "town")
    for kind in kinds:
        if not (listed := by_kind.pop(kind, [])):
            continue  # no office of this kind: an empty alternation would match after any name
        offices = "(?:" + "|".join(listed) + ")"
        before = re.compile(rf"\b{offices}\s+of\s+(?:the\s+)?$", re.IGNORECASE)
        after = re.compile(rf"(?:['’]s)?\s+(?:{qualifier}[\s-]+)?{offices}\b", re.IGNORECASE)
        out.append((kind, before, after))
    if by_kind:
        raise LanguageDataError(
            f"geo/lang/{lang.LANGUAGE}/place_offices.txt: kinds must be {kinds}, got {sorted(by_kind)}"
        )
    return tuple(out)


_OFFICES = _office_patterns()


def office_of(m: Mention, statement: Statement) -> Office | None:
    """The kind of place whose office stands beside a plain name: "province" for "the governor of
    Chihuahua", "Kirkuk's governor", "the Nineveh provincial council"; "town" for "the mayor of Chihuahua",
    "Chihuahua's city council"; else ``None``.  Where a province and a town share the name, the
    office says which one the report means (the holder governs the state, not its capital)."""
    if m.form != "name":
        return None
    start, end = m.start - statement.start, m.end - statement.start
    before, after = statement.text[max(0, start - 40) : start], statement.text[end : end + 40]
    for kind, office_before, office_after in _OFFICES:
        if office_before.search(before) or office_after.match(after):
            return kind
    return None


#: A town word right after a name ("Jarjanaz town"), not one that starts a longer name ("Clifton Town
#: Council") or names another town ("Borno town of Kolloram"), and one right before it ("the town of
#: Madaya"): see geo/lang/en/town_words_*.txt.
_TOWN_AFTER = re.compile(rf"\s+(?i:{lang.pattern('town_words_after')})\b(?!\s+(?:[A-Z]|of\b))")
_TOWN_BEFORE = re.compile(rf"\b{lang.pattern('town_words_before')}\s*(?:the\s+)?$", re.IGNORECASE)


def _called_town(m: Mention, statement: Statement) -> bool:
    """True if the words right around a plain name or a part of one call it a town, city or village:
    "Jarjanaz town", "eastern Ghazni city", "the community of Duarte" (the kind of place the report
    means, which tells a town from the province or country of its name)."""
    if m.form not in ("name", "part"):
        return False
    start, end = m.start - statement.start, m.end - statement.start
    text = statement.text
    return bool(_TOWN_AFTER.match(text, end) or _TOWN_BEFORE.search(text[max(0, start - 40) : start]))


def _likeliest_town(m: Mention, cands: Sequence[Candidate]) -> Candidate | None:
    """The largest town that bears the mention's name as its own, accents and case aside ("Augusta" is
    Augusta, Georgia, not Augsburg, whose Latin name it is); ``None`` when the first candidate, in the
    gazetteer's order, is no town ("Georgia" names a country and a state before any town)."""
    if not cands or cands[0].kind != "city":
        return None
    plain = plain_name(m.head)
    own = [c for c in cands if c.kind == "city" and plain_name(c.name) == plain]
    return max(own, key=lambda c: (c.population, -c.id)) if own else None


def evidence(
    mentions: Sequence[Mention],
    cands: Sequence[Sequence[Candidate]],
    statements: Mapping[int, Statement],
    gaz: PlaceSource,
    *,
    dateline: tuple[int, int] | None,
) -> list[Evidence]:
    """The :class:`Evidence` of each mention, from the candidates of all of them."""
    votes = [_votes(cs) for cs in cands]
    # The country focus of a mention is the votes of the *other* names: a name said again does not vote
    # for itself ("Vovchansk on Friday and Vovchansk on Saturday" is no report about Ukraine), by the
    # name as the likeliest towns and anchors below.  The votes are whole units, summed in one pass over
    # the mentions, for the whole report and for each name; a name's focus is the report's less its own,
    # an integer difference.  So the sums are exact, whatever their order (a set's order changes with
    # PYTHONHASHSEED, and a float sum in another order could turn "focus on RU (37%)" into "(38%)"), and
    # each name costs only its own few countries (a long report has thousands of mentions and dozens of
    # countries: one sum per name and country would be quadratic).
    units_all: dict[str, int] = {}
    units_of: dict[str, dict[str, int]] = {}
    for m, vote in zip(mentions, votes, strict=True):
        own = units_of.setdefault(m.head.casefold(), {})
        for cc, units in vote.items():
            units_all[cc] = units_all.get(cc, 0) + units
            own[cc] = own.get(cc, 0) + units
    units_total = sum(units_all.values())
    focus_all = {cc: units_all[cc] / VOTE_UNITS for cc in sorted(units_all)}
    containers = [
        _container(m, statements[m.sentence], gaz, cs) if cs else None
        for m, cs in zip(mentions, cands, strict=True)
    ]
    dateline_country = None
    if dateline is not None:
        for m, cs, container in zip(mentions, cands, containers, strict=True):
            if m.start == dateline[0] and cs:
                # "ATHENS, Georgia —": the country the dateline names itself says, else its first reading's
                dateline_country = cs[0].country_code if container in (None, NO_CONTAINER) else container[0]
    # Anchors: towns that need no ranking (a single candidate), and the names that give each.  Like the
    # likeliest towns below, a mention is measured against the other names' anchors only: a lone town's
    # own point, or that of its name said again, is no other place of the report.  The anchors stay one
    # tuple for all mentions (prepared once for distances); each name only lists the few it must skip.
    anchor_heads: dict[Coordinate, set[str]] = {}
    for m, cs in zip(mentions, cands, strict=True):
        if len(cs) == 1 and cs[0].kind != "country":
            anchor_heads.setdefault(point_of(cs[0]), set()).add(m.head.casefold())
    anchors = tuple(anchor_heads)
    own_anchors: dict[str, tuple[Coordinate, ...]] = {}
    for pt, heads in anchor_heads.items():
        if len(heads) == 1:
            (only,) = heads
            own_anchors[only] = (*own_anchors.get(only, ()), pt)
    # The likeliest town of each name (the largest that bears it as its own), by the name, so that each
    # mention is measured against the other names' only.  A province's point is not one of them: GeoNames
    # puts it far from most of the towns inside, and near other states' towns ("California" in a list of
    # states is no village in Maryland); a province counts as holding a likely town instead.
    likely_by: dict[str, set[Coordinate]] = {}
    likely_in: dict[str, set[tuple[str, str]]] = {}
    for m, cs in zip(mentions, cands, strict=True):
        town = _likeliest_town(m, cs)
        if town is not None:
            likely_by.setdefault(m.head.casefold(), set()).add(point_of(town))
            if town.country_code and town.admin1_code:
                likely_in.setdefault(m.head.casefold(), set()).add((town.country_code, town.admin1_code))
    # Provinces the report names ("Virginia", "Idlib province") or that hold an unambiguous town.
    # Each mention is scored against the provinces the *other* mentions name (a province named only by
    # mentions of the same name does not count: "Minnesota" cannot vote for the town Minneota, once
    # called Minnesota, through its own repetitions).
    named_by: dict[tuple[str, str], set[str]] = {}
    for m, cs in zip(mentions, cands, strict=True):
        if (
            cs
            and cs[0].country_code
            and cs[0].admin1_code
            and ((cs[0].kind == "admin1" and m.form in ("name", "province", "part")) or len(cs) == 1)
        ):
            named_by.setdefault((cs[0].country_code, cs[0].admin1_code), set()).add(m.head.casefold())
    # The language of each statement, and the languages of the countries of towns and provinces it could
    # weigh (asked only when a statement is not in English: English text costs nothing).
    ordered = sorted(statements)
    languages = dict(zip(ordered, statement_languages([statements[i].text for i in ordered]), strict=True))
    spoken: dict[str, Sequence[str]] = {}
    if any(languages.values()):
        for cc in sorted({c.country_code for cs in cands for c in cs if c.country_code}):
            spoken[cc] = tuple(gaz.languages(cc))
    out = []
    # the mentions of one name share their focus and provinces (a long report repeats names)
    Units = frozenset[tuple[str, str]]
    Shared = tuple[dict[str, float], float, Units, tuple[Coordinate, ...], Units]
    shared: dict[str, Shared] = {}
    for m, cs, container in zip(mentions, cands, containers, strict=True):
        head = m.head.casefold()
        if head not in shared:
            # the name's own mentions do not vote for its focus: the other names decide
            own = units_of[head]
            focus = dict(focus_all)
            for cc, units in own.items():
                focus[cc] = (units_all[cc] - units) / VOTE_UNITS
            total = (units_total - sum(own.values())) / VOTE_UNITS
            provinces = frozenset(p for p, heads in named_by.items() if heads - {head})
            near = {pt for other, pts in likely_by.items() if other != head for pt in pts}
            likely = tuple(sorted(near, key=lambda pt: (pt.lat, pt.lon)))
            likely_provinces = frozenset(p for other, ps in likely_in.items() if other != head for p in ps)
            shared[head] = (focus, total, provinces, likely, likely_provinces)
        focus, total, provinces, likely, likely_provinces = shared[head]
        across = m.form == "name" and _across_border(m, statements[m.sentence])
        out.append(
            Evidence(
                focus=focus,
                total=total,
                provinces=provinces,
                container=container,
                anchors=anchors,
                own_anchors=own_anchors.get(head, ()),
                dateline_country=dateline_country,
                rivals=cs,
                languages=languages[m.sentence],
                spoken=spoken if languages[m.sentence] else {},
                home=_home_country(focus, total, dateline_country) if across else None,
                office=office_of(m, statements[m.sentence]),
                town=_called_town(m, statements[m.sentence]),
                likely=likely,
                likely_provinces=likely_provinces,
            )
        )
    return out
