"""Recognition: find the spans of a statement that name places.

Two sources are combined.  The gazetteer's names find every candidate span (longest match over runs of
capitalised tokens, so "Dayr az Zawr" and "United States of America" match whole); a statistical NER
model (spaCy), when one is given, vetoes spans it labels as people or organisations, confirms small
places, and adds place entities the gazetteer lacks (left unresolved).  Compound constructions are
then read around each name: "Aleppo province", "north Latakia", "the suburbs of Damascus", "north of
Baghdad", "the Syrian-Turkish border", "the border between Syria and Turkey".
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from re import _constants as _sre  # type: ignore[attr-defined]
from re._parser import parse as _sre_parse
from typing import Any, NamedTuple

from . import _lang as lang
from ._errors import LanguageDataError
from ._gazetteer import NameIndex
from ._types import FORMS, Direction, Form, Mention, Statement

__all__ = [
    "Entity",
    "NameIndex",
    "RawMention",
    "caseless",
    "caseless_at",
    "common_word",
    "gazetteer_spans",
    "loose_name",
    "person_name_words",
    "recognize",
]


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity from a statistical model, offsets relative to the statement."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class RawMention:
    """A recognised span before resolution (offsets relative to the statement)."""

    start: int
    end: int
    head: str
    head_start: int
    form: Form = "name"
    direction: Direction | None = None
    other: str | None = None
    source: str = "gazetteer"
    kinds: frozenset[str] = frozenset()
    ner: str | None = None


# --- a cheap test that a pattern anchored at the end of a text may match it -------------------------------
#
# The patterns read before a name ("in ", "the outskirts of ", "north of ") end with `$`: `re` tries them
# at every position of the window, most of the time in vain.  Every such match ends with one of a few
# words (and whitespace), which the pattern's parse tree says: the text's last word is compared first.

#: How the reading of a pattern from its end stands: the end of its last word read so far, and what is
#: known of it: :data:`_OPEN` (read on), :data:`_WHOLE` (the whitespace before it was read: the word is
#: that) or :data:`_ENDS` (what stands before it was not read, but holds no whitespace: the word ends so).
_TailState = tuple[str, int]
_OPEN, _WHOLE, _ENDS = 0, 1, 2
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT)


class _Unreadable(Exception):
    """A construct of a pattern that :func:`_last_words` does not read (no test is derived)."""


def _chars(op: object, arg: Any) -> list[str]:
    """The characters one item of a parsed pattern matches, " " standing for any whitespace."""
    if op is _sre.LITERAL:
        return [chr(arg)]
    if op is _sre.IN:
        if all(
            (o is _sre.CATEGORY and a is _sre.CATEGORY_SPACE) or (o is _sre.LITERAL and chr(a).isspace())
            for o, a in arg
        ):
            return [" "]
        if all(o is _sre.LITERAL for o, _ in arg):
            return [chr(a) for _, a in arg]
    raise _Unreadable(op)


def _no_space(items: Sequence[tuple[object, Any]]) -> bool:
    """True if no text that ``items`` match holds whitespace."""
    for op, arg in items:
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue
        if op is _sre.LITERAL:
            ok = not chr(arg).isspace()
        elif op is _sre.IN:
            ok = all(
                (o is _sre.LITERAL and not chr(a).isspace())
                or (o is _sre.RANGE and _no_space_between(*a))
                or (
                    o is _sre.CATEGORY
                    and a in (_sre.CATEGORY_WORD, _sre.CATEGORY_DIGIT, _sre.CATEGORY_NOT_SPACE)
                )
                for o, a in arg
            )
        elif op is _sre.SUBPATTERN:
            ok = _no_space(arg[-1])
        elif op is _sre.BRANCH:
            ok = all(_no_space(alt) for alt in arg[1])
        elif op in _REPEATS:
            ok = _no_space(arg[2])
        else:
            ok = False
        if not ok:
            return False
    return True


def _no_space_between(low: int, high: int) -> bool:
    """True if no character from ``low`` to ``high`` (code points) is whitespace; False for a range too
    wide to look through (the test then only lets more texts through)."""
    return high - low < 1024 and not any(chr(c).isspace() for c in range(low, high + 1))


def _step_back(state: _TailState, ch: str) -> _TailState:
    word, known = state
    if known != _OPEN:
        return state
    if ch.isspace():
        return word, _WHOLE if word else _OPEN  # whitespace after the last word is not part of it
    return ch + word, _OPEN


def _read_back(items: Sequence[tuple[object, Any]], states: set[_TailState]) -> set[_TailState]:
    """The states after reading ``items`` (a parsed pattern sequence) from its end to its start."""
    for op, arg in reversed(items):
        if all(known != _OPEN for _, known in states):
            break
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero width: passing over an assertion only lets more texts through
        try:
            states = _read_item(op, arg, states)
        except _Unreadable:
            if not _no_space([(op, arg)]) or ("", _OPEN) in states:
                raise
            states = {(word, _ENDS if known == _OPEN else known) for word, known in states}
    return states


def _read_item(op: object, arg: Any, states: set[_TailState]) -> set[_TailState]:
    if op is _sre.SUBPATTERN:
        return _read_back(arg[-1], states)
    if op is _sre.BRANCH:
        return set().union(*(_read_back(alt, states) for alt in arg[1]))
    if op in _REPEATS:
        low, high, sub = arg
        for _ in range(low):
            states = _read_back(sub, states)
        seen, reps = set(states), low
        while reps < high:
            states, reps = _read_back(sub, states), reps + 1
            if states <= seen:
                break  # one more repetition gives nothing new ("\s+"): nor will any after it
            if reps > low + 8:
                raise _Unreadable(op)
            seen |= states
        return seen
    return {_step_back(s, ch) for s in states for ch in _chars(op, arg)}


class _EndPattern:
    """A compiled pattern anchored at the end of the text it searches, with a test that rules out most
    texts before it is run: the words its matches can end with, derived from its parse tree (words it
    reads whole, and word ends it reads where it starts).  Searches give what the pattern's would."""

    __slots__ = ("ends", "pattern", "words")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.words, self.ends = _last_words(pattern)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self.words is not None and not self.may_end(_last_word(text, pos, endpos)):
            return None
        return self.pattern.search(text, pos, endpos)

    def may_end(self, word: str) -> bool:
        """False if no match can end with ``word`` (the text's last word, :func:`_last_word`)."""
        if self.words is None or not word.isascii():
            return True  # IGNORECASE folds some other letters to ASCII ones ("ſ" is "s"): not compared
        low = word.lower()
        return low in self.words or low.endswith(self.ends)


def _last_word(text: str, pos: int = 0, endpos: int = sys.maxsize) -> str:
    """The last whitespace-free run of ``text[pos:endpos]`` ("" if none)."""
    words = text[pos:endpos].rsplit(None, 1)
    return words[-1] if words else ""


