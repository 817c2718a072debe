"""The HTML map, checked by structure (html.parser): layers, legend, escaping, offline assets."""

from __future__ import annotations

import ast
import base64
import datetime as dt
import json
import re
import sys
import tracemalloc
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser_util import HOSTILE, PAYLOADS, TRIPOLI, _document, payload_results, sample_results

import maps
import maps._html as maps_html

MAPS_DIR = Path(maps.__file__).parent
BASEMAP = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Land"},
            "geometry": {"type": "Polygon", "coordinates": [[[5, 18], [30, 18], [30, 38], [5, 38], [5, 18]]]},
        }
    ],
}


class Page(HTMLParser):
    """Collects elements with their attributes, and the text of every <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.title = ""
        self._in: str | None = None
        self._attrs: dict[str, str | None] = {}
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "title"):
            self._in, self._attrs, self._buf = tag, dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in == "script":
            self.scripts.append((self._attrs, "".join(self._buf)))
        elif tag == self._in == "title":
            self.title = "".join(self._buf)
        if tag == self._in:
            self._in = None

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def fs() -> maps.FeatureSet:
    return maps.build_features(sample_results())


@pytest.fixture(scope="module")
def online(fs: maps.FeatureSet) -> str:
    return maps.render_map(fs)


@pytest.fixture(scope="module")
def offline(fs: maps.FeatureSet) -> str:
    return maps.render_map(fs, offline=True, basemap=BASEMAP)


def blob_text(page: str) -> str:
    (data,) = [text for attrs, text in parse(page).scripts if attrs.get("id") == "geomap-data"]
    return data


def blob(page: str) -> dict:
    return json.loads(blob_text(page))


def config(page: str) -> dict:
    match = re.search(r"GeoMapApp\.init\((\{.*?\}), layer_control_[0-9a-f]+\);", page, re.S)
    assert match, "no GeoMapApp.init call"
    return json.loads(match.group(1))


def test_page_structure(online: str) -> None:
    page = parse(online)
    assert page.find("aside", id="geomap-panel")
    assert page.find("script", id="geomap-data", type="application/json")
    assert any("folium-map" in (a.get("class") or "") for _, a in page.elements)
    cfg = config(online)
    assert re.fullmatch(r"map_[0-9a-f]+", cfg["map"])
    assert f"var {cfg['map']} = L.map(" in online
    assert "L.control.scale()" in online
    assert "L.control.fullscreen(" in online
    assert "GeoMapApp.legend(" in online


def test_layers_are_in_the_layer_control(online: str) -> None:
    cfg = config(online)
    assert set(cfg["groups"]) == {"points", "areas", "lines", "dateline", "actors"}
    control = re.search(r"overlays\s*:\s*\{(.*?)\}", online, re.S)
    assert control
    for name in cfg["groups"].values():
        assert name in control.group(1)
    for label in ("Points: towns", "Areas: countries", "Lines: borders", "Dateline:", "Actors:"):
        assert label in control.group(1)
    # The category and source switches are built by geomap.js from the data island: their labels
    # come from reports, so they never go through folium's templates.
    filters = blob(online)["filters"]
    assert [(f["key"], f["label"]) for f in filters["categories"]] == [
        ("armed clash", "Activity: armed clash (1)"),
        ("border crossing", "Activity: border crossing (1)"),
        ("diplomacy", "Activity: diplomacy (2)"),
        ("shelling", "Activity: shelling (1)"),
        ("weapons convoy", "Activity: weapons convoy (1)"),
    ]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", f["color"]) for f in filters["categories"])
    assert [(f["key"], f["label"]) for f in filters["sources"]] == [
        ("wire-2019-04-08", "Source: Example Wire, 2019-04-08"),
        ("wire-2019-04-10", "Source: Other <i>Agency</i>, 2019-04-10"),
    ]
    assert "Activity: shelling" not in control.group(1) and "Source:" not in online.replace(
        blob_text(online), ""
    )
    # Actors start hidden; every other group is on the map from the start.
    for key, name in cfg["groups"].items():
        assert (f"{name}.addTo(" in online) == (key != "actors"), key


def test_features_are_grouped_by_geometry_and_role(online: str) -> None:
    data = blob(online)
    groups: dict[str, list[str]] = {}
    for f in data["features"]:
        groups.setdefault(f["properties"]["group"], []).append(f["properties"]["name"])
    assert sorted(groups["points"]) == ["Benghazi", "Tripoli"]
    assert groups["dateline"] == ["Tunis"]
    assert groups["lines"] == ["Libya–Tunisia border"]
    assert groups["actors"] == ["France"]
    assert sorted(groups["areas"]) == ["Libya", "Misrata District", "outskirts of Tripoli", "southern Fezzan"]


def test_statements_link_to_places_both_ways(online: str) -> None:
    data = blob(online)
    names = [f["properties"]["name"] for f in data["features"]]
    st = next(s for s in data["statements"] if s["id"] == "wire-2019-04-08#1")
    assert sorted(names[i] for i in st["p"]) == ["Misrata District", "southern Fezzan"]
    assert [st["t"][s:e] for s, e, _ in st["m"]] == ["Misrata District", "southern Fezzan", "Wadi Qattara"]
    assert st["m"][-1][2] == -1  # unresolved
    for i, f in enumerate(data["features"]):
        for si in f["properties"]["st"]:
            assert i in data["statements"][si]["p"]


def test_legend_lists_categories_and_kinds(online: str) -> None:
    data = blob(online)
    assert [c["name"] for c in data["categories"]] == sorted(c["name"] for c in data["categories"])
    assert len({c["color"] for c in data["categories"]}) == len(data["categories"])
    assert {k["key"] for k in data["kinds"]} == {
        "point",
        "dateline",
        "region",
        "part",
        "ring",
        "border",
        "actor",
    }


def test_report_text_is_escaped_everywhere(online: str, offline: str) -> None:
    for html_page in (online, offline):
        page = parse(html_page)
        assert "<script>alert(1)" not in html_page
        assert "alert(2)" not in html_page.replace("alert(2)\\", "")  # only inside the escaped blob
        assert "<b>bold</b>" not in html_page and "<b>closed</b>" not in html_page
        assert "<i>Agency</i>" not in html_page
        # Every <script> is either ours (inline code) or the JSON blob; none comes from a report.
        for attrs, text in page.scripts:
            assert "alert(1)" not in text or attrs.get("id") == "geomap-data"
        data = blob(html_page)
        texts = [s["t"] for s in data["statements"]]
        assert any(t.startswith(HOSTILE) for t in texts)  # round-trips exactly, backtick included
        assert data["docs"]["wire-2019-04-10"]["title"] == "Border <b>closed</b> </script>"
        assert page.title == "Places in 2 reports"
        # The blob's raw text has no character that could close the element.
        raw = next(t for a, t in page.scripts if a.get("id") == "geomap-data")
        assert "<" not in raw and ">" not in raw and "&" not in raw


def test_hostile_title_and_layer_names_are_escaped(fs: maps.FeatureSet) -> None:
    page = maps.render_map(fs, title='</title><script>alert("t")</script>')
    parsed = parse(page)
    assert parsed.title == '</title><script>alert("t")</script>'
    assert '<script>alert("t")' not in page
    # The source label is only in the data island, escaped there; geomap.js escapes it for Leaflet.
    assert "Source: Other \\u003ci\\u003eAgency" in page
    assert "Source: Other <i>" not in page and "Source: Other &lt;i&gt;" not in page


def test_javascript_urls_are_not_linked(online: str) -> None:
    js = (MAPS_DIR / "static" / "geomap.js").read_text()
    assert not re.search(r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write", js)
    assert "https?:" in js  # safeUrl keeps only http(s) links
    assert "javascript:alert(3)" in json.dumps(blob(online)["docs"])  # kept as data, not as a link


@pytest.mark.parametrize("which", ["online", "offline"])
def test_every_page_loads_nothing_from_the_network(which: str, online: str, offline: str) -> None:
    """Online or not, Leaflet, MarkerCluster and geomap's code are inlined: no script or style is fetched."""
    text = online if which == "online" else offline
    page = parse(text)
    for tag, attrs in page.elements:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            if tag in ("script", "link", "img", "iframe"):
                assert not value.startswith(("http://", "https://", "//")), (tag, value)
    assert not page.find("link", rel="stylesheet")
    # Tiles, if any, are added by geomap.js once one has loaded: folium draws no tile layer.
    assert "tile.openstreetmap.org" not in text.replace(blob_text(text), "")
    assert "Control.FullScreen" in text  # plugin inlined
    assert "L.MarkerClusterGroup=" in text  # clustering inlined
    assert len([1 for a, t in page.scripts if "Leaflet" in t and "L.version" not in t]) >= 1


