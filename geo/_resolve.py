"""Resolution: the stages from mentions to resolved places, wired in order.

1. candidates (:mod:`geo._candidates`): the gazetteer entries each mention may name, and the evidence
   the rest of the report gives;
2. scoring (:mod:`geo._scoring`): each candidate's score and reasons, from the weights in
   ``geo/data/weights.toml``; the best one is kept when it reaches :data:`MIN_SCORE`, else the mention is
   reported unresolved rather than guessed; a name that one of its mentions places by the container
   named beside it ("Athens, Greece") is read there wherever the report says it (:func:`_one_sense`);
   a plain name read as a small town far from all the other places of a report about one country is
   dropped (:func:`_strays`);
3. shapes (:mod:`geo._shapes`): the place drawn for the mention's form (a province, its northern half, a
   ring of suburbs, a border, a corridor between two towns);
4. roles (:mod:`geo._roles`): location, dateline or actor.

Each stage reads the values of the one before (mentions, their statements, the borders recognition
found, the dateline's span), never the raw text.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from ._borders import Border
from ._candidates import _CONTAINER, Evidence, candidates, evidence
from ._gazetteer import Candidate, PlaceSource, point_of
from ._roles import RoleReader, form_role, role_of
from ._scoring import MIN_SCORE, Scored, confidence, score
from ._shapes import OnlineAnswer, border_place, corridors, online_place, place_of
from ._types import Kind, Mention, Place, Resolution, Statement

__all__ = [
    "MIN_SCORE",
    "ONLINE_REASON",
    "ONLINE_SCORE",
    "PlaceSource",
    "RoleAsk",
    "read_roles",
    "resolve_mentions",
]

#: A name whose role its sentence must tell: its index in its document's resolutions, and what
#: :meth:`RoleReader.roles` is asked.
RoleAsk = tuple[int, tuple[Mention, Statement, Kind]]

#: The score and reason of a place that only the online geocoder knew.
ONLINE_SCORE = 0.5
ONLINE_REASON = "answer of the online geocoder (Nominatim, © OpenStreetMap contributors, ODbL)"


def resolve_mentions(
    mentions: Sequence[Mention],
    statements: Sequence[Statement],
    gaz: PlaceSource,
    *,
    dateline: tuple[int, int] | None = None,
    borders: Mapping[str, Border | None] | None = None,
    online: Callable[[str], OnlineAnswer | None] | None = None,
    roles: RoleReader | None = None,
    asks: list[RoleAsk] | None = None,
) -> list[Resolution]:
    """Resolve every mention of one document.

    Parameters
    ----------
    mentions
        The document's mentions, from recognition.
    statements
        Its statements (a mention's ``sentence`` is the index of the statement holding it).
    gaz
        The gazetteer.
    dateline
        The span of the dateline's place, when the report has one.
    borders
        The borders recognition read, by phrase (a ``border`` mention's text).
    online
        Asked for the plain names ("name" form) the gazetteer has no candidate for; it returns ``None``
        or an answer (``gazetteer.OnlineGeocoder`` is one).
    roles
        Reads the role of each name in doubt from its sentence's parse; without it such names take the
        role model's prior (see :mod:`geo._roles`).
    asks
        When given (with ``roles``), the names in doubt are not read here: they are appended to it, and
        their resolutions keep the prior's role until :func:`read_roles` reads them, many documents'
        in one parse.
    """
    by_index = {st.index: st for st in statements}
    borders = borders or {}
    cands = _candidates_of(mentions, gaz)
    evidences = evidence(mentions, cands, by_index, gaz, dateline=dateline)
    out: list[Resolution] = []
    doubtful: list[RoleAsk] = [] if asks is None else asks  # read from the parse at the end
    ranked = _one_sense(mentions, _ranked(mentions, cands, evidences), evidences, by_index)
    strays = _strays(mentions, ranked, dateline)
    places: dict[tuple[object, ...], Place] = {}
    for m, scored in zip(mentions, ranked, strict=True):
        st = by_index[m.sentence]
        if m.form == "border":
            border = borders.get(m.text)
            if border is None:
                out.append(Resolution(m, None, "location", 0.0, ("no border of two neighbours",)))
            else:
                reason = f"land border of {border.a} and {border.b}"
                out.append(Resolution(m, border_place(border, gaz), "location", 1.0, (reason,)))
            continue
        if not scored:
            why = (
                "a named feature (street, river, building) that the gazetteer does not hold"
                if m.form == "feature"
                else "no candidate in the gazetteer"
            )
            answer = online(m.head) if online is not None and m.form == "name" else None
            if answer is not None:
                place = online_place(answer)
                role = role_of(m, st, place.kind, dateline=dateline)
                out.append(Resolution(m, place, role, ONLINE_SCORE, (ONLINE_REASON,)))
                continue
            out.append(Resolution(m, None, "location", 0.0, (why,)))
            continue
        if id(m) in strays:
            continue  # "Street", "Hey", "Metro": a word that a small town far from the report bears
        best = scored[0]
        if confidence(best.score) < MIN_SCORE:
            out.append(
                Resolution(m, None, "location", confidence(best.score), ("no good candidate", *best.reasons))
            )
            continue
        # a place is drawn once per candidate and form (frozen, so the mentions of one name share it)
        drawn = (m.form, m.direction, m.text if m.form == "district" else None, id(best.candidate))
        if drawn not in places:
            places[drawn] = place_of(m, best.candidate, gaz)
        place = places[drawn]
        capital = best.candidate.feature_code == "PPLC"
        model = roles.model if roles is not None else None
        role = role_of(m, st, place.kind, dateline=dateline, capital=capital, model=model)
        if (
            roles is not None
            and form_role(m, dateline=dateline) is None
            and roles.in_doubt(m, st, place.kind, capital=capital)
        ):
            doubtful.append((len(out), (m, st, place.kind)))
        margin = best.score - scored[1].score if len(scored) > 1 else best.score
        reasons = (*best.reasons, f"margin {margin:.2f} over {len(scored) - 1} other candidates")
        out.append(Resolution(m, place, role, confidence(best.score), reasons))
    if roles is not None and asks is None:
        read_roles(roles, [out], [doubtful])
    return out + corridors(sorted(out, key=lambda r: r.mention.start), by_index, gaz)


def _candidates_of(mentions: Sequence[Mention], gaz: PlaceSource) -> list[list[Candidate]]:
    """The candidates of each mention, looked up once per name and form (a building's name by its whole
    text, which :func:`geo._candidates.candidates` reads too); each mention gets its own copy of the list."""
    found: dict[tuple[str, str, str | None], list[Candidate]] = {}
    out = []
    for m in mentions:
        key = (m.head, m.form, m.text if m.form == "feature" else None)
        if key not in found:
            found[key] = candidates(m, gaz)
        out.append(list(found[key]))
    return out


def _ranked(
    mentions: Sequence[Mention], cands: Sequence[Sequence[Candidate]], evidences: Sequence[Evidence]
) -> list[list[Scored]]:
    """Each mention's candidates scored, best first (ties by id).

    A long report names its places again and again, with the same candidates and the same evidence
    (the focus and provinces are shared by the mentions of one name, the anchors by all): such mentions
    are ranked once, and share the list, which no one changes.  Scoring reads only the mention's name,
    form and direction, the candidates and the evidence (:func:`_ranking_key`)."""
    memo: dict[tuple[object, ...], list[Scored]] = {}
    out: list[list[Scored]] = []
    for m, cs, ev in zip(mentions, cands, evidences, strict=True):
        if not cs:
            out.append([])
            continue
        key = _ranking_key(m, cs, ev)
        ranked = memo.get(key)
        if ranked is None:
            ranked = sorted((score(m, c, ev) for c in cs), key=lambda s: (-s.score, s.candidate.id))
            memo[key] = ranked
        out.append(ranked)
    return out


#: The fields of :class:`Evidence` that :func:`_ranking_key` tells apart (a test holds it to all of them).
RANKING_EVIDENCE = (
    "focus",
    "total",
    "provinces",
    "container",
    "anchors",
    "dateline_country",
    "rivals",
    "languages",
    "spoken",
    "home",
    "office",
    "town",
    "likely",
    "likely_provinces",
    "own_anchors",
)


def _ranking_key(m: Mention, cs: Sequence[Candidate], ev: Evidence) -> tuple[object, ...]:
    """What scoring reads of a mention, its candidates and their evidence.  The mappings and long
    sequences by identity (all the evidence of one document is alive while it is ranked, so an id is
    one object's; :func:`geo._candidates.evidence` shares them), the rest by value."""
    return (
        m.head,
        m.form,
        m.direction,
        tuple(id(c) for c in cs),
        id(ev.focus),
        ev.total,
        id(ev.provinces),
        ev.container,
        id(ev.anchors),
        ev.dateline_country,
        tuple(id(c) for c in ev.rivals),
        ev.languages,
        id(ev.spoken) if ev.spoken else None,
        ev.home,
        ev.office,
        ev.town,
        id(ev.likely) if ev.likely else None,
        id(ev.likely_provinces) if ev.likely_provinces else None,
        ev.own_anchors,
    )


def _one_sense(
    mentions: Sequence[Mention],
    ranked: list[list[Scored]],
    evidences: Sequence[Evidence],
    by_index: Mapping[int, Statement],
) -> list[list[Scored]]:
    """The rankings with one place per name and form within the report: a mention that the place named
    beside it settles ("Athens, Greece", "Kherson in Ukraine") places the name's other mentions.

    Each mention is ranked on its own evidence, and all but the container are shared by the mentions of
    one name (focus, provinces, anchors, dateline country), so only the mention with the container
    knows which Athens the report means: the bare "Athens" further on, in a report that also names
    American towns, would go to Athens, Georgia.  A reader takes one place per name; in the gold of
    GeoWebNews-dev, LGL and GeoVirus, 1,492 of the 1,499 names said twice or more in a report name one
    place each time (within 161 km).  The mentions of a name are those of one ``head.casefold()`` and
    ``form``: "Aleppo province" is not the town, "Raqqa city" and "Raqqa" are one (a town word is no
    form).

    Only the container settles: an office or a town word says which *kind* of place of the name is
    meant where it stands ("the governor of Kirkuk" is the province, "Iowa City" is no sign that the bare
    "Iowa" is a town), and a dateline's own evidence is the name's (its "PARIS, Texas" container
    settles as any other).  A name that two containers place apart ("Athens, Greece" and "Athens,
    Georgia") keeps each mention's own reading, and a mention already read in the settled place's
    province (the province of "Kherson, Ukraine" for the bare "Kherson") keeps its own kind.  The
    settled candidate moves to the front of the mention's ranking with its own score, and a reason that
    says why; it does not lift a mention below :data:`MIN_SCORE`, nor does any mention so settled.

    Linear in the mentions; the rankings of one name's mentions are shared lists (see :func:`_ranked`),
    and so are the settled ones, made once per shared list.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for i, m in enumerate(mentions):
        if ranked[i]:
            groups.setdefault((m.head.casefold(), m.form), []).append(i)
    out = list(ranked)
    for members in groups.values():
        if len(members) < 2 or all(ranked[i] is ranked[members[0]] for i in members):
            continue  # said once, or every mention ranked alike (no container anywhere)
        settled: dict[int, str] = {}  # candidate id -> what places it, the first mention that does
        for i in members:
            best = ranked[i][0]
            if confidence(best.score) >= MIN_SCORE and _inside_container(best.candidate, evidences[i]):
                settled.setdefault(best.candidate.id, _container_phrase(mentions[i], by_index))
        if len(settled) != 1:
            continue  # nothing settles the name, or two containers place it apart
        ((chosen, phrase),) = settled.items()
        why = f"the same name is placed here elsewhere in the report ({phrase})"
        moved: dict[int, list[Scored]] = {}
        for i in members:
            own = ranked[i]
            if id(own) in moved:
                out[i] = moved[id(own)]
                continue
            at = next((k for k, s in enumerate(own) if s.candidate.id == chosen), 0)
            here, there = own[0].candidate, own[at].candidate
            if at == 0 or (here.country_code, here.admin1_code) == (there.country_code, there.admin1_code):
                continue
            s = own[at]
            moved[id(own)] = out[i] = [
                Scored(s.candidate, s.score, (*s.reasons, why)),
                *own[:at],
                *own[at + 1 :],
            ]
    return out


def _inside_container(cand: Candidate, ev: Evidence) -> bool:
    """True if the candidate lies inside the place named beside its mention."""
    if ev.container is None:
        return False
    cc, adm1 = ev.container
    return cand.country_code == cc and (adm1 is None or cand.admin1_code == adm1)


def _container_phrase(m: Mention, by_index: Mapping[int, Statement]) -> str:
    """The mention with the container named beside it, as the report says it ("Athens, Greece")."""
    st = by_index[m.sentence]
    match = _CONTAINER.match(st.text[m.end - st.start : m.end - st.start + 60])
    end = m.end - st.start + (match.end() if match else 0)
    return st.text[m.start - st.start : end]


#: A report's places point at one country when at least this many mentions of other places resolve and
#: this share of them lie in one country (see :func:`_strays`).
STRAY_MIN_OTHERS = 3
STRAY_MIN_SHARE = 0.6
#: A stray town lies at least this far from every other place of the report ...
STRAY_MIN_KM = 1500.0
#: ... and is smaller than this, and no capital or provincial seat (London, Tokyo, Alexandria stay).
STRAY_MAX_POPULATION = 100_000
_SEATS = frozenset({"PPLC", "PPLA"})


def _strays(
    mentions: Sequence[Mention], ranked: Sequence[Sequence[Scored]], dateline: tuple[int, int] | None
) -> set[int]:
    """The mentions (their ``id()``) that are no place of this report: plain names, or buildings named
    after a town ("Golden Rock Pagoda"), whose best reading is a small town in a country the report never
    names, far from all of its other places, in a report whose places lie in one country ("Street" in a
    story about Zimbabwe read as Street, England; "Hey" as a village in Iran).  Of 149 such names in
    GeoWebNews-dev, LGL and GeoVirus, 104 were no toponym of the gold at all (a word, a person's name)
    and 41 a word of one read as a town abroad ("Road" of "County Road 43" as Rode, England; a place the
    gazetteer lacks as its namesake); 4 were right (benchmarks/RESULTS.md, "Stray towns").  A dot on
    another continent misleads.
    """
    best = [
        (m, scored[0].candidate)
        for m, scored in zip(mentions, ranked, strict=True)
        if scored and confidence(scored[0].score) >= MIN_SCORE and scored[0].candidate.country_code
    ]
    # counted once for the report (linear in its mentions): a candidate's "others" are all the
    # mentions but those resolved to the candidate itself
    countries = Counter(c.country_code for _, c in best)
    times = Counter(c.id for _, c in best)
    points = {c.id: point_of(c) for _, c in best}
    out: set[int] = set()
    for m, cand in best:
        if (
            m.form not in ("name", "feature")
            or cand.kind != "city"
            or (cand.population or 0) >= STRAY_MAX_POPULATION
            or cand.feature_code in _SEATS
            or (dateline is not None and (m.start, m.end) == dateline)
        ):
            continue
        others = len(best) - times[cand.id]
        if others < STRAY_MIN_OTHERS or countries[cand.country_code] > times[cand.id]:
            continue  # too few other places, or another place of the report lies in its country
        top = max(n for cc, n in countries.items() if cc != cand.country_code)
        if top < STRAY_MIN_SHARE * others:
            continue
        here = points[cand.id]
        if all(here.km_to(p) >= STRAY_MIN_KM for pid, p in points.items() if pid != cand.id):
            out.add(id(m))
    return out


def read_roles(
    roles: RoleReader, documents: Sequence[list[Resolution]], asks: Sequence[Sequence[RoleAsk]]
) -> None:
    """Set the role of each name in doubt of several documents (their resolutions, and the ``asks``
    :func:`resolve_mentions` left in each), parsing all their statements in one ``nlp.pipe``."""
    flat = [(d, i, ask) for d, doc_asks in enumerate(asks) for i, ask in doc_asks]
    if not flat:
        return
    for (d, i, _), role in zip(flat, roles.roles([ask for _, _, ask in flat]), strict=True):
        documents[d][i] = dataclasses.replace(documents[d][i], role=role)
