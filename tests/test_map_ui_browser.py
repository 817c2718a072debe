"""The analyst's map in headless Chromium with the network cut: offline default, layouts, legend,
clusters, list filters, categories, search, timeline, URL state, downloads, keyboard.

Each state is screenshotted into the test's tmp_path and copied to /tmp/map-shots/.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from browser_util import (
    TRIPOLI,
    _document,
    distinct_colours,
    offline_chromium,
    sample_results,
    severe_logs,
)
from selenium.webdriver import Chrome as WebDriver
from selenium.webdriver.common.keys import Keys

import maps
from geo._types import Coordinate, ParseResult, Place

SHOTS = Path("/tmp/map-shots")
SIZES = [(1400, 900), (400, 800)]
BASEMAP = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"country_code": "SY"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[35, 32], [42, 32], [42, 37], [35, 37], [35, 32]]],
            },
        }
    ],
}

DUMA = Place(
    place_id="geonames:170654",
    name="Dūmā",
    kind="city",
    country_code="SY",
    point=Coordinate(33.5717, 36.4028),
    precision=1,
)
HARASTA = Place(
    place_id="geonames:169897",
    name="Ḩarastā",
    kind="city",
    country_code="SY",
    point=Coordinate(33.5586, 36.365),
    precision=1,
)
TRIPOLI_LB = Place(
    place_id="geonames:266826",
    name="Tripoli",
    kind="city",
    country_code="LB",
    point=Coordinate(34.4367, 35.8497),
    precision=1,
)
CATEGORIES = ("shelling", "air strike", "abduction", "protest", "arrest", "aid delivery")


def _results() -> list[ParseResult]:
    """Forty reports over forty days naming 240 made-up villages around Damascus, plus the named ones."""
    results = []
    for d in range(40):
        sentences: list = []
        for k in range(6):
            i = d * 6 + k
            village = Place(
                place_id=f"test:village:{i}",
                name=f"Village {i}",
                kind="city",
                country_code="SY",
                point=Coordinate(33.0 + (i % 16) * 0.18, 35.8 + (i // 16) * 0.21),
                precision=1,
            )
            sentences.append(
                (
                    f"Residents said there was {CATEGORIES[i % len(CATEGORIES)]} in Village {i} on day {d}.",
                    None,
                    (CATEGORIES[i % len(CATEGORIES)],),
                    [(f"Village {i}", village, "location", "name")],
                )
            )
        if d == 3:
            sentences.append(
                (
                    "Shelling hit Douma and then Harasta overnight, and a convoy left Tripoli.",
                    "a local council",
                    ("shelling",),
                    [
                        ("Douma", DUMA, "location", "name"),
                        ("Harasta", HARASTA, "location", "name"),
                        ("Tripoli", TRIPOLI_LB, "location", "name"),
                    ],
                )
            )
            sentences.append(("Talks were said to continue next week.", None, (), []))
        if d == 20:
            sentences.append(
                (
                    "Envoys met in Tripoli.",
                    None,
                    ("diplomacy",),
                    [("Tripoli", TRIPOLI, "location", "name")],
                )
            )
        results.append(
            _document(
                f"local-{d:02d}",
                dt.date(2024, 3, 1) + dt.timedelta(days=d),
                f"Local News {d % 3}",
                f"https://example.org/local/{d}",
                f"Local roundup, day {d}",
                sentences,
            )
        )
    return results


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ui") / "ui.html"
    maps.write_map(maps.build_features(_results()), path, basemap=BASEMAP, title="Forty days")
    return path


def wait_for(driver: WebDriver, script: str, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := driver.execute_script(script)):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.05)
    return value


def shoot(driver: WebDriver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    assert driver.save_screenshot(str(path))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
    assert distinct_colours(path) > 10, name
    return path


def no_errors_but_the_tile_probe(driver: WebDriver) -> None:
    errors = [e["message"] for e in severe_logs(driver)]
    assert [m for m in errors if "tile.openstreetmap.org/0/0/0.png" not in m] == []
    assert len(errors) <= 1  # one probe, not a page of failed tiles


def open_page(driver: WebDriver, path: Path, hash_: str = "") -> None:
    driver.get(path.as_uri() + hash_)
    wait_for(driver, "return document.documentElement.getAttribute('data-geomap-ready') === '1'")


def row(driver: WebDriver, statement_id: str) -> Any:
    """The list row of a statement, scrolled to (the list keeps only the rows near the view)."""
    driver.execute_script(
        "var id = arguments[0];"
        "var i = geomap.data.statements.findIndex(function (s) { return s.id === id; });"
        "geomap.scrollToRow(geomap.rowPos[i]);",
        statement_id,
    )
    return driver.find_element("css selector", f'[data-statement="{statement_id}"]')


#: The list as it is in the DOM: ["doc", id] for a report's header, ["st", id] for a statement.
LIST_DOM = (
    "return Array.from(document.querySelectorAll('.geomap-rows > *')).map(function (n) {"
    "  return n.classList.contains('geomap-doc') ? ['doc', n.getAttribute('data-doc')]"
    "    : ['st', n.getAttribute('data-statement')]; })"
)


def assert_grouped(items: list[list[str]]) -> None:
    """Each report's header once, right before its first statement in the DOM."""
    docs = [i for kind, i in items if kind == "doc"]
    assert len(docs) == len(set(docs))
    current = None
    for kind, ident in items:
        if kind == "doc":
            current = ident
        else:
            assert current is None or ident.split("#")[0] == current, (ident, current)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_default_map_works_with_no_network(map_file: Path, tmp_path: Path, width: int, height: int) -> None:
    with offline_chromium(width, height) as page:
        open_page(page, map_file)
        time.sleep(0.5)
        # The default page asks for tiles once, gets none, and keeps the Natural Earth basemap.
        assert page.execute_script("return document.querySelectorAll('.leaflet-tile').length") == 0
        assert page.execute_script("return geomap.groups.basemap.getLayers().length") == 1
        map_box = page.execute_script(
            "var r = document.querySelector('.folium-map').getBoundingClientRect();"
            "return [r.left, r.top, r.width, r.height];"
        )
        panel = page.execute_script(
            "var r = document.getElementById('geomap-panel').getBoundingClientRect();"
            "return [r.left, r.top, r.width, r.height];"
        )
        real_width = page.execute_script("return window.innerWidth")
        assert map_box[2] > 0.5 * real_width if real_width <= 700 else map_box[2] >= real_width - 401
        if real_width <= 700:
            assert panel[1] >= map_box[1] + map_box[3] - 1  # the panel below the map
            assert panel[2] >= real_width - 1
        else:
            assert panel[0] >= map_box[0] + map_box[2] - 1  # the panel beside it
        shoot(page, tmp_path, f"default-{width}x{height}")
        no_errors_but_the_tile_probe(page)


