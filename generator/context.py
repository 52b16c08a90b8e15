"""A Stack plus its layers -> the rendering context handed to cookiecutter."""

from __future__ import annotations

from typing import Any

from generator import __version__
from generator.catalog import Catalog
from generator.layers import Layer, merge_contributions
from generator.stack import Stack


def build_context(stack: Stack, catalog: Catalog, layers: tuple[Layer, ...]) -> dict[str, Any]:
    """Everything a template may read, under ``cookiecutter.*``: the answers as scalars,
    ``selections`` (every option of every choice) and ``data`` (what the layers contribute).
    Built here, never prompted for, so user text reaches Jinja only as a variable's value and
    is never rendered itself."""
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
    ctx["data"] = merge_contributions(layers)
    ctx["_copy_without_render"] = sorted({g for la in layers for g in la.copy_without_render})
    ctx["_extensions"] = ["generator.jinja_ext.StackgenExtension"]
    return ctx