def _last_words(pattern: re.Pattern[str]) -> tuple[frozenset[str] | None, tuple[str, ...]]:
    """The last words a match of ``pattern`` can end with: (words it reads whole, word ends it reads at
    its start, which the text's word may continue), lower case; ``(None, ())`` when the parse tree holds
    what :func:`_read_back` does not read, or a match may end with no word or a non-ASCII one."""
    try:
        states = _read_back(_sre_parse(pattern.pattern, pattern.flags).data, {("", _OPEN)})
    except _Unreadable:
        return None, ()
    if any(not word or not _folds_apart(word) for word, _ in states):
        return None, ()
    return (
        frozenset(word.lower() for word, known in states if known == _WHOLE),
        tuple(sorted(word.lower() for word, known in states if known != _WHOLE)),
    )


@functools.cache
def _folds_apart(word: str) -> bool:
    """True if no letter of ``word`` outside ASCII matches an ASCII letter when case is ignored (as the
    Kelvin sign matches "k"): an ASCII word of a text matches ``word`` only if their lower cases do."""
    return not any(
        re.fullmatch(re.escape(ch), chr(a), re.I) for ch in word if not ch.isascii() for a in range(128)
    )


_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_](?:[\w’']|[-‐](?=\w))*", re.UNICODE)
#: Common nouns that end some names ("Gulf states", "Baltic countries", "Arab world").
_NAME_TAILS = lang.words("name_tails")
_CONNECTORS = lang.words("name_connectors")
# Words that head an organisation's name: a place name inside such a run is not a location.
_ORG_HEADS = lang.words("org_heads") | lang.words("org_heads_in_names")
#: Lower-case organisation words after a name: "the Syrian army".
_ORG_WORDS_AFTER = lang.words("org_words_after")
_CAPITAL_ARTICLES = frozenset(w.capitalize() for w in lang.words("articles"))
#: Spanish, French and Portuguese function words and common words of names ("de", "El", "Alto", "Gran"),
#: each with its role in a name: no place alone (see geo/lang/en/foreign_function_words.txt).
_FOREIGN_WORDS = {word: role for word, (role,) in lang.table("foreign_function_words").items()}
_ADMIN_WORDS = lang.pattern("admin_words")
#: An admin word right after a name: "Aleppo province", "Kherson oblast".
_ADMIN_WORD_AFTER = re.compile(rf"\s+(?:{_ADMIN_WORDS})\b", re.I)
#: A settlement word right after a name, in lower case: "Chelyuskinets township", "Mogok town".
_SETTLEMENT_WORD_AFTER = re.compile(rf"\s+{lang.pattern('settlement_words')}\b")
#: A noun for a place's people right after a name: "Indaw villagers", "Mogok youths".
_PEOPLE_WORD_AFTER = re.compile(rf"\s+{lang.pattern('people_words_after')}\b")
#: Capitalised settlement words after a name ("Tamu Township", "Mohnyin Town"), each with what it needs (see
#: geo/lang/en/settlement_titles.txt); not before another capitalised word ("Clifton Town Council").
_SETTLEMENT_TITLES = tuple(
    (re.compile(rf"\s+(?:{word})\b(?!\s+[A-Z])"), need == "locative")
    for word, (need,) in lang.table("settlement_titles").items()
)
#: A locative and the possessive of a place's area before its name: "in Karen's Kawkareik", "in Sagaing’s
#: Wetlet" (the possessor need not be in the gazetteer: Karen State is Kayin in GeoNames).
_POSSESSIVE_LOCATIVE = _EndPattern(
    re.compile(
        rf"\b(?i:{lang.pattern('place_context_before')})\s+(?:the\s+)?[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?(?:’s|'s)\s+$"
    )
)
_DIRECTIONS = lang.directions()
_DIR_ALT = "|".join(sorted((re.escape(d) for d in _DIRECTIONS), key=len, reverse=True))
_NOT_PLACE_LABELS = frozenset(
    {
        "PERSON",
        "ORG",
        "WORK_OF_ART",
        "EVENT",
        "PRODUCT",
        "LAW",
        "LANGUAGE",
        "DATE",
        "TIME",
        "MONEY",
        "QUANTITY",
        "ORDINAL",
        "CARDINAL",
        "PERCENT",
    }
)
# Calendar words are never taken as places ("from May 25", "on Friday"), whatever a village is called.
_CALENDAR = lang.calendar_words()
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: The model's labels that rest on capitals, ignored on a line whose case says nothing (see :func:`caseless`).
_CASE_LABELS = frozenset({"ORG", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})
# "in #Mbengwi": a hashtag is a name of a social-media post
_LOCATIVE = _EndPattern(re.compile(rf"\b{lang.pattern('place_context_before')}\s+(?:the\s+)?#?$", re.I))
#: Words before a name that make it a place only when it is no common word: "driven out of Bor".
_WEAK_LOCATIVE = _EndPattern(
    re.compile(rf"\b{lang.pattern('weak_place_context_before')}\s+(?:the\s+)?$", re.I)
)
#: The smallest population of a town that is taken on its name alone, with no model or context to confirm it.
MIN_POPULATION_UNCONFIRMED = 100_000
#: How common a word must be in English text (wordfreq's Zipf scale: 3 is once per million words) to make
#: a capitalised name doubtful: "Hope", "Reading", "Jackson" and "Hail" are, "Hawija" and "Reynosa" are not.
COMMON_WORD_ZIPF = 3.8
#: A word this common ("Border", "House", "Battle") is no place on a line whose case says nothing, even
#: after "in" or "near"; a less common one ("MANILA", "HAIL") is one only after such a cue.
EVERYDAY_WORD_ZIPF = 4.5
# Clauses of a headline line: "Sloviansk ; Fighting in the east", "Tabane | LRA attack".
_CLAUSE_BREAK = re.compile(r"\s[;|]\s|\s[-–—]\s|:\s|[.!?][\"”’']?\s")
# Headlines run together on one line: "Two dead in blast ; Update - Damaturu Blast: Army Confirms 50 Dead".
_HEADLINE_BREAK = re.compile(r"\s[;|]\s")
# Words of a clause that say nothing of its case: short words, numbers.
_CASE_WORD = re.compile(r"[^\W\d_][\w’'-]{3,}")
# What may stand beside a name alone in a clause: numbers, dates and punctuation ("Wagou June 16 2014").
_ALONE_REST = re.compile(
    rf"^[\W\d_]*(?:(?:{'|'.join(sorted(_CALENDAR, key=len, reverse=True))})\b[\W\d_]*)*$", re.I
)


@functools.cache
def _zipf(name: str) -> float:
    """How common a one-word name is as an English word (wordfreq's Zipf scale); 0 for a longer name,
    which is a name whatever its words ("New Jersey", "Tal Afar").  Exact from :data:`COMMON_WORD_ZIPF`
    up; a word less common than that may be given 0."""
    if " " in name.strip():
        return 0.0
    if name.isascii() and name.isalpha():
        # wordfreq's value for every such word of COMMON_WORD_ZIPF or more, from geo/lang/en/common_words.txt
        # (benchmarks/make_common_words.py); a word not there is less common, which no decision tells apart
        # from 0.  Loading wordfreq's own lists costs about a second.
        return _common_words().get(name.lower(), 0.0)
    import wordfreq

    return float(wordfreq.zipf_frequency(name, lang.LANGUAGE))


@functools.cache
def _common_words() -> dict[str, float]:
    return {word: float(zipf) for word, (zipf,) in lang.table("common_words").items()}


def sentence_initial(text: str, a: int) -> bool:
    """True if ``text[a:]`` opens a sentence, a quotation or a headline's clause after a colon: where a
    capital letter says nothing."""
    before = text[:a].rstrip()
    return not before or before.endswith((".", '"', "“", ":"))


def common_word(name: str) -> bool:
    """True if ``name`` is also a common English word or person's name (so a capital alone does not make
    it a place): one word whose frequency in wordfreq's English lists is :data:`COMMON_WORD_ZIPF` or
    more ("Hope", "Jackson"; not "Hawija", "Reynosa")."""
    return _zipf(name) >= COMMON_WORD_ZIPF


def _clause(text: str, a: int, b: int) -> tuple[int, int]:
    """The clause of a headline line around ``text[a:b]``: between separators " ; ", " | ", " - ", ": "."""
    lo = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, a)), default=0)
    nxt = _CLAUSE_BREAK.search(text, b)
    return lo, nxt.start() if nxt else len(text)


