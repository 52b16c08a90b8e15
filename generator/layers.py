"""Template layers: discover them, pick the ones a Stack needs, merge what they contribute,
and plan which file of which layer each project path comes from (``templating.py`` renders
them from there; ``stage_template`` exports them as one standard cookiecutter template).

A layer is a folder under ``templates/`` holding a ``layer.yaml`` and optionally
``files/`` (paths relative to the generated project's root) and ``partials/`` (Jinja
includes, e.g. README sections). ``layer.yaml`` declares:

- ``stage``: one of STAGES; layers are staged in that order, then by path.
- ``when``: choice id -> option ids or group ids (catalog.yaml's ``groups``, expanded on
  load); the layer applies when each listed choice has one of those options (the same
  semantics as catalog rules). No ``when`` = always.
- ``unless``: the same shape; the layer does not apply when it matches. An entry ``a+b``
  (in any of these) asks for all of its options: ``database: [postgresql+mongodb]``.
- ``requires``: the same shape; what the layer cannot work without. A catalog rule must
  refuse every combination that selects the layer without it (a test checks this), so
  rendering one is a bug in stackgen, reported as such.
- ``overrides``: paths this layer deliberately replaces. Any other path written by two
  layers is an error, so combinations never silently shadow each other's files.
- ``copy_without_render``: globs of files carrying their own ``${{ }}`` syntax.
- ``contributes``: data merged across layers into the rendering context (dependency
  names, environment keys, compose services, CI services, README partials). Every key is
  declared in ``data.yaml`` beside this module, with its shape, owner and merge rule.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from generator import cache as cache_mod
from generator import yamlio
from generator.catalog import Catalog, Choice, condition, selection_matches
from generator.errors import CatalogError
from generator.stack import Stack
from generator.units import KINDS, Unit

STAGES = ("base", "language", "architecture", "database", "api", "infrastructure")
PROJECT_DIR = "{{cookiecutter.project_slug}}"
VERSIONS_PATH = Path(__file__).with_name("versions.yaml")
DATA_PATH = Path(__file__).with_name("data.yaml")
SHAPES = {"mapping": dict, "list": list, "string": str, "boolean": bool}
MERGES = {"mapping": "deep", "list": "union", "string": "agree", "boolean": "agree"}
# dependencies.<ecosystem> lists are resolved against versions.yaml's section of that name.
DEPENDENCY_ECOSYSTEMS = {"pypi": "pypi", "pypi-dev": "pypi", "npm": "npm", "npm-dev": "npm"}


def templates_root() -> Path:
    """The templates folder: shipped inside the wheel, or at the top of a source checkout."""
    packaged = Path(__file__).with_name("templates")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Layer:
    name: str  # path relative to templates/, e.g. "language/python"
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
    # "unit": rendered once per deployable unit that it applies to, under the unit's prefix;
    # "project": rendered once at the project's root, seeing every unit (data.units).
    scope: str = "unit"
    # The unit kinds (units.KINDS) a unit-scoped layer serves; empty: every kind.
    kinds: tuple[str, ...] = ()

    def applies_to(self, stack: Stack, unit: Unit | None = None) -> bool:
        """Whether the layer is selected for ``stack`` (for a unit-scoped layer: for
        ``unit``, whose own choices take the place of the stack's)."""
        selections = unit.selections(stack.selections) if unit else stack.selections
        if unit and self.kinds and unit.kind not in self.kinds:
            return False
        return selection_matches(self.when, selections) and not (
            self.unless and selection_matches(self.unless, selections)
        )

    def unmet_requirement(self, stack: Stack) -> str | None:
        """The first ``requires`` entry this stack breaks, as 'choice: a|b', or None."""
        for cid, allowed in self.requires.items():
            if not selection_matches({cid: allowed}, stack.selections):
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


@dataclass(frozen=True)
class DataKey:
    """One key of the rendering data, as ``data.yaml`` declares it."""

    name: str
    shape: str
    merge: str
    owner: str
    help: str
    # "project": merged across every unit (compose services, README sections); "unit": each
    # unit's own (its container, its dependencies), seen by project layers in data.units.
    scope: str = "unit"


@cache
def declared_data() -> Mapping[str, DataKey]:
    raw = yamlio.load(DATA_PATH.read_text(encoding="utf-8")) or {}
    out: dict[str, DataKey] = {}
    for name, entry in (raw.get("keys") or {}).items():
        where = f"{DATA_PATH.name}: '{name}'"
        if not isinstance(entry, dict) or not {"shape", "merge", "owner", "help"} <= set(entry):
            raise CatalogError(f"{where} must give shape, merge, owner and help")
        entry = {"scope": "unit", **entry}
        if set(entry) != {"shape", "merge", "owner", "help", "scope"} or entry["scope"] not in (
            "unit",
            "project",
        ):
            raise CatalogError(f"{where}: scope must be 'unit' or 'project', and no other key")
        if MERGES.get(entry["shape"]) != entry["merge"]:
            raise CatalogError(
                f"{where}: shape must be one of {', '.join(SHAPES)}, merged as "
                + ", ".join(f"{k}: {v}" for k, v in MERGES.items())
            )
        out[name] = DataKey(name=name, **entry)
    return out


def _check_contributions(name: str, contributes: Any) -> None:
    if not isinstance(contributes, dict):
        raise CatalogError(f"layer {name}: 'contributes' must be a mapping")
    declared = declared_data()
    for key, value in contributes.items():
        if key not in declared:
            raise CatalogError(
                f"layer {name}: contributes '{key}', which generator/{DATA_PATH.name} does not "
                "declare (declare its shape, owner and merge rule there)"
            )
        shape = declared[key].shape
        if not isinstance(value, SHAPES[shape]):
            raise CatalogError(
                f"layer {name}: '{key}' must be a {shape} ({DATA_PATH.name}), "
                f"not {type(value).__name__}"
            )


def _load_layer(layer_file: Path, root: Path, choices: Mapping[str, Choice]) -> Layer:
    name = layer_file.parent.relative_to(root).as_posix()
    try:
        raw = yamlio.load(layer_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CatalogError(f"layer {name}: layer.yaml is not valid YAML: {exc}") from exc
    stage = raw.get("stage")
    if stage not in STAGES:
        raise CatalogError(f"layer {name}: stage must be one of {', '.join(STAGES)}")

    def conditions(key: str) -> dict[str, tuple[str, ...]]:
        # Groups are expanded here, so a layer holds option ids only.
        return condition(choices, raw[key], f"layer {name}: '{key}'") if raw.get(key) else {}

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
        "scope",
        "kinds",
    }
    if unknown_keys:
        raise CatalogError(f"layer {name}: unknown key '{sorted(unknown_keys)[0]}'")
    _check_contributions(name, raw.get("contributes") or {})
    scope = raw.get("scope", "unit")
    if scope not in ("unit", "project"):
        raise CatalogError(f"layer {name}: scope must be 'unit' or 'project'")
    kinds = tuple(raw.get("kinds") or ())
    if unknown_kinds := [k for k in kinds if k not in KINDS]:
        raise CatalogError(
            f"layer {name}: kinds names '{unknown_kinds[0]}', not one of {', '.join(KINDS)}"
        )
    if kinds and scope == "project":
        raise CatalogError(f"layer {name}: a project-scoped layer serves every unit; drop 'kinds'")
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
        scope=scope,
        kinds=kinds,
    )


