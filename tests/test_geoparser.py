"""The geoparser on sentences written for these tests, in the style of wire reports.

Each construction of issue 3 is pinned: demonyms, provinces, parts of regions, suburbs, offsets, borders,
containment hints, organisations and people named after places, metonymy, and ambiguous names.
"""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

import geo
from geo import Geoparser


@pytest.fixture(scope="module")
def parser(gaz):
    from geo._roles import load_roles

    return Geoparser(gaz, nlp=geo.load_model(), roles=load_roles())


def _by_text(result):
    return {r.mention.text: r for r in result.resolutions}


def _resolved(result, text):
    res = _by_text(result)[text]
    assert res.place is not None, f"{text!r} unresolved: {res.reasons}"
    return res


@pytest.mark.parametrize(
    ("sentence", "mention", "kind", "country", "precision"),
    [
        ("Shelling was reported in several Syrian provinces on Tuesday.", "Syrian", "country", "SY", 3),
        (
            "Fighting resumed in Aleppo province overnight, monitors said.",
            "Aleppo province",
            "admin1",
            "SY",
            3,
        ),
        (
            "Clashes were reported in the province of Idlib on Monday.",
            "the province of Idlib",
            "admin1",
            "SY",
            3,
        ),
        ("Rockets fell on villages in north Latakia, residents said.", "north Latakia", "part", "SY", 2),
        (
            "Government troops advanced in the southern Aleppo countryside.",
            "southern Aleppo countryside",
            "part",
            "SY",
            2,
        ),
        (
            "Mortar rounds hit the suburbs of Damascus on Sunday.",
            "the suburbs of Damascus",
            "suburbs",
            "SY",
            2,
        ),
        (
            "Heavy fighting was reported on the outskirts of Aleppo.",
            "the outskirts of Aleppo",
            "suburbs",
            "SY",
            2,
        ),
        ("A convoy was ambushed 30 km north of Baghdad, police said.", "north of Baghdad", "offset", "IQ", 2),
        ("Artillery pounded positions east of Kherson on Friday.", "east of Kherson", "offset", "UA", 2),
        ("Gunmen crossed the Syrian-Turkish border at night.", "Syrian-Turkish border", "border", "SY;TR", 2),
        ("Troops crossed the Turkish-Syrian border at night.", "Turkish-Syrian border", "border", "SY;TR", 2),
        (
            "Refugees gathered on the border between Syria and Turkey.",
            "border between Syria and Turkey",
            "border",
            "SY;TR",
            2,
        ),
        ("Donetsk oblast was shelled again, officials said.", "Donetsk oblast", "admin1", "UA", 3),
    ],
)
def test_compound_constructions(parser, sentence, mention, kind, country, precision):
    res = _resolved(parser.parse(sentence), mention)
    assert res.place.kind == kind
    assert res.place.country_code == country
    assert res.place.precision == precision
    assert res.role == "location"


def test_part_of_a_governorate_is_its_northern_half(parser, gaz):
    res = _resolved(
        parser.parse("Rockets fell on villages in north Latakia, residents said."), "north Latakia"
    )
    governorate = gaz.geometry(res.place.geonameid)
    part = res.place.geometry
    assert part.area < 0.75 * governorate.area
    assert part.centroid.y > governorate.centroid.y
    assert not part.contains(shapely.Point(35.79, 35.52))  # Latakia city lies in the south-west


def test_suburbs_are_a_ring_not_the_centre(parser):
    res = _resolved(
        parser.parse("Mortar rounds hit the suburbs of Damascus on Sunday."), "the suburbs of Damascus"
    )
    ring = res.place.geometry
    centre = shapely.Point(res.place.point.lon, res.place.point.lat)
    assert not ring.contains(centre)
    for lon, lat in [(36.236, 33.458), (36.195, 33.461), (36.357, 33.521)]:  # Darayya, Muadamiyat, Zamalka
        assert ring.contains(shapely.Point(lon, lat))


def test_province_polygon_contains_its_city(parser):
    res = _resolved(parser.parse("Fighting resumed in Aleppo province overnight."), "Aleppo province")
    assert res.place.geometry.contains(shapely.Point(37.16, 36.20))


def test_border_is_a_line_along_the_real_border(parser):
    res = _resolved(
        parser.parse("Gunmen crossed the Syrian-Turkish border at night."), "Syrian-Turkish border"
    )
    line = res.place.geometry
    assert line.geom_type in ("LineString", "MultiLineString")
    minx, miny, maxx, maxy = line.bounds
    assert 35.5 < minx < 37 and 41.5 < maxx < 42.6 and miny > 35.8 and maxy < 37.4


