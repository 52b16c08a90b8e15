"""Render a Stack: render its layers once (``templating.py``, one Jinja environment) into a
temporary directory beside the target, check the result, then move it into place.

Nothing is written to the target until the whole tree is rendered and checked; on any
failure (including Ctrl-C) only what this run created is removed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import __version__, signals, yamlio
from generator import staging as staging_mod
from generator.catalog import Catalog
from generator.context import build_context
from generator.errors import CatalogError, FilesystemError, RenderError, TargetExists
from generator.layers import (
    STAGES,
    Layer,
    discover_layers,
    merge_contributions,
    templates_digest,
    templates_root,
)
from generator.presets import OrgPreset, PresetError
from generator.stack import TEXT_FIELDS, Stack
from generator.units import ONE_APP, Unit

ANSWERS_FILE = ".stackgen.yml"
# The generated project's yamllint line limit.
ANSWERS_WIDTH = 120
# Jinja that survived rendering: a template bug (or an unrendered directory name).
LEFTOVER_JINJA = re.compile(r"\{\{-?\s*cookiecutter|\{%-?\s|\{#\s")


@dataclass(frozen=True)
class Result:
    target: Path
    files: tuple[str, ...]  # POSIX paths relative to the project root, sorted
    layers: tuple[str, ...]
    next_step: str | None = None  # the first command to run in the new project
    notes: tuple[str, ...] = ()  # things the user should know (a stale staging folder removed)


def check_target(target: Path) -> Path:
    """Refuse a target that exists and is not an empty directory; return where to write
    (a symbolic link to an empty directory is followed, so the project lands in the real
    directory and staging sits beside it, on the same filesystem)."""
    if target.is_symlink():
        if not target.exists():
            raise FilesystemError(
                f"DIR: {target} is a symbolic link to {os.readlink(target)}, which does not "
                "exist; remove the link or choose another directory"
            )
        target = target.resolve()
    existing = next(p for p in (target, *target.parents) if p.exists() or p.is_symlink())
    if existing != target and not existing.is_dir():
        raise FilesystemError(f"DIR: cannot write {target}: {existing} is a file, not a directory")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise TargetExists(
            f"DIR: {target} already exists and is not empty; "
            "choose a new directory or empty it first"
        )
    return target


def files_digest(project: Path) -> str:
    """Every file's path, executable bit and bytes, ``.stackgen.yml`` aside: what ``stackgen
    check`` compares to tell whether this release would render the project differently."""
    digest = hashlib.sha256()
    for rel in sorted(_files(project)):
        if rel == ANSWERS_FILE:
            continue
        path = project / rel
        digest.update(f"{rel}\0{int(os.access(path, os.X_OK))}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def answers_document(
    stack: Stack, catalog: Catalog, digest: str | None = None, preset: str | None = None
) -> str:
    """``.stackgen.yml``: the answers, the release that rendered them and how to install it
    again (releases.py), and the digest of the files written (update.py)."""
    from generator import releases

    header = (
        "# Written by stackgen: every answer that produced this project.\n"
        "# Re-generate it with: stackgen new --answers .stackgen.yml OTHER_DIR\n"
        "# Bring it template changes or other answers with: stackgen update\n"
    )
    source = releases.this_install()
    body = {
        "stackgen_version": __version__,
        **({"stackgen_source": "@stackgen_source@"} if source else {}),
        "template_version": templates_digest(),
        **({"files_digest": digest} if digest else {}),
        **({"preset": preset} if preset else {}),
        "answers": {
            key: f"@{key}@" if key in TEXT_FIELDS else value
            for key, value in stack.answers(catalog).items()
        },
    }
    text = yamlio.dump(body)
    if source:
        prefix = "stackgen_source: "
        value = yamlio.quoted(source, len(prefix), 2, ANSWERS_WIDTH)
        text = text.replace(f"{prefix}'@stackgen_source@'\n", f"{prefix}{value}\n", 1)
    # User text is written as a quoted scalar that wraps within the project's yamllint limit.
    for key in TEXT_FIELDS:
        prefix = f"  {key}: "
        value = yamlio.quoted(getattr(stack, key), len(prefix), 4, ANSWERS_WIDTH)
        text = text.replace(f"{prefix}'@{key}@'\n", f"{prefix}{value}\n", 1)
    if yamlio.load(text)["answers"] != stack.answers(catalog):
        raise RenderError("the answers file does not read back as written (a bug in stackgen)")
    return header + text


def _check_tree(project: Path, copied: list[str]) -> list[str]:
    """Every path stays inside ``project``; no Jinja survived. Returns the file list."""
    root = project.resolve()
    files: list[str] = []
    for dirpath, dirnames, filenames in os.walk(project):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink() or not path.resolve().is_relative_to(root):
                raise RenderError(f"render produced a path outside the project: {path}")
            if "{{" in name or "{%" in name or not name.strip():
                raise RenderError(f"render produced an unrendered or empty name: {path}")
        for name in filenames:
            rel = (Path(dirpath) / name).relative_to(project).as_posix()
            files.append(rel)
            if rel in copied:
                continue
            text = (Path(dirpath) / name).read_text(encoding="utf-8", errors="replace")
            if LEFTOVER_JINJA.search(text):
                raise RenderError(f"template syntax survived rendering in {rel}")
    return sorted(files)


@dataclass(frozen=True)
class Part:
    """Files rendered with one context under one folder of the project: the project's own
    layers at its root, or one unit's layers under the unit's prefix. A project of one unit
    at its root (a monolith) is one part holding both."""

    prefix: str
    layers: tuple[Layer, ...]
    context: dict[str, Any]
    # Layers whose partials the part's templates may include besides its own: the project's
    # README takes each unit's sections.
    partials_from: tuple[Layer, ...] = ()


def units_of(stack: Stack, catalog: Catalog) -> tuple[Unit, ...]:
    """The deployable units the stack's options declare (one option at most may), else the
    one app at the project's root."""
    declared = [
        (f"{choice.id}.{value}", choice.option(value).units)
        for choice in catalog.choices
        for value in stack.all(choice.id)
        if choice.option(value).units
    ]
    if len(declared) > 1:
        raise CatalogError(f"options {declared[0][0]} and {declared[1][0]} both declare units")
    return declared[0][1] if declared else ONE_APP


