"""The example reports, end to end: the real gazetteer and model, the command line, and the map opened
in headless Chromium with the network cut off, as an analyst would open ``out/example.html``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser_util import distinct_colours, offline_chromium, severe_logs

from geomap._exit import Exit
from geomap.cli import main

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def example_map(gaz, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "example.html"
    mp = pytest.MonkeyPatch()
    mp.setenv("GEOMAP_GAZETTEER", str(gaz.path))
    try:
        reports = [str(EXAMPLES / "report-2026-03-14.txt"), str(EXAMPLES / "report-2026-03-15.txt")]
        assert main(["map", *reports, "--year", "2026", "--offline", "-o", str(out)]) == Exit.OK
    finally:
        mp.undo()
    return out


def _wait(driver, script: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while not (value := driver.execute_script(script)):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.05)
    return value


def test_the_example_map_in_a_browser(example_map: Path, tmp_path: Path) -> None:
    with offline_chromium() as page:
        page.get(example_map.as_uri())
        _wait(page, "return !!(window.geomap && window.geomap.ready)")
        places = page.execute_script(
            "var out = {}; Object.keys(geomap.byPlace).forEach(function (id) {"
            "  out[id] = geomap.byPlace[id][0].feature.properties.kind; }); return out;"
        )
        kinds = set(places.values())
        # a province, part of a governorate, a city's outskirts, two borders, towns
        assert {"admin1", "part", "suburbs", "border", "city"} <= kinds
        assert sum(1 for k in places.values() if k == "border") == 2
        # choosing the statement on the outskirts of Aleppo highlights the places it names
        statement = page.find_element("css selector", '[data-statement="report-2026-03-14#2"]')
        statement.click()
        time.sleep(0.6)
        # Highlighted, and numbered on the map even where a town sits inside a cluster.
        lit = page.execute_script(
            "return geomap.highlighted.map(function (p) { return p[1].feature.properties.id; })"
        )
        lit_kinds = {places[pid] for pid in lit}
        assert {"suburbs", "city"} <= lit_kinds, json.dumps(lit)
        numbers = page.execute_script(
            "return Array.from(document.querySelectorAll('.geomap-num')).map(function (n) {"
            "  return n.textContent; })"
        )
        assert sorted(numbers) == [str(i + 1) for i in range(len(set(lit)))]
        shot = tmp_path / "example.png"
        assert page.save_screenshot(str(shot))
        assert distinct_colours(shot) > 20
        assert severe_logs(page) == []
