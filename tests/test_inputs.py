"""Reading inputs for the batch commands: files, folders, globs, stdin, HTML, JSON Lines, bad inputs."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pytest

from geo import Document
from geomap._inputs import DEFAULT_MAX_BYTES, InputError, read_inputs

NAV_ONLY_PAGE = (
    b"<html><head><title>Example Wire</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
    b"<li><a href='/world'>World</a></li></ul></nav>"
    b"<footer>Copyright 2026 Example Wire.</footer></body></html>"
)
REPORT = "Shelling was reported near Aleppo on Tuesday. Talks in Geneva resumed.\n"


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _jsonl(path: Path, rows: list[object]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    return _write(path, "\n".join(lines) + "\n")


def _read(paths: list[str], **kwargs) -> tuple[list[Document], list[InputError]]:
    docs: list[Document] = []
    errors: list[InputError] = []
    for item in read_inputs(paths, **kwargs):
        if isinstance(item, InputError):
            errors.append(item)
        else:
            docs.append(item)
    return docs, errors


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    """``tmp_path`` as the current folder, so relative ids read as a user would type them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- plain files -------------------------------------------------------------------------------------


def test_a_text_file_is_one_document_named_by_its_stem(here):
    _write(here / "report-2026-03-14.txt", REPORT)
    docs, errors = _read(["report-2026-03-14.txt"], date=dt.date(2026, 3, 14))
    assert errors == []
    assert docs == [Document(id="report-2026-03-14", text=REPORT, date=dt.date(2026, 3, 14))]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"binary file \(NUL bytes\)"),
        ("latin1.txt", "In Bogotá.\n".encode("latin-1"), r"not UTF-8 text \(line 1, byte 8: b'\\xe1'\)"),
        ("empty.txt", b"", "empty report"),
        ("blank.md", b"  \n\t\r\n  ", "empty report"),
        ("controls.txt", b"\x01\x02\x03\n", "empty report"),
        ("menu.html", NAV_ONLY_PAGE, "no article text"),
        ("binary.jsonl", b'{"id": 1}\x00\x00\x00', r"binary file \(NUL bytes\), not JSON Lines"),
        ("empty.jsonl", b"\n  \n", r"empty report \(no JSON Lines rows\)"),
    ],
)
def test_a_bad_file_is_named_and_the_others_are_read(here, name, data, reason):
    _write(here / name, data)
    _write(here / "good.txt", REPORT)
    docs, errors = _read([name, "good.txt"])
    assert [d.id for d in docs] == ["good"]
    assert len(errors) == 1
    assert errors[0].where.startswith(name)
    with pytest.raises(AssertionError, match=reason):
        raise AssertionError(str(errors[0]))


def test_latin1_error_names_the_line(here):
    _write(here / "old.txt", "First line.\nTroops entered Bogotá.\n".encode("latin-1"))
    _, errors = _read(["old.txt"])
    assert [str(e) for e in errors] == ["old.txt: not UTF-8 text (line 2, byte 32: b'\\xe1')"]


def test_missing_file_and_pattern_without_match(here):
    _write(here / "good.txt", REPORT)
    docs, errors = _read(["nowhere.txt", "good.txt", "reports/*.txt"])
    assert [d.id for d in docs] == ["good"]
    assert [str(e) for e in errors] == [
        "nowhere.txt: no such file",
        "reports/*.txt: no file matches this pattern",
    ]


def _unreadable_script(folder: Path) -> str:
    """Python run as root that drops to uid/gid 65534 (nobody) once its imports are done (the
    interpreter lives under /root, which nobody may not enter), then reads the two files."""
    return (
        "import encodings.utf_8_sig, json, os\n"  # codecs load lazily, from under /root
        "from geomap._inputs import InputError, read_inputs\n"
        "os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"
        f"paths = [{str(folder / 'secret.txt')!r}, {str(folder / 'open.txt')!r}]\n"
        "items = [str(i) if isinstance(i, InputError) else 'doc:' + i.id for i in read_inputs(paths)]\n"
        "print(json.dumps(items))\n"
    )


