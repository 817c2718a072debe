"""The role classifier (geo/_role_model.py) with its shipped weights and the real spaCy model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from geo._role_model import DEFAULT_PARSER, DOUBTFUL_KINDS, RoleModel, RoleModelError, TagRules, load_parser


@pytest.fixture(scope="module")
def model() -> RoleModel:
    return RoleModel.load()


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_parser()


@pytest.fixture(scope="module")
def spacy_lemmatizer() -> Any:
    import spacy

    lemmatizer = spacy.load(DEFAULT_PARSER, exclude=["ner", "senter"]).get_pipe("lemmatizer")
    assert all(isinstance(forms, list) for forms in lemmatizer.lookups.get_table("lemma_index").values())
    return lemmatizer


def _at(text: str, name: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return start, start + len(name)


@pytest.mark.parametrize(
    ("sentence", "name", "kind", "role"),
    [
        ("Moscow summoned the British ambassador on Tuesday.", "Moscow", "city", "actor"),
        ("Turkey said it would not allow the convoy to pass.", "Turkey", "country", "actor"),
        ("Russia has begun to deliver food to the besieged districts.", "Russia", "country", "actor"),
        ("The Syrian government rejected the proposal.", "Syrian", "country", "actor"),
        ("Washington and Moscow agreed to coordinate their air strikes.", "Moscow", "city", "actor"),
        ("The sanctions imposed by Russia hurt farmers.", "Russia", "country", "actor"),
        ("Air strikes hit Aleppo overnight.", "Aleppo", "city", "location"),
        ("Fighting continued near the border with Syria.", "Syria", "country", "location"),
        ("The rebels agreed to a ceasefire for Idlib on Friday.", "Idlib", "admin1", "location"),
        ("Thousands of refugees live in Turkey.", "Turkey", "country", "location"),
        ("Mediators in Oman and Geneva said the talks would resume.", "Oman", "country", "location"),
        ("Mediators in Oman and Geneva said the talks would resume.", "Geneva", "city", "location"),
        ("Shelling was reported in Aleppo province.", "Aleppo", "admin1", "location"),
    ],
)
def test_roles_of_written_sentences(
    model: RoleModel, nlp: Any, sentence: str, name: str, kind: str, role: str
):
    start, end = _at(sentence, name)
    got, p = model.predict(nlp(sentence), start, end, kind=kind)
    assert got == role, (sentence, name, p, model.features(nlp(sentence), start, end, kind=kind))
    assert 0.0 <= p <= 1.0
    assert (p >= model.threshold) == (role == "actor")


def test_a_quiet_country_is_a_location(model: RoleModel, nlp: Any):
    # the state verb "be" with a place as its subject: the place is where it is quiet
    text = "Syria was quiet on Sunday, the monitors said."
    role, p = model.predict(nlp(text), 0, 5, kind="country")
    assert role == "location", p


@pytest.mark.parametrize(
    ("text", "name", "feature"),
    [
        ("Lebanon stayed peaceful through the summer.", "Lebanon", "acomp=state_of_place"),
        ("Iran was willing to resume the talks.", "Iran", "acomp=state_of_mind"),
    ],
)
def test_the_class_of_an_adjective_said_of_a_name_is_a_feature(
    model: RoleModel, nlp: Any, text: str, name: str, feature: str
):
    # what a place is said to be tells a state of the place ("peaceful") from one of who acts ("willing")
    start, end = _at(text, name)
    feats = model.features(nlp(text), start, end, kind="country")
    assert feature in feats
    other = ({"acomp=state_of_place", "acomp=state_of_mind"} - {feature}).pop()
    assert other not in feats


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Lebanon stayed peaceful through the summer.", "Lebanon", "location"),
        ("By Monday the north of the country was calm and Yemen was quiet.", "Yemen", "location"),
        ("Iran was willing to resume the talks.", "Iran", None),  # a state of mind: the classifier decides
    ],
)
def test_a_place_said_to_be_calm_is_where_it_is_calm(
    model: RoleModel, nlp: Any, text: str, name: str, role: str | None
):
    start, end = _at(text, name)
    assert model.rule(nlp(text), start, end) == role


@pytest.mark.parametrize(
    "text",
    [
        "Problems exposed during Syria operation concern mostly military equipment",
        "The army said the Aleppo offensive had stalled.",
        "Twelve people died in the Mosul attack on Friday.",
    ],
)
def test_a_name_before_an_event_noun_says_where_it_is(model: RoleModel, nlp: Any, text: str):
    # the word after the name decides, however the parse joins the nouns ("operation concern")
    name = next(w for w in ("Syria", "Aleppo", "Mosul") if w in text)
    start, end = _at(text, name)
    assert model.rule(nlp(text), start, end) == "location"
    assert model.predict(nlp(text), start, end, kind="city")[0] == "location"


def test_an_event_between_parties_is_left_to_the_classifier(model: RoleModel, nlp: Any):
    text = "Critics of the Iran deal met in Washington."
    start, end = _at(text, "Iran")
    assert model.rule(nlp(text), start, end) is None


def test_features_read_the_parse(model: RoleModel, nlp: Any):
    text = "Turkey said the border with Syria was closed."
    doc = nlp(text)
    turkey = model.features(doc, *_at(text, "Turkey"), kind="country")
    assert {"dep=nsubj", "verb=say", "vclass=speech", "kind=country", "sent_start"} <= set(turkey)
    syria = model.features(doc, *_at(text, "Syria"), kind="country")
    assert {"dep=pobj", "prep=with", "prep_noun=border", "prep_nclass=geo"} <= set(syria)
    assert list(syria) == sorted(set(syria))


def test_features_of_modifiers_possessives_and_coordination(model: RoleModel, nlp: Any):
    text = "Russia's defence minister met officials from Oman and Qatar."
    doc = nlp(text)
    russia = set(model.features(doc, *_at(text, "Russia"), kind="country"))
    assert {"possessive", "dep=poss", "mod_nclass=agent"} <= russia
    qatar = set(model.features(doc, *_at(text, "Qatar"), kind="country"))
    assert {"coordinated", "prep=from"} <= qatar
    syrian = set(model.features(nlp("Syrian troops advanced."), 0, 6, kind="country"))
    assert {"adjectival", "dep=amod", "mod_noun=troop", "mod_nclass=agent"} <= syrian


def test_prediction_is_deterministic(model: RoleModel, nlp: Any):
    text = "Beijing warned Washington against new tariffs."
    doc = nlp(text)
    first = [model.predict(doc, *_at(text, n), kind="city") for n in ("Beijing", "Washington")]
    again = RoleModel.load()
    second = [again.predict(nlp(text), *_at(text, n), kind="city") for n in ("Beijing", "Washington")]
    assert first == second


def test_packaged_weights_load_and_are_written_deterministically(model: RoleModel):
    path = Path(__file__).resolve().parents[1] / "geo" / "lang" / "en" / "roles.json"
    raw = path.read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw == json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    assert len(model.weights) == len(data["weights"]) > 100
    assert model.bias == data["bias"]
    assert model.verb_classes["say"] == "speech"
    assert model.noun_classes["province"] == "geo"
    cv = data["cross_validation"]["all names"]
    assert cv["model"]["accuracy"] > cv["regex role_of"]["accuracy"] > cv["always location"]["accuracy"]
    with pytest.raises(TypeError):
        model.weights["x"] = 1.0  # type: ignore[index]


def test_a_file_that_is_not_a_role_model_is_refused(tmp_path: Path):
    bad = tmp_path / "roles.json"
    bad.write_text(json.dumps({"weights": {}}), encoding="utf-8")
    with pytest.raises(RoleModelError, match=r"roles\.json: not a role model"):
        RoleModel.load(bad)
    with pytest.raises(ValueError, match="not a role model"):
        RoleModel.load(bad)


@pytest.mark.parametrize(
    ("kind", "options", "doubt"),
    [
        ("country", {}, True),
        ("admin1", {}, True),
        ("country", {"before": "Thousands of refugees live in "}, False),
        ("country", {"before": "a delegation from "}, True),
        ("city", {}, False),
        ("city", {"capital": True}, True),
        ("country", {"form": "demonym", "before": "in "}, False),
        ("city", {"form": "demonym"}, True),
        ("admin2", {}, False),
    ],
)
def test_which_names_are_in_doubt(model: RoleModel, kind: str, options: dict[str, Any], doubt: bool):
    assert model.in_doubt(kind, **options) is doubt
    assert ("country" in DOUBTFUL_KINDS) and ("city" not in DOUBTFUL_KINDS)


def test_the_parser_has_what_the_features_need(nlp: Any):
    assert {"tagger", "parser", "tag_rules", "lemmatizer"} <= set(nlp.pipe_names)
    assert not {"ner", "senter", "attribute_ruler"} & set(nlp.pipe_names)


def test_the_parser_gives_parts_of_speech_and_lemmas(nlp: Any):
    # the attribute ruler's work, done by look-up, and the lemmatizer's, asked token by token: the
    # features read pos_ and the lemma
    doc = nlp("Turkey said the troops were leaving the towns.")
    by_word = {t.text: (t.pos_, nlp.lemma(t)) for t in doc}
    assert by_word["said"] == ("VERB", "say")
    assert by_word["troops"] == ("NOUN", "troop")
    assert by_word["were"][0] == "AUX" and by_word["were"][1] == "be"
    assert by_word["Turkey"][0] == "PROPN"
    assert [d.text for d in nlp.pipe(["Syria.", "Oman."])] == ["Syria.", "Oman."]


@pytest.mark.parametrize(
    "text",
    [
        "The ministers were meeting in Geneva, and the talks broke down twice.",
        "Iran's forces had been shelling the hills; it's not over, officials said.",
        "RUSSIA BEATS WALES 3-1 AS FANS CHEER IN CARDIFF",
    ],
)
def test_lemmas_on_demand_are_the_lemmatizers(nlp: Any, spacy_lemmatizer: Any, text: str):
    # only the tokens the features read are lemmatized, by a lemmatizer whose index of known lemmas is
    # sets; each token must get what spaCy's own lemmatizer (lists) run over the whole Doc sets, the
    # attribute ruler's lemmas ("'s" -> "be") included
    doc = nlp(text)
    on_demand = [nlp.lemma(t) for t in doc]
    assert on_demand[0] and not all(t.lemma_ for t in doc)  # nothing lemmatized the Doc before
    spacy_lemmatizer(doc)
    assert on_demand == [t.lemma_ for t in doc]


def test_tag_rules_read_the_attribute_rulers_one_token_rules():
    import spacy

    rules = TagRules.of(
        [
            {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
            {
                "patterns": [[{"TAG": "VBZ", "LOWER": {"IN": ["'s", "is"]}}]],
                "attrs": {"POS": "AUX", "LEMMA": "be"},
            },
            {"patterns": [[{"LOWER": "ca"}]], "attrs": {"LEMMA": "can"}},
            {"patterns": [[{"TAG": "CC", "DEP": "advmod"}]], "attrs": {"POS": "ADV"}},
            {"patterns": [[{"LOWER": "a"}, {"LOWER": "b"}]], "attrs": {"LEMMA": "ab"}},
        ]
    )
    assert dict(rules.pos) == {"NN": "NOUN"}
    assert dict(rules.word_pos) == {("VBZ", "'s"): "AUX", ("VBZ", "is"): "AUX"}
    assert dict(rules.word_lemma) == {("VBZ", "'s"): "be", ("VBZ", "is"): "be", (None, "ca"): "can"}
    doc = spacy.blank("en")("it is war ca")
    for tok, tag in zip(doc, ["PRP", "VBZ", "NN", "MD"], strict=True):
        tok.tag_ = tag
    rules(doc)
    assert [(t.pos_, t.lemma_) for t in doc] == [("X", ""), ("AUX", "be"), ("NOUN", ""), ("X", "can")]


def test_features_read_the_words_around_the_name(model: RoleModel, nlp: Any):
    text = "United were beating Sunderland at home."
    feats = set(model.features(nlp(text), *_at(text, "Sunderland"), kind="city"))
    assert {"wl=beat", "wlc=agency", "wr=at", "wr=home"} <= feats
    text = "The Syria peace talks resumed."
    feats = set(model.features(nlp(text), *_at(text, "Syria"), kind="country"))
    assert {"wr=peace", "wr=talk", "wrc=event", "mod_noun=talk"} <= feats
    assert "wrc=agency" not in feats  # a verb's class only where the word is a verb


def test_a_span_without_tokens_is_refused(model: RoleModel, nlp: Any):
    with pytest.raises(ValueError, match="no tokens at characters"):
        model.predict(nlp("Syria."), 6, 6, kind="country")