def test_statements_readable_when_leaflet_fails(map_file: Path, tmp_path: Path) -> None:
    text = map_file.read_text(encoding="utf-8")
    # Break Leaflet itself: the map cannot be made, the statements still are there.
    broken = tmp_path / "broken.html"
    broken.write_text(text.replace('"use strict";function l(t)', '"use strict";throw 1;function l(t)', 1))
    assert broken.read_text(encoding="utf-8") != text
    with offline_chromium() as page:
        page.get(broken.as_uri())
        wait_for(page, "return document.documentElement.getAttribute('data-geomap-ready') === 'fallback'")
        n = page.execute_script("return document.querySelectorAll('#geomap-panel .geomap-st').length")
        assert n == 40 * 6 + 3
        assert "Douma" in page.find_element("css selector", "#geomap-panel").text
        shoot(page, tmp_path, "fallback-no-leaflet")


def test_clusters_with_counts_and_numbered_selection(map_file: Path, tmp_path: Path) -> None:
    with offline_chromium() as page:
        open_page(page, map_file)
        clusters = page.execute_script(
            "return Array.from(document.querySelectorAll('.geomap-cluster-n')).map(function (n) {"
            "  return +n.textContent; })"
        )
        points = page.execute_script("return document.querySelectorAll('path.leaflet-interactive').length")
        assert clusters and sum(clusters) + points >= 240
        assert points < 100  # most villages are counted in clusters, not drawn on top of each other
        shoot(page, tmp_path, "clusters")
        row(page, "local-03#6").click()
        time.sleep(0.4)
        numbers = page.execute_script(
            "return Array.from(document.querySelectorAll('.geomap-num span')).map(function (n) {"
            "  return [n.textContent, n.title]; })"
        )
        assert numbers == [["1", "Dūmā"], ["2", "Ḩarastā"], ["3", "Tripoli"]]
        shoot(page, tmp_path, "selected-numbered")