def plan_parts(
    stack: Stack, catalog: Catalog, every: tuple[Layer, ...] | None = None
) -> tuple[Part, ...]:
    """The layers a stack needs (of ``every`` layer: by default, those under templates/) and
    the context each renders with, part by part."""
    if every is None:
        every = discover_layers(templates_root(), catalog)
    units = units_of(stack, catalog)
    project = tuple(la for la in every if la.scope == "project" and la.applies_to(stack))
    own = [
        tuple(la for la in every if la.scope == "unit" and la.applies_to(stack, unit))
        for unit in units
    ]
    chosen = _ordered({la.name: la for la in (*project, *(la for ls in own for la in ls))})
    if not chosen:
        raise CatalogError("no template layer applies to this stack")
    for layer in chosen:
        unmet = layer.unmet_requirement(stack)
        if unmet:
            raise CatalogError(
                f"layer {layer.name} requires {unmet}, and no catalog rule refuses this combination"
            )
    if len(units) == 1 and not units[0].prefix:
        context = build_context(stack, catalog, chosen, unit=units[0])
        context["data"]["units"] = [_unit_entry(units[0], context)]
        return (Part("", chosen, context),)
    unit_names = frozenset(la.name for la in chosen if la.scope == "unit")
    data = merge_contributions(chosen, project_keys_only=unit_names)
    parts = []
    entries = []
    for unit, unit_layers in zip(units, own, strict=True):
        layers = _ordered({la.name: la for la in (*project, *unit_layers)})
        context = build_context(stack, catalog, layers, unit=unit)
        entries.append(_unit_entry(unit, context))
        # A unit's templates may include the project layers' partials too, as a monolith's do.
        parts.append(Part(unit.prefix, unit_layers, context, partials_from=layers))
    data["units"] = entries
    for part in parts:
        part.context["data"]["units"] = entries
    context = build_context(stack, catalog, project, data=data)
    return (Part("", project, context, partials_from=chosen), *parts)


