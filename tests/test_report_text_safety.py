"""Report text is data, never a template or a script: the page as written, and the command line.

folium parses each element's output again as a Jinja2 template, so a report string that reached an
element would be evaluated (``{{7*7}}`` shown as 49, ``{{ lipsum.__globals__... }}`` running code, a
lone ``{{`` aborting the map).  These tests put every payload of ``browser_util.PAYLOADS`` in every
string a report has, and in the title, and check that each comes out of the JSON data island exactly
as it went in, that it occurs nowhere else in the page, and that nothing ran.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser_util import PAYLOAD_URLS, PAYLOADS, payload_results

import maps
from maps._html import _fill_slots

MARKERS = [p.split(" ", 1)[0] for p in PAYLOADS]
TITLE = " | ".join(PAYLOADS)
ISLAND = re.compile(r'(<script type="application/json" id="geomap-data">)(.*?)(</script>)', re.S)
TITLE_ELEMENT = re.compile(r"(<title>)(.*?)(</title>)", re.S)
#: Names of folders the payloads would create if a template engine evaluated them.
PWNED = re.compile(r"pwned", re.I)


def island(page: str) -> dict:
    (raw,) = [m.group(2) for m in ISLAND.finditer(page)]
    return json.loads(raw)


def outside_data(page: str) -> str:
    """The page without the data island's content and the ``<title>`` text: what folium rendered."""
    assert len(ISLAND.findall(page)) == 1 and len(TITLE_ELEMENT.findall(page)) == 1
    page = ISLAND.sub(r"\1\3", page)
    return TITLE_ELEMENT.sub(r"\1\3", page)


