"""Jinja filters for the templates, loaded by cookiecutter through ``_extensions``."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

from generator import yamlio
from generator.escape import FILTERS


def to_yaml(value: Any, indent: int = 0) -> str:
    """Dump merged layer data as block YAML, each line indented by ``indent`` spaces."""
    text = yamlio.dump(value)
    pad = " " * indent
    return "\n".join(pad + line if line else line for line in text.rstrip("\n").split("\n"))


def quote(value: str) -> str:
    """A double-quoted literal for stackgen's own values (layer data such as environment
    defaults) in code or config. User text never goes through it: see ``escape.py``."""
    return json.dumps(value, ensure_ascii=False)


def unit_services(compose: dict[str, Any], units: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """A compose file (``key``: ``compose`` or ``compose_prod``) for a project of units.

    One unit at the project's root (a monolith) gets ``compose`` as it is. Several: the
    services a unit's own ``compose`` builds from its folder (``build``: the app, its migrate
    step) are its own, renamed after it (``app`` -> ``<unit>``, ``migrate`` ->
    ``<unit>-migrate``) and built from its folder - for a unit with an image (an HTTP service;
    a worker or a function has no Dockerfile, so none); the rest (the stores) are the
    project's, once. A host port another service already publishes moves to the next free
    one, so every service can run at once. The units' migrate steps run one after another, in
    the units' order: until each unit owns its data they share one database and its migration
    history. Two services given one name is an error naming it."""
    if len(units) == 1 and not units[0]["prefix"]:
        return compose

    def built(unit: dict[str, Any]) -> list[str]:
        services = unit["data"].get("compose", {}).get("services", {})
        return sorted(n for n, s in services.items() if "build" in s)

    owned = {name for unit in units for name in built(unit)}
    result = {k: copy.deepcopy(v) for k, v in compose.items() if k != "services"}
    services = {
        n: copy.deepcopy(s) for n, s in compose.get("services", {}).items() if n not in owned
    }
    taken = {_host_port(p) for s in services.values() for p in s.get("ports", [])} - {None}
    previous_migrate = ""
    for unit in (u for u in units if u["kind"] == "http-service"):
        renames = {n: unit["name"] if n == "app" else f"{unit['name']}-{n}" for n in built(unit)}
        for name, service in unit["data"].get(key, {}).get("services", {}).items():
            if name not in renames:
                continue
            if renames[name] in services:
                raise ValueError(f"compose: unit {unit['name']!r} makes a second {renames[name]!r}")
            ours = _unit_service(service, unit, renames, taken)
            if name == "migrate":
                if previous_migrate:
                    after = {"condition": "service_completed_successfully"}
                    ours["depends_on"] = {**ours.get("depends_on", {}), previous_migrate: after}
                previous_migrate = renames[name]
            services[renames[name]] = ours
    result["services"] = dict(sorted(services.items()))
    return result


PORT = re.compile(r"(?:(.*):)?(\d+):(\d+)")


def _host_port(port: object) -> int | None:
    match = PORT.fullmatch(str(port))
    return int(match.group(2)) if match else None


def _unit_service(
    service: dict[str, Any], unit: dict[str, Any], renames: dict[str, str], taken: set[int]
) -> dict[str, Any]:
    ours = copy.deepcopy(service)
    if ours.get("build") == ".":
        ours["build"] = f"./{unit['prefix']}" if unit["prefix"] else "."
    if isinstance(ours.get("depends_on"), dict):
        ours["depends_on"] = {renames.get(k, k): v for k, v in ours["depends_on"].items()}
    if "ports" in ours:
        ours["ports"] = [_free(port, taken) for port in ours["ports"]]
    return ours


def _free(port: object, taken: set[int]) -> object:
    """``[ADDRESS:]HOST:CONTAINER`` with the first host port from HOST up that no other
    service publishes (and now taken)."""
    match = PORT.fullmatch(str(port))
    if not match:
        return port
    address, host, inside = match.group(1), int(match.group(2)), match.group(3)
    while host in taken:
        host += 1
    taken.add(host)
    return f"{address + ':' if address else ''}{host}:{inside}"


class StackgenExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["to_yaml"] = to_yaml
        environment.filters["quote"] = quote
        environment.filters["unit_services"] = unit_services
        environment.filters.update(FILTERS)