def _ordered(layers: dict[str, Layer]) -> tuple[Layer, ...]:
    return tuple(sorted(layers.values(), key=lambda la: (STAGES.index(la.stage), la.name)))


def _unit_entry(unit: Unit, context: dict[str, Any]) -> dict[str, Any]:
    """A unit as project layers see it in ``data.units``: name, kind, prefix, its data, and
    the whole context its own files render with (for the README's unit sections)."""
    data = {k: v for k, v in context["data"].items() if k != "units"}
    return {**unit.describe(), "data": data, "context": {**context, "data": data}}


def plan(stack: Stack, catalog: Catalog) -> tuple[tuple[Layer, ...], dict[str, Any]]:
    """Every layer a stack needs, in staging order, and the project's context."""
    parts = plan_parts(stack, catalog)
    return _ordered({la.name: la for p in parts for la in p.layers}), parts[0].context


def render(
    stack: Stack,
    catalog: Catalog,
    target: Path | str,
    *,
    dry_run: bool = False,
    hold_signals_after: bool = False,
    team: OrgPreset | None = None,
) -> Result:
    """Render ``stack`` into ``target`` (or only compute the tree when ``dry_run``).

    Any fault the user can cause or fix (a path, permissions, space) is a FilesystemError; a
    signal is an ``Interrupted`` saying whether the project was complete by then. Either way
    nothing this run created is left behind, unless the project was already complete.
    ``hold_signals_after``: once the project is in place, keep deferring signals (the CLI
    then reports one after its summary, never as "nothing was written"). ``team``: an
    organisation preset whose files are added (presets.py) and whose name is recorded.
    """
    target = Path(target).absolute()
    installed = signals.install()
    try:
        with _filesystem_errors(target):
            return _render(
                stack,
                catalog,
                check_target(target),
                dry_run=dry_run,
                hold=hold_signals_after,
                team=team,
            )
    finally:
        if installed:
            signals.uninstall()


def _render(
    stack: Stack,
    catalog: Catalog,
    target: Path,
    *,
    dry_run: bool,
    hold: bool,
    team: OrgPreset | None = None,
) -> Result:
    parts = plan_parts(stack, catalog)
    notes: list[str] = []
    if dry_run:
        with tempfile.TemporaryDirectory(prefix="stackgen-dry-run-") as tmp:
            files = _render_tree(stack, catalog, parts, Path(tmp), team)[1]
        return _result(target, files, parts, notes)

    parent = target.parent
    # The outermost directory this run creates, so a failure removes exactly that.
    created = next((p for p in reversed(parent.parents) if not p.exists()), None)
    if created is None and not parent.exists():
        created = parent
    staging: Path | None = None
    committed = False
    try:
        parent.mkdir(parents=True, exist_ok=True)
        notes.extend(staging_mod.clean_stale(parent))
        # Staging beside the target keeps the final move a rename on one filesystem.
        staging = staging_mod.create(parent, target.name)
        project, files = _render_tree(stack, catalog, parts, staging, team)
        with signals.deferred():
            _move_into_place(project, target)
            committed = True
            shutil.rmtree(staging, ignore_errors=True)
            if hold:
                signals.hold()
        signals.raise_pending(written=True, target=str(target))
    except BaseException:
        if not committed:
            with signals.deferred():
                if staging is not None:
                    shutil.rmtree(staging, ignore_errors=True)
                if created is not None:
                    shutil.rmtree(created, ignore_errors=True)
        raise
    return _result(target, files, parts, notes)


