"""Which release of stackgen rendered a project, and how to run that release again.

``.stackgen.yml`` records ``stackgen_source``: a pip requirement that installs exactly the
running release, read from the install's own record (PEP 610 ``direct_url.json``):

- installed from a git URL: ``git+URL@COMMIT``;
- installed from a folder (the README's ``pip install .`` in a clone): ``git+ORIGIN@COMMIT``
  (the clone's ``origin`` remote, else ``file://`` the folder) when the folder is a git work
  tree whose templates and generator have no uncommitted change, else nothing (a dirty tree
  cannot be installed again);
- installed from an index: ``stackgen==VERSION``; from a wheel or an archive: nothing (it
  could hold anything by the time the project is updated).

Installing a release runs its code, so ``stackgen update`` installs a recorded source only
once the user has seen it and agreed (at a terminal) or named it with ``--base-from``, and
only in the two forms ``check_source`` accepts. It renders the project's base with that
release: installed once into a virtual environment under the user's cache
(``~/.cache/stackgen/releases/<hash>``, or ``$STACKGEN_RELEASES``) and run as
``stackgen new --answers``, in a process of its own, so two releases never share an import.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from generator import __version__
from generator.errors import StackgenError

DIST = "stackgen"
COMPLETE = ".stackgen-release"


class BaseUnavailable(StackgenError):
    """The release that rendered a project cannot be installed or run here."""

    exit_code = 2


@cache
def this_install() -> str | None:
    """A pip requirement that installs the running release again, or None (asked once a
    process: every render records it)."""
    raw = _direct_url()
    if raw is None:
        return None  # not installed (run from a checkout on PYTHONPATH)
    if not raw:
        return f"{DIST}=={__version__}"
    try:
        info = json.loads(raw)
        url = str(info["url"])
    except (ValueError, KeyError, TypeError):
        return None
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        source = f"git+{without_credentials(url)}@{vcs['commit_id']}"
        return source if SOURCE_RE.match(source) else None
    if "dir_info" in info and url.startswith("file://"):
        return _clean_checkout(Path(url.removeprefix("file://")))
    return None  # an archive (a wheel's URL or path) could be anything by now


def _direct_url() -> str | None:
    """The install's ``direct_url.json`` ("" when it has none), or None when stackgen is not
    installed. Found by its dist-info folder on sys.path: importlib.metadata's scan of every
    distribution cost a fifth of a whole ``stackgen new``."""
    for entry in sys.path:
        try:
            infos = sorted(Path(entry or ".").glob(f"{DIST}-*.dist-info"))
        except OSError:
            continue
        for info in infos:
            if info.name != f"{DIST}-{__version__}.dist-info":
                continue  # another version's leftovers
            try:
                return (info / "direct_url.json").read_text(encoding="utf-8")
            except FileNotFoundError:
                return ""
            except OSError:
                return None
    return None


def _clean_checkout(folder: Path) -> str | None:
    """``git+file://FOLDER@HEAD`` when FOLDER is a git work tree with nothing uncommitted in
    what a release is built from."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                # No optional locks: `git status` would otherwise refresh the index, taking
                # its lock, while the user (or another stackgen) works in that clone.
                ["git", "--no-optional-locks", "-C", str(folder), *args],
                capture_output=True,
                text=True,
                check=True,
            )
        except (OSError, subprocess.CalledProcessError):
            return None
        return out.stdout.strip()

    head = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--", "generator", "templates", "pyproject.toml")
    if not head or dirty is None or dirty:
        return None
    # The clone's origin, where a teammate can fetch the same commit; else the folder itself.
    origin = git("remote", "get-url", "origin")
    if origin and "://" not in origin and not origin.startswith("/") and ":" in origin:
        origin = "ssh://" + origin.replace(":", "/", 1)  # scp-like git@host:org/repo
    elif origin and origin.startswith("/"):
        origin = Path(origin).as_uri()
    source = f"git+{without_credentials(origin) if origin else folder.resolve().as_uri()}@{head}"
    return source if SOURCE_RE.match(source) else None


# The only forms a source may take: a release from the index, or one commit of a git
# repository (never a path, an archive or a branch, which could be anything by now).
SOURCE_RE = re.compile(
    r"^(?:stackgen==[0-9][0-9A-Za-z.+-]{0,40}"
    r"|git\+(?:https|ssh|file)://[A-Za-z0-9._~%/:@+-]{1,400}@[0-9a-f]{40})$"
)


def check_source(source: str, where: str) -> str:
    """A recorded or given source is untrusted text: a release from the index or one commit
    of a git repository, nothing else (installing it runs its code)."""
    if not SOURCE_RE.match(source or ""):
        raise BaseUnavailable(
            f"{where}: {source[:60]!r} is not a stackgen release stackgen will install "
            "(stackgen==VERSION, or git+https://HOST/PATH@COMMIT with the full commit id)"
        )
    return source


def without_credentials(url: str) -> str:
    """An http(s) URL without its user and password (a token in a clone's remote must not
    end up in every project)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and (parts.username or parts.password):
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def releases_folder() -> Path:
    """Where releases are installed: $STACKGEN_RELEASES, else the user's cache folder."""
    if where := os.environ.get("STACKGEN_RELEASES"):
        return Path(where)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "stackgen" / "releases"


def installed(source: str) -> Path:
    """The ``stackgen`` command of ``source``, installed once into the user's cache (a lock
    keeps two runs from building it at once; a marker says the install finished)."""
    releases = releases_folder()
    try:
        releases.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BaseUnavailable(f"cannot create {releases}: {exc.strerror}") from exc
    home = releases / hashlib.sha256(source.encode()).hexdigest()[:16]
    command = home / "bin" / "stackgen"
    with open(home.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (home / COMPLETE).exists() and (home / "bin" / "python").exists():
            return command  # (a venv whose interpreter is gone is made again)
        shutil.rmtree(home, ignore_errors=True)
        try:
            subprocess.run(
                [sys.executable, "-m", "venv", str(home)], check=True, capture_output=True
            )
            subprocess.run(
                [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", source],
                check=True,
                capture_output=True,
                text=True,
            )
        except subprocess.CalledProcessError as exc:
            shutil.rmtree(home, ignore_errors=True)
            output = exc.stderr if isinstance(exc.stderr, str) else ""
            last = output.strip().splitlines()[-1:] or ["no output"]
            raise BaseUnavailable(
                f"cannot install {source} to render the project's base: {last[0][:200]}; "
                "pass --base-from with a requirement that installs that release"
            ) from exc
        (home / COMPLETE).write_text(source, encoding="utf-8")
    return command


def render_with(source: str, answers: Path, target: Path) -> None:
    """Render ``answers`` into ``target`` with the release ``source`` names."""
    command = installed(source)
    # The release renders the recorded answers only: no team preset from this environment.
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "STACKGEN_PRESET")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["XDG_CONFIG_HOME"] = str(answers.parent)
    try:
        result = subprocess.run(
            [str(command), "new", "--no-input", "--answers", str(answers), str(target)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    except OSError as exc:
        raise BaseUnavailable(f"cannot run the release {source}: {exc.strerror}") from exc
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BaseUnavailable(f"the release {source} could not render the base: {last[0][:200]}")