def caseless(text: str) -> bool:
    """True if case says nothing in ``text``: written in capitals ("TROOPS RETAKE TIKRIT") or in title
    case ("Army Recaptures Town From Rebels"), so a capital does not mark a name."""
    return _caseless_span(text, 0, len(text))[1]


@functools.lru_cache(maxsize=8192)
def _caseless_span(text: str, lo: int, hi: int) -> tuple[int, bool]:
    """The number of :data:`_CASE_WORD` words of ``text[lo:hi]`` and whether it is :func:`caseless`;
    kept, since the names of one clause all ask about it."""
    words = _CASE_WORD.findall(text, lo, hi)
    if len(words) >= 2 and all(w.isupper() for w in words):
        return len(words), True
    lower = sum(not w[:1].isupper() for w in words)
    return len(words), len(words) >= 3 and lower <= len(words) // 10


def caseless_at(text: str, a: int, b: int) -> bool:
    """:func:`caseless` for the clause around ``text[a:b]``, or for its whole headline when the clause is
    too short to tell ("Acapulco Massacre: 25 People Killed, 15 Decapitated")."""
    lo, hi = _clause(text, a, b)
    words, no_case = _caseless_span(text, lo, hi)
    if words >= 3:
        return no_case
    lo = max((m.end() for m in _HEADLINE_BREAK.finditer(text, 0, a)), default=0)
    nxt = _HEADLINE_BREAK.search(text, b)
    return _caseless_span(text, lo, nxt.start() if nxt else len(text))[1]


class _Tok(NamedTuple):
    """A word; ``capital`` if capitalised, or an Arabic article joined to a capitalised name
    ("al-Numan", "ash-Shughur").  A named tuple: a statement has dozens, made twice as fast as
    a frozen dataclass's."""

    start: int
    end: int
    text: str
    capital: bool


_ARTICLE_NAME = re.compile(r"(?:al|el|ad|adh|ar|as|ash|at|ath|az|an|ez|es|ed|et|ech|esh)[-‐’'][A-Z]")


@functools.lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[_Tok, ...]:
    """Word tokens; a possessive "'s" is not part of the name ("Jordan's" -> "Jordan").

    Kept for the last few thousand statements: :func:`gazetteer_spans` and :func:`recognize` both
    read them, a batch of documents apart (the parser finds every statement's names first)."""
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        if len(word) > 3 and word[-2:] in ("'s", "’s"):
            word = word[:-2]
        capital = word[:1].isupper() or _ARTICLE_NAME.match(word) is not None
        start = m.start()
        out.append(_Tok(start, start + len(word), word, capital))
    return tuple(out)


def _name_goes_on(toks: Sequence[_Tok], k: int, text: str) -> bool:
    """True if a capitalised word follows a connector at ``toks[k]``, directly or after one more
    connector ("de Milagros", "de los Milagros", "van der Berg"), one space apart."""
    for _ in range(2):
        if k >= len(toks) or not _only_space(text, toks[k - 1].end, toks[k].start):
            return False
        if toks[k].capital:
            return True
        if toks[k].text.lower() not in _CONNECTORS:
            return False
        k += 1
    return False


def _runs(toks: Sequence[_Tok], text: str) -> Iterable[list[int]]:
    """Runs of token indices that may form a name: capitalised words, with connectors inside."""
    run: list[int] = []
    for i, tok in enumerate(toks):
        adjacent = not run or _only_space(text, toks[run[-1]].end, tok.start)
        if tok.capital and adjacent:
            run.append(i)
            continue
        if run and adjacent and tok.text.lower() in _CONNECTORS and _name_goes_on(toks, i + 1, text):
            run.append(i)
            continue
        if run:
            yield run
        run = [i] if tok.capital else []
    if run:
        yield run


def _only_space(text: str, a: int, b: int) -> bool:
    gap = text[a:b]
    return gap.strip() == "" and "\n" not in gap


def _strip_connectors(idx: list[int], toks: Sequence[_Tok]) -> list[int]:
    while idx and not toks[idx[-1]].capital:
        idx = idx[:-1]
    return idx


def gazetteer_spans(text: str, index: NameIndex) -> list[tuple[int, int, frozenset[str], list[int]]]:
    """Longest gazetteer matches inside capitalised runs: (start, end, kinds, run)."""
    toks = _tokens(text)
    found = []
    for run in _runs(toks, text):
        foreign = _has_foreign_words(run, toks)
        i = 0
        while i < len(run):
            if not toks[run[i]].capital:
                # A name starts with a capital: a connector inside the run starts none ("Shot Dead at
                # Cancun Beach" holds "Cancun Beach", not "at Cancun Beach", which the gazetteer's folding
                # of Arabic articles would read as "Cancun").
                i += 1
                continue
            matched = False
            for j in range(min(len(run), i + 6), i, -1):
                sub = _strip_connectors(run[i:j], toks)
                if not sub or len(sub) < j - i:
                    continue
                a, b = toks[sub[0]].start, toks[sub[-1]].end
                doubtful = foreign and _foreign_words_only(sub, run, toks)
                kinds = frozenset() if doubtful else index.name_kinds(text[a:b])
                if kinds:
                    nxt = sub[-1] + 1
                    if j == len(run) and nxt < len(toks) and toks[nxt].text in _NAME_TAILS:
                        # "the Gulf states", "the Baltic countries": a name that ends in a common noun
                        tail_kinds = index.name_kinds(text[a : toks[nxt].end])
                        if tail_kinds and _only_space(text, b, toks[nxt].start):
                            kinds, b = tail_kinds, toks[nxt].end
                    found.append((a, b, kinds, run))
                    i = j
                    matched = True
                    break
                # "Syrian-Turkish", "US-led": a hyphenated token whose first part is a name (but not a
                # foreign word of names whole: "dans le Nord-ouest")
                if j == i + 1 and not doubtful and ("-" in toks[sub[0]].text or "‐" in toks[sub[0]].text):
                    first = re.split(r"[-‐]", toks[sub[0]].text)[0]
                    kinds = index.name_kinds(first)
                    if kinds:
                        found.append((a, a + len(first), kinds, run))
                    # "Russia-Turkey talks": the last part is a name too
                    last = re.split(r"[-‐]", toks[sub[0]].text)[-1]
                    last_kinds = (
                        index.name_kinds(last) if last[:1].isupper() and len(last) > 2 else frozenset()
                    )
                    if last_kinds & {"country", "admin1", "demonym", "continent"}:
                        found.append((b - len(last), b, last_kinds, run))
                    if kinds or last_kinds:
                        i = j
                        matched = True
                        break
            if not matched:
                i += 1
        found = _with_loose_spans(text, toks, run, found, index)
    return found