def test_offline_page_asks_for_no_tiles(offline: str) -> None:
    assert "tile.openstreetmap" not in offline and "basemaps.cartocdn" not in offline
    assert config(offline)["offline"] is True
    assert blob(offline)["tiles"] is None
    assert blob(offline)["basemap"] == BASEMAP
    assert "basemap" in config(offline)["groups"]


def test_online_page_adds_tiles_and_credits_sources(online: str) -> None:
    tiles = blob(online)["tiles"]
    assert tiles["url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap" in tiles["attribution"]
    assert config(online)["offline"] is False
    attribution = config(online)["attribution"]
    assert "GeoNames" in attribution and "CC BY 4.0" in attribution and "Natural Earth" in attribution


@pytest.mark.parametrize(
    ("tiles", "url"),
    [
        ("none", None),
        ("NONE", None),
        ("CartoDB.Positron", "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"),
        ("https://tiles.example/{z}/{x}/{y}.png", "https://tiles.example/{z}/{x}/{y}.png"),
    ],
)
def test_tile_choices(fs: maps.FeatureSet, tiles: str, url: str | None) -> None:
    spec = maps_html.tile_spec(tiles)
    assert (spec and spec["url"]) == url
    if url and url.startswith("https://tiles.example"):
        assert spec is not None and spec["attribution"] == "Tiles: tiles.example"


def test_display_geometry_is_simplified_and_exports_are_not() -> None:
    from shapely.geometry import Point

    circle = Point(13.18, 32.89).buffer(1.0, quad_segs=512)  # 2,049 vertices
    simple = maps_html.display_geometry(circle)
    assert len(simple.exterior.coords) < len(circle.exterior.coords) / 4
    assert simple.symmetric_difference(circle).area < circle.area * 0.005
    small = Point(0, 0).buffer(1.0, quad_segs=4)
    assert maps_html.display_geometry(small) is small


def test_single_date_has_no_time_filter_data() -> None:
    fs = maps.build_features(sample_results()[:1])
    data = blob(maps.render_map(fs, offline=True))
    assert data["dates"] == ["2019-04-08"]
    assert blob(maps.render_map(fs))["filters"]["sources"] == []  # one source: no per-source switches


def test_write_map(tmp_path: Path, fs: maps.FeatureSet) -> None:
    path = tmp_path / "map.html"
    maps.write_map(fs, path, offline=True, title="Test map")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert parse(text).title == "Test map"


def unpack(page: str) -> dict:
    """The data of a page whose island is compressed (checked to be nothing but base64 text)."""
    ((attrs, raw),) = [(a, t) for a, t in parse(page).scripts if a.get("id") == "geomap-data"]
    assert attrs == {"type": "text/plain", "id": "geomap-data", "data-encoding": "deflate;base64"}
    assert re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", raw)
    return json.loads(zlib.decompress(base64.b64decode(raw, validate=True)).decode("utf-8"))


def test_compressed_island_holds_the_same_data(fs: maps.FeatureSet) -> None:
    plain = maps.render_map(fs, offline=True, basemap=BASEMAP, compress=False)
    packed = maps.render_map(fs, offline=True, basemap=BASEMAP, compress=True)
    assert unpack(packed) == blob(plain)
    assert HOSTILE not in packed and "alert(" not in packed.split('id="geomap-data"', 1)[1]
    # Everything else in the two pages is the same.
    assert re.sub(r'<script type="[^"]+" id="geomap-data"[^>]*>[^<]*</script>', "", packed) == re.sub(
        r'<script type="[^"]+" id="geomap-data"[^>]*>[^<]*</script>', "", plain
    )


def test_hostile_report_strings_come_out_of_a_compressed_island_as_they_went_in() -> None:
    page = maps.render_map(maps.build_features(payload_results()), compress=True)
    data = unpack(page)
    statements = {s["doc"]: s for s in data["statements"]}
    for payload in PAYLOADS:
        st = statements[f"doc {payload}"]
        assert st["t"] == f"{payload}: fighting near Zawiya, officials said."
        assert st["sp"] == f"spokesman {payload}"
        assert data["docs"][f"doc {payload}"]["title"] == f"Title {payload}"
        assert [st["t"][a:b] for a, b, _ in st["m"]] == ["Zawiya"]
        # Nowhere in the page as text: the island is base64, the rest is ours.
        assert payload.split(" ", 1)[1] not in page
    for marker in ("__geomapPwned", "makedirs", "lipsum", "Zawiya", "spokesman"):
        assert marker not in page


def test_island_is_compressed_when_the_reports_data_is_large(
    fs: maps.FeatureSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = len("".join(maps_html._island(fs, maps_html._payload(fs, "t", None) | {"tiles": None})))
    packed = 'id="geomap-data" data-encoding="deflate;base64">'
    monkeypatch.setattr(maps_html, "COMPRESS_ABOVE", size - 1)
    assert packed in maps.render_map(fs, offline=True, title="t")
    monkeypatch.setattr(maps_html, "COMPRESS_ABOVE", size)
    assert packed not in maps.render_map(fs, offline=True, title="t")
    # The basemap does not count: it is the same in every map.
    assert packed not in maps.render_map(fs, offline=True, title="t", basemap=BASEMAP)


@pytest.mark.parametrize("step", [1, 2, 3, 7, 1 << 20])
def test_deflate_base64_pieces_join_into_one_text(step: int) -> None:
    text = "Ḩarastā, Dūmā 𝔘 " * 5000 + '"</script>" & more'
    pieces = list(maps_html._deflate_base64([text[i : i + step] for i in range(0, len(text), step)]))
    assert all(len(p) % 4 == 0 for p in pieces[:-1])
    assert zlib.decompress(base64.b64decode("".join(pieces))).decode("utf-8") == text


@pytest.mark.parametrize("compress", [False, True])
def test_write_map_writes_the_page_render_map_returns(
    tmp_path: Path, fs: maps.FeatureSet, compress: bool
) -> None:
    path = tmp_path / "map.html"
    maps.write_map(fs, path, basemap=BASEMAP, title="T", compress=compress)
    assert path.read_text(encoding="utf-8") == maps.render_map(
        fs, basemap=BASEMAP, title="T", compress=compress
    )


def _peak(work) -> int:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        work()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_write_map_holds_the_page_once_at_most(tmp_path: Path) -> None:
    """Written in pieces (before the island, the island, after it), the page is never held whole:
    writing peaks at least one island lower than making the page as one string, and the island is
    serialised a few hundred rows at a time, never held as Python objects and as text at once."""
    results = [
        _document(
            f"r{d}",
            dt.date(2024, 1, 1),
            "Wire",
            None,
            f"Report {d}",
            [
                (
                    f"Fighting near Tripoli was reported again, item {d}-{k}. " * 3,
                    None,
                    ("shelling",),
                    [("Tripoli", TRIPOLI, "location", "name")],
                )
                for k in range(5)
            ],
        )
        for d in range(900)
    ]
    fs = maps.build_features(results)
    page = maps.render_map(fs, compress=False)
    island = len(blob_text(page))
    assert island > 1_000_000
    in_one_string = _peak(lambda: maps.render_map(fs, compress=False))
    written = _peak(lambda: maps.write_map(fs, tmp_path / "map.html", compress=False))
    assert (tmp_path / "map.html").read_text(encoding="utf-8") == page
    assert written < in_one_string - 0.8 * island, (written, in_one_string, island)
    assert written < 2.5 * island, (written, island)  # the island, and the features it is made from


def test_empty_feature_set_renders() -> None:
    page = maps.render_map(maps.build_features([]), offline=True)
    assert blob(page)["features"] == []


def test_public_api() -> None:
    assert sorted(maps.__all__) == sorted(
        [
            "build_features",
            "document_part",
            "DocumentPart",
            "FeatureBuilder",
            "FeatureSet",
            "OutputError",
            "load_map_writer",
            "tile_spec",
            "render_map",
            "write_map",
            "write_geojson",
            "write_gpkg",
            "write_csv",
        ]
    )
    for name in maps.__all__:
        assert getattr(maps, name)


def test_maps_imports_neither_gazetteer_nor_text_parsing() -> None:
    for path in MAPS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top not in ("gazetteer", "spacy", "geomap"), (path.name, module)
                if top == "geo":
                    assert module == "geo._types", (path.name, module)


@pytest.mark.parametrize("tiles", ["{{7*7}}", "NoSuchProvider"])
def test_unknown_tile_provider_is_named(fs: maps.FeatureSet, tiles: str) -> None:
    with pytest.raises(ValueError, match=f"unknown tile provider {re.escape(repr(tiles))}"):
        maps.render_map(fs, tiles=tiles)


@pytest.mark.parametrize(
    "tiles",
    [
        "http://tiles.example/{z}/{x}/{y}.png",
        "https://tiles.example/{{z}}/{x}/{y}.png",
        "https://tiles.example/{z}/{x}.png",
        'https://tiles.example/{z}/{x}/{y}.png"><script>',
        "https://tiles.example/{z}/{x}/{y}.png?k={key}",
    ],
)
def test_bad_tile_url_templates_are_refused(fs: maps.FeatureSet, tiles: str) -> None:
    with pytest.raises(ValueError, match="not a tile URL template"):
        maps.render_map(fs, tiles=tiles)


def test_a_places_statement_rows_are_its_statements(fs: maps.FeatureSet) -> None:
    """The writers read a place's statements' documents, indices and categories from the rows kept
    once (no per-place copy made for each): the same values, in the same order, as the statements."""
    from maps._features import statement_rows_of

    assert fs.features
    for feature in fs.features:
        rows = statement_rows_of(feature.statements)
        assert [(r.doc, r.index, r.categories) for r in rows] == [
            (s.doc, s.index, s.categories) for s in feature.statements
        ]
    plain = tuple(fs.features[0].statements)
    assert statement_rows_of(plain) is plain
