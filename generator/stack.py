"""Answers in, one validated immutable ``Stack`` out.

Precedence is explicit and applied per field: flags > answers file > preset > defaults
(or a prompt, when there is a terminal and ``--no-input`` was not given).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator.catalog import Catalog, Choice
from generator.errors import (
    AnswersFileError,
    IncompatibleChoices,
    InvalidChoice,
    InvalidName,
    MissingValue,
    shorten,
)
from generator.inputs import load_yaml
from generator.presets import OrgPreset, violations

TEXT_FIELDS = ("name", "description")
NAME_MAX = 64
DESCRIPTION_MAX = 200
SLUG_MAX = 50
RESERVED_NAMES = Path(__file__).with_name("reserved_names.txt")
SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# Jinja's block, variable and comment openers. User text is data, never a template; we
# refuse these outright (defence in depth: rendering also keeps values literal).
JINJA_MARKERS = ("{{", "{%", "{#", "}}", "%}", "#}")

Ask = Callable[[str, Choice | None, Any], Any]


@dataclass(frozen=True)
class Stack:
    """Every answer, validated. Choices map a choice id to a tuple of option ids."""

    name: str
    slug: str
    description: str
    selections: Mapping[str, tuple[str, ...]] = field(repr=False)

    def __getitem__(self, choice_id: str) -> str:
        """The (first) selected option of a choice: ``stack["language"]``."""
        return self.selections[choice_id][0]

    def all(self, choice_id: str) -> tuple[str, ...]:
        return self.selections[choice_id]

    def answers(self, catalog: Catalog) -> dict[str, Any]:
        """The answers that reproduce this stack, as written to ``.stackgen.yml``."""
        out: dict[str, Any] = {"name": self.name, "description": self.description}
        for choice in catalog.choices:
            values = self.selections[choice.id]
            out[choice.id] = list(values) if choice.multiple else values[0]
        return out


def check_text(field_name: str, value: Any, *, flag: str, max_len: int) -> str:
    """Validate a free-text field; return it stripped or raise InvalidName."""
    if not isinstance(value, str):
        raise InvalidName(f"{flag}: must be text, got {type(value).__name__}")
    value = value.strip()
    if not value:
        raise InvalidName(f"{flag}: must not be empty")
    if len(value) > max_len:
        raise InvalidName(f"{flag}: at most {max_len} characters (got {len(value)})")
    # C*: controls, format characters, surrogates, unassigned; Zl/Zp: U+2028/U+2029, which
    # YAML and older JavaScript read as line breaks.
    if any(unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029" for ch in value):
        raise InvalidName(f"{flag}: control characters and line breaks are not allowed")
    for marker in JINJA_MARKERS:
        if marker in value:
            raise InvalidName(
                f"{flag}: '{marker}' is not allowed (template syntax is never accepted in "
                f"{field_name}s)"
            )
    return value


@cache
def reserved_names() -> frozenset[str]:
    """Package names a generated project depends on (scripts/reserved_names.py writes them)."""
    text = RESERVED_NAMES.read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def slugify(name: str) -> str:
    """'My Shop API' -> 'my-shop-api'; non-ASCII letters are transliterated where possible."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def check_name(value: Any, flag: str = "--name") -> tuple[str, str]:
    """Validate a project name; return (name, slug) or raise InvalidName with the rule broken."""
    name = check_text("name", value, flag=flag, max_len=NAME_MAX)
    slug = slugify(name)
    if not slug:
        raise InvalidName(f"{flag}: '{name}' must contain at least one ASCII letter or digit")
    if not slug[0].isalpha():
        raise InvalidName(
            f"{flag}: '{name}' gives the package name '{slug}', which must start with a letter "
            "(Python and npm package rule)"
        )
    if len(slug) > SLUG_MAX:
        raise InvalidName(f"{flag}: package name '{slug}' is longer than {SLUG_MAX} characters")
    if slug in reserved_names():
        raise InvalidName(
            f"{flag}: '{name}' gives the package name '{slug}', which a dependency of the "
            "generated project already has (uv and npm refuse a project named like its own "
            f"dependency); choose another name, e.g. '{slug}-service'"
        )
    assert SLUG_RE.match(slug), slug  # slugify guarantees the shape
    return name, slug