def discover_layers(root: Path, catalog: Catalog) -> tuple[Layer, ...]:
    """Every layer under ``root``, in staging order; read once per process for a root and
    catalog (planning a stack then costs no file reads)."""
    key = (root, id(catalog))
    if key not in _DISCOVERED:
        choices = {c.id: c for c in catalog.choices}
        found = [
            Path(path) for rel, path in _files_under(root) if rel.rpartition("/")[2] == "layer.yaml"
        ]
        layers = [_load_layer(f, root, choices) for f in found]
        ordered = tuple(sorted(layers, key=lambda la: (STAGES.index(la.stage), la.name)))
        # The catalog is kept with its layers so its id is not reused while the entry lives.
        _DISCOVERED[key] = (catalog, ordered)
    return _DISCOVERED[key][1]


_DISCOVERED: dict[tuple[Path, int], tuple[Catalog, tuple[Layer, ...]]] = {}


def select_layers(layers: tuple[Layer, ...], stack: Stack) -> tuple[Layer, ...]:
    return tuple(la for la in layers if la.applies_to(stack))


def deep_merge(
    base: dict[str, Any],
    extra: Mapping[str, Any],
    where: str,
    origins: dict[str, str] | None = None,
    path: str = "data",
) -> dict[str, Any]:
    """Merge ``extra`` (from layer ``where``) into ``base``: mappings recurse, lists extend
    (each item once), equal scalars agree. ``origins`` remembers which layer set each scalar,
    so a disagreement names both layers."""
    origins = {} if origins is None else origins
    for key, value in extra.items():
        at = f"{path}.{key}"
        if key not in base:
            base[key] = _copy(value)
            origins.setdefault(at, where)
        elif isinstance(base[key], dict) and isinstance(value, Mapping):
            deep_merge(base[key], value, where, origins, at)
        elif isinstance(base[key], list) and isinstance(value, list):
            base[key].extend(v for v in _copy(value) if v not in base[key])
        elif base[key] != value:
            raise CatalogError(
                f"layers {_origin(origins, at)} and {where} disagree on '{at}': "
                f"{base[key]!r} vs {value!r}"
            )
    return base


