"""Language data: every list under geo/lang/en is read, written once, and means what the stages use."""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path
from typing import Any

import pytest

import geo
from geo import _lang as lang

EN = Path(str(importlib.resources.files("geo") / "lang" / "en"))
LISTS = sorted(p.stem for p in EN.glob("*.txt"))


@pytest.mark.parametrize("name", LISTS)
def test_every_list_reads_and_repeats_no_entry(name: str) -> None:
    entries = lang.entries(name)
    assert entries
    assert len(set(entries)) == len(entries), [e for e in entries if entries.count(e) > 1]


@pytest.mark.parametrize("name", LISTS)
def test_every_list_is_read_by_some_stage(name: str) -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in (EN.parents[1]).glob("*.py"))
    constructions = (EN / "compounds.toml").read_text(encoding="utf-8")
    calls = {"directions": "lang.directions(", "calendar": "lang.calendar_words("}
    assert calls.get(name, f'"{name}"') in sources or f"'{name}'" in sources or f"{{{name}}}" in constructions


@pytest.mark.parametrize("name", ["admin_words", "feature_words", "role_nouns"])
def test_pattern_lists_compile(name: str) -> None:
    assert re.compile(lang.pattern(name)).fullmatch(lang.entries(name)[0].replace("\\", "").split("|")[0])


def test_a_word_is_listed_once_across_the_org_lists() -> None:
    shared = lang.words("org_heads")
    assert not shared & lang.words("org_heads_in_names")
    assert not shared & lang.words("org_heads_of_speakers")


def test_tables() -> None:
    assert lang.directions()["north-western"] == "northwest"
    assert set(lang.directions().values()) <= set(geo.DIRECTIONS)
    assert lang.months()["sept"] == 9 and lang.months()["may"] == 5
    assert {"friday", "jan", "december"} <= lang.calendar_words()


def test_a_missing_list_is_a_geo_error() -> None:
    with pytest.raises(geo.LanguageDataError, match=r"geo/lang/en/no_such_list\.txt: cannot read"):
        lang.entries("no_such_list")
    assert issubclass(geo.LanguageDataError, geo.GeoError)
    assert issubclass(geo.LanguageDataError, ValueError)


def test_a_word_added_to_a_list_reaches_the_stage() -> None:
    """What a newcomer does: one word in one file.  "Fighting in Aleppo wilaya": the admin word makes it
    a province (the list is read at import, so the check is on the compiled pattern)."""
    from geo import _recognize

    assert "wilaya" in lang.entries("admin_words")
    assert re.fullmatch(_recognize._ADMIN_WORDS, "wilaya")


@pytest.mark.parametrize(
    ("sentence", "mention", "form", "direction"),
    [
        ("Shelling hit northern Aleppo province.", "northern Aleppo province", "part", "north"),
        ("Clashes in Bakhmut district.", "Bakhmut district", "district", None),
        ("Clashes in the province of Idlib.", "the province of Idlib", "province", None),
        ("Strikes on Aleppo's outskirts.", "Aleppo's outskirts", "suburbs", None),
        ("A convoy 20 km south of Homs.", "south of Homs", "offset", "south"),
        ("Raids in the southern Idlib countryside.", "southern Idlib countryside", "part", "south"),
        ("Raids in the Idlib countryside.", "Idlib countryside", "province", None),
        ("Syrian troops advanced.", "Syrian", "demonym", None),
    ],
)
def test_compound_constructions_come_from_the_language_file(
    gaz: Any, sentence: str, mention: str, form: str, direction: str | None
) -> None:
    found = {m.text: m for m in geo.Geoparser(gaz).parse(sentence).mentions}
    assert (found[mention].form, found[mention].direction) == (form, direction)


def test_a_malformed_construction_names_the_entry() -> None:
    from geo import _recognize

    with pytest.raises(geo.LanguageDataError, match=r"compound #1: '\(unclosed' is not a valid regular"):
        _recognize._expand("(unclosed", "geo/lang/en/compounds.toml: compound #1")


def test_the_common_words_table_gives_wordfreqs_answer_where_it_decides() -> None:
    """common_words.txt stands in for wordfreq's lists (a second to load): for every word written in ASCII
    letters, in any case, it must make the same decisions as wordfreq, and give wordfreq's value from the
    threshold up."""
    import wordfreq

    from geo import _recognize

    words = [w for w, _ in zip(wordfreq.iter_wordlist("en"), range(30_000), strict=False)]
    words += ["Hawija", "Reynosa", "Saraqib", "Jackson", "Hope", "Reading", "Border", "MANILA", "Hail"]
    checked = 0
    for word in words:
        for spelling in {word, word.capitalize(), word.upper()}:
            if not (spelling.isascii() and spelling.isalpha()):
                continue
            ours, theirs = _recognize._zipf(spelling), wordfreq.zipf_frequency(spelling, "en")
            for threshold in (_recognize.COMMON_WORD_ZIPF, _recognize.EVERYDAY_WORD_ZIPF):
                assert (ours >= threshold) == (theirs >= threshold), spelling
            if theirs >= _recognize.COMMON_WORD_ZIPF:
                assert ours == theirs, spelling
            checked += 1
    assert checked > 50_000
    assert _recognize.common_word("Jackson") and not _recognize.common_word("Hawija")


def test_names_the_table_cannot_answer_still_ask_wordfreq() -> None:
    import wordfreq

    from geo import _recognize

    for name in ("Dūmā", "Kharkiv-based", "O'Neill"):
        assert _recognize._zipf(name) == wordfreq.zipf_frequency(name, "en")