def _has_foreign_words(run: Sequence[int], toks: Sequence[_Tok]) -> bool:
    """True if a word of geo/lang/en/foreign_function_words.txt stands in the run or right after it: only
    then can :func:`_foreign_words_only` hold for a part of it (an English name's run has none)."""
    after = run[-1] + 1
    return any(toks[k].text.lower() in _FOREIGN_WORDS for k in run) or (
        after < len(toks) and toks[after].text.lower() in _FOREIGN_WORDS
    )


def _foreign_words_only(sub: Sequence[int], run: Sequence[int], toks: Sequence[_Tok]) -> bool:
    """True if the words ``sub`` of the capitalised run ``run`` cannot be a place name on their own.

    Spanish, French and Portuguese function words and common words of names (geo/lang/en/
    foreign_function_words.txt) stand inside longer names, which are taken whole or not at all: not
    words that start with a lower-case link ("de El" in "Masacre de El Limón"), nor words that are all
    such words ("Gran" in "la Gran Vía", "LES" in a French headline in capitals; but "Río Grande"), nor a
    name that such a word joins to a longer one the gazetteer does not know ("Calima" in "Bajo Calima",
    "Portete" in "Bahía Portete", "Lagos" in "Lagos del Dorado", "San Pedro" in "San Pedro de los
    Milagros"; but "Bangui" in "de Bangui à Bossangoa").  The gazetteer knows some of these words as
    other languages' or old names of towns (Esztergom is "Gran" in German).
    """
    first = toks[sub[0]]
    if not first.capital and _FOREIGN_WORDS.get(first.text.lower()) in ("link", "and", "preposition"):
        return True
    if _longer_name_follows(toks, sub[-1] + 1):
        return True
    at = run.index(sub[0])
    before = toks[run[at - 1]] if at > 0 else None
    after = toks[sub[-1] + 1] if sub[-1] != run[-1] else None
    if any(
        tok is not None and tok.capital and _FOREIGN_WORDS.get(tok.text.lower()) in ("word", "title")
        for tok in (before, after)
    ):
        return True
    roles = [_FOREIGN_WORDS.get(toks[k].text.lower()) for k in sub]
    # "Río Grande", "Puerto Nuevo": common words of names make a name together
    return None not in roles and (len(roles) == 1 or "word" not in roles)


def _longer_name_follows(toks: Sequence[_Tok], k: int) -> bool:
    """True if the words from ``toks[k]`` on continue a name: a lower-case link, maybe articles, then a
    capitalised word ("de los Milagros", "del Dorado"), one space apart."""
    if k >= len(toks) or toks[k].capital or _FOREIGN_WORDS.get(toks[k].text.lower()) != "link":
        return False
    while k + 1 < len(toks) and toks[k + 1].start - toks[k].end == 1:
        k += 1
        if toks[k].capital:
            return True
        if _FOREIGN_WORDS.get(toks[k].text.lower()) not in ("article", "link"):
            return False
    return False


def _ner_label(a: int, b: int, entities: Sequence[Entity]) -> str | None:
    for ent in entities:
        if ent.start <= a and b <= ent.end:
            return ent.label
    return None


def _inside_org(a: int, b: int, text: str, run_toks: Sequence[_Tok]) -> bool:
    """A place name inside a capitalised run that ends in an organisation word: "Russian Foreign
    Ministry", "International Syria Support Group", "Free Syrian Army"."""
    if not run_toks:
        return False
    last = run_toks[-1]
    if last.end > b and last.text.lower() in _ORG_HEADS:
        return True
    # lower-case organisation words straight after: "the Syrian army", "Russian air task force"
    after = text[b:].lstrip(" -")
    word = re.match(r"[A-Za-z]+", after)
    return bool(word and word.group().lower() in _ORG_WORDS_AFTER)