def _render_tree(
    stack: Stack,
    catalog: Catalog,
    parts: tuple[Part, ...],
    staging: Path,
    team: OrgPreset | None = None,
) -> tuple[Path, list[str]]:
    """Render the project into ``staging/project``, check it, and return it with its files."""
    # Imported here so `stackgen --help` and `stackgen options` never load Jinja.
    from generator import templating

    project = staging / "project"
    templating.write_parts(
        [(p.prefix, p.layers, p.context, p.partials_from) for p in parts], project
    )
    if team is not None:
        add_team_files(project, team)
    digest = files_digest(project)
    record = answers_document(stack, catalog, digest, team.name if team else None)
    (project / ANSWERS_FILE).write_text(record, encoding="utf-8")
    copied = [
        rel
        for rel in _files(project)
        for p in parts
        if (not p.prefix or rel.startswith(p.prefix + "/"))
        and templating.copied_as_is(
            rel[len(p.prefix) + 1 :] if p.prefix else rel, p.context["_copy_without_render"]
        )
    ]
    copied += list(team.files) if team else []  # copied as they are, never rendered
    return project, _check_tree(project, copied)


def add_team_files(project: Path, team: OrgPreset) -> None:
    """The preset's own files, as they are, never over a file stackgen wrote."""
    for rel, content in team.files.items():
        dest = project / rel
        if dest.exists():
            raise PresetError(
                f"{team.source}: files: {rel} would replace a file stackgen writes; "
                "rename it or drop it from the preset"
            )
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(content)


def _result(target: Path, files: list[str], parts: tuple[Part, ...], notes: list[str]) -> Result:
    return Result(
        target=target,
        files=tuple(files),
        layers=tuple(la.name for la in _ordered({la.name: la for p in parts for la in p.layers})),
        next_step=parts[0].context["data"].get("next_step"),
        notes=tuple(notes),
    )


@contextmanager
def _filesystem_errors(target: Path) -> Iterator[None]:
    """An OSError while writing becomes one line naming the target and the cause."""
    try:
        yield
    except OSError as exc:
        cause = exc.strerror or type(exc).__name__
        where = exc.filename if exc.filename and ".stackgen-" not in str(exc.filename) else None
        detail = f" ({where})" if where and Path(where) != target else ""
        hint = _HINTS.get(exc.errno or 0, "")
        raise FilesystemError(f"DIR: cannot write {target}: {cause}{detail}{hint}") from exc


_HINTS = {
    errno.ENOSPC: "; free some space and run again",
    errno.EROFS: "; choose a directory on a writable filesystem",
    errno.EACCES: "; choose a directory you can write to",
    errno.EPERM: "; choose a directory you can write to",
    errno.ENAMETOOLONG: "; choose a shorter name",
    errno.ENOTDIR: "; a part of the path is a file, not a directory",
    errno.EEXIST: "; a part of the path is a file, not a directory",
    errno.EDQUOT: "; your disk quota is exhausted",
}


def _files(project: Path) -> list[str]:
    return [p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()]


def _move_into_place(project: Path, target: Path) -> None:
    if not target.exists():
        project.rename(target)
        return
    # An existing empty directory (checked above): move the children in, undoing on failure.
    moved: list[Path] = []
    try:
        for child in sorted(project.iterdir()):
            dest = target / child.name
            child.rename(dest)
            moved.append(dest)
    except BaseException:
        for dest in moved:
            if dest.is_dir():
                shutil.rmtree(dest, ignore_errors=True)
            else:
                dest.unlink(missing_ok=True)
        raise


def tree(files: tuple[str, ...], root_name: str) -> str:
    """An indented tree of ``files`` for ``--dry-run``."""
    lines = [f"{root_name}/"]
    seen: set[str] = set()
    for rel in files:
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            d = "/".join(parts[:depth])
            if d not in seen:
                seen.add(d)
                lines.append("    " * depth + parts[depth - 1] + "/")
        lines.append("    " * len(parts) + parts[-1])
    return "\n".join(lines)
