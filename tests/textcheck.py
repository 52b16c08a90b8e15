"""Reading user text back out of a generated project with each file language's own parser, to
show it landed as data: Markdown (markdown-it-py, CommonMark), TOML (tomllib), JSON and YAML
(source files hold no user text: the apps read theirs from a JSON file)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

SKIP_DIRS = {".venv", "node_modules", ".git"}
# Big and written by npm, not by a template with user text.
SKIP_FILES = {"package-lock.json"}


def markdown_blocks(text: str) -> tuple[str | None, str | None]:
    """The plain text of the first heading and the first paragraph, or None for a block that
    holds anything but text (emphasis, a link, HTML, code, a line break): markup leaked."""
    tokens = MarkdownIt("commonmark").parse(text)

    def plain(i: int) -> str | None:
        children = tokens[i + 1].children or []
        if any(c.type != "text" for c in children):
            return None
        return "".join(c.content for c in children)

    heading = next(i for i, t in enumerate(tokens) if t.type == "heading_open")
    paragraph = next(i for i, t in enumerate(tokens) if t.type == "paragraph_open")
    if tokens[heading].tag != "h1" or paragraph != heading + 3:
        return None, None  # the text changed the document's shape (a list, a rule, ...)
    return plain(heading), plain(paragraph)


def markdown_heading(text: str) -> str | None:
    return markdown_blocks(text)[0]


def parse_data_files(project: Path) -> int:
    """Parse every TOML, JSON and YAML file (and compile every .py); return how many."""
    count = 0
    for path in sorted(project.rglob("*")):
        rel = path.relative_to(project)
        if SKIP_DIRS & set(rel.parts) or not path.is_file() or path.name in SKIP_FILES:
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix == ".json" and not path.name.startswith("tsconfig"):
            json.loads(text)
        elif path.suffix in (".yml", ".yaml"):
            list(yaml.load_all(text, Loader=_CfnLoader))
        elif path.suffix == ".py":
            compile(text, str(rel), "exec")
        else:
            continue
        count += 1
    return count


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation's short tags (!Ref, !Sub, ...) as plain values."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def check_user_text(project: Path, name: str, description: str) -> None:
    """The name and description read back exactly from every file they belong in, and the
    project's data files and Python sources still parse."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert markdown_blocks(readme) == (name, description), "README.md heading/paragraph"
    answers = yaml.safe_load((project / ".stackgen.yml").read_text(encoding="utf-8"))
    assert (answers["answers"]["name"], answers["answers"]["description"]) == (name, description)
    if (project / "pyproject.toml").exists():
        meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        assert meta["project"]["description"] == description
        data = json.loads((project / "app/core/project.json").read_text(encoding="utf-8"))
        assert data == {"name": name, "description": description}
    if (project / "package.json").exists():
        package = json.loads((project / "package.json").read_text(encoding="utf-8"))
        assert package["description"] == description
        data = json.loads((project / "src/project.json").read_text(encoding="utf-8"))
        assert data == {"name": name, "description": description}
        app = (project / "src/app.ts").read_text(encoding="utf-8")
        assert "title: project.name," in app and "description: project.description," in app
    assert parse_data_files(project) > 5
    problems = yamllint_problems(project)
    assert problems == [], problems


def yamllint_problems(project: Path) -> list[str]:
    """yamllint with the project's own config (strict: warnings count), on every YAML file."""
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    config = YamlLintConfig(file=str(project / ".yamllint.yaml"))
    problems = []
    for path in sorted([*project.rglob("*.yml"), *project.rglob("*.yaml")]):
        if SKIP_DIRS & set(path.relative_to(project).parts):
            continue
        for problem in linter.run(path.read_text(encoding="utf-8"), config, str(path)):
            problems.append(f"{path.relative_to(project)}:{problem.line}: {problem.message}")
    return problems
