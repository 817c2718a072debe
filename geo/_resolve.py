"""Resolution: rank the gazetteer's candidates for each mention, pick a role, and build the place.

Each candidate is scored on name match quality, kind and feature code, population, the document's
country focus, containment hints ("Idlib, Syria", "Kherson in Ukraine"), distance to the other places
of the report and the dateline.  The winning score and its reasons are kept; a mention whose best
candidate scores under :data:`MIN_SCORE` is left unresolved rather than guessed.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from geopy.distance import great_circle
from shapely.geometry import LineString

from ._geometry import circle, directional_part, offset_area, representative, ring_radii, suburbs_ring
from ._types import Coordinate, Mention, Place, Resolution

__all__ = ["MIN_SCORE", "PlaceSource", "resolve_mentions"]

#: Below this score a mention is reported unresolved.
MIN_SCORE = 0.45

_FCODE_BONUS = {
    "PPLC": 0.30,
    "PPLA": 0.20,
    "PPLA2": 0.10,
    "PPLG": 0.10,
    "PPLX": -0.25,
    "PPLH": -0.3,
    "PPLQ": -0.3,
}


class PlaceSource(Protocol):
    """What resolution needs of a gazetteer (``gazetteer.Gazetteer`` is one)."""

    def lookup(
        self,
        name: str,
        *,
        country: str | None = ...,
        kinds: Any = ...,
        name_types: Any = ...,
        limit: int = ...,
    ) -> list[Any]: ...
    def get(self, place_id: int) -> Any: ...
    def geometry(self, place_id: int) -> Any: ...
    def border(self, a: str, b: str) -> Any: ...
    def find_border(self, phrase: str) -> Any: ...
    def admin1(self, country: str, code: str) -> Any: ...
    def country(self, code: str) -> Any: ...


_NAME_TYPES = ("name", "ascii", "alt", "demonym")
_SPEECH = (
    r"(?:said|says|warned|warns|announced|announces|stated|states|insisted|insists|denied|denies|accused|"
    r"accuses|claimed|claims|believes|called|calls|urged|urges|demanded|demands|rejected|rejects|"
    r"has|have|had|is|was|will|would|reserves|reserved|began|begun|proposed|proposes|agreed|agrees|"
    r"wants|hopes|threatened|threatens|responded|responds|told|added|adds|condemned|condemns|gave|gives|sent|"
    r"sends|launched|launches|signed|signs|backed|backs|supports|supported|opposed|opposes|"
    r"vetoed|vetoes|imposed|imposes|offered|offers|expects|expected|plans|planned|intends|intended|"
    r"must|should|can|could|may|might|did|does|do|refused|refuses|recognized|recognised|recognizes|"
    r"recognises|sanctioned|struck|strikes|attacked|attacks|invaded|invades|deployed|deploys|"
    r"continues|continued|joined|joins|helped|helps|wanted|asked|asks|tried|tries|seeks|sought|"
    r"discussed|discusses|discuss|met|meets|negotiated|negotiate|pledged|pledges|promised|promises|"
    r"coordinate|coordinated)"
)
_COORDINATED_SUBJECT = re.compile(rf"\s+and\s+(?:the\s+)?(?:[A-Z][\w.’']*\s+){{1,3}}{_SPEECH}\b")
_AGENT_NOUNS = (
    r"(?:army|armed|troops|forces|force|air|military|government|president|prime|minister|ministry|officials?|"
    r"leadership|leaders?|authorities|diplomats?|delegation|defen[cs]e|foreign|counterparts?|colleagues|side|"
    r"aviation|aircraft|jets|warplanes|warships|navy|special|intelligence|embassy|envoy|ambassador|"
    r"general|generals|commanders?|soldiers|servicemen|militar|task|center|centre|regime|state|company|"
    r"companies|equipment|weapons|media|parliament|lawmakers|senators?|administration|efforts|proposals?)"
)
_GEO_NOUNS = (
    r"(?:provinces?|governorates?|regions?|territory|territories|border|borders|cities|city|towns?|villages?|"
    r"coast|coastline|countryside|capital|airspace|soil|mountains|desert|waters|areas?|land|lands|side of "
    r"the border|north|south|east|west|settlements?|localities)"
)
_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:in|into|inside|within|across|throughout|near|at|from|towards?|over|around|on|of|entered|"
    r"entering|enter|reached|visited|visit|visiting|leave|left|via|(?:went|go|goes|going|travel(?:l?ed|s)?|"
    r"flew|fly|flies|return(?:ed|s)?|deploy(?:ed|s)?|sent|moved?|fled|arrived?|head(?:ed|ing)|came|come|"
    r"trips?|visits?|way|back|smuggled|shipped|delivered|exported|imported)\s+to)\s+(?:the\s+)?$)",
    re.I,
)
_ACTOR_BEFORE = re.compile(
    r"\b(?:with|by|and|between|against|urged|asked|told|to|thanks to|unless|if|because|after|while|that)"
    r"\s+(?:the\s+)?$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class _Scored:
    candidate: Any
    score: float
    reasons: tuple[str, ...]


def _name_quality(cand: Any, query: str) -> tuple[float, str]:
    if cand.matched == query:
        return 1.0, "exact name"
    if cand.matched.casefold() == query.casefold():
        return 0.9, "name differs in case"
    return 0.75, f"folded name match ({cand.matched})"


def _candidates(m: Mention, gaz: PlaceSource) -> list[Any]:
    head = m.head
    if m.form == "demonym":
        return gaz.lookup(head, kinds=["country", "continent"], name_types=_NAME_TYPES, limit=5)
    if m.form == "province":
        found = gaz.lookup(head, kinds=["admin1", "admin2"], name_types=_NAME_TYPES, limit=10)
        if not found:
            found = _admin1_of_cities(head, gaz)
        return found
    if m.form == "part":
        found = gaz.lookup(head, name_types=_NAME_TYPES, limit=30)
        if not any(c.kind in ("country", "admin1") for c in found):
            found += _admin1_of_cities(head, gaz)
        return found
    if m.form == "feature":
        return []
    if m.form in ("suburbs", "offset", "district"):
        return gaz.lookup(head, kinds=["city"], name_types=_NAME_TYPES, limit=20)
    return gaz.lookup(head, name_types=_NAME_TYPES, limit=30)


def _admin1_of_cities(head: str, gaz: PlaceSource) -> list[Any]:
    out: dict[int, Any] = {}
    for city in gaz.lookup(head, kinds=["city"], name_types=_NAME_TYPES, limit=10):
        if city.admin1_code and city.population >= 1000:
            adm = gaz.admin1(city.country_code, city.admin1_code)
            if adm is not None and adm.id not in out:
                out[adm.id] = adm
    return list(out.values())


def _named_like_its_main_city(cand: Any, rivals: Sequence[Any]) -> bool:
    """True if the largest town of this name lies in the province ``cand`` (Latakia in Latakia)."""
    cities = [r for r in rivals if r.kind == "city"]
    if not cities:
        return True
    top = max(cities, key=lambda r: r.population)
    return top.country_code == cand.country_code and top.admin1_code == cand.admin1_code


def _votes(cands: Sequence[Any]) -> dict[str, float]:
    """One mention's vote for the report's country focus: a share for each country of its first
    candidates, the whole vote when they agree."""
    codes = {c.country_code for c in cands[:5] if c.country_code}
    return {cc: 1.0 / len(codes) for cc in codes}


def _focus(votes: Sequence[dict[str, float]]) -> dict[str, float]:
    focus: dict[str, float] = {}
    for vote in votes:
        for cc, share in vote.items():
            focus[cc] = focus.get(cc, 0.0) + share
    return focus


def _score(
    m: Mention,
    cand: Any,
    *,
    focus: dict[str, float],
    total: float,
    provinces: frozenset[tuple[str, str]] = frozenset(),
    hint: tuple[str, str | None] | None,
    anchors: Sequence[Coordinate],
    dateline_cc: str | None,
    rivals: Sequence[Any],
) -> _Scored:
    reasons = []
    q, why = _name_quality(cand, m.head)
    score = 0.35 * q
    reasons.append(why)
    if (
        cand.kind == "city"
        and cand.name.casefold() != m.head.casefold()
        and any(r.kind == "city" and r.name.casefold() == m.head.casefold() for r in rivals)
    ):
        # "Franklin" is Columbus's old name, but other towns are called Franklin today (provinces are
        # left alone: GeoNames names them in transliteration, "Al Lādhiqīyah" for Latakia)
        score -= 0.15
        reasons.append("only a former or alternate name")
    if cand.kind == "country":
        score += 0.45
        reasons.append("country")
    elif cand.kind in ("continent", "region"):
        score += 0.55
        reasons.append(cand.kind)
    elif cand.kind == "admin2":
        score += 0.3
        reasons.append("second-level division")
    elif cand.kind == "admin1":
        # A plain name shared by a province and its capital is, in news, the city.
        if m.form in ("name", "suburbs", "offset") and any(
            r.kind == "city" and r.country_code == cand.country_code and r.population >= 50_000
            for r in rivals
        ):
            score += 0.05
            reasons.append("province named like its city")
        else:
            score += 0.35
            reasons.append("first-level division")
        if m.form == "part" and _named_like_its_main_city(cand, rivals):
            # "north Latakia", "northern Aleppo": the part of the governorate, not of the city
            score += 0.3
            reasons.append("part of a province named like its main city")
    else:
        pop = cand.population or 0
        pscore = min(math.log10(pop + 1) / 7.0, 1.0) * 0.35
        score += pscore
        reasons.append(f"population {pop:,}")
        bonus = _FCODE_BONUS.get(cand.feature_code or "", 0.0)
        if bonus:
            score += bonus
            reasons.append(f"feature {cand.feature_code}")
    own_name = cand.name.casefold() == m.head.casefold()
    if (
        cand.kind == "city" or (cand.kind not in ("country", "continent", "region") and not own_name)
    ) and any(
        r.kind in ("country", "continent", "region") and r.matched.casefold() == m.head.casefold()
        for r in rivals
    ):
        # "Chad", "Sudan", "Mexico": a town, or a province known by another name, that also bears a
        # country's name is rarely meant (the US state of Georgia is called Georgia, and stays a rival)
        score -= 0.3
        reasons.append("a country's or continent's name")
    if total > 0 and cand.country_code:
        share = focus.get(cand.country_code, 0.0) / total
        if share > 0:
            score += 0.5 * share
            reasons.append(f"document focus on {cand.country_code} ({share:.0%})")
    if cand.kind in ("city", "admin2") and (cand.country_code, cand.admin1_code) in provinces:
        score += 0.25
        reasons.append("in a province the report names")
    if hint is not None:
        cc, adm1 = hint
        if cand.country_code == cc and (adm1 is None or cand.admin1_code == adm1):
            score += 0.4
            reasons.append("inside the place named beside it")
        elif cand.kind != "country":
            score -= 0.3
    if anchors and cand.kind == "city":
        # great-circle, not ellipsoidal: ranking needs 'within 250 km', not metres, and it is 20x faster
        near = min(great_circle((cand.lat, cand.lon), (a.lat, a.lon)).km for a in anchors)
        if near < 250:
            score += 0.15
            reasons.append(f"{near:.0f} km from another place of the report")
    if dateline_cc and cand.country_code == dateline_cc:
        score += 0.05
        reasons.append("dateline's country")
    return _Scored(cand, round(score, 4), tuple(reasons))


_CONTAINER = re.compile(r"^\s*(?:,|\bin|\bof)\s+(?:the\s+)?(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)")


def _containment_hint(m: Mention, text: str, gaz: PlaceSource) -> tuple[str, str | None] | None:
    """ "Idlib, Syria" / "Kherson in Ukraine" / "Ma'arrat of Idlib province": the container's codes."""
    match = _CONTAINER.match(text[m.end : m.end + 60])
    if not match:
        return None
    for cand in gaz.lookup(match["name"], kinds=["country", "admin1"], name_types=_NAME_TYPES, limit=3):
        if cand.kind == "country":
            return (cand.country_code, None)
        return (cand.country_code, cand.admin1_code)
    return None


