"""Split a report into statements, with who said each, when, and what kinds of activity it reports.

Everything here is rule based (regular expressions), so it runs on megabytes of text; it opens no
file except the packaged activity vocabulary, read lazily through :mod:`importlib.resources`.

Splitting
    A line break always ends a statement.  Within a line, a sentence ends at ``.``, ``!``, ``?`` or
    ``…`` (with any closing quotes or brackets) followed by whitespace and a capital letter, a digit,
    an opening quote or bracket -- except after an abbreviation ("U.S.", "Lt. Gen.", "Dr.", "Jan.",
    "No. 5", an initial "J.", "a.m.") and except inside a quotation, so that a quotation of several
    sentences is one statement.  A line that does not end in final punctuation (a headline) and a
    line starting ``- `` (a bullet, whose marker is left out of the span) are one statement each.
    A dateline at the head of the report ("MOSCOW, May 20. /TASS/.") is a statement of its own.

Speakers
    See :func:`statements`.  A speaker is a plain string: a full name where the document gives one
    ("Marchenko said" after "Defence Minister Oleg Marchenko" is "Oleg Marchenko"), an organisation
    without its article ("Russian Foreign Ministry"), or an unresolved role as written ("the
    minister").  ``None`` when the statement does not say who speaks.

Dates
    Metadata wins: :attr:`Document.date` when given; else the dateline's own date when it carries
    a year; else the dateline's month and day with a year passed in (``year=``); else ``None``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import importlib.resources
import logging
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from re import _constants as _sre  # type: ignore[attr-defined]
from re._parser import parse as _sre_parse
from typing import Any

from . import _lang as lang
from ._errors import VocabularyError
from ._types import Document, Statement

__all__ = [
    "ActivityCategory",
    "Dateline",
    "Vocabulary",
    "VocabularyError",
    "categorize",
    "dateline",
    "document_date",
    "load_vocabulary",
    "parse_dateline",
    "read_statements",
    "resolve_dateline_date",
    "split_statements",
    "statements",
]

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Splitting
# ---------------------------------------------------------------------------------------------


#: Words that take a period without ending a sentence (compared lower case, without the period).
_ABBREVIATIONS = lang.words("abbreviations")
#: Abbreviations that only hold before a number ("No. 5", "Art. 51").
_NUMBER_ABBREVIATIONS = lang.words("number_abbreviations")
_DOTTED_RE = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # U.S / a.m / e.g (the final period is not in it)
_BOUNDARY_RE = re.compile(r"(?P<punct>[.!?]+|…)(?P<close>[\"”’'»)\]]*)\s+(?=\S)")
_SENTENCE_OPENERS = frozenset("\"“‘'«([")
_QUOTE_RE = re.compile(r"[\"“”«»„]")
_OPEN_QUOTES = frozenset("“«„")
_CLOSE_QUOTES = frozenset("”»")
_FINAL_RE = re.compile(r"(?:[.!?:;…]|[.!?…,][\"”’'»)\]]+)$")
_BULLET_RE = re.compile(r"[-–—•*▪·]\s+")
_LINE_RE = re.compile(r"[^\r\n]+")

_SPEECH_VERBS = lang.words("speech_verbs")
_VERB = "(?:" + "|".join(sorted(_SPEECH_VERBS, key=len, reverse=True)) + r")\b"
#: A capitalised name after a closing quote: ``"...?" Lavrov asked`` does not end the sentence.
_ATTRIBUTION_AFTER_QUOTE_RE = re.compile(r"(?:[A-Z][\w.'’-]*\s+){1,5}" + _VERB)


@dataclass(frozen=True, slots=True)
class _Segment:
    start: int
    end: int
    kind: str  # "sentence", "headline" or "dateline"


def _quote_spans(line: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of the double quotations of one line; unpaired quotes are dropped."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    n = len(line)
    for m in _QUOTE_RE.finditer(line):
        i = m.start()
        ch = line[i]
        if ch in _OPEN_QUOTES:
            is_open = True
        elif ch in _CLOSE_QUOTES:
            is_open = False
        else:  # a straight quote: its neighbours say which way it faces
            prev = line[i - 1] if i else " "
            nxt = line[i + 1] if i + 1 < n else " "
            if prev.isspace() or prev in "([{—–-/":
                is_open = True
            elif nxt.isspace() or nxt in ",.;:!?)]}—–-":
                is_open = False
            else:
                is_open = open_at is None
        if is_open:
            if open_at is None:
                open_at = i
        elif open_at is not None:
            spans.append((open_at, i))
            open_at = None
    return spans


def _is_abbreviation(line: str, dot: int) -> bool:
    """Whether the period at ``line[dot]`` closes an abbreviation rather than a sentence."""
    j = dot
    while j > 0 and (line[j - 1].isalnum() or line[j - 1] in ".'’-"):
        j -= 1
    token = line[j:dot]
    if not token:
        return False
    low = token.lower()
    if low in _ABBREVIATIONS:
        return True
    if len(token) == 1 and token.isalpha():
        return True  # an initial: "J. Smith"
    if _DOTTED_RE.fullmatch(token):
        return True  # "U.S.", "a.m."
    rest = line[dot + 1 :].lstrip()
    return low in _NUMBER_ABBREVIATIONS and rest[:1].isdigit()


def _split_line(line: str, offset: int) -> list[_Segment]:
    """Sentences of one line (no line break inside), as document spans."""
    spans = _quote_spans(line)
    opens = [s for s, _ in spans]
    cuts: list[tuple[int, int]] = []  # (end of this sentence, start of the next)
    for m in _BOUNDARY_RE.finditer(line):
        nxt_i = m.end()
        nxt = line[nxt_i]
        if not (nxt.isupper() or nxt.isdigit() or nxt in _SENTENCE_OPENERS):
            continue
        p = m.start("punct")
        k = bisect.bisect_right(opens, p) - 1
        if k >= 0 and spans[k][1] >= m.end("close"):
            continue  # inside a quotation that does not close right here
        close = m.group("close")
        if not close and m.group("punct") == "." and _is_abbreviation(line, p):
            continue
        if any(c in close for c in "\"”»'’") and _ATTRIBUTION_AFTER_QUOTE_RE.match(line, nxt_i):
            continue  # "...?" Lavrov asked.
        cuts.append((m.end("close"), nxt_i))
    segments = []
    start = 0
    for end, nxt_start in cuts:
        segments.append(_Segment(offset + start, offset + end, "sentence"))
        start = nxt_start
    segments.append(_Segment(offset + start, offset + len(line), "sentence"))
    return segments


def _segments(text: str, head: Dateline | None) -> list[_Segment]:
    out: list[_Segment] = []
    for lm in _LINE_RE.finditer(text):
        a, b = lm.span()
        if head is not None and a <= head.start < b:
            out.append(_Segment(head.start, head.end, "dateline"))
            a = head.end
        line = text[a:b]
        stripped = line.strip()
        if not stripped:
            continue
        a += len(line) - len(line.lstrip())
        b = a + len(stripped)
        bullet = _BULLET_RE.match(stripped)
        if bullet and len(stripped) > bullet.end():
            out.append(_Segment(a + bullet.end(), b, "headline"))
        elif not _FINAL_RE.search(stripped):
            out.append(_Segment(a, b, "headline"))
        else:
            out.extend(_split_line(stripped, a))
    return out


def split_statements(document: Document) -> tuple[Statement, ...]:
    """Split a document into statements with character spans, without speaker or categories.

    Parameters
    ----------
    document
        The report.

    Returns
    -------
    tuple of Statement
        In order, indexed from 0; ``text == document.text[start:end]``, stripped of whitespace.
    """
    text = document.text
    return tuple(
        Statement(doc=document.id, index=i, start=s.start, end=s.end, text=text[s.start : s.end])
        for i, s in enumerate(_segments(text, parse_dateline(text)))
    )


# ---------------------------------------------------------------------------------------------
# Datelines and dates
# ---------------------------------------------------------------------------------------------

_MONTHS = lang.months()


def _month_pattern() -> str:
    """Capitalised month names, each followed by a word boundary and maybe a period: "Jan.", "March"."""
    by_number: dict[int, list[str]] = {}
    for word, number in _MONTHS.items():
        by_number.setdefault(number, []).append(word.capitalize())
    names = (sorted(ws, key=len, reverse=True) for _, ws in sorted(by_number.items()))
    return "(?:" + "|".join(n for ws in names for n in ws) + r")\b\.?"


_MONTH = _month_pattern()


def _date_re(p: str) -> str:
    return (
        rf"(?:(?P<{p}m>{_MONTH})[ ](?P<{p}d>\d{{1,2}})|(?P<{p}d2>\d{{1,2}})[ ](?P<{p}m2>{_MONTH}))"
        rf"(?:,?[ ](?P<{p}y>(?:19|20)\d\d))?\b"
    )


_SEP = r"(?:—|–|--?)"
_AGENCY = r"(?:\((?:[A-Za-z][\w&'’. -]{0,30})\)|/[A-Za-z][\w .-]{0,20}/)"
_PLACE = r"(?:[A-Z][A-Z'’.-]+(?:[ ][A-Z][A-Z'’.-]*)*|[A-Z][a-z'’.-]+(?:[ ][A-Z][a-z'’.-]+){0,2})"
_DATELINE_RE = re.compile(
    rf"""
    [ \t]*(?P<place>{_PLACE})
    (?:,[ ](?!{_MONTH})(?P<qual>[A-Z][A-Za-z'’.-]*(?:[ ][A-Z][A-Za-z'’.-]*){{0,2}}))?
    (?:
        ,?[ ](?P<date1>{_date_re("a")})\.?(?:[ ]*(?P<agency1>{_AGENCY})\.?)?(?:[ ]*(?P<sep1>{_SEP}))?
      | [ ]*(?P<agency2>{_AGENCY})\.?(?:[ ]*(?P<sep2>{_SEP}))?
        (?:[ ]*(?P<date2>{_date_re("b")})(?=[ ]*(?:{_SEP}|[.,:]|$)))?
      | [ ]+(?P<sep3>—|–|--|-(?=[ ]))
      | (?P<sep4>\.(?=[ ]|$)|:(?=[ ])|[ ]*$)
    )
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Dateline:
    """The dateline at the head of a report: where it was filed, and the date it gives.

    ``start``/``end`` span the whole dateline ("MOSCOW, May 20. /TASS/."), ``place_start``/
    ``place_end`` the place token ("MOSCOW"); ``place`` is that token as written.
    """

    start: int
    end: int
    place_start: int
    place_end: int
    place: str
    qualifier: str | None = None
    month: int | None = None
    day: int | None = None
    year: int | None = None
    agency: str | None = None
    #: The span of the news agency as written ("/TASS/", "(Reuters)"): a name, never a place.
    agency_span: tuple[int, int] | None = None

    def date(self, year: int | None = None) -> dt.date | None:
        """The dateline's date: its own year if it has one, else ``year``; ``None`` if neither.

        Parameters
        ----------
        year
            The year to use when the dateline gives none (from the document's metadata).

        Returns
        -------
        datetime.date or None
            ``None`` also when the day does not exist (February 30).
        """
        y = self.year if self.year is not None else year
        if y is None or self.month is None or self.day is None:
            return None
        try:
            return dt.date(y, self.month, self.day)
        except ValueError:
            return None


