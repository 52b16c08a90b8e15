"""Staging folders: where a run renders before moving the project into place.

Each is a hidden folder beside the target holding an ``owner`` file (the process id and its
start time), so a later run can tell a folder left by a killed run (SIGKILL, a power cut: no
handler runs) from one a live run is using: it removes the first and names the second.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

MARK = ".stackgen-"
OWNER = "owner"


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc), or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 22; the command name (field 2) may hold spaces, so count from its closing ')'.
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid: int, started: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    now = _start_time(pid)
    return now is None or started is None or now == started  # a reused pid is another process


def create(parent: Path, name: str) -> Path:
    """A new staging folder in ``parent`` for a target called ``name``."""
    # The name is cut so the staging folder's own name stays within NAME_MAX (255 bytes).
    staging = Path(tempfile.mkdtemp(prefix=f".{name[:40]}{MARK}", dir=parent))
    owner = {"pid": os.getpid(), "started": _start_time(os.getpid())}
    (staging / OWNER).write_text(json.dumps(owner), encoding="utf-8")
    return staging


def clean_stale(parent: Path) -> list[str]:
    """Remove staging folders in ``parent`` whose run is gone; return one note per folder
    found (removed, or kept because its run is still going or its owner is unknown)."""
    notes: list[str] = []
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(".") and MARK in p.name]
    except OSError:
        return notes
    for folder in sorted(candidates):
        if folder.is_symlink() or not folder.is_dir():
            continue
        try:
            owner = json.loads((folder / OWNER).read_text(encoding="utf-8"))
            pid, started = int(owner["pid"]), owner.get("started")
        except (OSError, ValueError, KeyError, TypeError):
            notes.append(
                f"{folder} looks like a staging folder of stackgen; remove it if no run uses it"
            )
            continue
        if _alive(pid, started):
            notes.append(f"{folder} is in use by a running stackgen (pid {pid}); left alone")
            continue
        shutil.rmtree(folder, ignore_errors=True)
        notes.append(f"removed {folder}, left by an interrupted run (pid {pid})")
    return notes
