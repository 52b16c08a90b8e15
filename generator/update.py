"""Keep a generated project on the template: ``stackgen update`` and ``stackgen check``.

A project records in ``.stackgen.yml`` what rendered it: the answers, the release
(``stackgen_version``, ``stackgen_source``: see releases.py) and ``files_digest``, a digest of
every file that render wrote. From that, ``update``:

1. renders the *base*, the project as stackgen first wrote it: with this release when its render
   of the recorded answers has the recorded ``files_digest`` (the templates did not change for
   this project), else with the recorded release, installed into the user's cache;
2. renders the *new* project: the recorded answers with ``--set`` changes, with this release;
3. compares, file by file, the user's tree (ours), the base and the new render, and plans:
   files the user never touched follow the template, files both changed are merged three
   ways by ``git merge-file``, files the user deleted stay deleted, files the template dropped
   go only if the user left them as they were;
4. applies the plan in one step that a signal cannot cut in half (every new content is staged
   beside the project first, then moved into place with signals deferred).

A conflict (both sides changed the same lines) is written with git's conflict markers only in
a git work tree, where the file is also entered in the index as conflicted (stages 1-3), so
``git status`` and editors show it like a merge conflict; outside git nothing is written. Either
way the command exits 1 naming every conflicted file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import __version__, presets, releases, signals
from generator.catalog import Catalog
from generator.errors import FilesystemError, StackgenError, UsageError, shorten
from generator.inputs import load_yaml
from generator.presets import OrgPreset, violations
from generator.render import add_team_files, files_digest
from generator.stack import TEXT_FIELDS, Stack, resolve

ANSWERS_FILE = ".stackgen.yml"

# What `update` and `check` exit with (documented in the README).
CONFLICTS = 1
OUTDATED = 1
INVALID = 3
POLICY = 4


class NotAProject(UsageError):
    pass


@dataclass(frozen=True)
class Record:
    """What ``.stackgen.yml`` says rendered the project."""

    path: Path
    answers: dict[str, Any]
    version: str | None = None
    source: str | None = None
    template_version: str | None = None
    files_digest: str | None = None
    preset: str | None = None


def read_record(project: Path) -> Record:
    path = project / ANSWERS_FILE
    if not path.is_file():
        raise NotAProject(
            f"DIR: {project} has no {ANSWERS_FILE}; run this in a project stackgen generated"
        )
    data = load_yaml(path, str(path))
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise NotAProject(f"{path}: not a stackgen record (no 'answers' mapping)")

    def text(key: str) -> str | None:
        value = data.get(key)
        return str(value) if isinstance(value, (str, int, float)) else None

    return Record(
        path=path,
        answers=dict(data["answers"]),
        version=text("stackgen_version"),
        source=text("stackgen_source"),
        template_version=text("template_version"),
        files_digest=text("files_digest"),
        preset=text("preset"),
    )


def parse_sets(sets: Sequence[str], catalog: Catalog) -> dict[str, Any]:
    """``--set CHOICE=VALUE`` (several values of a multiple choice joined by ``+``)."""
    known = {c.id: c for c in catalog.choices}
    out: dict[str, Any] = {}
    for item in sets:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not value:
            msg = f"--set: {shorten(item)!r} is not CHOICE=VALUE (e.g. --set api=graphql)"
            raise UsageError(msg)
        if key in TEXT_FIELDS:
            out[key] = value
        elif key in known:
            out[key] = value.split("+") if known[key].multiple else value
        else:
            valid = ", ".join([*TEXT_FIELDS, *known])
            raise UsageError(f"--set: unknown choice '{shorten(key)}' (valid: {valid})")
    return out


def stack_of(
    record: Record,
    catalog: Catalog,
    sets: Mapping[str, Any] | None = None,
    team: OrgPreset | None = None,
) -> Stack:
    """The recorded answers, with ``sets`` changed, checked like any answers (and against
    the team's preset: a locked choice cannot be changed)."""
    return resolve(
        catalog,
        flags={},
        answers=dict(sets or {}),
        preset=record.answers,
        no_input=True,
        sources={"answers": "--set", "preset": str(record.path)},
        policy=team,
    )


def team_for(record: Record, team: OrgPreset | None, catalog: Catalog) -> OrgPreset | None:
    """The preset to render with: the one given (else, for a project generated with one, the
    default preset), which must be the one the project names."""
    if record.preset and team is None and (path := presets.default_path()):
        team = presets.load(path, catalog)
    if record.preset and team is None:
        raise UsageError(
            f"{record.path}: the project was generated with preset {record.preset}; pass "
            "--preset FILE or set STACKGEN_PRESET, so its files are part of both renders"
        )
    if team is not None and record.preset and team.name != record.preset:
        raise UsageError(
            f"{team.source}: this is preset {team.name}; the project was generated with "
            f"preset {record.preset}"
        )
    return team


def _render(stack: Stack, catalog: Catalog, target: Path, team: OrgPreset | None) -> None:
    from generator.render import render

    render(stack, catalog, target, team=team)


# --- check ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    status: str  # current | outdated | invalid
    exit_code: int
    message: str
    recorded: dict[str, str | None] = field(default_factory=dict)
    current: dict[str, str | None] = field(default_factory=dict)

    def as_json(self) -> str:
        body = {
            "status": self.status,
            "exit_code": self.exit_code,
            "message": self.message,
            "recorded": self.recorded,
            "current": self.current,
        }
        return json.dumps(body, indent=2)


def check(project: Path, catalog: Catalog, team: OrgPreset | None = None) -> Status:
    """Is the project on the current template, and do its answers still hold (the catalog's
    rules, the team's preset)?"""
    from generator.layers import templates_digest

    record = read_record(project)
    team = team_for(record, team, catalog)
    recorded = {
        "stackgen_version": record.version,
        "template_version": record.template_version,
        "files_digest": record.files_digest,
    }
    try:
        stack = stack_of(record, catalog)
    except StackgenError as exc:
        return Status(
            "invalid", INVALID, f"the recorded answers no longer hold: {exc}", recorded, {}
        )
    problems = violations(team, stack.selections) if team else []
    if problems:
        return Status("policy", POLICY, "; ".join(problems), recorded, {})
    with tempfile.TemporaryDirectory(prefix="stackgen-check-") as tmp:
        fresh = Path(tmp) / "project"
        _render(stack, catalog, fresh, team)
        digest = files_digest(fresh)
    current = {
        "stackgen_version": __version__,
        "template_version": templates_digest(),
        "files_digest": digest,
    }
    same = (
        digest == record.files_digest
        if record.files_digest
        else current["template_version"] == record.template_version
    )
    if same:
        return Status("current", 0, "the project is on the current template", recorded, current)
    return Status(
        "outdated",
        OUTDATED,
        f"stackgen {__version__} renders this project's answers differently from the "
        f"release that rendered it ({record.version or 'unknown'}): run `stackgen update`",
        recorded,
        current,
    )


# --- update --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    path: str
    action: str  # add | update | remove | merge | conflict | keep-deleted | keep-changed
    reason: str


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)  # what add/update/merge write
    modes: dict[str, bool] = field(default_factory=dict)  # executable, for written files
    stages: dict[str, tuple[bytes | None, bytes | None, bytes | None]] = field(
        default_factory=dict
    )  # base, ours, theirs of each conflict

    @property
    def conflicts(self) -> list[str]:
        return [c.path for c in self.changes if c.action == "conflict"]


