"""Tests of geo._statements: splitting, speakers, datelines and activity categories."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo._statements import (
    VocabularyError,
    categorize,
    dateline,
    document_date,
    load_vocabulary,
    parse_dateline,
    read_statements,
    resolve_dateline_date,
    split_statements,
    statements,
)
from geo._types import Document


def _doc(text: str, date: dt.date | None = None) -> Document:
    return Document(id="t", text=text, date=date)


def _texts(text: str) -> list[str]:
    return [s.text for s in split_statements(_doc(text))]


def _speakers(text: str) -> list[str | None]:
    return [s.speaker for s in statements(_doc(text))]


# --------------------------------------------------------------------------------------------
# Splitting
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Troops left the town. Shelling resumed at dawn.",
            ["Troops left the town.", "Shelling resumed at dawn."],
        ),
        (
            "The U.S. envoy arrived in Amman. He met local officials.",
            ["The U.S. envoy arrived in Amman.", "He met local officials."],
        ),
        (
            "Lt. Gen. Ivan Petrov led the column. It reached the river.",
            ["Lt. Gen. Ivan Petrov led the column.", "It reached the river."],
        ),
        (
            "Dr. Amal Haddad treated the wounded. Two died.",
            ["Dr. Amal Haddad treated the wounded.", "Two died."],
        ),
        (
            "The truce began on Jan. 3 in the north. It held.",
            ["The truce began on Jan. 3 in the north.", "It held."],
        ),
        (
            "Resolution No. 5 was tabled. Delegates voted.",
            ["Resolution No. 5 was tabled.", "Delegates voted."],
        ),
        (
            "The report by J. Smith was cited. It named no units.",
            ["The report by J. Smith was cited.", "It named no units."],
        ),
        (
            "Firing stopped at 6 a.m. Monday, witnesses said.",
            ["Firing stopped at 6 a.m. Monday, witnesses said."],
        ),
        (
            "Is the truce holding? Nobody knows! Talks go on.",
            ["Is the truce holding?", "Nobody knows!", "Talks go on."],
        ),
        (
            "He spoke to the U.N. Security Council on Friday.",
            ["He spoke to the U.N. Security Council on Friday."],
        ),
        (
            "The army said the convoy was hit. 12 trucks burned.",
            ["The army said the convoy was hit.", "12 trucks burned."],
        ),
        (
            "A small town. no capital follows, so no split here.",
            ["A small town. no capital follows, so no split here."],
        ),
    ],
)
def test_split_sentences_and_abbreviations(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"The road is open. Convoys can pass. We expect more," Karimov said. Aid followed.',
            ['"The road is open. Convoys can pass. We expect more," Karimov said.', "Aid followed."],
        ),
        (
            "“We will not retreat. The town is ours,” the commander said.",
            ["“We will not retreat. The town is ours,” the commander said."],
        ),
        (
            '"We are ready." The minister then left the hall.',
            ['"We are ready."', "The minister then left the hall."],
        ),
        (
            '"Why should we accept this? It is absurd?" Lavrov asked reporters.',
            ['"Why should we accept this? It is absurd?" Lavrov asked reporters.'],
        ),
        (
            'Officials said the "safe zone" was shrinking. Talks will go on.',
            ['Officials said the "safe zone" was shrinking.', "Talks will go on."],
        ),
        # an unclosed quotation does not swallow the rest of the line
        (
            'He said "we will see. Nothing more. Then he left.',
            ['He said "we will see.', "Nothing more.", "Then he left."],
        ),
    ],
)
def test_quotations_kept_whole(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_headlines_bullets_and_line_breaks() -> None:
    text = (
        "Army reports gains near the river\n"
        "- Ministry: no shelling of the city overnight\n"
        "- Envoy says talks are on track. More to come\n"
        "\n"
        "The first convoy arrived in the morning and\n"
        "unloaded. Crews left.\n"
    )
    got = split_statements(_doc(text))
    assert [s.text for s in got] == [
        "Army reports gains near the river",
        "Ministry: no shelling of the city overnight",
        "Envoy says talks are on track. More to come",
        "The first convoy arrived in the morning and",
        "unloaded.",
        "Crews left.",
    ]
    assert [s.index for s in got] == list(range(len(got)))
    for s in got:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()


def test_spans_with_crlf_and_indentation() -> None:
    text = "  First line here.  \r\n\tSecond one? Yes.\r\n"
    got = split_statements(_doc(text))
    assert [s.text for s in got] == ["First line here.", "Second one?", "Yes."]
    assert all(text[s.start : s.end] == s.text for s in got)


# --------------------------------------------------------------------------------------------
# Datelines and dates
# --------------------------------------------------------------------------------------------

_TASS_LIKE = "MINSK, June 4. /TASS/. Border guards stopped a truck, a spokesman said."


@pytest.mark.parametrize(
    ("text", "place", "month", "day", "year", "agency"),
    [
        (_TASS_LIKE, "MINSK", 6, 4, None, "TASS"),
        ("MOSCOW, May 20. /TASS/. Talks went on.", "MOSCOW", 5, 20, None, "TASS"),
        ("KYIV, 12 March (Reuters) - Shelling hit the port.", "KYIV", 3, 12, None, "Reuters"),
        ("ALEPPO, Syria (AP) — Jan. 3 — Clashes erupted.", "ALEPPO", 1, 3, None, "AP"),
        ("BEIRUT, Lebanon (AP) — Rockets fell overnight.", "BEIRUT", None, None, None, "AP"),
        ("AMMAN, Jan. 3, 2017 (AFP) — A convoy crossed.", "AMMAN", 1, 3, 2017, "AFP"),
        ("NEW YORK (Reuters) - The council met.", "NEW YORK", None, None, None, "Reuters"),
        ("BAGHDAD — Troops retook a district on Sunday.", "BAGHDAD", None, None, None, None),
        (
            "Headline without a dateline\nDONETSK, Aug. 9 (Xinhua) -- Shelling went on.",
            "DONETSK",
            8,
            9,
            None,
            "Xinhua",
        ),
    ],
)
def test_parse_dateline(
    text: str, place: str, month: int | None, day: int | None, year: int | None, agency: str | None
) -> None:
    head = parse_dateline(text)
    assert head is not None
    assert (head.place, head.month, head.day, head.year, head.agency) == (place, month, day, year, agency)
    assert text[head.place_start : head.place_end] == place


@pytest.mark.parametrize(
    "text",
    [
        "Russia said on Friday that talks would resume.",
        "Putin: the operation is over",
        "NATO, the alliance, met in Brussels.",
        "The first paragraph ends here.\nKYIV, 12 March (Reuters) - too late to be a dateline.",
    ],
)
def test_no_dateline(text: str) -> None:
    assert parse_dateline(text) is None
    assert dateline(_doc(text)) is None


def test_dateline_span_for_the_geoparser() -> None:
    assert dateline(_doc("MOSCOW, May 20. /TASS/. Talks went on.")) == (0, 6, "MOSCOW")
    text = "\n  KYIV, 12 March (Reuters) - Shelling hit the port."
    start, end, place = dateline(_doc(text)) or (0, 0, "")
    assert text[start:end] == place == "KYIV"


@pytest.mark.parametrize(
    ("text", "doc_date", "year", "expected"),
    [
        ("MOSCOW, May 20. /TASS/. Talks went on.", None, 2016, dt.date(2016, 5, 20)),
        ("MOSCOW, May 20. /TASS/. Talks went on.", None, None, None),
        ("MOSCOW, May 20. /TASS/. Talks went on.", dt.date(2016, 5, 21), None, dt.date(2016, 5, 21)),
        ("MOSCOW, May 20. /TASS/. Talks went on.", dt.date(2016, 5, 21), 2015, dt.date(2016, 5, 21)),
        ("AMMAN, Jan. 3, 2017 (AFP) — A convoy crossed.", None, None, dt.date(2017, 1, 3)),
        ("AMMAN, Jan. 3, 2017 (AFP) — A convoy crossed.", None, 2015, dt.date(2017, 1, 3)),
        ("KYIV, 12 March (Reuters) - Shelling hit the port.", None, 2022, dt.date(2022, 3, 12)),
        ("KYIV, 30 Feb (Reuters) - A day that does not exist.", None, 2022, None),
        ("No dateline in this report.", None, 2022, None),
    ],
)
def test_document_date(
    text: str, doc_date: dt.date | None, year: int | None, expected: dt.date | None
) -> None:
    assert document_date(_doc(text, doc_date), year=year) == expected


def test_resolve_dateline_date() -> None:
    assert resolve_dateline_date("MOSCOW, May 20. /TASS/. Talks went on.", 2016) == dt.date(2016, 5, 20)
    assert resolve_dateline_date("Talks went on.", 2016) is None


def test_dateline_is_its_own_statement_and_dates_every_statement() -> None:
    text = "MINSK, June 4. /TASS/. Border guards stopped a truck. It carried arms."
    got = statements(_doc(text), year=2021)
    assert [s.text for s in got] == [
        "MINSK, June 4. /TASS/.",
        "Border guards stopped a truck.",
        "It carried arms.",
    ]
    assert {s.date for s in got} == {dt.date(2021, 6, 4)}
    assert got[0].speaker is None and got[0].categories == ()


# --------------------------------------------------------------------------------------------
# Speakers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Troops pulled back from the ridge, Ukrainian Defense Minister Oleg Marchenko said on Monday.",
            ["Oleg Marchenko"],
        ),
        ('"The bridge is ours," Marchenko said.', ["Marchenko"]),
        ('"We stay," said Colonel Anna Volkova.', ["Anna Volkova"]),
        ("Marchenko told reporters the bridge was intact.", ["Marchenko"]),
        ("Marchenko said on Friday that the bridge was intact.", ["Marchenko"]),
        ("The bridge held, Marchenko added.", ["Marchenko"]),
        ("Marchenko announced a pause in the operation.", ["Marchenko"]),
        ("The Turkish Foreign Ministry says the border is closed.", ["Turkish Foreign Ministry"]),
        ("The crossing was shut, the Kremlin said.", ["Kremlin"]),
        (
            "General Musa Karimov, head of the northern command, said at a briefing that two posts fell.",
            ["Musa Karimov"],
        ),
        ("In early April, the Defence Ministry announced new drills.", ["Defence Ministry"]),
        ("According to the UN refugee agency, 4,000 people fled.", ["UN refugee agency"]),
        ("The talks failed, according to Syrian President Bashar al-Assad.", ["Bashar al-Assad"]),
        ('"It is quiet," he said.', [None]),
        ("Two shells hit the school.", [None]),
    ],
)
def test_speaker_patterns(text: str, expected: list[str | None]) -> None:
    assert _speakers(text) == expected


def test_pronouns_roles_and_surnames_follow_the_document() -> None:
    text = (
        "Two villages were retaken, Armenian Defence Minister Davit Sargsyan said on Tuesday.\n"
        '"The front is stable. We hold every position," Sargsyan said.\n'
        '"We expect a quiet night."\n'
        "According to the minister, supplies reached the front.\n"
        "Major General Levon Hakobyan, chief of the general staff, said the lines held.\n"
        "The enemy lost six tanks, he said.\n"
        "According to the spokesman, talks will resume.\n"
        '"We are ready for talks," the minister told reporters.\n'
        "Supplies are short, the ministry said.\n"
    )
    assert _speakers(text) == [
        "Davit Sargsyan",
        "Davit Sargsyan",  # surname -> full name seen earlier
        "Davit Sargsyan",  # a quotation that goes on right after one with a speaker
        "Davit Sargsyan",  # "the minister": the last speaker called minister
        "Levon Hakobyan",
        "Levon Hakobyan",  # "he": the most recent named speaker
        "the spokesman",  # no earlier speaker was called spokesman
        "Davit Sargsyan",  # "the minister" reaches back past Hakobyan
        "the ministry",  # no organisation has spoken yet
    ]


def test_headline_speakers() -> None:
    text = (
        "- Ministry of Defence: no strikes on the port\n"
        "- Zelensky: we need air defence now\n"
        "Shelling damaged the harbour — Kyiv governor\n"
        "- Envoy says talks are on track\n"
        '"Nothing changed," he said.\n'
    )
    # headlines link other stories: they do not tell who "he" is
    assert _speakers(text) == ["Ministry of Defence", "Zelensky", "Kyiv governor", "Envoy", None]


def test_organisation_then_it() -> None:
    text = "The Interior Ministry said six people were detained.\nIt said more arrests would follow.\n"
    assert _speakers(text) == ["Interior Ministry", "Interior Ministry"]


# --------------------------------------------------------------------------------------------
# Activity categories
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Jets carried out airstrikes on the depot overnight.", "air_strike"),
        ("Warplanes struck a bridge west of the town.", "air_strike"),
        ("Moscow offered joint strikes on the militants.", "air_strike"),
        ("The town was shelled for a third day.", "shelling"),
        ("Artillery and mortar fire hit the outskirts.", "shelling"),
        ("Heavy clashes broke out near the airport.", "armed_clash"),
        ("Fighting raged in the old quarter.", "armed_clash"),
        ("The truce took effect at midnight.", "ceasefire"),
        ("Both sides agreed to a cessation of hostilities.", "ceasefire"),
        ("Monitors recorded 40 violations of the ceasefire.", "ceasefire_violation"),
        ("The rebels breached the truce twice.", "ceasefire_violation"),
        ("Despite sporadic violations, the ceasefire largely held on Sunday.", "ceasefire_violation"),
        ("Ceasefire agreements were signed with elders of 12 villages.", "reconciliation"),
        ("Forty armed groups have joined the ceasefire.", "reconciliation"),
        ("The reconciliation centre reported progress.", "reconciliation"),
        ("Gunmen crossing the Iraqi-Syrian border were stopped.", "border_crossing"),
        ("A caravan with weapons and ammunition was destroyed.", "border_crossing"),
        ("Police broke up a fuel smuggling ring.", "border_crossing"),
        ("The two ministers agreed to coordinate with each other.", "diplomacy"),
        ("Negotiations resumed in Vienna.", "diplomacy"),
        ("The council adopted a resolution on the crisis.", "diplomacy"),
        ("Moscow put forward a proposal on monitoring.", "diplomacy"),
        ("Hundreds protested outside the parliament.", "protest"),
        ("Rioters torched cars and police fired tear gas.", "riot"),
        ("A car bomb exploded near a checkpoint.", "explosion"),
        ("An IED killed two soldiers on the highway.", "explosion"),
        ("A suicide bombing hit the market.", "explosion"),
        ("Gunmen killed nine civilians in the village.", "violence_against_civilians"),
        ("Militants abducted three aid workers.", "abduction"),
        ("Shops were looted after the army left.", "looting"),
        ("Thousands of refugees reached the camp.", "displacement"),
        ("A UN aid convoy reached the besieged town.", "displacement"),
        ("Police arrested 14 people after the march.", "arrest"),
        ("The army deployed two more brigades to the south.", "troop_movement"),
        ("Rebels captured the town on Sunday.", "territorial_change"),
        ("Government forces retook the airbase.", "territorial_change"),
        ("Militants seized control of the crossing.", "territorial_change"),
    ],
)
def test_each_category(text: str, category: str) -> None:
    assert category in categorize(text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("A UN aid convoy reached the besieged town.", "border_crossing"),
        ("A humanitarian convoy of 40 trucks crossed the front line.", "border_crossing"),
        ("There were no violations of the truce overnight.", "ceasefire_violation"),
        ("Army units did not breach the ceasefire, the ministry said.", "ceasefire_violation"),
        ("Groups that failed to join the ceasefire will be targeted.", "reconciliation"),
        ("Dockers went on a general strike in the port.", "air_strike"),
        ("The sides struck a deal on prisoners.", "air_strike"),
        ("Human rights violations were documented.", "ceasefire_violation"),
        ("The talks went on in Geneva.", "ceasefire"),
    ],
)
def test_category_not_matched(text: str, absent: str) -> None:
    assert absent not in categorize(text)


def test_categories_in_vocabulary_order_and_on_statements() -> None:
    vocab = load_vocabulary()
    text = "Talks stalled as shelling and airstrikes broke the truce."
    got = categorize(text)
    assert list(got) == [c for c in vocab.ids if c in got]
    assert set(got) >= {"air_strike", "shelling", "ceasefire", "ceasefire_violation", "diplomacy"}
    (stmt,) = statements(_doc(text))
    assert stmt.categories == got


def test_packaged_vocabulary_has_the_required_categories() -> None:
    vocab = load_vocabulary()
    assert vocab is load_vocabulary()  # read once
    required = {
        "air_strike", "shelling", "armed_clash", "ceasefire", "ceasefire_violation", "reconciliation",
        "border_crossing", "diplomacy", "protest", "riot", "explosion", "violence_against_civilians",
        "abduction", "looting", "displacement", "arrest", "troop_movement", "territorial_change",
    }  # fmt: skip
    assert required <= set(vocab.ids)
    by_id = {c.id: c for c in vocab.categories}
    assert by_id["air_strike"].acled_sub_event_type == "Air/drone strike"
    assert by_id["armed_clash"].acled_event_type == "Battles"
    assert all(c.label and c.patterns for c in vocab.categories)


def test_user_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        "[[category]]\n"
        'id = "drone"\n'
        'label = "Drone sighting"\n'
        "patterns = ['drones?', 'uavs?']\n"
        "exclude = ['drone (?:show|race)s?']\n"
        "\n"
        "[[category]]\n"
        'id = "ceasefire"\n'
        'label = "Truce"\n'
        'acled_event_type = "Strategic developments"\n'
        "patterns = ['truces?']\n",
        encoding="utf-8",
    )
    vocab = load_vocabulary(path)
    assert vocab.ids == ("drone", "ceasefire")
    assert vocab.source == str(path)
    assert categorize("Two UAVs were seen during the truce.", vocabulary=vocab) == ("drone", "ceasefire")
    assert categorize("A drone show opened the festival.", vocabulary=vocab) == ()
    assert categorize("Airstrikes hit the depot.", vocabulary=vocab) == ()
    (stmt,) = statements(_doc("Drones flew over the base."), vocabulary=vocab)
    assert stmt.categories == ("drone",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[[category]\nid = 1", r"bad\.toml: not valid TOML"),
        ('title = "nothing"\n', r"bad\.toml: expected one or more \[\[category\]\]"),
        ("[[category]]\nlabel = 'x'\npatterns = ['a']\n", r"bad\.toml: category #1: 'id'"),
        ("[[category]]\nid = 'x'\npatterns = ['a']\n", r"bad\.toml: category #1 \('x'\): 'label'"),
        ("[[category]]\nid = 'x'\nlabel = 'X'\n", r"bad\.toml: category #1 \('x'\): 'patterns'"),
        (
            "[[category]]\nid = 'x'\nlabel = 'X'\npatterns = []\n",
            r"category #1 \('x'\): 'patterns' must list",
        ),
        (
            "[[category]]\nid = 'x'\nlabel = 'X'\npatterns = ['(unclosed']\n",
            r"bad\.toml: .*'\(unclosed'.*not a valid",
        ),
        ("[[category]]\nid = 'x'\nlabel = 'X'\npatterns = ['a?']\n", r"matches the empty string"),
        (
            "[[category]]\nid = 'x'\nlabel = 'X'\npatterns = ['a']\n"
            "[[category]]\nid = 'x'\nlabel = 'Y'\npatterns = ['b']\n",
            r"category #2 \('x'\): duplicate id",
        ),
        ("[[category]]\nid = 'x'\nlabel = 'X'\npattern = ['a']\n", r"unknown key\(s\) \['pattern'\]"),
        ("[[category]]\nid = 'Bad Id'\nlabel = 'X'\npatterns = ['a']\n", r"'id' must be lower case"),
    ],
)
def test_malformed_vocabulary(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_vocabulary(path)


def test_missing_vocabulary_file(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError, match=r"nowhere\.toml: cannot read"):
        load_vocabulary(tmp_path / "nowhere.toml")


# --------------------------------------------------------------------------------------------
# A whole report in the style of a wire story
# --------------------------------------------------------------------------------------------

_REPORT = (
    "ANKARA, Sept. 14. /TASS/. Turkey has opened talks with Russia on joint patrols in Idlib, "
    "Turkish Defense Minister Kemal Aydin said on Wednesday.\n"
    "- Kremlin: no decision yet on new patrols\n"
    '"We want joint patrols on the M4 highway. Weapons convoys from the north must be stopped," '
    "Aydin said.\n"
    "Ceasefire holds in most of Idlib province\n"
    '"Monitors logged a few violations of the truce overnight, but it is holding," he said.\n'
)


def test_whole_report() -> None:
    got = statements(Document(id="wire-1", text=_REPORT), year=2019)
    assert [s.index for s in got] == list(range(len(got)))
    assert all(s.doc == "wire-1" and s.date == dt.date(2019, 9, 14) for s in got)
    assert all(_REPORT[s.start : s.end] == s.text for s in got)
    assert [s.speaker for s in got] == [None, "Kemal Aydin", "Kremlin", "Kemal Aydin", None, "Kemal Aydin"]
    assert got[0].text == "ANKARA, Sept. 14. /TASS/."
    assert {"diplomacy"} <= set(got[1].categories)
    assert got[3].categories == ("border_crossing",)
    assert got[4].categories == ("ceasefire",)
    assert {"ceasefire", "ceasefire_violation"} <= set(got[5].categories)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Shells hit two villages overnight, the Syrian Observatory for Human Rights said on Saturday.",
            "Syrian Observatory for Human Rights",
        ),
        ("The Ministry of Defence said the convoy was hit near the border.", "Ministry of Defence"),
        ("Defense Ministry spokesman Igor Konashenkov said the strikes were precise.", "Igor Konashenkov"),
    ],
)
def test_organisations_with_joined_names_are_speakers(text, speaker):
    (statement,) = statements(Document(id="org", text=text))
    assert statement.speaker == speaker


def test_read_statements_finds_the_dateline_once_for_all_stages() -> None:
    doc = Document(id="d", text="KYIV, 12 March (Reuters) - Shelling hit Kherson. Talks went on.")
    found, head = read_statements(doc, year=2026)
    assert found == statements(doc, year=2026)
    assert head == parse_dateline(doc.text)
    assert head is not None and doc.text[head.place_start : head.place_end] == "KYIV"
    assert {st.date for st in found} == {dt.date(2026, 3, 12)}
