"""Recognition of small towns by the words around them (issue 10: places the gazetteer holds that were
missed), on the real gazetteer and model.

A town too small to be taken on its name alone is a place when the words around it say so: a noun for
its people after it ("Tamu villagers"), a capitalised settlement word ("Katha Township"), a locative and
the possessive of its area ("in Sagaing's Tamu"), a verb that takes a place or a "-held" before it.  A
name inside an organisation's name stays no location.  Every sentence here was written for these tests.
"""

from __future__ import annotations

import pytest
from recognition_util import located as _located
from recognition_util import texts as _texts


@pytest.fixture(scope="module")
def parser(model_parser):
    return model_parser


def test_a_small_town_alone_is_not_taken(parser):
    # the control for the cues below: Tamu (44,000 people, no district seat) with nothing around it
    assert "Tamu" not in _texts(parser.parse("Tamu was quiet on Monday, the officials said."))


@pytest.mark.parametrize(
    "sentence",
    [
        # a noun for the town's people after it
        "Soldiers detained six Tamu villagers after the raid.",
        "Two Tamu youths were wounded by a landmine.",
        "Tamu residents fled across the river on Sunday.",
        # a capitalised settlement word on a line of mixed case, ending the name
        "Soldiers raided Tamu Township overnight and burned two houses.",
        "An informer was shot dead in Kachin States Tamu Town",
        # a locative and the possessive of the area that holds it, in mixed case and in title case
        "Fighting was reported in Sagaing's Tamu on Friday.",
        "Heavy Fighting Reported in Sagaing’s Tamu as Resistance Advances",
        # verbs and phrases that take a place
        "Militias were driven out of Tamu on Sunday.",
        "Artillery targets Tamu and nearby villages.",
        "Troops entered rebel-held Tamu after a week of fighting.",
        "Rebels attacked Tamu on Monday, killing three soldiers.",
    ],
)
def test_the_words_around_a_small_town_make_it_a_place(parser, sentence):
    assert _located(parser.parse(sentence)).get("Tamu") == ("MM", "location")


def test_a_month_and_year_after_a_name_in_capitals_end_it(parser):
    # the model reads "KATHA JULY 2021" as one date; the month and year are the date, not the name
    located = _located(parser.parse("ABUSES IN KATHA JULY 2021 ; Report on the region"))
    assert located.get("KATHA") == ("MM", "location")


def test_a_common_word_before_a_building_in_title_case_heads_no_feature(parser):
    # "From" (a town's name too) is no place on a line whose capitals say nothing; the prison is Katha's
    result = parser.parse("Two Inmates Escape From The Katha Prison")
    found = {r.mention.text: r.place for r in result.resolutions}
    assert "From" not in " ".join(found)
    place = found["Katha Prison"]
    assert place is not None and (place.name, place.country_code) == ("Katha", "MM")


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        # "Town" with no locative before it may be a football club's
        ("Tamu Town won the cup final on Saturday.", "Tamu"),
        # a capitalised word after the settlement word makes an organisation's name of them
        ("The Tamu Town Council met on Tuesday to discuss the budget.", "Tamu"),
        # an organisation's word after the name: not a place, whatever comes before it
        ("Students of Tamu University marched on Tuesday.", "Tamu"),
        # a people's noun after a common word or person's name: no place
        ("Jackson residents were told to boil their water.", "Jackson"),
    ],
)
def test_names_in_organisations_and_common_words_stay_no_location(parser, sentence, name):
    located = _located(parser.parse(sentence))
    assert located.get(name, (None, "actor"))[1] != "location", located


def test_a_common_word_listed_after_a_place_in_title_case_is_no_place(parser):
    # "State" is listed after Bor, but nothing on a title-case line says that it is a name
    texts = _texts(parser.parse("Army Drives Rebels Out of Bor, State Officials Say"))
    assert "Bor" in texts
    assert "State" not in texts


def test_a_list_of_provinces_in_capitals_keeps_them_all(parser):
    # a clause of capitalised names only says nothing by its case; the provinces listed with one that is
    # sure are places, though each is a common word too
    sentence = (
        "Recalls were issued in these states (by region) : Oregon, Nevada, Utah, Idaho, Montana, Texas,"
        " Kansas, Ohio, Indiana, Michigan, Georgia, Virginia, Tennessee, North Carolina and Maine."
    )
    located = _located(parser.parse(sentence))
    assert {"Texas", "Utah", "Virginia", "Ohio", "Kansas"} <= set(located), located


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("The budget bill passed out of the House on Tuesday.", "House"),
        ("A Republican-controlled House will vote on it in May.", "House"),
        ("The senator kept out of Turner's quarrel with the board.", "Turner"),
        ("Critics attacked Turner over the budget.", "Turner"),
    ],
)
def test_weaker_cues_take_no_common_word(parser, sentence, word):
    # "out of", "targets" and "-controlled" take a rare name ("driven out of Tamu"), not a common word
    assert word not in _texts(parser.parse(sentence))