def role_of(m: Mention, text: str, kind: str, *, dateline: tuple[int, int] | None) -> str:
    """Location, dateline, or actor: does the name say where, or who acts?"""
    if dateline is not None and m.start == dateline[0]:
        return "dateline"
    before = text[max(0, m.start - 40) : m.start]
    after = text[m.end : m.end + 40]
    if m.form == "organisation":
        return "actor"
    if m.form in ("province", "part", "suburbs", "offset", "border", "district"):
        return "location"
    if m.form == "demonym":
        if re.match(
            rf"\s+(?:Arab Republic|{_GEO_NOUNS})\b(?!\s+(?:guards?|police|forces|troops|patrols?|officials))",
            after,
            re.I,
        ):
            return "location"
        return "actor"
    if re.match(r"[-‐]led\b|['’]s\s+(?:[A-Z]|" + _AGENT_NOUNS + ")", after):
        return "actor"
    if (
        kind in ("country", "region")
        and _COORDINATED_SUBJECT.match(after)
        and not _LOCATIVE_BEFORE.search(before)
    ):
        return "actor"  # "Russia and the United States discussed": a coordinated subject
    if (
        kind in ("country", "region", "city", "admin1")
        and re.match(rf"\s+{_SPEECH}\b", after)
        and not _LOCATIVE_BEFORE.search(before)
    ):
        # "Russia has begun", "Moscow said", "Beijing warned": the name stands for its government
        return "actor"
    if kind in ("country", "region"):
        if re.match(rf"\s+{_AGENT_NOUNS}\b", after, re.I):
            return "actor"
        if _LOCATIVE_BEFORE.search(before):
            return "location"
        if _ACTOR_BEFORE.search(before):
            return "actor"
    return "location"


