"""Report text is data, never a script: the payload map as a person sees it, in headless Chromium.

Every payload of ``browser_util.PAYLOADS`` is in every string of a report and in the title.  The page
must show each one literally (panel, popups, tooltips, layer switches, legend, search), run none of
them (no alert, no ``window.__geomapPwned``, no console error), create no element from them and link
no ``javascript:`` (or other non-http) URL.  Each test runs on the page with the data island as plain
JSON and on the page with it compressed (as a large map stores it), unpacked by the browser.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver import Chrome as WebDriver

sys.path.insert(0, str(Path(__file__).parent))
from browser_util import PAYLOAD_URLS, PAYLOADS, offline_chromium, payload_results, severe_logs

import maps

pytestmark = pytest.mark.browser

TITLE = " | ".join(PAYLOADS)


def wait_for(driver: WebDriver, script: str, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := driver.execute_script(script)):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.05)
    return value


@pytest.fixture(scope="module", params=[False, True], ids=["plain", "compressed"])
def map_file(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("payload-map") / "map.html"
    maps.write_map(
        maps.build_features(payload_results()), path, offline=True, title=TITLE, compress=request.param
    )
    compressed = 'id="geomap-data" data-encoding="deflate;base64">' in path.read_text(encoding="utf-8")
    assert compressed is request.param
    return path


@pytest.fixture(scope="module")
def page(map_file: Path) -> Iterator[WebDriver]:
    with offline_chromium() as driver:
        driver.get(map_file.as_uri())
        wait_for(driver, "return !!(window.geomap && window.geomap.ready && window.geomap.legend)")
        yield driver
        assert_nothing_ran(driver)


def over_the_list(driver: WebDriver, body: str) -> list[Any]:
    """``body`` (a JavaScript function body of a row ``n``) on every row of the statement list, headers
    included, in order: the list is scrolled from top to bottom as a reader would, since it keeps only
    the rows near the view in the DOM."""
    return driver.execute_script(
        "var f = new Function('n', arguments[0]), l = document.querySelector('.geomap-list');"
        "var out = new Map(); l.scrollTop = 0; geomap.drawWindow();"
        "for (var i = 0; i < 10000; i++) {"
        "  document.querySelectorAll('.geomap-rows > *').forEach(function (n) {"
        "    var key = n.getAttribute('data-statement') || 'doc ' + n.getAttribute('data-doc');"
        "    if (!out.has(key)) out.set(key, f(n)); });"
        "  if (l.scrollTop + l.clientHeight >= l.scrollHeight - 1) break;"
        "  l.scrollTop += l.clientHeight; geomap.drawWindow(); }"
        "l.scrollTop = 0; geomap.drawWindow();"
        "return Array.from(out.values());",
        body,
    )


def assert_nothing_ran(driver: WebDriver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    assert driver.execute_script("return window.__geomapPwned === undefined")
    assert severe_logs(driver) == []


def test_page_loads_with_nothing_run(page: WebDriver) -> None:
    assert_nothing_ran(page)
    assert page.title == TITLE
    assert page.execute_script("return document.querySelector('.geomap-title').textContent") == TITLE
    # No element was made from report text anywhere in the document.
    made = page.execute_script(
        "return document.querySelectorAll('img, iframe, object, embed, b, [onerror], [onload]').length"
    )
    assert made == 0
    # Every <script> that mentions a payload is the JSON island, which is never run (a compressed
    # island is base64 text that mentions none, emptied once unpacked).
    scripts = page.execute_script(
        "return Array.from(document.scripts).filter(function (s) {"
        "  return s.textContent.indexOf('__geomapPwned') >= 0; }).map(function (s) {"
        "  return [s.id, s.type]; })"
    )
    island = page.execute_script(
        "var s = document.getElementById('geomap-data'); return [s.type, s.getAttribute('data-encoding')]"
    )
    if island[1] is None:
        assert scripts == [["geomap-data", "application/json"]]
    else:
        assert scripts == [] and island == ["text/plain", "deflate;base64"]


def test_panel_shows_every_payload_literally(page: WebDriver) -> None:
    rows = over_the_list(
        page,
        "if (n.classList.contains('geomap-doc')) return [n.getAttribute('data-doc'), n.textContent];"
        "return {"
        "  id: n.getAttribute('data-statement'),"
        "  text: n.querySelector('.geomap-text').textContent,"
        "  marks: Array.from(n.querySelectorAll('mark')).map(function (m) { return m.textContent; }),"
        "  speaker: n.querySelector('.geomap-speaker').textContent,"
        "  source: n.querySelector('.geomap-source').textContent,"
        "  tags: Array.from(n.querySelectorAll('.geomap-tag')).map(function (m) { return m.textContent; }),"
        "};",
    )
    items = [r for r in rows if isinstance(r, dict)]
    heads = [r for r in rows if isinstance(r, list)]
    by_id = {item["id"]: item for item in items}
    assert len(items) == len(PAYLOADS) + 1
    for payload in PAYLOADS:
        item = by_id[f"doc {payload}#0"]
        assert item["text"] == f"{payload}: fighting near Zawiya, officials said."
        assert item["marks"] == ["Zawiya"]  # the highlight is on the place, not shifted
        assert item["speaker"] == f"spokesman {payload}"
        assert item["source"] == f"Agency {payload}"
        assert item["tags"] == [f"cat {payload}".replace("_", " ")]
        assert [f"doc {payload}", f"Title {payload}"] in heads
    proto = by_id["__proto__#0"]  # a key like any other, not the object's prototype
    assert proto["marks"] == ["constructor"] and proto["speaker"] == "__proto__"
    assert proto["source"] == "constructor" and proto["tags"] == ["  proto  "]
    assert ["__proto__", "toString"] in heads


def test_only_http_urls_become_links(page: WebDriver) -> None:
    hrefs = page.execute_script(
        "return Array.from(document.querySelectorAll('a[href]')).filter(function (a) {"
        "  return !a.closest('.geomap-list'); }).map(function (a) {"
        "  return [a.getAttribute('href'), a.textContent]; })"
    )
    for links in over_the_list(
        page,
        "return Array.from(n.querySelectorAll('a[href]')).map(function (a) {"
        "  return [a.getAttribute('href'), a.textContent]; })",
    ):
        hrefs.extend(links)
    source_links = [h for h in hrefs if h[1].startswith("Agency ")]
    (https_url,) = [u for u in PAYLOAD_URLS if u.startswith("https://")]
    n_https = sum(1 for i in range(len(PAYLOADS)) if PAYLOAD_URLS[i % len(PAYLOAD_URLS)] == https_url)
    assert len(source_links) == n_https
    assert all(href == https_url for href, _ in source_links)
    for href, _ in hrefs:  # Leaflet's own buttons link to "#"
        assert href.lower().startswith(("https://", "http://", "#")), href


def test_popups_and_tooltips_show_payloads_literally(page: WebDriver) -> None:
    shown = page.execute_script(
        "var out = [];"
        "geomap.data.features.forEach(function (f, i) {"
        "  geomap.openPlace(i);"
        "  var layer = geomap.byPlace[f.properties.id][0];"
        "  var box = layer.getPopup().getElement().querySelector('.leaflet-popup-content');"
        "  layer.openTooltip(layer.getLatLng());"
        "  var tip = layer.getTooltip().getElement();"
        "  out.push({id: f.properties.id, name: box.querySelector('.geomap-pop-name').textContent,"
        "    quote: box.querySelector('q').textContent,"
        "    marks: Array.from(box.querySelectorAll('mark')).map(function (m) { return m.textContent; }),"
        "    made: box.querySelectorAll('script, img, b, svg, a[href^=\"javascript\" i]').length,"
        "    tip: tip ? tip.textContent : null});"
        "  layer.closeTooltip(); geomap.map.closePopup();"
        "});"
        "return out;"
    )
    by_id = {s["id"]: s for s in shown}
    assert len(shown) == len(PAYLOADS) + 1
    for i, payload in enumerate(PAYLOADS):
        s = by_id[f"test:{i}:{payload}"]
        assert s["name"] == f"Zawiya {payload}"
        assert s["tip"] == f"Zawiya {payload}"
        assert s["quote"] == f"{payload}: fighting near Zawiya, officials said."
        assert s["marks"] == ["Zawiya"]
        assert s["made"] == 0
    assert by_id["__proto__"]["name"] == "constructor"
    assert_nothing_ran(page)


def test_filters_show_payloads_literally_and_filter(page: WebDriver) -> None:
    chips = page.execute_script(
        "return Array.from(document.querySelectorAll('.geomap-chip-name')).map(function (l) {"
        "  return l.textContent; })"
    )
    reports = page.execute_script(
        "return Array.from(document.querySelectorAll('.geomap-filter-doc option')).map(function (o) {"
        "  return [o.value, o.textContent]; })"
    )
    for i, payload in enumerate(PAYLOADS):
        assert f"cat {payload}".replace("_", " ") in chips
        assert [f"doc {payload}", f"Title {payload} · 2019-05-{1 + i:02d}"] in reports
    assert ["__proto__", "toString · 2019-05-30"] in reports
    made = page.execute_script(
        "return document.querySelectorAll('.geomap-filters img, .geomap-filters b,"
        " .geomap-filters script, .geomap-chips img').length"
    )
    assert made == 0

    # Choosing the report of the <script> payload keeps only its statement and its place.
    page.execute_script(
        "var sel = document.querySelector('.geomap-filter-doc'); sel.value = arguments[0];"
        "sel.dispatchEvent(new Event('change'));",
        f"doc {PAYLOADS[5]}",
    )
    listed = page.execute_script(
        "return Array.from(document.querySelectorAll('.geomap-st')).map(function (n) {"
        "  return n.getAttribute('data-statement'); })"
    )
    assert listed == [f"doc {PAYLOADS[5]}#0"]
    assert page.execute_script("return geomap.countOnMap('points')") == 1
    # The report's id went into the URL hash as data and comes back out unchanged.
    assert page.execute_script("return new URLSearchParams(location.hash.slice(1)).get('doc')") == (
        f"doc {PAYLOADS[5]}"
    )
    page.execute_script(
        "var sel = document.querySelector('.geomap-filter-doc'); sel.value = '';"
        "sel.dispatchEvent(new Event('change'));"
    )
    assert_nothing_ran(page)


def test_legend_and_search_show_payloads_literally(page: WebDriver) -> None:
    legend = page.find_element("css selector", ".geomap-legend").get_attribute("textContent") or ""
    chips = page.find_element("css selector", ".geomap-chips").get_attribute("textContent") or ""
    for payload in PAYLOADS:
        assert f"cat {payload}".replace("_", " ") in chips
    # The legend names the first nine categories shown (one colour each), then "other".
    rows = page.execute_script(
        "return Array.from(document.querySelectorAll('.geomap-legend-cats .geomap-legend-row'))"
        "  .map(function (r) { return r.textContent; })"
    )
    assert len(rows) == 10 and all(r in legend for r in rows)
    assert all(r in chips for r in rows[:9])
    assert "other (6 categories)" in legend
    made = page.execute_script(
        "return document.querySelectorAll('.geomap-chips img, .geomap-chips b, .geomap-chips script,"
        " .geomap-legend img, .geomap-legend b, .geomap-legend script').length"
    )
    assert made == 0
    options = page.execute_script(
        "return Array.from(document.querySelectorAll('#geomap-place-names option')).map(function (o) {"
        "  return o.value; })"
    )
    # Each place's name, and once each spelling the reports used for it.
    assert sorted(options) == sorted([f"Zawiya {p}" for p in PAYLOADS] + ["constructor", "Zawiya"])
    for payload in (PAYLOADS[3], PAYLOADS[5], PAYLOADS[9]):
        assert (
            page.execute_script("return geomap.find(arguments[0])", f"Zawiya {payload}")
            == f"Zawiya {payload}"
        )
    assert_nothing_ran(page)