def test_legend_is_remembered_and_kept_clear_of(map_file: Path, tmp_path: Path) -> None:
    with offline_chromium() as page:
        open_page(page, map_file)
        toggle = page.find_element("css selector", ".geomap-legend-toggle")
        assert toggle.get_attribute("aria-expanded") == "true"  # open on first view
        # Fitting leaves room for the open legend: no place is under it.
        under = page.execute_script(
            "var lg = document.querySelector('.geomap-legend').getBoundingClientRect();"
            "var n = 0;"
            "document.querySelectorAll('path.leaflet-interactive, .leaflet-marker-pane .geomap-cluster')"
            ".forEach(function (p) { var r = p.getBoundingClientRect();"
            "  var cx = r.left + r.width / 2, cy = r.top + r.height / 2;"
            "  if (cx > lg.left && cx < lg.right && cy > lg.top && cy < lg.bottom) n++; }); return n;"
        )
        assert under == 0
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "false"
        shoot(page, tmp_path, "legend-closed")
        open_page(page, map_file)
        toggle = page.find_element("css selector", ".geomap-legend-toggle")
        assert toggle.get_attribute("aria-expanded") == "false"  # remembered
        assert page.execute_script("return document.getElementById('geomap-legend-body').hidden") is True


def test_list_is_virtualised_grouped_and_filtered(map_file: Path, tmp_path: Path) -> None:
    with offline_chromium() as page:
        open_page(page, map_file)
        first = page.execute_script(LIST_DOM)
        statements = [i for kind, i in first if kind == "st"]
        assert 3 < len(statements) < 60  # of 242 listed: only those near the view
        assert first[0] == ["doc", "local-00"] and statements[:6] == [f"local-00#{k}" for k in range(6)]
        assert_grouped(first)
        # Scrolled to the end: the last statements are there, the first are gone.
        page.execute_script("var l = document.querySelector('.geomap-list'); l.scrollTop = l.scrollHeight;")
        wait_for(page, "return !!document.querySelector('[data-statement=\"local-39#5\"]')")
        time.sleep(0.2)
        page.execute_script("var l = document.querySelector('.geomap-list'); l.scrollTop = l.scrollHeight;")
        wait_for(page, "return !document.querySelector('[data-statement=\"local-00#0\"]')")
        last = page.execute_script(LIST_DOM)
        assert len(last) < 80
        assert_grouped(last)
        # The statement that names no place is not listed until asked for.
        none = '[data-statement="local-03#7"]'
        assert (
            page.execute_script(
                "return geomap.rowPos[geomap.data.statements.findIndex(function (s) {"
                "  return s.id === 'local-03#7'; })]"
            )
            == -1
        )
        page.find_element("xpath", "//label[contains(., 'naming no place')]/input").click()
        row(page, "local-03#7")
        assert page.execute_script(f"return !!document.querySelector('{none}')")
        page.find_element("xpath", "//label[contains(., 'naming no place')]/input").click()
        # Text filter, folded: "douma" finds the statement.
        box = page.find_element("css selector", ".geomap-filter-text")
        box.send_keys("DOUMA")
        wait_for(page, "return document.querySelectorAll('.geomap-st').length === 1")
        assert page.execute_script("return geomap.countOnMap('points')") == 3
        shoot(page, tmp_path, "filter-text")
        box.clear()
        box.send_keys(" ")
        box.send_keys(Keys.BACKSPACE)
        wait_for(page, "return geomap.rows.length === 242")
        time.sleep(0.4)  # the text filter is debounced: let its refit pass before moving the map
        # Only what is in view: zoom on Dūmā, the list shrinks to what is there.
        page.execute_script("geomap.map.setView([33.5717, 36.4028], 12, {animate: false})")
        page.find_element("xpath", "//label[contains(., 'only what is in view')]/input").click()
        in_view = page.execute_script(
            "return Array.from(document.querySelectorAll('.geomap-st')).map(function (n) {"
            "  return n.getAttribute('data-statement'); })"
        )
        assert "local-03#6" in in_view and len(in_view) < 5
        shoot(page, tmp_path, "only-in-view")


