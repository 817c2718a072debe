"""Recognition in conflict reporting (issue 10, failure classes 1, 2 and 5), on the real gazetteer and model.

Well-known places named with no locative cue, at the head of a sentence, in a headline alone or inside a
hyphenated token; headlines in capitals and in title case; datelines of every shape and the country
focus they set; "the countryside of X", "rural X", "X's outskirts" drawn as the area around X.  Every
sentence here was written for these tests.
"""

from __future__ import annotations

import pytest
from recognition_util import located as _located
from recognition_util import texts as _texts

from geo._recognize import caseless, common_word
from geo._statements import parse_dateline


@pytest.fixture(scope="module")
def parser(model_parser):
    return model_parser


# -- class 1: well-known places need no cue -------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "name", "country"),
    [
        ("The army shelled Tal Afar for a third day.", "Tal Afar", "IQ"),
        # a city of 100,000 at the head of a sentence and of a headline
        ("Reynosa bloodshed continues as cartels fight over the border trade.", "Reynosa", "MX"),
        ("Maiduguri residents flee after a night of rocket fire.", "Maiduguri", "NG"),
        # a provincial seat at the head of a headline
        ("Tikrit falls to militants after a week of fighting", "Tikrit", "IQ"),
        # a headline whose clause is the name alone
        ("Lysychansk ; Shelling resumes in the east of the country", "Lysychansk", "UA"),
    ],
)
def test_well_known_places_need_no_cue(parser, sentence, name, country):
    located = _located(parser.parse(sentence))
    assert located.get(name, (None, ""))[0] == country, located


def test_a_district_seat_needs_no_cue(parser):
    # recognised whatever the ranking makes of its one candidate (GeoNames gives it no population)
    result = parser.parse("Government troops pushed on Tuesday to retake Hawija from the militants.")
    assert "Hawija" in _texts(result)


def test_a_town_of_the_reports_own_country_needs_no_cue(parser):
    report = "South Sudan: rebels claim Leer and then retreat to the swamps."
    assert _located(parser.parse(report)).get("Leer", (None, ""))[0] == "SS"


@pytest.mark.parametrize(
    ("sentence", "not_places"),
    [
        # common words and people's names stay doubtful without a cue
        ("Hope returned to the valley after the ceasefire.", {"Hope"}),
        ("Jackson said the convoy would leave at dawn.", {"Jackson"}),
        # a person the model names, then met alone
        ("Police say Martin Bassett fled the scene. Bassett was arrested on Wednesday.", {"Bassett"}),
        # an acronym in a sentence of mixed case is an organisation's
        ("The spokesman for the agency (COAS) denied the report.", {"COAS"}),
    ],
)
def test_common_words_and_people_stay_doubtful(parser, sentence, not_places):
    assert not_places.isdisjoint(_texts(parser.parse(sentence)))


def test_both_parts_of_a_hyphenated_token_are_places(parser):
    located = _located(parser.parse("Russia-Turkey talks on the truce resumed in the capital."))
    assert located.get("Russia", (None, ""))[0] == "RU"
    assert located.get("Turkey", (None, ""))[0] == "TR"


@pytest.mark.parametrize(
    ("sentence", "name", "country"),
    [
        ("Masacre de Barrancabermeja, agosto de 1998", "Barrancabermeja", "CO"),
        ("Centrafrique : un accrochage fait trois morts à Bambari", "Bambari", "CF"),
        ("The battle for Mosul entered its second month.", "Mosul", "IQ"),
    ],
)
def test_the_place_of_an_event_and_of_french_or_spanish_headlines(parser, sentence, name, country):
    assert _located(parser.parse(sentence)).get(name, (None, ""))[0] == country


# -- headlines in capitals and in title case -----------------------------------------------------------


def test_case_of_a_whole_line():
    assert caseless("MILITANTS SEIZE TOWN AFTER HEAVY FIGHTING")
    assert caseless("Army Recaptures Border Town From Rebels After Long Siege")
    assert not caseless("The army recaptured the border town of Bor on Monday.")
    assert not caseless(
        "Chief of Army Staff General Qamar Javed Bajwa inaugurated two projects in South Waziristan."
    )


def test_common_words_are_measured_by_frequency():
    assert common_word("Hope") and common_word("Border") and common_word("Jackson")
    assert not common_word("Hawija") and not common_word("Reynosa") and not common_word("Tal Afar")


