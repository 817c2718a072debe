"""The cheap tests run before the patterns of recognition and of the activity vocabulary rule out only texts
the patterns would not match: the words a pattern anchored at the end of a text can end with
(``geo._recognize._last_words``), and the strings an activity category's matches can start with
(``geo._statements._prefixes``), both read from the patterns' parse trees."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import _recognize as recognition
from geo._statements import _parse_vocabulary, _prefixes, _whole_words, load_vocabulary

# Words of the patterns and words that are not, in both cases, with letters that case folding joins to
# ASCII ones ("ſ" is "s", the Kelvin sign "k" when case is ignored).
_WORDS = [
    "north",
    "North-West",
    "southern",
    "of",
    "OF",
    "the",
    "The",
    "in",
    "near",
    "rural",
    "outskirts",
    "suburbs",
    "capital",
    "city",
    "countryside",
    "province",
    "Aleppo",
    "Karen's",
    "rebel-held",
    "#",
    "out",
    "attacked",
    "into",
    "ſouth",
    "\u212a",
    "oſ",
    "à",
    "près",
    "de",
    "d’",
    "town",
    "xnorth",
]
_SPACES = st.sampled_from([" ", "  ", "\t", "\n", " \u00a0"])
_TEXTS = st.lists(st.tuples(st.sampled_from(_WORDS), _SPACES), max_size=8).map(
    lambda parts: "".join(w + s for w, s in parts)
)

_END_PATTERNS = [
    *(c.before for c in recognition._CONSTRUCTIONS if c.before is not None),
    recognition._LOCATIVE,
    recognition._WEAK_LOCATIVE,
    recognition._POSSESSIVE_LOCATIVE,
    recognition._THE_BEFORE,
]


def test_the_patterns_before_a_name_have_their_last_words_read() -> None:
    # the test below would check nothing if no pattern had words to compare
    assert all(p.words is not None for p in _END_PATTERNS)
    assert recognition._LOCATIVE.ends and "in" in recognition._LOCATIVE.ends


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS, cut=st.integers(min_value=0, max_value=40))
def test_a_pattern_before_a_name_finds_what_it_found_without_the_test(text: str, cut: int) -> None:
    end = len(text)
    for pattern in _END_PATTERNS:
        for pos in (0, min(cut, end)):
            found, plain = pattern.search(text, pos, end), pattern.pattern.search(text, pos, end)
            assert (found and found.span()) == (plain and plain.span())
    kept = recognition._constructions_after(recognition._last_word(text))
    for c in recognition._CONSTRUCTIONS:
        if c.before is None or c.before.pattern.search(text):
            assert c in kept


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"\b(?:the\s+)?(?:north|south)\s+of\s+(?:the\s+)?$", re.I, (frozenset({"of", "the"}), ())),
        (r"\brural\s+$", re.I, (frozenset(), ("rural",))),  # "\b" is not read: "xrural" may stand before
        (r"\b(?:in|at)\s+#?$", 0, (frozenset({"#"}), ("at", "in"))),
        (r"[\w’']+[-‐]held\s+$", 0, (frozenset(), ("-held", "‐held"))),  # the word before it has no space
        (r"\bsuburbs?\s+of\s+$", re.I, (frozenset({"of"}), ())),
        (r"\b\w+\s+$", 0, (None, ())),  # any word
        (r"[A-Z][a-z]+-held\s+$", 0, (frozenset(), ("-held",))),  # letters only before "-held"
        (r"[\x00-\x7f]+-held\s+$", 0, (None, ())),  # a range that holds a space
        (r"\s*$", 0, (None, ())),  # no word at all
        (r"[^,]+\s+of\s+$", 0, (frozenset({"of"}), ())),  # read no further than the whole word
        (r"\b(?:.\s)?of$", 0, (frozenset({"of"}), ("of",))),  # what stands before "\s" is not read
        (r"\b(?:o.)?f\s+$", 0, (None, ())),  # "." may be a space: the word may be "f" or longer
    ],
)
def test_last_words_are_read_from_the_parse_tree(
    pattern: str, flags: int, expected: tuple[frozenset[str] | None, tuple[str, ...]]
) -> None:
    assert recognition._last_words(re.compile(pattern, flags)) == expected


def test_a_word_outside_ascii_is_not_compared() -> None:
    # "ſ" is "s" to a pattern that ignores case, though "uſ".lower() is no "us": a word outside ASCII is
    # let through
    pattern = recognition._EndPattern(re.compile(r"\bus\s+$", re.I))
    assert (pattern.words, pattern.ends) == (frozenset(), ("us",))
    assert pattern.search("flown to the uſ ") is not None
    assert pattern.search("flown to the UK ") is None
    # a pattern whose own word folds to ASCII gets no test at all
    assert recognition._last_words(re.compile("\u212am\\s+$", re.I)) == (None, ())


# -- the activity vocabulary ------------------------------------------------------------------------------


def _scanning_every_start(vocabulary):  # type: ignore[no-untyped-def]
    """The vocabulary as it was read before: every category tried wherever any pattern starts."""
    lower = [
        p
        for c, comp in zip(vocabulary.categories, vocabulary._compiled, strict=True)
        if comp.lower
        for p in c.patterns
    ]
    return dataclasses.replace(
        vocabulary, _by_prefix=None, _starts=re.compile(r"(?=" + _whole_words(lower) + ")")
    )


_ACTIVITY_WORDS = [
    "air",
    "strikes",
    "struck",
    "the",
    "deal",
    "shelling",
    "clashes",
    "ceasefire",
    "violated",
    "no",
    "violations",
    "truce",
    "convoy",
    "of",
    "weapons",
    "aid",
    "trucks",
    "talks",
    "killed",
    "civilians",
    "airstrike",
    "re-deployed",
    "un",
    "u.n.",
    "in",
    "Aleppo",
    "protesters",
    "rallied",
    "’s",
    ",",
    ".",
]
_SENTENCES = st.lists(st.sampled_from(_ACTIVITY_WORDS), max_size=14).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(sentence=_SENTENCES)
def test_categories_tried_only_where_their_starts_stand_are_those_tried_everywhere(sentence: str) -> None:
    vocabulary = load_vocabulary()
    assert vocabulary._by_prefix  # the packaged vocabulary's patterns all start with strings read
    assert vocabulary.categorize(sentence) == _scanning_every_start(vocabulary).categorize(sentence)


def test_prefixes_are_read_from_the_parse_tree() -> None:
    assert _prefixes(re.compile(_whole_words(["strikes?", "struck", "air ?raids?"]))) == {"str", "air"}
    assert _prefixes(re.compile(_whole_words(["u\\.n\\.", "un"]))) == {"u.n", "un"}
    assert _prefixes(re.compile(_whole_words(["[a-z]+ing"]))) is None


def test_a_vocabulary_whose_patterns_may_start_anywhere_tries_every_start() -> None:
    toml = """
[[category]]
id = "raid"
label = "Raids"
patterns = ['raid(?:s|ed)?']

[[category]]
id = "ing"
label = "Anything going on"
patterns = ['[a-z]+ing']
"""
    vocabulary = _parse_vocabulary(toml, "test")
    assert vocabulary._by_prefix is None
    assert vocabulary.categorize("Troops raided a village, burning homes") == ("raid", "ing")
    assert vocabulary.categorize("Nothing happened") == ("ing",)