def test_category_chips_and_colours(map_file: Path, tmp_path: Path) -> None:
    with offline_chromium() as page:
        open_page(page, map_file)
        colours = page.execute_script(
            "return geomap.shownCats.map(function (c) { return geomap.colorOf[c]; })"
        )
        assert len(colours) == 7 and len(set(colours)) == 7  # never repeated among those shown
        page.find_element("css selector", '[aria-label="Only abduction"]').click()
        assert page.execute_script("return geomap.shownCats") == ["abduction"]
        first = page.execute_script("return geomap.palette[0]")
        # The only category shown takes the first colour, and every point follows it.
        fills = page.execute_script(
            "var out = {}; geomap.allLayers.forEach(function (p) { if (p[1]._gmVisible)"
            " out[p[1].options.fillColor] = 1; }); return Object.keys(out);"
        )
        assert fills == [first]
        shoot(page, tmp_path, "only-abduction")
        page.find_element("css selector", '[aria-label="Hide all categories"]').click()
        assert page.execute_script("return document.querySelectorAll('.geomap-st').length") == 0
        page.find_element("css selector", '[aria-label="Show all categories"]').click()
        assert page.execute_script("return geomap.shownCats.length") == 7


def test_search_folds_accents_and_lists_ambiguous_places(map_file: Path, tmp_path: Path) -> None:
    with offline_chromium() as page:
        open_page(page, map_file)
        box = page.find_element("css selector", ".geomap-search-input")
        box.send_keys("Harasta", Keys.ENTER)
        popup = wait_for(
            page, "var p = document.querySelector('.leaflet-popup-content'); return p && p.textContent"
        )
        assert "Ḩarastā" in popup and "reported as: Harasta" in popup
        assert (
            "“Harasta” in the report: Ḩarastā"
            in page.find_element("css selector", ".geomap-search-status").text
        )
        box.clear()
        box.send_keys("tripoli", Keys.ENTER)  # two places: a list to choose from, no jump to the first
        choices = page.execute_script(
            "return Array.from(document.querySelectorAll('.geomap-choice')).map(function (b) {"
            "  return b.textContent; })"
        )
        assert len(choices) == 2 and any("LB" in c for c in choices) and any("LY" in c for c in choices)
        shoot(page, tmp_path, "search-ambiguous")
        box.send_keys(Keys.ARROW_DOWN)
        page.switch_to.active_element.send_keys(Keys.ENTER)  # the first choice, from the keyboard
        popup = wait_for(
            page, "var p = document.querySelector('.leaflet-popup-content'); return p && p.textContent"
        )
        assert "Tripoli" in popup
        box.clear()
        box.send_keys("Atlantis", Keys.ENTER)
        assert "geomap-notfound" in (box.get_attribute("class") or "")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.BACKSPACE)
        assert "geomap-notfound" not in (box.get_attribute("class") or "")  # cleared with the text


