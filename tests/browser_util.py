"""Test helpers for the maps tests: hand-built parse results and a network-less headless Chromium.

The statements below are written for these tests in wire-report style; the places are real but the
events are not.  Geometries are rough boxes, good enough to draw and to test orientation on.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium.webdriver import Chrome as WebDriver
from shapely.geometry import LineString, Point, Polygon

from geo._types import Coordinate, Document, Mention, ParseResult, Place, Resolution, Statement

HOSTILE = 'A post read "<script>alert(1)</script>", then `rm -rf` and </script><b>bold</b> & more'

# --- places --------------------------------------------------------------------------------------

TRIPOLI = Place(
    place_id="geonames:2210247",
    name="Tripoli",
    kind="city",
    country_code="LY",
    point=Coordinate(32.8925, 13.18),
    precision=1,
    geonameid=2210247,
)
BENGHAZI = Place(
    place_id="geonames:88319",
    name="Benghazi",
    kind="city",
    country_code="LY",
    point=Coordinate(32.1167, 20.0667),
    precision=1,
    geonameid=88319,
)
TUNIS = Place(
    place_id="geonames:2464470",
    name="Tunis",
    kind="city",
    country_code="TN",
    point=Coordinate(36.819, 10.1658),
    precision=1,
    geonameid=2464470,
)
# Clockwise on purpose: the GeoJSON writer must turn it counter-clockwise.
LIBYA = Place(
    place_id="geonames:2215636",
    name="Libya",
    kind="country",
    country_code="LY",
    point=Coordinate(27.0, 17.0),
    precision=3,
    geonameid=2215636,
    geometry=Polygon([(9.4, 30.0), (11.5, 33.1), (25.1, 31.8), (25.0, 20.0), (24.0, 19.5), (9.4, 26.0)]),
)
MISRATA = Place(
    place_id="geonames:2214845",
    name="Misrata District",
    kind="admin1",
    country_code="LY",
    point=Coordinate(31.8, 15.1),
    precision=3,
    geonameid=2214845,
    admin1_code="LY.58",
    geometry=Polygon([(14.3, 30.9), (15.7, 30.9), (15.7, 32.45), (14.3, 32.45)]),
)
SOUTH_FEZZAN = Place(
    place_id="part:geonames:2210554:S",
    name="southern Fezzan",
    kind="part",
    country_code="LY",
    point=Coordinate(24.0, 14.0),
    precision=2,
    geometry=Polygon([(10.0, 22.0), (18.0, 22.0), (18.0, 25.5), (10.0, 25.5)]),
)
TRIPOLI_RING = Place(
    place_id="ring:geonames:2210247",
    name="outskirts of Tripoli",
    kind="ring",
    country_code="LY",
    point=Coordinate(32.8925, 13.18),
    precision=2,
    geometry=Point(13.18, 32.8925).buffer(0.35).difference(Point(13.18, 32.8925).buffer(0.12)),
)
BORDER = Place(
    place_id="border:LY-TN",
    name="Libya–Tunisia border",
    kind="border",
    country_code="LY",
    point=Coordinate(31.5, 10.6),
    precision=2,
    geometry=LineString([(11.56, 33.17), (11.2, 32.6), (10.4, 31.6), (10.0, 30.5), (9.5, 30.2)]),
)
FRANCE = Place(
    place_id="geonames:3017382",
    name="France",
    kind="country",
    country_code="FR",
    point=Coordinate(46.0, 2.0),
    precision=3,
    geonameid=3017382,
    geometry=Polygon([(-4.8, 48.4), (-1.5, 43.4), (3.2, 42.4), (7.6, 43.8), (8.2, 49.0), (2.5, 51.1)]),
)

ALL_PLACES = (TRIPOLI, BENGHAZI, TUNIS, LIBYA, MISRATA, SOUTH_FEZZAN, TRIPOLI_RING, BORDER, FRANCE)


# --- documents -----------------------------------------------------------------------------------


def _document(
    doc_id: str,
    date: dt.date,
    source: str,
    url: str | None,
    title: str,
    sentences: list[tuple[str, str | None, tuple[str, ...], list[tuple[str, Place | None, str, str]]]],
) -> ParseResult:
    """Build one ParseResult; each sentence lists (surface text, place, role, form) mentions."""
    text = ""
    statements = []
    resolutions = []
    for index, (sentence, speaker, categories, mentions) in enumerate(sentences):
        if text:
            text += " "
        start = len(text)
        text += sentence
        statements.append(
            Statement(
                doc=doc_id,
                index=index,
                start=start,
                end=start + len(sentence),
                text=sentence,
                speaker=speaker,
                date=date,
                categories=categories,
            )
        )
        cursor = 0
        for surface, place, role, form in mentions:
            at = sentence.index(surface, cursor)
            cursor = at + len(surface)
            mention = Mention(
                doc=doc_id,
                start=start + at,
                end=start + at + len(surface),
                text=surface,
                sentence=index,
                head=surface,
                form=form,
            )
            resolutions.append(
                Resolution(mention=mention, place=place, role=role, score=0.9 if place else 0.0)
            )
    doc = Document(id=doc_id, text=text, date=date, source=source, url=url, title=title)
    return ParseResult(document=doc, statements=tuple(statements), resolutions=tuple(resolutions))


def sample_results(*, hostile: bool = True) -> list[ParseResult]:
    """Two wire reports, two dates, nine places (one of them an actor) and one unresolved name."""
    first = _document(
        "wire-2019-04-08",
        dt.date(2019, 4, 8),
        "Example Wire",
        "https://example.org/wire/2019-04-08",
        "Fighting flares on the edge of the Libyan capital",
        [
            (
                "TUNIS, April 8. Heavy clashes broke out in Libya on Monday on the outskirts of Tripoli, "
                "an interior ministry spokesman said.",
                "interior ministry spokesman",
                ("armed clash",),
                [
                    ("TUNIS", TUNIS, "dateline", "name"),
                    ("Libya", LIBYA, "location", "name"),
                    ("the outskirts of Tripoli", TRIPOLI_RING, "location", "suburbs"),
                ],
            ),
            (
                "Artillery fire was also reported in Misrata District, in southern Fezzan and near "
                "Wadi Qattara, he added.",
                "interior ministry spokesman",
                ("shelling",),
                [
                    ("Misrata District", MISRATA, "location", "province"),
                    ("southern Fezzan", SOUTH_FEZZAN, "location", "part"),
                    ("Wadi Qattara", None, "location", "name"),
                ],
            ),
            (
                "France called on all sides to resume talks in Tripoli without delay.",
                None,
                ("diplomacy",),
                [("France", FRANCE, "actor", "name"), ("Tripoli", TRIPOLI, "location", "name")],
            ),
        ],
    )
    second_sentences: list = [
        (
            "Authorities shut the Libyan-Tunisian border after a weapons convoy was stopped "
            "west of Benghazi.",
            None,
            ("border crossing", "weapons convoy"),
            [
                ("the Libyan-Tunisian border", BORDER, "location", "border"),
                ("Benghazi", BENGHAZI, "location", "name"),
            ],
        ),
    ]
    if hostile:
        second_sentences.append(
            (
                HOSTILE + " near Benghazi, officials said.",
                '<img src=x onerror="alert(2)">',
                ("diplomacy",),
                [("Benghazi", BENGHAZI, "location", "name")],
            )
        )
    second = _document(
        "wire-2019-04-10",
        dt.date(2019, 4, 10),
        "Other <i>Agency</i>",
        "javascript:alert(3)" if hostile else "https://example.org/other/2019-04-10",
        "Border <b>closed</b> </script>",
        second_sentences,
    )
    return [first, second]


# --- report strings that must stay data ---------------------------------------------------------

#: Strings that a template engine, an HTML parser or a script would act on.  Each starts with a
#: marker (``pl00`` ...) so that a test can find any copy of it in a page; a payload that acted would
#: set ``window.__geomapPwned``, call ``alert`` or create a folder named ``pwned...`` in the cwd.
PAYLOADS = (
    "pl00 {{7*7}} and {{ 6 * 7 }} stay sums",
    "pl01 {% if true %}kept{% endif %} as written",
    "pl02 {# not a comment #} stays",
    "pl03 The {{ group said",
    "pl04 a lone }} and %} close nothing",
    "pl05 </script><script>window.__geomapPwned = 'script'</script>",
    "pl06 <img src=x onerror=\"window.__geomapPwned = 'img'\"> <svg onload=alert('svg')>",
    "pl07 `backticks` and ${window.__geomapPwned = 'template literal'}",
    "pl08 javascript:window.__geomapPwned='url'",
    'pl09 quotes " \' and \\" in an id',
    "pl10 {{ lipsum.__globals__['os'].makedirs('pwned') }}",
    "pl11 {% set x = cycler.__init__.__globals__.os.makedirs('pwned-set') %}{{ x }}",
    "pl12 </title><!-- <b>bold</b> &amp; & \u2028 \u2029 ]]> -->",
    "pl13 {{ self._TemplateReference__context.cycler.__init__.__globals__.os.makedirs('pwned-self') }}",
)

#: Source URLs of the payload reports: none but the last is a link a browser could follow safely.
PAYLOAD_URLS = (
    "javascript:window.__geomapPwned='href'",
    " JavaScript:alert('href2')",
    "data:text/html,<script>alert('data')</script>",
    "vbscript:msgbox(1)",
    "https://example.org/report?q={{7*7}}&x=\"'><img src=x>",
)


def payload_results() -> list[ParseResult]:
    """One report per payload, carrying it in every string a report has.

    The payload is in the document id, title, source and (where it is one) URL, the statement text
    (before the mentioned place, so a lost character would shift the highlight), the speaker, the
    category and the place's name and id.  One more report uses ``__proto__`` and ``constructor`` as
    its id, category and place name.
    """
    results = []
    for i, payload in enumerate(PAYLOADS):
        town = Place(
            place_id=f"test:{i}:{payload}",
            name=f"Zawiya {payload}",
            kind="city",
            country_code="LY",
            point=Coordinate(30.0 + i * 0.4, 12.0 + i * 0.5),
            precision=1,
        )
        results.append(
            _document(
                f"doc {payload}",
                dt.date(2019, 5, 1 + i),
                f"Agency {payload}",
                payload if payload.startswith("pl08") else PAYLOAD_URLS[i % len(PAYLOAD_URLS)],
                f"Title {payload}",
                [
                    (
                        f"{payload}: fighting near Zawiya, officials said.",
                        f"spokesman {payload}",
                        (f"cat {payload}",),
                        [("Zawiya", town, "location", "name")],
                    )
                ],
            )
        )
    proto = Place(
        place_id="__proto__",
        name="constructor",
        kind="city",
        country_code="LY",
        point=Coordinate(27.0, 14.0),
        precision=1,
    )
    results.append(
        _document(
            "__proto__",
            dt.date(2019, 5, 30),
            "constructor",
            None,
            "toString",
            [
                (
                    "Shelling hit constructor.",
                    "__proto__",
                    ("__proto__",),
                    [("constructor", proto, "location", "name")],
                )
            ],
        )
    )
    return results


# --- browser -------------------------------------------------------------------------------------

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMEDRIVER_NAMES = ("chromedriver",)
INSTALL_HINT = (
    "the browser tests need Chromium and its chromedriver: install them (Debian/Ubuntu: "
    "`apt-get install -y chromium chromium-driver`) or point $GEOMAP_CHROMIUM and $GEOMAP_CHROMEDRIVER "
    "at the executables"
)


def find_executable(env_var: str, names: tuple[str, ...]) -> str:
    """``$env_var`` if set, else the first of ``names`` on the PATH; the test fails if neither is there."""
    given = os.environ.get(env_var)
    if given:
        if not (Path(given).is_file() and os.access(given, os.X_OK)):
            pytest.fail(f"${env_var}={given!r} is not an executable file; {INSTALL_HINT}")
        return given
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"none of {', '.join(names)} found on the PATH and ${env_var} is not set; {INSTALL_HINT}")


@contextmanager
def offline_chromium(width: int = 1400, height: int = 900) -> Iterator[WebDriver]:
    """Headless Chromium through selenium, with every network route cut."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = find_executable("GEOMAP_CHROMIUM", CHROMIUM_NAMES)
    chromedriver = find_executable("GEOMAP_CHROMEDRIVER", CHROMEDRIVER_NAMES)
    profile = tempfile.mkdtemp(prefix="geomap-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
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
        f"--window-size={width},{height}",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--allow-file-access-from-files",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def severe_logs(driver: WebDriver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def png_pixels(path: Path) -> tuple[int, int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG with the standard library: (width, height, channels, rows)."""
    import struct
    import zlib

    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat = 8, b""
    width = height = depth = ctype = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = {2: 3, 6: 4}.get(ctype)
    if depth != 8 or channels is None:
        raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour type {ctype})")
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        filt = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if filt == 1:
                line[x] = (line[x] + a) & 0xFF
            elif filt == 2:
                line[x] = (line[x] + b) & 0xFF
            elif filt == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 0xFF
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def distinct_colours(path: Path, *, sample: int = 40) -> int:
    """How many distinct RGB colours a grid sample of the PNG holds (1 for a blank image)."""
    width, height, channels, rows = png_pixels(path)
    colours = set()
    for y in range(0, height, max(1, height // sample)):
        row = rows[y]
        for x in range(0, width, max(1, width // sample)):
            colours.add(row[x * channels : x * channels + 3])
    return len(colours)