def test_a_headline_in_capitals_takes_places_not_every_capitalised_word(parser):
    texts = _texts(parser.parse("HAIL OF ROCKETS EXPOSES KABUL INSECURITY"))
    assert "KABUL" in texts
    assert "HAIL" not in texts  # a province of Saudi Arabia, and a common word
    assert "MANILA" in _texts(parser.parse("GUERRILLAS KILL TWO SOLDIERS NEAR MANILA SCHOOL"))


def test_a_title_case_headline_takes_places_not_every_capitalised_word(parser):
    result = parser.parse("Gunmen Attack Villages Near Border as Army Recaptures Damboa")
    texts = _texts(result)
    assert "Border" not in texts
    assert _located(result).get("Damboa", (None, ""))[0] == "NG"


@pytest.mark.parametrize(
    ("headline", "name", "country"),
    [
        # the model reads "Hits Maiduguri" as a person and "Acapulco Massacre" as a name
        ("Dozens Feared Dead As Suicide Bomber Hits Maiduguri", "Maiduguri", "NG"),
        ("Acapulco Massacre: 25 People Killed, 12 Wounded", "Acapulco", "MX"),
        # a short clause of a title-case headline run on after a plain one
        ("Two dead in a double blast ; Update - Damaturu Blast: Army Confirms 50 Dead", "Damaturu", "NG"),
    ],
)
def test_title_case_headlines_are_not_read_as_names(parser, headline, name, country):
    assert _located(parser.parse(headline)).get(name, (None, ""))[0] == country


def test_a_title_case_headline_does_not_make_a_town_an_organisation(parser):
    # the model calls "Kano Market Blast" an organisation because of its capitals
    result = parser.parse("Two Bombers, Four Others Killed in Kano Market Blast - Police")
    assert all(r.mention.form != "organisation" for r in result.resolutions if r.mention.head == "Kano")


# -- class 2: datelines of every shape -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place", "qualifier"),
    [
        ("BAMAKO, Mali. Gunmen attacked a hotel used by foreign troops.", "BAMAKO", "Mali"),
        ("BAMAKO, Mali\nGunmen attacked a hotel used by foreign troops.", "BAMAKO", "Mali"),
        ("CIUDAD JUAREZ, Mexico - Six men were shot dead at a party.", "CIUDAD JUAREZ", "Mexico"),
        ("PORT-AU-PRINCE, Haiti: Gangs set fire to a market overnight.", "PORT-AU-PRINCE", "Haiti"),
        ("SAN JOSE - A bomb went off outside the court on Friday.", "SAN JOSE", None),
        ("MAIDUGURI, Nigeria (Reuters) - Insurgents raided a camp.", "MAIDUGURI", "Nigeria"),
    ],
)
def test_datelines_of_every_shape(text, place, qualifier):
    head = parse_dateline(text)
    assert head is not None and head.place == place and head.qualifier == qualifier


@pytest.mark.parametrize(
    "text",
    [
        "UN SAYS TROOPS, ARMY CLASH - report",
        "REBELS TAKE TOWN - ARMY",
        "Rebels attack Bamako. More fighting is expected.",
    ],
)
def test_headlines_are_not_datelines(text):
    assert parse_dateline(text) is None


def test_a_dateline_without_accents_resolves_and_sets_the_focus(parser):
    report = "CIUDAD JUAREZ, Mexico - Gunmen killed six men at a party in Juarez on Saturday."
    result = parser.parse(report)
    roles = {r.mention.text: (r.place.name if r.place else None, r.role) for r in result.resolutions}
    assert roles["CIUDAD JUAREZ"] == ("Ciudad Juárez", "dateline")


def test_the_dateline_country_makes_its_towns_prominent(parser):
    # Bor is a provincial seat in South Sudan and a town in Russia, Serbia and Turkey
    result = parser.parse("JUBA, South Sudan - Rebels said on Monday they had taken Bor.")
    assert _located(result).get("Bor", (None, ""))[0] == "SS"


def test_a_large_city_named_like_a_common_word_opens_a_sentence(parser):
    """ "Paris" and "London" are frequent English words (and first names); at a sentence's start their
    capital says nothing, so the model reads them, and calls them places."""
    result = parser.parse("Gunmen killed 14 civilians near Mopti. Paris said it was following the situation.")
    assert [(r.mention.text, r.place.country_code) for r in result.resolutions if r.place] == [
        ("Mopti", "ML"),
        ("Paris", "FR"),
    ]
    result = parser.parse("Fighting went on in Donetsk. London said it was watching closely.")
    assert "London" in {r.mention.text for r in result.resolutions}
    # a common word that is no large city is still not taken at a sentence's start
    assert parser.parse("Hope said the talks had failed.").resolutions == ()


