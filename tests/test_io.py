"""Output files whole or not at all, on real faults: /dev/full, the file size limit, a FIFO, a symbolic
link, a 255-byte name, SIGTERM while writing."""

from __future__ import annotations

import errno
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pyogrio
import pytest

import maps
from maps import _io
from maps._io import OutputError, atomic_path, atomic_write_text, is_stream

TESTS = Path(__file__).parent


def run_child(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that can import the test helpers."""
    prelude = f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".geomap-"))


# --- regular files -------------------------------------------------------------------------------


def test_regular_file_is_replaced_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o600)
    atomic_write_text(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_new_file_gets_the_mode_of_an_ordinary_write(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


@pytest.mark.parametrize("raised", [RuntimeError("boom"), KeyboardInterrupt(), SystemExit(143)])
def test_failure_inside_the_block_removes_the_temporary_file(tmp_path: Path, raised: BaseException) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old\n", encoding="utf-8")
    seen = []
    with pytest.raises(type(raised)), atomic_path(path) as tmp:
        seen.append(tmp)
        tmp.write_text("half", encoding="utf-8")
        raise raised
    assert seen[0].parent == tmp_path and seen[0].exists() is False
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


@pytest.mark.parametrize(
    "name",
    [
        "n" * 255,  # the longest name ext4 accepts
        "é" * 123 + "x.geojson",  # 255 bytes in UTF-8
        "p" * 245 + ".gpkg",
    ],
)
def test_names_up_to_255_bytes(tmp_path: Path, name: str) -> None:
    assert len(os.fsencode(name)) <= 255
    path = tmp_path / name
    if name.endswith(".gpkg"):
        maps.write_gpkg(maps.build_features([]), path)
        assert [layer for layer, _ in pyogrio.list_layers(path)]
    else:
        atomic_write_text(path, "long name\n")
        assert path.read_text(encoding="utf-8") == "long name\n"
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_file_and_directory_are_flushed_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spy around the real ``os.fsync``: the temporary file, then the directory after the rename."""
    synced: list[tuple[str, bool]] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        where = os.readlink(f"/proc/self/fd/{fd}")
        synced.append((os.path.basename(where), (tmp_path / "out.gpkg").exists()))
        real_fsync(fd)

    monkeypatch.setattr(_io.os, "fsync", spy)
    maps.write_gpkg(maps.build_features([]), tmp_path / "out.gpkg")
    assert len(synced) == 2
    (tmp_name, renamed_before), (dir_name, renamed_after) = synced
    assert tmp_name.startswith(".geomap-") and tmp_name.endswith(".gpkg") and not renamed_before
    assert dir_name == tmp_path.name and renamed_after


# --- symbolic links, devices, FIFOs and things that are not files --------------------------------


def test_symlink_is_kept_and_the_file_it_points_to_is_written(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "links").mkdir()
    real = tmp_path / "data" / "mentions.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "links" / "mentions.csv"
    link.symlink_to(Path("..") / "data" / "mentions.csv")
    atomic_write_text(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == "../data/mentions.csv"
    assert real.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["mentions.csv"]
    assert sorted(p.name for p in (tmp_path / "links").iterdir()) == ["mentions.csv"]


def test_dangling_symlink_creates_the_file_it_names(tmp_path: Path) -> None:
    link = tmp_path / "out.geojson"
    link.symlink_to("made.geojson")
    atomic_write_text(link, "{}\n")
    assert link.is_symlink()
    assert (tmp_path / "made.geojson").read_text(encoding="utf-8") == "{}\n"


def test_dev_null_is_written_through_and_stays_a_device() -> None:
    atomic_write_text("/dev/null", "nothing\n")
    maps.write_gpkg(maps.build_features([]), "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("writer", ["text", "csv", "geojson", "gpkg"])
def test_dev_full_fails_with_enospc_and_stays_a_device(writer: str) -> None:
    fs = maps.build_features([])
    write = {
        "text": lambda: atomic_write_text("/dev/full", "x" * 100_000),
        "csv": lambda: maps.write_csv(fs, "/dev/full"),
        "geojson": lambda: maps.write_geojson(fs, "/dev/full"),
        "gpkg": lambda: maps.write_gpkg(fs, "/dev/full"),
    }[writer]
    with pytest.raises(OSError, match="No space left on device") as info:
        write()
    assert info.value.errno == errno.ENOSPC
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert not [n for n in os.listdir("/dev") if n.startswith(".geomap-")]


def test_dev_stdout_into_a_pipe_and_into_a_redirected_file(tmp_path: Path) -> None:
    code = "from maps._io import atomic_write_text\natomic_write_text('/dev/stdout', 'through\\n')\n"
    piped = run_child(code, tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == "through\n"
    # stdout redirected to a file that already holds earlier output: appended to, not replaced.
    out = tmp_path / "redirected.txt"
    out.write_text("earlier\n", encoding="utf-8")
    inode = out.stat().st_ino
    with open(out, "a", encoding="utf-8") as fh:
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, stdout=fh, stderr=subprocess.PIPE, timeout=60
        )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == "earlier\nthrough\n"
    assert out.stat().st_ino == inode
    assert leftovers(tmp_path) == []


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as fh:
            into.append(fh.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    assert is_stream(fifo)
    atomic_write_text(fifo, "a,b\n1,2\n")
    reader.join(timeout=30)
    assert got == [b"a,b\n1,2\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.csv"]


def test_geopackage_into_a_fifo_arrives_whole(tmp_path: Path) -> None:
    sys.path.insert(0, str(TESTS))
    from browser_util import sample_results

    fifo = tmp_path / "pipe.gpkg"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    maps.write_gpkg(maps.build_features(sample_results()), fifo)
    reader.join(timeout=30)
    copy = tmp_path / "copy.gpkg"
    copy.write_bytes(got[0])
    assert {name for name, _ in pyogrio.list_layers(copy)} == {
        "points",
        "lines",
        "polygons",
        "mentions",
        "statements",
    }
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_directory_is_refused_with_a_reason(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    target.mkdir()
    with pytest.raises(OutputError, match="a directory, not a file") as info:
        atomic_write_text(target, "x")
    assert info.value.errno == errno.EISDIR and info.value.filename == str(target)
    assert isinstance(info.value, OSError)
    assert target.is_dir() and list(target.iterdir()) == []
    assert leftovers(tmp_path) == []


def test_socket_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(OutputError, match="a socket, not a file"):
            maps.write_csv(maps.build_features([]), path)
    assert stat.S_ISSOCK(path.lstat().st_mode)


# --- faults in a child process -------------------------------------------------------------------


def test_file_size_limit_fails_with_efbig_and_leaves_the_old_file(tmp_path: Path) -> None:
    (tmp_path / "out.txt").write_text("old\n", encoding="utf-8")
    proc = run_child(
        """
        import errno, resource, signal
        from maps._io import atomic_write_text
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))
        try:
            atomic_write_text("out.txt", "x" * 200_000)
        except OSError as exc:
            print(errno.errorcode[exc.errno])
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "EFBIG"
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


@pytest.mark.parametrize("writer", ["write_csv", "write_gpkg"])
def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path: Path, writer: str) -> None:
    """The command line turns SIGTERM into SystemExit; the child does the same and writes in a loop."""
    name = "out.csv" if writer == "write_csv" else "out.gpkg"
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import dataclasses, signal, sys
                sys.path.insert(0, {str(TESTS)!r})
                from browser_util import sample_results
                import maps

                def stop(signum, frame):
                    raise SystemExit(128 + signum)

                signal.signal(signal.SIGTERM, stop)
                fs = maps.build_features(sample_results())
                fs = dataclasses.replace(fs, mentions=fs.mentions * 400)
                print("ready", flush=True)
                while True:
                    maps.{writer}(fs, {name!r})
                """
            ),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == "ready\n"
            deadline = time.monotonic() + 60
            while not leftovers(tmp_path):  # wait until the child is inside a write
                assert time.monotonic() < deadline, "the child never started writing"
                time.sleep(0.001)
            child.send_signal(signal.SIGTERM)
            assert child.wait(timeout=60) == 128 + signal.SIGTERM
        finally:
            if child.poll() is None:
                child.kill()
    assert leftovers(tmp_path) == []
    assert {p.name for p in tmp_path.iterdir()} <= {name}
