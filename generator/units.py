"""Deployable units: what a project is made of. A monolith is one unit, an HTTP service at
the project's root; a family of several (services, functions, consumers) declares its units
on its catalog option, each under a prefix of its own.

A unit has a name, a kind (KINDS), a prefix (the folder inside the project its files are
rendered under; empty for the root) and the choices it makes differently from the stack (a
consumer with no API type of its own, say). Template layers say which units they serve
(``kinds``) and whether they are rendered once for the project or once per unit
(``scope``); see layers.py and docs/ARCHITECTURE.md."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.errors import CatalogError

KINDS = {
    "http-service": "a long-running server answering HTTP (and gRPC) requests",
    "function": "code a platform runs once per event (an AWS Lambda function)",
    "worker": "a long-running consumer of a message broker's events",
}
NAME = re.compile(r"[a-z][a-z0-9-]{0,30}")
PREFIX = re.compile(r"[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*")


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    prefix: str = ""
    # Choices this unit makes differently from the stack: choice id -> option ids.
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def selections(
        self, stack_selections: Mapping[str, tuple[str, ...]]
    ) -> dict[str, tuple[str, ...]]:
        return {**stack_selections, **self.choices}

    def describe(self) -> dict[str, Any]:
        """What templates see of a unit (``cookiecutter.unit``, ``data.units``)."""
        return {"name": self.name, "kind": self.kind, "prefix": self.prefix}


# The unit of every option that declares none: the monolith, at the project's root.
ONE_APP = (Unit(name="app", kind="http-service"),)


def parse_units(
    raw: Any, where: str, option_ids: Mapping[str, tuple[str, ...]]
) -> tuple[Unit, ...]:
    """A catalog option's ``units`` list, validated: known kinds, unique names and prefixes,
    prefixes that are plain relative folders, choices naming real options."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise CatalogError(f"{where}: units must be a non-empty list")
    units: list[Unit] = []
    for i, entry in enumerate(raw):
        at = f"{where}: units[{i}]"
        if not isinstance(entry, dict) or not {"name", "kind"} <= set(entry):
            raise CatalogError(f"{at} must give name and kind")
        if unknown := sorted(set(entry) - {"name", "kind", "prefix", "choices"}):
            raise CatalogError(f"{at}: unknown key '{unknown[0]}'")
        name, kind, prefix = entry["name"], entry["kind"], entry.get("prefix", "")
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise CatalogError(f"{at}: name must be a lower-case id")
        if kind not in KINDS:
            raise CatalogError(f"{at}: kind must be one of {', '.join(KINDS)}")
        if prefix and not (isinstance(prefix, str) and PREFIX.fullmatch(prefix)):
            raise CatalogError(f"{at}: prefix must be a relative folder such as services/{name}")
        choices: dict[str, tuple[str, ...]] = {}
        for cid, values in (entry.get("choices") or {}).items():
            values = tuple(values if isinstance(values, list) else [values])
            if cid not in option_ids or not set(values) <= set(option_ids[cid]):
                raise CatalogError(f"{at}: choices names unknown option(s) of '{cid}'")
            choices[cid] = values
        units.append(Unit(name=name, kind=kind, prefix=prefix, choices=choices))
    for attr in ("name", "prefix"):
        values = [getattr(u, attr) for u in units]
        if len(set(values)) != len(values):
            raise CatalogError(f"{where}: two units share one {attr}")
    prefixes = [u.prefix for u in units]
    if len(units) > 1 and "" in prefixes:
        raise CatalogError(f"{where}: with several units each needs a prefix of its own")
    for a in prefixes:
        for b in prefixes:
            if a and b and a != b and b.startswith(a + "/"):
                raise CatalogError(f"{where}: unit prefix '{b}' lies inside '{a}'")
    return tuple(units)
