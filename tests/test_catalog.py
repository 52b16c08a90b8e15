"""The catalog is validated on load, and it is consistent with the layers and the matrix."""

import copy
import itertools

import pytest
import yaml

from generator.catalog import CATALOG_PATH, parse_catalog
from generator.errors import CatalogError, IncompatibleChoices
from generator.layers import discover_layers, templates_root
from generator.matrix import all_stacks, pairwise
from generator.stack import resolve

RAW = yaml.safe_load(CATALOG_PATH.read_text())


def _broken(edit):
    data = copy.deepcopy(RAW)
    edit(data)
    return data


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["choices"][0].pop("help"), "choice 'language' has no 'help'"),
        (lambda d: d["choices"][0].update(default="cobol"), "default 'cobol' is not one of"),
        (
            lambda d: d["choices"][2]["options"][0].update(role="tertiary"),
            "option 'database.sqlite': role must be",
        ),
        (
            lambda d: d["choices"][0]["options"][0].update(role="primary"),
            "option 'language.python': role is only allowed",
        ),
        (
            lambda d: d["choices"][1]["options"].append(dict(d["choices"][1]["options"][0])),
            "choice 'architecture' lists an option id twice",
        ),
        (
            lambda d: d["choices"][0]["options"][0].update(label=""),
            "option 'language.python': 'label' must be a non-empty str",
        ),
        (
            lambda d: d["rules"].append(
                {"id": "r1", "when": {"language": ["go"]}, "reason": "x", "instead": "y"}
            ),
            "rule 'r1' when names unknown option 'language.go'",
        ),
        (
            lambda d: d["rules"].append(
                {"id": "r2", "when": {"colour": ["red"]}, "reason": "x", "instead": "y"}
            ),
            "rule 'r2' when names unknown choice 'colour'",
        ),
        (
            lambda d: d["rules"].append(
                {"id": "r3", "when": {"language": ["python"]}, "reason": "x"}
            ),
            "rule 'r3' has no 'instead'",
        ),
        (
            lambda d: d["choices"][2]["options"][0].update(groups=["postgresql"]),
            "option 'database.sqlite': group 'postgresql' is also an option id",
        ),
        (
            lambda d: d["choices"][2]["options"][0].update(groups="sql"),
            "option 'database.sqlite': groups must be a list of lower-case ids",
        ),
        (
            lambda d: d["rules"].append(
                {"id": "r4", "when": {"database": ["sql+redis"]}, "reason": "x", "instead": "y"}
            ),
            "rule 'r4' when: group 'database.sql' cannot be part of",
        ),
        (
            lambda d: d["presets"][0]["answers"].update(api="soap"),
            "preset 'python-postgres' answers names unknown option 'api.soap'",
        ),
    ],
)
def test_a_malformed_catalog_names_the_bad_entry(edit, message) -> None:
    with pytest.raises(CatalogError, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_catalog(_broken(edit))


def test_every_option_has_a_plain_help_sentence(catalog) -> None:
    for choice in catalog.choices:
        for option in choice.options:
            assert option.help.endswith("."), f"{choice.id}.{option.id}"
            assert len(option.help) <= 160, f"{choice.id}.{option.id} help is not one sentence"


def test_every_option_is_reachable_and_in_a_ci_stack(catalog) -> None:
    everything = {(c, v) for s in all_stacks(catalog) for c, vs in s.selections.items() for v in vs}
    in_ci = {(c, v) for s in pairwise(catalog) for c, vs in s.selections.items() for v in vs}
    offered = {(c.id, o.id) for c in catalog.choices for o in c.options}
    assert offered == everything, "an option that no valid combination can reach"
    assert offered == in_ci, "an option that the CI covering array leaves out"


def test_the_covering_array_covers_every_valid_pair(catalog) -> None:
    """Every pair, except that against the platform the monolith styles count as one, and so
    do the API types that serve plain HTTP (gRPC stays apart: it adds an HTTP/2 port)."""
    alike = {("architecture", "monolithic"), ("api", "http")}

    def seen(item, other):
        choice, value = item
        if other[0] != "infrastructure":
            return item
        groups = catalog.choice(choice).option(value).groups if choice != "database" else ()
        return next(((choice, g) for g in groups if (choice, g) in alike), item)

    def pairs(stack):
        items = [(c, v) for c, vs in stack.selections.items() for v in vs]
        return {(seen(a, b), seen(b, a)) for a, b in itertools.combinations(items, 2)}

    possible = set().union(*(pairs(s) for s in all_stacks(catalog)))
    covered = set().union(*(pairs(s) for s in pairwise(catalog)))
    assert possible == covered
    # gRPC still meets each platform that takes it on its own; the HTTP API types as one.
    grpc = {(("infrastructure", p), ("api", "grpc")) for p in ("kubernetes", "fly")}
    assert grpc <= possible
    assert (("infrastructure", "aws-lambda"), ("api", "http")) in possible
    assert not {(("infrastructure", "fly"), ("api", a)) for a in ("rest", "xml")} & possible


def test_the_covering_array_is_small(catalog) -> None:
    """Each stack costs CI about a minute and a half of a core: the array stays near the
    smallest that covers the same pairs (38 for today's catalog, found by an integer program
    when the array was last weighted)."""
    assert len(pairwise(catalog)) <= 40


def test_the_covering_array_holds_every_language_api_and_family(catalog) -> None:
    """What breaks together - an API type's code in one language under one family's host -
    is in CI at least once: the serverless family with each API type it takes, in both
    languages, as well as the monolithic one."""

    def triple(stack):
        option = catalog.choice("architecture").option(stack["architecture"])
        family = option.groups[0] if option.groups else option.id
        return stack["language"], stack["api"], family

    possible = {triple(s) for s in all_stacks(catalog)}
    assert ("typescript", "graphql", "serverless") in possible
    assert ("python", "grpc", "monolithic") in possible
    assert {triple(s) for s in pairwise(catalog)} == possible


def test_every_option_has_a_template_layer(catalog) -> None:
    """Adding an option means a catalog entry plus its layer: none may be left without."""
    layers = discover_layers(templates_root(), catalog)
    for stack in all_stacks(catalog):
        chosen = [la for la in layers if la.applies_to(stack)]
        for choice in catalog.choices:
            assert any(choice.id in la.when for la in chosen), (
                f"{stack.selections}: no layer is selected by {choice.id}"
            )


def test_every_allowed_combination_plans(catalog) -> None:
    """Every combination the rules let through has layers whose requirements hold and whose
    contributions merge: a missing rule fails here, before anything is rendered."""
    from generator.render import plan

    for stack in all_stacks(catalog):
        layers, context = plan(stack, catalog)
        assert layers and context["data"]


def catalog_rule(catalog, rule_id):
    return next(r for r in catalog.rules if r.id == rule_id)


def rule_flags(catalog, when, unless=None) -> dict[str, list[str]]:
    """The flags that select a rule's combination (a secondary store gets the default primary;
    a choice its ``unless`` names gets the first option that does not let it through)."""
    flags = {}
    for cid, values in (unless or {}).items():
        spared = set(values if isinstance(values, list | tuple) else [values])
        flags[cid] = [next(o for o in catalog.choice(cid).option_ids if o not in spared)]
    for cid, values in when.items():
        values = list(values) if isinstance(values, list | tuple) else [values]
        choice = catalog.choice(cid)
        if choice.multiple:
            # One store set that triggers the rule: `a+b` as given, a secondary store beside
            # the default primary.
            first = values[0].split("+")
            if len(first) == 1 and choice.option(first[0]).role == "secondary":
                first = [choice.default, *first]
            values = first
        flags[cid] = values if choice.multiple else values[:1]
    # The other choices: the first values (defaults first) under which this rule is the one
    # reported - the defaults may break another rule first (serverless on the default
    # docker-compose).
    rule = next(r for r in catalog.rules if r.when == when)
    free = [c for c in catalog.choices if c.id not in flags]
    ordered = [[c.default, *(o for o in c.option_ids if o != c.default)] for c in free]
    for combo in itertools.product(*ordered):
        chosen = {c.id: [v] for c, v in zip(free, combo, strict=True)}
        selections = {cid: tuple(v) for cid, v in (flags | chosen).items()}
        if next((r for r in catalog.rules if r.matches(selections)), None) is rule:
            return flags | chosen
    return flags


@pytest.mark.parametrize("rule", RAW.get("rules") or [], ids=lambda r: r["id"])
def test_every_rule_refuses_its_combination(catalog, rule) -> None:
    flags = rule_flags(catalog, catalog_rule(catalog, rule["id"]).when, rule.get("unless"))
    with pytest.raises(IncompatibleChoices, match=rule["reason"][:30]):
        resolve(catalog, flags={"name": "x", **flags}, no_input=True)


def test_presets_resolve(catalog) -> None:
    for preset in catalog.presets:
        stack = resolve(catalog, flags={"name": "p"}, preset=preset.answers, no_input=True)
        for cid, value in preset.answers.items():
            assert list(stack.all(cid)) == (value if isinstance(value, list) else [value])


def test_a_group_stands_for_its_options_in_rules_and_layers(catalog) -> None:
    database = catalog.choice("database")
    assert database.groups["sql"] == ("sqlite", "postgresql", "mysql")
    assert database.expand(["sql", "redis"], "here") == ("sqlite", "postgresql", "mysql", "redis")
    layers = {la.name: la for la in discover_layers(templates_root(), catalog)}
    assert layers["database/python-sql"].when["database"] == ("sqlite", "postgresql", "mysql")