def answers_mapping(path: Path) -> dict[Any, Any]:
    """The answers in a YAML (or JSON) file given to ``--answers``: the file's mapping, or its
    ``answers`` member (``.stackgen.yml``, ``advise --json``)."""
    data = load_yaml(path, "--answers")
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        data = data["answers"]
    if not isinstance(data, dict):
        raise AnswersFileError(f"--answers: {path} must be a mapping of answers")
    return data


def read_answers_file(path: Path | str, catalog: Catalog) -> dict[str, Any]:
    """Load a ``.stackgen.yml`` (or any YAML answers file) into a plain answers mapping."""
    path = Path(path)
    data = answers_mapping(path)
    known = set(TEXT_FIELDS) | {c.id for c in catalog.choices}
    unknown = sorted(set(map(str, data)) - known)
    if unknown:
        raise AnswersFileError(
            f"--answers: {path}: unknown key '{shorten(unknown[0])}' "
            f"(valid keys: {', '.join(sorted(known))})"
        )
    return dict(data)


def _as_tuple(choice: Choice, value: Any, source: str) -> tuple[str, ...]:
    values = value if isinstance(value, list | tuple) else [value]
    if not values:
        raise InvalidChoice(f"{source}: {choice.flag} needs a value")
    out: list[str] = []
    for v in values:
        if not isinstance(v, str) or v not in choice.option_ids:
            raise InvalidChoice(
                f"{source}: {choice.flag} '{shorten(str(v))}' is not an option "
                f"(valid: {', '.join(choice.option_ids)})"
            )
        if v not in out:
            out.append(v)
    if len(out) > 1 and not choice.multiple:
        raise InvalidChoice(
            f"{source}: {choice.flag} takes one value, got {shorten(', '.join(out))}"
        )
    # In the catalog's order (primary store first), however they were given: one stack, one
    # spelling, so answers files and templates that key on the set agree.
    return tuple(o for o in choice.option_ids if o in out)


def _check_roles(choice: Choice, values: tuple[str, ...], source: str) -> None:
    roles = {v: choice.option(v).role_beside(values) for v in values}
    primaries = [v for v, r in roles.items() if r == "primary"]
    secondaries = [v for v, r in roles.items() if r == "secondary"]
    if len(secondaries) > 1:
        raise IncompatibleChoices(
            f"{choice.flag} {' + '.join(secondaries)}: one secondary store at a time beside "
            f"the primary; pick one of them"
        )
    if len(primaries) > 1:
        raise IncompatibleChoices(
            f"{choice.flag} {' + '.join(primaries)}: at most one primary store can hold the "
            f"example resource; pick one of them"
        )
    if choice.multiple and any(r for r in roles.values()) and not primaries:
        options = ", ".join(o.id for o in choice.options if o.role == "primary")
        raise IncompatibleChoices(
            f"{choice.flag} {' + '.join(values)}: a primary store is needed beside it "
            f"(one of: {options})"
        )


def check_rules(catalog: Catalog, selections: Mapping[str, tuple[str, ...]]) -> None:
    """Raise IncompatibleChoices for the first catalog rule this combination breaks."""
    for rule in catalog.rules:
        if rule.matches(selections):
            named = ", ".join(
                f"{catalog.choice(cid).flag} "
                + "+".join(v for v in selections[cid] if v in "+".join(allowed).split("+"))
                for cid, allowed in rule.when.items()
            )
            raise IncompatibleChoices(f"{named}: {rule.reason} Instead: {rule.instead}")


def offered_options(
    catalog: Catalog, choice: Choice, known: Mapping[str, tuple[str, ...]]
) -> Choice:
    """The choice with only the options no rule refuses beside the answers known so far, so a
    prompt never offers what would be refused (gRPC once Elastic Beanstalk is chosen)."""
    options = tuple(
        o
        for o in choice.options
        if not any(rule.matches({**known, choice.id: (o.id,)}) for rule in catalog.rules)
    )
    return replace(choice, options=options or choice.options)


