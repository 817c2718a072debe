"""The language a report is written in, read from its function words: evidence for its places' country.

An analyst who reads "Masacre de Naranjal" with no other clue takes Naranjal for a village where Spanish
is spoken, not its namesake in the Philippines; "Centrafrique : attaque à Gaga" puts Gaga where French is.
Scoring weighs a town's country's languages against the language found here (``language_*`` features of
:mod:`geo._scoring`).

The words and their languages are data (``geo/lang/en/report_language_words.txt``).  Only lower-case
words count, so the "La" of "La Granja" is a name's, not a language's; and English words count against
the others, so English text, nearly all of what geomap reads, gives no signal at all.  A headline of
three words counts: "de" alone makes "Masacre de Naranjal" Spanish, French or Portuguese, and the
countries of all three are alike to scoring.  Place names themselves are never taken as evidence.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

from . import _lang as lang

__all__ = ["ENGLISH", "languages_of", "statement_languages"]

#: The language whose text gives no signal: geomap's own, that of most reports.
ENGLISH = "en"

_WORD = re.compile(r"[^\W\d_]+")
#: E-mail and web addresses and dotted abbreviations ("sedavis@lsj.com", "E.J."): no words of a
#: language ("com" would be Portuguese).  Tried only where a word starts (the look-behind): a match
#: is always a whole word, and trying it inside words made the pattern quadratic in a word's length.
_ADDRESSES = re.compile(r"(?<!\S)\S*(?:@|://|www\.|\w\.\w)\S*")
#: A text in capitals is read lower-cased when it has at least this many words ("MASACRE DE EL
#: AFILADOR"), not when it is an initial or an abbreviation ("E.", "EST.").
_MIN_CAPITALS_WORDS = 3


@functools.cache
def _word_languages() -> dict[str, frozenset[str]]:
    """Each function word of ``report_language_words.txt`` and the languages it belongs to."""
    return {word: frozenset(codes) for word, codes in lang.table("report_language_words").items()}


@functools.lru_cache(maxsize=1 << 12)
def languages_of(text: str) -> frozenset[str] | None:
    """The languages, other than English, that best explain the function words of ``text``.

    ``None`` when ``text`` has no function word at all (nothing to tell); empty when English explains
    at least as many of them as any other language does; else the languages that explain the most of
    them, all of those tied ("de" alone: Spanish, French and Portuguese).  A text of three words or more
    with no lower-case letter (a headline in capitals) is read lower-cased; addresses are left out.
    """
    return _read(text)


def _read(text: str) -> frozenset[str] | None:
    """:func:`languages_of`, uncached (a whole report is read once)."""
    words = _word_languages()
    tokens = _WORD.findall(_ADDRESSES.sub(" ", text))
    if not any(ch.islower() for ch in text) and len(tokens) >= _MIN_CAPITALS_WORDS:
        tokens = [t.lower() for t in tokens]
    # Each distinct word looked up once, weighed by its count: a long report repeats its words.
    counts: Counter[str] = Counter()
    seen = False
    for token, times in Counter(tokens).items():
        if token.islower() and (codes := words.get(token)) is not None:
            for code in codes:
                counts[code] += times
            seen = True
    if not seen:
        return None
    english = counts.pop(ENGLISH, 0)
    top = max(counts.values(), default=0)
    if top <= english:
        return frozenset()
    return frozenset(code for code, n in counts.items() if n == top)


def statement_languages(statements: Sequence[str]) -> list[frozenset[str]]:
    """The languages other than English each statement of one report is written in: its own function
    words', or, for a statement with none ("Naranjal", "Bangui - 12/03/2014"), those of the whole report.
    Empty for English, and when nothing tells."""
    own = [languages_of(text) for text in statements]
    if all(found is not None for found in own):
        return [found or frozenset() for found in own]
    whole = _read(" ".join(statements)) or frozenset()
    return [whole if found is None else found for found in own]
