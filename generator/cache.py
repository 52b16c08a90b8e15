"""A per-user folder for what one run can reuse from the last: compiled templates and the
templates' digest. It sits in the system's temporary folder, mode 0700, and is used only if this
user owns it. Losing it costs time, never correctness: each entry is checked against what it
was made from, and a cache that cannot be read or written is simply not used. When the
templates change (the digest's entry is missing), what earlier runs left is removed, so the
folder holds one version's entries (the lockfiles make them up to about a megabyte each)."""

from __future__ import annotations

import os
import stat
import tempfile
import time
from contextlib import suppress
from pathlib import Path

# Entries older than this process were written by earlier runs.
STARTED = time.time()


def folder() -> Path | None:
    """The cache folder, created if need be, or None where it cannot be trusted or made."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return None
    path = Path(tempfile.gettempdir()) / f"stackgen-cache-{getuid()}"
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != getuid() or info.st_mode & 0o077:
        return None  # a link, or a folder another user made or can write to
    return path


def read(name: str) -> str | None:
    where = folder()
    try:
        return (where / name).read_text(encoding="utf-8") if where else None
    except (OSError, UnicodeDecodeError):
        return None


def write(name: str, text: str) -> None:
    """Store ``text`` under ``name`` (atomically: a concurrent run reads all of it or none)."""
    where = folder()
    if where is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=where, prefix=f".{name}-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, where / name)
    except OSError:
        pass
    finally:
        with suppress(OSError):
            os.unlink(tmp)  # there only if the replace did not happen


def prune() -> None:
    """Remove the entries earlier runs wrote (those of this run and of later ones stay)."""
    where = folder()
    if where is None:
        return
    for entry in where.iterdir():
        with suppress(OSError):
            if entry.lstat().st_mtime < STARTED:
                entry.unlink()
