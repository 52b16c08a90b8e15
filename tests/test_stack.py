"""Answers -> Stack: names, precedence, roles, rules and refusal of template syntax."""

import copy

import pytest
import yaml

from generator.catalog import CATALOG_PATH, parse_catalog
from generator.errors import (
    AnswersFileError,
    CatalogError,
    IncompatibleChoices,
    InvalidChoice,
    InvalidName,
    MissingValue,
)
from generator.stack import check_name, read_answers_file, resolve

PAYLOADS = [
    "{{ 7*7 }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{% raw %}x{% endraw %}",
    "{% endraw %}{{ 7*7 }}{% raw %}",
    "{# comment #}",
    "shop {{",
]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("my-api", "my-api"),
        ("My Shop API", "my-shop-api"),
        ("Crème Brûlée", "creme-brulee"),
        ("orders_v2", "orders-v2"),
        ("  spaced  ", "spaced"),
        ("A'B\"C\\D", "a-b-c-d"),
    ],
)
def test_names_map_to_a_slug(name, slug) -> None:
    assert check_name(name)[1] == slug


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("2fast", "must start with a letter"),
        ("---", "at least one ASCII letter"),
        ("日本", "at least one ASCII letter"),
        ("x" * 65, "at most 64 characters"),
        ("tab\there", "control characters"),
        ("line\nbreak", "control characters"),
    ],
)
def test_bad_names_are_refused_with_the_rule(name, rule) -> None:
    with pytest.raises(InvalidName, match=rule):
        check_name(name)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", ["name", "description"])
def test_template_syntax_is_refused_in_every_text_field(catalog, field, payload) -> None:
    flags = {"name": "ok", field: payload}
    with pytest.raises(InvalidName, match=f"--{field}: '.*' is not allowed"):
        resolve(catalog, flags=flags, no_input=True)


def test_precedence_is_flags_then_answers_then_preset_then_defaults(catalog) -> None:
    stack = resolve(
        catalog,
        flags={"name": "from-flags", "database": None},
        answers={"name": "from-answers", "description": "From the answers file."},
        preset={"database": ["postgresql"], "description": "From the preset."},
        no_input=True,
    )
    assert stack.name == "from-flags"
    assert stack.description == "From the answers file."
    assert stack["database"] == "postgresql"
    assert stack["api"] == catalog.choice("api").default


def test_missing_value_without_a_terminal_names_the_flag(catalog) -> None:
    with pytest.raises(MissingValue, match=r"^--language: no value given"):
        resolve(catalog, flags={"name": "x"}, ask=None, no_input=False)


def test_missing_name_without_a_terminal_names_the_flag(catalog) -> None:
    with pytest.raises(MissingValue, match=r"^--name"):
        resolve(catalog, flags={}, ask=None, no_input=False)


def test_ask_is_called_for_each_missing_value(catalog) -> None:
    asked = []

    def ask(field, choice, default):
        asked.append(field)
        return "Asked Name" if choice is None else ["postgresql"] if choice.multiple else default

    stack = resolve(catalog, flags={"api": "rest"}, ask=ask)
    assert asked == ["name"] + [c.id for c in catalog.choices if c.id != "api"]
    assert stack.slug == "asked-name"
    assert stack.all("database") == ("postgresql",)


def test_an_unknown_option_lists_the_valid_ones(catalog) -> None:
    with pytest.raises(InvalidChoice, match=r"--language 'cobol' is not an option \(valid: python"):
        resolve(catalog, flags={"name": "x", "language": "cobol"}, no_input=True)


def test_two_primary_stores_are_refused(catalog) -> None:
    with pytest.raises(IncompatibleChoices, match="sqlite \\+ postgresql: at most one primary"):
        resolve(catalog, flags={"name": "x", "database": ["sqlite", "postgresql"]}, no_input=True)


def _catalog_with(rules=(), extra_db=None):
    data = yaml.safe_load(CATALOG_PATH.read_text())
    data = copy.deepcopy(data)
    if extra_db:
        data["choices"][2]["options"].append(extra_db)
    data["rules"] = list(rules)
    return parse_catalog(data)