def _place_id(cand: Any) -> str:
    """``gn:<geonameid>``; places without one have ids below zero in the gazetteer: US counties
    (``fips:<code>``) and regions (``region:<name>``)."""
    if cand.id > 0:
        return f"gn:{cand.id}"
    if cand.kind == "region":
        return "region:" + re.sub(r"[^a-z0-9]+", "-", cand.name.lower()).strip("-")
    return f"fips:{-cand.id:05d}"


def _place(m: Mention, cand: Any, gaz: PlaceSource) -> Place:
    """The place as it is drawn, for the mention's form."""
    point = Coordinate(cand.lat, cand.lon)
    display = _display_name(cand, gaz)

    def made(
        suffix: str,
        name: str,
        kind: str,
        precision: int,
        geometry: Any,
        population: int | None,
        *,
        at: Coordinate | None = None,
    ) -> Place:
        """A place from this candidate; ``at`` moves its point off the candidate's, kept as anchor."""
        return Place(
            place_id=_place_id(cand) + suffix,
            name=name,
            kind=kind,
            country_code=cand.country_code,
            point=at or point,
            anchor=point if at is not None else None,
            precision=precision,
            geonameid=cand.id if cand.id > 0 else None,
            admin1_code=cand.admin1_code,
            population=population,
            geometry=geometry,
        )

    if m.form == "part" and m.direction:
        geom = gaz.geometry(cand.id)
        if geom is None:  # a town: that side of its built-up disc
            geom = circle(point, ring_radii(cand.population)[1])
        part = directional_part(geom, m.direction)
        return made(
            f":{m.direction}", f"{m.direction} {display}", "part", 2, part, None, at=representative(part)
        )
    if m.form == "suburbs":
        ring = suburbs_ring(point, cand.population)
        return made(":suburbs", f"suburbs of {display}", "suburbs", 2, ring, cand.population)
    if m.form == "offset" and m.direction:
        wedge = offset_area(point, m.direction, cand.population)
        name = f"{m.direction} of {display}"
        return made(f":{m.direction}-of", name, "offset", 2, wedge, cand.population, at=representative(wedge))
    if m.form == "district":
        name = f"{display} ({m.text.split()[-1].lower()})"
        return made(":district", name, "district", 2, None, cand.population or None)
    if cand.kind in ("country", "admin1", "admin2", "continent", "region"):
        return made("", display, cand.kind, 3, gaz.geometry(cand.id), cand.population or None)
    return made("", display, cand.kind, 1, None, cand.population or None)