def test_timeline_brush_refits_and_play(map_file: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    with offline_chromium() as page:
        open_page(page, map_file)
        bars = page.execute_script(
            "return document.querySelectorAll('.geomap-hist rect:not(.geomap-brush)').length"
        )
        assert bars == 40  # one per day
        hist = page.find_element("css selector", ".geomap-hist")
        w = hist.size["width"]
        ActionChains(page).move_to_element_with_offset(
            hist, int(-w / 2 + 2), 0
        ).click_and_hold().move_by_offset(int(w * 0.1), 0).release().perform()
        time.sleep(0.3)
        f = page.execute_script("return [geomap.f.from, geomap.f.to]")
        assert f[0] == "2024-03-01" and "2024-03-02" <= f[1] <= "2024-03-06"
        n = page.execute_script("return geomap.rows.length")
        assert 6 <= n <= 6 * 6 + 1
        shoot(page, tmp_path, "timeline-brush")
        page.find_element("css selector", ".geomap-play").click()
        time.sleep(1.2)
        assert page.execute_script("return !!geomap.playTimer && geomap.f.from !== null")
        page.find_element("css selector", ".geomap-play").click()
        assert page.execute_script("return geomap.playTimer") is None


def test_url_hash_restores_view_filters_and_statement(map_file: Path, tmp_path: Path) -> None:
    with offline_chromium() as page:
        open_page(page, map_file)
        page.find_element("css selector", '[aria-label="Only shelling"]').click()
        row(page, "local-03#6").click()
        time.sleep(1.0)  # let the fit to the statement's places end
        wait_for(page, "return !geomap.map._animatingZoom")
        page.execute_script("geomap.map.setView([33.56, 36.38], 11, {animate: false})")
        hash_ = wait_for(page, "return location.hash.indexOf('map=11%2F') >= 0 && location.hash")
        assert "st=local-03%236" in hash_ and "map=11%2F33.56" in hash_
        page.get("about:blank")
        open_page(page, map_file, hash_)
        assert page.execute_script("return geomap.shownCats") == ["shelling"]
        assert page.execute_script("return geomap.map.getZoom()") == 11
        selected = page.execute_script(
            "return document.querySelector('.geomap-st.geomap-selected').getAttribute('data-statement')"
        )
        assert selected == "local-03#6"
        shoot(page, tmp_path, "from-hash")
        csv = page.execute_script("return geomap.csvText()")
        lines = csv.strip().split("\r\n")
        assert lines[0].startswith("statement_id,report,date")
        assert all("shelling" in line for line in lines[1:]) and len(lines) - 1 == 41
        assert page.execute_script("return geomap.downloadGeoJSON()") == 43


def test_keyboard_reaches_places_through_the_list(map_file: Path) -> None:
    with offline_chromium() as page:
        open_page(page, map_file)
        stops = page.execute_script(
            "return Array.from(document.querySelectorAll('a[href], button, input, select, [tabindex]'))"
            ".filter(function (n) { return n.tabIndex >= 0 && n.offsetParent !== null; }).length"
        )
        assert stops < 60  # not one per shape or per statement
        unnamed = page.execute_script(
            "return Array.from(document.querySelectorAll('button, input, select')).filter(function (n) {"
            "  return n.offsetParent !== null && !(n.getAttribute('aria-label') || n.textContent.trim()"
            "  || (n.labels && n.labels.length)); }).length"
        )
        assert unnamed == 0
        first = page.find_element("css selector", '.geomap-st[tabindex="0"]')
        first.send_keys(Keys.ARROW_DOWN)
        focused = page.execute_script("return document.activeElement.getAttribute('data-statement')")
        assert focused == "local-00#1"
        page.switch_to.active_element.send_keys(Keys.ENTER)
        assert page.execute_script("return geomap.highlighted.length") == 1


def test_print_puts_map_then_statements(map_file: Path, tmp_path: Path) -> None:
    with offline_chromium() as page:
        open_page(page, map_file)
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        page.execute_script("window.dispatchEvent(new Event('beforeprint'))")
        boxes = page.execute_script(
            "var m = document.querySelector('.folium-map').getBoundingClientRect();"
            "var l = document.querySelector('.geomap-list').getBoundingClientRect();"
            "var lg = document.querySelector('.leaflet-control-layers');"
            "return [m.top, m.height, l.top, getComputedStyle(lg).display,"
            " document.querySelectorAll('.geomap-st').length];"
        )
        assert boxes[1] > 200 and boxes[2] >= boxes[0] + boxes[1] - 1
        assert boxes[3] == "none" and boxes[4] == 242
        shoot(page, tmp_path, "print")


def test_sample_map_still_has_no_errors_offline(tmp_path: Path) -> None:
    path = tmp_path / "sample.html"
    maps.write_map(maps.build_features(sample_results()), path, offline=True, basemap=BASEMAP)
    with offline_chromium(400, 800) as page:
        open_page(page, path)
        assert severe_logs(page) == []
        shoot(page, tmp_path, "sample-400x800")


# --- a long list: 1,000 reports, 5,000 statements, the data island compressed --------------------

HAMLET = Place(
    place_id="test:hamlet",
    name="Far Hamlet",
    kind="city",
    country_code="SY",
    point=Coordinate(36.9, 41.6),
    precision=1,
)


def _many_reports(n_reports: int = 1000) -> list[ParseResult]:
    """Reports of five statements naming one or two of 1,200 towns (local news keeps naming the same
    towns); "Far Hamlet" is named once, in report 500."""
    pool = [
        Place(
            place_id=f"test:town:{i}",
            name=f"Town {i}",
            kind="city",
            country_code="SY",
            point=Coordinate(32.5 + (i % 40) * 0.1, 36.0 + (i // 40) * 0.15),
            precision=1,
        )
        for i in range(1200)
    ]
    results = []
    for d in range(n_reports):
        sentences: list = []
        for k in range(5):
            i = (d * 7 + k * 131) % len(pool)
            towns = [pool[i]] if k % 2 else [pool[i], pool[(i * 17 + 5) % len(pool)]]
            if d == 500 and k == 2:
                towns = [HAMLET]
            category = CATEGORIES[(d + k) % len(CATEGORIES)]
            sentences.append(
                (
                    f"Residents said there was {category} near {' and '.join(t.name for t in towns)}.",
                    None,
                    (category,),
                    [(t.name, t, "location", "name") for t in towns],
                )
            )
        results.append(
            _document(
                f"r{d:04d}",
                dt.date(2024, 1, 1) + dt.timedelta(days=d % 200),
                f"Local {d % 5}",
                None,
                f"Report {d}",
                sentences,
            )
        )
    return results


@pytest.fixture(scope="module")
def long_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long") / "long.html"
    maps.write_map(maps.build_features(_many_reports()), path, basemap=BASEMAP, compress=True)
    return path


LIST_NODES = "return document.querySelector('.geomap-list').getElementsByTagName('*').length"


def test_long_list_keeps_only_rows_near_the_view(long_map: Path, tmp_path: Path) -> None:
    page_text = long_map.read_text(encoding="utf-8")
    assert 'id="geomap-data" data-encoding="deflate;base64">' in page_text
    assert "Residents said" not in page_text and "Town 1" not in page_text
    with offline_chromium() as page:
        open_page(page, long_map)
        assert page.execute_script("return geomap.rows.length") == 5000
        most = page.execute_script(LIST_NODES)
        assert most < 1000
        # Scroll to the end a screen and a half at a time: the DOM stays small all the way.
        for _ in range(2000):
            done = page.execute_script(
                "var l = document.querySelector('.geomap-list');"
                "l.scrollTop += l.clientHeight * 1.5;"
                "geomap.drawWindow();"
                "return l.scrollTop + l.clientHeight >= l.scrollHeight - 1;"
            )
            most = max(most, page.execute_script(LIST_NODES))
            if done:
                break
        time.sleep(0.2)
        assert page.execute_script("return !!document.querySelector('[data-statement=\"r0999#4\"]')")
        assert page.execute_script("return !document.querySelector('[data-statement=\"r0000#0\"]')")
        assert most < 3000, most
        assert_grouped(page.execute_script(LIST_DOM))
        # The list's height is the rows' heights: the last row ends at the bottom of what scrolls.
        gap = page.execute_script(
            "var l = document.querySelector('.geomap-list').getBoundingClientRect();"
            "var r = document.querySelector('[data-statement=\"r0999#4\"]').getBoundingClientRect();"
            "return l.bottom - r.bottom;"
        )
        assert 0 <= gap <= 40
        shoot(page, tmp_path, "long-list-end")
        no_errors_but_the_tile_probe(page)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_clicking_a_place_scrolls_to_its_statement(
    long_map: Path, tmp_path: Path, width: int, height: int
) -> None:
    with offline_chromium(width, height) as page:
        open_page(page, long_map)
        page.execute_script("geomap.map.setView([36.9, 41.6], 11, {animate: false})")
        marker = wait_for(
            page, "var l = geomap.byPlace['test:hamlet']; return l && l[0].getElement && l[0].getElement()"
        )
        marker.click()
        wait_for(page, "return !!document.querySelector('.leaflet-popup-content')")

        def seen(statement_id: str) -> list[float]:
            return page.execute_script(
                "var n = document.querySelector('[data-statement=\"' + arguments[0] + '\"]');"
                "if (!n) return null;"
                "var r = n.getBoundingClientRect();"
                "var l = document.querySelector('.geomap-list').getBoundingClientRect();"
                "var pin = document.querySelector('.geomap-doc-pinned').getBoundingClientRect();"
                "return [r.top, r.bottom, pin.bottom, l.bottom, n.classList.contains('geomap-related'),"
                " n.classList.contains('geomap-selected')];",
                statement_id,
            )

        top, bottom, pinned_bottom, list_bottom, related, _ = seen("r0500#2")
        assert related
        assert top >= pinned_bottom - 0.5 and bottom <= list_bottom + 0.5  # whole, not under the header
        assert page.find_element("css selector", ".geomap-doc-pinned").text == "Report 500"
        shoot(page, tmp_path, f"long-place-click-{width}x{height}")
        # Back to the top of the list, then "show in list" from the popup: selected and scrolled to.
        page.execute_script("document.querySelector('.geomap-list').scrollTop = 0; geomap.drawWindow();")
        assert seen("r0500#2") is None
        page.find_element("css selector", ".leaflet-popup-content .geomap-linkbtn").click()
        top, bottom, pinned_bottom, list_bottom, _, selected = seen("r0500#2")
        assert selected and top >= pinned_bottom - 0.5 and bottom <= list_bottom + 0.5


def test_long_list_keyboard(long_map: Path) -> None:
    with offline_chromium() as page:
        open_page(page, long_map)
        first = page.find_element("css selector", '.geomap-st[tabindex="0"]')
        assert first.get_attribute("data-statement") == "r0000#0"
        first.send_keys(Keys.END)
        active = "return document.activeElement.getAttribute('data-statement')"
        assert page.execute_script(active) == "r0999#4"
        page.switch_to.active_element.send_keys(Keys.ARROW_UP)
        assert page.execute_script(active) == "r0999#3"
        page.switch_to.active_element.send_keys(Keys.HOME)
        assert page.execute_script(active) == "r0000#0"
        assert (
            page.execute_script("return document.querySelectorAll('.geomap-st[tabindex=\"0\"]').length") == 1
        )
        assert page.execute_script(LIST_NODES) < 1000


def test_compressed_page_says_why_when_the_browser_cannot_unpack_it(long_map: Path, tmp_path: Path) -> None:
    with offline_chromium(400, 800) as page:
        page.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.DecompressionStream;"}
        )
        page.get(long_map.as_uri())
        wait_for(page, "return document.documentElement.getAttribute('data-geomap-ready') === 'nodata'")
        text = page.find_element("css selector", "#geomap-panel").text
        assert "cannot be shown" in text and "DecompressionStream" in text and "Firefox 113+" in text
        shoot(page, tmp_path, "long-no-decompression")


def test_compressed_page_lists_statements_when_leaflet_fails(long_map: Path, tmp_path: Path) -> None:
    text = long_map.read_text(encoding="utf-8")
    broken = tmp_path / "broken-long.html"
    broken.write_text(text.replace('"use strict";function l(t)', '"use strict";throw 1;function l(t)', 1))
    assert broken.read_text(encoding="utf-8") != text
    with offline_chromium() as page:
        page.get(broken.as_uri())
        wait_for(page, "return document.documentElement.getAttribute('data-geomap-ready') === 'fallback'")
        wait_for(page, "return document.querySelectorAll('#geomap-panel .geomap-st').length === 5000")
        assert "Far Hamlet" in page.find_element("css selector", "#geomap-panel").text
