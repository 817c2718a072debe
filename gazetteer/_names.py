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
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["KEY_VERSION", "normalize"]

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
#: An article written into the next word, its "l" taken by a doubled sun letter ("Deir Ezzor" is
#: "Deir ez-Zor", "Bab Essalam" "Bab es-Salam"): after a name's first word, the article goes.
_JOINED_ARTICLE = re.compile(r"^[ae](?:t|d|r|z|s|n)?(t|d|r|z|s|n|sh|th|dh)\1(?=[a-z]{2})")
#: Ukrainian and Russian adjective endings (-yy/-yi/-iy/-ij/-ii: "Velykyi"/"Velykyy"/"Velikiy"), folded
#: before doubled letters are.
_SLAVIC_ENDING = re.compile(r"(?<=[a-z]{2})(?:yy|yi|iy|ij|ii)$")
#: Bumped whenever ``normalize`` changes: the gazetteer's index holds its keys, so a change rebuilds it.
KEY_VERSION = 2


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
    text = unicodedata.normalize("NFKD", name.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    tokens = _NON_ALNUM.sub(" ", text).split()
    if len(tokens) > 1:
        kept = [tok for tok in tokens if tok not in _ARTICLES]
        tokens = kept or tokens
    if len(tokens) > 2:
        tokens = [tokens[0], *(tok for tok in tokens[1:-1] if tok not in _EZAFE), tokens[-1]]
    if len(tokens) > 1:
        tokens = [tokens[0], *(_JOINED_ARTICLE.sub(r"\1", tok) for tok in tokens[1:])]
    return " ".join(_fold(tok) for tok in tokens)


def _fold(tok: str) -> str:
    """One word's key: doubled letters single, a final "-ah" as "-a", and :data:`_SOUNDS` folded."""
    tok = _DOUBLE.sub(r"\1", _SLAVIC_ENDING.sub("i", tok))
    if len(tok) > 3 and tok.endswith("ah"):
        tok = tok[:-1]
    for pattern, repl in _SOUNDS:
        tok = pattern.sub(repl, tok)
    return tok
