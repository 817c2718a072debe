"""Name normalisation for the gazetteer's index.

``normalize`` folds what varies between spellings of the same name in news and in GeoNames:
case, diacritics, punctuation, Arabic article variants ("Al-", "Al ", "el-", "ad-", "ash-", ...),
doubled consonants ("Lattakia"/"Latakia"), a final "-ah"/"-a" ("Raqqah"/"Raqqa"), the Persian ezafe
("Mazar-e Sharif"/"Mazar-i-Sharif"), an article written into the next word ("Deir Ezzor"), and the
consonants and endings that romanisations of Arabic, Persian, Pashto, Kurdish, Russian and Ukrainian
spell in several ways (``_SOUNDS``).  The same function serves the index and every query, so folding
only ever adds candidates; ranking decides.  Vowels are not folded: a key is not a fuzzy match, and
spellings that differ in their vowels (Mosul/Mawsil, Kharkiv/Kharkov) are found through GeoNames'
alternate names.

``loose_key`` folds a key further, for a second index that is asked only when the first finds nothing
(see its docstring): vowels, word breaks, and the letters y, j and w that stand for vowels or glides
in one romanisation and not in another.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["KEY_VERSION", "loose_key", "normalize"]

_SPECIAL = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ß": "ss",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "đ": "d",
        "Đ": "d",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "ð": "d",
        # apostrophes, ayn and hamza marks vanish: "Dar'a" == "Dara", "Ma‘arrat" == "Maarrat"
        "'": "",
        "’": "",
        "‘": "",
        "`": "",
        "ʿ": "",
        "ʾ": "",
        "ʼ": "",
        "´": "",
    }
)
#: The ASCII characters among :data:`_SPECIAL`'s (the apostrophe and the backtick).
_SPECIAL_ASCII = re.compile("[" + re.escape("".join(chr(k) for k in _SPECIAL if k < 128)) + "]")
_ARTICLES = frozenset(
    {
        "al",
        "el",
        "ad",
        "adh",
        "ar",
        "as",
        "ash",
        "at",
        "ath",
        "az",
        "an",
        "ez",
        "es",
        "ed",
        "et",
        "er",
        "en",
        "ech",
        "esh",
    }
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DOUBLE = re.compile(r"([a-z])\1+")
#: Persian and Urdu ezafe joining two words ("Mazar-e Sharif", "Mazar-i-Sharif"): dropped between words.
_EZAFE = frozenset({"e", "i"})
#: Spellings of one sound in the romanisations of Arabic, Persian, Pashto, Kurdish, Russian and Ukrainian
#: that news and GeoNames mix, each folded to one: a doubled digraph ("Zaporizhzhia"/"Zaporizhia"), q/k
#: ("Qandahar"/"Kandahar"), dj/j ("Djibouti"), ei/ai/ey as "ay" before "kh" ("Sheikh"/"Shaykh") and in
#: "Deir"/"Dayr", a final "-oun" ("Sheikhoun"/"Shaykhun"), the endings -iyeh/-iye/-ieh
#: ("Nabatiyeh"/"Nabatiya"), -eh ("Hodeidah"/"Hodeideh") and -ya/-ia after a consonant
#: ("Zaporizhzhya"/"Zaporizhzhia").
#: Folds of vowels that English spells the same way are left out: of the 20,000 commonest English
#: words, ou/u, ee/i and a final -y/-i made 149 names of places that were not ("about"/"Abut", "very"/
#: "Veri", "between"/"Betwin"), these folds 13 ("Janet"/"Djanet"); ei/ay everywhere joined 240 more pairs
#: of towns 25 km or more apart (tests/test_transliteration.py keeps the count of such words down).
_SOUNDS = (
    (re.compile(r"(zh|sh|kh|gh|th|dh|ch)\1"), r"\1"),
    (re.compile(r"q"), "k"),
    (re.compile(r"dj"), "j"),
    (re.compile(r"(?:ai|ei|ey)(?=kh)|(?<=^d)ei(?=r$)"), "ay"),
    (re.compile(r"(?<=[a-z]{2})oun$"), "un"),
    (re.compile(r"(?<=[a-z]{2})(?:iyeh|iye|iyah|ieh)$"), "iya"),
    (re.compile(r"(?<=[a-z]{3})eh$"), "a"),
    (re.compile(r"(?<=[a-z]{2}[^aeiouy])ya$"), "ia"),
)
#: The endings :data:`_SOUNDS` fold; a word without one of them, without "q", "dj" or "kh", with at most one
#: "h", and not "deir", is folded by none of them.
_SOUND_TAILS = ("oun", "iyeh", "iye", "iyah", "ieh", "eh", "ya")
#: An article written into the next word, its "l" taken by a doubled sun letter ("Deir Ezzor" is
#: "Deir ez-Zor", "Bab Essalam" "Bab es-Salam"): after a name's first word, the article goes.
_JOINED_ARTICLE = re.compile(r"^[ae](?:t|d|r|z|s|n)?(t|d|r|z|s|n|sh|th|dh)\1(?=[a-z]{2})")
#: Ukrainian and Russian adjective endings (-yy/-yi/-iy/-ij/-ii: "Velykyi"/"Velykyy"/"Velikiy"), folded
#: before doubled letters are.
_SLAVIC_TAILS = ("yy", "yi", "iy", "ij", "ii")
_SLAVIC_ENDING = re.compile(r"(?<=[a-z]{2})(?:" + "|".join(_SLAVIC_TAILS) + ")$")
#: A run of vowels, or of the letters that romanisations write for a vowel or a glide: y and i (Ukrainian
#: "Kamyanka"/"Kamianka"), and j and w where no vowel follows, as the second half of a diphthong
#: ("Menbej"/"Manbij", "Mawsil"/"Mosul").  Before a vowel they are consonants ("Miyakojima", "Huwayjah"),
#: and folding them there too made 10% more of the commonest English words names of some town.
_LOOSE_VOWELS = re.compile(r"(?:[aeiouy]|[jw](?![aeiouy]))+")
#: Bumped whenever ``normalize`` or ``loose_key`` changes: the gazetteer's index holds their keys, so a
#: change rebuilds it.
KEY_VERSION = 3


@functools.lru_cache(maxsize=65_536)
def normalize(name: str) -> str:
    """Fold a place name to its index key.

    Examples
    --------
    >>> normalize("Al-Lādhiqīyah") == normalize("Al Ladhiqiyah") == normalize("ladhiqiya")
    True
    >>> normalize("Lattakia") == normalize("Latakia")
    True
    """
    if not name.isascii():
        text = unicodedata.normalize("NFKD", name.translate(_SPECIAL))
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    else:  # ASCII has no decompositions, no combining marks, and only two of the special letters
        text = (name.translate(_SPECIAL) if _SPECIAL_ASCII.search(name) else name).casefold()
    tokens = _NON_ALNUM.sub(" ", text).split()
    if len(tokens) > 1:
        kept = [tok for tok in tokens if tok not in _ARTICLES]
        tokens = kept or tokens
    if len(tokens) > 2:
        tokens = [tokens[0], *(tok for tok in tokens[1:-1] if tok not in _EZAFE), tokens[-1]]
    if len(tokens) > 1:
        tokens = [
            tokens[0],
            *(_JOINED_ARTICLE.sub(r"\1", tok) if _JOINED_ARTICLE.match(tok) else tok for tok in tokens[1:]),
        ]
    return " ".join(_fold(tok) for tok in tokens)


def _fold(tok: str) -> str:
    """One word's key: doubled letters single, a final "-ah" as "-a", and :data:`_SOUNDS` folded.

    The patterns run only on a word that plain string tests say one of them may match (most words of
    news match none): the same key in a third of the time; normalising the names never seen before was
    8% of geomap's time on general news.
    """
    if tok.endswith(_SLAVIC_TAILS):
        tok = _SLAVIC_ENDING.sub("i", tok)
    if _DOUBLE.search(tok):  # sub() would read its template "\1" even for a word without a match
        tok = _DOUBLE.sub(r"\1", tok)
    if len(tok) > 3 and tok.endswith("ah"):
        tok = tok[:-1]
    if not (
        tok.endswith(_SOUND_TAILS)
        or "q" in tok
        or "dj" in tok
        or "kh" in tok
        or tok.count("h") > 1
        or tok == "deir"
    ):
        return tok  # no pattern matches, so none changes the word for the next to match
    for pattern, repl in _SOUNDS:
        tok = pattern.sub(repl, tok)
    return tok


@functools.lru_cache(maxsize=65_536)
def loose_key(key: str) -> str:
    """The looser key of an index key (a value of :func:`normalize`): each run of vowels (with y, and j
    and w before no vowel) one "a", and no word breaks.

    Spellings of an Arabic, Persian, Kurdish, Burmese or Ukrainian name that differ in their vowels
    ("Menbej"/"Manbij", "Khan Toman"/"Khan Tuman", "Maaret"/"Ma'arrat", "Moebye"/"Mobye",
    "Paraskoviyivka"/"Paraskoviivka") or in where a word breaks ("Kafrbatna"/"Kafr Batna") share
    this key.  It is far from a name: of the 20,000 commonest English words about a quarter share it
    with some town (every vowel of "people" is one "a", as of "Pipli"), so the gazetteer only looks a
    name up by it when asked to (``lookup(..., loose=True)``), and geo asks only when the key of
    :func:`normalize` finds nothing, for a name that is no common word and that its context calls a
    place.

    Examples
    --------
    >>> loose_key(normalize("Khan Toman")) == loose_key(normalize("Khan Tuman")) == "khantaman"
    True
    """
    return _LOOSE_VOWELS.sub("a", key.replace(" ", ""))