def _files(root: Path) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not (d == ".git" and Path(dirpath) == root)]
        out.extend((Path(dirpath) / n).relative_to(root).as_posix() for n in filenames)
    return out


def _read(root: Path, rel: str) -> bytes | None:
    path = root / rel
    return path.read_bytes() if path.is_file() and not path.is_symlink() else None


def merge3(
    ours: bytes, base: bytes, theirs: bytes, labels: tuple[str, str, str]
) -> tuple[bytes, bool]:
    """``git merge-file``: the merged text and whether it is free of conflicts."""
    if any(b"\0" in text for text in (ours, base, theirs)):
        return ours, False  # binary: never merged line by line
    with tempfile.TemporaryDirectory(prefix="stackgen-merge-") as tmp:
        names = []
        for name, text in zip(("ours", "base", "theirs"), (ours, base, theirs), strict=True):
            (Path(tmp) / name).write_bytes(text)
            names.append(str(Path(tmp) / name))
        command = ["git", "merge-file", "-p"]
        for label in labels:
            command += ["-L", label]
        try:
            result = subprocess.run([*command, *names], capture_output=True, check=False)
        except OSError as exc:
            raise UsageError("stackgen update needs git for three-way merges: install git") from exc
    if result.returncode < 0 or result.returncode > 127:
        raise StackgenError(f"git merge-file failed: {result.stderr.decode(errors='replace')}")
    return result.stdout, result.returncode == 0


