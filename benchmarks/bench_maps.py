"""Benchmark the map: HTML size, build time and time until usable in headless Chromium.

For 100, 1,000 and 10,000 synthetic reports (five statements each, naming one or two places drawn
from a shared pool, as local news keeps naming the same towns) it builds the geomap page and, side by
side in the same run, folium's own MarkerCluster page on the same places (one Marker + Popup per
place, clustered), inlined the same way so both load with the network cut off.  The geomap page is
measured twice: as the command line makes it by default (online tiles asked for, which fail here and
leave the Natural Earth basemap) and with ``tiles="none"``.  ``--places`` runs the older per-place
table (10 to 10,000 places against a naive Marker-per-mention page).

"Usable" is the time from navigation until the page says it is ready and two frames are painted;
``--repeat N`` loads each geomap page N times and prints the best and the median (the machine is
shared), with the load average.  After the table, the start-up phases of the largest geomap page
(``performance.mark`` calls in geomap.js) and the number of DOM nodes.

Run: ``PYTHONPATH=. python benchmarks/bench_maps.py [--reports 100 1000 10000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from shapely.geometry import LineString, Polygon

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import maps
from geo._types import Coordinate, Document, Mention, ParseResult, Place, Resolution, Statement
from maps._html import _inline_assets

CATEGORIES = ("air strike", "ceasefire", "ceasefire violation", "diplomacy", "shelling", "weapons convoy")


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.platform()} | Python {platform.python_version()} | CPU: {cpu} | nproc: {os.cpu_count()}"
    )


def synthetic(n_places: int, seed: int = 7) -> list[ParseResult]:
    """``n_places`` places (70 % points, 20 % areas, 5 % lines, 5 % actors) in reports of 20 sentences."""
    rng = random.Random(seed)
    places = []
    for i in range(n_places):
        lat, lon = rng.uniform(-50, 60), rng.uniform(-120, 150)
        r = rng.random()
        if r < 0.70:
            places.append(
                (Place(f"p:{i:06d}", f"Town {i}", "city", "XX", Coordinate(lat, lon), 1, i), "location")
            )
        elif r < 0.90:
            rad = rng.uniform(0.2, 2.0)
            ring = [
                (lon + rad * math.cos(a / 32 * 2 * math.pi), lat + 0.8 * rad * math.sin(a / 32 * 2 * math.pi))
                for a in range(32)
            ]
            places.append(
                (
                    Place(
                        f"a:{i:06d}",
                        f"Province {i}",
                        "admin1",
                        "XX",
                        Coordinate(lat, lon),
                        3 if rng.random() < 0.7 else 2,
                        geometry=Polygon(ring),
                    ),
                    "location",
                )
            )
        elif r < 0.95:
            line = LineString([(lon + k * 0.3, lat + rng.uniform(-0.3, 0.3)) for k in range(8)])
            places.append(
                (
                    Place(
                        f"l:{i:06d}", f"Border {i}", "border", "XX", Coordinate(lat, lon), 2, geometry=line
                    ),
                    "location",
                )
            )
        else:
            box = Polygon([(lon, lat), (lon + 3, lat), (lon + 3, lat + 2), (lon, lat + 2)])
            places.append(
                (
                    Place(
                        f"c:{i:06d}", f"Country {i}", "country", "XX", Coordinate(lat, lon), 3, geometry=box
                    ),
                    "actor",
                )
            )

    # Every place is mentioned once or twice; each sentence mentions two places.
    order = [p for p in places for _ in range(rng.choice((1, 1, 2)))]
    rng.shuffle(order)
    results = []
    per_doc = 20
    sentences = [order[k : k + 2] for k in range(0, len(order), 2)]
    for d in range(0, len(sentences), per_doc):
        doc_id = f"doc-{d // per_doc:05d}"
        date = dt.date(2016, 5, 1) + dt.timedelta(days=(d // per_doc) % 20)
        text, statements, resolutions = "", [], []
        for idx, pair in enumerate(sentences[d : d + per_doc]):
            names = [p.name for p, _ in pair]
            sentence = f"Officials said that fighting near {' and '.join(names)} continued on Friday."
            start = len(text) + (1 if text else 0)
            text = (text + " " if text else "") + sentence
            statements.append(
                Statement(
                    doc_id,
                    idx,
                    start,
                    start + len(sentence),
                    sentence,
                    "a spokesman",
                    date,
                    (rng.choice(CATEGORIES),),
                )
            )
            cursor = 0
            for place, role in pair:
                at = sentence.index(place.name, cursor)
                cursor = at + len(place.name)
                m = Mention(doc_id, start + at, start + at + len(place.name), place.name, idx, place.name)
                resolutions.append(Resolution(m, place, role, 0.9))
        doc = Document(
            doc_id, text, date, "Synthetic Wire", f"https://example.org/{doc_id}", f"Report {doc_id}"
        )
        results.append(ParseResult(doc, tuple(statements), tuple(resolutions)))
    return results


def synthetic_reports(n_reports: int, seed: int = 11) -> list[ParseResult]:
    """``n_reports`` reports of five statements; a pool of places reused with a long tail."""
    rng = random.Random(seed)
    n_pool = min(20000, 40 + 2 * n_reports)
    pool = []
    for i in range(n_pool):
        lat, lon = rng.gauss(34, 3), rng.gauss(38, 4)
        if i % 25 == 24:
            ring = [
                (lon + 0.6 * math.cos(a / 48 * 2 * math.pi), lat + 0.5 * math.sin(a / 48 * 2 * math.pi))
                for a in range(48)
            ]
            pool.append(
                Place(
                    f"a:{i:06d}",
                    f"District {i}",
                    "admin2",
                    "SY",
                    Coordinate(lat, lon),
                    3,
                    i,
                    geometry=Polygon(ring),
                )
            )
        else:
            pool.append(Place(f"p:{i:06d}", f"Town {i}", "city", "SY", Coordinate(lat, lon), 1, i))
    weights = [1 / (k + 1) ** 0.8 for k in range(n_pool)]
    results = []
    for d in range(n_reports):
        doc_id = f"doc-{d:05d}"
        date = dt.date(2024, 1, 1) + dt.timedelta(days=d % 365)
        text, statements, resolutions = "", [], []
        for idx in range(5):
            pair = list(dict.fromkeys(rng.choices(pool, weights, k=rng.choice((1, 2)))))
            names = [p.name for p in pair]
            sentence = (
                f"Residents said there was {CATEGORIES[idx % len(CATEGORIES)]} near {' and '.join(names)}."
            )
            start = len(text) + (1 if text else 0)
            text = (text + " " if text else "") + sentence
            statements.append(
                Statement(
                    doc_id,
                    idx,
                    start,
                    start + len(sentence),
                    sentence,
                    None,
                    date,
                    (CATEGORIES[(idx + d) % len(CATEGORIES)],),
                )
            )
            cursor = 0
            for place in pair:
                at = sentence.index(place.name, cursor)
                cursor = at + len(place.name)
                m = Mention(doc_id, start + at, start + at + len(place.name), place.name, idx, place.name)
                resolutions.append(Resolution(m, place, "location", 0.9))
        doc = Document(doc_id, text, date, "Synthetic Local", f"https://example.org/{doc_id}", f"Report {d}")
        results.append(ParseResult(doc, tuple(statements), tuple(resolutions)))
    return results


def cluster_page(fs: maps.FeatureSet) -> str:
    """folium's own MarkerCluster on the same places: one Marker + Popup (its statements) each."""
    import folium
    from folium.plugins import MarkerCluster

    fmap = folium.Map(location=[34, 38], zoom_start=5)  # folium's default OSM tiles: they fail offline
    cluster = MarkerCluster().add_to(fmap)
    for f in fs.features:
        pt = f.geometry.representative_point()  # (lon, lat); folium wants [lat, lon]
        text = "<br>".join(html.escape(s.text) for s in f.statements[:25])
        folium.Marker(
            [pt.y, pt.x], popup=folium.Popup(text, max_width=300), tooltip=html.escape(f.name)
        ).add_to(cluster)
    return _inline_assets(fmap.get_root().render())


