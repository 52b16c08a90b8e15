"""The catalog: every choice, its options, help texts, defaults, rules and presets.

Loaded from ``catalog.yaml`` and validated on load, so a malformed entry fails with a
message naming it instead of surfacing later as a confusing rendering error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from generator import yamlio
from generator.errors import CatalogError
from generator.units import Unit, parse_units

CATALOG_PATH = Path(__file__).with_name("catalog.yaml")
ROLES = ("primary", "secondary")


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    help: str
    role: str | None = None
    # A primary store that can also sit beside one of these primaries as a secondary
    # (MongoDB: the store of a document kind beside a SQL database).
    secondary_beside: tuple[str, ...] = ()
    # Groups of options a condition can name instead of listing them (``database: [sql]``),
    # so a new option joins the layers and rules of its kind without editing them.
    groups: tuple[str, ...] = ()
    # The deployable units a project of this option is made of (generator/units.py); none
    # declared: one HTTP service at the project's root, as the monolith styles are.
    units: tuple[Unit, ...] = ()

    def role_beside(self, values: tuple[str, ...]) -> str | None:
        """This option's role among the selected ``values``."""
        if self.role == "primary" and set(self.secondary_beside) & set(values):
            return "secondary"
        return self.role


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    prompt: str
    help: str
    default: str
    options: tuple[Option, ...]
    multiple: bool = False

    @property
    def flag(self) -> str:
        return f"--{self.id}"

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def option(self, option_id: str) -> Option:
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(option_id)

    @property
    def groups(self) -> dict[str, tuple[str, ...]]:
        """Group id -> its options, in catalog order."""
        out: dict[str, tuple[str, ...]] = {}
        for o in self.options:
            for g in o.groups:
                out[g] = (*out.get(g, ()), o.id)
        return out

    def expand(self, entries: Any, where: str) -> tuple[str, ...]:
        """A condition's entries for this choice with every group named replaced by its
        options; an unknown option or group, or a group inside an ``a+b`` entry, is a
        CatalogError naming ``where``."""
        out: list[str] = []
        groups = self.groups
        for entry in entries if isinstance(entries, list | tuple) else [entries]:
            entry = str(entry)
            if entry in groups:
                out.extend(o for o in groups[entry] if o not in out)
                continue
            for v in entry.split("+"):
                if v in groups:
                    raise CatalogError(
                        f"{where}: group '{self.id}.{v}' cannot be part of '{entry}'; "
                        "an a+b entry names options"
                    )
                if v not in self.option_ids:
                    raise CatalogError(f"{where} names unknown option '{self.id}.{v}'")
            if entry not in out:
                out.append(entry)
        return tuple(out)


@dataclass(frozen=True)
class Rule:
    id: str
    when: Mapping[str, tuple[str, ...]]
    reason: str
    instead: str
    # Combinations ``when`` matches but that stay allowed (MongoDB refused as Python's
    # primary store, allowed as the history beside PostgreSQL).
    unless: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def matches(self, selections: Mapping[str, tuple[str, ...]]) -> bool:
        """True when every choice named in ``when`` has one of the listed options (and
        ``unless``, if given, does not match). A rule refuses only what it is sure of: while
        a choice ``unless`` names is not answered yet (a prompt asks the earlier choices
        first), the combination may still be let through, so it is not refused."""
        if any(cid not in selections for cid in self.unless):
            return False
        if self.unless and selection_matches(self.unless, selections):
            return False
        return selection_matches(self.when, selections)


def selection_matches(
    conditions: Mapping[str, tuple[str, ...]], selections: Mapping[str, tuple[str, ...]]
) -> bool:
    """The ``when`` test shared by catalog rules and template layers: every choice named has
    one of the listed options; an entry ``a+b`` asks for all of them (``postgresql+mongodb``)."""
    return all(
        any(set(entry.split("+")) <= set(selections.get(choice_id, ())) for entry in allowed)
        for choice_id, allowed in conditions.items()
    )


