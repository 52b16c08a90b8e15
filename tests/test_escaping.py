"""User text is data in every file it lands in: each template escapes it for its file's
language, every listed hostile name renders a project whose files read it back exactly, and
names and descriptions drawn from the whole of Unicode either do the same or are refused
with one line and exit 2, with nothing written outside the target."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator import yamlio
from generator.escape import FILTERS, USER_TEXT_FILTERS, USER_VARIABLES, md_text
from generator.layers import templates_root
from tests.hostile import EXPLOIT, HOSTILE, REFUSED
from tests.test_cli import run
from tests.textcheck import check_user_text, markdown_heading

USE = re.compile(r"cookiecutter\.(" + "|".join(USER_VARIABLES) + r")\b")
FILTERED = re.compile(r"\{\{-? cookiecutter\.(" + "|".join(USER_VARIABLES) + r") \| (\w+) -?\}\}")


def _template_files() -> list[Path]:
    root = templates_root()
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and {"files", "partials"} & set(p.relative_to(root).parts)
    )


def test_every_user_variable_goes_through_its_files_filter() -> None:
    uses = 0
    for path in _template_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in USE.finditer(text):
            uses += 1
            line = text[text.rfind("\n", 0, match.start()) + 1 : text.find("\n", match.end())]
            expected = USER_TEXT_FILTERS.get(path.suffix)
            assert expected, f"{path}: user text in a {path.suffix or path.name} file: {line}"
            filtered = FILTERED.search(line)
            assert filtered and filtered.group(2) == expected, (
                f"{path}: '{match.group(0)}' must be rendered as "
                f"{{{{ {match.group(0)} | {expected} }}}}: {line.strip()}"
            )
    assert uses >= 6  # the README, package.json, pyproject, the project.json partial


def test_filters_are_registered_for_templates() -> None:
    assert set(USER_TEXT_FILTERS.values()) <= set(FILTERS)


@pytest.mark.parametrize(
    "text", ["*em* _u_ `c` [l](x) <b>", "# h", "1. one", "- item", "a & b &amp; \\", "!["]
)
def test_markdown_text_renders_as_itself(text) -> None:
    assert markdown_heading(f"# {md_text(text)}\n\nbody\n") == text


def _new(cwd: Path, language: str, name: str, description: str) -> tuple[int, str, str]:
    args = ["--language", language, "--name", name, "--description", description]
    return run(["new", "--no-input", *args, "out"], cwd)


def _listing(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


@pytest.mark.parametrize("language", ["python", "typescript"])
@pytest.mark.parametrize(("name", "description"), HOSTILE)
def test_hostile_text_is_data_in_every_file(tmp_path, language, name, description) -> None:
    code, _, err = _new(tmp_path, language, name, description)
    assert (code, err) == (0, "")
    assert _listing(tmp_path) - {""} == {"out"} | {f"out/{p}" for p in _listing(tmp_path / "out")}
    project = tmp_path / "out"
    check_user_text(project, name, description)
    for source in [*project.rglob("*.py"), *project.rglob("*.ts")]:
        assert name not in source.read_text(encoding="utf-8"), f"the name is in {source}"


def test_the_exploit_replayed_from_an_answers_file_stays_data(tmp_path) -> None:
    code, _, _ = run(["new", "--no-input", "--name", EXPLOIT, "first"], tmp_path)
    assert code == 0
    code, _, err = run(["new", "--answers", "first/.stackgen.yml", "copy"], tmp_path)
    assert (code, err) == (0, "")
    check_user_text(tmp_path / "copy", EXPLOIT, f"{EXPLOIT} backend service.")
    init = (tmp_path / "copy" / "app" / "__init__.py").read_text()
    assert init == '"""The x-import-os-os-system-id-pwned service."""\n'


@pytest.mark.parametrize("name", REFUSED)
def test_refused_text_is_one_line_exit_2_nothing_written(tmp_path, name) -> None:
    code, _, err = run(["new", "--no-input", "--name", name, "out"], tmp_path)
    assert code == 2
    assert err.startswith("stackgen: error: --name: ") and err.count("\n") == 1, err
    assert len(err) < 400
    assert os.listdir(tmp_path) == []


# Everything that delimits something in the languages user text lands in, plus the character
# classes that broke projects before: quotes of every kind, backslash escapes, NBSP,
# lookalikes, wide characters, combining marks, paths.
DELIMITERS = [
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    "\\N",
    "\\x",
    "\\u",
    "`",
    "${",
    "$(",
    "#",
    "//",
    "/*",
    "*/",
    "<!--",
    "-->",
    "<",
    ">",
    "&",
    ";",
    "|",
    "*",
    "_",
    "[",
    "](",
    "!",
    "~",
    "=",
    "- ",
    "1. ",
    ": ",
    "---",
    "...",
    "&a",
    "*a",
    "!!",
    "%",
    "@",
    "\u00a0",
    "\u2019",
    "\u201c",
    "\u0410",
    "\u0455",
    "\u6f22",
    "/tmp/",
    "\U0001f680",
    "\u0301",
]
# What validation refuses: Jinja markers, control and format characters, line separators.
REFUSED_PARTS = [
    "{{",
    "{%",
    "{#",
    "}}",
    "%}",
    "#}",
    "\u2028",
    "\u2029",
    "\u0085",
    "\x00",
    "\t",
    "\ufeff",
    "\u200b",
    "\u202e",
    "\r\n",
    "\ud7ff",
    "\ue000",
]
VALID = st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
PART = st.one_of(st.sampled_from(DELIMITERS), st.text(VALID, min_size=1, max_size=8))
TEXT = st.lists(PART, min_size=1, max_size=10).map("".join)
# Text with one thing validation must refuse somewhere in it.
RISKY = st.tuples(TEXT, st.sampled_from(REFUSED_PARTS), TEXT).map("".join)


@settings(
    max_examples=int(os.environ.get("STACKGEN_HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.one_of(TEXT.map(lambda t: "api " + t), TEXT, RISKY),
    description=st.one_of(TEXT, st.lists(PART, min_size=10, max_size=40).map("".join), RISKY),
    language=st.sampled_from(["python", "typescript"]),
)
def test_any_text_is_data_or_refused_in_one_line(tmp_path_factory, name, description, language):
    tmp = tmp_path_factory.mktemp("prop")
    code, _, err = _new(tmp, language, name, description)
    event(f"refused: {err[:60]}" if code == 2 else f"rendered ({language})")
    if code == 2:
        assert err.startswith("stackgen: error: --") and err.count("\n") == 1, err
        assert os.listdir(tmp) == []
        return
    assert (code, err) == (0, "")
    assert os.listdir(tmp) == ["out"]
    check_user_text(tmp / "out", name.strip(), description.strip())


@settings(max_examples=300, deadline=None, derandomize=os.environ.get("CI") == "true")
@given(value=st.text(max_size=300), column=st.integers(3, 30))
def test_answers_file_scalars_read_back_and_fit_the_width(value, column) -> None:
    text = "k" * (column - 2) + ": " + yamlio.quoted(value, column, 4, 60)
    assert yaml.safe_load(text) == {"k" * (column - 2): value}
    assert max(len(line) for line in text.splitlines()) <= 60
