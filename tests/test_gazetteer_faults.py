"""A damaged or unreadable gazetteer fails clearly; the one geomap owns is rebuilt, and says so.

Every fault is made for real on a copy of the embedded gazetteer in tmp_path (never on the shared file):
pages overwritten with garbage (found through SQLite's ``dbstat`` table), a truncated file, a table,
column or index dropped with sqlite3, an empty or a text file, a file or directory without read
permission.  Tests run as root, whom file modes do not stop: the permission tests run geomap in a
child process whose capability bounding set lacks CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so that the
modes apply to it (as they do to any other user).  Only ``test_a_damaged_owned_gazetteer_is_rebuilt``
runs the real build (about a minute); the others that would build hand in a stand-in that copies the real
gazetteer.
"""

from __future__ import annotations

import ctypes
import json
import os
import pty
import random
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import gazetteer._store
from gazetteer import (
    Gazetteer,
    GazetteerError,
    GazetteerNotReadableError,
    InvalidGazetteerError,
    open_gazetteer,
    source_fingerprint,
)

LATAKIA_CITY, LATAKIA_GOV = 173576, 173578

# --- making faults --------------------------------------------------------------------------------


@pytest.fixture
def copy(gaz: Gazetteer, tmp_path: Path) -> Path:
    """A copy of the embedded gazetteer, to damage."""
    dst = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(gaz.path, dst)
    return dst


def _pages(path: Path, name: str, pagetype: str | None = None) -> list[int]:
    """Page numbers of a table or index, in the order of its b-tree (leaves in key order)."""
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY path", (name,))
        return [page for page, kind in rows if pagetype is None or kind == pagetype]
    finally:
        con.close()


def _overwrite(path: Path, pages: list[int]) -> dict[int, bytes]:
    """Write random bytes over whole pages of the file; return what they held."""
    assert pages
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        (page_size,) = con.execute("PRAGMA page_size").fetchone()
    finally:
        con.close()
    rnd = random.Random(pages[0])
    held = {}
    with path.open("r+b") as fh:
        for page in pages:
            fh.seek((page - 1) * page_size)
            held[page] = fh.read(page_size)
            fh.seek((page - 1) * page_size)
            fh.write(rnd.randbytes(page_size))
    return held


def _restore(path: Path, held: dict[int, bytes]) -> None:
    with path.open("r+b") as fh:
        for page, data in held.items():
            fh.seek((page - 1) * len(data))
            fh.write(data)


