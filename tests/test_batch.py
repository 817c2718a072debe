"""The batch command as a pipeline runs it: folders, streaming, -j, summaries, and faults on the way.

The reports are written for these tests (wire-report style, real places, invented events).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import gazetteer
import geo
from geomap import _batch
from geomap._batch import Failure, Parsed, ParserSpec, _chunks, parse_stream
from geomap._commands import mention_records
from geomap._exit import Exit
from geomap.cli import main

TOWNS = ("Aleppo", "Idlib", "Homs", "Hama", "Mosul", "Kirkuk", "Tikrit", "Raqqa", "Deir ez-Zor", "Daraa")
EVENTS = (
    "Artillery shelled villages near {a} overnight, a monitoring group said.",
    "Air strikes hit the outskirts of {a} and a market in {b}, residents said.",
    "Clashes continued between {a} and {b} on the main road.",
    "A convoy carrying aid reached {a} from {b} on Tuesday.",
    "The governor of {a} province said schools would reopen.",
)


def wire_report(i: int) -> str:
    """The i-th report of a made-up wire service: a dateline and three statements."""
    a, b = TOWNS[i % len(TOWNS)], TOWNS[(3 * i + 1) % len(TOWNS)]
    lines = [EVENTS[(i + k) % len(EVENTS)].format(a=a, b=b) for k in range(3)]
    return f"BEIRUT, March {1 + i % 28}. /test wire/. " + " ".join(lines) + "\n"


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"r{i:04d}.txt").write_text(wire_report(i), encoding="utf-8")
    return folder


def run_geomap(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geomap", *args], capture_output=True, text=True, timeout=600, **kw
    )


@pytest.fixture(autouse=True)
def _use_session_gazetteer(gaz: gazetteer.Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(gaz.path))


# --- a folder in one command ---------------------------------------------------------------------


def test_a_folder_of_reports_maps_in_one_command_with_a_summary(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "week", 30)
    (corpus / "notes").mkdir()
    (corpus / "notes" / "extra.md").write_text("Mortar fire hit Homs.\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_geomap(
        "map", str(corpus), "--year", "2026", "--no-model", "-o", str(out / "m.html"),
        "--geojson", str(out / "p.geojson"), "--csv", str(out / "m.csv"),
    )  # fmt: skip
    assert proc.returncode == Exit.OK, proc.stderr
    summary = proc.stderr.strip().splitlines()[-1]
    assert summary.startswith("geomap: 31 documents, ")
    assert "0 failed" in summary and "m.html" in summary and "p.geojson" in summary
    fc = json.loads((out / "p.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in fc["features"]}
    assert {"Aleppo", "Homs", "Mosul"} <= names
    assert "\r" not in proc.stderr  # no progress bar when stderr is not a terminal


def test_quiet_prints_nothing_on_success(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", 2)
    proc = run_geomap("parse", str(corpus), "--no-model", "-q", "-o", str(tmp_path / "o.jsonl"))
    assert proc.returncode == Exit.OK and proc.stderr == ""


def test_bad_inputs_are_named_and_the_others_mapped(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", 3)
    (corpus / "binary.txt").write_bytes(b"\x00\x01PK\x03\x04")
    (corpus / "rows.jsonl").write_text(
        '{"id": "ok", "text": "Shelling hit Daraa."}\n' + "[" * 200_000 + "\n"
        '{"id": "big", "text": "x", "n": ' + "9" * 5000 + "}\n"
        '{"id": "s", "text": "Rockets hit \\ud800 Homs."}\n',
        encoding="utf-8",
    )
    out = tmp_path / "o.jsonl"
    proc = run_geomap("parse", str(corpus), "--no-model", "-o", str(out))
    assert proc.returncode == Exit.SOME_INPUTS_FAILED, proc.stderr
    assert f"{corpus / 'binary.txt'}: binary" in proc.stderr
    assert f"{corpus / 'rows.jsonl'}:2:" in proc.stderr and f"{corpus / 'rows.jsonl'}:3:" in proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    docs = {r["doc"] for r in records}
    assert {"r0000", "r0001", "r0002", "ok", "s"} <= docs
    (homs,) = [r for r in records if r["doc"] == "s"]
    assert homs["name"] == "Homs"
    assert "3 failed" in proc.stderr.splitlines()[-1]


def test_same_report_name_in_two_folders_keeps_both(tmp_path: Path) -> None:
    for folder, town in (("a", "Aleppo"), ("b", "Mosul")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(f"Fighting near {town} continued.\n", encoding="utf-8")
    proc = run_geomap("parse", "a/report.txt", "b/report.txt", "--no-model", cwd=tmp_path)
    assert proc.returncode == Exit.OK, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    by_doc = {r["doc"]: r["name"] for r in records}
    assert len(by_doc) == 2 and sorted(by_doc.values()) == ["Aleppo", "Mosul"]
    assert by_doc["report"] == "Aleppo"
    assert "report" in proc.stderr and "b/report.txt" in proc.stderr  # the clash is named


# --- streaming -----------------------------------------------------------------------------------


def test_parse_writes_each_document_before_reading_the_rest(tmp_path: Path) -> None:
    """JSON Lines on stdin: the first documents' mentions come out while stdin is still open."""
    with subprocess.Popen(
        [sys.executable, "-m", "geomap", "parse", "-", "--no-model", "-q"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        assert proc.stdin and proc.stdout
        out = proc.stdout
        try:
            for i in range(12):
                proc.stdin.write(json.dumps({"id": f"d{i}", "text": wire_report(i)}) + "\n")
            proc.stdin.flush()
            got: list[str] = []
            reader = threading.Thread(target=lambda: got.append(out.readline()), daemon=True)
            reader.start()
            reader.join(timeout=120)
            assert got and json.loads(got[0])["doc"] == "d0"
            assert proc.poll() is None  # still running: stdin is open, the rest is yet to come
        finally:
            proc.stdin.close()
            out.read()
            proc.wait(timeout=120)
    assert proc.returncode == Exit.OK


def test_head_closing_the_pipe_is_not_an_error(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", 40)
    proc = subprocess.run(
        f"{sys.executable} -m geomap parse {corpus} --no-model | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 1
    assert "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr


def test_version_into_a_closed_pipe_is_not_an_error() -> None:
    # install.sh runs `geomap --version | head -1`: a reader gone before the versions are written must
    # cost no traceback (the read end is closed before the process has even started up)
    command = [sys.executable, "-m", "geomap", "--version"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read()
        code = proc.wait(timeout=120)
    assert code == 0
    assert "Traceback" not in err and "Broken pipe" not in err, err


def test_dash_o_dash_is_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = write_corpus(tmp_path / "c", 2)
    assert main(["parse", str(corpus), "--no-model", "-o", "-"]) == Exit.OK
    assert json.loads(capsys.readouterr().out.splitlines()[0])["doc"] == "r0000"
    geojson = run_geomap("map", str(corpus), "--no-model", "-o", str(tmp_path / "m.html"), "--geojson", "-")
    assert geojson.returncode == Exit.OK, geojson.stderr
    assert json.loads(geojson.stdout)["type"] == "FeatureCollection"


# --- processes -----------------------------------------------------------------------------------


def test_two_processes_write_exactly_what_one_writes(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", 40)
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}"
        proc = run_geomap(
            "map", str(corpus), "--year", "2026", "-j", jobs, "-q", "-o", str(out / "m.html"),
            "--geojson", str(out / "p.geojson"), "--csv", str(out / "m.csv"),
        )  # fmt: skip
        assert proc.returncode == Exit.OK, proc.stderr
        parse = run_geomap("parse", str(corpus), "--year", "2026", "-j", jobs, "-q")
        assert parse.returncode == Exit.OK, parse.stderr
        outs[jobs] = (
            parse.stdout,
            (out / "p.geojson").read_bytes(),
            (out / "m.csv").read_bytes(),
            # The page too (with -j its basemap is drawn while the workers parse), folium's random
            # element ids aside.
            re.sub(rb"[0-9a-f]{32}", b"ID", (out / "m.html").read_bytes()),
        )
    assert outs["1"] == outs["2"]
    assert len(outs["1"][0].splitlines()) > 100


def test_online_geocoding_runs_in_one_process_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    corpus = write_corpus(tmp_path / "c", 1)
    assert main(["parse", str(corpus), "--online", "-j", "2"]) == Exit.USAGE
    assert "-j 1" in capsys.readouterr().err


class _FailsOn:
    """The real gazetteer, with one fault injected: looking up ``name`` raises, as a bug would."""

    def __init__(self, gaz: gazetteer.Gazetteer, name: str) -> None:
        self._gaz, self._name = gaz, name

    def lookup(self, name: str, *args: Any, **kw: Any) -> Any:
        if name == self._name:
            raise RuntimeError(f"injected fault on {name!r}")
        return self._gaz.lookup(name, *args, **kw)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._gaz, attr)


def test_a_document_the_parser_fails_on_costs_that_document_only(gaz: gazetteer.Gazetteer) -> None:
    parser = geo.Geoparser(_FailsOn(gaz, "Qamishli"), nlp=None)
    docs = [geo.Document(id=f"d{i}", text=wire_report(i)) for i in range(10)]
    docs.insert(4, geo.Document(id="bad", text="Shelling was reported in Qamishli."))
    outcomes = list(parse_stream(docs, ParserSpec(), parser=parser))
    assert [o.doc_id for o in outcomes] == [d.id for d in docs]
    (failure,) = [o for o in outcomes if isinstance(o, Failure)]
    assert failure.doc_id == "bad" and "injected fault" in str(failure)
    assert all(isinstance(o, Parsed) and o.mentions for o in outcomes if o is not failure)


def test_partitions_are_cut_by_documents_and_by_text() -> None:
    docs = [geo.Document(id=f"d{i}", text="x" * 400) for i in range(10)]
    assert [len(c) for c in _chunks(docs, 4)] == [4, 4, 2]
    # 1,000 characters at most: a partition of long reports is cut sooner.
    assert [len(c) for c in _chunks(docs, 4, 1000)] == [3, 3, 3, 1]
    assert [d.id for c in _chunks(docs, 4, 1000) for d in c] == [d.id for d in docs]


def test_the_first_chunks_are_small_and_grow_each_round() -> None:
    """Small first chunks reach every worker soon; later ones double, one round per worker, up to ``size``."""
    docs = [geo.Document(id=f"d{i}", text="x" * 10) for i in range(40)]
    sizes = [len(c) for c in _chunks(docs, 8, first=2, rounds=2)]
    assert sizes == [2, 2, 4, 4, 8, 8, 8, 4]
    assert [len(c) for c in _chunks(docs, 8, first=2)] == [2, 4, 8, 8, 8, 8, 2]
    # The characters still cut a chunk: once it holds 35 characters, here at its fourth document.
    assert [len(c) for c in _chunks(docs[:12], 8, 35, first=2)] == [2, 4, 4, 2]
    assert [d.id for c in _chunks(docs, 8, first=2, rounds=2) for d in c] == [d.id for d in docs]


def test_how_documents_are_chunked_does_not_change_what_is_found(
    gaz: gazetteer.Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model reads a chunk's statements in one batch: one document at a time gives the same mentions."""
    parser = geo.Geoparser(gaz, nlp=geo.load_model(), roles=geo.load_roles())
    docs = [geo.Document(id=f"d{i}", text=wire_report(i)) for i in range(24)]
    docs.append(geo.Document(id="long", text=" ".join(wire_report(i) for i in range(30))))

    def found() -> list[tuple[str, Any]]:
        return [
            (o.doc_id, list(mention_records(o.value)))
            for o in parse_stream(docs, ParserSpec(), parser=parser)
            if isinstance(o, Parsed)
        ]

    batched = found()
    monkeypatch.setattr(_batch, "CHUNK", 1)
    assert found() == batched
    assert len(batched) == len(docs) and sum(len(records) for _, records in batched) > 100


def test_one_load_of_the_model_finds_what_two_loads_find(gaz: gazetteer.Gazetteer) -> None:
    """A worker's parser loads spaCy's pipeline once for the recogniser and the role parse: same results."""
    docs = [geo.Document(id=f"d{i}", text=wire_report(i)) for i in range(20)]
    docs += [
        geo.Document(id="roles", text="Syria said Turkey shelled Kobani. Russia and Iran met in Tehran."),
        geo.Document(id="people", text="Jordan Peterson met Paris Hilton in Washington, officials said."),
    ]
    built = ParserSpec(gazetteer=str(gaz.path)).build()
    try:
        assert built.nlp.pipe_names == ["ner"] and "ner" not in built.roles.nlp.pipe_names
        shared = [list(mention_records(r)) for r in built.parse_documents(docs)]
    finally:
        built.gazetteer.close()
    separate = geo.Geoparser(gaz, nlp=geo.load_model(), roles=geo.load_roles())
    assert shared == [list(mention_records(r)) for r in separate.parse_documents(docs)]
    roles = {r["text"]: r["role"] for r in shared[-2]}
    assert roles["Syria"] == "actor" and roles["Kobani"] == "location"


def _thread_settings(result: geo.ParseResult) -> tuple[str | None, ...]:
    """A transform that reports what the worker process it runs in was started with."""
    return tuple(os.environ.get(name) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"))


def test_workers_run_their_numerical_libraries_on_one_thread(
    gaz: gazetteer.Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers on two cores, each with a BLAS thread per core, would spin against each other."""
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the user's choice is kept
    docs = [geo.Document(id=f"d{i}", text=wire_report(i)) for i in range(4)]
    spec = ParserSpec(gazetteer=str(gaz.path), model=False)
    outcomes = list(parse_stream(docs, spec, jobs=2, transform=_thread_settings))
    assert {o.value for o in outcomes if isinstance(o, Parsed)} == {("3", "1")}
    assert "OPENBLAS_NUM_THREADS" not in os.environ  # this process's settings are left as they were


# --- outputs -------------------------------------------------------------------------------------


def test_two_outputs_on_one_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = write_corpus(tmp_path / "c", 1)
    target = tmp_path / "same.out"
    code = main(
        ["map", str(corpus), "--no-model", "-o", str(target), "--csv", str(tmp_path / "." / "same.out")]
    )
    assert code == Exit.USAGE
    assert "same.out" in capsys.readouterr().err
    assert not target.exists()


def test_a_full_disk_on_stdout_is_exit_6(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", 2)
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "geomap", "parse", str(corpus), "--no-model"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=600,
        )
    assert proc.returncode == Exit.OUTPUT
    assert "cannot write <stdout>: No space left on device" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_sigterm_leaves_no_temporary_file(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", 400)
    out = tmp_path / "out"
    out.mkdir()
    argv = [
        sys.executable,
        "-m",
        "geomap",
        "parse",
        str(corpus),
        "--no-model",
        "-q",
        "-o",
        str(out / "m.jsonl"),
    ]
    with subprocess.Popen(argv) as proc:
        deadline = time.monotonic() + 120
        while not any(out.iterdir()) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, "finished before it could be interrupted: give it more to do"
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert list(out.iterdir()) == []  # neither a half-written output nor its temporary file


def test_version_names_the_model_and_the_gazetteer(gaz: gazetteer.Gazetteer) -> None:
    proc = run_geomap("--version", env={**os.environ, "GEOMAP_GAZETTEER": str(gaz.path)})
    assert proc.returncode == 0
    assert "geomap " in proc.stdout and "spacy " in proc.stdout and geo.DEFAULT_MODEL in proc.stdout
    assert str(gaz.path) in proc.stdout
