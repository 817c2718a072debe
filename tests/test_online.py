"""``--online``: Nominatim (a local stand-in here) for names the gazetteer lacks, cached in the gazetteer."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import gazetteer
import geo
from gazetteer import OnlineGeocoder, OnlineGeocoderError
from geomap._exit import Exit
from geomap.cli import main

# A name no gazetteer holds, as Nominatim would answer for it.
ZZYZX = {
    "place_id": 123456,
    "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
    "osm_type": "node",
    "osm_id": 987654321,
    "lat": "35.9312",
    "lon": "36.6324",
    "class": "place",
    "type": "village",
    "place_rank": 19,
    "importance": 0.27,
    "addresstype": "village",
    "name": "Qaryat Zzyzx",
    "display_name": "Qaryat Zzyzx, Idlib Governorate, Syria",
    "address": {
        "village": "Qaryat Zzyzx",
        "state": "Idlib Governorate",
        "country": "Syria",
        "country_code": "sy",
    },
    "boundingbox": ["35.9112", "35.9512", "36.6124", "36.6524"],
}
DATELINE = "QARYAT ZZYZX, May 20 (Reuters) - Shelling hit the town on Monday, the army said.\n"
REASON = "answer of the online geocoder (Nominatim, © OpenStreetMap contributors, ODbL)"


class FakeNominatim:
    """A local HTTP server that answers ``/search`` as Nominatim does, and records every request."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query))
                fake.requests.append({"path": url.path, "user_agent": self.headers["User-Agent"], **params})
                q = params.get("q", "").casefold()
                if url.path != "/search" or "boom" in q.split():
                    self.send_response(500)
                    self.end_headers()
                    return
                found = [dict(ZZYZX)] if q == "qaryat zzyzx" else []
                if found and params.get("addressdetails") != "1":
                    del found[0]["address"]
                body = json.dumps(found).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.domain = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def queries(self) -> list[str]:
        return [r.get("q", "") for r in self.requests]


@pytest.fixture
def nominatim(monkeypatch) -> Iterator[FakeNominatim]:
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    fake = FakeNominatim()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
    fake.thread.join()


@pytest.fixture
def gaz_copy(gaz, tmp_path) -> Path:
    """The session's gazetteer, copied so that cache writes leave the shared file alone."""
    return Path(shutil.copy(gaz.path, tmp_path / "gazetteer.sqlite"))


def _geocoder(path: Path, fake: FakeNominatim) -> OnlineGeocoder:
    return OnlineGeocoder(path, domain=fake.domain, scheme="http", min_delay_seconds=0)


def _dateline_resolution(result: geo.ParseResult) -> geo.Resolution:
    (res,) = [r for r in result.resolutions if r.mention.text == "QARYAT ZZYZX"]
    return res


def test_the_gazetteer_lacks_the_invented_name(gaz):
    res = _dateline_resolution(geo.Geoparser(gaz).parse(DATELINE, year=2026))
    assert res.place is None
    assert res.reasons == ("no candidate in the gazetteer",)


def test_a_name_the_gazetteer_lacks_resolves_online(gaz, gaz_copy, nominatim):
    with _geocoder(gaz_copy, nominatim) as online:
        res = _dateline_resolution(geo.Geoparser(gaz, online=online).parse(DATELINE, year=2026))
    place = res.place
    assert place is not None
    assert place.place_id == "osm:node:987654321"
    assert place.name == "Qaryat Zzyzx, Idlib Governorate, Syria"
    assert place.kind == "city"
    assert place.precision == 1
    assert place.country_code == "SY"
    assert (place.point.lat, place.point.lon) == (35.9312, 36.6324)
    assert place.geonameid is None
    assert res.score == 0.5
    assert res.reasons == (REASON,)
    assert res.role == "dateline"
    (request,) = nominatim.requests
    assert request["path"] == "/search"
    assert request["q"] == "QARYAT ZZYZX"
    assert request["format"] == "json"
    assert request["addressdetails"] == "1"
    assert request["user_agent"].startswith("geomap/")


def test_an_answer_is_asked_for_once_and_cached_in_the_gazetteer(gaz, gaz_copy, nominatim):
    with _geocoder(gaz_copy, nominatim) as online:
        parser = geo.Geoparser(gaz, online=online)
        first = _dateline_resolution(parser.parse(DATELINE, year=2026))
        second = _dateline_resolution(parser.parse(DATELINE, year=2026))
    with _geocoder(gaz_copy, nominatim) as fresh:  # a new instance: the cache is the file's
        third = _dateline_resolution(geo.Geoparser(gaz, online=fresh).parse(DATELINE, year=2026))
        answer = fresh.geocode("QARYAT ZZYZX")
    assert first.place == second.place == third.place
    assert nominatim.queries() == ["QARYAT ZZYZX"]
    assert answer is not None
    assert answer.raw["osm_type"] == "node" and answer.raw["class"] == "place"
    assert answer.raw["importance"] == 0.27
    assert answer.raw["country_code"] == "sy"
    with gazetteer.open_gazetteer(gaz_copy) as reopened:
        cached = json.loads(reopened.cached_answer("nominatim:" + nominatim.url, "QARYAT ZZYZX"))
    assert cached["display_name"] == "Qaryat Zzyzx, Idlib Governorate, Syria"
    assert (cached["lat"], cached["lon"]) == (35.9312, 36.6324)