def recognize(
    statement: Statement,
    index: NameIndex,
    *,
    entities: Sequence[Entity] = (),
    find_border: Callable[[str], object | None] | None = None,
    dateline: tuple[int, int] | None = None,
    people: frozenset[str] = frozenset(),
    spans: Sequence[tuple[int, int, frozenset[str], list[int]]] | None = None,
    prominent: Callable[[str, bool], bool] | None = None,
) -> list[Mention]:
    """Place mentions of one statement, with document offsets.

    Parameters
    ----------
    statement
        The statement to read.
    index
        The gazetteer's names (see :class:`NameIndex`).
    entities
        Named entities of a statistical model over ``statement.text`` (offsets in the statement); empty
        when no model runs, in which case small towns need a locative context to be taken.
    find_border
        Resolves "the Syrian-Turkish border" to something (or ``None``); border phrases are only kept
        when it accepts them.
    dateline
        The span (document offsets) of the dateline's place ("MOSCOW, May 20"), always taken as a name.
    people
        Words that the document uses as people's names (the parts of its multi-word PERSON entities:
        "Salah" after "Mohamed Salah"); such a word alone is a person, unless a locative ("in Jordan")
        says otherwise.
    spans
        :func:`gazetteer_spans` of the statement, when the caller has them already.
    prominent
        True for a name that a reader knows as a place without a cue: a provincial or district seat, a
        city of :data:`MIN_POPULATION_UNCONFIRMED`, a town of the report's own country.  Such a name is
        taken wherever it stands ("Reynosa bloodshed continues", "The army shelled Tal Afar") unless it
        is also a common word or person's name (:func:`common_word`).  Its second argument is True
        when the model calls the name a person or an organisation: then only a town of the report's
        own country, or a city of :data:`MIN_POPULATION_UNCONFIRMED`, should count.  When ``None``,
        such a population alone makes a name prominent.
    """
    text = statement.text
    raw: list[RawMention] = []
    toks = _tokens(text)
    taken: list[tuple[int, int]] = []
    doubtful: list[tuple[int, int, frozenset[str], str | None]] = []

    # 1. Borders first: they span two names.
    for m in _BORDER.finditer(text):
        phrase = m.group("phrase")
        if find_border is None or find_border(phrase) is None:
            continue
        first = "a" if m.group("a") else "a2"
        second = "b" if m.group("b") else "b2"
        raw.append(
            RawMention(
                m.start("phrase"),
                m.end("phrase"),
                m.group(first),
                m.start(first),
                form="border",
                other=m.group(second),
                kinds=frozenset({"border"}),
            )
        )
        taken.append((m.start("phrase"), m.end("phrase")))

    # 2. The dateline's place, then gazetteer names and the compound constructions around them.
    if dateline is not None and statement.start <= dateline[0] and dateline[1] <= statement.end:
        a, b = dateline[0] - statement.start, dateline[1] - statement.start
        raw.append(RawMention(a, b, text[a:b], a, source="dateline"))
        taken.append((a, b))
    for a, b, kinds, run in gazetteer_spans(text, index) if spans is None else spans:
        if any(a < e and s < b for s, e in taken):
            continue
        run_toks = [toks[k] for k in run]
        name = text[a:b]
        # a short name must be a country's or region's as written ("US", "UK"): "HQ" folds like "HK"
        short_ok = (
            bool(kinds & {"country", "region"}) and (len(name) >= 3 or index.has_exact_name(name))
        ) or (text[b : b + 1] == "." and "admin1" in kinds and _abbreviation(name, index))
        if name.lower() in _CALENDAR or name.lower() in _DIRECTIONS or (len(name) < 3 and not short_ok):
            continue
        label = _ner_label(a, b, entities)
        model_label = label
        if label in _NOT_PLACE_LABELS and (
            _exactly_one_entity(a, b, entities) or _set_apart(a, b, text, entities, index)
        ):
            # The small model calls many one-word town names people or languages ("struck Douma",
            # "in Aleppo province"), and draws one entity over a name and the words around it ("raids
            # on Ein Tarma and Douma"): a name it labels alone, or that stands apart inside its entity,
            # is judged on its context and size instead.  A name joined to the entity's other capitalised
            # words ("Jordan Henderson", "University of California") stays vetoed.
            label = None
        if (label in _CASE_LABELS or (label == "PERSON" and _rest_is_common(a, b, text, entities))) and (
            caseless_at(text, a, b)
        ):
            # the model reads capitals as names: "Six Killed in Kano Market Blast" is no firm, and
            # "Acapulco Massacre" no person
            label = model_label = None
        # the locative is looked for only when there is a label to drop (a search per name is a tenth
        # of recognition's time on a long report)
        cue = _LOCATIVE.search(text, max(0, a - 30), a) if label is not None else None
        if cue is not None and not common_word(name):
            if _entity_starts_before(cue.start(), b, entities):
                label = None  # the place in an event's name: "the Battle of Mosul", "Masacre de Unguía"
            elif run_toks and run_toks[-1].end == b and _entity_from(a, b, entities):
                label = None  # a name and the lower-case words after it: "à Bouar après des combats"
        # The model reads a town's capitalised title as a firm's or a person's name ("shot dead in Mohnyin
        # Town"), and a possessive before a town as a person's ("fighting in Karen’s Kawkareik").
        if label in ("PERSON", "ORG") and (
            _after_possessive(text, a, name) or _titled_settlement(a, b, text, run_toks)
        ):
            label = None
        if _inside_org(a, b, text, run_toks) or label in ("ORG", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"):
            # "Russian Foreign Ministry", "Free Syrian Army", "University of California": the place
            # stands for who acts, not where; kept with form "organisation" (role actor, never drawn
            # as a location) when the name is a country, province or city of some size.
            if kinds & {"country", "admin1", "demonym", "continent"} or index.max_population(name) >= 100_000:
                raw.append(RawMention(a, b, name, a, form="organisation", kinds=kinds, ner=label))
                taken.append((a, b))
            continue
        if label in _NOT_PLACE_LABELS:
            continue
        if name in people and not (
            _LOCATIVE.search(text[max(0, a - 30) : a]) or _after_possessive(text, a, name)
        ):
            continue
        feature = _FEATURE_AFTER.match(text, b)
        if feature and common_word(name) and caseless_at(text, a, b):
            # "Released From The Culiacán Prison": on a line whose capitals say nothing, a common word
            # ("From", a town's name too) heads no feature; a name after it may
            feature = None
        if feature and run_toks[-1].end >= feature.end():
            # "Mississippi River", "Royal Street", "Homs Central Hospital": a named feature, not the place
            raw.append(RawMention(a, feature.end(), name, a, form="feature", kinds=kinds, ner=label))
            taken.append((a, feature.end()))
            continue
        if not _accept(
            a, b, text, kinds, label, index, run_toks=run_toks, prominent=prominent, model_label=model_label
        ):
            doubtful.append((a, b, kinds, label))
            continue
        if (
            b < len(text)
            and text[b] == "."
            and len(name) <= 5
            and "admin1" in kinds
            and _abbreviation(name, index)
        ):
            b += 1  # "Va.", "Calif."
        raw.append(_compound(text, a, b, kinds, label))

    # A doubtful name listed with a place is a place too: "in Saraqib, Kafranbel and Maarat".
    changed = True
    while changed and doubtful:
        changed = False
        for item in list(doubtful):
            a, b, kinds, label = item
            if kinds <= {"city"} and _zipf(text[a:b]) >= EVERYDAY_WORD_ZIPF and caseless_at(text, a, b):
                # no capital says that "State", a town's name too, is one: "Out of Bor, State Authorities
                # Calls"; a province's name in a list of them is ("Georgia, Texas, Utah")
                continue
            initial = sentence_initial(text, a)
            if any(
                _LISTED.match(text[r.end : a]) or (not initial and _LISTED.match(text[b : r.start]))
                for r in raw
            ):
                raw.append(_compound(text, a, b, kinds, label))
                doubtful.remove(item)
                changed = True

    # Named streets, rivers, crossings and the like that hold no gazetteer name: reported, unresolved.
    for m in _NAMED_FEATURE.finditer(text):
        a, b = m.start(), m.end()
        first = text[a : text.find(" ", a) if " " in text[a:b] else b]
        if first.lower() in _CALENDAR or first.lower() in _DIRECTIONS or first in _CAPITAL_ARTICLES:
            continue
        if any(a < r.end and r.start < b for r in raw):
            continue
        raw.append(RawMention(a, b, text[a:b], a, form="feature", source="rule"))

    # 3. Place entities of the model that the gazetteer does not know: kept, to be reported unresolved.
    for ent in entities:
        if ent.label not in _PLACE_LABELS:
            continue
        a, b = ent.start, ent.end
        if text[a:b].lower().startswith("the "):
            a += 4
        if any(a < r.end and r.start < b for r in raw):
            continue
        if ent.label == "GPE" and not _LOCATIVE.search(text[max(0, a - 30) : a]):
            continue  # a "GPE" the gazetteer has never heard of, with nothing saying it is a place
        form: Form = "feature" if ent.label == "FAC" else "name"
        raw.append(RawMention(a, b, text[a:b], a, form=form, source="ner", ner=ent.label))

    raw.sort(key=lambda r: (r.start, -r.end))
    out: list[Mention] = []
    last_end = -1
    for r in raw:
        if r.start < last_end:
            continue
        last_end = r.end
        out.append(
            Mention(
                doc=statement.doc,
                start=statement.start + r.start,
                end=statement.start + r.end,
                text=text[r.start : r.end],
                sentence=statement.index,
                head=r.head,
                form=r.form,
                direction=r.direction,
                other=r.other,
                source=r.source,
            )
        )
    return out


def _after_possessive(text: str, a: int, name: str) -> bool:
    """True if a locative and the possessive of a place's area stand before ``name`` at ``text[a:]``
    ("fighting in Karen’s Kawkareik"), and the name is no common word.  Asked only where the answer
    matters (a model's person or firm, a word of a person's name): the search is the slowest of
    recognition's."""
    return not common_word(name) and _POSSESSIVE_LOCATIVE.search(text, max(0, a - 60), a) is not None


def _abbreviation(name: str, index: NameIndex) -> bool:
    """True if the gazetteer holds ``name`` + "." as written ("Va.", "Calif.")."""
    return index.has_exact_name(name + ".")


_FEATURE_WORDS = lang.pattern("feature_words")
# Streets, rivers, crossings: capitalised words and a geographic feature word, or "Lake X", "Mount X".
_GEO_FEATURE_WORDS = lang.pattern("geo_feature_words")
_NAMED_FEATURE = re.compile(
    rf"\b(?:[A-Z][\w’'-]+\s+){{1,3}}{_GEO_FEATURE_WORDS}\b"
    r"|\b(?:Lake|Mount|Gulf of|Bay of|Strait of)\s+[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?"
)
# A named feature: the name, maybe more capitalised words, then a feature word.
_FEATURE_AFTER = re.compile(rf"(?:\s+[A-Z][\w’'-]*){{0,2}}?\s+{_FEATURE_WORDS}(?![\w])")


_LISTED = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)$")
_DATELINE_AFTER = re.compile(r"\s*(?:,\s*[A-Z][\w.]*\.?\s*)?(?:\(|--|—|–|-\s)")