def _head_lines(text: str) -> list[re.Match[str]]:
    """The lines where a dateline may stand: headlines before the body, and the body's first line."""
    lines = []
    for lm in _LINE_RE.finditer(text):
        stripped = lm.group().strip()
        if not stripped:
            continue
        lines.append(lm)
        if _FINAL_RE.search(stripped) or len(lines) >= 4:
            break
    return lines


def _bare_dateline(m: re.Match[str], text: str, line_end: int) -> bool:
    """A dateline with neither date nor agency ("BAMAKO, Mali." or "SAN JOSE - A bomb exploded") is
    one only when prose follows it, and one ended by a period, a colon or the line's end only when a
    country or province in title case follows the place ("CIUDAD JUAREZ, Mexico"): a headline in
    capitals ("UN SAYS TROOPS, ARMY CLASH - report") is not a dateline."""
    place, qual = m.group("place"), m.group("qual")
    if len(place.split()) > 3 or (qual is not None and qual.isupper()):
        return False
    if m.group("sep4") is not None and qual is None:
        return False
    rest = text[m.end() : line_end].strip()
    if not rest:
        return m.group("sep4") is not None and m.group("sep4").strip() == "" and qual is not None
    words = rest.split()
    return rest[:1].isupper() and sum(w[:1].islower() for w in words) >= max(1, len(words) // 3)


def parse_dateline(text: str) -> Dateline | None:
    """Find the dateline at the head of a report.

    Recognised shapes (a place in capitals; a place in title case only with an agency)::

        MOSCOW, May 20. /TASS/.            KYIV, 12 March (Reuters) -
        DAMASCUS, Syria (AP) — Jan. 3      BEIRUT, Jan. 3, 2017 (AFP) —
        BEIRUT (Reuters) -                 BAGHDAD — ...
        BAMAKO, Mali. Gunmen ...           CIUDAD JUAREZ, Mexico - Six ...
        SAN JOSE - A bomb ...              PORT-AU-PRINCE, Haiti: Gangs ...

    A dateline with neither date nor agency needs prose after it (and, ended by a period or a colon,
    a country or province after the place), so a headline in capitals is not taken for one.

    Parameters
    ----------
    text
        The report's text.  The dateline may follow headline lines, but not the first sentence.

    Returns
    -------
    Dateline or None
    """
    for lm in _head_lines(text):
        m = _DATELINE_RE.match(text, lm.start(), lm.end())
        if m is None:
            continue
        place = m.group("place")
        agency = m.group("agency1") or m.group("agency2")
        has_date = bool(m.group("date1") or m.group("date2"))
        if not place.isupper() and agency is None:
            continue
        if m.group("sep3") is None and m.group("sep4") is None and not (agency or has_date):
            continue
        if (m.group("sep3") == "-" or m.group("sep4") is not None) and not _bare_dateline(m, text, lm.end()):
            continue
        if sum(c.isalpha() for c in place) < 2:
            continue
        prefix = "a" if m.group("date1") else "b"
        month_s = m.group(prefix + "m") or m.group(prefix + "m2") if has_date else None
        day_s = m.group(prefix + "d") or m.group(prefix + "d2") if has_date else None
        year_s = m.group(prefix + "y") if has_date else None
        end = m.end()
        while end > m.start() and text[end - 1].isspace():
            end -= 1
        return Dateline(
            start=m.start("place"),
            end=end,
            place_start=m.start("place"),
            place_end=m.end("place"),
            place=place,
            qualifier=m.group("qual"),
            month=_MONTHS[month_s[:3].lower()] if month_s else None,
            day=int(day_s) if day_s else None,
            year=int(year_s) if year_s else None,
            agency=agency.strip("()/") if agency else None,
            agency_span=m.span("agency1" if m.group("agency1") else "agency2") if agency else None,
        )
    return None


def dateline(document: Document) -> tuple[int, int, str] | None:
    """The span and text of the dateline's place token, e.g. ``(0, 6, "MOSCOW")``.

    Parameters
    ----------
    document
        The report.

    Returns
    -------
    tuple of (int, int, str) or None
        ``(start, end, place)`` with ``document.text[start:end] == place``, as written; ``None``
        when the report has no dateline.
    """
    head = parse_dateline(document.text)
    return None if head is None else (head.place_start, head.place_end, head.place)


def resolve_dateline_date(text: str, year: int) -> dt.date | None:
    """The date of a report's dateline, with the year from metadata when the dateline has none.

    Parameters
    ----------
    text
        The report's text.
    year
        The year from metadata (a ``--year`` option, or the year of a ``date`` field).  A year
        written in the dateline itself wins over it.

    Returns
    -------
    datetime.date or None
        ``None`` when there is no dated dateline.
    """
    head = parse_dateline(text)
    return None if head is None else head.date(year)


def document_date(document: Document, *, year: int | None = None) -> dt.date | None:
    """The date of a report.

    Parameters
    ----------
    document
        The report.  Its ``date`` (metadata) wins when given.
    year
        A year for a dateline that gives only month and day.

    Returns
    -------
    datetime.date or None
        ``document.date``; else the dateline's date when it carries a year (or ``year`` is given);
        else ``None``.
    """
    if document.date is not None:
        return document.date
    return _document_date(document, parse_dateline(document.text), year)


def _document_date(document: Document, head: Dateline | None, year: int | None) -> dt.date | None:
    """:func:`document_date` with the dateline already read."""
    if document.date is not None:
        return document.date
    return None if head is None else head.date(year)


# ---------------------------------------------------------------------------------------------
# Speakers
# ---------------------------------------------------------------------------------------------

#: Lower-case words that name a role, a rank or an office, not a person.
_TITLE_WORDS = lang.words("title_words")
#: Lower-case heads of an organisation's name ("Foreign Ministry", "the Kremlin").
_ORG_HEADS = lang.words("org_heads") | lang.words("org_heads_of_speakers")
_PRONOUNS = lang.words("pronouns")
_ARTICLES = lang.words("articles")
_ROLE_NOUNS = lang.pattern("role_nouns")
_NAME_TOKEN = (
    r"(?:[A-Z][\w'’.-]*|(?:al|el|ad|ash|as|ar|at|an|ud|ul|ed)-[A-Z][\w'’-]*"
    r"|(?:bin|ibn|abu|bint|de|da|di|del|della|van|von|der|den|la|le|al|el)(?=\s+[A-Z])"
    r"|" + _ROLE_NOUNS + r"\b)"
)
_NP = (
    r"(?:(?:[Tt]he|[Aa]n?)\s+)?"
    + _NAME_TOKEN
    + r"(?:(?:\s+(?:of|for|and|on|the)){0,2}\s+"
    + _NAME_TOKEN
    + r"){0,7}"
)
_SUBJECT = r"(?:he|she|it|they|" + _NP + ")"

_ATTR_QUOTE_RE = re.compile(
    r"[,.?!…—-][\"”»]\s*,?\s+(?:(?P<sp1>" + _SUBJECT + r")\s+(?:also\s+)?" + _VERB
    + r"|" + _VERB + r"\s+(?P<sp2>" + _NP + r"))"
)  # fmt: skip
_ATTR_FINAL_RE = re.compile(
    r",\s+(?:(?P<sp1>" + _SUBJECT + r")\s+(?:also\s+|later\s+)?" + _VERB
    + r"|" + _VERB + r"\s+(?P<sp2>" + _NP + r"))"
    + r"(?:[\s,][^\"“”]{0,160}?)?[.!?…][\"”’']?$"
)  # fmt: skip
_ATTR_INITIAL_RE = re.compile(
    r"^(?:[^,\"“”]{1,50},\s+)??(?P<sp1>" + _SUBJECT + r")(?:,\s+(?P<appos>[^,\"“”]{1,160}),)?"
    + r"\s+(?:" + lang.pattern("attribution_adverbs") + r"\s+)?" + _VERB
)  # fmt: skip
_ACCORDING_RE = re.compile(
    r"\b[Aa]ccording to\s+(?P<sp1>(?:[Tt]he\s+)?(?:[\w'’.-]+\s+){0,5}?"
    + _NAME_TOKEN
    + r")(?=\s*[,;:]|[.!?]?$)"
)
_HEADLINE_COLON_RE = re.compile(r"^(?P<sp1>[A-Z][^:\"“”]{0,60}?):\s+\S")
_HEADLINE_DASH_RE = re.compile(r"\s[—–]\s+(?P<sp1>" + _NP + r")$")
_WHOLE_QUOTE_RE = re.compile(r"^[\"“«][^\"“”«»]*[\"”»][.]?$")
_WORD_RE = re.compile(r"[\w'’.-]+")


def _bare(word: str) -> str:
    return word.strip(".").lower()


_HYPHEN_PARTICLE_RE = re.compile(r"(?:al|el|ad|ash|as|ar|at|an|ud|ul|ed)-[A-Z].*")
_PARTICLES = frozenset({"bin", "ibn", "abu", "bint", "de", "da", "di", "del", "della", "van", "von"})


def _is_name_token(word: str) -> bool:
    """Whether a word can be part of a person's name ("Marchenko", "al-Hassan", "bin"), not a title."""
    if not word[:1].isupper() and not _HYPHEN_PARTICLE_RE.fullmatch(word):
        return word.lower() in _PARTICLES
    if word.endswith(("'s", "’s")):
        return False
    return _bare(word) not in _TITLE_WORDS and _bare(word) not in _ORG_HEADS


@dataclass(slots=True)
class _Speakers:
    """Speakers seen so far in one document (a private, per-call accumulator)."""

    persons: list[tuple[str, frozenset[str]]]
    orgs: list[str]

    def _touch_person(self, name: str, titles: frozenset[str]) -> str:
        for i, (known, known_titles) in enumerate(self.persons):
            if known == name:
                titles = titles | known_titles
                del self.persons[i]
                break
        self.persons.append((name, titles))
        return name

    def _touch_org(self, name: str) -> str:
        if name in self.orgs:
            self.orgs.remove(name)
        self.orgs.append(name)
        return name

    def resolve(self, phrase: str, *, appositive: str | None = None, register: bool = True) -> str | None:
        """The speaker a noun phrase names, updating what was seen unless ``register`` is false."""
        words = phrase.split()
        if words and words[-1].endswith(".") and not _DOTTED_RE.fullmatch(words[-1][:-1]):
            words[-1] = words[-1].rstrip(".")
        if not words:
            return None
        if words[0].lower() in _ARTICLES:
            article, words = words[0].lower(), words[1:]
        else:
            article = ""
        if not words:
            return None
        low = [_bare(w) for w in words]
        if len(words) == 1 and low[0] in _PRONOUNS:
            if low[0] in {"he", "she", "him", "her"}:
                return self.persons[-1][0] if self.persons else None
            if low[0] == "it":
                return self.orgs[-1] if self.orgs else None
            return None
        head = low[-1]
        # "Syrian Observatory for Human Rights", "Ministry of Defence": capitalised words joined by
        # "for"/"of" around an organisation's word name an organisation, whatever word ends it
        joined_org = (
            words[0][:1].isupper()
            and any(w in {"of", "for", "on"} for w in low[1:-1])
            and any(w in _ORG_HEADS for w in low)
        )
        if head in _ORG_HEADS or joined_org or (words[-1].isupper() and len(words[-1].strip(".")) > 1):
            name = " ".join(words)
            if name[:1].islower():  # "the ministry": the last organisation so called, if any
                for org in reversed(self.orgs):
                    if head in org.lower().split():
                        return self._touch_org(org) if register else org
                return f"{article} {name}".strip()
            return self._touch_org(name) if register else name
        k = len(words)
        while k > 0 and _is_name_token(words[k - 1]):
            k -= 1
        name_words = words[k:]
        titles = frozenset(low[:k]) | frozenset(_bare(w) for w in _WORD_RE.findall(appositive or ""))
        if not name_words:  # a role: "the minister", "the Russian defense minister"
            for known, known_titles in reversed(self.persons):
                if head in known_titles:
                    return self._touch_person(known, known_titles) if register else known
            return f"{article} {' '.join(words)}".strip() if article else " ".join(words)
        name = " ".join(name_words)
        for known, _ in reversed(self.persons):
            if known != name and known.endswith(" " + name):
                name = known
                break
        return self._touch_person(name, titles) if register else name


def _attribute(text: str, kind: str, previous: Statement | None, seen: _Speakers) -> str | None:
    """The speaker of one statement, or ``None``."""
    if kind == "dateline":
        return None
    if kind == "headline":  # headlines link other stories: they do not set who "he" is
        m = _HEADLINE_COLON_RE.match(text) or _HEADLINE_DASH_RE.search(text)
        if m:
            return seen.resolve(m.group("sp1"), register=False)
        m = _ATTR_INITIAL_RE.search(text)
        return seen.resolve(m.group("sp1"), register=False) if m else None
    for regex in (_ATTR_QUOTE_RE, _ATTR_FINAL_RE, _ATTR_INITIAL_RE, _ACCORDING_RE):
        m = regex.search(text)
        if m:
            phrase = m.group("sp1") or m.group("sp2")
            appos = m.groupdict().get("appos")
            return seen.resolve(phrase, appositive=appos)
    if previous is not None and previous.speaker is not None and _WHOLE_QUOTE_RE.match(text):
        return previous.speaker  # a quotation that goes on after '"...," Marchenko said.'
    return None


# ---------------------------------------------------------------------------------------------
# Activity vocabulary
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActivityCategory:
    """One kind of activity: an id, a label, its ACLED counterpart and the patterns that find it."""

    id: str
    label: str
    patterns: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class _Compiled:
    id: str
    pattern: re.Pattern[str]
    exclude: re.Pattern[str] | None
    lower: bool  # compiled case-sensitively, for lower-cased text (faster than IGNORECASE)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """An activity vocabulary, as loaded by :func:`load_vocabulary`."""

    categories: tuple[ActivityCategory, ...]
    source: str
    _compiled: tuple[_Compiled, ...] = field(default=(), repr=False, compare=False)
    #: Where any lower-case pattern starts: one scan of the text instead of one per category.
    _starts: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    #: The lower-case categories (indices into ``_compiled``) whose matches may start with a string of up to
    #: :data:`_PREFIX` characters, or ``None`` if some category's may start with anything (see
    #: :func:`_prefixes`): at a start, only those are tried.
    _by_prefix: dict[str, tuple[int, ...]] | None = field(default=None, repr=False, compare=False)

    @property
    def ids(self) -> tuple[str, ...]:
        """Category ids in vocabulary order."""
        return tuple(c.id for c in self.categories)

    def categorize(self, text: str) -> tuple[str, ...]:
        """Ids of the categories whose patterns match ``text`` (outside their excludes), in order."""
        norm = " ".join(text.replace("’", "'").split())
        low = norm.lower()
        starts = [m.start() for m in self._starts.finditer(low)] if self._starts is not None else []
        tried: dict[int, list[int]] | None = None
        if self._by_prefix is not None:
            # a category is tried only where a string its matches may start with stands
            tried = {}
            get = self._by_prefix.get
            for p in starts:
                for k in {*get(low[p : p + 1], ()), *get(low[p : p + 2], ()), *get(low[p : p + _PREFIX], ())}:
                    tried.setdefault(k, []).append(p)
        found = []
        for k, comp in enumerate(self._compiled):
            if comp.lower:
                at = starts if tried is None else tried.get(k)
                if not at:
                    continue
                subject = low
                spans = [m.span() for m in (comp.pattern.match(low, p) for p in at) if m is not None]
            else:
                subject = norm
                spans = [m.span() for m in comp.pattern.finditer(norm)]
            if spans and comp.exclude is not None:
                vetoed = [m.span() for m in comp.exclude.finditer(subject)]
                spans = [(a, b) for a, b in spans if not any(a < y and x < b for x, y in vetoed)]
            if spans:
                found.append(comp.id)
        return tuple(found)


_ID_RE = re.compile(r"[a-z][a-z0-9_]*")
_KEYS = frozenset(
    {"id", "label", "description", "acled_event_type", "acled_sub_event_type", "patterns", "exclude"}
)
_FLAGS = re.IGNORECASE
_ESCAPE_RE = re.compile(r"\\.")


def _whole_words(patterns: Sequence[str]) -> str:
    return r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?!\w)"


