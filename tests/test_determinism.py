"""The same reports twice, under two hash seeds, give the same files, byte for byte.

Python salts the hash of strings per process (``PYTHONHASHSEED``), so anything that sums, sorts or
picks over a set of strings may change from run to run; each run here is a fresh process with its own
seed, in one process and in two (``-j 2``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyarrow.parquet as pq
import pytest
from wire_corpus import write_jsonl

import gazetteer
from geomap._exit import Exit

#: folium names the map's elements with random ids (``map_<32 hex>``): not what the map shows.
FOLIUM_ID = re.compile(rb"[0-9a-f]{32}")
#: Reports that mention several countries, so that the document focus ("focus on RU (37%)") has a
#: share to round, and a folder of text reports besides.
EXTRA = {
    "focus.txt": "MOSCOW, May 3 (Wire) - Russia said its forces left Kharkiv. Ukraine said Russian "
    "shelling hit Donetsk and Mariupol. Turkey offered talks in Ankara; Russia and Ukraine agreed, "
    "officials in Moscow and Kyiv said. Syria and Iraq were not at the talks.\n",
    "rings.txt": "KABUL, May 9 (Wire) - Gunmen attacked a checkpoint 15 km south of Kandahar and a "
    "market in the suburbs of Herat, Afghanistan's interior ministry said.\n",
}


def run(seed: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "geomap", *args], capture_output=True, text=True, timeout=600, env=env
    )


@pytest.fixture(autouse=True)
def _use_session_gazetteer(gaz: gazetteer.Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(gaz.path))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("det")
    for name, text in EXTRA.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [
        str(write_jsonl(folder / "wire.jsonl", 120)),
        str(folder / "focus.txt"),
        str(folder / "rings.txt"),
    ]


@pytest.mark.parametrize("model", [False, True], ids=["no-model", "model"])
def test_parse_is_the_same_under_two_hash_seeds(inputs: list[str], tmp_path: Path, model: bool) -> None:
    flags = [] if model else ["--no-model"]
    outs = []
    for seed, jobs in (("1", "1"), ("2", "2")):
        out = tmp_path / f"seed{seed}.jsonl"
        proc = run(seed, "parse", *inputs, *flags, "-j", jobs, "-q", "-o", str(out))
        assert proc.returncode == Exit.OK, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert b"focus on RU" in outs[0] or b"focus on UA" in outs[0]  # the share that once varied is there


def test_map_files_are_the_same_under_two_hash_seeds(inputs: list[str], tmp_path: Path) -> None:
    for seed in ("1", "2"):
        out = tmp_path / seed
        proc = run(
            seed, "map", *inputs, "--no-model", "-q", "-o", str(out / "m.html"),
            "--geojson", str(out / "p.geojson"), "--csv", str(out / "m.csv"), "--gpkg", str(out / "p.gpkg"),
            "--parquet", str(out / "pq"),
        )  # fmt: skip
        assert proc.returncode == Exit.OK, proc.stderr
    one, two = tmp_path / "1", tmp_path / "2"
    for name in ("p.geojson", "m.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    html = [FOLIUM_ID.sub(b"ID", (run_dir / "m.html").read_bytes()) for run_dir in (one, two)]
    assert html[0] == html[1]
    layers = list(gpd.list_layers(one / "p.gpkg")["name"])
    assert "mentions" in layers and "polygons" in layers
    for layer in layers:
        frames = [gpd.read_file(d / "p.gpkg", layer=layer) for d in (one, two)]
        assert frames[0].equals(frames[1]), layer
    for table in ("places", "mentions"):
        # The Parquet bytes too: no time stamp or random name is written into them.
        assert [p.read_bytes() for p in sorted((one / "pq" / table).iterdir())] == [
            p.read_bytes() for p in sorted((two / "pq" / table).iterdir())
        ], table
        assert pq.read_table(one / "pq" / table).num_rows > 0