@dataclass(frozen=True)
class Preset:
    id: str
    help: str
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class Catalog:
    version: int
    choices: tuple[Choice, ...]
    rules: tuple[Rule, ...]
    presets: tuple[Preset, ...]

    def choice(self, choice_id: str) -> Choice:
        for c in self.choices:
            if c.id == choice_id:
                return c
        raise KeyError(choice_id)

    def preset(self, preset_id: str) -> Preset:
        for p in self.presets:
            if p.id == preset_id:
                return p
        raise KeyError(preset_id)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready view (``stackgen options --json``)."""
        return {
            "version": self.version,
            "choices": [
                {
                    "id": c.id,
                    "flag": c.flag,
                    "label": c.label,
                    "help": c.help,
                    "default": c.default,
                    "multiple": c.multiple,
                    "options": [{k: _plain(v) for k, v in vars(o).items() if v} for o in c.options],
                }
                for c in self.choices
            ],
            "rules": [
                {
                    "id": r.id,
                    "when": {k: list(v) for k, v in r.when.items()},
                    **({"unless": {k: list(v) for k, v in r.unless.items()}} if r.unless else {}),
                    "reason": r.reason,
                    "instead": r.instead,
                }
                for r in self.rules
            ],
            "presets": [
                {"id": p.id, "help": p.help, "answers": dict(p.answers)} for p in self.presets
            ],
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Unit):
        return {**value.describe(), "choices": {k: list(v) for k, v in value.choices.items()}}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _require(entry: Mapping[str, Any], key: str, where: str, kind: type = str) -> Any:
    if key not in entry:
        raise CatalogError(f"catalog: {where} has no '{key}'")
    value = entry[key]
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        raise CatalogError(f"catalog: {where}: '{key}' must be a non-empty {kind.__name__}")
    return value


def _parse_choice(raw: Any, index: int) -> Choice:
    if not isinstance(raw, dict):
        raise CatalogError(f"catalog: choices[{index}] must be a mapping")
    cid = _require(raw, "id", f"choices[{index}]")
    where = f"choice '{cid}'"
    multiple = bool(raw.get("multiple", False))
    raw_options = _require(raw, "options", where, list)
    options: list[Option] = []
    for j, ro in enumerate(raw_options):
        if not isinstance(ro, dict):
            raise CatalogError(f"catalog: {where} options[{j}] must be a mapping")
        oid = _require(ro, "id", f"{where} options[{j}]")
        owhere = f"option '{cid}.{oid}'"
        role = ro.get("role")
        if role is not None and role not in ROLES:
            raise CatalogError(f"catalog: {owhere}: role must be one of {', '.join(ROLES)}")
        if role is not None and not multiple:
            raise CatalogError(f"catalog: {owhere}: role is only allowed on a 'multiple' choice")
        options.append(
            Option(
                id=oid,
                label=_require(ro, "label", owhere),
                help=_require(ro, "help", owhere),
                role=role,
                secondary_beside=tuple(ro.get("secondary_beside") or ()),
                groups=_groups(ro.get("groups"), owhere),
            )
        )
    ids = [o.id for o in options]
    for o in options:
        for other in o.secondary_beside:
            if other not in ids or options[ids.index(other)].role != "primary":
                raise CatalogError(
                    f"catalog: option '{cid}.{o.id}': secondary_beside '{other}' "
                    "is not a primary option of the same choice"
                )
    if len(set(ids)) != len(ids):
        raise CatalogError(f"catalog: {where} lists an option id twice")
    for o in options:
        if clash := set(o.groups) & set(ids):
            raise CatalogError(
                f"catalog: option '{cid}.{o.id}': group '{sorted(clash)[0]}' is also an option id"
            )
    default = _require(raw, "default", where)
    if default not in ids:
        raise CatalogError(f"catalog: {where}: default '{default}' is not one of its options")
    if multiple and default and options[ids.index(default)].role == "secondary":
        raise CatalogError(f"catalog: {where}: default '{default}' must be a primary option")
    return Choice(
        id=cid,
        label=_require(raw, "label", where),
        prompt=_require(raw, "prompt", where),
        help=_require(raw, "help", where),
        default=default,
        options=tuple(options),
        multiple=multiple,
    )


def _groups(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(
        isinstance(g, str) and re.fullmatch(r"[a-z][a-z0-9-]*", g) for g in raw
    ):
        raise CatalogError(f"catalog: {where}: groups must be a list of lower-case ids")
    return tuple(raw)


def _check_selection(choices: Mapping[str, Choice], mapping: Any, where: str) -> None:
    """A preset's answers: known choices, and options of them."""
    if not isinstance(mapping, dict) or not mapping:
        raise CatalogError(f"catalog: {where} must be a non-empty mapping of choice ids")
    for cid, values in mapping.items():
        if cid not in choices:
            raise CatalogError(f"catalog: {where} names unknown choice '{cid}'")
        for v in values if isinstance(values, list) else [values]:
            if v not in choices[cid].option_ids:
                raise CatalogError(f"catalog: {where} names unknown option '{cid}.{v}'")


