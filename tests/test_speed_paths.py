"""The fast paths answer as the slow ones did: caches of the gazetteer (copies out, same answers), the
name keys beside the file, shapes built by pyproj and cached, the great-circle distance and the nearest
anchor.  Behaviour only: no timing is asserted here (``benchmarks/bench_speed.py`` measures)."""

from __future__ import annotations

import itertools
import math
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely
from geopy.distance import geodesic, great_circle
from hypothesis import given, settings
from hypothesis import strategies as st

import gazetteer
import geo
from gazetteer._store import name_keys_path, write_name_keys
from geo._candidates import Evidence
from geo._geometry import _directional_part, circle, directional_part, offset_area, suburbs_ring
from geo._types import Coordinate, nearest_km

_LAT = st.floats(min_value=-89.9, max_value=89.9, allow_nan=False)
_LON = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)
_POINTS = st.builds(Coordinate, _LAT, _LON)

# names that the embedded gazetteer has, and names no place bears
_KNOWN = ["Aleppo", "Damascus", "Idlib", "Kharkiv", "Syria", "Syrian", "Virginia", "Paris"]
_UNKNOWN = ["Xqzvillé", "Chiquita Raquel", "Blorptown", "Zzyzxq"]


# -- the gazetteer's caches ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh() -> Iterator[gazetteer.Gazetteer]:
    """A second connection to the embedded gazetteer, whose caches the tests fill."""
    with gazetteer.open_gazetteer(gazetteer.default_path()) as gaz:
        yield gaz


def _uncached(path: Path) -> gazetteer.Gazetteer:
    return gazetteer.open_gazetteer(path)


def test_lookup_returns_a_copy_the_caller_may_extend(fresh: gazetteer.Gazetteer) -> None:
    first = fresh.lookup("Aleppo", limit=10)
    first.append(first[0])
    first.clear()
    again = fresh.lookup("Aleppo", limit=10)
    assert again and again is not first
    with _uncached(fresh.path) as other:
        assert again == other.lookup("Aleppo", limit=10)


@pytest.mark.parametrize("name", ["Aleppo", "Aleppo province", "Idlib", "Georgia", "Blorptown"])
def test_lookup_answers_as_a_new_connection_with_any_iterable_of_kinds(
    fresh: gazetteer.Gazetteer, name: str
) -> None:
    with _uncached(fresh.path) as other:
        for kinds in (None, ["city"], ["admin1", "admin2"], ["country", "admin1"]):
            expected = other.lookup(name, kinds=kinds, limit=20)
            assert fresh.lookup(name, kinds=kinds, limit=20) == expected
            # a generator (consumed once) asks the same question as the list
            assert fresh.lookup(name, kinds=None if kinds is None else iter(kinds), limit=20) == expected
            assert fresh.lookup(
                name, kinds=kinds, name_types=iter(["name", "alt"]), limit=20
            ) == other.lookup(name, kinds=kinds, name_types=["name", "alt"], limit=20)
            # the limit is part of the question
            assert fresh.lookup(name, kinds=kinds, limit=1) == expected[:1]


def test_names_of_returns_a_copy(fresh: gazetteer.Gazetteer) -> None:
    (aleppo,) = fresh.lookup("Aleppo", kinds=["city"], limit=1)
    names = fresh.names_of(aleppo.id)
    assert ("Aleppo", "name") in names or any(n == "Aleppo" for n, _ in names)
    names.clear()
    with _uncached(fresh.path) as other:
        assert fresh.names_of(aleppo.id) and fresh.names_of(aleppo.id) == other.names_of(aleppo.id)


def test_geometry_is_decoded_once_and_equals_the_stored_polygon(fresh: gazetteer.Gazetteer) -> None:
    syria = fresh.country("SY")
    assert syria is not None
    geom = fresh.geometry(syria.id)
    assert geom is not None and fresh.geometry(syria.id) is geom  # the same immutable object
    (wkb,) = fresh._con.execute("SELECT wkb FROM geometries WHERE place_id = ?", (syria.id,)).fetchone()
    assert shapely.equals_exact(geom, shapely.from_wkb(wkb), tolerance=0)
    assert fresh.geometry(-1) is None and fresh.geometry(-1) is None
    border = fresh.border("TR", "SY")
    assert border is not None and fresh.border("sy", "tr") is border