def _sql(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    try:
        for statement in statements:
            con.execute(statement)
        con.commit()
    finally:
        con.close()


def _truncated(path: Path) -> str:
    size = path.stat().st_size
    os.truncate(path, size // 2)
    return rf"the gazetteer is corrupt \(truncated: {size // 2:,} of {size:,} bytes\)"


def _root_page_of(kind: str, name: str) -> Callable[[Path], str]:
    def damage(path: Path) -> str:
        _overwrite(path, _pages(path, name)[:1])  # "/" comes first: the root
        return rf"the gazetteer is corrupt \(database disk image is malformed, in {kind} {name}\)"

    damage.__name__ = f"garbage_over_the_root_of_{name}"
    return damage


def _garbage_over_the_first_leaf_of_names(path: Path) -> str:
    _overwrite(path, _pages(path, "names", "leaf")[:1])
    return r"the gazetteer is corrupt \(database disk image is malformed, in table names\)"


def _garbage_over_the_last_leaf_of_the_name_index(path: Path) -> str:
    _overwrite(path, _pages(path, "names_norm", "leaf")[-1:])
    return r"the gazetteer is corrupt \(database disk image is malformed, in index names_norm\)"


def _borders_dropped(path: Path) -> str:
    _sql(path, "DROP TABLE borders")
    return r"the gazetteer is damaged \(its table borders is missing\)"


def _population_dropped(path: Path) -> str:
    _sql(path, "ALTER TABLE places DROP COLUMN population")
    return r"the gazetteer is damaged \(column places.population is missing\)"


def _name_index_dropped(path: Path) -> str:
    _sql(path, "DROP INDEX names_norm")
    return r"the gazetteer is damaged \(its index names_norm on names is missing\)"


def _meta_dropped(path: Path) -> str:
    _sql(path, "DROP TABLE meta")
    return r"not a geomap gazetteer \(a SQLite database without geomap's tables\)"


def _meta_of_another_program(path: Path) -> str:
    _sql(path, "DROP TABLE meta", "CREATE TABLE meta (name TEXT, version INTEGER)")
    return r"not a geomap gazetteer \(a SQLite database without geomap's tables\)"


def _emptied(path: Path) -> str:
    path.write_bytes(b"")
    return r"not a geomap gazetteer \(an empty file\)"


def _text(path: Path) -> str:
    path.write_text("name,lat,lon\nLatakia,35.53,35.79\n", encoding="utf-8")
    return r"not a geomap gazetteer \(not a SQLite database; it starts with b'name,lat,lon\\nLat'\)"


FAULTS = [
    _truncated,
    _root_page_of("table", "places"),
    _root_page_of("table", "names"),
    _root_page_of("table", "geometries"),
    _root_page_of("table", "borders"),
    _root_page_of("index", "names_norm"),
    _root_page_of("index", "names_place"),
    _garbage_over_the_first_leaf_of_names,
    _garbage_over_the_last_leaf_of_the_name_index,
    _borders_dropped,
    _population_dropped,
    _name_index_dropped,
    _meta_dropped,
    _meta_of_another_program,
    _emptied,
    _text,
]


def _state(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_mode)


def _open_descriptors(path: Path) -> list[int]:
    """This process's file descriptors open on ``path``: a connection left open holds one."""
    target = str(path.resolve())
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == target:
                found.append(int(fd))
        except OSError:  # the descriptor listdir itself used, closed since
            continue
    return found


# --- detected when it is opened ---------------------------------------------------------------------


@pytest.mark.parametrize("damage", FAULTS, ids=lambda f: f.__name__.strip("_"))
def test_a_damaged_file_given_by_path_fails_naming_it_and_what_to_do(
    copy: Path, tmp_path: Path, damage: Callable[[Path], str]
) -> None:
    problem = damage(copy)
    before = _state(copy)
    with pytest.raises(InvalidGazetteerError) as err:
        open_gazetteer(copy)
    message = str(err.value)
    assert re.fullmatch(
        re.escape(f"{copy}: ")
        + problem
        + re.escape(f"; rebuild it with `geomap gazetteer build --out {copy}`")
        + ", or delete it",
        message,
    ), message
    assert isinstance(err.value, GazetteerError) and isinstance(err.value, sqlite3.DatabaseError)
    assert _state(copy) == before  # an explicit path is never rebuilt nor written
    assert list(tmp_path.iterdir()) == [copy]
    assert _open_descriptors(copy) == []  # the failed open closed its connection


def test_the_check_at_open_reads_every_table_and_index_of_the_schema(copy: Path) -> None:
    # Each b-tree of the schema (tables, their indexes, the primary keys' indexes) is read at open:
    # garbage over any root page is found then, not by some later query.
    con = sqlite3.connect(copy)
    try:
        names = [
            name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE name != 'sqlite_stat1'")
        ]
    finally:
        con.close()
    assert {"meta", "places", "names", "geometries", "borders", "geocoder_cache", "names_norm"} <= set(names)
    for name in names:
        held = _overwrite(copy, _pages(copy, name)[:1])
        with pytest.raises(
            InvalidGazetteerError, match=rf"database disk image is malformed, in \w+ {name}\)"
        ):
            open_gazetteer(copy)
        _restore(copy, held)
    with open_gazetteer(copy) as reopened:
        assert reopened.get(LATAKIA_CITY) is not None


def test_an_intact_copy_opens_and_passes_the_full_check(copy: Path) -> None:
    with open_gazetteer(copy) as opened:
        opened.check_integrity()
        assert opened.get(LATAKIA_CITY) is not None
    assert _open_descriptors(copy) == []


# --- found later, by a query -----------------------------------------------------------------------


QUERIES = [
    ("lookup", ("Latakia",)),
    ("has_name", ("Latakia",)),
    ("has_exact_name", ("Latakia",)),
    ("name_kinds", ("Latakia",)),
    ("max_population", ("Latakia",)),
    ("country_code_of", ("Syrian",)),
    ("find_border", ("the Syrian-Turkish border",)),
    ("lookup", ("Aleppo province",)),  # the retry with the unit's type left off goes through the index too
]


def test_damage_found_by_a_query_is_a_gazetteer_error_naming_the_file(copy: Path) -> None:
    # Garbage over every leaf of the name index but the first and the last: the check at open reads
    # those two and passes; a query for a name finds the garbage.
    _overwrite(copy, _pages(copy, "names_norm", "leaf")[1:-1])
    remedy = f"; rebuild it with `geomap gazetteer build --out {copy}`, or delete it"
    with open_gazetteer(copy) as damaged:
        for method, args in QUERIES:
            with pytest.raises(InvalidGazetteerError) as err:
                getattr(damaged, method)(*args)
            assert (
                str(err.value)
                == f"{copy}: the gazetteer is corrupt (database disk image is malformed){remedy}"
            )
            assert isinstance(err.value.__cause__, sqlite3.DatabaseError)
        # what does not go through the name index still answers
        latakia = damaged.get(LATAKIA_CITY)
        assert latakia is not None and latakia.name == "Latakia"
        assert [n for n, _ in damaged.names_of(LATAKIA_GOV)]
        with pytest.raises(InvalidGazetteerError, match=r"the gazetteer is corrupt \(.*Page \d+: "):
            damaged.check_integrity()
    assert _open_descriptors(copy) == []


def test_damaged_places_are_found_by_get(copy: Path) -> None:
    _overwrite(copy, _pages(copy, "places", "leaf")[1:-1])
    corrupt = re.escape(f"{copy}: the gazetteer is corrupt (")
    with open_gazetteer(copy) as damaged, pytest.raises(InvalidGazetteerError, match=corrupt):
        damaged.get(LATAKIA_CITY)


def test_a_closed_gazetteer_is_a_bug_not_a_damaged_file(copy: Path) -> None:
    opened = open_gazetteer(copy)
    opened.close()
    with pytest.raises(sqlite3.ProgrammingError) as err:
        opened.lookup("Latakia")
    assert not isinstance(err.value, GazetteerError)


def _geomap(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", "-m", "geomap", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_the_command_exits_3_naming_the_file_when_damage_is_found_mid_run(copy: Path) -> None:
    _overwrite(copy, _pages(copy, "names_norm", "leaf")[1:-1])
    done = _geomap("--gazetteer", str(copy), "gazetteer", "lookup", "Latakia")
    assert done.returncode == 3, done.stderr
    assert done.stderr == (
        f"geomap: error: {copy}: the gazetteer is corrupt (database disk image is malformed);"
        f" rebuild it with `geomap gazetteer build --out {copy}`, or delete it\n"
    )
    assert done.stdout == ""


def test_the_command_exits_3_naming_the_file_when_damage_is_found_at_open(copy: Path) -> None:
    _sql(copy, "DROP TABLE borders")
    done = _geomap("--gazetteer", str(copy), "gazetteer", "info")
    assert done.returncode == 3, done.stderr
    assert done.stderr == (
        f"geomap: error: {copy}: the gazetteer is damaged (its table borders is missing);"
        f" rebuild it with `geomap gazetteer build --out {copy}`, or delete it\n"
    )


# --- the gazetteer geomap owns ------------------------------------------------------------------------


@pytest.fixture
def owned(gaz: Gazetteer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, list]]:
    """``$GEOMAP_GAZETTEER``: the file geomap owns, as a copy of the embedded gazetteer; and the builds
    asked for, each done by a stand-in that copies the embedded gazetteer in."""
    path = tmp_path / "cache" / "gazetteer.sqlite"
    path.parent.mkdir()
    shutil.copyfile(gaz.path, path)
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(path))
    builds: list[tuple[Path, bool]] = []

    def stand_in(out: Path, *, progress: bool = False) -> None:
        builds.append((out, progress))
        shutil.copyfile(gaz.path, out)

    monkeypatch.setattr(gazetteer._store, "build", stand_in)
    yield path, builds


def test_a_damaged_owned_gazetteer_is_rebuilt_saying_why(owned, capsys: pytest.CaptureFixture[str]) -> None:
    path, builds = owned
    problem = _population_dropped(path)
    with open_gazetteer() as rebuilt:
        assert rebuilt.get(LATAKIA_CITY) is not None
    assert builds == [(path, False)]  # stderr is not a terminal here: no progress bar
    lines = capsys.readouterr().err.splitlines()
    assert re.fullmatch(
        re.escape(f"geomap: {path}: ")
        + problem
        + r"; rebuilding it from the installed packages \(about a minute\)",
        lines[0],
    ), lines
    assert re.fullmatch(r"geomap: built the gazetteer in \d+ s", lines[1]), lines
    assert len(lines) == 2


def test_the_first_run_says_it_builds_where_and_how_long(owned, capsys: pytest.CaptureFixture[str]) -> None:
    path, builds = owned
    path.unlink()
    with open_gazetteer():
        pass
    assert builds == [(path, False)]
    first, done = capsys.readouterr().err.splitlines()
    assert first == (
        f"geomap: building the gazetteer into {path} from the installed packages (first run; about a minute)"
    )
    assert done.startswith("geomap: built the gazetteer in ")


def test_a_stale_owned_gazetteer_is_rebuilt_saying_so(owned, capsys: pytest.CaptureFixture[str]) -> None:
    path, builds = owned
    _sql(path, "UPDATE meta SET value = 'an-older-one' WHERE key = 'fingerprint'")
    with open_gazetteer() as rebuilt:
        assert rebuilt.meta["fingerprint"] == source_fingerprint()
    assert builds == [(path, False)]
    assert capsys.readouterr().err.splitlines()[0] == (
        f"geomap: the gazetteer's sources changed; rebuilding {path} (about a minute)"
    )


@pytest.mark.parametrize(
    ("terminal", "progress", "bar"),
    [(True, None, True), (True, False, False), (False, None, False), (False, True, True)],
)
def test_the_progress_bar_shows_when_stderr_is_a_terminal(
    owned, monkeypatch: pytest.MonkeyPatch, terminal: bool, progress: bool | None, bar: bool
) -> None:
    path, builds = owned
    path.unlink()
    leader, follower = pty.openpty()
    with os.fdopen(leader, "rb", buffering=0) as screen, os.fdopen(follower, "w") as tty:
        with monkeypatch.context() as patch:
            if terminal:
                patch.setattr(sys, "stderr", tty)
            assert sys.stderr.isatty() == terminal
            with open_gazetteer(progress=progress):
                pass
        if terminal:  # the line was written to the terminal, as to a person watching
            assert b"building the gazetteer into" in screen.read(4096)
    assert builds == [(path, bar)]


def test_a_damaged_owned_gazetteer_is_not_rebuilt_when_asked_not_to(owned) -> None:
    path, builds = owned
    _sql(path, "DROP TABLE borders")
    with pytest.raises(InvalidGazetteerError) as err:
        open_gazetteer(build_missing=False)
    assert str(err.value) == (
        f"{path}: the gazetteer is damaged (its table borders is missing); rebuild it with"
        " `geomap gazetteer build`, or delete it (geomap builds a missing one)"
    )
    assert builds == []
    assert _open_descriptors(path) == []


def test_a_damaged_geonames_import_is_not_replaced_by_the_packages_build(owned) -> None:
    # A full GeoNames import took its user an hour: a build from the packages is no replacement.
    path, builds = owned
    _sql(path, "UPDATE meta SET value = 'geonames-dump' WHERE key = 'source'", "DROP TABLE borders")
    with pytest.raises(InvalidGazetteerError) as err:
        open_gazetteer()
    assert str(err.value) == (
        f"{path}: the gazetteer is damaged (its table borders is missing);"
        " import the GeoNames dump again (`geomap gazetteer import ...`)"
    )
    assert builds == []


@pytest.mark.slow
def test_a_damaged_owned_gazetteer_is_rebuilt(
    gaz: Gazetteer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # The one real build (about a minute): garbage over the root of the names table of the file geomap owns;
    # opening it says so on stderr, builds a gazetteer of the current sources with a progress bar, and
    # the next open takes that as it is.
    path = tmp_path / "gazetteer.sqlite"
    shutil.copyfile(gaz.path, path)
    _overwrite(path, _pages(path, "names")[:1])
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(path))
    with open_gazetteer(progress=True) as rebuilt:
        assert rebuilt.meta["fingerprint"] == source_fingerprint()
        assert {c.id for c in rebuilt.lookup("Latakia")} >= {LATAKIA_CITY, LATAKIA_GOV}
        rebuilt.check_integrity()
    err = capfd.readouterr().err
    assert err.startswith(
        f"geomap: {path}: the gazetteer is corrupt (database disk image is malformed, in table names);"
        " rebuilding it from the installed packages (about a minute)\n"
    )
    assert "building the gazetteer: 100%" in err  # tqdm's bar over the stages
    assert re.search(r"\ngeomap: built the gazetteer in \d+ s\n$", err)
    built = _state(path)
    with open_gazetteer() as reopened:
        assert reopened.country_code_of("Syrian") == "SY"
    assert _state(path) == built
    assert capfd.readouterr().err == ""
    assert list(tmp_path.iterdir()) == [path]
    assert _open_descriptors(path) == []


# --- no permission to read --------------------------------------------------------------------------

_PR_CAPBSET_DROP, _CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 24, 1, 2


def _without_permission_override() -> None:
    """Run in the child before exec: drop the capabilities that let root read any file from the bounding
    set, so the program it execs has them neither, and file modes apply to it."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


_OPEN = """
import json, sys
import gazetteer
try:
    gazetteer.open_gazetteer(sys.argv[1] or None).close()
    print(json.dumps(None))
except gazetteer.GazetteerError as exc:
    print(json.dumps([type(exc).__name__, isinstance(exc, PermissionError), str(exc)]))
"""


def _unprivileged(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
        check=False,
        preexec_fn=_without_permission_override if os.geteuid() == 0 else None,
    )


@pytest.mark.parametrize(("locked", "explicit"), [("file", True), ("directory", True), ("file", False)])
def test_a_gazetteer_that_cannot_be_read_fails_and_is_never_rebuilt(
    copy: Path, tmp_path: Path, locked: str, explicit: bool
) -> None:
    where = copy if locked == "file" else copy.parent
    env = {"GEOMAP_GAZETTEER": str(tmp_path / "unused.sqlite") if explicit else str(copy)}
    before = _state(copy)
    where.chmod(0)
    try:
        opened = _unprivileged(["-c", _OPEN, str(copy) if explicit else ""], env)
        option = ["--gazetteer", str(copy)] if explicit else []
        command = _unprivileged(["-m", "geomap", *option, "gazetteer", "info"], env)
    finally:
        where.chmod(0o755 if where.is_dir() else 0o644)
    message = (
        f"{copy}: cannot read the gazetteer (Permission denied);"
        " check the permissions of the file and of its directories"
    )
    assert json.loads(opened.stdout) == ["GazetteerNotReadableError", True, message], opened.stderr
    assert issubclass(GazetteerNotReadableError, InvalidGazetteerError)
    assert (command.returncode, command.stderr, command.stdout) == (3, f"geomap: error: {message}\n", "")
    assert _state(copy)[:3] == before[:3]  # the same file, neither rebuilt nor written
    assert sorted(p.name for p in tmp_path.iterdir()) == [copy.name]
