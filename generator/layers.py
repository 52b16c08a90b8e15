"""Template layers: discover them, pick the ones a Stack needs, merge what they contribute,
and stage them into one temporary cookiecutter template.

A layer is a folder under ``templates/`` holding a ``layer.yaml`` and optionally
``files/`` (paths relative to the generated project's root) and ``partials/`` (Jinja
includes, e.g. README sections). ``layer.yaml`` declares:

- ``stage``: one of STAGES; layers are staged in that order, then by path.
- ``when``: choice id -> option ids; the layer applies when each listed choice has one
  of those options (the same semantics as catalog rules). No ``when`` = always.
- ``unless``: the same shape; the layer does not apply when it matches. An entry ``a+b``
  (in any of these) asks for all of its options: ``database: [postgresql+mongodb]``.
- ``requires``: the same shape; what the layer cannot work without. A catalog rule must
  refuse every combination that selects the layer without it (a test checks this), so
  rendering one is a bug in stackgen, reported as such.
- ``overrides``: paths this layer deliberately replaces. Any other path written by two
  layers is an error, so combinations never silently shadow each other's files.
- ``copy_without_render``: globs of files carrying their own ``${{ }}`` syntax.
- ``contributes``: data deep-merged across layers into the rendering context (dependency
  names, environment keys, compose services, CI services, README partials).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from generator import yamlio
from generator.catalog import selection_matches
from generator.errors import CatalogError
from generator.stack import Stack

STAGES = ("base", "language", "architecture", "database", "api", "infrastructure")
PROJECT_DIR = "{{cookiecutter.project_slug}}"
VERSIONS_PATH = Path(__file__).with_name("versions.yaml")
# dependencies.<ecosystem> lists are resolved against versions.yaml's section of that name.
DEPENDENCY_ECOSYSTEMS = {"pypi": "pypi", "pypi-dev": "pypi", "npm": "npm", "npm-dev": "npm"}


def templates_root() -> Path:
    """The templates folder: shipped inside the wheel, or at the top of a source checkout."""
    packaged = Path(__file__).with_name("templates")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def _matches(conditions: Mapping[str, tuple[str, ...]], stack: Stack) -> bool:
    return selection_matches(conditions, stack.selections)


@dataclass(frozen=True)
class Layer:
    name: str  # path relative to templates/, e.g. "shared/python"
    path: Path
    stage: str
    when: Mapping[str, tuple[str, ...]]
    overrides: tuple[str, ...]
    copy_without_render: tuple[str, ...]
    contributes: Mapping[str, Any]
    requires: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Files whose place in the project another layer decides: file -> dotted key in the
    # merged data holding its project path (the item service: app/services/items.py in the
    # layered style, app/modules/items/service.py in the modular one).
    placed: Mapping[str, str] = field(default_factory=dict)
    # The layer does not apply when this matches (e.g. MongoDB's primary-store layer when
    # MongoDB sits beside a SQL database).
    unless: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def applies_to(self, stack: Stack) -> bool:
        return _matches(self.when, stack) and not (self.unless and _matches(self.unless, stack))

    def unmet_requirement(self, stack: Stack) -> str | None:
        """The first ``requires`` entry this stack breaks, as 'choice: a|b', or None."""
        for cid, allowed in self.requires.items():
            if not _matches({cid: allowed}, stack):
                return f"{cid}: {'|'.join(allowed)}"
        return None

    def files(self) -> list[str]:
        """Paths (POSIX, relative to the project root) this layer writes."""
        root = self.path / "files"
        if not root.is_dir():
            return []
        return sorted(
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and not _is_bytecode(p)
        )


def _is_bytecode(path: Path) -> bool:
    """pip byte-compiles every .py in a wheel, templates included; those files are not ours."""
    return "__pycache__" in path.parts or path.suffix == ".pyc"


def _load_layer(layer_file: Path, root: Path, choice_ids: Mapping[str, tuple[str, ...]]) -> Layer:
    name = layer_file.parent.relative_to(root).as_posix()
    try:
        raw = yamlio.load(layer_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CatalogError(f"layer {name}: layer.yaml is not valid YAML: {exc}") from exc
    stage = raw.get("stage")
    if stage not in STAGES:
        raise CatalogError(f"layer {name}: stage must be one of {', '.join(STAGES)}")

    def conditions(key: str) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for cid, values in (raw.get(key) or {}).items():
            values = tuple(values if isinstance(values, list) else [values])
            if cid not in choice_ids:
                raise CatalogError(f"layer {name}: '{key}' names unknown choice '{cid}'")
            unknown = [v for entry in values for v in entry.split("+") if v not in choice_ids[cid]]
            if unknown:
                raise CatalogError(
                    f"layer {name}: '{key}' names unknown option '{cid}.{unknown[0]}'"
                )
            out[cid] = values
        return out

    unknown_keys = set(raw) - {
        "stage",
        "when",
        "requires",
        "overrides",
        "copy_without_render",
        "contributes",
        "description",
        "placed",
        "unless",
    }
    if unknown_keys:
        raise CatalogError(f"layer {name}: unknown key '{sorted(unknown_keys)[0]}'")
    return Layer(
        name=name,
        path=layer_file.parent,
        stage=stage,
        when=conditions("when"),
        requires=conditions("requires"),
        unless=conditions("unless"),
        overrides=tuple(raw.get("overrides") or ()),
        copy_without_render=tuple(raw.get("copy_without_render") or ()),
        contributes=raw.get("contributes") or {},
        placed=raw.get("placed") or {},
    )


def discover_layers(root: Path, choice_ids: Mapping[str, tuple[str, ...]]) -> tuple[Layer, ...]:
    """Every layer under ``root``, in staging order."""
    layers = [_load_layer(f, root, choice_ids) for f in sorted(root.rglob("layer.yaml"))]
    return tuple(sorted(layers, key=lambda la: (STAGES.index(la.stage), la.name)))


def select_layers(layers: tuple[Layer, ...], stack: Stack) -> tuple[Layer, ...]:
    return tuple(la for la in layers if la.applies_to(stack))


def deep_merge(base: dict[str, Any], extra: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Merge ``extra`` into ``base``: mappings recurse, lists extend, equal scalars agree."""
    for key, value in extra.items():
        if key not in base:
            base[key] = _copy(value)
        elif isinstance(base[key], dict) and isinstance(value, Mapping):
            deep_merge(base[key], value, f"{where}.{key}")
        elif isinstance(base[key], list) and isinstance(value, list):
            base[key].extend(v for v in _copy(value) if v not in base[key])
        elif base[key] != value:
            raise CatalogError(f"layers disagree on '{where}.{key}': {base[key]!r} vs {value!r}")
    return base


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@cache
def version_map() -> Mapping[str, Mapping[str, str]]:
    return yamlio.load(VERSIONS_PATH.read_text(encoding="utf-8"))