def test_places_by_id_code_and_admin1_are_those_of_a_new_connection(fresh: gazetteer.Gazetteer) -> None:
    (aleppo,) = fresh.lookup("Aleppo", kinds=["city"], limit=1)
    with _uncached(fresh.path) as other:
        for _ in range(2):
            assert fresh.get(aleppo.id) == other.get(aleppo.id)
            assert fresh.country("sy") == other.country("SY") and fresh.country("SY") is not None
            assert fresh.admin1("SY", str(aleppo.admin1_code)) == other.admin1("SY", str(aleppo.admin1_code))
            assert fresh.country("QQ") is None and fresh.get(-5) is None


# -- name keys ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the embedded gazetteer with its name keys written beside it."""
    path = tmp_path_factory.mktemp("keyed") / "gazetteer.sqlite"
    shutil.copyfile(gazetteer.default_path(), path)
    with gazetteer.open_gazetteer(path) as gaz:
        assert write_name_keys(gaz) == name_keys_path(path) == path.with_name("gazetteer.sqlite.keys")
    return path


def _answers(gaz: gazetteer.Gazetteer, name: str) -> tuple[object, ...]:
    return (
        gaz.has_name(name),
        gaz.has_exact_name(name),
        gaz.name_kinds(name),
        gaz.max_population(name),
        gaz.lookup(name, limit=30),
        gaz.lookup(name + " province"),
    )


@pytest.mark.parametrize("name", _KNOWN + _UNKNOWN)
def test_name_keys_give_the_answers_of_the_database(
    keyed: Path, fresh: gazetteer.Gazetteer, name: str
) -> None:
    with gazetteer.open_gazetteer(keyed) as gaz:
        assert _answers(gaz, name) == _answers(fresh, name)
        assert gaz._keys is not None  # the keys were read and used
        assert gaz.has_name(name) is (name in _KNOWN)


def test_name_keys_of_another_build_are_not_used(keyed: Path, tmp_path: Path) -> None:
    other = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(keyed, other)
    # the keys of a different build: the stamp inside does not match this file's meta
    import marisa_trie

    marisa_trie.Trie(["\x00gazetteer another build", "aleppo"]).save(str(name_keys_path(other)))
    with gazetteer.open_gazetteer(other) as gaz:
        assert gaz.has_name("Damascus") and gaz.lookup("Damascus")
        assert gaz._keys is None