def _blocked(project: Path, rel: str) -> str | None:
    """Why ``rel`` cannot be written in place, if it cannot: a symbolic link on the way (update
    never writes or deletes through one), a folder where the file goes, a file where a folder
    on its path goes."""
    path = project
    for part in rel.split("/")[:-1]:
        path = path / part
        if path.is_symlink():
            return f"{path.relative_to(project).as_posix()} is a symbolic link of yours"
        if path.exists() and not path.is_dir():
            return f"{path.relative_to(project).as_posix()} is a file, not a folder"
    path = project / rel
    if path.is_symlink():
        return "it is a symbolic link of yours"
    if path.exists() and not path.is_file():
        return "it is a folder in your project"
    return None


def plan_update(
    project: Path,
    base: Path,
    new: Path,
    *,
    recreate_deleted: bool = False,
    labels: tuple[str, str, str] = ("yours", "base", "stackgen"),
) -> Plan:
    """Decide, file by file, from the user's tree (ours), the base and the new render. A file
    is its bytes and its executable bit; anything update cannot safely write in place (a link,
    a folder in the way) is kept as it is and listed."""
    plan = Plan()
    paths = sorted(set(_files(base)) | set(_files(new)) | ({ANSWERS_FILE}))
    for rel in paths:
        b, n = _state(base, rel), _state(new, rel)
        blocked = _blocked(project, rel)
        o = None if blocked else _state(project, rel)
        if rel == ANSWERS_FILE:
            if n is not None and o != n and not blocked:
                plan.changes.append(Change(rel, "update", "the record of the new answers"))
                plan.contents[rel], plan.modes[rel] = n[0], False
            continue
        if blocked:
            if b != n:
                plan.changes.append(Change(rel, "keep-blocked", f"not written: {blocked}"))
            continue
        if o is None and b is not None:
            if n is not None and recreate_deleted:
                plan.changes.append(Change(rel, "add", "you deleted it; recreated as asked"))
                plan.contents[rel], plan.modes[rel] = n
            elif n is not None and b != n:
                plan.changes.append(
                    Change(rel, "keep-deleted", "you deleted it; the template changed it")
                )
            continue
        if b == n or o == n:
            continue  # the template did not change it, or the project already has it
        if o == b:
            if n is None:
                plan.changes.append(Change(rel, "remove", "the template dropped it"))
            else:
                why = "new in the template" if o is None else "you had not changed it"
                plan.changes.append(Change(rel, "add" if o is None else "update", why))
                plan.contents[rel], plan.modes[rel] = n
            continue
        if n is None:
            plan.changes.append(
                Change(rel, "keep-changed", "the template dropped it, but you changed it: kept")
            )
            continue
        assert o is not None  # o is None was handled above (with b None, o == b)
        # The executable bit: the template's if only it changed it, else the user's.
        executable = n[1] if b is None or o[1] == b[1] else o[1]
        if o[0] == n[0] or (b is not None and o[0] == b[0]):
            content = n[0] if b is not None and o[0] == b[0] else o[0]
            plan.changes.append(Change(rel, "update", "the template changed its mode"))
            plan.contents[rel], plan.modes[rel] = content, executable
            continue
        merged, clean = merge3(o[0], b[0] if b else b"", n[0], labels)
        if clean:
            plan.changes.append(Change(rel, "merge", "both changed it; merged"))
            plan.contents[rel], plan.modes[rel] = merged, executable
        else:
            why = "both changed the same lines" if b else "both added it, differently"
            if b"\0" in o[0] + n[0]:
                why = "both changed it (binary: yours kept)"
            plan.changes.append(Change(rel, "conflict", why))
            plan.contents[rel], plan.modes[rel] = merged, executable
            plan.stages[rel] = (b[0] if b else None, o[0], n[0])
    return plan


