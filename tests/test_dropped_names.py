"""Well-known places that recognition used to drop (issue 10, class 1), on the real gazetteer.

The small model draws one entity over a town's name and the words around it ("the raids on Kafr Batna
and Douma" as one person); a name standing apart inside such an entity is judged on its own context
and size, while a name joined to the entity's other capitalised words ("Jordan Henderson") stays
vetoed.  A hashtag after "in", a demonym before the name, a lower-case settlement word after it and
a hyphenated lower-case word ("Gori-based") are cues too.
Every sentence here was written for these tests; the entities are given by hand, as the model might
draw them, so each case is read the same whatever the model's version.
"""

from __future__ import annotations

import pytest

import geo
from geo import Geoparser
from geo._recognize import Entity, _name_groups, person_name_words, recognize
from geo._types import Statement


def _statement(text: str) -> Statement:
    return Statement(doc="t", index=0, start=0, end=len(text), text=text)


def _entity(text: str, phrase: str, label: str) -> Entity:
    start = text.index(phrase)
    return Entity(start, start + len(phrase), label)


def _names(text: str, gaz, *entities: tuple[str, str], prominent=None) -> dict[str, str]:
    """Mention text -> form, for ``text`` read with the given (phrase, label) entities."""
    ents = [_entity(text, phrase, label) for phrase, label in entities]
    found = recognize(_statement(text), gaz, entities=ents, prominent=prominent)
    return {m.text: m.form for m in found}


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("Jets hit Kafr Batna and Douma", [["Jets"], ["Kafr", "Batna"], ["Douma"]]),
        ("said Mr. Jordan", [["Mr", "Jordan"]]),
        ("the University of California campus", [["University", "of", "California"]]),
        # a firm's, a business's, a nickname's and a building's names are one name each
        ("Stevens & Wilkinson offered", [["Stevens", "Wilkinson"]]),
        ("Norman’s Welding closed", [["Norman", "Welding"]]),
        ("L.A.'s Unique Legacy", [["L.A.", "Unique", "Legacy"]]),
        ("Sheriff Beauregard “Bud” Torres said", [["Sheriff", "Beauregard", "Bud", "Torres"]]),
        ("at the Church of the Holy Family", [["Church", "of", "the", "Holy", "Family"]]),
        ("the Center for Disease Control", [["Center", "for", "Disease", "Control"]]),
        ("Luc van den Brande spoke", [["Luc", "van", "den", "Brande"]]),
        ("Centrafrique / Bambari : rien", [["Centrafrique"], ["Bambari"]]),
        ("20 km de Yaloké", [["Yaloké"]]),
        ("the Rue d’Enghien was paved", [["Rue", "d’Enghien"]]),
    ],
)
def test_name_groups(text, groups):
    assert [[t.text for t in g] for g in _name_groups(text, 0, len(text))] == groups


@pytest.mark.parametrize(
    ("phrase", "words"),
    [
        ("Mohamed Salah", ["Salah"]),
        # a town the model drew into the person is no one's name
        ("Boko Haram raids Damasak", ["Haram"]),
        ("Kafr Batna and Douma", ["Batna"]),
        ("Mr. Jordan", ["Jordan"]),
        ("Douma", []),
    ],
)
def test_person_name_words(phrase, words):
    assert person_name_words(phrase, 0, len(phrase)) == words


def test_a_town_listed_inside_a_person_entity_is_a_place(gaz):
    text = "Government jets renewed the raids on Kafr Batna and Douma overnight"
    assert "Douma" in _names(text, gaz, ("Kafr Batna and Douma", "PERSON"))


def test_a_town_after_a_lower_case_word_of_the_entity_is_a_place(gaz):
    text = "Militants raided Damasak before dawn"
    found = _names(text, gaz, ("Militants raided Damasak", "PERSON"), prominent=lambda name, doubted: True)
    assert "Damasak" in found


def test_a_town_after_a_mark_inside_an_organisation_entity_is_a_place(gaz):
    text = "Nigeria / Maiduguri : two shops burnt"
    assert "Maiduguri" in _names(text, gaz, ("Nigeria / Maiduguri", "ORG"))


@pytest.mark.parametrize(
    ("text", "phrase", "label", "name"),
    [
        # a currency, not the country
        ("Aid rose to US$30 billion last year", "US$30 billion", "MONEY", "US"),
        ("Jordan Henderson scored twice on Sunday", "Jordan Henderson", "PERSON", "Jordan"),
        # a first name that is also a town's, then a country's name
        ("Fans cheered as Michael Jordan arrived", "Michael Jordan", "PERSON", "Michael"),
        ("Fans cheered as Michael Jordan arrived", "Michael Jordan", "PERSON", "Jordan"),
        ("Reporters waited while Mr. Jordan spoke", "Mr. Jordan", "PERSON", "Jordan"),
        # the model's entity may end inside a hyphenated word: the whole word is still the name's
        ("President Moon Jae-in said so", "Moon Jae", "PERSON", "Moon"),
        (
            "Students marched at the University of California",
            "the University of California",
            "ORG",
            "California",
        ),
    ],
)
def test_a_name_joined_to_the_entitys_words_stays_vetoed(gaz, text, phrase, label, name):
    assert _names(text, gaz, (phrase, label)).get(name) in (None, "organisation")


def test_a_town_and_its_province_in_one_entity_are_places(gaz):
    text = "Reynosa Tamaulipas: gunmen attack a house"
    found = _names(text, gaz, ("Reynosa Tamaulipas", "PERSON"))
    assert {"Reynosa", "Tamaulipas"} <= set(found), found


def test_a_prominent_town_before_a_hyphenated_word_is_a_place(gaz):
    # a district seat, prominent to the reader; "-based" is no part of a person's or firm's name
    always = lambda name, doubted: True  # noqa: E731 - every name is prominent here
    assert "Mbengwi" in _names("The charity is a small Mbengwi-based group", gaz, prominent=always)
    assert "Mbengwi" not in _names("The charity is a small Mbengwi-Bamenda group", gaz, prominent=always)


def test_a_hashtag_after_a_locative_is_a_cue(gaz):
    # a small town of no focus country: only the locative takes it
    assert "Mbengwi" in _names("A trader was shot dead in #Mbengwi on Monday", gaz)
    assert "Mbengwi" not in _names("A Mbengwi trader spoke on Monday", gaz, prominent=lambda n, d: False)


def test_a_settlement_word_after_a_name_is_a_cue(gaz):
    never = lambda name, doubted: False  # noqa: E731 - no name is prominent here
    assert "Mbengwi" in _names("Mbengwi township was shelled at night", gaz, prominent=never)
    # capitalised it may be a club, and a common word stays doubtful
    assert "Mbengwi" not in _names("Mbengwi Town won the cup final", gaz, prominent=never)
    assert "Hope" not in _names("Hope village residents gathered on Sunday", gaz, prominent=never)


@pytest.fixture(scope="module")
def parser(gaz):
    return Geoparser(gaz, nlp=geo.load_model())


@pytest.mark.parametrize(
    ("sentence", "name", "country"),
    [
        # a demonym before a district seat is an adjective, not a first name
        ("Kurdish fighters claim to have killed five in Syrian Afrin", "Afrin", "SY"),
        ("Government jets renewed the raids on Kafr Batna and Douma", "Douma", "SY"),
        ("Insurgents raid Damasak, a town in Nigeria's Borno state", "Damasak", "NG"),
    ],
)
def test_dropped_places_are_found(parser, sentence, name, country):
    located = {r.mention.text: r.place.country_code for r in parser.parse(sentence).resolutions if r.place}
    assert located.get(name) == country, located