def test_damaged_name_keys_are_ignored_with_a_warning(
    keyed: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    other = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(keyed, other)
    name_keys_path(other).write_bytes(b"not a trie at all" * 10)
    with gazetteer.open_gazetteer(other) as gaz:
        assert gaz.has_name("Damascus") and not gaz.has_name("Blorptown")
    assert "unreadable name keys" in caplog.text


# -- shapes -------------------------------------------------------------------------------------------


def _geopy_circle(center: Coordinate, km: float, n: int = 64) -> list[tuple[float, float]]:
    """The circle as it was built before: point by point through geopy's geodesic."""
    out = []
    for i in range(n):
        p = geodesic(kilometers=km).destination((center.lat, center.lon), 360.0 * i / n)
        out.append((p.longitude, p.latitude))
    return out


@pytest.mark.parametrize(
    ("lat", "lon", "km"),
    [(33.51, 36.29, 12.0), (60.17, 24.94, 5.5), (-33.9, 18.4, 40.0), (0.0, 179.99, 30.0)],
)
def test_circles_are_the_geodesic_circles_geopy_drew(lat: float, lon: float, km: float) -> None:
    center = Coordinate(lat, lon)
    ring = circle(center, km)
    got = list(ring.exterior.coords)[:-1]
    want = _geopy_circle(center, km)
    assert len(got) == len(want) == 64
    # the same geodesic (Karney's) through PROJ instead of geographiclib: equal far below a metre
    for (x1, y1), (x2, y2) in zip(got, want, strict=True):
        assert abs(y1 - y2) < 1e-9
        assert min(abs(x1 - x2), 360 - abs(x1 - x2)) < 1e-9


@pytest.mark.parametrize(("direction", "km"), [("north", None), ("southwest", 20.0), ("east", 3.0)])
def test_wedges_are_the_wedges_geopy_drew(direction: str, km: float | None) -> None:
    center, population = Coordinate(33.31, 44.37), 5_000_000
    wedge = offset_area(center, direction, population, km=km)
    bearing = {"north": 0.0, "southwest": 225.0, "east": 90.0}[direction]
    edge = 4.0 * (population / 100_000) ** 0.4
    near, far = (max(km * 0.6, 0.5), km * 1.4) if km else (edge, 3 * edge + 10)
    arcs = [(bearing - 30 + 60 * i / 12, far) for i in range(13)] + [
        (bearing + 30 - 60 * i / 12, near) for i in range(13)
    ]
    want = []
    for azimuth, dist in arcs:
        p = geodesic(kilometers=dist).destination((center.lat, center.lon), azimuth)
        want.append((p.longitude, p.latitude))
    got = list(wedge.exterior.coords)[:-1]
    assert len(got) == 26
    assert max(abs(a - b) for p, q in zip(got, want, strict=True) for a, b in zip(p, q, strict=True)) < 1e-9


def test_shapes_are_cached_per_place_and_parameters() -> None:
    damascus, aleppo = Coordinate(33.51, 36.29), Coordinate(36.2, 37.16)
    ring = suburbs_ring(damascus, 1_569_394)
    assert suburbs_ring(Coordinate(33.51, 36.29), 1_569_394) is ring  # an equal centre: the same ring
    assert suburbs_ring(damascus, 2_000_000) is not ring
    assert not suburbs_ring(aleppo, 1_569_394).equals(ring)
    wedge = offset_area(damascus, "north", 1_569_394)
    assert offset_area(damascus, "north", 1_569_394) is wedge
    assert offset_area(damascus, "north", 1_569_394, km=20.0) is not wedge
    assert wedge.centroid.y > damascus.lat and ring.contains(shapely.Point(36.29, 33.51 + 0.08))
    assert circle(damascus, 10.0) is circle(damascus, 10.0) and circle(damascus, 10.0, n=16) is not circle(
        damascus, 10.0
    )


def test_parts_of_a_province_are_cut_once_and_as_before(gaz: gazetteer.Gazetteer) -> None:
    latakia = gaz.lookup("Latakia", kinds=["admin1"], limit=1)[0]
    found = gaz.geometry(latakia.id)
    assert found is not None
    polygon: shapely.Geometry = found
    assert gaz.geometry(latakia.id) is found  # decoded once
    for direction in ("north", "southwest", "central"):
        part = directional_part(polygon, direction)
        assert directional_part(polygon, direction) is part
        assert part.equals(_directional_part(polygon, direction)) and polygon.contains(
            part.representative_point()
        )
    # an equal polygon that is another object is cut again (the cache goes by identity), to the same part
    copy = shapely.from_wkb(polygon.wkb)
    assert directional_part(copy, "north") is not directional_part(polygon, "north")
    assert directional_part(copy, "north").equals(directional_part(polygon, "north"))


def test_a_report_naming_a_ring_twice_draws_it_once(gaz: gazetteer.Gazetteer) -> None:
    text = "Shelling hit the suburbs of Damascus. Later the suburbs of Damascus were shelled again."
    result = geo.Geoparser(gaz).parse(text, doc_id="r")
    rings = [r.place for r in result.resolutions if r.place is not None and r.place.kind == "suburbs"]
    assert len(rings) == 2 and rings[0].geometry is rings[1].geometry


# -- distances ----------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(_POINTS, _POINTS)
def test_km_to_is_geopys_great_circle_to_the_last_bit(a: Coordinate, b: Coordinate) -> None:
    assert a.km_to(b) == great_circle((a.lat, a.lon), (b.lat, b.lon)).km


@settings(max_examples=150, deadline=None)
@given(_POINTS, st.lists(_POINTS, min_size=0, max_size=40), st.integers(min_value=1, max_value=4))
def test_nearest_km_is_the_minimum_over_all_points(
    point: Coordinate, points: list[Coordinate], copies: int
) -> None:
    anchors = tuple(points * copies)
    want = min((point.km_to(p) for p in anchors), default=math.inf)
    assert nearest_km(point, anchors) == want
    assert nearest_km(point, anchors) == want  # asked again: the prepared points
    ev = Evidence(
        focus={},
        total=0.0,
        provinces=frozenset(),
        container=None,
        anchors=anchors,
        dateline_country=None,
        rivals=(),
    )
    assert ev.nearest_km(point) == want


def test_nearest_km_of_many_repeated_towns_compares_with_the_distinct_ones() -> None:
    towns = [Coordinate(33.5 + i / 10, 36.3 + i / 7) for i in range(30)]
    anchors = tuple(towns * 100)  # 3,000 mentions of 30 towns
    point = Coordinate(35.0, 38.0)
    assert nearest_km(point, anchors) == min(point.km_to(t) for t in towns)
    from geo._types import _prepared

    assert len(_prepared(anchors).points) == 30


# -- work done once: tokens, scoring amounts, the role parse of a batch ------------------------------


def test_a_statement_is_tokenised_once_for_its_names_and_its_mentions(gaz: gazetteer.Gazetteer) -> None:
    from geo._recognize import _tokens, gazetteer_spans, recognize

    text = "Shelling hit the suburbs of Aleppo and north of Idlib, officials in Damascus said on Friday."
    st_ = geo.Statement(doc="d", index=0, start=0, end=len(text), text=text)
    alone = recognize(st_, gaz)  # finds its spans itself
    _tokens.cache_clear()
    spans = gazetteer_spans(text, gaz)
    assert recognize(st_, gaz, spans=spans) == alone
    info = _tokens.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert _tokens(text) == _tokens.__wrapped__(text)


def test_scoring_amounts_follow_the_weights_they_are_asked_about() -> None:
    import dataclasses

    from geo._scoring import _amounts, load_weights

    w = load_weights()
    keys = [f.name for f in dataclasses.fields(w) if f.name != "feature_code"] + sorted(w.feature_keys())
    assert {k: _amounts(w)[k] for k in keys} == {k: w.amount(k) for k in keys}
    other = dataclasses.replace(w, kind_country=w.kind_country + 0.5, feature_code=(("PPLC", 0.125),))
    assert _amounts(other)["kind_country"] == w.kind_country + 0.5
    assert _amounts(other)["feature_code.PPLC"] == 0.125 and "feature_code.PPLA" not in _amounts(other)
    assert _amounts(w)["kind_country"] == w.kind_country  # asked about the first weights again


class _CountingPipe:
    """A spaCy pipeline that records each ``pipe`` call's texts."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.calls: list[list[str]] = []

    def pipe(self, texts: Iterable[str], **kwargs: Any) -> Any:
        texts = list(texts)
        self.calls.append(texts)
        return self.nlp.pipe(texts, **kwargs)


def test_the_roles_of_a_batch_are_read_from_one_parse_as_each_document_alone(
    gaz: gazetteer.Gazetteer,
) -> None:
    reader = geo.load_roles()
    ner = geo.load_model()
    texts = [
        "Turkey proposed to Iran a joint patrol, the ministry said.\nShelling hit Saraqib on Monday.",
        "Russia said its forces had left Kherson.\nThe Syrian army shelled villages near Idlib.",
        "Aid reached Aleppo on Tuesday.",  # no name in doubt
        "Egypt and Jordan called for a ceasefire in Gaza.",
    ]
    docs = [geo.Document(id=f"r{i}", text=t) for i, t in enumerate(texts)]
    batched = _CountingPipe(reader.nlp)
    parser = geo.Geoparser(gaz, nlp=ner, roles=geo.RoleReader(reader.model, batched))
    together = list(parser.parse_documents(docs))
    assert len(batched.calls) == 1  # one parse for the batch, of statements of several documents
    assert set(batched.calls[0]) >= {texts[0].split("\n")[0], texts[3]}
    alone = geo.Geoparser(gaz, nlp=ner, roles=reader)
    for doc, result in zip(docs, together, strict=True):
        assert result.resolutions == next(alone.parse_documents([doc])).resolutions
    roles = {(r.document.id, x.mention.text): x.role for r in together for x in r.resolutions}
    assert roles[("r0", "Turkey")] == "actor" and roles[("r0", "Iran")] == "actor"


# -- a long report: work done once per distinct name, not per mention ---------------------------------


def test_ranking_key_covers_every_field_of_the_evidence() -> None:
    import dataclasses

    from geo._resolve import RANKING_EVIDENCE

    # a field scoring may read must tell two mentions' rankings apart
    assert set(RANKING_EVIDENCE) == {f.name for f in dataclasses.fields(Evidence)}


def _scoring_inputs(gaz: gazetteer.Gazetteer, text: str) -> tuple[list[Any], dict[int, Any], list[list[Any]]]:
    """What ranking reads of a report: its mentions (a border has no candidates), its statements by
    index, and each mention's candidates."""
    from geo._candidates import candidates

    result = geo.Geoparser(gaz).parse(text)
    mentions = [r.mention for r in result.resolutions if r.mention.form != "border"]
    return mentions, {st.index: st for st in result.statements}, [candidates(m, gaz) for m in mentions]


def test_scoring_reads_nothing_of_a_mention_the_ranking_key_leaves_out(gaz: gazetteer.Gazetteer) -> None:
    import dataclasses

    from geo._candidates import evidence
    from geo._scoring import score

    # the key holds a mention's name, form and direction: where it stands and how it is written
    # around the name must not change a score
    text = (
        "Shelling hit north of Idlib and the suburbs of Aleppo.\n"
        "Aid reached Idlib, Syria, and Alexandria; officials in Georgia and Springfield were calm."
    )
    mentions, by_index, cands = _scoring_inputs(gaz, text)
    evidences = evidence(mentions, cands, by_index, gaz, dateline=None)
    scored = 0
    for m, cs, ev in zip(mentions, cands, evidences, strict=True):
        moved = dataclasses.replace(
            m,
            doc="elsewhere",
            start=m.start + 500,
            end=m.end + 500,
            text=f"the {m.text}",
            sentence=9,
            other="Homs",
            source="rule",
        )
        for c in cs:
            assert score(moved, c, ev) == score(m, c, ev), m.text
            scored += 1
    assert scored > 20


def test_mentions_of_one_name_are_ranked_once_as_each_alone(gaz: gazetteer.Gazetteer) -> None:
    from geo._candidates import evidence
    from geo._resolve import _ranked
    from geo._scoring import score

    # the same names again and again, with a container beside some ("Idlib, Syria") and a Spanish
    # statement, whose language changes the evidence of its names
    text = (
        "Shelling hit Idlib and Aleppo on Monday.\n"
        "Aid reached Idlib, Syria, and Aleppo on Tuesday.\n"
        "Enfrentamientos en Aleppo y Idlib dejaron muertos.\n"
        "Officials in Aleppo said Idlib was calm; Hama and Idlib were shelled."
    )
    mentions, by_index, cands = _scoring_inputs(gaz, text)
    assert sum(m.text == "Idlib" for m in mentions) >= 4
    evidences = evidence(mentions, cands, by_index, gaz, dateline=None)
    ranked = _ranked(mentions, cands, evidences)
    for m, cs, ev, got in zip(mentions, cands, evidences, ranked, strict=True):
        alone = sorted((score(m, c, ev) for c in cs), key=lambda s: (-s.score, s.candidate.id))
        assert got == alone, m.text
    idlib = [r for m, r in zip(mentions, ranked, strict=True) if m.text == "Idlib"]
    assert any(a is b for a, b in itertools.pairwise(idlib))  # shared by mentions of one evidence
    assert any(a is not b for a, b in itertools.pairwise(idlib))  # not by one beside its country


def test_a_corridor_named_again_is_the_corridor_named_once(gaz: gazetteer.Gazetteer) -> None:
    parser = geo.Geoparser(gaz)
    once = "Clashes broke out between Saraqib and Idlib on Monday."

    def corridors_of(text: str) -> list[geo.Resolution]:
        return [r for r in parser.parse(text).resolutions if r.mention.form == "between"]

    (alone,) = corridors_of(once)
    twice = corridors_of(f"{once}\nShelling went on between Saraqib and Idlib on Tuesday.\n{once}")
    assert len(twice) == 3
    for r in twice:
        assert (r.place, r.score, r.reasons) == (alone.place, alone.score, alone.reasons)
    # the other way round is its own band, measured from Idlib
    (back,) = corridors_of("Clashes broke out between Idlib and Saraqib on Monday.")
    assert back.place is not None and alone.place is not None
    assert back.place.place_id == alone.place.place_id
    assert back.reasons == alone.reasons


def test_the_focus_is_each_countrys_exact_sum_of_the_other_names_votes(gaz: gazetteer.Gazetteer) -> None:
    from fractions import Fraction

    from geo._candidates import VOTE_UNITS, _votes, evidence

    text = (
        "Shelling hit Idlib and Aleppo.\nTurkish troops entered Afrin near Kilis.\n"
        "Talks in Geneva and Moscow stalled; Georgia and Jordan called for calm in Homs, Hama and Idlib."
    )
    mentions, by_index, cands = _scoring_inputs(gaz, text)
    votes = [_votes(cs) for cs in cands]
    heads = [m.head.casefold() for m in mentions]
    assert len(set(heads)) < len(heads)  # a name said again
    countries = sorted({cc for vote in votes for cc in vote})
    assert len(countries) >= 4
    for head, ev in zip(heads, evidence(mentions, cands, by_index, gaz, dateline=None), strict=True):
        others = [vote for h, vote in zip(heads, votes, strict=True) if h != head]
        exact = {
            cc: sum((Fraction(v.get(cc, 0), VOTE_UNITS) for v in others), Fraction(0)) for cc in countries
        }
        assert list(ev.focus.items()) == [(cc, float(n)) for cc, n in exact.items()]
        assert ev.total == sum(1 for vote in others if vote)


def test_the_places_of_a_name_named_again_are_those_drawn_for_each_form(gaz: gazetteer.Gazetteer) -> None:
    from geo._shapes import place_of

    text = (
        "Shelling hit Aleppo and the suburbs of Aleppo.\nTroops moved north of Aleppo; Aleppo was calm.\n"
        "Fighting in northern Aleppo and north of Aleppo went on; the Yei county and Yei district were calm."
    )
    resolutions = [r for r in geo.Geoparser(gaz).parse(text).resolutions if r.place is not None]
    forms = {r.mention.form for r in resolutions}
    assert {"name", "suburbs", "offset", "part", "district"} <= forms
    for r in resolutions:
        if r.mention.form == "between" or r.place is None:
            continue
        pid = r.place.place_id
        (cand,) = [
            c
            for c in gaz.lookup(r.mention.head, limit=30)
            if pid.startswith(f"{c.place_id}:") or pid == c.place_id
        ]
        assert r.place == place_of(r.mention, cand, gaz), r.mention.text


def test_the_candidates_of_a_name_named_again_are_its_own_copy(gaz: gazetteer.Gazetteer) -> None:
    from geo._candidates import candidates
    from geo._resolve import _candidates_of

    text = "Shelling hit Idlib and Idlib province.\nKano Market and Kano were calm; aid reached Idlib."
    mentions = [r.mention for r in geo.Geoparser(gaz).parse(text).resolutions]
    assert sum(m.head == "Idlib" and m.form == "name" for m in mentions) == 2
    assert {m.form for m in mentions} >= {"name", "province", "feature"}
    found = _candidates_of(mentions, gaz)
    assert found == [candidates(m, gaz) for m in mentions]
    idlib = next(m for m in mentions if m.head == "Idlib" and m.form == "name")
    first, again = (
        cs for m, cs in zip(mentions, found, strict=True) if m.head == "Idlib" and m.form == "name"
    )
    assert first and first is not again
    first.clear()  # a caller may change its list: the other mention's stays whole
    assert again == candidates(idlib, gaz)
