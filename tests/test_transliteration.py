"""Tests of transliteration-aware lookup (issue 10, failure class 4): spellings of one Arabic, Kurdish,
Pashto, Persian, Russian or Ukrainian name, as news writes them, find the same GeoNames place in the
real gazetteer; and the folds that make this so do not turn common English words into places."""

from __future__ import annotations

import re

import pytest
import wordfreq

import gazetteer._names
from gazetteer import Gazetteer, normalize

# (spellings news uses, the first as GeoNames writes it, and the country)
SPELLINGS = [
    (["Kandahar", "Qandahar"], "AF"),
    (["Kunduz", "Qunduz"], "AF"),
    (["Mazar-e Sharif", "Mazar-i-Sharif", "Mazar Sharif"], "AF"),
    (["Khan Shaykhun", "Khan Sheikhoun", "Khan Sheikhun"], "SY"),
    (["Ar Raqqah", "Raqqa", "Ar-Raqqah", "Al-Raqqa"], "SY"),
    (["Al Qamishli", "Qamishli", "Al-Qamishli", "Kamishli"], "SY"),
    (["Al Hudaydah", "Hodeidah", "Al-Hudaydah", "Hudaydah"], "YE"),
    (["Nabatîyé et Tahta", "Nabatieh", "Nabatiyeh", "An Nabatiyah"], "LB"),
    (["Zaporizhzhia", "Zaporizhia", "Zaporozhye"], "UA"),
    (["Kharkiv", "Kharkov"], "UA"),
    (["Mosul", "Al-Mawsil", "Mawsil"], "IQ"),
    (["Deir ez-Zor", "Dayr az-Zawr", "Deir al-Zor", "Dayr ez-Zor", "Deir Ezzor"], "SY"),
]


@pytest.mark.parametrize(("spellings", "country"), SPELLINGS)
def test_every_spelling_finds_the_place(gaz: Gazetteer, spellings: list[str], country: str) -> None:
    place = gaz.lookup(spellings[0], country=country, kinds=["city"], limit=1)[0]
    assert place.population >= 10_000
    for spelling in spellings[1:]:
        ids = [c.id for c in gaz.lookup(spelling, country=country, kinds=["city"])]
        assert place.id in ids, (
            f"{spelling!r} does not find {place.name} ({place.id}) in {country}: {ids[:5]}"
        )


# Words of the 20,000 commonest in English that earlier drafts of the key made names of places.
NOT_PLACES = ["about", "very", "between", "hour", "sound", "you", "many", "steel", "body", "route"]


@pytest.mark.parametrize("word", NOT_PLACES)
def test_a_common_word_keeps_its_own_key(word: str) -> None:
    assert normalize(word) == word or normalize(word) == "".join(
        ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1]
    )


def _unfolded_keys(words: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The keys ``words`` had without the transliteration folds (the key before issue 10)."""
    with monkeypatch.context() as patch:
        patch.setattr(gazetteer._names, "_SOUNDS", ())
        patch.setattr(gazetteer._names, "_SLAVIC_ENDING", re.compile(r"(?!)"))
        patch.setattr(gazetteer._names, "_EZAFE", frozenset())
        normalize.cache_clear()
        keys = {w: normalize(w) for w in words}
    normalize.cache_clear()
    return keys


def test_few_common_english_words_become_names_by_folding(
    gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Of the 20,000 commonest English words, those that the transliteration folds make a name of a
    place that no name of it was before: a measured handful ("janet"/"Djanet", "quran"/"Kuran")."""
    words = [w for w in wordfreq.top_n_list("en", 20_000) if len(w) > 2 and w.isalpha() and w.isascii()]
    folded = {w for w in words if gaz.lookup(w, limit=1)}
    before = _unfolded_keys(sorted(folded), monkeypatch)
    new = []
    for word in sorted(folded):
        if normalize(word) == before[word]:
            continue
        names = [n for c in gaz.lookup(word) for n, _ in gaz.names_of(c.id)]
        unfolded = _unfolded_keys(names, monkeypatch)
        if before[word] not in unfolded.values():
            new.append(word)
    assert 0 < len(new) <= 20, new