_ADMIN_SUFFIX = re.compile(r"\b(?:Governorate|Province|Region|Oblast|State|County|Prefecture|Department)$")


def _display_name(cand: Any, gaz: PlaceSource) -> str:
    """An English name for the map: "Latakia Governorate" rather than "Al Lādhiqīyah"."""
    if cand.kind != "admin1":
        return str(cand.name)
    names_of = getattr(gaz, "names_of", None)
    if names_of is None:
        return str(cand.name)
    for name, name_type in names_of(cand.id):
        if name_type == "alt" and name.isascii() and _ADMIN_SUFFIX.search(name):
            return str(name)
    return str(cand.name)


def _border_place(m: Mention, gaz: PlaceSource) -> tuple[Place, float, tuple[str, ...]] | None:
    found = gaz.find_border(m.text)
    if found is None:
        return None
    a, b, line = found
    ca, cb = gaz.country(a), gaz.country(b)
    name = f"{ca.name if ca else a}–{cb.name if cb else b} border"
    mid = line.interpolate(0.5, normalized=True)
    place = Place(
        place_id=f"border:{a}-{b}",
        name=name,
        kind="border",
        country_code=f"{a};{b}",
        point=Coordinate(mid.y, mid.x),
        precision=2,
        geometry=line,
    )
    return place, 1.0, (f"land border of {a} and {b}",)