def test_an_unreadable_file_is_named_and_the_others_are_read():
    """chmod 000 does not stop root, so as root the reading runs in a child process that drops to
    nobody with os.setuid(65534); otherwise in this process.  The folder is made under the system temp
    folder (pytest's own is private to its owner) and opened to others so that nobody can reach it."""
    with tempfile.TemporaryDirectory(prefix="geomap-unreadable-") as name:
        folder = Path(name)
        folder.chmod(0o755)
        _write(folder / "open.txt", REPORT).chmod(0o644)
        _write(folder / "secret.txt", REPORT).chmod(0o000)
        if os.geteuid() == 0:
            run = subprocess.run(
                [sys.executable, "-c", _unreadable_script(folder)],
                capture_output=True,
                text=True,
                check=True,
                cwd="/",
            )
            items = json.loads(run.stdout)
        else:
            items = [
                str(i) if isinstance(i, InputError) else "doc:" + i.id
                for i in read_inputs([str(folder / "secret.txt"), str(folder / "open.txt")])
            ]
    assert items == [f"{folder / 'secret.txt'}: cannot read (Permission denied)", "doc:open"]


# --- size limits -------------------------------------------------------------------------------------


def test_a_file_over_max_bytes_is_refused_before_it_is_read(here):
    """A 50 MB (sparse, all-NUL) file: refused for its size from the file's metadata, not read, so the
    reason is the size and not the NUL bytes, and memory stays small."""
    big = here / "huge.txt"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    _write(here / "good.txt", REPORT)
    tracemalloc.start()
    try:
        docs, errors = _read(["huge.txt", "good.txt"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [d.id for d in docs] == ["good"]
    assert [str(e) for e in errors] == [
        "huge.txt: report is 52,428,800 bytes, over the limit of 10,000,000 bytes (--max-bytes)"
    ]
    assert peak < 1024 * 1024
    assert DEFAULT_MAX_BYTES == 10_000_000


def test_max_bytes_is_a_parameter(here):
    _write(here / "a.txt", REPORT)
    docs, errors = _read(["a.txt"], max_bytes=len(REPORT.encode()))
    assert [d.id for d in docs] == ["a"]
    docs, errors = _read(["a.txt"], max_bytes=20)
    assert docs == []
    assert str(errors[0]) == f"a.txt: report is {len(REPORT)} bytes, over the limit of 20 bytes (--max-bytes)"
    with pytest.raises(ValueError, match="max_bytes must be positive"):
        _read(["a.txt"], max_bytes=0)


def test_a_jsonl_row_over_max_bytes_costs_that_row(here):
    _jsonl(
        here / "c.jsonl",
        [{"id": "a", "text": REPORT}, {"id": "b", "text": "x" * 5000}, {"id": "c", "text": REPORT}],
    )
    docs, errors = _read(["c.jsonl"], max_bytes=1000)
    assert [d.id for d in docs] == ["a", "c"]
    assert [e.where for e in errors] == ["c.jsonl:2"]
    assert "row is 5," in errors[0].reason and "over the limit of 1,000 bytes" in errors[0].reason


def test_stdin_over_max_bytes_is_refused():
    stdin = io.BytesIO(REPORT.encode() * 100)
    docs, errors = _read(["-"], stdin=stdin, max_bytes=1000)
    assert docs == []
    assert [str(e) for e in errors] == [
        "<stdin>: report is more than 1,000 bytes, over the limit of 1,000 bytes (--max-bytes)"
    ]
    assert stdin.tell() <= 1001  # read no further than the limit


# --- folders and globs -------------------------------------------------------------------------------


def _tree(root: Path) -> None:
    _write(root / "reports/b.txt", REPORT)
    _write(root / "reports/a.md", REPORT)
    _write(root / "reports/2026/march/c.txt", REPORT)
    _write(
        root / "reports/2026/d.HTML", "<html><body><article><p>" + REPORT * 3 + "</p></article></body></html>"
    )
    _jsonl(root / "reports/2026/feed.ndjson", [{"id": "row1", "text": REPORT}])
    _jsonl(root / "reports/e.jsonl", [{"id": "row2", "text": REPORT}])
    _write(root / "reports/notes.csv", "id,text\n1,Aleppo\n")
    _write(root / "reports/photo.png", b"\x89PNG\x00")
    _write(root / "reports/.draft.txt", REPORT)
    _write(root / "reports/.git/HEAD.txt", REPORT)


def test_a_folder_is_searched_recursively_in_sorted_order(here):
    _tree(here)
    docs, errors = _read(["reports"])
    assert errors == []
    assert [d.id for d in docs] == ["d", "row1", "c", "a", "b", "row2"]
    again, _ = _read(["reports"])
    assert again == docs


def test_a_folder_without_reports_is_an_error(here):
    _write(here / "pictures/photo.png", b"\x89PNG\x00")
    _write(here / "pictures/.hidden.txt", REPORT)
    docs, errors = _read(["pictures"])
    assert docs == []
    assert len(errors) == 1
    assert errors[0].where == "pictures"
    assert errors[0].reason.startswith("no report (.txt, .md, .html, .htm, .jsonl, .ndjson)")


@pytest.mark.parametrize(
    ("pattern", "ids"),
    [
        ("reports/*.txt", ["b"]),
        ("reports/**/*.txt", ["c", "b"]),
        ("reports/*", ["a", "b", "row2", "notes", "photo"]),  # what the pattern names, any file
        ("reports/[ab].*", ["a", "b"]),
    ],
)
def test_a_glob_pattern_the_shell_left_alone(here, pattern, ids):
    _tree(here)
    docs, errors = _read([pattern])
    # photo.png is binary: named as an error, not a document
    assert [d.id for d in docs] == [i for i in ids if i != "photo"]
    assert [e.where for e in errors] == (["reports/photo.png"] if "photo" in ids else [])


def test_an_existing_file_with_glob_characters_is_read_as_itself(here):
    _write(here / "report[1].txt", REPORT)
    _write(here / "report1.txt", REPORT)
    docs, _ = _read(["report[1].txt"])
    assert [d.id for d in docs] == ["report[1]"]


# --- stdin -------------------------------------------------------------------------------------------


def test_stdin_text_is_one_report():
    docs, errors = _read(["-"], stdin=io.BytesIO(("\n\n" + REPORT).encode()), date=dt.date(2026, 1, 2))
    assert errors == []
    assert docs == [Document(id="stdin", text="\n\n" + REPORT, date=dt.date(2026, 1, 2))]


def test_stdin_json_lines_are_read_as_rows():
    rows = [{"id": "r1", "text": REPORT, "date": "2026-02-03"}, {"id": "r2", "text": "Fighting near Homs."}]
    data = "\n  \n" + "\n".join(json.dumps(r) for r in rows) + "\n{bad\n"
    docs, errors = _read(["-"], stdin=io.BytesIO(data.encode()))
    assert [(d.id, d.date) for d in docs] == [("r1", dt.date(2026, 2, 3)), ("r2", None)]
    assert [e.where for e in errors] == ["<stdin>:5"]


def test_stdin_starting_with_a_brace_that_is_not_json_is_text():
    text = "{Draft} Shelling near Aleppo.\nMore fighting near Homs.\n"
    docs, errors = _read(["-"], stdin=io.BytesIO(text.encode()))
    assert errors == []
    assert [(d.id, d.text) for d in docs] == [("stdin", text)]


def test_stdin_binary_and_empty():
    assert [str(e) for e in _read(["-"], stdin=io.BytesIO(b""))[1]] == ["<stdin>: empty report"]
    _, errors = _read(["-"], stdin=io.BytesIO(b"GIF89a\x00\x01"))
    assert [str(e) for e in errors] == ["<stdin>: binary file (NUL bytes), not a text report"]


# --- HTML --------------------------------------------------------------------------------------------

ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Shelling near Aleppo | Example Wire</title>
<meta property="og:site_name" content="Example Wire">
<meta property="article:published_time" content="2026-03-05T10:00:00Z"></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news from Paris</a></li>
<li><a href="/subscribe">Subscribe to our newsletter</a></li></ul></nav>
<header><div class="menu">Menu | Login | Search</div></header>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">Floods in Lagos</a></li></ul></aside>
<main><article>
<h1>Shelling near Aleppo</h1>
<p>Government forces shelled villages north of Aleppo on Tuesday, residents said, as talks in Geneva stalled
for a third day.</p>
<p>The foreign ministry in Ankara said it was watching the border closely and called for restraint from all
sides, adding that aid convoys had been turned back near Idlib.</p>
</article></main>
<footer><p>Copyright 2026 Example Wire. Cookie policy. Privacy. Offices in Tokyo.</p></footer>
<script>var trackerCity = "Madrid";</script>
</body></html>
"""


def test_html_is_reduced_to_its_article_text_with_title_and_date(here):
    _write(here / "wire.html", ARTICLE_PAGE)
    docs, errors = _read(["wire.html"], date=dt.date(2000, 1, 1))
    assert errors == []
    (doc,) = docs
    assert doc.id == "wire"
    assert "shelled villages north of Aleppo" in doc.text
    assert "aid convoys had been turned back near Idlib" in doc.text
    for boilerplate in ("Subscribe", "Paris", "Lagos", "Login", "Cookie", "Tokyo", "Madrid", "<p>"):
        assert boilerplate not in doc.text
    assert doc.title == "Shelling near Aleppo"
    assert doc.date == dt.date(2026, 3, 5)  # the page's own date beats --date


def test_html_without_a_date_takes_the_default_date(here):
    page = ARTICLE_PAGE.replace('<meta property="article:published_time" content="2026-03-05T10:00:00Z">', "")
    _write(here / "undated.htm", page)
    docs, errors = _read(["undated.htm"], date=dt.date(2026, 4, 1))
    assert errors == []
    assert [(d.id, d.date) for d in docs] == [("undated", dt.date(2026, 4, 1))]


# --- ids -----------------------------------------------------------------------------------------------


def test_same_stem_in_two_folders_gets_a_unique_stable_id(here, caplog):
    _write(here / "a/report.txt", REPORT)
    _write(here / "b/report.txt", REPORT)
    with caplog.at_level(logging.WARNING, logger="geomap"):
        docs, errors = _read(["a/report.txt", "b/report.txt"])
    assert errors == []
    assert [d.id for d in docs] == ["report", os.path.join("b", "report.txt")]
    assert caplog.messages == [
        "b/report.txt: document id 'report' is already taken by a/report.txt; this one's id is 'b/report.txt'"
    ]
    assert [d.id for d in _read(["a/report.txt", "b/report.txt"])[0]] == [d.id for d in docs]


def test_two_jsonl_files_with_the_same_ids(here, caplog):
    _jsonl(here / "one.jsonl", [{"id": "r1", "text": REPORT}, {"id": 7, "text": REPORT}])
    _jsonl(here / "feeds/two.jsonl", [{"id": "r1", "text": REPORT}, {"id": "r2", "text": REPORT}])
    with caplog.at_level(logging.WARNING, logger="geomap"):
        docs, errors = _read(["one.jsonl", "feeds/two.jsonl"])
    assert errors == []
    assert [d.id for d in docs] == ["r1", "7", "feeds/two.jsonl:r1", "r2"]
    assert caplog.messages == [
        "feeds/two.jsonl:1: document id 'r1' is already taken by one.jsonl:1;"
        " this one's id is 'feeds/two.jsonl:r1'"
    ]


def test_a_duplicate_id_within_one_jsonl_file_is_a_row_error(here):
    _jsonl(here / "c.jsonl", [{"id": "r1", "text": REPORT}, {"id": "r1", "text": "Other text about Homs."}])
    docs, errors = _read(["c.jsonl"])
    assert [d.id for d in docs] == ["r1"]
    assert [str(e) for e in errors] == ["c.jsonl:2: duplicate id 'r1' (also on line 1)"]


def test_an_id_clash_with_no_free_fallback_is_named(here):
    _jsonl(here / "c.jsonl", [{"id": "x", "text": REPORT}, {"id": "d.jsonl:x", "text": REPORT}])
    _write(here / "x.txt", REPORT)
    _jsonl(here / "d.jsonl", [{"id": "x", "text": REPORT}, {"id": "y", "text": REPORT}])
    docs, errors = _read(["c.jsonl", "x.txt", "d.jsonl"])
    assert [d.id for d in docs] == ["x", "d.jsonl:x", "x.txt", "y"]
    assert [str(e) for e in errors] == [
        "d.jsonl:1: duplicate document id 'x' (taken by c.jsonl:1; 'd.jsonl:x' by c.jsonl:2)"
    ]


def test_the_same_file_given_twice_is_read_once(here, caplog):
    _tree(here)
    with caplog.at_level(logging.WARNING, logger="geomap"):
        docs, errors = _read(["reports/b.txt", "reports"])
    assert errors == []
    assert [d.id for d in docs] == ["b", "d", "row1", "c", "a", "row2"]
    assert caplog.messages == ["reports/b.txt: already read as reports/b.txt; skipped"]


# --- JSON Lines rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("{bad json", r"malformed JSON \(Expecting property name enclosed in double quotes at column 2\)"),
        ("[" * 200_000, r"malformed JSON \(nested too deeply\)"),
        ('{"id": "n", "text": "Aleppo.", "n": ' + "9" * 5000 + "}", r"malformed JSON \(Exceeds the limit"),
        ('["id", "text"]', "expected an object with 'id' and 'text', got list"),
        ('{"text": "Aleppo."}', "'id' missing or not a string: None"),
        ('{"id": true, "text": "Aleppo."}', "'id' missing or not a string: True"),
        ('{"id": "e", "text": "  "}', "'text' missing or empty"),
        ('{"id": "e", "text": 5}', "'text' missing or not a string"),
        ('{"id": "d", "text": "Aleppo.", "date": "March"}', r"'date' is not a date \(YYYY-MM-DD\): 'March'"),
        ('{"id": "d", "text": "Aleppo.", "date": 2026}', "'date' must be a string YYYY-MM-DD, got 2026"),
    ],
)
def test_one_bad_row_costs_that_row_only(here, row, reason):
    path = _jsonl(here / "c.jsonl", [{"id": "before", "text": REPORT}, row, {"id": "after", "text": REPORT}])
    docs, errors = _read([str(path.name)])
    assert [d.id for d in docs] == ["before", "after"]
    assert len(errors) == 1
    assert errors[0].where == "c.jsonl:2"
    with pytest.raises(AssertionError, match=reason):
        raise AssertionError(errors[0].reason)


def test_an_undecodable_row_costs_that_row_only(here):
    good = json.dumps({"id": "ok", "text": REPORT}).encode()
    _write(here / "c.jsonl", b'{"id": "bad", "text": "Bogot\xe1"}\n' + good + b"\n")
    docs, errors = _read(["c.jsonl"])
    assert [d.id for d in docs] == ["ok"]
    assert [e.where for e in errors] == ["c.jsonl:1"]
    assert errors[0].reason.startswith("not UTF-8 text")


def test_jsonl_metadata_bom_and_line_separators(here):
    row = {"id": "m", "text": "Talks in Geneva\u2028resumed.", "date": "2026-03-14T08:00", "title": "T"}
    _write(here / "c.jsonl", "\ufeff" + json.dumps(row, ensure_ascii=False) + "\r\n")
    docs, errors = _read(["c.jsonl"])
    assert errors == []
    assert docs == [
        Document(id="m", text="Talks in Geneva\u2028resumed.", date=dt.date(2026, 3, 14), title="T")
    ]


def test_a_lone_surrogate_becomes_a_replacement_character(here, caplog):
    raw = '{"id": "s", "text": "Shelling near \\ud800Aleppo and \\ud83d\\ude00 Homs."}'
    _jsonl(here / "c.jsonl", [{"id": "first", "text": REPORT}, raw])
    with caplog.at_level(logging.WARNING, logger="geomap"):
        docs, errors = _read(["c.jsonl"])
    assert errors == []
    text = docs[1].text
    assert text == "Shelling near \ufffdAleppo and \U0001f600 Homs."
    assert len(text) == len(json.loads(raw)["text"])  # offsets hold
    text.encode("utf-8")  # no lone surrogate left to break an encoder
    assert caplog.messages == ["c.jsonl:2: 1 lone surrogate(s) in the text replaced with U+FFFD"]


def test_a_cleaned_surrogate_no_longer_breaks_the_parser(here, gaz):
    import geo

    _jsonl(
        here / "c.jsonl", ['{"id": "s", "text": "Government forces shelled \\ud800 villages near Aleppo."}']
    )
    (doc,) = _read(["c.jsonl"])[0]
    parser = geo.Geoparser(gaz, nlp=geo.load_model(), model_scope="all")
    (result,) = parser.parse_documents([doc])
    assert "Aleppo" in [r.mention.text for r in result.resolutions]


def test_control_characters_become_spaces_warned_once_per_document(here, caplog):
    text = "Shelling\x07 near\x0bAleppo\x1b[0m.\tTalks\r\nin Geneva\x85resumed\x7f.\n"
    _write(here / "ctl.txt", text)
    _jsonl(here / "c.jsonl", [{"id": "j", "text": text}])
    with caplog.at_level(logging.WARNING, logger="geomap"):
        docs, errors = _read(["ctl.txt", "c.jsonl"])
    assert errors == []
    cleaned = "Shelling  near Aleppo [0m.\tTalks\r\nin Geneva resumed .\n"
    assert [d.text for d in docs] == [cleaned, cleaned]
    assert caplog.messages == [
        "ctl.txt: 5 control character(s) in the text replaced with spaces",
        "c.jsonl:1: 5 control character(s) in the text replaced with spaces",
    ]


# --- streaming ---------------------------------------------------------------------------------------


def test_reading_a_20_mb_jsonl_file_streams(here):
    """A generated 20 MB JSON Lines file through read_inputs: tracemalloc's peak stays far below its size
    (one row, plus the ids seen, in memory at a time)."""
    sentence = "Government forces shelled villages north of Aleppo while talks in Geneva stalled. "
    path = here / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as f:
        i = 0
        while f.tell() < 20 * 1024 * 1024:
            f.write(json.dumps({"id": f"doc-{i}", "text": sentence * 60, "date": "2026-03-14"}) + "\n")
            i += 1
    size = path.stat().st_size
    count = 0
    tracemalloc.start()
    try:
        for item in read_inputs([path.name]):
            assert isinstance(item, Document)
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == i
    assert peak < size / 8, f"peak {peak:,} bytes for a {size:,}-byte file"


def test_read_inputs_is_lazy(here):
    _jsonl(here / "c.jsonl", [{"id": "a", "text": REPORT}])
    items = read_inputs(["c.jsonl", "missing.txt"])
    assert next(items) == Document(id="a", text=REPORT)
    assert str(next(items)) == "missing.txt: no such file"
