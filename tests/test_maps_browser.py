"""The offline map as a person sees it: headless Chromium with the network cut off."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver import Chrome as WebDriver

sys.path.insert(0, str(Path(__file__).parent))
from browser_util import distinct_colours, find_executable, offline_chromium, sample_results, severe_logs

import maps

pytestmark = pytest.mark.browser

BASEMAP = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[-10, 15], [35, 15], [35, 45], [-10, 45], [-10, 15]]],
            },
        }
    ],
}


def wait_for(driver: WebDriver, script: str, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("map") / "map.html"
    maps.write_map(maps.build_features(sample_results()), path, offline=True, basemap=BASEMAP)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    with offline_chromium() as driver:
        yield driver


@pytest.fixture
def page(browser: WebDriver, map_file: Path) -> Iterator[WebDriver]:
    browser.get(map_file.as_uri())
    wait_for(browser, "return !!(window.geomap && window.geomap.ready && window.geomap.legend)")
    yield browser
    assert severe_logs(browser) == []


def open_popup(driver: WebDriver) -> Any:
    """The content of the open popup, once its fade-in has finished."""
    return wait_for(
        driver,
        "var p = document.querySelector('.leaflet-popup');"
        "return p && getComputedStyle(p).opacity === '1' ? p.querySelector('.leaflet-popup-content') : null;",
    )


def layer_has_class(driver: WebDriver, place_id: str, cls: str) -> bool:
    return driver.execute_script(
        "var ls = geomap.byPlace[arguments[0]] || [], cls = arguments[1];"
        "return ls.length > 0 && ls.every(function (l) {"
        "  var e = l.getElement(); return !!e && e.classList.contains(cls); });",
        place_id,
        cls,
    )


def test_loads_with_no_errors_and_no_network(page: WebDriver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018  nothing from the hostile report ran
    assert page.execute_script("return typeof L") == "object"
    assert page.execute_script("return L.version") == "1.9.3"
    assert page.title == "Places in 2 reports"
    # No tile was requested: there is no tile layer at all.
    assert page.execute_script("return document.querySelectorAll('.leaflet-tile').length") == 0
    errors = page.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert [e for e in errors if e.startswith("http")] == []


def test_features_per_layer(page: WebDriver) -> None:
    counts = page.execute_script(
        "var out = {}; Object.keys(geomap.layers).forEach(function (k) {"
        "  out[k] = [geomap.count(k), geomap.countOnMap(k)]; }); return out;"
    )
    assert counts == {
        "points": [2, 2],
        "areas": [4, 4],
        "lines": [1, 1],
        "dateline": [1, 1],
    }  # the actors' layer starts off, so its shapes are not even drawn yet
    assert page.execute_script("return geomap.layers.actors === undefined")
    # Same count through the Leaflet map object that folium created.
    map_name = page.execute_script("return geomap.cfg.map")
    n_paths = page.execute_script(
        f"var n = 0; {map_name}.eachLayer(function (l) {{"
        " if (l.feature && l.feature.properties.group) n++; }); return n;"
    )
    assert n_paths == 8
    assert page.execute_script("return document.querySelectorAll('path.leaflet-interactive').length") == 8


def test_clicking_a_statement_highlights_and_fits_its_places(page: WebDriver) -> None:
    item = page.find_element("css selector", '[data-statement="wire-2019-04-08#1"]')
    item.click()
    wait_for(page, "return !geomap.map._animatingZoom")
    time.sleep(0.6)  # fitBounds animates
    assert "geomap-selected" in (item.get_attribute("class") or "")
    for pid in ("geonames:2214845", "part:geonames:2210554:S"):
        assert layer_has_class(page, pid, "geomap-hl"), pid
    assert not layer_has_class(page, "geonames:88319", "geomap-hl")
    inside = page.execute_script(
        "var b = geomap.map.getBounds();"
        "return ['geonames:2214845', 'part:geonames:2210554:S'].every(function (id) {"
        "  return b.contains(geomap.byPlace[id][0].getBounds()); });"
    )
    assert inside
    zoom_all = page.execute_script("return geomap.map.getZoom()")
    assert zoom_all >= 4
    # A highlighted path is drawn in the highlight colour.
    stroke = page.execute_script(
        "return geomap.byPlace['geonames:2214845'][0].getElement().getAttribute('stroke')"
    )
    assert stroke == "#d1495b"
    # Another statement moves the highlight.
    page.find_element("css selector", '[data-statement="wire-2019-04-10#0"]').click()
    assert layer_has_class(page, "geonames:88319", "geomap-hl")
    assert layer_has_class(page, "border:LY-TN", "geomap-hl")
    assert not layer_has_class(page, "geonames:2214845", "geomap-hl")


def test_clicking_a_place_lists_its_statements(page: WebDriver) -> None:
    page.execute_script(
        "geomap.map.setView(geomap.byPlace['geonames:88319'][0].getLatLng(), 6, {animate: false})"
    )
    marker = page.execute_script("return geomap.byPlace['geonames:88319'][0].getElement()")
    marker.click()
    popup = open_popup(page)
    text = popup.text
    assert "Benghazi" in text
    assert "Authorities shut the Libyan-Tunisian border" in text
    assert '"<script>alert(1)</script>"' in text  # shown as text, not run
    marks = [m.text for m in popup.find_elements("css selector", "mark")]
    assert marks == ["Benghazi", "Benghazi"]
    assert popup.find_elements("css selector", "script, img, b, i") == []
    links = [a.get_attribute("href") for a in popup.find_elements("css selector", "a")]
    assert links == []  # the only source URL is javascript:, which is not linked
    assert popup.find_elements("css selector", ".geomap-date")[0].text == "2019-04-10"
    # The statements of the place are marked in the panel.
    related = page.execute_script(
        "return Array.from(document.querySelectorAll('.geomap-related')).map(function (n) {"
        " return n.getAttribute('data-statement'); })"
    )
    assert related == ["wire-2019-04-10#0", "wire-2019-04-10#1"]


def test_source_links_in_popups(page: WebDriver) -> None:
    page.execute_script(
        "geomap.openPlace(geomap.data.features.findIndex(function (f) {"
        " return f.properties.id === 'geonames:2210247'; }))"
    )
    popup = open_popup(page)
    (link,) = popup.find_elements("css selector", "a")
    assert link.get_attribute("href") == "https://example.org/wire/2019-04-08"
    assert link.text == "Example Wire"


def test_toggling_layers_and_filters(page: WebDriver) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import Select

    control = page.find_element("css selector", ".leaflet-control-layers")
    ActionChains(page).move_to_element(control).perform()
    wait_for(page, "return document.querySelector('.leaflet-control-layers-expanded')")

    def toggle(label: str) -> None:
        box = page.execute_script(
            "var want = arguments[0];"
            "var lab = Array.from(document.querySelectorAll('.leaflet-control-layers label'))"
            "  .find(function (l) { return l.textContent.indexOf(want) >= 0; });"
            "return lab ? lab.querySelector('input') : null;",
            label,
        )
        assert box is not None, f"no layer named {label!r}"
        box.click()

    toggle("Points: towns")
    assert page.execute_script("return geomap.countOnMap('points')") == 0
    assert page.execute_script("return geomap.byPlace['geonames:88319'][0].getElement().isConnected") is False
    toggle("Points: towns")
    assert page.execute_script("return geomap.countOnMap('points')") == 2

    def chip(name: str, part: str = "toggle") -> None:
        page.execute_script(
            "var want = arguments[0], part = arguments[1];"
            "var chip = Array.from(document.querySelectorAll('.geomap-chip')).find(function (c) {"
            "  return c.querySelector('.geomap-chip-name').textContent === want; });"
            "chip.querySelector('.geomap-chip-' + part).click();",
            name,
            part,
        )

    chip("shelling")  # Misrata and southern Fezzan are only ever shelled
    assert page.execute_script("return geomap.countOnMap('areas')") == 2
    listed = page.execute_script("return document.querySelectorAll('.geomap-st').length")
    assert listed == 4
    chip("shelling")
    assert page.execute_script("return geomap.countOnMap('areas')") == 4

    toggle("Actors:")  # drawn on first show
    assert page.execute_script("return geomap.countOnMap('actors')") == 1
    assert (
        page.execute_script("return geomap.byPlace['geonames:3017382'][0].getElement().isConnected") is True
    )

    Select(page.find_element("css selector", ".geomap-filter-doc")).select_by_value("wire-2019-04-10")
    counts = page.execute_script("return [geomap.countOnMap('points'), geomap.countOnMap('lines')]")
    assert counts == [1, 1]  # the other report has only Benghazi and the border


def test_time_filter(page: WebDriver) -> None:
    from selenium.webdriver.support.ui import Select

    Select(page.find_element("css selector", ".geomap-time-select")).select_by_value("2019-04-10")
    assert page.execute_script("return geomap.countOnMap('points')") == 1  # Benghazi
    assert page.execute_script("return geomap.countOnMap('areas')") == 0
    assert page.execute_script("return geomap.countOnMap('lines')") == 1


def test_place_search(page: WebDriver) -> None:
    from selenium.webdriver.common.keys import Keys

    box = page.find_element("css selector", ".geomap-search-input")
    box.send_keys("misrata", Keys.ENTER)
    popup = open_popup(page)
    assert "Misrata District" in popup.text
    box.clear()
    box.send_keys("Atlantis", Keys.ENTER)
    assert "geomap-notfound" in (box.get_attribute("class") or "")


def test_panel_shows_statements_with_marked_places(page: WebDriver) -> None:
    items = page.find_elements("css selector", ".geomap-st")
    assert len(items) == 5
    marks = [m.text for m in items[0].find_elements("css selector", "mark")]
    assert marks == ["TUNIS", "Libya", "the outskirts of Tripoli"]
    assert "interior ministry spokesman" in items[0].text
    hostile = items[4]
    assert '<img src=x onerror="alert(2)">' in hostile.text
    assert (
        page.execute_script(
            "return document.querySelectorAll('#geomap-panel script, #geomap-panel img').length"
        )
        == 0
    )
    legend = page.find_element("css selector", ".geomap-legend")
    for label in ("shelling", "Border", "Part of a region", "Ring or suburbs of a city", "Dateline"):
        assert label in legend.text
    attribution = page.find_element("css selector", ".leaflet-control-attribution").text
    assert "GeoNames" in attribution and "Natural Earth" in attribution


def test_screenshot_is_not_blank(page: WebDriver, tmp_path: Path) -> None:
    page.find_element("css selector", '[data-statement="wire-2019-04-08#0"]').click()
    time.sleep(0.6)
    path = tmp_path / "map.png"
    assert page.save_screenshot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert distinct_colours(path) > 20


def test_a_missing_browser_fails_with_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GEOMAP_CHROMIUM", raising=False)
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install -y chromium chromium-driver"):
        find_executable("GEOMAP_CHROMIUM", ("no-such-browser-here",))
    monkeypatch.setenv("GEOMAP_CHROMIUM", str(tmp_path / "chromium"))
    with pytest.raises(pytest.fail.Exception, match=r"\$GEOMAP_CHROMIUM=.* is not an executable file"):
        find_executable("GEOMAP_CHROMIUM", ("chromium",))
    monkeypatch.setenv("GEOMAP_CHROMEDRIVER", "/usr/bin/env")
    assert find_executable("GEOMAP_CHROMEDRIVER", ("no-such-driver",)) == "/usr/bin/env"
