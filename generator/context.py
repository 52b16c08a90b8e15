"""A Stack plus its layers -> the rendering context handed to cookiecutter."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator import __version__
from generator.catalog import Catalog
from generator.layers import Layer, merge_contributions
from generator.stack import Stack
from generator.units import Unit


def build_context(
    stack: Stack,
    catalog: Catalog,
    layers: tuple[Layer, ...],
    unit: Unit | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything a template may read, under ``cookiecutter.*``: the answers as scalars,
    ``selections`` (every option of every choice), ``data`` (what the layers contribute,
    unless given) and, for a unit's files, ``unit`` (its name, kind and prefix; its own
    choices replace the stack's). Built here, never prompted for, so user text reaches Jinja
    only as a variable's value and is never rendered itself."""
    if unit is not None and unit.choices:
        stack = replace(stack, selections=unit.selections(stack.selections))
    ctx: dict[str, Any] = {
        "project_name": stack.name,
        "project_slug": stack.slug,
        "description": stack.description,
        "stackgen_version": __version__,
    }
    for choice in catalog.choices:
        values = stack.all(choice.id)
        primary = [v for v in values if choice.option(v).role in (None, "primary")]
        ctx[choice.id] = (primary or list(values))[0]
    # Lists and mappings live under dict keys: stock cookiecutter reads a top-level list as a
    # choice variable, and the staged template must bake the same with it (see tests).
    ctx["selections"] = {cid: list(values) for cid, values in stack.selections.items()}
    ctx["data"] = merge_contributions(layers) if data is None else data
    if unit is not None:
        ctx["unit"] = unit.describe()
    ctx["_copy_without_render"] = sorted({g for la in layers for g in la.copy_without_render})
    ctx["_extensions"] = ["generator.jinja_ext.StackgenExtension"]
    return ctx
