"""The combinations stackgen offers, computed from the catalog: all of them, and a small
pairwise covering subset for CI. Nothing here is listed by hand, so a new catalog option
joins both automatically."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from generator.catalog import Catalog, Choice
from generator.errors import IncompatibleChoices
from generator.stack import Stack, resolve

Values = tuple[tuple[str, tuple[str, ...]], ...]  # ((choice id, option ids), ...)


def _value_sets(choice: Choice) -> list[tuple[str, ...]]:
    """What one choice can hold: one option, or for a store choice a primary plus at most
    one secondary."""
    if not choice.multiple:
        return [(o.id,) for o in choice.options]
    primaries = [o.id for o in choice.options if o.role != "secondary"]
    pairs = [
        (p, s.id)
        for p in primaries
        for s in choice.options
        if s.role == "secondary" or p in s.secondary_beside
    ]
    # In catalog order, as the CLI normalises them.
    order = choice.option_ids
    return [(p,) for p in primaries] + [tuple(sorted(pair, key=order.index)) for pair in pairs]


def all_stacks(catalog: Catalog) -> list[Stack]:
    """Every combination the catalog allows (rules applied), in a stable order."""
    out: list[Stack] = []
    for combo in itertools.product(*(_value_sets(c) for c in catalog.choices)):
        flags: dict[str, Any] = {c.id: list(v) for c, v in zip(catalog.choices, combo, strict=True)}
        flags["name"] = stack_name(flags)
        try:
            out.append(resolve(catalog, flags=flags, no_input=True))
        except IncompatibleChoices:
            continue
    return out


def stack_name(selections: dict[str, Any]) -> str:
    """A short unique project name for a combination (slugs are capped at 50 characters)."""
    key = ";".join(f"{k}={'+'.join(v)}" for k, v in sorted(selections.items()) if k != "name")
    return "sg-" + hashlib.sha256(key.encode()).hexdigest()[:10]


def describe(stack: Stack) -> str:
    """'python / monolith / postgresql+redis / docker-compose / rest'."""
    return " / ".join("+".join(v) for v in stack.selections.values())


NO_SECONDARY = "(no secondary)"


def _items(stack: Stack, capable: Mapping[str, Choice]) -> list[tuple[str, str]]:
    """The values a stack covers. A store choice without a secondary counts as a value of its
    own, so the covering array keeps stacks both with and without one; a store that can be
    primary or secondary counts apart in each role."""
    items = [(cid, v) for cid, values in stack.selections.items() for v in values]
    for cid, values in stack.selections.items():
        if cid not in capable:
            continue
        if len(values) == 1:
            items.append((cid, NO_SECONDARY))
        for v in values:
            if capable[cid].option(v).role_beside(values) != capable[cid].option(v).role:
                items.append((cid, f"{v} (secondary)"))
    return items


def _family(stack: Stack, catalog: Catalog) -> str:
    """The architecture's family: its option's first group (the monolith styles are
    `monolithic`), else the option itself (serverless)."""
    option = catalog.choice("architecture").option(stack.selections["architecture"][0])
    return option.groups[0] if option.groups else option.id


def _pairs(
    stack: Stack, capable: Mapping[str, Choice], catalog: Catalog
) -> Iterator[tuple[Any, ...]]:
    """Every pair of values the stack covers, and its (language, API type, family) triple:
    what breaks together - an API type's code in one language under one family's host."""
    yield from itertools.combinations(_items(stack, capable), 2)
    sel = stack.selections
    yield (("language", sel["language"][0]), ("api", sel["api"][0]), _family(stack, catalog))


def pairwise(catalog: Catalog) -> list[Stack]:
    """A greedy covering array: every pair of option values that occurs in some valid
    combination occurs in at least one chosen stack (and every option alone, and every
    language x API type x architecture family triple, too)."""
    capable = {
        c.id: c
        for c in catalog.choices
        if any(o.role == "secondary" or o.secondary_beside for o in c.options)
    }
    candidates = all_stacks(catalog)
    pairs = [set(_pairs(s, capable, catalog)) for s in candidates]
    items = [set(_items(s, capable)) for s in candidates]
    uncovered = set().union(*pairs)
    singles = set().union(*items)
    chosen: list[Stack] = []
    while uncovered or singles:
        best = max(
            range(len(candidates)),
            key=lambda i: (len(pairs[i] & uncovered), len(items[i] & singles)),
        )
        if not (pairs[best] & uncovered or items[best] & singles):
            break
        chosen.append(candidates[best])
        uncovered -= pairs[best]
        singles -= items[best]
    return chosen
