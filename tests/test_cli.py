"""The ``geomap`` command as a user runs it: outputs, bad inputs, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas
import pytest

from geomap._exit import Exit
from geomap.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PARSE_FIELDS = {
    "doc",
    "start",
    "end",
    "text",
    "sentence",
    "place_id",
    "name",
    "kind",
    "country_code",
    "lat",
    "lon",
    "role",
    "precision",
    "score",
}


@pytest.fixture(autouse=True)
def _use_session_gazetteer(gaz, monkeypatch):
    """Every command opens the gazetteer the session built, as the default path would."""
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(gaz.path))


def _records(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_parse_writes_the_json_lines_contract(capsys):
    report = EXAMPLES / "report-2026-03-14.txt"
    assert main(["parse", str(report), "--year", "2026"]) == Exit.OK
    records = _records(capsys)
    assert records
    text = report.read_text(encoding="utf-8")
    for rec in records:
        assert rec.keys() >= PARSE_FIELDS
        assert rec["doc"] == "report-2026-03-14"
        assert text[rec["start"] : rec["end"]] == rec["text"]
        assert rec["role"] in ("location", "dateline", "actor")
    by_text = {r["text"]: r for r in records}
    assert by_text["AMMAN"]["role"] == "dateline"
    assert by_text["Hama province"]["kind"] == "admin1"
    assert by_text["Syrian-Turkish border"]["kind"] == "border"
    assert by_text["the outskirts of Aleppo"]["kind"] == "suburbs"
    assert by_text["Hama province"]["date"] == "2026-03-14"


def test_parse_reads_json_lines_with_metadata(capsys):
    assert main(["parse", str(EXAMPLES / "reports.jsonl")]) == Exit.OK
    records = _records(capsys)
    assert {r["doc"] for r in records} == {"wire-0314", "wire-0315", "wire-0316"}
    assert {r["date"] for r in records if r["doc"] == "wire-0315"} == {"2026-03-15"}


def test_parse_reads_stdin(capsys, monkeypatch):
    import io
    import sys

    stdin = io.TextIOWrapper(io.BytesIO(b"Mortar rounds hit the suburbs of Damascus."))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["parse", "-", "--date", "2026-01-02"]) == Exit.OK
    (rec,) = _records(capsys)
    assert rec["doc"] == "stdin" and rec["kind"] == "suburbs" and rec["date"] == "2026-01-02"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("binary.txt", b"\x00\x01\x02abc", "binary file"),
        ("empty.txt", b"  \n", "empty report"),
        ("latin1.txt", "Caf\xe9 in Beirut".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_bad_input_is_named_and_the_others_still_processed(tmp_path, capsys, name, content, reason):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("Shelling hit villages in Hama province.", encoding="utf-8")
    assert main(["parse", str(bad), str(good)]) == Exit.SOME_INPUTS_FAILED
    captured = capsys.readouterr()
    assert f"{bad}: {reason}" in captured.err
    assert "Hama province" in captured.out


def test_malformed_json_lines_name_the_line(tmp_path, capsys):
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(
        '{"id": "a", "text": "Clashes in Aleppo province."}\n'
        "{not json\n"
        '{"id": "b"}\n'
        '{"id": "c", "text": "Rockets hit Idlib.", "date": "yesterday"}\n',
        encoding="utf-8",
    )
    assert main(["parse", str(corpus)]) == Exit.SOME_INPUTS_FAILED
    err = capsys.readouterr().err
    assert f"{corpus}:2: malformed JSON" in err
    assert f"{corpus}:3: 'text' missing" in err
    assert f"{corpus}:4: 'date' is not a date" in err


def test_no_readable_input_is_its_own_exit_code(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "missing.txt")]) == Exit.NO_INPUT
    assert "no such file" in capsys.readouterr().err


def test_map_writes_html_geojson_gpkg_csv(tmp_path, capsys):
    out = tmp_path / "out"
    args = [
        "map",
        str(EXAMPLES / "report-2026-03-14.txt"),
        str(EXAMPLES / "report-2026-03-15.txt"),
        "--year",
        "2026",
        "--offline",
        "-o",
        str(out / "map.html"),
        "--geojson",
        str(out / "p.geojson"),
        "--gpkg",
        str(out / "p.gpkg"),
        "--csv",
        str(out / "m.csv"),
    ]
    assert main(args) == Exit.OK
    page = (out / "map.html").read_text(encoding="utf-8")
    assert "GeoNames" in page and "Natural Earth" in page
    gdf = geopandas.read_file(out / "p.geojson")
    kinds = set(gdf["kind"])
    assert {"admin1", "suburbs", "border", "part"} <= kinds
    assert (gdf["place_id"] == gdf["place_id"].astype(str)).all()
    assert (out / "p.gpkg").stat().st_size > 0
    assert (out / "m.csv").read_text(encoding="utf-8").startswith("doc,")


def test_same_input_gives_byte_identical_files(tmp_path):
    paths = []
    for run in ("a", "b"):
        target = tmp_path / f"{run}.geojson"
        assert (
            main(
                [
                    "map",
                    str(EXAMPLES / "reports.jsonl"),
                    "-o",
                    str(tmp_path / f"{run}.html"),
                    "--geojson",
                    str(target),
                ]
            )
            == Exit.OK
        )
        paths.append(target.read_bytes())
    assert paths[0] == paths[1]


def test_unwritable_output_is_reported(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code = main(["parse", str(EXAMPLES / "report-2026-03-14.txt"), "-o", str(blocker / "out.jsonl")])
    assert code == Exit.OUTPUT
    assert "cannot write" in capsys.readouterr().err


def test_gazetteer_lookup_lists_city_and_governorate(capsys):
    assert main(["gazetteer", "lookup", "Latakia", "--json"]) == Exit.OK
    rows = _records(capsys)
    kinds = {(r["kind"], r["country_code"]) for r in rows}
    assert ("city", "SY") in kinds and ("admin1", "SY") in kinds


def test_a_corrupt_gazetteer_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database" * 100)
    assert main(["--gazetteer", str(bad), "gazetteer", "info"]) == Exit.GAZETTEER
    assert str(bad) in capsys.readouterr().err


def test_a_malformed_activity_vocabulary_is_bad_data(tmp_path, capsys):
    vocab = tmp_path / "activities.toml"
    vocab.write_text("[[category]]\nid = 3\n", encoding="utf-8")
    code = main(["parse", str(EXAMPLES / "report-2026-03-14.txt"), "--activities", str(vocab)])
    assert code == Exit.BAD_DATA
    assert str(vocab) in capsys.readouterr().err


def test_the_readme_python_example_runs_as_written(tmp_path, monkeypatch, capsys):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- readme:python -->", 1)[1].split("<!-- /readme:python -->", 1)[0]
    code = block.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out
    assert "Damascus" in printed and "Latakia" in printed
    assert (tmp_path / "out" / "python.html").stat().st_size > 0
    assert geopandas.read_file(tmp_path / "out" / "python.geojson").shape[0] >= 2