def _entity_starts_before(cue: int, b: int, entities: Sequence[Entity]) -> bool:
    """True if an entity holds the locative at ``cue`` and the name after it, up to ``b``."""
    return any(e.start <= cue and b <= e.end for e in entities)


def _rest_is_common(a: int, b: int, text: str, entities: Sequence[Entity]) -> bool:
    """True if the words of the entity around the name, other than the name, are all common words."""
    for e in entities:
        if e.start <= a and b <= e.end:
            rest = (text[e.start : a] + " " + text[b : e.end]).split()
            return bool(rest) and all(common_word(w.strip(",.;:’'")) for w in rest)
    return False


def _entity_from(a: int, b: int, entities: Sequence[Entity]) -> bool:
    """True if an entity starts at the name and runs past it."""
    return any(e.start == a and b < e.end for e in entities)


def _exactly_one_entity(a: int, b: int, entities: Sequence[Entity]) -> bool:
    return any(e.start == a and e.end == b for e in entities)


#: A name after an elided article, part of the name before it: "Rue d’Enghien".
_ELIDED_ARTICLE = re.compile(r"[a-z][’'][A-Z]")
#: Connectors that list names ("Ein Tarma and Douma") rather than join the words of one.
_LISTING = frozenset({"and", "or", "y", "e", "i", "et"})
#: What may stand between two words of one name besides spaces: a firm's "&", a possessive, quotes.
_JOINING_GAP = re.compile(r"(?:[’']s)?[&“”\"‘’']?")
#: Words that join two words of one name, besides a place name's connectors and articles.
_JOINING_WORDS = (_CONNECTORS | lang.words("articles") | lang.words("name_inner_words")) - _LISTING


def _name_groups(text: str, start: int, end: int) -> list[list[_Tok]]:
    """The capitalised words of ``text[start:end]`` grouped into the names they form: words joined by
    spaces, a name's own connector ("University of California", "Church of the Holy Family"), a
    firm's "&" ("Stevens & Wilkinson"), a possessive ("Norman's Welding"), a nickname's quotes
    ("Harold “Hal” Rogers"), or a title or initial and its stop ("Mr. Jordan").  A lower-case word, a
    list ("Ein Tarma and Douma") or another mark ("Centrafrique / Bambari", "Bor, State") ends a name."""
    groups: list[list[_Tok]] = []
    group: list[_Tok] = []
    pending: list[_Tok] = []
    for tok in _tokens(text):
        if tok.end <= start or tok.start >= end:
            continue  # a word the entity cuts ("Moon Jae" of "Moon Jae-in") is one of its words
        if tok.text == "s" and text[tok.start - 1 : tok.start] in ("'", "’"):
            continue  # the possessive of an abbreviation: "L.A.'s"
        prev = (pending or group)[-1] if pending or group else None
        gap = text[prev.end : tok.start].strip() if prev is not None else None
        joined = prev is not None and (
            _JOINING_GAP.fullmatch(gap or "") is not None
            or (gap == "." and prev.capital and len(prev.text) <= 4 and not pending)
        )
        word = tok.text.lower()
        # a month and a number start a date, which ends a name: "ABUSES IN YEI JULY 2016"
        date = word in _CALENDAR and _NUMBER_AFTER.match(text, tok.end) is not None
        capital = not date and (tok.capital or _ELIDED_ARTICLE.match(tok.text) is not None)
        if joined and capital:
            group += [*pending, tok]
            pending = []
        elif joined and word in _JOINING_WORDS:
            pending.append(tok)
        else:
            if group:
                groups.append(group)
            group, pending = ([tok] if capital else []), []
    if group:
        groups.append(group)
    return groups


_CURRENCY_SIGNS = frozenset("$€£¥")
_NUMBER_AFTER = re.compile(r",?\s+\d")


def _set_apart(a: int, b: int, text: str, entities: Sequence[Entity], index: NameIndex) -> bool:
    """True if the model's entity around ``text[a:b]`` holds other words only apart from the name (see
    :func:`_name_groups`): "Boko Haram raids Damasak", "20 km de Yaloké", "Bor, State Authorities";
    or if it and the rest of its group are a town and its province or country, as a headline writes
    them: "Juarez Nuevo Leon".  Not "Jordan Henderson" or "Mr. Jordan"."""
    ent = next((e for e in entities if e.start <= a and b <= e.end), None)
    if ent is None or text[b : b + 1] in _CURRENCY_SIGNS:
        return False  # "US$30 billion" names a currency
    for group in _name_groups(text, ent.start, ent.end):
        if group[0].start < b and a < group[-1].end:
            if a <= group[0].start and group[-1].end <= b:
                return True
            # "Juarez Nuevo Leon": a town, then its province or country, both read as places
            lo, hi = group[0].start, group[-1].end
            if a == lo:
                town, area = text[a:b], text[b:hi].strip()
            elif b == hi:
                town, area = text[lo:a].strip(), text[a:b]
            else:
                return False
            return (
                "." not in text[lo:hi]  # not "Mr. Jordan"
                and len(town) >= 3
                and not common_word(town)  # "Michael Jordan"
                and "city" in index.name_kinds(town)
                and bool(index.name_kinds(area) & {"admin1", "country"})
            )
    return False


def person_name_words(text: str, start: int, end: int) -> list[str]:
    """The words of a person entity ``text[start:end]`` that are people's names: each name of two words
    or more, but its first ("Salah" of "Mohamed Salah").  A place the model drew into the entity apart
    from the name ("Boko Haram raids Damasak") is none of them."""
    return [
        t.text for group in _name_groups(text, start, end) if len(group) > 1 for t in group[1:] if t.capital
    ]