#: The score and reason of a place that only the online geocoder knew.
ONLINE_SCORE = 0.5
ONLINE_REASON = "answer of the online geocoder (Nominatim, © OpenStreetMap contributors, ODbL)"


def _online_place(answer: Any) -> Place:
    """The point the online geocoder answered, as a city-like place (Nominatim's ids, not GeoNames')."""
    raw = answer.raw or {}
    osm_type, osm_id = raw.get("osm_type"), raw.get("osm_id")
    place_id = f"osm:{osm_type}:{osm_id}" if osm_type and osm_id else f"nominatim:{answer.lat},{answer.lon}"
    return Place(
        place_id=place_id,
        name=answer.name,
        kind="city",
        country_code=answer.country_code,
        point=Coordinate(answer.lat, answer.lon),
        precision=1,
    )


def _confidence(raw: float) -> float:
    """The raw score on a 0-1 scale (a raw 1.25, an exact capital city in the report's country, is 1)."""
    return round(min(max(raw / 1.25, 0.0), 1.0), 4)


_BETWEEN_BEFORE = re.compile(r"\bbetween\s+(?:the\s+)?$", re.I)
_AND_BETWEEN = re.compile(r"^\s+and\s+(?:the\s+)?$", re.I)
#: Kinds of place that "between X and Y" joins into a corridor (not countries: "talks between Russia
#: and Ukraine" are not a place).
_CORRIDOR_KINDS = frozenset({"city", "district"})


def _corridors(resolutions: Sequence[Resolution], text: str) -> list[Resolution]:
    """ "Fighting between Saraqib and Idlib": the area between two towns, as a derived place.

    Both towns keep their own mentions; the corridor is an extra mention over the whole phrase
    (``form="between"``, ``source="derived"``): a band along the line joining them, as wide as a
    fifth of their distance (at least 2 km), precision 2.
    """
    out = []
    for first, second in itertools.pairwise(resolutions):
        a, b = first.place, second.place
        if a is None or b is None or a.kind not in _CORRIDOR_KINDS or b.kind not in _CORRIDOR_KINDS:
            continue
        if first.mention.sentence != second.mention.sentence:
            continue
        lead = _BETWEEN_BEFORE.search(text[max(0, first.mention.start - 20) : first.mention.start])
        if not lead or not _AND_BETWEEN.match(text[first.mention.end : second.mention.start]):
            continue
        start = first.mention.start - (len(lead.group(0)))
        span_text = text[start : second.mention.end]
        line = LineString([a.point.lonlat(), b.point.lonlat()])
        km = great_circle((a.point.lat, a.point.lon), (b.point.lat, b.point.lon)).km
        width_deg = max(km / 5, 2.0) / 2 / 111.0
        band = line.buffer(width_deg, cap_style="round")
        mention = Mention(
            doc=first.mention.doc,
            start=start,
            end=second.mention.end,
            text=span_text,
            sentence=first.mention.sentence,
            head=first.mention.head,
            form="between",
            other=second.mention.head,
            source="derived",
        )
        ids = sorted((a.place_id, b.place_id))
        place = Place(
            place_id=f"between:{ids[0]}:{ids[1]}",
            name=f"between {a.name} and {b.name}",
            kind="between",
            country_code=";".join(sorted({str(a.country_code), str(b.country_code)})),
            point=Coordinate(band.centroid.y, band.centroid.x),
            precision=2,
            geometry=band,
        )
        score = round(min(first.score, second.score), 4)
        out.append(Resolution(mention, place, "location", score, (f"between two towns {km:.0f} km apart",)))
    return out