def condition(
    choices: Mapping[str, Choice], mapping: Any, where: str
) -> dict[str, tuple[str, ...]]:
    """A ``when``/``unless``/``requires`` mapping (of a rule or a layer) with its groups
    expanded: choice id -> option entries (``a+b`` asks for all of them)."""
    if not isinstance(mapping, dict) or not mapping:
        raise CatalogError(f"{where} must be a non-empty mapping of choice ids")
    out: dict[str, tuple[str, ...]] = {}
    for cid, values in mapping.items():
        if cid not in choices:
            raise CatalogError(f"{where} names unknown choice '{cid}'")
        out[cid] = choices[cid].expand(values, where)
    return out


def parse_catalog(data: Any) -> Catalog:
    """Validate raw YAML data and build a Catalog; raise CatalogError naming the bad entry."""
    if not isinstance(data, dict):
        raise CatalogError("catalog: top level must be a mapping")
    raw_choices = _require(data, "choices", "top level", list)
    choices = tuple(_parse_choice(rc, i) for i, rc in enumerate(raw_choices))
    option_ids = {c.id: c.option_ids for c in choices}
    choices = tuple(
        replace(
            c,
            options=tuple(
                replace(
                    o,
                    units=parse_units(
                        ro.get("units"), f"catalog: option '{c.id}.{o.id}'", option_ids
                    ),
                )
                for o, ro in zip(c.options, rc["options"], strict=True)
            ),
        )
        for c, rc in zip(choices, raw_choices, strict=True)
    )
    by_id = {c.id: c for c in choices}
    if len(by_id) != len(choices):
        raise CatalogError("catalog: a choice id is listed twice")

    rules: list[Rule] = []
    for i, rr in enumerate(data.get("rules") or []):
        rid = _require(rr, "id", f"rules[{i}]")
        where = f"rule '{rid}'"
        when = condition(by_id, rr.get("when"), f"catalog: {where} when")
        unless: dict[str, tuple[str, ...]] = {}
        if "unless" in rr:
            unless = condition(by_id, rr["unless"], f"catalog: {where} unless")
        rules.append(
            Rule(
                id=rid,
                when=when,
                unless=unless,
                reason=_require(rr, "reason", where),
                instead=_require(rr, "instead", where),
            )
        )

    presets: list[Preset] = []
    for i, rp in enumerate(data.get("presets") or []):
        pid = _require(rp, "id", f"presets[{i}]")
        where = f"preset '{pid}'"
        _check_selection(by_id, rp.get("answers"), f"{where} answers")
        presets.append(Preset(id=pid, help=_require(rp, "help", where), answers=rp["answers"]))

    return Catalog(
        version=int(data.get("version", 1)),
        choices=choices,
        rules=tuple(rules),
        presets=tuple(presets),
    )


def load_catalog(path: Path | str = CATALOG_PATH) -> Catalog:
    """Read and validate a catalog file."""
    path = Path(path)
    try:
        data = yamlio.load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"catalog: cannot read {path}: {exc}") from exc
    return parse_catalog(data)


@cache
def default_catalog() -> Catalog:
    return load_catalog(CATALOG_PATH)