def _accept(
    a: int,
    b: int,
    text: str,
    kinds: frozenset[str],
    label: str | None,
    index: NameIndex,
    *,
    run_toks: Sequence[_Tok] = (),
    prominent: Callable[[str, bool], bool] | None = None,
    model_label: str | None = None,
) -> bool:
    """Whether a gazetteer name is taken as a place without a list to carry it.

    A country, a province or a name the model calls a place is; so is a name after a locative ("in",
    "near", "à") or inside a compound construction ("Aleppo countryside").  Otherwise what makes a
    capitalised name doubtful is that it is also a common word or person's name, or that case says
    nothing on its line ("HAIL OF ROCKETS"): a prominent place (see :func:`recognize`) that is neither is
    taken anywhere, at the head of a sentence or alone in a headline's clause ("Sloviansk ; ...").  An
    acronym in a line of mixed case ("TASS", "COAS") is an organisation's, and a name the model calls a
    person or an organisation ("said Monahan") needs to be prominent in the report's own country.
    """
    name = text[a:b]
    if label in _PLACE_LABELS or (label == "NORP" and "demonym" in kinds):
        return True
    common = common_word(name)
    sure = kinds & {"country", "admin1", "admin2", "demonym", "border", "continent", "region"}
    if sure and not (common and not kinds & {"country", "demonym", "continent"} and caseless_at(text, a, b)):
        return True
    no_case = caseless_at(text, a, b)
    if name.isupper() and len(name) >= 4 and _DATELINE_AFTER.match(text, b):
        return True  # a dateline: "BOSTON (AP) --", "SAN DIEGO, Calif. --"
    if no_case and _zipf(name) >= EVERYDAY_WORD_ZIPF:
        return False  # "Attacks Near Border Spark Fear": no capital to go by
    if _LOCATIVE.search(text[max(0, a - 30) : a]) or _in_construction(text, a, b, kinds):
        return True
    if not common and (
        _WEAK_LOCATIVE.search(text, max(0, a - 30), a) or _POSSESSIVE_LOCATIVE.search(text, max(0, a - 60), a)
    ):
        return True  # "driven out of Bor", "fighting in Karen's Kawkareik", "Clashes in Sagaing’s Wetlet"
    if common and no_case:
        return False  # "HAIL OF ROCKETS" (but "KILLED NEAR MANILA")
    if _ADMIN_WORD_AFTER.match(text, b) or (not common and _settlement_cue(text, a, b, run_toks)):
        return True
    if not common:
        lo, hi = _clause(text, a, b)
        if _ALONE_REST.match(text[lo:a] + " " + text[b:hi]):
            return True  # a headline's clause that is the name alone: "Sloviansk ; Fighting in the east"
    whole_run = _alone_in_run(a, b, text, run_toks, index)
    big = index.max_population(name) >= MIN_POPULATION_UNCONFIRMED
    doubted = model_label in ("PERSON", "ORG")
    well_known = big if prominent is None else prominent(name, doubted)
    acronym = name.isupper() and not no_case
    if not common and not acronym and (no_case or whole_run) and well_known:
        return True
    if sentence_initial(text, a) and not label:
        return False
    return big


def _settlement_cue(text: str, a: int, b: int, run_toks: Sequence[_Tok]) -> bool:
    """True if the words around a name that is no common word say that it names a settlement: a
    settlement word after it ("Chelyuskinets township"), a noun for its people ("Indaw villagers"),
    or a capitalised settlement word where capitals mark names (:func:`_titled_settlement`)."""
    return bool(
        _SETTLEMENT_WORD_AFTER.match(text, b)
        or _PEOPLE_WORD_AFTER.match(text, b)
        or _titled_settlement(a, b, text, run_toks)
    )


def _titled_settlement(a: int, b: int, text: str, run_toks: Sequence[_Tok]) -> bool:
    """True if a capitalised settlement word of geo/lang/en/settlement_titles.txt follows the name and
    ends its run of capitalised words, on a line whose capitals mark names, with what the word needs:
    "Soldiers raided Tamu Township", "shot dead in Kachin State's Mohnyin Town" (not "Mbengwi Town won
    the cup final", nor "Clifton Town Council")."""
    if not run_toks or common_word(text[a:b]):
        return False
    for title, locative in _SETTLEMENT_TITLES:
        found = title.match(text, b)
        if found is None or run_toks[-1].end != found.end():
            continue
        start = run_toks[0].start
        if locative and not _LOCATIVE.search(text, max(0, start - 30), start):
            continue
        return not caseless_at(text, a, b)
    return False


def _alone_in_run(a: int, b: int, text: str, run_toks: Sequence[_Tok], index: NameIndex) -> bool:
    """True if the capitalised words around the name are no person's or firm's name with it: there are
    none, or a demonym before it ("in Syrian Afrin"), its province or country after it ("Reynosa
    Tamaulipas: gunmen attack") or a lower-case word joined by a hyphen ("a Gori-based charity")."""
    if not run_toks:
        return True
    before = all(_demonym_only(index.name_kinds(t.text)) for t in run_toks if t.end <= a)
    rest = text[b : run_toks[-1].end]
    after = (
        not rest
        or _HYPHENATED_WORD.fullmatch(rest) is not None
        or bool(index.name_kinds(rest.strip()) & {"admin1", "country"})
    )
    return before and after


_HYPHENATED_WORD = re.compile(r"[-‐][a-z]+")


def _in_construction(text: str, a: int, b: int, kinds: frozenset[str]) -> bool:
    """True if a compound construction that names an area stands around the name: "Idlib countryside",
    "the outskirts of Darayya", "north of Hawija" (the construction says it is a place)."""
    before, after = text[max(0, a - 40) : a], text[b : b + 40]
    for c in _constructions_after(_last_word(before)):
        if (c.kinds is not None and not kinds & c.kinds) or (c.form == "part" and c.after is None):
            continue
        if (c.before is None or c.before.pattern.search(before)) and (
            c.after is None or c.after.match(after)
        ):
            return True
    return False


_BORDER_NOUNS = lang.pattern("border_nouns")
_BORDER = re.compile(
    rf"(?P<phrase>(?P<a>[A-Z][\w’']+)[-–/](?P<b>[A-Z][\w’']+)\s+{_BORDER_NOUNS}"
    rf"|{_BORDER_NOUNS}\s+{lang.pattern('border_links')}\s+(?:the\s+)?(?P<a2>[A-Z][\w’' ]+?)\s+and\s+"
    r"(?:the\s+)?(?P<b2>[A-Z][\w’']+(?:\s[A-Z][\w’']+)?))"
)


@dataclass(frozen=True, slots=True)
class _Construction:
    """One compound construction of ``geo/lang/en/compounds.toml`` (see the file for its fields)."""

    form: Form
    before: _EndPattern | None
    after: re.Pattern[str] | None
    also_after: re.Pattern[str] | None
    kinds: frozenset[str] | None


_CONSTRUCTION_KEYS = frozenset({"form", "before", "after", "also_after", "kinds"})


def _expand(pattern: str, where: str) -> re.Pattern[str]:
    """``{list}`` to the pattern list of that name, ``{directions}`` to the direction words."""

    def word_list(m: re.Match[str]) -> str:
        return f"(?:{_DIR_ALT})" if m[1] == "directions" else lang.pattern(m[1])

    try:
        return re.compile(re.sub(r"\{([a-z_]+)\}", word_list, pattern), re.I)
    except re.error as exc:
        raise LanguageDataError(f"{where}: {pattern!r} is not a valid regular expression: {exc}") from exc


