"""Arbitrary text through parse and map: nothing crashes, and every mention's offsets point at its text.

Hypothesis writes the reports: random Unicode, and random sequences of place names, compound-form
words, punctuation, template and markup syntax, so that the parser's rules actually fire.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gazetteer
import geo
import maps

WORDS = (
    "Aleppo", "Idlib", "Damascus", "Latakia", "Syria", "Syrian", "Turkish", "Russia", "Moscow", "Geneva",
    "Hama", "province", "north", "northern", "suburbs", "outskirts", "of", "the", "near", "between", "and",
    "border", "km", "10", "said", "MOSCOW,", "May", "20.", "in", "Al-", "al-", "US-led", "countryside",
    "Jabhat", "al-Nusra", "Ministry", "Foreign", "County", "Georgia", "Jordan", "Paris",
    ".", ",", ";", "\n", "\n\n", '"', "'", "(", ")", "-", "–", "{{", "}}", "{%", "%}", "{#", "#}",
    "</script>", "<img src=x onerror=alert(1)>", "`", "${x}", "javascript:alert(1)", "\u2028", "\ufffd",
    "\t", "é", "Ḩarastā", "Dūmā", "ٱللَّاذِقِيَّة", "  ",
)  # fmt: skip

#: Characters the text format may carry; lone surrogates are repaired when input is read (test_inputs).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)
REPORT = st.one_of(
    TEXT,
    st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join),
    st.tuples(st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join), TEXT).map("".join),
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@pytest.fixture(scope="module")
def parser(gaz: gazetteer.Gazetteer) -> geo.Geoparser:
    return geo.Geoparser(gaz, nlp=None)


@pytest.fixture(scope="module")
def model_parser(gaz: gazetteer.Gazetteer) -> geo.Geoparser:
    return geo.Geoparser(gaz, nlp=geo.load_model())


def _check(result: geo.ParseResult, text: str) -> None:
    for res in result.resolutions:
        m = res.mention
        assert 0 <= m.start <= m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert 0.0 <= res.score <= 1.0
    for statement in result.statements:
        assert statement.text in text


@FUZZ
@given(text=REPORT)
def test_parse_never_crashes_and_offsets_hold(parser: geo.Geoparser, text: str) -> None:
    _check(parser.parse(text, doc_id="fuzz", year=2016), text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=REPORT)
def test_parse_with_the_model_never_crashes(model_parser: geo.Geoparser, text: str) -> None:
    _check(model_parser.parse(text, doc_id="fuzz", year=2016), text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(REPORT, min_size=1, max_size=3), title=TEXT)
def test_map_never_crashes(parser: geo.Geoparser, texts: list[str], title: str) -> None:
    results = [parser.parse(t, doc_id=f"fuzz-{i}", year=2016) for i, t in enumerate(texts)]
    features = maps.build_features(results)
    page = maps.render_map(features, title=title or None)
    island = page.split('<script type="application/json" id="geomap-data">', 1)[1].split("</script>", 1)[0]
    data = json.loads(island)
    assert len(data["statements"]) == sum(len(r.statements) for r in results)
    for row in data["statements"]:
        for start, end, _ in row["m"]:
            assert 0 <= start <= end <= len(row["t"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join), min_size=1, max_size=4))
def test_the_command_line_maps_any_text(tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> None:
    """Through the real command line: exit 0 (or 4 for an empty report), a map written, nothing else."""
    folder = tmp_path_factory.mktemp("fuzz")
    rows = [json.dumps({"id": f"r{i}", "text": t}) for i, t in enumerate(texts)]
    (folder / "in.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "geomap",
            "map",
            "in.jsonl",
            "--no-model",
            "-q",
            "-o",
            "m.html",
            "--csv",
            "m.csv",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    readable = [t for t in texts if t.strip()]
    expected = 0 if len(readable) == len(texts) else (4 if readable else 5)
    assert proc.returncode == expected, proc.stderr
    assert "Traceback" not in proc.stderr
    written = sorted(p.name for p in Path(folder).iterdir())
    assert written == (["in.jsonl", "m.csv", "m.html"] if readable else ["in.jsonl"])
