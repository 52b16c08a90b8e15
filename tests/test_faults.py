"""Faults a user can cause: every filesystem fault is one line on stderr naming the target and
the cause, exit 2, and nothing left behind; SIGINT, SIGTERM and SIGHUP clean up too, and the
message after one says what is on disk; a staging folder left by a killed run is removed by
the next run (or named, if its run is still going).

The conditions are real: a size-limited tmpfs for a full disk, a read-only mount, a process
without root's rights for permissions, a second filesystem for a cross-device target. Tests
that need root's mount or setpriv skip with the reason where those are not available."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import render as render_mod
from generator.errors import Interrupted
from generator.stack import resolve
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
CAN_MOUNT = os.geteuid() == 0 and shutil.which("mount") is not None
needs_mount = pytest.mark.skipif(not CAN_MOUNT, reason="needs root to mount a tmpfs")
needs_setpriv = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv to run stackgen as an unprivileged user",
)


def _listing(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def _one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert err.startswith("stackgen: error: DIR: ") and err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, err


@pytest.fixture
def tmpfs(tmp_path, request) -> Iterator[Path]:
    """A tmpfs of 256 KiB (a generated project is larger) or of the size the test's
    ``size`` marker asks for, unmounted afterwards."""
    if not CAN_MOUNT:
        pytest.skip("needs root to mount a tmpfs")
    marker = request.node.get_closest_marker("size")
    size = marker.args[0] if marker else "256k"
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], check=True)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=True)


def test_a_path_component_that_is_a_file(tmp_path) -> None:
    (tmp_path / "afile").write_text("mine")
    code, _, err = run(["new", "--no-input", "afile/sub"], tmp_path)
    _one_line_error(code, err, "afile/sub", "afile is a file, not a directory")
    assert _listing(tmp_path) == ["afile"]
    assert (tmp_path / "afile").read_text() == "mine"


def test_a_directory_name_too_long_for_the_filesystem(tmp_path) -> None:
    code, _, err = run(["new", "--no-input", "--name", "demo", "d" * 300], tmp_path)
    _one_line_error(code, err, "File name too long", "choose a shorter name")
    assert _listing(tmp_path) == []


def test_a_dangling_symlink_as_target(tmp_path) -> None:
    (tmp_path / "link").symlink_to(tmp_path / "missing")
    code, _, err = run(["new", "--no-input", "link"], tmp_path)
    _one_line_error(code, err, "symbolic link", "does not exist")
    assert _listing(tmp_path) == ["link"]


def test_a_full_disk(tmpfs) -> None:
    code, _, err = run(["new", "--no-input", "--language", "typescript", "out"], tmpfs)
    _one_line_error(code, err, "No space left on device", "free some space")
    assert _listing(tmpfs) == []


def test_a_read_only_filesystem(tmpfs) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    code, _, err = run(["new", "--no-input", "out"], tmpfs)
    _one_line_error(code, err, "Read-only file system")
    assert _listing(tmpfs) == []


@pytest.mark.size("16m")
def test_a_symlink_to_an_empty_directory_on_another_filesystem(tmp_path, tmpfs) -> None:
    """The project is staged beside the real directory, so the final move is a rename on
    one filesystem (no EXDEV); the small tmpfs holds the default Python project."""
    (tmpfs / "real").mkdir()
    (tmp_path / "link").symlink_to(tmpfs / "real")
    code, out, err = run(["new", "--no-input", "link"], tmp_path)
    assert (code, err) == (0, ""), err
    assert (tmpfs / "real" / ".stackgen.yml").is_file()
    assert sorted(os.listdir(tmpfs)) == ["real"]  # no staging left beside it
    assert sorted(os.listdir(tmp_path)) == ["link", "mnt"]
    assert "Created" in out


def _run_as_nobody(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
         sys.executable, "-m", "generator", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(cwd)},
    )  # fmt: skip


@needs_setpriv
def test_a_parent_directory_that_is_not_writable(tmp_path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir(mode=0o755)
    os.chmod(tmp_path, 0o755)
    done = _run_as_nobody(["new", "--no-input", str(parent / "out")], tmp_path)
    _one_line_error(done.returncode, done.stderr, "Permission denied", "you can write to")
    assert _listing(parent) == []


@needs_setpriv
def test_an_empty_target_that_is_not_writable(tmp_path) -> None:
    target = tmp_path / "out"
    target.mkdir(mode=0o555)
    os.chmod(tmp_path, 0o777)  # staging beside the target can be created; the move cannot
    done = _run_as_nobody(["new", "--no-input", str(target)], tmp_path)
    _one_line_error(done.returncode, done.stderr, "Permission denied")
    assert _listing(tmp_path) == ["out"]


# --- signals ---------------------------------------------------------------------------


def _state(parent: Path, name: str) -> str:
    """'nothing', 'complete' or what else is there (a half-written tree, a staging folder)."""
    entries = sorted(os.listdir(parent))
    if entries == []:
        return "nothing"
    if entries == [name] and (parent / name / ".stackgen.yml").is_file():
        return "complete"
    return f"left behind: {entries}"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_at_any_moment_leaves_a_true_message_and_no_staging(tmp_path, sig) -> None:
    """Signals sent from start-up to the end of the run: each run ends with the project
    complete or nothing on disk, and its message (or exit status 0) says which."""
    outcomes = set()
    for i, delay in enumerate([0.05, 0.1, *(0.15 * k for k in range(1, 12))]):
        cwd = tmp_path / f"run{i}"
        cwd.mkdir()
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "new", "--no-input", "--name", "demo", "out"],
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        time.sleep(delay)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        state = _state(cwd, "out")
        # Stopped before Python ran a line of stackgen: the interpreter's own start-up (under
        # load, runpy may still be finding the module; its traceback has no frame of
        # stackgen's). A SIGINT while the interpreter imports runpy itself ends it with status
        # 1 and "Could not import runpy module".
        if proc.returncode == -sig or err.startswith("Could not import runpy module\n"):
            assert "generator" not in err, err
            assert state == "nothing", state
            outcomes.add("before start-up")
            continue
        assert "Traceback" not in err, err
        if proc.returncode == 0:
            assert state == "complete"
            outcomes.add("finished")
        else:
            assert proc.returncode == 128 + sig, (proc.returncode, err)
            name = signal.Signals(sig).name
            if state == "nothing":
                assert err.strip().endswith("nothing was written."), err
                assert name in err or "Interrupted" in err
                outcomes.add("interrupted")
            else:
                assert state == "complete", state
                assert f"Interrupted ({name}) after" in err and "it is kept" in err, err
                outcomes.add("kept")
    assert "interrupted" in outcomes, outcomes  # the test really cut runs short


def test_a_signal_during_the_move_is_delivered_after_it(catalog, tmp_path, monkeypatch) -> None:
    """The move into place is not cut in half: the signal waits, then says it is kept."""
    real_move = render_mod._move_into_place

    def move_and_signal(project: Path, target: Path) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # arrives mid-move, deferred
        real_move(project, target)

    monkeypatch.setattr(render_mod, "_move_into_place", move_and_signal)
    stack = resolve(catalog, flags={"name": "demo"}, no_input=True)
    with pytest.raises(Interrupted) as caught:
        render_mod.render(stack, catalog, tmp_path / "out")
    assert caught.value.written and caught.value.signum == signal.SIGTERM
    assert _state(tmp_path, "out") == "complete"


def test_a_signal_while_rendering_removes_everything(catalog, tmp_path, monkeypatch) -> None:
    from generator import templating

    real_write = templating.write_parts

    def write_and_signal(*args, **kwargs) -> None:
        real_write(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGHUP)

    monkeypatch.setattr(templating, "write_parts", write_and_signal)
    stack = resolve(catalog, flags={"name": "demo"}, no_input=True)
    with pytest.raises(Interrupted) as caught:
        render_mod.render(stack, catalog, tmp_path / "deep" / "out")
    assert not caught.value.written
    assert _listing(tmp_path) == []


# --- staging left by a killed run -----------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_staging_left_by_a_killed_run_is_removed_or_named(tmp_path) -> None:
    dead = tmp_path / ".out.stackgen-dead"
    (dead / "out").mkdir(parents=True)
    (dead / "owner").write_text(json.dumps({"pid": _dead_pid(), "started": "1"}))
    live = tmp_path / ".other.stackgen-live"
    live.mkdir()
    (live / "owner").write_text(json.dumps({"pid": os.getpid(), "started": None}))
    unknown = tmp_path / ".old.stackgen-x1y2"
    unknown.mkdir()
    code, _, err = run(["new", "--no-input", "--name", "demo", "out"], tmp_path)
    assert code == 0
    assert not dead.exists()
    assert live.exists() and unknown.exists()
    notes = err.splitlines()
    assert len(notes) == 3 and all(n.startswith("stackgen: note: ") for n in notes), err
    assert any("removed" in n and "interrupted run" in n for n in notes)
    assert any("in use by a running stackgen" in n for n in notes)


def test_a_real_sigkill_leaves_staging_that_the_next_run_removes(tmp_path) -> None:
    """SIGKILL cannot be handled: kill runs until one leaves its staging folder behind."""
    left = None
    for attempt in range(20):
        cwd = tmp_path / f"try{attempt}"
        cwd.mkdir()
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "new", "--no-input", "--name", "demo", "out"],
            cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(
            (p / "owner").exists() for p in cwd.glob(".out.stackgen-*")
        ):
            time.sleep(0.005)
        proc.kill()
        proc.wait()
        if list(cwd.glob(".out.stackgen-*")) and not (cwd / "out").exists():
            left = cwd
            break
    assert left is not None, "no run was killed while staging"
    code, _, err = run(["new", "--no-input", "--name", "demo", "out"], left)
    assert code == 0
    assert sorted(os.listdir(left)) == ["out"]
    assert "left by an interrupted run" in err


class _SignalledWhileNamed:
    """Raises what the signal handler raises, at the moment Python names a class attribute
    (as a signal can land while an import creates a dataclass), wrapped as Python 3.11 wraps
    it (3.12 and later let it through: the plain ``except Interrupted`` handles that)."""

    def __set_name__(self, owner: type, name: str) -> None:
        try:
            raise Interrupted(signal.SIGTERM)
        except Interrupted as exc:
            raise RuntimeError(f"Error calling __set_name__ on {name!r}") from exc


def test_a_signal_wrapped_by_pythons_machinery_is_still_an_interruption(
    tmp_path, monkeypatch, capsys
) -> None:
    import generator.cli as cli_mod

    def create(*args, **kwargs) -> None:
        type("Settings", (), {"field": _SignalledWhileNamed()})

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_mod, "_create", create)
    with pytest.raises(SystemExit) as exit_info:
        cli_mod.main(["new", "--no-input", "--name", "demo", "out"])
    assert exit_info.value.code == 128 + signal.SIGTERM
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip() == "Interrupted (SIGTERM); nothing was written."
    assert not (tmp_path / "out").exists()


def test_an_error_raised_while_handling_an_interruption_is_not_called_one() -> None:
    from generator import signals

    try:
        try:
            raise Interrupted(signal.SIGTERM)
        except Interrupted:
            raise OSError("cleanup failed") from None
    except OSError as exc:
        assert exc.__context__ is not None
        assert signals.wrapped(exc) is None