def test_an_abbreviated_oblast_is_the_province(parser):
    """Ukrainian casualty reports write "Donetsk Obl": the oblast, not the city of Donetsk."""
    result = parser.parse("A soldier was killed in enemy shelling at Kamyanka, Donetsk Obl. on Sept 30.")
    provinces = [r for r in result.resolutions if r.mention.text.startswith("Donetsk")]
    assert [(r.place.kind, r.place.country_code) for r in provinces if r.place] == [("admin1", "UA")]


def test_french_compass_points_are_no_foreign_province(parser):
    """ "dans le Nord-ouest" is the north-west of the country the report is about, and "Région : Zone
    Est" a heading: not Cameroon's North-West Province, Togo's Maritime Region or Burkina Faso's Est."""
    for text in (
        "RCA : trois personnes tuées au village Kaga, dans le Nord-ouest",
        "République Centrafricaine : Région : Zone Est - Rapport hebdomadaire de la situation",
        "Des combats ont eu lieu dans le Sud-est et au Centre.",
    ):
        result = parser.parse(text)
        assert not {"Nord-ouest", "Nord", "Région", "Est", "Sud-est", "Sud", "Centre"} & {
            r.mention.text for r in result.resolutions
        }, text
    # Nord-Kivu is a province, whatever its first word
    assert "Nord-Kivu" in {r.mention.text for r in parser.parse("Fighting spread in Nord-Kivu.").resolutions}


@pytest.mark.parametrize(
    ("sentence", "mention"),
    [
        ("Clashes were reported in the north of Syria.", "the north of Syria"),
        ("Violence also flared in north-west of CAR on Sunday.", "north-west of CAR"),
        (
            "Rebels hold the north-western part of the Central African Republic.",
            "the north-western part of the Central African Republic",
        ),
    ],
)
def test_the_north_of_a_country_is_its_northern_part(parser, sentence, mention):
    # not a wedge beyond the border, nor "CAR" read as a village called Car
    (res,) = [r for r in parser.parse(sentence).resolutions if r.mention.text == mention]
    assert res.place is not None and res.place.kind == "part", res.reasons
    # while a town's "north of" stays an offset from it
    (town,) = parser.parse("Shelling hit villages 20 km north of Baghdad.").resolutions
    assert town.place is not None and town.place.kind == "offset"


# -- class 5: the countryside and outskirts of a town ---------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "mention", "kind"),
    [
        ("Clashes raged in the countryside of Aleppo overnight.", "the countryside of Aleppo", "admin1"),
        ("Shelling hit rural Hama on Sunday.", "rural Hama", "admin1"),
        ("Airstrikes pounded Idlib's countryside.", "Idlib's countryside", "admin1"),
        (
            "Fighting spread to the southern countryside of Idlib.",
            "the southern countryside of Idlib",
            "part",
        ),
        ("Militants attacked the outskirts of Kirkuk.", "the outskirts of Kirkuk", "suburbs"),
        ("Kirkuk's outskirts came under mortar fire.", "Kirkuk's outskirts", "suburbs"),
        ("Troops fought in the environs of Tikrit.", "the environs of Tikrit", "suburbs"),
        (
            "Mortars fell on the outskirts of the capital Baghdad.",
            "the outskirts of the capital Baghdad",
            "suburbs",
        ),
        ("Troops reached Tikrit city outskirts at dawn.", "Tikrit city outskirts", "suburbs"),
    ],
)
def test_the_area_around_a_town(parser, sentence, mention, kind):
    result = parser.parse(sentence)
    found = {r.mention.text: r.place for r in result.resolutions if r.place is not None}
    assert mention in found, list(found)
    assert found[mention].kind == kind
    assert found[mention].geometry.area > 0  # an area, not the town's point


@pytest.mark.parametrize(
    ("report", "agency"),
    [
        ("MOSCOW, May 20. /TASS/. Shelling hit the outskirts of Aleppo.", "TASS"),
        ("KYIV, 12 March (Reuters) - Rockets hit Kharkiv overnight.", "Reuters"),
    ],
)
def test_the_agency_of_a_dateline_is_not_a_place(parser, report, agency):
    # Tass is also a town in Hungary: the agency that filed the report is named, not mapped
    result = parser.parse(report, year=2026)
    head = parse_dateline(report)
    assert head is not None and head.agency == agency
    a, b = head.agency_span
    assert report[a:b].strip("()/") == agency
    assert agency not in _texts(result)
    assert result.resolutions[0].role == "dateline"


