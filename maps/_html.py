"""The interactive map: a folium page with switchable layers, a legend and a statements panel.

Report text is data, never a template or a script.  folium (through branca) renders each element's
output and then parses it again as a Jinja2 template, so any ``{{ }}``, ``{% %}`` or ``{# #}`` that
reached an element would be evaluated: a report could run code as the user.  So the page that folium
renders holds only strings written here (element ids, constant labels, counts); everything that comes
from a report (text, ids, titles, sources, URLs, speakers, categories, place names) and the
``title`` travel in one data island.  The island, the ``<title>`` text and our own script and
stylesheet are put into the rendered page afterwards, each by replacing a random placeholder that must
occur exactly once.  The island is JSON with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped as
``\\u003c`` etc., so a ``</script>`` in a report cannot end it, in a ``<script
type="application/json">`` element; above ``COMPRESS_ABOVE`` bytes (a few thousand statements) the same
JSON is stored zlib-compressed and base64-encoded in a ``<script type="text/plain"
data-encoding="deflate;base64">`` element (a sixth of the size; nothing but ``A-Za-z0-9+/=``).

geomap.js reads the island with ``JSON.parse`` (after unpacking it with the browser's
``DecompressionStream``) and builds popups, the panel (search, filters, category chips, timeline,
the statement list), the legend and the downloads from it with ``textContent``; the config passed
to ``GeoMapApp.init`` holds no report string.

The page works with no network: Leaflet, Leaflet.markercluster (1.1.0, MIT, the copy that the
folium-offline package ships) and geomap's script and stylesheet are always inlined, the Natural
Earth basemap is drawn underneath, and online tiles (:func:`tile_spec`) are added over it only once
a first tile has loaded.  The panel is built before anything is drawn, and if the map cannot be
made at all the statements are listed plainly.

Every place is one feature of one ``L.geoJSON`` layer per group (points, areas, lines, dateline,
actors); points are clustered with counts; a group that starts hidden (actors) is drawn when first
shown.  Categories, reports, text, time and "only what is in view" filter the statements; a place
stays on the map while at least one of its statements is shown, and takes the colour of its most
frequent shown category.  Shapes are simplified for display (:func:`display_geometry`); the
GeoJSON, GeoPackage and CSV files keep the full geometry.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import os
import re
import secrets
import warnings
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

import folium
import shapely
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen, MarkerCluster
from folium.template import Template
from shapely.geometry.base import BaseGeometry

from maps._features import FeatureSet, PlaceFeature, geometry_to_geojson, statement_rows_of
from maps._io import atomic_open

__all__ = ["Legend", "StatementsPanel", "render_map", "write_map"]

log = logging.getLogger(__name__)

#: Colour-blind-safe qualitative palette.  Together with OTHER_COLOR and DEFAULT_COLOR, any two of
#: these colours are at least 12.4 ΔE00 (CIEDE2000) apart for normal vision and as simulated for
#: protanopia, deuteranopia and tritanopia (tests/test_palette.py).  geomap.js gives them to the
#: categories shown, most frequent first, so no two shown categories share one; past nine shown, the
#: rest are drawn as "other" (OTHER_COLOR).
PALETTE = (
    "#11A2FF",
    "#DC9B0C",
    "#10995E",
    "#D94C14",
    "#9E42C6",
    "#F457BA",
    "#2AD577",
    "#B7000D",
    "#7A0397",
)
OTHER_COLOR = "#8A8A8A"
DEFAULT_COLOR = "#4a5a6a"
ACTOR_COLOR = "#7b7b7b"
HIGHLIGHT_COLOR = "#d1495b"
#: Above this many documents the per-source switches would swamp the layer control.
MAX_SOURCE_LAYERS = 30
#: Decimals kept for drawing (about a metre); the GeoJSON file keeps six.
MAP_DECIMALS = 5
#: Width in screen pixels of a shape fitted to the map: sets the display simplification tolerance.
DISPLAY_PIXELS = 1500
#: A data island with more than this many characters of JSON from the reports (the basemap not
#: counted) is stored compressed (from about 2,500 statements); smaller ones stay plain JSON,
#: readable in the page's source.
COMPRESS_ABOVE = 1_000_000
#: The ``data-encoding`` of a compressed island, as geomap.js expects it.
ISLAND_ENCODING = "deflate;base64"

ATTRIBUTION = (
    'Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0) · '
    'Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a>'
)

GROUPS = (
    ("points", "Points: towns and exact places"),
    ("areas", "Areas: countries, provinces, parts"),
    ("lines", "Lines: borders"),
    ("dateline", "Dateline: where the report was filed"),
    ("actors", "Actors: states named as who acts"),
)
KIND_LABELS = {
    "city": "town",
    "country": "country",
    "admin1": "province",
    "admin2": "district",
    "part": "part of a region",
    "ring": "ring around a city",
    "suburbs": "suburbs",
    "border": "border",
    "offset": "area off a place",
    "district": "county or district",
    "continent": "continent",
    "region": "region",
    "between": "area between two places",
    "other": "place",
}
LEGEND_KINDS = (
    ("point", "Town, exact place (colour: activity)"),
    ("dateline", "Dateline: where filed"),
    ("region", "Whole country or province"),
    ("part", "Part of a region"),
    ("ring", "Ring or suburbs of a city"),
    ("border", "Border"),
    ("actor", "Actor (layer off by default)"),
)


# --- data for the page ---------------------------------------------------------------------------


def _group_of(feature: PlaceFeature) -> str:
    gtype = feature.geometry_type
    if feature.role == "actor":
        return "actors"
    if "Point" in gtype:
        return "dateline" if feature.role == "dateline" else "points"
    if "LineString" in gtype:
        return "lines"
    return "areas"


def _legend_kind(feature: PlaceFeature) -> str:
    if feature.role == "actor":
        return "actor"
    group = _group_of(feature)
    if group in ("points", "dateline"):
        return "point" if group == "points" else "dateline"
    if group == "lines":
        return "border"
    if feature.kind in ("ring", "suburbs"):
        return "ring"
    return "part" if feature.precision == 2 else "region"


def _main_category(feature: PlaceFeature) -> str | None:
    counts = Counter(c for s in statement_rows_of(feature.statements) for c in s.categories)
    if not counts:
        return None
    return min(counts, key=lambda c: (-counts[c], c))


def display_geometry(geom: BaseGeometry) -> BaseGeometry:
    """``geom`` simplified for drawing at the zoom that shows it whole.

    A shape is first seen fitted to the map, about ``DISPLAY_PIXELS`` across, so a vertex closer
    than one such pixel to the simplified outline cannot be seen: the tolerance is the shape's
    extent divided by ``DISPLAY_PIXELS``.  Leaflet simplifies again at each zoom as it draws; the
    GeoJSON, GeoPackage and CSV files keep the full geometry.
    """
    if geom.geom_type == "Point" or shapely.get_num_coordinates(geom) < 64:
        return geom
    minx, miny, maxx, maxy = geom.bounds
    tolerance = max(maxx - minx, maxy - miny) / DISPLAY_PIXELS
    simple = geom.simplify(tolerance, preserve_topology=True)
    return geom if simple.is_empty else simple


def _script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` left."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _deflate_base64(pieces: list[str]) -> Iterator[str]:
    """``pieces`` joined, as UTF-8, zlib-compressed and base64-encoded, in pieces.

    Each piece but the last encodes a multiple of three bytes, so the pieces joined are one base64
    text; the compressed bytes are never all held at once.
    """
    packer = zlib.compressobj(6)
    pending = b""
    for piece in pieces:
        pending += packer.compress(piece.encode("utf-8"))
        cut = len(pending) - len(pending) % 3
        if cut:
            yield base64.b64encode(pending[:cut]).decode("ascii")
            pending = pending[cut:]
    yield base64.b64encode(pending + packer.flush()).decode("ascii")


def _default_title(fs: FeatureSet) -> str:
    docs = sorted({(s.doc, s.title) for s in fs.statements})
    if len(docs) == 1:
        return docs[0][1] or docs[0][0]
    return f"Places in {len(docs)} reports" if docs else "Places"


def _statement_rows(fs: FeatureSet) -> Iterator[dict[str, Any]]:
    index_of = {f.place_id: i for i, f in enumerate(fs.features)}
    for row in fs.statements:
        yield {
            "id": row.id,
            "doc": row.doc,
            "t": row.text,
            "d": row.date,
            "sp": row.speaker,
            "c": list(row.categories),
            "m": [[s, e, index_of.get(p, -1) if p is not None else -1] for s, e, p in row.mentions],
            "p": [index_of[p] for p in row.place_ids if p in index_of],
        }


def _feature_rows(fs: FeatureSet) -> Iterator[dict[str, Any]]:
    st_index = {(row.doc, row.index): i for i, row in enumerate(fs.statements)}
    for f in fs.features:
        yield {
            "type": "Feature",
            "geometry": geometry_to_geojson(display_geometry(f.geometry), decimals=MAP_DECIMALS),
            "properties": {
                "id": f.place_id,
                "name": f.name,
                "kind": f.kind,
                "kindLabel": KIND_LABELS.get(f.kind, f.kind),
                "cc": f.country_code,
                "precision": f.precision,
                "role": f.role,
                "group": _group_of(f),
                "cat": _main_category(f),
                "st": [st_index[(s.doc, s.index)] for s in statement_rows_of(f.statements)],
            },
        }


def _payload(fs: FeatureSet, title: str, basemap: Mapping[str, Any] | None) -> dict[str, Any]:
    """The data of the page but its two long lists, ``features`` and ``statements`` (see :func:`_island`)."""
    cats = sorted({c for row in fs.statements for c in row.categories})
    docs: dict[str, dict[str, Any]] = {}
    for row in fs.statements:
        docs.setdefault(row.doc, {"title": row.title, "source": row.source, "url": row.url, "date": row.date})
    present = {_legend_kind(f) for f in fs.features}
    n_by_cat = Counter(c for row in fs.statements for c in row.categories)
    rank = {c: i for i, c in enumerate(sorted(cats, key=lambda c: (-n_by_cat[c], c)))}
    categories = [
        {
            "name": c,
            "label": c.replace("_", " "),
            "color": PALETTE[rank[c]] if rank[c] < len(PALETTE) else OTHER_COLOR,
            "n": n_by_cat[c],
        }
        for c in cats
    ]
    return {
        "title": title,
        "docs": docs,
        "categories": categories,
        "kinds": [{"key": k, "label": label} for k, label in LEGEND_KINDS if k in present],
        "dates": list(fs.dates()),
        "basemap": dict(basemap) if basemap is not None else None,
        "filters": _filters(fs, categories, docs),
    }


#: Rows serialised at a time: the island is built from pieces of about this many rows.
_ROWS_PER_PIECE = 500


def _island(fs: FeatureSet, payload: Mapping[str, Any]) -> list[str]:
    """The data island's JSON (:func:`_script_json`) as pieces, ``payload`` with the features and
    the statements: rows are serialised a few hundred at a time, so the whole data is never held
    as Python objects and as text at once."""
    pieces = [_script_json(dict(payload))[:-1]]

    def rows(key: str, items: Iterator[dict[str, Any]]) -> None:
        pieces.append(f',"{key}":[')
        batch: list[dict[str, Any]] = []
        first = True
        for item in items:
            batch.append(item)
            if len(batch) == _ROWS_PER_PIECE:
                pieces.append(("" if first else ",") + _script_json(batch)[1:-1])
                batch, first = [], False
        if batch:
            pieces.append(("" if first else ",") + _script_json(batch)[1:-1])
        pieces.append("]")

    rows("features", _feature_rows(fs))
    rows("statements", _statement_rows(fs))
    pieces.append("}")
    return pieces


def _filters(
    fs: FeatureSet, categories: list[dict[str, Any]], docs: Mapping[str, Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """The per-category and per-source switches of the layer control, as plain-text labels.

    geomap.js adds one empty layer per entry to the layer control; ``key`` is the category name
    (``""`` for statements with none) or the document id.
    """
    n_by_cat = Counter(c for row in fs.statements for c in row.categories)
    cat_switches = [
        {"key": c["name"], "label": f"Activity: {c['label']} ({n_by_cat[c['name']]})", "color": c["color"]}
        for c in categories
    ]
    uncategorised = sum(1 for row in fs.statements if not row.categories)
    if cat_switches and uncategorised:
        cat_switches.append(
            {"key": "", "label": f"Activity: none given ({uncategorised})", "color": DEFAULT_COLOR}
        )
    source_switches = []
    if 1 < len(docs) <= MAX_SOURCE_LAYERS:
        for doc_id, doc in docs.items():
            label = doc["source"] or doc["title"] or doc_id
            if doc["date"]:
                label = f"{label}, {doc['date']}"
            source_switches.append({"key": doc_id, "label": f"Source: {label}"})
    elif len(docs) > MAX_SOURCE_LAYERS:
        log.info("%d documents: no per-source layers (more than %d)", len(docs), MAX_SOURCE_LAYERS)
    return {"categories": cat_switches, "sources": source_switches}


# --- folium elements -----------------------------------------------------------------------------


@cache
def _static(name: str) -> str:
    return resources.files("maps").joinpath("static", name).read_text(encoding="utf-8")


class StatementsPanel(MacroElement):
    """The statements panel, the data island and the script that wires places to statements.

    Its template holds placeholders only (``slots``), never data: branca parses a macro's output
    again as a Jinja2 template, so :func:`render_map` puts the stylesheet, the script and the data
    island in after the page is rendered (:func:`_fill_slots`).  ``config`` must hold no report string.
    ``compressed`` says the island is stored compressed (``ISLAND_ENCODING``).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.slots["css"] }}</style>
        <script>{{ this.slots["js"] }}</script>
        {% endmacro %}
        {% macro html(this, kwargs) %}
        <aside id="{{ this.panel_id }}" aria-label="Statements"></aside>
        {% if this.compressed -%}
        <script type="text/plain" id="{{ this.data_id }}" data-encoding="{{ this.encoding }}">
        {%- else -%}
        <script type="application/json" id="{{ this.data_id }}">
        {%- endif %}{{ this.slots["data"] }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            GeoMapApp.init({{ this.config|tojson }}, {{ this.layer_control }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        config: dict[str, Any],
        *,
        slots: Mapping[str, str],
        layer_control: str,
        compressed: bool = False,
    ) -> None:
        super().__init__()
        self._name = "StatementsPanel"
        self.config = config
        self.slots = slots
        self.layer_control = layer_control
        self.panel_id = config["panelId"]
        self.data_id = config["dataId"]
        self.compressed = compressed
        self.encoding = ISLAND_ENCODING


class Legend(MacroElement):
    """A Leaflet control listing activity colours and how each kind of place is drawn."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            GeoMapApp.legend({{ this.position|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, position: str = "bottomleft") -> None:
        super().__init__()
        self._name = "Legend"
        self.position = position


# --- placeholders --------------------------------------------------------------------------------

_SLOT_NAMES = ("title", "css", "js", "data")


def _new_slots() -> dict[str, str]:
    """One random placeholder per slot: no library code or constant of ours can contain one."""
    token = secrets.token_hex(16)
    return {name: f"geomap-slot-{token}-{name}" for name in _SLOT_NAMES}


def _fill_slots(page: str, values: Mapping[str, str]) -> str:
    """Replace each placeholder (a key of ``values``) by its value in one pass.

    Each must occur exactly once; values are inserted literally and never scanned again, so a value
    that happens to contain a placeholder (or ``{{``, or a backslash) stays as it is.
    """
    for slot in values:
        n = page.count(slot)
        if n != 1:
            raise RuntimeError(f"placeholder {slot!r} occurs {n} times in the rendered page, not once")
    pattern = re.compile("|".join(re.escape(slot) for slot in values))
    return pattern.sub(lambda m: values[m.group(0)], page)


def _split_at_slot(page: str, slot: str, values: Mapping[str, str]) -> tuple[str, str]:
    """The page before and after ``slot`` (which must occur once), the other slots filled.

    The slots of ``values`` must each occur exactly once, all before ``slot``.
    """
    n = page.count(slot)
    if n != 1:
        raise RuntimeError(f"placeholder {slot!r} occurs {n} times in the rendered page, not once")
    head, tail = page.split(slot)
    for other in values:
        if other in tail:
            raise RuntimeError(f"placeholder {other!r} occurs after {slot!r}")
    return _fill_slots(head, values), tail


# --- offline -------------------------------------------------------------------------------------

_SCRIPT_SRC = re.compile(r'<script src="(?P<url>https?://[^"]+)"></script>')
_CSS_LINK = re.compile(r'<link rel="stylesheet" href="(?P<url>https?://[^"]+)"\s*/?>')


def load_map_writer() -> None:
    """Import what :func:`write_map` needs: this module's folium, and the offline copies of Leaflet
    and its plugins that every map inlines.  Together about a second: a caller with time to spare (a
    process waiting on its workers) pays it then, not after the last report."""
    import offlinefolium.elements  # noqa: F401  (imported for the module's cache, see _inline_assets)


def _inline_assets(page: str) -> str:
    """Replace every CDN ``<script src>`` and stylesheet ``<link>`` with its content.

    The contents are the copies that the folium-offline package ships (``offlinefolium``).
    """
    from offlinefolium.elements import _res as offline_copies  # large module: import on demand

    def copy(url: str) -> str:
        try:
            return offline_copies[url]
        except KeyError:
            raise RuntimeError(f"no offline copy of {url!r} in folium-offline") from None

    page = _SCRIPT_SRC.sub(
        lambda m: "<script>" + copy(m["url"]).replace("</script", "<\\/script") + "</script>", page
    )
    page = _CSS_LINK.sub(
        lambda m: "<style>" + copy(m["url"]).replace("</style", "<\\/style") + "</style>", page
    )
    left = re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="https?://[^"]*"', page)
    if left:
        raise RuntimeError(f"offline page still loads from the network: {left[:3]!r}")
    return page


#: A tile URL template given by the caller: https, the {z}/{x}/{y} placeholders and no character that
#: HTML, a template engine or a quote could act on.
_TILE_URL = re.compile(r"https://[A-Za-z0-9.\-]+(?::[0-9]+)?/[A-Za-z0-9._~/\-?=&%{}]*")
_TILE_PLACEHOLDERS = re.compile(r"\{([a-z]+)\}")


def tile_spec(tiles: str) -> dict[str, Any] | None:
    """What geomap.js needs to add online tiles: ``None`` for ``"none"``, else url and attribution.

    ``tiles`` is ``"none"``, an xyzservices / folium provider name (``"OpenStreetMap"``,
    ``"CartoDB.Positron"``) or an ``https://`` URL template with ``{z}``, ``{x}`` and ``{y}``.

    Raises
    ------
    ValueError
        For an unknown provider or a URL template that is not of that form.
    """
    if tiles.strip().lower() == "none":
        return None
    if tiles.startswith(("http://", "https://")):
        names = set(_TILE_PLACEHOLDERS.findall(tiles))
        bad_names = names - {"s", "z", "x", "y", "r"}
        if not _TILE_URL.fullmatch(tiles) or "{{" in tiles or not {"z", "x", "y"} <= names or bad_names:
            raise ValueError(
                f"not a tile URL template {tiles!r}: give https://host/path/{{z}}/{{x}}/{{y}}.png "
                "(placeholders {s}, {z}, {x}, {y}, {r} only)"
            )
        host = tiles.split("/")[2]
        return {
            "url": tiles,
            "attribution": f"Tiles: {html.escape(host)}",
            "maxZoom": 19,
            "subdomains": "abc",
        }
    layer = _tile_layer(tiles)
    return {
        "url": layer.tiles,
        "attribution": layer.options.get("attribution") or "",
        "maxZoom": layer.options.get("max_zoom", 19),
        "subdomains": layer.options.get("subdomains", "abc"),
    }


def _tile_layer(tiles: str) -> folium.TileLayer:
    # xyzservices warns on some providers (CartoDB now asks for an API key); say it through logging
    # rather than as a warning that a caller running with warnings-as-errors would trip over.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # Only a provider's name is accepted here (folium wants an attribution with a URL of
            # one's own), so the URL and attribution drawn come from xyzservices, not from the caller.
            layer = folium.TileLayer(tiles, control=False)
        except ValueError as exc:
            raise ValueError(
                f"unknown tile provider {tiles!r}: give an xyzservices name such as 'OpenStreetMap', "
                "an https:// URL template or 'none'"
            ) from exc
    for w in caught:
        log.warning("tile provider %r: %s", tiles, w.message)
    return layer


# --- public API ----------------------------------------------------------------------------------


def render_map(
    fs: FeatureSet,
    *,
    offline: bool = False,
    tiles: str = "OpenStreetMap",
    basemap: Mapping[str, Any] | None = None,
    title: str | None = None,
    compress: bool | None = None,
) -> str:
    """Render ``fs`` as one self-contained HTML page that works with no network.

    Leaflet, its plugins and geomap's own script and stylesheet are always inlined; the Natural
    Earth ``basemap`` is drawn underneath, and online tiles are an addition that geomap.js adds
    over it only once a first tile has loaded.

    Parameters
    ----------
    fs
        The features model (:func:`maps.build_features`).
    offline
        Draw no tiles at all (the same as ``tiles="none"``): nothing is ever requested.
    tiles
        ``"none"``, a tile provider (an xyzservices / folium name) or an ``https://`` URL template
        with ``{z}``, ``{x}``, ``{y}`` (see :func:`tile_spec`); ignored when ``offline``.
    basemap
        GeoJSON-like FeatureCollection of country outlines drawn as a grey vector layer beneath the
        places and beneath any tiles.
    title
        Shown at the top of the statements panel and as the page title; defaults to the report's
        title, or "Places in N reports".
    compress
        Store the data island compressed (deflate, base64) or as plain JSON; by default it is
        compressed when the reports' data in it is over ``COMPRESS_ABOVE`` characters of JSON.
        A compressed page needs a browser with ``DecompressionStream`` (Chrome 80+, Firefox 113+,
        Safari 16.4+).

    Returns
    -------
    str
        The HTML page.
    """
    return "".join(
        _page_pieces(fs, offline=offline, tiles=tiles, basemap=basemap, title=title, compress=compress)
    )


def _page_pieces(
    fs: FeatureSet,
    *,
    offline: bool,
    tiles: str,
    basemap: Mapping[str, Any] | None,
    title: str | None,
    compress: bool | None,
) -> Iterator[str]:
    """The page of :func:`render_map` in pieces: all before the data island, the island (in pieces
    when compressed), all after it.  Everything is checked and rendered before the first piece."""
    title = title if title is not None else _default_title(fs)
    tile = None if offline else tile_spec(tiles)
    slots = _new_slots()
    # The page folium renders holds only our own strings: the title, like every report string, is
    # put in after rendering (see the module docstring).
    figure = folium.Figure(title=slots["title"])
    fmap = folium.Map(
        location=None,
        zoom_start=2,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        world_copy_jump=False,
    )
    fmap.add_to(figure)
    # Only Leaflet and MarkerCluster are needed: no jQuery, Bootstrap or icon fonts.
    fmap.default_js = [js for js in fmap.default_js if js[0] == "leaflet"] + list(MarkerCluster.default_js)
    fmap.default_css = [css for css in fmap.default_css if css[0] == "leaflet_css"] + list(
        MarkerCluster.default_css
    )

    payload = _payload(fs, title, basemap)
    payload["tiles"] = tile
    counts = Counter(_group_of(f) for f in fs.features)
    island = _island(fs, payload)
    if compress is None:
        # The basemap is not counted: it is the same in every map made from the command line.
        basemap_chars = len(_script_json(basemap)) if basemap is not None else 0
        compress = sum(len(piece) for piece in island) - basemap_chars > COMPRESS_ABOVE
    del payload

    group_layers: dict[str, folium.FeatureGroup] = {}
    if basemap is not None:
        fg = folium.FeatureGroup(name="Basemap: Natural Earth outlines", overlay=True, show=True)
        fg.add_to(fmap)
        group_layers["basemap"] = fg
    for key, label in GROUPS:
        if not counts.get(key):
            continue
        fg = folium.FeatureGroup(name=f"{label} ({counts[key]})", show=key != "actors")
        fg.add_to(fmap)
        group_layers[key] = fg

    Fullscreen(position="topleft").add_to(fmap)
    # Categories and sources are filtered in the panel (chips, a report list), built by geomap.js
    # from the data island; the layer control holds only the geometry groups.
    layer_control = folium.LayerControl(position="topright", collapsed=True)
    layer_control.add_to(fmap)
    stable_ids = _StableIds()
    stable_ids(figure)  # before any name is read
    groups = {key: fg.get_name() for key, fg in group_layers.items()}
    config = {
        "map": fmap.get_name(),
        "panelId": "geomap-panel",
        "dataId": "geomap-data",
        "groups": groups,
        "attribution": ATTRIBUTION,
        "offline": tile is None,
        "actorColor": ACTOR_COLOR,
        "defaultColor": DEFAULT_COLOR,
        "otherColor": OTHER_COLOR,
        "highlightColor": HIGHLIGHT_COLOR,
        "palette": list(PALETTE),
    }
    StatementsPanel(config, slots=slots, layer_control=layer_control.get_name(), compressed=compress).add_to(
        fmap
    )
    Legend("bottomleft").add_to(fmap)
    stable_ids(figure)

    page = _inline_assets(figure.render())  # before any report text is in the page
    head, tail = _split_at_slot(
        page,
        slots["data"],
        {
            slots["title"]: html.escape(title),
            slots["css"]: _static("geomap.css").replace("</style", "<\\/style"),
            slots["js"]: _static("geomap.js").replace("</script", "<\\/script"),
        },
    )
    del page
    yield head
    if compress:
        yield from _deflate_base64(island)
    else:
        yield from island
    yield tail


class _StableIds:
    """Gives folium's elements ids in creation order instead of random ones, so the same input gives
    the same page byte for byte (folium names each element ``<kind>_<uuid4 hex>``)."""

    def __init__(self) -> None:
        self._seen: set[int] = set()

    def __call__(self, root: Element) -> None:
        stack = [root]
        while stack:
            element = stack.pop()
            if id(element) not in self._seen:
                self._seen.add(id(element))
                element._id = f"{len(self._seen):08x}"
            stack.extend(reversed(list(element._children.values())))


def write_map(
    fs: FeatureSet,
    path: str | os.PathLike[str],
    *,
    offline: bool = False,
    tiles: str = "OpenStreetMap",
    basemap: Mapping[str, Any] | None = None,
    title: str | None = None,
    compress: bool | None = None,
) -> None:
    """Render the map (keywords as :func:`render_map`) and write it atomically to ``path``.

    The page is written in pieces as it is made (the part before the data island, the island, the
    rest), so no more than about one copy of the island is held at a time.
    """
    pieces = _page_pieces(fs, offline=offline, tiles=tiles, basemap=basemap, title=title, compress=compress)
    first = next(pieces)  # everything is checked and rendered before the file is touched
    with atomic_open(path) as fh:
        fh.write(first)
        for piece in pieces:
            fh.write(piece)