PHASES_JS = """
var nav = performance.getEntriesByType('navigation')[0], out = {html: nav.domInteractive};
performance.getEntriesByType('mark').forEach(function (m) { out[m.name] = m.startTime; });
out.nodes = document.getElementsByTagName('*').length;
out.listNodes = document.querySelector('.geomap-list').getElementsByTagName('*').length;
return out;
"""
#: The marks geomap.js sets, in order, and what happens before each.
PHASES = (
    ("html", "HTML parsed, scripts run"),
    ("geomap-island-inflated", "data island unpacked (base64, DecompressionStream)"),
    ("geomap-data", "JSON parsed"),
    ("geomap-panel", "panel built (search, filters, chips, timeline)"),
    ("geomap-fitted", "legend, basemap, view fitted to the data"),
    ("geomap-drawn", "places drawn and clustered"),
    ("geomap-filtered", "colours, histogram, list (windowed)"),
    ("geomap-ready", "ready"),
)


def _best_median(times: list[float]) -> str:
    if len(times) == 1:
        return _fmt(times[0], "s")
    return f"{_fmt(min(times), 's')} / {_fmt(statistics.median(times), 's')}"


def reports_table(driver, sizes: list[int], workdir: Path, repeat: int = 1) -> None:  # type: ignore[no-untyped-def]
    """The issue-11 table: per number of reports, geomap (default and no tiles) vs folium MarkerCluster."""
    ready_js = "return document.documentElement.getAttribute('data-geomap-ready') === '1'"
    both = " (best / median)" if repeat > 1 else ""
    print(
        f"| reports | statements | places | geomap HTML | build | usable, default tiles (no network){both} "
        f"| usable, tiles none{both} | DOM nodes | load avg | MarkerCluster HTML | build | usable |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    phases = None
    for n in sizes:
        results = synthetic_reports(n)
        t0 = time.perf_counter()
        fs = maps.build_features(results)
        page = maps.render_map(fs)
        build = time.perf_counter() - t0
        ours = workdir / f"geomap-r{n}.html"
        ours.write_text(page, encoding="utf-8")
        bare = workdir / f"geomap-r{n}-none.html"
        bare.write_text(maps.render_map(fs, tiles="none"), encoding="utf-8")
        t0 = time.perf_counter()
        cpage = cluster_page(fs)
        cbuild = time.perf_counter() - t0
        clustered = workdir / f"cluster-r{n}.html"
        clustered.write_text(cpage, encoding="utf-8")
        usable: list[float] = []
        usable_none: list[float] = []
        cusable = nodes = None
        if driver:
            for _ in range(repeat):
                usable.append(page_ready_seconds(driver, ours, ready_js))
                phases = driver.execute_script(PHASES_JS)
                usable_none.append(page_ready_seconds(driver, bare, ready_js))
            nodes = phases["nodes"]
            cusable = page_ready_seconds(
                driver,
                clustered,
                "return document.readyState === 'complete' && !!document.querySelector"
                "('.marker-cluster, .leaflet-marker-icon')",
            )
        print(
            f"| {n:,} | {len(fs.statements):,} | {len(fs.features):,} | {_fmt(len(page.encode()), 'MB')} | "
            f"{_fmt(build, 's')} | {_best_median(usable) if usable else '—'} | "
            f"{_best_median(usable_none) if usable_none else '—'} | {nodes if nodes else '—'} | "
            f"{os.getloadavg()[0]:.1f} | "
            f"{_fmt(len(cpage.encode()), 'MB')} | {_fmt(cbuild, 's')} | {_fmt(cusable, 's')} |",
            flush=True,
        )
    if phases:
        print(
            f"\nStart-up of the last geomap page ({sizes[-1]:,} reports, default tiles), ms since navigation:"
        )
        last = 0.0
        for mark, what in PHASES:
            if mark in phases:
                print(f"- {phases[mark]:6.0f} ms (+{phases[mark] - last:4.0f}) {what}")
                last = phases[mark]
        print(f"- DOM nodes: {phases['nodes']:,}, of them in the statement list: {phases['listNodes']:,}")


def naive_page(results: list[ParseResult]) -> str:
    """One folium Marker + Popup per mention, the way most scripts do it."""
    import folium

    fmap = folium.Map(location=[20, 10], zoom_start=2, tiles=None)
    for res in results:
        texts = {st.index: st.text for st in res.statements}
        for r in res.resolutions:
            if r.place is None:
                continue
            popup = folium.Popup(html.escape(texts[r.mention.sentence]), max_width=300)
            folium.Marker(
                [r.place.point.lat, r.place.point.lon], popup=popup, tooltip=html.escape(r.place.name)
            ).add_to(fmap)
    return _inline_assets(fmap.get_root().render())


def page_ready_seconds(driver, path: Path, ready_js: str) -> float:  # type: ignore[no-untyped-def]
    """Wall time from navigation to the page being ready and painted (two animation frames)."""
    t0 = time.perf_counter()
    driver.get(path.as_uri())
    deadline = t0 + 600
    while not driver.execute_script(ready_js):
        if time.perf_counter() > deadline:
            raise TimeoutError(path)
        time.sleep(0.02)
    driver.execute_async_script(
        "var done = arguments[0];"
        "requestAnimationFrame(function () { requestAnimationFrame(function () { done(); }); });"
    )
    return time.perf_counter() - t0


def make_driver(profile: str):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-quic",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,900",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    driver.set_page_load_timeout(600)
    driver.set_script_timeout(600)
    return driver


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--places", action="store_true", help="also the older table by number of places")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument(
        "--naive-max", type=int, default=10000, help="largest size to build the naive map for"
    )
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="loads of each geomap page (best, median)")
    args = parser.parse_args(argv)

    print(machine())
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    workdir = Path(tempfile.mkdtemp(prefix="bench-maps-"))
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    driver = None if args.no_browser else make_driver(profile)
    rows = []
    try:
        reports_table(driver, args.reports, workdir, args.repeat)
        for n in args.sizes if args.places else []:
            results = synthetic(n)
            n_mentions = sum(len(r.resolutions) for r in results)
            t0 = time.perf_counter()
            fs = maps.build_features(results)
            t1 = time.perf_counter()
            page = maps.render_map(fs, offline=True)
            t2 = time.perf_counter()
            ours = workdir / f"geomap-{n}.html"
            ours.write_text(page, encoding="utf-8")
            ready = (
                page_ready_seconds(driver, ours, "return !!(window.geomap && window.geomap.ready)")
                if driver
                else None
            )
            row = {
                "n": n,
                "mentions": n_mentions,
                "size": len(page.encode()),
                "build": t2 - t0,
                "features": t1 - t0,
                "ready": ready,
                "naive_size": None,
                "naive_build": None,
                "naive_ready": None,
            }
            if n <= args.naive_max:
                t0 = time.perf_counter()
                npage = naive_page(results)
                row["naive_build"] = time.perf_counter() - t0
                row["naive_size"] = len(npage.encode())
                naive = workdir / f"naive-{n}.html"
                naive.write_text(npage, encoding="utf-8")
                if driver:
                    row["naive_ready"] = page_ready_seconds(
                        driver, naive, "return document.readyState === 'complete'"
                    )
            rows.append(row)
            print_row(row, header=len(rows) == 1)
    finally:
        if driver:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value / 1e6:.2f} MB"
    return f"{value:.2f} s"


def print_row(row: dict, *, header: bool) -> None:
    if header:
        print(
            "| places | mentions | geomap HTML | geomap build | geomap ready "
            "| naive HTML | naive build | naive ready |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {row['n']:,} | {row['mentions']:,} | {_fmt(row['size'], 'MB')} | {_fmt(row['build'], 's')} | "
        f"{_fmt(row['ready'], 's')} | {_fmt(row['naive_size'], 'MB')} | {_fmt(row['naive_build'], 's')} | "
        f"{_fmt(row['naive_ready'], 's')} |",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