def _constructions() -> tuple[_Construction, ...]:
    out = []
    for i, entry in enumerate(lang.toml("compounds").get("compound", [])):
        where = f"geo/lang/{lang.LANGUAGE}/compounds.toml: compound #{i + 1}"
        if set(entry) - _CONSTRUCTION_KEYS or entry.get("form") not in FORMS:
            raise LanguageDataError(
                f"{where}: keys must be among {sorted(_CONSTRUCTION_KEYS)}, form one of {FORMS}"
            )
        patterns = {
            k: _expand(entry[k], where) if k in entry else None for k in ("before", "after", "also_after")
        }
        kinds = frozenset(entry["kinds"]) if "kinds" in entry else None
        before = _EndPattern(patterns["before"]) if patterns["before"] is not None else None
        out.append(_Construction(entry["form"], before, patterns["after"], patterns["also_after"], kinds))
    return tuple(out)


_CONSTRUCTIONS = _constructions()


@functools.lru_cache(maxsize=4096)
def _constructions_after(word: str) -> tuple[_Construction, ...]:
    """The constructions (in order) whose words before a name may end with ``word``, the last word before
    the name, or that have none: the others cannot match.  Found once a word, as the same few words stand
    before most names."""
    return tuple(c for c in _CONSTRUCTIONS if c.before is None or c.before.may_end(word))


def _compound(text: str, a: int, b: int, kinds: frozenset[str], label: str | None) -> RawMention:
    """Extend a name to the construction around it (the first of ``compounds.toml`` that matches)."""
    head = text[a:b]
    if _demonym_only(kinds):
        return RawMention(a, b, head, a, form="demonym", kinds=kinds, ner=label)
    before = text[max(0, a - 40) : a]
    after = text[b : b + 40]
    for c in _constructions_after(_last_word(before)):
        if c.kinds is not None and not kinds & c.kinds:
            continue
        # the words after first: a match at one place is cheaper than a search for the words before
        ma = c.after.match(after) if c.after is not None else None
        if c.after is not None and ma is None:
            continue
        mb = c.before.pattern.search(before) if c.before is not None else None
        if c.before is not None and mb is None:
            continue
        start = a - (len(before) - mb.start()) if mb is not None else a
        end = b + ma.end() if ma is not None else b
        if c.also_after is not None and (extra := c.also_after.match(after)):
            end = max(end, b + extra.end())
        word = mb.groupdict().get("d") if mb is not None else None
        direction = _DIRECTIONS[word.lower()] if word else None
        return RawMention(start, end, head, a, form=c.form, direction=direction, kinds=kinds, ner=label)
    return RawMention(a, b, head, a, kinds=kinds, ner=label)


def _demonym_only(kinds: frozenset[str]) -> bool:
    return kinds == frozenset({"demonym"})


# --- names the gazetteer finds only by its looser, transliteration-aware key ----------------------------

#: The fewest letters of a name that the gazetteer's looser key is asked about, and the fewest consonants
#: (letters other than a, e, i, o, u, y, j and w, which that key folds): "Menbej" (m, n, b) is asked
#: about, "Moebye" (m, b), whose key "maba" a dozen villages share, is not.
LOOSE_MIN_LETTERS = 6
LOOSE_MIN_CONSONANTS = 3
_LOOSE_CONSONANT = re.compile(r"[b-df-hk-np-tvxz]")
#: A place word right after a name, as conflict reports write it: "Menbej city", "Kafrbatna town".
_PLACE_WORD_AFTER = re.compile(r"\s+(?:city|town|village)\b", re.I)
_THE_BEFORE = _EndPattern(re.compile(r"\bthe\s+$", re.I))
#: The kinds the looser key finds (towns and administrative units), for the constructions around a name.
_LOOSE_KINDS = frozenset({"city", "admin1", "admin2"})


@functools.lru_cache(maxsize=65_536)
def loose_name(name: str) -> bool:
    """True if the gazetteer's looser key may be asked about ``name``: :data:`LOOSE_MIN_LETTERS` letters
    and :data:`LOOSE_MIN_CONSONANTS` consonants or more, and not a common English word or person's name
    (of a name of several words, one word at least is not).  That key folds every vowel, so it joins
    a quarter of the 20,000 commonest English words to some town (see
    ``tests/test_transliteration.py``): only a rarer, longer name is worth asking about."""
    words = name.split()
    return (
        sum(ch.isalpha() for ch in name) >= LOOSE_MIN_LETTERS
        and len(_LOOSE_CONSONANT.findall(name.casefold())) >= LOOSE_MIN_CONSONANTS
        and not common_word(name)
        and not all(common_word(w) for w in words)
    )


def _loose_context(text: str, a: int, b: int) -> bool:
    """True if the words around ``text[a:b]`` call it a place, on a line whose capitals mark names: a
    locative before it ("clashes in Menbej"), a construction ("Menbej countryside", "east of
    Ithriyah") or a place word after it ("Menbej city", "Kafrbatna town").  After "the", only a place
    word will do ("in the Gondra district"): a town takes no article, while a feature, a firm or an
    adjective does ("in the Aisles", "into the Balqon offices", "in the Andean territory")."""
    if caseless_at(text, a, b):
        return False
    if _ADMIN_WORD_AFTER.match(text, b) or _PLACE_WORD_AFTER.match(text, b):
        return True
    if _THE_BEFORE.search(text, max(0, a - 5), a):
        return False
    return bool(_LOCATIVE.search(text, max(0, a - 30), a) or _in_construction(text, a, b, _LOOSE_KINDS))


def _loose_span(
    text: str, toks: Sequence[_Tok], run: list[int], i: int, j: int, index: NameIndex
) -> tuple[int, int, frozenset[str], list[int]] | None:
    """``run[i:j]`` as a span of a name that the gazetteer's looser key finds, if :func:`loose_name` and
    :func:`_loose_context` allow asking about it."""
    sub = _strip_connectors(run[i:j], toks)
    if not sub or len(sub) < j - i:
        return None
    a, b = toks[sub[0]].start, toks[sub[-1]].end
    name = text[a:b]
    if loose_name(name) and _loose_context(text, a, b) and (kinds := index.name_kinds(name, loose=True)):
        return (a, b, kinds, run)
    return None


def _with_loose_spans(
    text: str,
    toks: Sequence[_Tok],
    run: list[int],
    found: list[tuple[int, int, frozenset[str], list[int]]],
    index: NameIndex,
) -> list[tuple[int, int, frozenset[str], list[int]]]:
    """``found`` with the spans of ``run`` that the gazetteer's looser key finds where its own key finds
    nothing: what :func:`gazetteer_spans` adds for spellings that differ from the gazetteer's in their
    vowels.  A run of up to four words that the key finds only in part ("Shaikh" of "Shaikh Meskeen",
    a village called Sheykh) is taken whole when the looser key finds it whole; otherwise the words no
    name covers are read, longest span first."""
    strict = [f for f in found if f[3] is run]
    covered = {k for a, b, _, _ in strict for k in run if a <= toks[k].start < b}
    if len(covered) == len(run):
        return found
    if strict and len(run) <= 4 and (whole := _loose_span(text, toks, run, 0, len(run), index)):
        return [f for f in found if f[3] is not run] + [whole]
    out = list(found)
    i = 0
    while i < len(run):
        if run[i] in covered:
            i += 1
            continue
        stop = i
        while stop < len(run) and run[stop] not in covered:
            stop += 1
        for j in range(min(stop, i + 4), i, -1):
            if span := _loose_span(text, toks, run, i, j, index):
                out.append(span)
                i = j
                break
        else:
            i += 1
    return out
