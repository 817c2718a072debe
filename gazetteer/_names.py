"""Name normalisation for the gazetteer's index.

``normalize`` folds what varies between spellings of the same name in news and in GeoNames:
case, diacritics, punctuation, Arabic article variants ("Al-", "Al ", "el-", "ad-", "ash-", ...),
doubled consonants ("Lattakia"/"Latakia") and a final "-ah"/"-a" ("Raqqah"/"Raqqa").  The same
function serves the index and every query, so folding only ever adds candidates; ranking decides.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["normalize"]

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
    folded = []
    for tok in tokens:
        tok = _DOUBLE.sub(r"\1", tok)
        if len(tok) > 3 and tok.endswith("ah"):
            tok = tok[:-1]
        folded.append(tok)
    return " ".join(folded)