def test_a_rule_refuses_naming_choices_reason_and_alternative() -> None:
    catalog = _catalog_with(
        [
            {
                "id": "no-sqlite-on-compose",
                "when": {"database": ["sqlite"], "infrastructure": ["docker-compose"]},
                "reason": "Example reason.",
                "instead": "use --database postgresql.",
            }
        ]
    )
    with pytest.raises(IncompatibleChoices) as info:
        resolve(catalog, flags={"name": "x", "database": ["sqlite"]}, no_input=True)
    assert str(info.value) == (
        "--database sqlite, --infrastructure docker-compose: "
        "Example reason. Instead: use --database postgresql."
    )
    assert resolve(catalog, flags={"name": "x", "database": ["postgresql"]}, no_input=True)


def test_a_secondary_store_needs_a_primary() -> None:
    catalog = _catalog_with(
        extra_db={"id": "cache", "label": "Cache", "role": "secondary", "help": "A cache."}
    )
    with pytest.raises(IncompatibleChoices, match="a primary store is needed beside it"):
        resolve(catalog, flags={"name": "x", "database": ["cache"]}, no_input=True)
    stack = resolve(catalog, flags={"name": "x", "database": ["sqlite", "cache"]}, no_input=True)
    assert stack.all("database") == ("sqlite", "cache")


def test_a_primary_store_can_be_secondary_beside_the_primaries_it_names() -> None:
    catalog = _catalog_with(
        [
            {
                "id": "docs-beside-mysql",
                "when": {"database": ["mysql+docs"]},
                "reason": "Example reason.",
                "instead": "use PostgreSQL.",
            }
        ],
        extra_db={
            "id": "docs",
            "label": "Docs",
            "role": "primary",
            "secondary_beside": ["postgresql", "mysql"],
            "help": "Documents.",
        },
    )
    flags = {"name": "x", "database": ["docs", "postgresql"]}
    assert resolve(catalog, flags=flags, no_input=True).all("database") == ("postgresql", "docs")
    assert resolve(catalog, flags={"name": "x", "database": ["docs"]}, no_input=True)
    with pytest.raises(IncompatibleChoices, match="sqlite \\+ docs: at most one primary"):
        resolve(catalog, flags={"name": "x", "database": ["sqlite", "docs"]}, no_input=True)
    # An entry a+b in a rule asks for both.
    with pytest.raises(IncompatibleChoices, match="--database mysql\\+docs: Example reason"):
        resolve(catalog, flags={"name": "x", "database": ["mysql", "docs"]}, no_input=True)
    assert resolve(catalog, flags={"name": "x", "database": ["mysql"]}, no_input=True)


def test_one_secondary_store_at_a_time(catalog) -> None:
    flags = {"name": "x", "database": ["postgresql", "mongodb", "redis"]}
    with pytest.raises(IncompatibleChoices, match="mongodb \\+ redis: one secondary store at a"):
        resolve(catalog, flags=flags, no_input=True)


def test_secondary_beside_must_name_a_primary_option() -> None:
    bad = {
        "id": "docs",
        "label": "D",
        "role": "primary",
        "secondary_beside": ["redis"],
        "help": "D.",
    }
    with pytest.raises(CatalogError, match="secondary_beside 'redis' is not a primary option"):
        _catalog_with(extra_db=bad)


def test_answers_file_errors_name_the_file(tmp_path, catalog) -> None:
    bad_yaml = tmp_path / "bad.yml"
    bad_yaml.write_text("answers: [unclosed\n")
    with pytest.raises(AnswersFileError, match=f"--answers: {bad_yaml} is not valid YAML"):
        read_answers_file(bad_yaml, catalog)
    unknown = tmp_path / "unknown.yml"
    unknown.write_text("answers:\n  colour: red\n")
    with pytest.raises(AnswersFileError, match="unknown key 'colour' \\(valid keys: "):
        read_answers_file(unknown, catalog)
    with pytest.raises(AnswersFileError, match="cannot read"):
        read_answers_file(tmp_path / "missing.yml", catalog)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_template_syntax_in_an_answers_file_is_refused(tmp_path, catalog, payload) -> None:
    path = tmp_path / "a.yml"
    path.write_text(yaml.safe_dump({"answers": {"name": "ok", "description": payload}}))
    answers = read_answers_file(path, catalog)
    with pytest.raises(InvalidName, match=f"--answers {path}: description"):
        resolve(
            catalog,
            flags={},
            answers=answers,
            no_input=True,
            sources={"answers": f"--answers {path}"},
        )