def test_no_answer_is_cached_too(gaz_copy, nominatim):
    with _geocoder(gaz_copy, nominatim) as online:
        assert online.geocode("Nowhere Zzyzx") is None
        assert online.geocode("Nowhere  Zzyzx") is None
    with _geocoder(gaz_copy, nominatim) as fresh:
        assert fresh.geocode("Nowhere Zzyzx") is None
    assert nominatim.queries() == ["Nowhere Zzyzx"]
    with gazetteer.open_gazetteer(gaz_copy) as reopened:
        assert reopened.cached_answer("nominatim:" + nominatim.url, "Nowhere Zzyzx") == "null"


def test_country_codes_are_sent_and_part_of_the_cache_key(gaz_copy, nominatim):
    with _geocoder(gaz_copy, nominatim) as online:
        online.geocode("Qaryat Zzyzx", country_codes=["SY"])
        online.geocode("Qaryat Zzyzx")
    assert [r.get("countrycodes") for r in nominatim.requests] == ["sy", None]


def test_a_failing_service_raises_naming_the_query_and_caches_nothing(gaz_copy, nominatim):
    with _geocoder(gaz_copy, nominatim) as online:
        with pytest.raises(OnlineGeocoderError, match=r"Nominatim .*'boom'") as caught:
            online.geocode("boom")
        with pytest.raises(OnlineGeocoderError):
            online.geocode("boom")
    assert isinstance(caught.value, ConnectionError)
    assert isinstance(caught.value, gazetteer.GazetteerError)
    assert caught.value.__cause__ is not None
    assert nominatim.queries() == ["boom", "boom"]


def test_an_unreachable_service_raises(gaz_copy):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    online = OnlineGeocoder(
        gaz_copy, domain=f"127.0.0.1:{port}", scheme="http", min_delay_seconds=0, timeout=2
    )
    with pytest.raises(OnlineGeocoderError, match="'Qaryat Zzyzx'"):
        online.geocode("Qaryat Zzyzx")
    online.close()


def _cli(gaz_copy: Path, report: Path, *extra: str) -> int:
    return main(["--gazetteer", str(gaz_copy), "parse", str(report), "--no-model", "--year", "2026", *extra])


def test_cli_online_resolves_through_the_service(gaz_copy, nominatim, tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text(DATELINE, encoding="utf-8")
    assert _cli(gaz_copy, report, "--online", "--nominatim-url", nominatim.url) == Exit.OK
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (rec,) = [r for r in records if r["text"] == "QARYAT ZZYZX"]
    assert rec["place_id"] == "osm:node:987654321"
    assert rec["kind"] == "city" and rec["precision"] == 1 and rec["score"] == 0.5
    assert rec["reasons"] == [REASON]
    assert _cli(gaz_copy, report, "--online", "--nominatim-url", nominatim.url) == Exit.OK
    assert nominatim.queries() == ["QARYAT ZZYZX"]


def test_cli_exits_8_when_the_service_fails(gaz_copy, nominatim, tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text("BOOM ZZYZX, May 20 (Reuters) - Shelling hit the town on Monday.\n", encoding="utf-8")
    assert _cli(gaz_copy, report, "--online", "--nominatim-url", nominatim.url) == Exit.ONLINE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("geomap: error: Nominatim")
    assert "'BOOM ZZYZX'" in captured.err


def test_cli_without_online_sends_nothing(gaz_copy, nominatim, tmp_path, capsys):
    report = tmp_path / "report.txt"
    report.write_text(DATELINE, encoding="utf-8")
    assert _cli(gaz_copy, report, "--nominatim-url", nominatim.url) == Exit.OK
    (rec,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "ZZYZX" in line]
    assert rec["place_id"] is None
    assert rec["reasons"] == ["no candidate in the gazetteer"]
    assert nominatim.requests == []


@pytest.mark.parametrize("url", ["127.0.0.1:8080", "ftp://host", "http://"])
def test_cli_refuses_a_bad_nominatim_url(gaz_copy, tmp_path, url, capsys):
    report = tmp_path / "report.txt"
    report.write_text(DATELINE, encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        _cli(gaz_copy, report, "--online", "--nominatim-url", url)
    assert exited.value.code == Exit.USAGE
    assert "not a Nominatim URL" in capsys.readouterr().err


def test_the_default_path_does_not_load_the_rate_limiter():
    # (``import geopy`` itself, which geo's distances need, imports geopy.geocoders: nothing to check there.)
    code = (
        "import sys, gazetteer, geo, geomap.cli, geomap._commands\n"
        "assert 'geopy.extra.rate_limiter' not in sys.modules, 'rate limiter imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)