# -- a building named after its town --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headline", "building", "town", "country"),
    [
        ("Worshippers Wounded in Jos Church Attack", "Jos Church", "Jos", "NG"),
        ("Traders Killed in Kano Market Blast", "Kano Market", "Kano", "NG"),
        ("Rebels Seize Mrauk-U Police Station", "Mrauk-U Police Station", "Mrauk U", "MM"),
        # a village of no known population, and a namesake abroad that bears the name only as an alias
        ("Troops Repel Raid On Rann IDP Camp", "Rann IDP Camp", "Rann", "NG"),
    ],
)
def test_a_building_named_after_its_town_is_drawn_at_the_town(parser, headline, building, town, country):
    by_text = {r.mention.text: r for r in parser.parse(headline).resolutions}
    found = by_text[building]
    assert found.place is not None and (found.place.name, found.place.country_code) == (town, country)
    assert found.place.precision == 1


@pytest.mark.parametrize(
    ("text", "head"),
    [
        # a common word or a person's name before the building's word: named after no town
        ("Federal University", "Federal"),
        ("Robinson College", "Robinson"),
        # the name is not right before the building's word
        ("Hit Jaji Military Base", "Hit"),
        # streets, bridges and rivers are often named after other towns, or lie in none
        ("Baghdad Street", "Baghdad"),
        ("Aleppo Gate", "Aleppo"),
        ("Euphrates River", "Euphrates"),
        # a town that bears the name only as a former or other name (Moosup, once Kishwaukee)
        ("Kishwaukee College", "Kishwaukee"),
    ],
)
def test_other_named_features_name_no_town(gaz, text, head):
    from geo._candidates import candidates
    from geo._types import Mention

    m = Mention(doc="d", start=0, end=len(text), text=text, sentence=0, head=head, form="feature")
    assert candidates(m, gaz) == []
    town = Mention(doc="d", start=0, end=9, text="Kano Mall", sentence=0, head="Kano", form="feature")
    assert ("Kano", "NG") in {(c.name, c.country_code) for c in candidates(town, gaz)}


@pytest.mark.parametrize(
    ("sentence", "mention", "whole"),
    [
        # a part of a town whose province bears another name is a part of the town, not of the province
        ("Government forces pushed into central Ramadi on Monday.", "central Ramadi", "city"),
        ("Snipers held out in west Fallujah for a week.", "west Fallujah", "city"),
        # a province named like its main town: the part of the province
        ("Rebels shelled villages in northern Aleppo.", "northern Aleppo", "admin1"),
        ("Clashes went on in north Latakia.", "north Latakia", "admin1"),
    ],
)
def test_the_part_of_a_town_or_of_the_province_named_like_it(parser, sentence, mention, whole, gaz):
    found = {r.mention.text: r.place for r in parser.parse(sentence).resolutions if r.place is not None}
    assert found[mention].kind == "part"
    assert gaz.get(found[mention].geonameid).kind == whole


@pytest.mark.parametrize(
    ("sentence", "feature"),
    [
        ("Coast guard ships blocked a fishing boat near Scarborough Shoal on Tuesday.", "Scarborough Shoal"),
        ("Divers surveyed Johnson Reef after the collision.", "Johnson Reef"),
        ("Boats were seen off Palmyra Atoll, the navy said.", "Palmyra Atoll"),
    ],
)
def test_a_reef_or_shoal_is_a_named_feature_not_its_namesake_town(parser, sentence, feature):
    """Shoals, reefs and atolls, which the gazetteer does not hold, are named features: the word before
    them is no town (Scarborough in Tobago, Johnson in the United States)."""
    by_text = {r.mention.text: r for r in parser.parse(sentence).resolutions}
    assert feature in by_text
    assert by_text[feature].place is None


@pytest.mark.parametrize(
    ("headline", "name"),
    [
        ("Two Soldiers Shot Dead at Mindat Checkpoint", "Mindat Checkpoint"),
        ("Militia Fighters Killed at Malakal", "Malakal"),
        ("Rebels Pose as Myanmar Troops", "Myanmar"),
    ],
)
def test_a_name_in_a_title_case_headline_starts_at_its_capital(parser, headline, name):
    """A lower-case word that joins the words of an Arabic or Spanish name ("at" of "Ras at Tin", "as" of
    "Ras as Sidr") starts no name: in a headline in title case it is the English preposition before one."""
    texts = {r.mention.text for r in parser.parse(headline).resolutions}
    assert name in texts
    assert not any(t.split()[0] in ("at", "as") for t in texts)