def _state(root: Path, rel: str) -> tuple[bytes, bool] | None:
    """A file's bytes and executable bit, or None where there is no regular file."""
    content = _read(root, rel)
    return None if content is None else (content, os.access(root / rel, os.X_OK))


def _git(project: Path, *args: str, stdin: bytes | None = None) -> str | None:
    try:
        # A session of its own: a Ctrl-C at the terminal reaches stackgen (which defers it
        # while applying), not git half-way through writing the index.
        out = subprocess.run(
            ["git", "-C", str(project), *args],
            input=stdin,
            capture_output=True,
            check=True,
            start_new_session=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.decode().strip()


def in_git_work_tree(project: Path) -> bool:
    return _git(project, "rev-parse", "--is-inside-work-tree") == "true"


def uncommitted(project: Path) -> list[str]:
    out = _git(project, "status", "--porcelain", "--untracked-files=all", "--", ".")
    return out.splitlines() if out else []


def apply(project: Path, plan: Plan, *, git: bool, hold: bool = False) -> None:
    """Write the plan: every content staged in a folder inside the project (so each move is a
    rename on one filesystem), then, as one step signals cannot cut: removals, writes, the
    record last, conflicts into git's index. A filesystem fault is one line (exit 2).
    ``hold``: keep deferring signals once done (the CLI reports one after its summary)."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=".stackgen-update-", dir=project))
    except OSError as exc:
        raise FilesystemError(f"DIR: cannot update {project}: {exc.strerror}") from exc
    try:
        staged: list[tuple[Path, Path, bool]] = []
        ordered = sorted(plan.contents.items(), key=lambda item: item[0] == ANSWERS_FILE)
        for index, (rel, content) in enumerate(ordered):
            tmp = staging / str(index)
            tmp.write_bytes(content)
            dest = project / rel
            mode = dest.stat().st_mode & 0o7777 if dest.is_file() else 0o644
            executable = plan.modes.get(rel, False)
            # The user's permissions, with the executable bits where reading is allowed.
            mode = (mode | (mode & 0o444) >> 2) if executable else mode & ~0o111
            tmp.chmod(mode)
            staged.append((tmp, dest, executable))
        removed = [project / c.path for c in plan.changes if c.action == "remove"]
        with signals.deferred():
            for path in removed:
                path.unlink(missing_ok=True)
                _prune_empty(path.parent, project)
            for tmp, dest, _ in staged:
                dest.parent.mkdir(parents=True, exist_ok=True)
                _move(tmp, dest)
            if git and plan.stages:
                _mark_conflicts(project, plan)
            if hold:
                signals.hold()
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise FilesystemError(
            f"DIR: cannot update {project}: {exc.strerror or exc}{where}; the files listed "
            "above before it may be changed, .stackgen.yml is not"
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move(staged: Path, dest: Path) -> None:
    os.replace(staged, dest)


def _prune_empty(folder: Path, project: Path) -> None:
    while folder != project and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _mark_conflicts(project: Path, plan: Plan) -> None:
    """Enter each conflicted file in git's index at stages 1 (base), 2 (ours), 3 (theirs), as
    a merge does, so ``git status`` lists it as unmerged until the user adds the resolution."""
    prefix = _git(project, "rev-parse", "--show-prefix") or ""
    lines = []
    for rel, versions in plan.stages.items():
        path = prefix + rel
        mode = "100755" if plan.modes.get(rel) else "100644"
        lines.append(f"0 {'0' * 40}\t{path}")
        for stage, content in enumerate(versions, start=1):
            if content is None:
                continue
            blob = _git(project, "hash-object", "-w", "--stdin", stdin=content)
            if blob:
                lines.append(f"{mode} {blob} {stage}\t{path}")
    _git(project, "update-index", "--index-info", stdin=("\n".join(lines) + "\n").encode())


def base_render(
    record: Record,
    catalog: Catalog,
    target: Path,
    base_from: str | None,
    team: OrgPreset | None = None,
    confirm: Callable[[str], bool] | None = None,
) -> str:
    """Render the project's base into ``target``; say which release did. A recorded release
    is installed (running its code) only with ``--base-from`` or the user's ``confirm``."""
    try:
        stack = stack_of(record, catalog)
    except StackgenError:
        stack = None  # the recorded answers do not hold here: only their release renders them
    if stack is not None and base_from is None:
        from generator.layers import templates_digest

        _render(stack, catalog, target, team)
        same = (
            files_digest(target) == record.files_digest
            if record.files_digest
            else (record.version, record.template_version) == (__version__, templates_digest())
        )
        if same:
            return f"stackgen {__version__} (the templates did not change for this project)"
        shutil.rmtree(target)
    source = base_from or record.source
    if not source:
        raise releases.BaseUnavailable(
            f"{record.path}: the project was rendered by stackgen {record.version or '?'}, "
            "which recorded no source to install it from (a development install); pass "
            "--base-from REQUIREMENT naming that release"
        )
    source = releases.check_source(source, "--base-from" if base_from else str(record.path))
    if base_from is None and (confirm is None or not confirm(source)):
        raise releases.BaseUnavailable(
            f"{record.path}: the templates changed since stackgen {record.version or '?'} "
            f"rendered this project, so its base needs that release, {source}; installing it "
            f"runs its code: pass --base-from {source} to agree"
        )
    with tempfile.TemporaryDirectory(prefix="stackgen-answers-") as tmp:
        answers = Path(tmp) / "answers.yml"
        answers.write_text(json.dumps({"answers": record.answers}), encoding="utf-8")
        releases.render_with(source, answers, target)
    if team is not None:
        add_team_files(target, team)  # the preset's files as they are now, on both sides
    return f"{source} (the release that rendered the project)"


@dataclass(frozen=True)
class Outcome:
    plan: Plan
    base_from: str
    applied: bool
    git: bool


def update(
    project: Path,
    catalog: Catalog,
    *,
    sets: Mapping[str, Any] | None = None,
    dry_run: bool = False,
    force: bool = False,
    recreate_deleted: bool = False,
    base_from: str | None = None,
    team: OrgPreset | None = None,
    confirm: Callable[[str], bool] | None = None,
) -> Outcome:
    project = project.resolve()
    record = read_record(project)
    team = team_for(record, team, catalog)
    stack = stack_of(record, catalog, sets, team)
    git = in_git_work_tree(project)
    if git and not force and not dry_run:
        dirty = uncommitted(project)
        if dirty:
            raise UsageError(
                f"DIR: {project} has uncommitted changes ({shorten(dirty[0].strip())}); "
                "commit or stash them first, or pass --force"
            )
    installed = signals.install()
    try:
        with tempfile.TemporaryDirectory(prefix="stackgen-update-") as tmp:
            base, new = Path(tmp) / "base", Path(tmp) / "new"
            used = base_render(record, catalog, base, base_from, team, confirm)
            _render(stack, catalog, new, team)
            labels = (
                "yours",
                f"base (stackgen {record.version or '?'})",
                f"stackgen {__version__}",
            )
            plan = plan_update(project, base, new, recreate_deleted=recreate_deleted, labels=labels)
            if dry_run or (plan.conflicts and not git):
                return Outcome(plan, used, applied=False, git=git)
            # Once the project is updated, a signal is reported after the summary.
            apply(project, plan, git=git, hold=True)
            return Outcome(plan, used, applied=True, git=git)
    finally:
        if installed:
            signals.uninstall()
