"""Parsing and mapping on a Dask cluster: the same files as one process, lost workers, failures by id.

A real 2-worker :class:`~dask.distributed.LocalCluster` (processes) and the real gazetteer; the reports
are made by ``wire_corpus`` from templates.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import cloudpickle
import dask
import dask.distributed as dd
import dask_geopandas
import geopandas as gpd
import pyarrow.dataset as ds
import pytest
from shapely.geometry import shape
from wire_corpus import wire_report, write_jsonl

import gazetteer
from geo import Document, ParseResult
from geomap import _batch
from geomap._batch import Failure, Parsed, ParserSpec, parse_dask, parse_stream
from geomap._commands import json_lines
from geomap._exit import Exit

N_REPORTS = 240
#: folium names the map's elements with random ids: the one byte that may differ between two runs.
FOLIUM_ID = re.compile(rb"[0-9a-f]{32}")


def run_geomap(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geomap", *args], capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(autouse=True)
def _use_session_gazetteer(gaz: gazetteer.Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(gaz.path))


@pytest.fixture(scope="module")
def cluster() -> Iterator[dd.LocalCluster]:
    # a free port for the scheduler's HTTP server, not 8787, which another cluster on the machine may hold
    with dd.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=_batch.LOCAL_HTTP
    ) as local:
        yield local


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("dask") / "wire.jsonl", N_REPORTS)


def _outputs(folder: Path) -> list[str]:
    return [
        "-o", str(folder / "map.html"), "--geojson", str(folder / "places.geojson"),
        "--csv", str(folder / "mentions.csv"), "--gpkg", str(folder / "places.gpkg"),
        "--parquet", str(folder / "parquet"),
    ]  # fmt: skip


def test_map_on_a_local_cluster_writes_what_one_process_writes(corpus: Path, tmp_path: Path) -> None:
    one = run_geomap("map", str(corpus), "--no-model", *_outputs(tmp_path / "one"))
    assert one.returncode == Exit.OK, one.stderr
    dask = run_geomap("map", str(corpus), "--no-model", "--dask", "local", *_outputs(tmp_path / "dask"))
    assert dask.returncode == Exit.OK, dask.stderr
    assert dask.stderr.splitlines()[-1] == one.stderr.splitlines()[-1].replace("/one/", "/dask/")
    assert f"geomap: {N_REPORTS} documents" in dask.stderr
    for name in ("places.geojson", "mentions.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name
    html = [FOLIUM_ID.sub(b"ID", (tmp_path / run / "map.html").read_bytes()) for run in ("one", "dask")]
    assert html[0] == html[1]
    for layer in gpd.list_layers(tmp_path / "one" / "places.gpkg")["name"]:
        frames = [gpd.read_file(tmp_path / run / "places.gpkg", layer=layer) for run in ("one", "dask")]
        assert frames[0].equals(frames[1]), layer
    for table in ("places", "mentions"):
        parts = [sorted((tmp_path / run / "parquet" / table).iterdir()) for run in ("one", "dask")]
        assert [p.read_bytes() for p in parts[0]] == [p.read_bytes() for p in parts[1]], table


def test_parse_on_a_cluster_writes_the_same_json_lines(
    corpus: Path, tmp_path: Path, cluster: dd.LocalCluster
) -> None:
    one = run_geomap("parse", str(corpus), "--no-model", "-o", str(tmp_path / "one.jsonl"))
    assert one.returncode == Exit.OK, one.stderr
    dask = run_geomap(
        "parse",
        str(corpus),
        "--no-model",
        "--dask",
        cluster.scheduler_address,
        "-o",
        str(tmp_path / "d.jsonl"),
    )
    assert dask.returncode == Exit.OK, dask.stderr
    lines = (tmp_path / "d.jsonl").read_text(encoding="utf-8")
    assert lines == (tmp_path / "one.jsonl").read_text(encoding="utf-8")
    assert {json.loads(line)["doc"] for line in lines.splitlines()} == {f"w{i:07d}" for i in range(N_REPORTS)}


def test_the_workers_are_told_where_the_gazetteer_is(
    gaz: gazetteer.Gazetteer, tmp_path: Path, cluster: dd.LocalCluster
) -> None:
    # The spec names a gazetteer the workers' environment does not: they open it, not their default.
    missing = tmp_path / "nowhere.sqlite"
    spec = ParserSpec(gazetteer=str(missing), model=False)
    docs = [Document(id="a", text=wire_report(1))]
    with pytest.raises(gazetteer.GazetteerError, match=r"nowhere\.sqlite"):
        list(parse_dask(docs, spec, scheduler=cluster.scheduler_address, transform=json_lines))
    assert not missing.exists()  # a path given is opened as it is, never built


def test_a_lost_worker_costs_a_retry_not_the_run(gaz: gazetteer.Gazetteer, cluster: dd.LocalCluster) -> None:
    docs = [Document(id=f"k{i:04d}", text=wire_report(i)) for i in range(N_REPORTS)]
    spec = ParserSpec(gazetteer=str(gaz.path), model=False)
    expected = [
        (o.doc_id, o.value) for o in parse_stream(docs, spec, transform=json_lines) if isinstance(o, Parsed)
    ]
    assert len(expected) == N_REPORTS
    with dd.Client(cluster.scheduler_address) as client:
        pids: dict[str, int] = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    got: list[tuple[str, Any]] = []
    stream = parse_dask(docs, spec, scheduler=cluster.scheduler_address, transform=json_lines, partition=4)
    for outcome in stream:
        assert isinstance(outcome, Parsed), outcome
        got.append((outcome.doc_id, outcome.value))
        if len(got) == 4:  # the first partition is in; a dozen more are queued or running on both workers
            os.kill(victim, signal.SIGKILL)
    assert got == expected
    with dd.Client(cluster.scheduler_address) as client:
        client.wait_for_workers(2, timeout=60)
        assert victim not in client.run(os.getpid).values()  # the nanny started a new worker


def _fails_on_one(result: ParseResult) -> str:
    if result.document.id == "bad":
        raise RuntimeError("a bug in geomap, met on one document")
    return json_lines(result)


def test_a_document_that_fails_on_a_worker_is_reported_by_id(
    gaz: gazetteer.Gazetteer, cluster: dd.LocalCluster
) -> None:
    # The workers do not import the tests: the function travels by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        docs = [Document(id=name, text=wire_report(i)) for i, name in enumerate(("a", "bad", "c"))]
        spec = ParserSpec(gazetteer=str(gaz.path), model=False)
        out = list(parse_dask(docs, spec, scheduler=cluster.scheduler_address, transform=_fails_on_one))
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert [o.doc_id for o in out] == ["a", "bad", "c"]
    assert isinstance(out[1], Failure) and "a bug in geomap" in out[1].reason
    assert isinstance(out[0], Parsed) and isinstance(out[2], Parsed)
    assert '"doc": "c"' in out[2].value


# dask-geopandas 0.5 calls pandas' reset_index(inplace=True), deprecated in pandas 3.1: not ours.
@pytest.mark.filterwarnings("ignore:The inplace keyword in GeoDataFrame.reset_index")
def test_geoparquet_reads_back_in_geopandas_dask_geopandas_and_arrow(corpus: Path, tmp_path: Path) -> None:
    proc = run_geomap(
        "map", str(corpus), "--no-model", "-o", str(tmp_path / "m.html"),
        "--geojson", str(tmp_path / "p.geojson"), "--csv", str(tmp_path / "m.csv"),
        "--parquet", str(tmp_path / "pq"),
    )  # fmt: skip
    assert proc.returncode == Exit.OK, proc.stderr
    fc = json.loads((tmp_path / "p.geojson").read_text(encoding="utf-8"))
    places = dask_geopandas.read_parquet(tmp_path / "pq" / "places").compute()
    assert list(places["place_id"]) == [f["id"] for f in fc["features"]]
    assert places.crs is not None and places.crs.to_string() == "OGC:CRS84"  # lon, lat on WGS84
    for f, geom in zip(fc["features"], places.geometry, strict=True):
        assert geom.equals(shape(f["geometry"])), f["id"]
    assert list(places["n_mentions"]) == [f["properties"]["n_mentions"] for f in fc["features"]]

    mentions = gpd.read_parquet(next((tmp_path / "pq" / "mentions").iterdir()))
    csv_rows = (tmp_path / "m.csv").read_text(encoding="utf-8").splitlines()
    assert len(mentions) == len(csv_rows) - 1
    resolved = mentions[mentions["place_id"].notna()]
    assert (resolved.geometry.x == resolved["lon"]).all() and (resolved.geometry.y == resolved["lat"]).all()
    assert mentions[mentions["place_id"].isna()].geometry.isna().all()
    ring = mentions[mentions["form"] == "suburbs"].iloc[0]
    assert ring["place_id"].endswith(":suburbs") and ring["text"].startswith("the ")

    table = ds.dataset(tmp_path / "pq" / "mentions", format="parquet").to_table(columns=["doc", "date"])
    assert table.num_rows == len(mentions)
    assert {str(d) for d in table.column("date").to_pylist()} >= {"2026-05-01", "2026-05-28"}


def test_dask_with_jobs_or_online_is_a_usage_error(corpus: Path) -> None:
    proc = run_geomap("parse", str(corpus), "--no-model", "--dask", "local", "-j", "2")
    assert proc.returncode == Exit.USAGE and "--dask and -j" in proc.stderr
    proc = run_geomap("parse", str(corpus), "--no-model", "--dask", "local", "--online")
    assert proc.returncode == Exit.USAGE and "--online" in proc.stderr


def test_an_unreachable_scheduler_is_named(corpus: Path) -> None:
    started = time.monotonic()
    proc = run_geomap("parse", str(corpus), "--no-model", "--dask", "tcp://127.0.0.1:9")
    assert proc.returncode != Exit.OK
    assert "127.0.0.1:9" in proc.stderr
    assert time.monotonic() - started < 120


def test_the_last_partitions_are_cut_small_and_every_document_kept_in_order() -> None:
    docs = [Document(id=f"p{i:04d}", text="A town.") for i in range(1000)]
    parts = list(_batch._partitions(docs, 256, workers=2, tail=64))
    # 256, 256, then the last two partitions (256 and 232 documents) in partitions of 64 at most
    assert [len(p) for p in parts] == [256, 256, 64, 64, 64, 64, 64, 64, 64, 40]
    assert [d.id for p in parts for d in p] == [d.id for d in docs]
    # An input shorter than a partition still reaches two workers.
    assert [len(p) for p in _batch._partitions(docs[:100], 256, workers=2, tail=64)] == [64, 36]


def test_a_local_worker_builds_its_parser_as_it_starts_in_the_thread_of_its_tasks(
    gaz: gazetteer.Gazetteer,
) -> None:
    spec = ParserSpec(gazetteer=str(gaz.path), model=False)

    def cached() -> Any:
        return _batch._cached.__dict__.get("parsers", {}).get(spec)

    with ThreadPoolExecutor(max_workers=1) as executor:
        worker = SimpleNamespace(executor=executor)
        with dask.config.set({_batch.SPEC_KEY: dataclasses.asdict(spec)}):
            _batch.dask_setup(worker)
        built = executor.submit(cached).result()
        assert built is not None
        assert executor.submit(_batch._parser_of, spec).result() is built  # the task finds it built
        built.gazetteer.close()
    assert cached() is None  # built in the tasks' thread, not in this one