def _str_list(value: Any, where: str, key: str, *, required: bool) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise VocabularyError(f"{where}: {key!r} must be a list of non-empty strings, got {value!r}")
    if required and not value:
        raise VocabularyError(f"{where}: {key!r} must list at least one pattern")
    return tuple(value)


def _category(entry: Any, where: str, seen_ids: set[str]) -> tuple[ActivityCategory, _Compiled]:
    if not isinstance(entry, Mapping):
        raise VocabularyError(f"{where}: a category must be a table, got {entry!r}")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise VocabularyError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(_KEYS)}")
    cid = entry.get("id")
    if not isinstance(cid, str) or not _ID_RE.fullmatch(cid):
        raise VocabularyError(f"{where}: 'id' must be lower case letters, digits and _, got {cid!r}")
    where = f"{where} ({cid!r})"
    if cid in seen_ids:
        raise VocabularyError(f"{where}: duplicate id")
    seen_ids.add(cid)
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise VocabularyError(f"{where}: 'label' must be a non-empty string, got {label!r}")
    optional: dict[str, str | None] = {}
    for key in ("description", "acled_event_type", "acled_sub_event_type"):
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            raise VocabularyError(f"{where}: {key!r} must be a string, got {value!r}")
        optional[key] = value
    patterns = _str_list(entry.get("patterns"), where, "patterns", required=True)
    exclude = _str_list(entry.get("exclude"), where, "exclude", required=False)
    for key, group in (("patterns", patterns), ("exclude", exclude)):
        for pat in group:
            try:
                compiled = re.compile(pat, _FLAGS)
            except re.error as exc:
                raise VocabularyError(
                    f"{where}: {key} entry {pat!r} is not a valid regular expression: {exc}"
                ) from exc
            if compiled.match(""):
                raise VocabularyError(f"{where}: {key} entry {pat!r} matches the empty string")
    category = ActivityCategory(
        id=cid,
        label=label,
        patterns=patterns,
        exclude=exclude,
        acled_event_type=optional["acled_event_type"],
        acled_sub_event_type=optional["acled_sub_event_type"],
        description=optional["description"],
    )
    # Patterns without capitals (escapes aside) run case-sensitively on lower-cased text.
    lower = not any(c.isupper() for c in _ESCAPE_RE.sub("", "".join(patterns + exclude)))
    flags = 0 if lower else _FLAGS
    compiled_category = _Compiled(
        id=cid,
        pattern=re.compile(_whole_words(patterns), flags),
        exclude=re.compile(_whole_words(exclude), flags) if exclude else None,
        lower=lower,
    )
    return category, compiled_category


