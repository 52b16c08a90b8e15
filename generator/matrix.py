"""The combinations stackgen offers, computed from the catalog: all of them, and a small
pairwise covering subset for CI. Nothing here is listed by hand, so a new catalog option
joins both automatically."""

from __future__ import annotations

import hashlib
import itertools
import random
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


# What a platform sees of an option of these choices: the group named here stands for each of
# its options in pairs with the infrastructure choice. The monolith styles build the same
# container, and the API types other than gRPC serve plain HTTP on one port (gRPC adds an
# HTTP/2 port the deploy config routes and checks). An option outside the group - gRPC, a
# new API type until it names the group - is paired with every platform on its own.
PLATFORM_ALIKE = {"architecture": "monolithic", "api": "http"}
PLATFORM_CHOICE = "infrastructure"


def _as_platform_sees(item: tuple[str, str], other: str, catalog: Catalog) -> tuple[str, str]:
    cid, value = item
    group = PLATFORM_ALIKE.get(cid)
    if other != PLATFORM_CHOICE or group is None:
        return item
    return (cid, f"({group})") if group in catalog.choice(cid).option(value).groups else item


def _pairs(
    stack: Stack, capable: Mapping[str, Choice], catalog: Catalog
) -> Iterator[tuple[Any, ...]]:
    """Every pair of values the stack covers, and its (language, API type, family) triple:
    what breaks together - an API type's code in one language under one family's host.
    Against the platform, the options that look alike to it count as one (PLATFORM_ALIKE)."""
    for a, b in itertools.combinations(_items(stack, capable), 2):
        yield (_as_platform_sees(a, b[0], catalog), _as_platform_sees(b, a[0], catalog))
    sel = stack.selections
    yield (("language", sel["language"][0]), ("api", sel["api"][0]), _family(stack, catalog))


def pairwise(catalog: Catalog, tries: int = 12) -> list[Stack]:
    """A covering array: every pair of option values that occurs in some valid combination
    occurs in at least one chosen stack (and every option alone, and every language x API type
    x architecture family triple, too). Greedy, with ties broken by a seeded random choice:
    the smallest of ``tries`` seeded runs, each pruned of stacks the others cover - within a
    stack or two of the optimum, and the same on every run and machine."""
    capable = {
        c.id: c
        for c in catalog.choices
        if any(o.role == "secondary" or o.secondary_beside for o in c.options)
    }
    candidates = all_stacks(catalog)
    pairs = [set(_pairs(s, capable, catalog)) for s in candidates]
    items = [set(_items(s, capable)) for s in candidates]
    runs = [_cover(pairs, items, random.Random(seed)) for seed in range(tries)]
    return [candidates[i] for i in min(runs, key=len)]


def _cover(pairs: list[set[Any]], items: list[set[Any]], rng: random.Random) -> list[int]:
    """Greedy set cover of every pair and every item; then the chosen stacks whose pairs and
    items the others all cover are dropped, the last chosen first."""
    uncovered = set().union(*pairs)
    singles = set().union(*items)
    everything = uncovered | singles
    chosen: list[int] = []
    while uncovered or singles:
        scores = [(len(p & uncovered), len(i & singles)) for p, i in zip(pairs, items, strict=True)]
        best = max(scores)
        if best == (0, 0):
            break
        pick = rng.choice([i for i, score in enumerate(scores) if score == best])
        chosen.append(pick)
        uncovered -= pairs[pick]
        singles -= items[pick]
    for pick in reversed(chosen.copy()):
        rest = [i for i in chosen if i != pick]
        if set().union(*(pairs[i] | items[i] for i in rest)) >= everything:
            chosen = rest
    return chosen