def _origin(origins: Mapping[str, str], at: str) -> str:
    """The layer that set ``at``, or the mapping it came in with."""
    while at not in origins and "." in at:
        at = at.rpartition(".")[0]
    return origins.get(at, "?")


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


def merge_contributions(
    layers: tuple[Layer, ...], project_keys_only: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """What ``layers`` contribute, merged in their order. Layers named in
    ``project_keys_only`` add only the keys data.yaml scopes to the project (the units'
    layers, to the data of a project of several units)."""
    merged: dict[str, Any] = {}
    origins: dict[str, str] = {}
    declared = declared_data()
    for layer in layers:
        contributes = layer.contributes
        if layer.name in project_keys_only:
            contributes = {k: v for k, v in contributes.items() if declared[k].scope == "project"}
        deep_merge(merged, contributes, layer.name, origins)
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


def partials(layers: tuple[Layer, ...]) -> dict[str, Path]:
    """Every partial of ``layers`` by the name templates include it as; two layers providing
    one name is an error."""
    found: dict[str, Path] = {}
    owner: dict[str, str] = {}
    for layer in layers:
        pdir = layer.path / "partials"
        if not pdir.is_dir():
            continue
        for src in sorted(pdir.iterdir()):
            if src.name in owner:
                raise CatalogError(
                    f"layers {owner[src.name]} and {layer.name} both provide partial '{src.name}'"
                )
            owner[src.name] = layer.name
            found[src.name] = src
    return found


def stage_template(layers: tuple[Layer, ...], context: Mapping[str, Any], dest: Path) -> Path:
    """Copy the chosen layers into ``dest`` as one standard cookiecutter template: stock
    cookiecutter bakes it to the tree stackgen writes (the benchmark and the tests compare)."""
    import json

    project = dest / PROJECT_DIR
    project.mkdir(parents=True)
    for rel, (layer, src) in plan_files(layers, context.get("data")).items():
        target = project / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(layer.path / "files" / src, target)
    staged_partials = dest / "templates"
    staged_partials.mkdir()
    for name, src in partials(layers).items():
        # Linked, not copied: the lockfile layers hold megabytes of partials, of which a
        # project includes one.
        (staged_partials / name).symlink_to(src.resolve())
    # A complete cookiecutter.json: stock cookiecutter (and pytest-cookies) take every value
    # from it.
    (dest / "cookiecutter.json").write_text(
        json.dumps(dict(context), indent=2) + "\n", encoding="utf-8"
    )
    return dest


@cache
def templates_digest() -> str:
    """A short content hash of every template file: the template version of a project.

    Reading every template (megabytes of lockfiles) is much of a run's time, so the digest is
    kept in the cache, keyed by each file's path, size, modification and change times and inode:
    a file's contents cannot change without its change time moving."""
    files = _files_under(templates_root())
    stamp = hashlib.sha256()
    for rel, path in [*files, ("", str(VERSIONS_PATH))]:
        info = os.stat(path)
        stamp.update(
            f"{rel}\0{info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino}\0".encode()
        )
    key = f"digest-{stamp.hexdigest()}"
    cached = cache_mod.read(key)
    if cached and re.fullmatch("[0-9a-f]{12}", cached):
        return cached
    h = hashlib.sha256()
    for rel, path in files:
        h.update(rel.encode())
        h.update(b"\0")
        h.update(Path(path).read_bytes())
    h.update(VERSIONS_PATH.read_bytes())
    digest = h.hexdigest()[:12]
    cache_mod.prune()  # the templates changed: what earlier runs compiled is mostly stale
    cache_mod.write(key, digest)
    return digest


def _files_under(root: Path) -> list[tuple[str, str]]:
    """Every file under ``root`` but bytecode, as (POSIX path relative to it, path), sorted
    within each folder, folders in walk order (the digest's order)."""
    files: list[tuple[str, str]] = []
    top = len(str(root)) + 1
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        prefix = dirpath[top:].replace(os.sep, "/")
        for name in sorted(f for f in filenames if not f.endswith(".pyc")):
            files.append((f"{prefix}/{name}" if prefix else name, os.path.join(dirpath, name)))
    return files
