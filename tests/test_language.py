"""The language of a report as evidence for its places' country (issue 10): the language is read from
function words only, English text gives no signal, and a bare town name in a Spanish or French headline
goes to a namesake where that language is spoken."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from small_gazetteer import SmallGazetteer

import geo
from geo._candidates import Evidence
from geo._language import languages_of, statement_languages
from geo._scoring import features


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        # a three-word headline counts: "de" is Spanish, French or Portuguese, all three alike
        ("Masacre de Robledal", {"es", "fr", "pt"}),
        ("Asesinan a dos campesinos en la vereda El Tigre", {"es"}),
        ("MASACRE DE LOS OLIVOS", {"es"}),  # a headline in capitals is read lower-cased
        ("Deux civils tués par des hommes armés près du village", {"fr"}),
        ("Homem é morto a tiros em uma estrada", {"pt"}),
        # English gives none, also with a Spanish name or phrase inside
        ("Rebels attacked a police post in the north of the country.", set()),
        ("The Ejército de Liberación Nacional claimed the attack.", set()),
        ("Gunmen killed three in La Granja on Monday", set()),
    ],
)
def test_languages_of(text: str, languages: set[str]) -> None:
    assert languages_of(text) == frozenset(languages)


def test_no_function_word_tells_nothing() -> None:
    # capitalised words are names' ("La", "Del"), not the language's
    assert languages_of("La Granja") is None
    assert languages_of("Ciudad Del Este 2004") is None


def test_a_statement_without_function_words_takes_the_report_language() -> None:
    spanish = ["Robledal", "Masacre de los hermanos Pérez y su padre", "Three killed in Robledal"]
    # the first statement takes the report's language; the others keep their own
    assert statement_languages(spanish) == [frozenset({"es"}), frozenset({"es"}), frozenset()]
    assert statement_languages(["Robledal"]) == [frozenset()]
    # an English report gives its statements without function words no language either
    english = ["Robledal", "Gunmen killed three farmers in the village on Monday"]
    assert statement_languages(english) == [frozenset(), frozenset()]


@pytest.fixture(scope="module")
def small() -> SmallGazetteer:
    return SmallGazetteer.load()


@pytest.fixture(scope="module")
def parser(gaz: Any) -> geo.Geoparser[Any]:
    return geo.Geoparser(gaz)


def _resolution(parser: geo.Geoparser[Any], text: str, name: str) -> geo.Resolution:
    (res,) = [r for r in parser.parse(text).resolutions if r.mention.text == name]
    return res


def test_a_spanish_headline_puts_a_bare_town_where_spanish_is_spoken(parser: geo.Geoparser[Any]) -> None:
    # Alejandría, Antioquia (Colombia), not Alexandria in Egypt, which English text still gets
    res = _resolution(parser, "Asesinan a dos hombres en Alejandría", "Alejandría")
    assert res.place is not None and res.place.country_code == "CO", res.reasons
    assert any(r.startswith("report in es, the main language of CO") for r in res.reasons), res.reasons
    english = _resolution(parser, "Two men were shot dead in Alejandría", "Alejandría")
    assert english.place is not None and english.place.country_code == "EG", english.reasons


@pytest.mark.parametrize(
    ("text", "name", "not_in"),
    [
        # the gazetteer lacks Colombia's villages of these names: a namesake where Spanish is the main
        # language is still nearer the mark than the Philippines'
        ("Masacre de Llorente", "Llorente", "PH"),
        ("Dos muertos en un ataque en Libertad", "Libertad", "PH"),
    ],
)
def test_the_namesake_where_the_report_language_is_the_main_one(
    gaz: Any, parser: geo.Geoparser[Any], text: str, name: str, not_in: str
) -> None:
    res = _resolution(parser, text, name)
    assert res.place is not None and res.place.country_code not in (None, not_in), res.reasons
    assert gaz.languages(res.place.country_code)[0] == "es"
    assert any(r.startswith("report in ") for r in res.reasons), res.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen killed three in Llorente",
        "A bomb exploded near the market in Llorente, officials said.",
    ],
)
def test_english_text_gives_no_language_reason(parser: geo.Geoparser[Any], text: str) -> None:
    res = _resolution(parser, text, "Llorente")
    assert not any("report in " in r for r in res.reasons), res.reasons


def test_countries_take_no_language_reason(parser: geo.Geoparser[Any]) -> None:
    # a Spanish report names foreign countries in Spanish: France is not penalised for its language
    res = _resolution(parser, "Reunión de los ministros en Francia", "Francia")
    assert res.place is not None and res.place.country_code == "FR", res.reasons
    assert not any("report in " in r for r in res.reasons), res.reasons


def _evidence(cands: list[Any], languages: set[str], spoken: dict[str, tuple[str, ...]]) -> Evidence:
    return Evidence(
        focus={},
        total=0.0,
        provinces=frozenset(),
        container=None,
        anchors=(),
        dateline_country=None,
        rivals=tuple(cands),
        languages=frozenset(languages),
        spoken=spoken,
    )


def test_the_feature_needs_the_main_language_a_town_and_no_loose_match(small: SmallGazetteer) -> None:
    (paris_fr,) = [c for c in small.lookup("Paris", kinds=["city"]) if c.country_code == "FR"]
    (france,) = small.lookup("France", kinds=["country"])
    mention = geo.Mention(doc="d", start=0, end=5, text="Paris", sentence=0, head="Paris")
    spoken = {"FR": tuple(small.languages("FR")), "US": tuple(small.languages("US"))}

    def keys(cand: Any, languages: set[str]) -> set[str]:
        return {key for key, _, _ in features(mention, cand, _evidence([cand], languages, spoken))}

    assert "language_main" in keys(paris_fr, {"fr"})
    assert "language_main" in keys(paris_fr, {"es", "fr", "pt"})  # "de" alone: any of them
    assert "language_main" not in keys(paris_fr, set())  # English: no signal
    assert "language_main" not in keys(paris_fr, {"es"})
    assert "language_main" not in keys(france, {"fr"})  # countries are left alone
    # a match of the looser key is a guess at the spelling: the language does not speak for it
    assert "language_main" not in keys(dataclasses.replace(paris_fr, loose=True), {"fr"})
