"""benchmarks/bench_wire.py: how a wire report's expectations are scored, and that its data file is sound."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from bench_wire import DATA, occurrences, read_reports, score_report, unexpected

REPORT = {
    "id": "r1",
    "date": "2026-01-01",
    "text": (
        "ADEN, Jan 1 - Fighting near Zinjibar. Aden said the Aden Port Authority was closed. Riyadh called."
    ),
    "places": [
        {"text": "ADEN", "role": "location", "ids": ["gn:1"]},
        {"text": "Zinjibar", "role": "location", "ids": ["gn:2"]},
        {"text": "Aden", "role": "actor", "ids": ["gn:1"], "nth": 1},
        {"text": "Riyadh", "role": "actor", "ids": ["gn:3"]},
    ],
    "not_places": ["Aden Port Authority"],
}


def _mention(text: str, name: str, place_id: str, role: str, nth: int = 1) -> dict[str, object]:
    start = occurrences(text, name)[nth - 1]
    return {"start": start, "end": start + len(name), "text": name, "place_id": place_id, "role": role}


def test_a_place_is_right_with_a_right_id_and_role_and_a_not_place_mapped_is_counted() -> None:
    text = REPORT["text"]
    mentions = [
        _mention(text, "ADEN", "gn:1", "dateline"),  # a dateline counts as a location
        _mention(text, "Zinjibar", "gn:9", "location"),  # the wrong place
        _mention(text, "Aden", "gn:1", "actor", nth=1),
        _mention(text, "Aden", "gn:1", "location", nth=2),  # inside the authority's name
        _mention(text, "Riyadh", "gn:3", "location"),  # the wrong role
    ]
    verdicts, mapped = score_report(REPORT, mentions)
    assert [(v.text, v.right) for v in verdicts] == [
        ("ADEN", True),
        ("Zinjibar", False),
        ("Aden", True),
        ("Riyadh", False),
    ]
    assert verdicts[1].got == "gn:9 location"
    assert mapped == ["r1: 'Aden Port Authority' mapped as gn:1 ('Aden')"]
    assert unexpected(REPORT, mentions) == []


def test_a_place_geomap_did_not_find_is_wrong_and_a_location_nobody_expected_is_listed() -> None:
    text = REPORT["text"]
    mentions = [_mention(text, "Fighting", "gn:7", "location")]
    verdicts, mapped = score_report(REPORT, mentions)
    assert not any(v.right for v in verdicts)
    assert {v.got for v in verdicts} == {"nothing"}
    assert mapped == []
    assert unexpected(REPORT, mentions) == ["r1: 'Fighting' drawn as gn:7"]


def test_names_are_found_as_whole_words_only() -> None:
    assert occurrences("Niger and Nigeria; Niger.", "Niger") == [0, 19]


def test_the_wire_reports_file_is_consistent() -> None:
    reports = read_reports(DATA)
    assert len(reports) >= 20
    assert len({r["id"] for r in reports}) == len(reports)
    place_id = re.compile(
        r"^(gn:\d+(:[a-z-]+)?|border:[A-Z]{2}-[A-Z]{2}|region:[a-z-]+|between:gn:\d+:gn:\d+)$"
    )
    for report in reports:
        for place in report["places"]:
            found = occurrences(report["text"], place["text"])
            assert found, (report["id"], place["text"])
            assert place.get("nth", 1) <= len(found), (report["id"], place["text"])
            assert place["role"] in {"location", "actor", "any"}
            assert all(place_id.match(i) for i in place["ids"]), place["ids"]
            # A place with no right id is one the gazetteer lacks, and says so.
            assert place["ids"] or place.get("note"), (report["id"], place["text"])
        for name in report["not_places"]:
            assert occurrences(report["text"], name), (report["id"], name)