@pytest.mark.parametrize(
    ("sentence", "mention", "role"),
    [
        ("Russia has begun air strikes on militant positions.", "Russia", "actor"),
        ("Moscow said the talks would continue next week.", "Moscow", "actor"),
        ("Beijing warned against any escalation.", "Beijing", "actor"),
        ("The US-led coalition carried out four strikes.", "US", "actor"),
        ("Russian warplanes struck the town at dawn.", "Russian", "actor"),
        ("Two civilians were killed in Syria on Monday.", "Syria", "location"),
        ("The delegation arrived in Moscow on Monday.", "Moscow", "location"),
        ("The envoy travelled to Turkey for talks.", "Turkey", "location"),
    ],
)
def test_roles(parser, sentence, mention, role):
    assert _resolved(parser.parse(sentence), mention).role == role


@pytest.mark.parametrize(
    ("sentence", "not_places"),
    [
        ("Fighters of the Islamic State withdrew overnight.", ["Islamic State", "State"]),
        ("Jabhat al-Nusra rejected the truce, the group said.", ["Jabhat al-Nusra", "Jabhat"]),
        ("The International Syria Support Group met on Tuesday.", ["Syria"]),
        ("The Free Syrian Army said it repelled the attack.", ["Syrian"]),
        ("The Kurdistan Workers' Party claimed the bombing.", ["Kurdistan"]),
        ("The Russian Foreign Ministry issued a statement.", ["Russian"]),
        ("The UN Security Council adopted a resolution.", ["Security Council"]),
        ("Earlier in the day, the minister met reporters.", ["Earlier"]),
        ("Strikes are planned from May 25, the ministry said.", ["May"]),
    ],
)
def test_names_that_are_not_places(parser, sentence, not_places):
    texts = {r.mention.text for r in parser.parse(sentence).resolutions if r.role == "location"}
    assert not texts & set(not_places)


@pytest.mark.parametrize(
    ("sentence", "mention", "country"),
    [
        ("Protesters gathered in Alexandria, Egypt, on Friday.", "Alexandria", "EG"),
        ("Police in Alexandria, Virginia, closed the bridge.", "Alexandria", "US"),
        ("Officials in Cairo and Alexandria imposed a curfew.", "Alexandria", "EG"),
        ("Talks were held in Amman, the capital of Jordan.", "Jordan", "JO"),
        ("Shelling hit Kherson in Ukraine overnight.", "Kherson", "UA"),
        ("The governor of Georgia declared an emergency in Atlanta.", "Georgia", "US"),
    ],
)
def test_ambiguous_names_follow_their_context(parser, sentence, mention, country):
    res = _resolved(parser.parse(sentence), mention)
    assert res.place.country_code == country
    assert res.reasons


def test_unresolved_mentions_are_reported_not_guessed(parser):
    result = parser.parse("Rebels seized Zzyzxabad, a hamlet in Kandahar Province, activists said.")
    for res in result.resolutions:
        if res.place is None:
            assert res.reasons and res.score < 0.5


def test_statements_carry_speaker_date_and_categories(parser):
    text = (
        "DAMASCUS, April 2. /geomap wire/. Air strikes hit Douma and Harasta, the Syrian defence "
        "ministry said.\n"
        '"The ceasefire is being violated in Hama province every night," Colonel Khaled Nasser said.'
    )
    result = parser.parse(text, doc_id="w1", year=2025)
    dateline = result.resolutions[0]
    assert dateline.mention.text == "DAMASCUS" and dateline.role == "dateline"
    stmts = result.statements
    assert all(st.date == dt.date(2025, 4, 2) for st in stmts)
    quoted = next(st for st in stmts if "Hama" in st.text)
    assert quoted.speaker == "Khaled Nasser"
    assert "ceasefire_violation" in quoted.categories
    hama = _resolved(result, "Hama province")
    assert hama.mention.sentence == quoted.index


def test_one_statement_links_to_all_its_places(parser):
    text = "Violations continued in north Latakia, Aleppo province, as well as in the suburbs of Damascus."
    result = parser.parse(text)
    places = {r.place.kind for r in result.resolutions if r.place and r.mention.sentence == 0}
    assert places == {"part", "admin1", "suburbs"}


def test_a_part_of_a_governorate_in_a_longer_report(parser, gaz):
    """Among many mentions of the country, "north Latakia" stays the governorate's northern part."""
    text = (
        "DAMASCUS, June 3. /geomap wire/. Russia and the United States discussed the truce in Syria, "
        "the Russian Defence Ministry said on Friday.\n"
        '"The truce is broadly observed in most Syrian provinces. Violations persist in north Latakia, '
        'Aleppo province, as well as in the suburbs of Damascus," the ministry said.\n'
        "The truce took effect in Syria in February."
    )
    result = parser.parse(text, year=2025)
    part = _resolved(result, "north Latakia").place
    governorate = gaz.lookup("Latakia", kinds=["admin1"])[0]
    assert part.geonameid == governorate.id
    roles = {r.mention.text: r.role for r in result.resolutions}
    assert roles["Russia"] == "actor" and roles["United States"] == "actor"
    assert roles["Syria"] == "location" and roles["Syrian"] == "location"