def _parse_vocabulary(raw: str, source: str) -> Vocabulary:
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"{source}: not valid TOML: {exc}") from exc
    entries = data.get("category")
    if not isinstance(entries, list) or not entries:
        raise VocabularyError(f"{source}: expected one or more [[category]] tables")
    seen_ids: set[str] = set()
    pairs = [_category(e, f"{source}: category #{i + 1}", seen_ids) for i, e in enumerate(entries)]
    lower = [p for c, comp in pairs if comp.lower for p in c.patterns]
    starts = re.compile(r"(?=" + _whole_words(lower) + ")") if lower else None
    by_prefix: dict[str, tuple[int, ...]] | None = {}
    for k, (_, comp) in enumerate(pairs):
        if comp.lower and by_prefix is not None:
            heads = _prefixes(comp.pattern)
            if heads is None:
                by_prefix = None
                continue
            for head in heads:
                by_prefix[head] = (*by_prefix.get(head, ()), k)
    if starts is not None and by_prefix:
        # The whole alternation is tried only where one of the strings the patterns start with stands:
        # the same starts, found in a third of the time.
        starts = re.compile(rf"(?<!\w)(?={_trie(sorted(by_prefix))})(?={_whole_words(lower)})")
    return Vocabulary(
        categories=tuple(c for c, _ in pairs),
        source=source,
        _compiled=tuple(comp for _, comp in pairs),
        _starts=starts,
        _by_prefix=by_prefix,
    )