def resolve_dependencies(names: list[str], ecosystem: str, layer_names: str) -> list[Any]:
    """Names (with optional extras) -> sorted requirements from the version map: PEP 508
    strings for PyPI, ``{"name", "version"}`` entries (package.json's shape) for npm."""
    versions = version_map()[ecosystem]
    out: dict[str, str] = {}
    for requirement in names:
        base = requirement.split("[", 1)[0]
        if base not in versions:
            raise CatalogError(
                f"dependency '{base}' ({layer_names}) has no entry in versions.yaml [{ecosystem}]"
            )
        out[base] = f"{requirement}{versions[base]}" if ecosystem == "pypi" else versions[base]
    if ecosystem == "pypi":
        return [out[k] for k in sorted(out)]
    return [{"name": k, "version": out[k]} for k in sorted(out)]


def merge_contributions(layers: tuple[Layer, ...]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for layer in layers:
        deep_merge(merged, layer.contributes, layer.name)
    deps = merged.get("dependencies", {})
    names = ", ".join(la.name for la in layers)
    raw = {key: list(names_list) for key, names_list in deps.items()}
    for key, names_list in raw.items():
        if key not in DEPENDENCY_ECOSYSTEMS:
            raise CatalogError(
                f"dependencies.{key} is not one of {', '.join(DEPENDENCY_ECOSYSTEMS)}"
            )
        if key.endswith("-dev"):
            # A runtime dependency is already installed for development too.
            runtime = {n.split("[", 1)[0] for n in raw.get(key[: -len("-dev")], [])}
            names_list = [n for n in names_list if n.split("[", 1)[0] not in runtime]
        deps[key] = resolve_dependencies(names_list, DEPENDENCY_ECOSYSTEMS[key], names)
    return merged


def _place(layer: Layer, rel: str, data: Mapping[str, Any] | None) -> str:
    if rel not in layer.placed or data is None:
        return rel
    value: Any = data
    for key in layer.placed[rel].split("."):
        if not isinstance(value, Mapping) or key not in value:
            raise CatalogError(
                f"layer {layer.name}: '{rel}' is placed by data '{layer.placed[rel]}', "
                "which no selected layer contributes"
            )
        value = value[key]
    return str(value)


def plan_files(
    layers: tuple[Layer, ...], data: Mapping[str, Any] | None = None
) -> dict[str, tuple[Layer, str]]:
    """Which layer provides each project path (and from which of its files); two layers on
    one path is an error unless the later one lists it in ``overrides``."""
    owner: dict[str, Layer] = {}
    source: dict[str, str] = {}
    for layer in layers:
        for src in layer.files():
            rel = _place(layer, src, data)
            source[rel] = src
            if rel in owner and rel not in layer.overrides:
                raise CatalogError(
                    f"layers {owner[rel].name} and {layer.name} both write '{rel}'; "
                    f"list it under 'overrides' in {layer.name}/layer.yaml if that is intended"
                )
            owner[rel] = layer
        for rel in layer.overrides:
            if rel not in owner or owner[rel] is not layer:
                raise CatalogError(f"layer {layer.name} overrides '{rel}' but does not provide it")
    return {rel: (layer, source[rel]) for rel, layer in owner.items()}


def stage_template(layers: tuple[Layer, ...], context: Mapping[str, Any], dest: Path) -> Path:
    """Copy the chosen layers into ``dest`` as a single standard cookiecutter template."""
    import json

    project = dest / PROJECT_DIR
    project.mkdir(parents=True)
    for rel, (layer, src) in plan_files(layers, context.get("data")).items():
        target = project / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(layer.path / "files" / src, target)
    partials = dest / "templates"
    partials.mkdir()
    seen: dict[str, str] = {}
    for layer in layers:
        pdir = layer.path / "partials"
        if not pdir.is_dir():
            continue
        for src in sorted(pdir.iterdir()):
            if src.name in seen:
                raise CatalogError(
                    f"layers {seen[src.name]} and {layer.name} both provide partial '{src.name}'"
                )
            seen[src.name] = layer.name
            shutil.copy2(src, partials / src.name)
    # A complete cookiecutter.json makes the staged folder a template that stock
    # cookiecutter (and pytest-cookies) can bake too; stackgen itself never prompts with it.
    (dest / "cookiecutter.json").write_text(
        json.dumps(dict(context), indent=2) + "\n", encoding="utf-8"
    )
    return dest


@cache
def templates_digest() -> str:
    """A short content hash of every template file: the template version of a project."""
    root = templates_root()
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for fn in sorted(f for f in filenames if not f.endswith(".pyc")):
            p = Path(dirpath) / fn
            h.update(p.relative_to(root).as_posix().encode())
            h.update(b"\0")
            h.update(p.read_bytes())
    h.update(VERSIONS_PATH.read_bytes())
    return h.hexdigest()[:12]