def resolve_mentions(
    mentions: Sequence[Mention],
    text: str,
    gaz: PlaceSource,
    *,
    dateline: tuple[int, int] | None = None,
    online: Callable[[str], Any] | None = None,
) -> list[Resolution]:
    """Resolve every mention of one document (offsets into ``text``).

    ``online``, when given, is asked for the plain names ("name" form) the gazetteer has no candidate
    for; it returns ``None`` or an answer with ``lat``, ``lon``, ``name``, ``country_code`` and ``raw``
    (``gazetteer.OnlineGeocoder`` is one).
    """
    cands = [[] if m.form == "border" else _candidates(m, gaz) for m in mentions]
    votes = [_votes(cs) for cs in cands]
    focus_all = _focus(votes)
    dateline_cc = None
    if dateline is not None:
        for m, cs in zip(mentions, cands, strict=True):
            if m.start == dateline[0] and cs:
                dateline_cc = cs[0].country_code
    # Anchors: towns that need no ranking (a single candidate).
    anchors = [Coordinate(cs[0].lat, cs[0].lon) for cs in cands if len(cs) == 1 and cs[0].kind != "country"]
    # Provinces the report names ("Virginia", "Idlib province") or that hold an unambiguous town.
    # Each mention is scored against the provinces the *other* mentions name.
    named = [
        (cs[0].country_code, cs[0].admin1_code)
        if cs
        and cs[0].admin1_code
        and ((cs[0].kind == "admin1" and m.form in ("name", "province", "part")) or len(cs) == 1)
        else None
        for m, cs in zip(mentions, cands, strict=True)
    ]
    out: list[Resolution] = []
    # (a province named only by mentions of the same name does not count: "Minnesota" cannot vote
    # for the town Minneota, once called Minnesota, through its own repetitions)
    named_by: dict[tuple[str, str], set[str]] = {}
    for m, p in zip(mentions, named, strict=True):
        if p is not None:
            named_by.setdefault(p, set()).add(m.head.casefold())
    for i, (m, cs) in enumerate(zip(mentions, cands, strict=True)):
        head = m.head.casefold()
        provinces = frozenset(p for p, heads in named_by.items() if heads - {head})
        # a mention's own candidates do not vote for its focus: the other mentions decide
        focus = {cc: n - votes[i].get(cc, 0.0) for cc, n in focus_all.items()}
        total = sum(focus.values())
        if m.form == "border":
            found = _border_place(m, gaz)
            if found is None:
                out.append(Resolution(m, None, "location", 0.0, ("no border of two neighbours",)))
            else:
                place, score, reasons = found
                out.append(Resolution(m, place, "location", score, reasons))
            continue
        if not cs:
            why = (
                "a named feature (street, river, building) that the gazetteer does not hold"
                if m.form == "feature"
                else "no candidate in the gazetteer"
            )
            answer = online(m.head) if online is not None and m.form == "name" else None
            if answer is not None:
                place = _online_place(answer)
                role = role_of(m, text, place.kind, dateline=dateline)
                out.append(Resolution(m, place, role, ONLINE_SCORE, (ONLINE_REASON,)))
                continue
            out.append(Resolution(m, None, "location", 0.0, (why,)))
            continue
        hint = _containment_hint(m, text, gaz)
        scored = sorted(
            (
                _score(
                    m,
                    c,
                    focus=focus,
                    total=total,
                    hint=hint,
                    anchors=anchors,
                    dateline_cc=dateline_cc,
                    rivals=cs,
                    provinces=provinces,
                )
                for c in cs
            ),
            key=lambda s: (-s.score, s.candidate.id),
        )
        best = scored[0]
        if best.score < MIN_SCORE:
            out.append(
                Resolution(m, None, "location", _confidence(best.score), ("no good candidate", *best.reasons))
            )
            continue
        place = _place(m, best.candidate, gaz)
        role = role_of(m, text, place.kind, dateline=dateline)
        margin = best.score - scored[1].score if len(scored) > 1 else best.score
        reasons = (*best.reasons, f"margin {margin:.2f} over {len(scored) - 1} other candidates")
        out.append(Resolution(m, place, role, _confidence(best.score), reasons))
    return out + _corridors(sorted(out, key=lambda r: r.mention.start), text)