def _trie(words: Sequence[str]) -> str:
    """An alternation of ``words`` (sorted) grouped by their first characters, which ``re`` tries in one
    step each ("a(?:i[dr]|mb)|b..." rather than "aid|air|amb|b...")."""
    groups: dict[str, list[str]] = {}
    for word in words:
        if word:
            groups.setdefault(word[0], []).append(word[1:])
    alternatives = []
    for first, rests in groups.items():
        rest = _trie(rests)
        optional = "?" if "" in rests else ""
        alternatives.append(re.escape(first) + (f"(?:{rest}){optional}" if rest else ""))
    return "|".join(alternatives)


#: How many characters of a category's matches :func:`_prefixes` reads.
_PREFIX = 3
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT)


def _prefixes(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings of up to :data:`_PREFIX` characters, one of which starts every match of ``pattern`` (a
    case-sensitive one), read from its parse tree: "str" and "air" for "(?:strikes?|struck|air ?raids?)".
    ``None`` if a match may start with any character."""
    heads = _read_ahead(_sre_parse(pattern.pattern, pattern.flags).data, {("", False)})
    return None if any(not head for head, _ in heads) else frozenset(head for head, _ in heads)


def _read_ahead(items: Sequence[tuple[object, Any]], states: set[tuple[str, bool]]) -> set[tuple[str, bool]]:
    """The states after reading ``items`` (a parsed pattern sequence) from its start: each the start of a
    match read so far, and whether reading it has stopped (at :data:`_PREFIX` characters, or at an item
    that is not read: a match then starts with what was read before it)."""
    for op, arg in items:
        if all(stopped for _, stopped in states):
            break
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # zero width: passing over an assertion only lets more texts through
        if op is _sre.SUBPATTERN:
            states = _read_ahead(arg[-1], states)
        elif op is _sre.BRANCH:
            states = set().union(*(_read_ahead(alt, states) for alt in arg[1]))
        elif op in _REPEATS:
            low, high, sub = arg
            for _ in range(low):
                states = _read_ahead(sub, states)
            seen, reps = set(states), low
            while reps < high:
                states, reps = _read_ahead(sub, states), reps + 1
                if states <= seen:
                    break
                if reps > low + _PREFIX + 1:
                    seen = {(head, True) for head, _ in seen}
                    break
                seen |= states
            states = seen
        elif op is _sre.LITERAL or (op is _sre.IN and all(o is _sre.LITERAL for o, _ in arg)):
            chars = [chr(arg)] if op is _sre.LITERAL else [chr(a) for _, a in arg]
            states = {
                (head, True) if stopped else (head + ch, len(head) + 1 >= _PREFIX)
                for head, stopped in states
                for ch in chars
            }
        else:
            states = {(head, True) for head, _ in states}
    return states


@functools.cache
def _packaged_vocabulary() -> Vocabulary:
    resource = importlib.resources.files(__package__ or "geo") / "data" / "activities.toml"
    return _parse_vocabulary(resource.read_text(encoding="utf-8"), "geo/data/activities.toml")


def load_vocabulary(path: str | Path | None = None) -> Vocabulary:
    """Load an activity vocabulary.

    Parameters
    ----------
    path
        A TOML file in the format of the packaged ``geo/data/activities.toml`` (which documents
        it); ``None`` for the packaged vocabulary (read once, then cached).

    Returns
    -------
    Vocabulary

    Raises
    ------
    VocabularyError
        A :class:`ValueError` naming the file and the entry, when the file cannot be read, is not
        TOML, or an entry is malformed (missing id/label/patterns, duplicate id, unknown key, a
        pattern that is not a valid regular expression).
    """
    if path is None:
        return _packaged_vocabulary()
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise VocabularyError(f"{p}: cannot read activity vocabulary: {exc}") from exc
    return _parse_vocabulary(raw, str(p))


def categorize(text: str, *, vocabulary: Vocabulary | None = None) -> tuple[str, ...]:
    """Ids of the activity categories a text reports, in vocabulary order.

    Parameters
    ----------
    text
        A statement.
    vocabulary
        The vocabulary; the packaged one when ``None``.

    Returns
    -------
    tuple of str

    Notes
    -----
    Negation is only what the vocabulary's ``exclude`` patterns say: the packaged vocabulary reads
    "no violations" and "did not breach the ceasefire" as no ceasefire violation (they still count
    as ``ceasefire``), but "denied violating the truce" is a violation.
    """
    return (vocabulary or load_vocabulary()).categorize(text)


# ---------------------------------------------------------------------------------------------
# Everything together
# ---------------------------------------------------------------------------------------------


def statements(
    document: Document, *, year: int | None = None, vocabulary: Vocabulary | None = None
) -> tuple[Statement, ...]:
    """Split a report into statements with speaker, date and activity categories.

    Parameters
    ----------
    document
        The report.
    year
        The year for a dateline without one, when ``document.date`` is not given.
    vocabulary
        The activity vocabulary; the packaged one when ``None``.

    Returns
    -------
    tuple of Statement
        Indexed 0..n-1, in text order.

    Notes
    -----
    Speakers, in the order tried on each statement:

    * a headline ``Official: ...`` or ``... — Kremlin`` (headlines do not change who "he" is);
    * after a quotation: ``"...," Marchenko said`` / ``"...," said the minister``;
    * at the end: ``..., Defence Minister Oleg Marchenko said on Monday.``;
    * at the start: ``Marchenko told reporters ...``, ``X, chief of staff, said that ...``;
    * ``According to the minister, ...``;
    * a statement that is all quotation, right after one with a speaker, keeps that speaker.

    "he"/"she" is the most recent named person (``None`` if there is none yet), "it" the most
    recent organisation; a role ("the minister") is the most recent person introduced with that
    word in their title, else the role as written.  A surname is the full name seen earlier.
    """
    return read_statements(document, year=year, vocabulary=vocabulary)[0]


def read_statements(
    document: Document, *, year: int | None = None, vocabulary: Vocabulary | None = None
) -> tuple[tuple[Statement, ...], Dateline | None]:
    """:func:`statements`, and the report's dateline (``None`` if it has none), read once for both."""
    vocab = vocabulary or load_vocabulary()
    text = document.text
    head = parse_dateline(text)
    date = _document_date(document, head, year)
    seen = _Speakers(persons=[], orgs=[])
    out: list[Statement] = []
    for i, seg in enumerate(_segments(text, head)):
        sentence = text[seg.start : seg.end]
        speaker = _attribute(sentence, seg.kind, out[-1] if out else None, seen)
        out.append(
            Statement(
                doc=document.id,
                index=i,
                start=seg.start,
                end=seg.end,
                text=sentence,
                speaker=speaker,
                date=date,
                categories=vocab.categorize(sentence) if seg.kind != "dateline" else (),
            )
        )
    return tuple(out), head