def test_without_a_model_gazetteer_names_still_resolve(gaz):
    result = Geoparser(gaz, nlp=None).parse("Shelling hit the suburbs of Damascus and Aleppo province.")
    kinds = sorted(r.place.kind for r in result.resolutions if r.place)
    assert kinds == ["admin1", "suburbs"]


def test_offsets_point_into_the_text(parser):
    text = "MOSCOW, May 20. Russia and Turkey discussed the situation in northern Syria and Idlib."
    result = parser.parse(text, year=2016)
    for res in result.resolutions:
        assert text[res.mention.start : res.mention.end] == res.mention.text


def test_between_two_towns_is_a_corridor_and_both_towns(parser):
    result = parser.parse("Fighting raged between Saraqib and Idlib on Monday, activists said.")
    corridor = _resolved(result, "between Saraqib and Idlib")
    assert corridor.place.kind == "between" and corridor.place.precision == 2
    assert corridor.mention.source == "derived"
    for town in ("Saraqib", "Idlib"):
        place = _resolved(result, town).place
        assert corridor.place.geometry.contains(shapely.Point(place.point.lon, place.point.lat))


def test_a_small_town_listed_with_a_place_is_taken(parser):
    result = parser.parse("Shells hit Kafranbel, Saraqib and Idlib on Monday.")
    assert {r.mention.text for r in result.resolutions if r.place} == {"Kafranbel", "Saraqib", "Idlib"}


def test_between_two_countries_is_no_corridor(parser):
    result = parser.parse("Talks between Russia and Turkey resumed in Sochi.")
    assert all(r.place is None or r.place.kind != "between" for r in result.resolutions)


def test_named_streets_and_rivers_are_reported_unresolved(parser):
    result = parser.parse("Protesters marched down Hamra Street toward the Litani River on Sunday.")
    features = {r.mention.text: r for r in result.resolutions if r.mention.form == "feature"}
    assert set(features) == {"Hamra Street", "Litani River"}
    assert all(r.place is None and r.reasons for r in features.values())


@pytest.mark.parametrize(
    ("sentence", "mention", "countries"),
    [
        ("Tensions rose across the Middle East on Monday.", "Middle East", ["SY", "IQ", "SA"]),
        ("Militants crossed into the Sahel from Libya.", "Sahel", ["ML", "NE"]),
        ("Ministers of the Gulf states met in Riyadh.", "Gulf states", ["SA", "QA"]),
    ],
)
def test_regions_are_areas_over_their_countries(parser, gaz, sentence, mention, countries):
    place = _resolved(parser.parse(sentence), mention).place
    assert place.kind == "region" and place.precision == 3
    for cc in countries:
        capital = gaz.lookup(gaz.country(cc).name, kinds=["country"])[0]
        assert place.geometry.intersects(shapely.Point(capital.lon, capital.lat).buffer(2))


def test_the_eu_is_a_region_and_an_actor(parser):
    result = parser.parse("The EU imposed new sanctions on Monday, and EU airlines suspended flights.")
    eus = [r for r in result.resolutions if r.mention.text == "EU"]
    assert len(eus) == 2
    assert all(r.place.kind == "region" and r.role == "actor" for r in eus)


@pytest.mark.parametrize(
    "sentence",
    [
        "Michael Jordan visited the stadium on Saturday.",
        "Coach Paris Jackson praised the team after the match.",
    ],
)
def test_a_place_name_inside_a_persons_name_is_not_a_place(parser, sentence):
    assert [r.mention.text for r in parser.parse(sentence).resolutions if r.place] == []


@pytest.mark.parametrize(
    ("text", "mention", "form", "kind", "role"),
    [
        ("Moscow said the talks would go on.", "Moscow", "name", "city", "actor"),
        ("Talks went on in Moscow.", "Moscow", "name", "city", "location"),
        ("Russia and the United States discussed a truce.", "Russia", "name", "country", "actor"),
        ("Syrian territory was shelled.", "Syrian", "demonym", "country", "location"),
        ("The Syrian army advanced.", "Syrian", "organisation", "country", "actor"),
        ("Shelling hit north Latakia.", "north Latakia", "part", "part", "location"),
    ],
)
def test_the_role_stage_reads_the_statement_values(parser, text, mention, form, kind, role):
    """The role stage takes the previous stages' values: a mention, its statement, the place's kind
    (Moscow is a capital), and reads the statement's parse for the names in doubt."""
    from geo._roles import role_of

    statement = geo.Statement(doc="d", index=0, start=10, end=10 + len(text), text=text)
    a = text.index(mention)
    m = geo.Mention(
        doc="d", start=10 + a, end=10 + a + len(mention), text=mention, sentence=0, head=mention, form=form
    )
    reader = parser.roles
    capital = mention == "Moscow"
    ruled = role_of(m, statement, kind, dateline=None, capital=capital)
    if reader.in_doubt(m, statement, kind, capital=capital) and form in ("name", "demonym"):
        ruled = reader.roles([(m, statement, kind)])[0]
    assert ruled == role
    assert role_of(m, statement, kind, dateline=(10 + a, 10 + a + len(mention))) == "dateline"