def config(page: str) -> dict:
    match = re.search(r"GeoMapApp\.init\((\{.*?\}), (layer_control_[0-9a-f]+)\);", page, re.S)
    assert match, "no GeoMapApp.init call"
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty current directory: a payload that ran would leave a ``pwned`` folder in it."""
    path = tmp_path_factory.mktemp("cwd")
    before = Path.cwd()
    os.chdir(path)
    try:
        yield path
    finally:
        os.chdir(before)


@pytest.fixture(scope="module", params=[False, True], ids=["online", "offline"])
def page(request: pytest.FixtureRequest, workdir: Path) -> str:
    fs = maps.build_features(payload_results())
    out = workdir / f"map-{request.param}.html"
    maps.write_map(fs, out, offline=request.param, title=TITLE)
    return out.read_text(encoding="utf-8")


def test_nothing_ran_while_rendering(page: str, workdir: Path) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert {p.name for p in workdir.iterdir()} <= {"map-False.html", "map-True.html"}


def test_every_report_string_comes_out_of_the_island_as_it_went_in(page: str) -> None:
    data = island(page)
    assert data["title"] == TITLE
    statements = {s["doc"]: s for s in data["statements"]}
    names = {f["properties"]["id"]: f["properties"]["name"] for f in data["features"]}
    for i, payload in enumerate(PAYLOADS):
        doc_id = f"doc {payload}"
        st = statements[doc_id]
        assert st["id"] == f"{doc_id}#0"
        assert st["t"] == f"{payload}: fighting near Zawiya, officials said."
        assert st["sp"] == f"spokesman {payload}"
        assert st["c"] == [f"cat {payload}"]
        # The highlight still points at the place: no character of the payload was lost.
        assert [st["t"][s:e] for s, e, _ in st["m"]] == ["Zawiya"]
        doc = data["docs"][doc_id]
        assert doc["title"] == f"Title {payload}"
        assert doc["source"] == f"Agency {payload}"
        assert doc["url"] == (payload if payload.startswith("pl08") else PAYLOAD_URLS[i % len(PAYLOAD_URLS)])
        assert names[f"test:{i}:{payload}"] == f"Zawiya {payload}"
    assert names["__proto__"] == "constructor"
    # No template computed 7*7 or 6*7 anywhere in the report strings (colours are ours: left out).
    text = re.sub(r'"color": "#[0-9A-Fa-f]{6}"', "", json.dumps(data))
    assert "49" not in text and "42" not in text
    assert "{# not a comment #} stays" in statements[f"doc {PAYLOADS[2]}"]["t"]


def test_layer_switch_labels_are_data(page: str) -> None:
    filters = island(page)["filters"]
    cats = {f["key"]: f["label"] for f in filters["categories"]}
    sources = {f["key"]: f["label"] for f in filters["sources"]}
    for i, payload in enumerate(PAYLOADS):
        assert cats[f"cat {payload}"] == f"Activity: cat {payload.replace('_', ' ')} (1)"
        assert sources[f"doc {payload}"] == f"Source: Agency {payload}, 2019-05-{1 + i:02d}"
    assert cats["__proto__"] == "Activity:   proto   (1)"  # underscores shown as spaces, as for any category
    assert sources["__proto__"] == "Source: constructor, 2019-05-30"


def test_payloads_occur_only_in_the_island_and_the_title(page: str) -> None:
    rest = outside_data(page)
    for marker in [*MARKERS, "__geomapPwned", "makedirs", "lipsum", "Zawiya", "Agency", "spokesman"]:
        assert marker not in rest, marker
    # The config handed to GeoMapApp.init holds none of them either (it is in ``rest``, checked).
    assert set(config(page)) >= {"map", "groups", "panelId", "dataId"}
    # The island's raw text has no character that could end the element or a line of script.
    (raw,) = [m.group(2) for m in ISLAND.finditer(page)]
    for ch in ("<", ">", "&", "\u2028", "\u2029"):
        assert ch not in raw, repr(ch)
    # The title is escaped, and comes back exactly after HTML decoding.
    (title_text,) = [m.group(2) for m in TITLE_ELEMENT.finditer(page)]
    assert "<" not in title_text and html.unescape(title_text) == TITLE


@pytest.mark.parametrize("payload", PAYLOADS, ids=MARKERS)
def test_each_payload_alone_in_a_one_report_map(payload: str, workdir: Path) -> None:
    """A single report (no source switches) with the payload everywhere, and as the title."""
    (result,) = [r for r in payload_results() if r.document.id == f"doc {payload}"]
    page = maps.render_map(maps.build_features([result]), title=payload)
    data = island(page)
    assert data["title"] == payload
    assert data["statements"][0]["t"] == f"{payload}: fighting near Zawiya, officials said."
    assert data["filters"]["sources"] == []
    rest = outside_data(page)
    assert payload.split(" ", 1)[0] not in rest
    assert not [p for p in workdir.iterdir() if PWNED.search(p.name)]


#: The payloads that run code: each creates a folder when a template engine evaluates it.
CODE = [p for p in PAYLOADS if "makedirs" in p]


@pytest.mark.parametrize("payload", CODE, ids=[p.split(" ", 1)[0] for p in CODE])
def test_code_in_statement_text_runs_nothing(payload: str, workdir: Path) -> None:
    """The payload alone in a statement (nothing else hostile that would stop a template early)."""
    (result,) = [r for r in payload_results() if r.document.id == "__proto__"]
    result = replace(
        result,
        statements=tuple(replace(st, text=f"{payload} near constructor.") for st in result.statements),
    )
    page = maps.render_map(maps.build_features([result]), offline=True)
    assert island(page)["statements"][0]["t"] == f"{payload} near constructor."
    assert not [p for p in workdir.iterdir() if PWNED.search(p.name)]


def test_default_title_from_a_hostile_report(workdir: Path) -> None:
    (result,) = [r for r in payload_results() if r.document.id == f"doc {PAYLOADS[5]}"]
    page = maps.render_map(maps.build_features([result]))
    assert island(page)["title"] == f"Title {PAYLOADS[5]}"
    (title_text,) = [m.group(2) for m in TITLE_ELEMENT.finditer(page)]
    assert html.unescape(title_text) == f"Title {PAYLOADS[5]}"


def test_placeholders_must_occur_exactly_once() -> None:
    assert _fill_slots("a SLOT-x b", {"SLOT-x": "{{ SLOT-y }} \\1"}) == "a {{ SLOT-y }} \\1 b"
    # One pass: a value that contains another placeholder is not scanned again.
    assert _fill_slots("SLOT-x SLOT-y", {"SLOT-x": "SLOT-y", "SLOT-y": "1"}) == "SLOT-y 1"
    with pytest.raises(RuntimeError, match=r"'SLOT-x' occurs 0 times"):
        _fill_slots("nothing here", {"SLOT-x": "v"})
    with pytest.raises(RuntimeError, match=r"'SLOT-x' occurs 2 times"):
        _fill_slots("SLOT-x SLOT-x", {"SLOT-x": "v"})


# --- the command line ----------------------------------------------------------------------------

REPORT = """\
TRIPOLI, May 3. Fighting broke out in Benghazi on Friday, {{7*7}} officials said.
The {{ group said it shelled Misrata overnight, and a lone }} closed the day in Tripoli.
Clashes {# hidden? #} spread to Sirte, where {% if true %}troops{% endif %} were seen.
Residents of Tunis read "</script><script>window.__geomapPwned=1</script>" on a wall.
A post from Tobruk showed <img src=x onerror="window.__geomapPwned=2"> and `${window.__geomapPwned=3}`.
Aid reached Derna via javascript:alert(1) and {{ lipsum.__globals__['os'].makedirs('pwned') }} too.
Talks in Cairo: {% set x = cycler.__init__.__globals__.os.makedirs('pwned-set') %}{{ x }} ended.
"""


def geomap_map(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``geomap map ARGS --offline --no-model`` in a child process, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "geomap", "map", *args, "--offline", "--no-model"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_command_line_runs_no_code_from_a_report(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    text = "".join(f"Shelling hit Benghazi, where {payload} was written.\n" for payload in CODE)
    report.write_text(text, encoding="utf-8")
    proc = geomap_map(tmp_path, "report.txt", "-o", "out.html")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html", "report.txt"]
    texts = [s["t"] for s in island((tmp_path / "out.html").read_text(encoding="utf-8"))["statements"]]
    assert texts == [f"Shelling hit Benghazi, where {payload} was written." for payload in CODE]


def test_command_line_map_of_hostile_reports(tmp_path: Path) -> None:
    report = tmp_path / "report {{7*7}} '\"`.txt"
    report.write_text(REPORT, encoding="utf-8")
    jsonl = tmp_path / "reports.jsonl"
    rows = [
        {
            "id": f"id {payload}",
            "text": f"Shelling hit Benghazi on Monday. {payload} said the army in Misrata.",
            "date": "2019-05-04",
            "title": f"Title {payload}",
            "source": f"Agency {payload}",
            "url": url,
        }
        for payload, url in zip(PAYLOADS[:5], PAYLOAD_URLS, strict=True)
    ]
    jsonl.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    before = {p.name for p in tmp_path.iterdir()}
    title = "{{ lipsum.__globals__['os'].makedirs('pwned-title') }} </title><b>{# t #}"
    proc = geomap_map(
        tmp_path, report.name, jsonl.name, "--date", "2019-05-03", "--title", title, "-o", "out.html"
    )
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in tmp_path.iterdir()} == before | {"out.html"}
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    data = island(page)
    assert data["title"] == title
    texts = " ".join(s["t"] for s in data["statements"])
    for line in REPORT.splitlines():
        for piece in re.findall(r"\{[{%#].*?[}%#]\}|<[^>]*>|`[^`]*`|javascript:\S+", line):
            assert piece in texts, piece
    assert "49" not in texts
    assert set(data["docs"]) == {"report {{7*7}} '\"`"} | {row["id"] for row in rows}
    for row in rows:
        assert data["docs"][row["id"]] == {
            "title": row["title"],
            "source": row["source"],
            "url": row["url"],
            "date": "2019-05-04",
        }
        assert row["text"].split(". ", 1)[1] in texts
    names = {f["properties"]["name"] for f in data["features"]}
    assert {"Benghazi", "Misratah", "Tripoli", "Sirte", "Tobruk", "Darnah", "Cairo"} <= names
    # The highlights still cover the place names, not text shifted by a lost or added character.
    marked = {st["t"][s:e] for st in data["statements"] for s, e, _ in st["m"]}
    assert marked == {
        "TRIPOLI",
        "Benghazi",
        "Misrata",
        "Tripoli",
        "Sirte",
        "Tunis",
        "Tobruk",
        "Derna",
        "Cairo",
    }
    rest = outside_data(page)
    for needle in ("__geomapPwned", "makedirs", "lipsum", "{{7*7}}", "Agency"):
        assert needle not in rest, needle
