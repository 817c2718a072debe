"""The role stage (geo/_roles.py) wired into the geoparser: the form's roles, the names in doubt read from
their sentence's parse with the shipped role model, and only the statements that need it parsed.

The sentences are written for these tests; the real gazetteer, spaCy model and role weights run.
"""

from __future__ import annotations

from typing import Any

import pytest

import geo
from geo._role_model import RoleModel, load_parser, shared_roles
from geo._roles import RoleReader, form_role, load_roles, role_of


class _Counting:
    """The real spaCy pipeline, recording the texts it is asked to parse."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.texts: list[str] = []

    def pipe(self, texts: Any, **kwargs: Any) -> Any:
        texts = list(texts)
        self.texts.extend(texts)
        return self.nlp.pipe(texts, **kwargs)


@pytest.fixture(scope="module")
def reader() -> RoleReader:
    return load_roles()


@pytest.fixture(scope="module")
def ner() -> Any:
    return geo.load_model()


def _roles(result: geo.ParseResult) -> list[tuple[str, str]]:
    return [(r.mention.text, r.role) for r in result.resolutions if r.place is not None]


def _mention(text: str, name: str, form: Any = "name") -> tuple[geo.Mention, geo.Statement]:
    st = geo.Statement(doc="d", index=0, start=0, end=len(text), text=text)
    a = text.index(name)
    m = geo.Mention(doc="d", start=a, end=a + len(name), text=name, sentence=0, head=name, form=form)
    return m, st


@pytest.mark.parametrize(
    ("form", "role"),
    [
        ("organisation", "actor"),
        ("province", "location"),
        ("part", "location"),
        ("suburbs", "location"),
        ("offset", "location"),
        ("border", "location"),
        ("district", "location"),
        ("between", "location"),
        ("name", None),
        ("demonym", None),
    ],
)
def test_the_form_decides_alone_where_it_can(form: str, role: str | None) -> None:
    m, _ = _mention("Shelling hit Idlib.", "Idlib", form)
    assert form_role(m, dateline=None) == role
    assert form_role(m, dateline=(m.start, m.end)) == "dateline"


def test_without_a_parse_names_in_doubt_take_the_prior() -> None:
    model = RoleModel.load()
    assert model.doubt_role == "actor"  # most countries, capitals and demonyms in doubt stand for who acts
    town, st = _mention("Saraqib was quiet.", "Saraqib")
    assert role_of(town, st, "city", dateline=None) == "location"  # a town that is no capital: not in doubt
    assert role_of(town, st, "city", dateline=None, capital=True) == "actor"
    syria, st = _mention("Two were killed in Syria.", "Syria")
    assert role_of(syria, st, "country", dateline=None) == "location"  # "in": not in doubt


@pytest.mark.parametrize(
    ("sentence", "name", "kind", "role"),
    [
        # constructions GeoWebNews has few of; they decide the reference report's roles
        ("The US-led coalition struck four targets overnight.", "US", "country", "actor"),
        ("Iranian-backed fighters held the bridge.", "Iranian", "country", "actor"),
        (
            "Officials met the leadership of the Syrian Arab Republic in May.",
            "Syrian Arab Republic",
            "country",
            "location",
        ),
        ("We are proposing to the United States to share the data.", "United States", "country", "actor"),
        ("Shortcomings seen during the Chad operation concern supply lines.", "Chad", "country", "location"),
        (
            "Thanks to the Turkish centre for reconciliation, the road reopened.",
            "Turkish",
            "country",
            "actor",
        ),
        # and the common ones
        ("Moscow summoned the ambassador on Tuesday.", "Moscow", "city", "actor"),
        ("Fighting went on near the border with Syria.", "Syria", "country", "location"),
        ("Yemen was calm on Sunday, the monitors said.", "Yemen", "country", "location"),
        ("The truce held in most Libyan provinces.", "Libyan", "country", "location"),
    ],
)
def test_the_reader_reads_the_sentence(reader: RoleReader, sentence: str, name: str, kind: Any, role: str):
    form = "demonym" if name.endswith(("ian", "ish", "yan")) else "name"
    m, st = _mention(sentence, name, form)
    assert reader.roles([(m, st, kind)]) == [role]


def test_a_construction_of_the_parse_decides_alone(reader: RoleReader) -> None:
    nlp = reader.nlp
    text = "The France-sponsored plan and a Cairo-based channel."
    doc = nlp(text)
    a = text.index("France")
    assert reader.model.rule(doc, a, a + 6) == "actor"
    assert reader.model.predict(doc, a, a + 6, kind="country") == ("actor", 1.0)
    b = text.index("Cairo")
    assert reader.model.rule(doc, b, b + 5) is None  # "based" is no participle of agency: the model says


@pytest.mark.parametrize(
    ("sentence", "name", "role"),
    [
        # a people noun after the border word: whose guards they are, not where the border runs
        ("The crossing closed after clashes between Kenyan and Somali border guards.", "Somali", "actor"),
        ("Turkish border police detained forty migrants on Friday.", "Turkish", "actor"),
        ("Three Iranian frontier troops died in the ambush.", "Iranian", "actor"),
        # without one, the border is a place
        ("Heavy fighting was reported along the Somali border overnight.", "Somali", "location"),
    ],
)
def test_a_demonym_before_border_guards_names_people_not_the_border(
    reader: RoleReader, sentence: str, name: str, role: str
) -> None:
    m, st = _mention(sentence, name, "demonym")
    assert reader.roles([(m, st, "country")]) == [role]
    doc = reader.nlp(sentence)
    a = sentence.index(name)
    assert reader.model.rule(doc, a, a + len(name)) == ("actor" if role == "actor" else None)


@pytest.mark.parametrize(
    ("sentence", "names", "read", "shared"),
    [
        # the object of a verb of address whose subject acts, acts too
        ("Ankara thanked Ottawa for the loan.", ["Ankara", "Ottawa"], "AL", "AA"),
        ("Rome urged Vienna to reopen the pass.", ["Rome", "Vienna"], "AL", "AA"),
        # "on" after "call"; and the second of two names joined by "and" shares the first's role
        ("Berlin called on Vienna and Prague to talk.", ["Berlin", "Vienna", "Prague"], "AAL", "AAA"),
        ("Chile and Peru were calm after the vote.", ["Chile", "Peru"], "LA", "LL"),
        # nothing passes on: a verb that is no address, a subject read as a place, "or"
        ("Ankara shelled Ottawa for a week.", ["Ankara", "Ottawa"], "AL", "AL"),
        ("Ankara thanked Ottawa for the loan.", ["Ankara", "Ottawa"], "LL", "LL"),
        ("Officials may fly to Vienna or Prague next.", ["Vienna", "Prague"], "LA", "LA"),
    ],
)
def test_one_names_role_decides_anothers(
    reader: RoleReader, sentence: str, names: list[str], read: str, shared: str
) -> None:
    doc = reader.nlp(sentence)
    tokens = []
    for name in names:
        a = sentence.index(name)
        tokens.append(doc.char_span(a, a + len(name)).root)
    roles = {"A": "actor", "L": "location"}
    got = shared_roles(tokens, [roles[c] for c in read])
    assert got == [roles[c] for c in shared]


def test_capitals_addressed_by_a_capital_are_read_as_actors(reader: RoleReader) -> None:
    """The reader passes roles on among the names it reads, also with a name it could not read."""
    text = "Berlin called on Vienna and Prague to talk."
    asks = []
    for name in ("Berlin", "Vienna", "Prague"):
        m, st = _mention(text, name)
        asks.append((m, st, "city"))
    assert reader.roles(asks) == ["actor", "actor", "actor"]
    assert shared_roles([None, None], ["actor", "location"]) == ["actor", "location"]


def test_the_geoparser_reads_roles_from_the_parse(gaz: Any, ner: Any, reader: RoleReader) -> None:
    text = (
        "Turkey proposed to Iran a joint patrol, the ministry said.\n"
        "Shelling hit Saraqib and villages in Syria on Monday.\n"
        "The Saudi-led coalition denied the raid, and Syrian territory was calm."
    )
    counting = _Counting(reader.nlp)
    parser = geo.Geoparser(gaz, nlp=ner, roles=RoleReader(reader.model, counting))
    roles = _roles(parser.parse(text, doc_id="r"))
    assert ("Turkey", "actor") in roles and ("Iran", "actor") in roles
    assert ("Saraqib", "location") in roles and ("Syria", "location") in roles
    assert ("Syrian", "location") in roles
    assert any(name.startswith("Saudi") and role == "actor" for name, role in roles)
    # only the statements holding a name in doubt were parsed, each once
    assert sorted(counting.texts) == sorted(
        [
            "Turkey proposed to Iran a joint patrol, the ministry said.",
            "The Saudi-led coalition denied the raid, and Syrian territory was calm.",
        ]
    )


def test_without_a_reader_nothing_is_parsed_and_forms_still_decide(gaz: Any) -> None:
    result = geo.Geoparser(gaz).parse(
        "Shelling hit the suburbs of Damascus and Aleppo province, Russia said."
    )
    roles = dict(_roles(result))
    assert roles["the suburbs of Damascus"] == "location" and roles["Aleppo province"] == "location"
    assert roles["Russia"] == "actor"


def test_load_parser_has_the_parse_but_not_the_entities() -> None:
    nlp = load_parser()
    assert "parser" in nlp.pipe_names and "ner" not in nlp.pipe_names