def resolve(
    catalog: Catalog,
    *,
    flags: Mapping[str, Any],
    answers: Mapping[str, Any] | None = None,
    preset: Mapping[str, Any] | None = None,
    ask: Ask | None = None,
    no_input: bool = False,
    default_name: str | None = None,
    sources: Mapping[str, str] | None = None,
    policy: OrgPreset | None = None,
) -> Stack:
    """Merge the answer sources into a validated Stack.

    ``flags`` hold values given on the command line (None when absent). ``ask(field, choice,
    default)`` prompts for a missing value; without it (no terminal) a missing value is an
    error naming its flag, unless ``no_input`` says to take the defaults.

    ``policy``, an organisation preset (presets.py): its answers are the defaults (prompts
    start from them), its locked choices are never asked and cannot be given otherwise, and
    prompts offer only its allowed options; any answer it forbids is an error naming it.
    """
    layers = [("flags", flags), ("answers", answers or {}), ("preset", preset or {})]
    label = dict(sources or {})

    def given(key: str) -> tuple[Any, str] | None:
        for src, mapping in layers:
            value = mapping.get(key)
            if value is not None and value != () and value != []:
                return value, label.get(src, src)
        return None

    # Name first: it is asked first, and its default comes from DIR.
    hit = given("name")
    if hit is None:
        if ask is not None and not no_input:
            hit = (ask("name", None, default_name or "my-api"), "--name")
        elif no_input or default_name:
            hit = (default_name or "my-api", "--name")
        else:
            raise MissingValue(
                "--name: no project name given and no terminal to ask on; "
                "pass --name NAME, a DIR, or --no-input"
            )
    name, slug = check_name(hit[0], "--name" if hit[1] == "flags" else f"{hit[1]}: name")

    hit = given("description")
    description = check_text(
        "description",
        hit[0] if hit else f"{name} backend service.",
        flag="--description" if not hit or hit[1] == "flags" else f"{hit[1]}: description",
        max_len=DESCRIPTION_MAX,
    )

    selections: dict[str, tuple[str, ...]] = {}
    for choice in catalog.choices:
        hit = given(choice.id)
        team = policy.answers.get(choice.id) if policy else None
        if policy and choice.id in policy.locked:
            values = _as_tuple(choice, team, policy.source)
            if hit is not None:
                source = choice.flag if hit[1] == "flags" else hit[1]
                if _as_tuple(choice, hit[0], source) != values:
                    raise InvalidChoice(
                        f"{source}: {choice.id} is locked to {'+'.join(values)} by "
                        f"{policy.source} (preset {policy.name})"
                    )
        elif hit is not None:
            source = "flags" if hit[1] == "flags" else hit[1]
            values = _as_tuple(choice, hit[0], choice.flag if source == "flags" else source)
        elif no_input:
            values = (choice.default,)
            if team and policy:
                values = _as_tuple(choice, team, policy.source)
        elif ask is not None:
            offered = offered_options(catalog, choice, selections)
            if policy and choice.id in policy.allowed:
                keep = tuple(o for o in offered.options if o.id in policy.allowed[choice.id])
                offered = replace(offered, options=keep or offered.options)
            first = team[0] if isinstance(team, list) else team
            default: Any = next(
                (d for d in (first, choice.default) if d in offered.option_ids),
                offered.options[0].id,
            )
            if isinstance(team, list) and default == first:
                default = team  # the primary store, then the secondary
            values = _as_tuple(choice, ask(choice.id, offered, default), choice.flag)
        else:
            raise MissingValue(
                f"{choice.flag}: no value given and no terminal to ask on; pass {choice.flag} "
                f"({'|'.join(choice.option_ids)}) or --no-input for the default ({choice.default})"
            )
        _check_roles(choice, values, choice.flag)
        if policy and choice.id in policy.allowed:
            outside = [v for v in values if v not in policy.allowed[choice.id]]
            if outside:
                source = choice.flag if hit is None or hit[1] == "flags" else hit[1]
                allowed = ", ".join(o for o in choice.option_ids if o in policy.allowed[choice.id])
                raise InvalidChoice(
                    f"{source}: {outside[0]} is not allowed by {policy.source} "
                    f"(preset {policy.name}; allowed: {allowed})"
                )
        selections[choice.id] = values

    if policy:
        problems = violations(policy, selections)
        if problems:
            raise InvalidChoice(f"{policy.source}: {problems[0]}")
    check_rules(catalog, selections)
    return Stack(
        name=name, slug=slug, description=description, selections=MappingProxyType(selections)
    )
