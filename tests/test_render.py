"""Rendering: layers composed once, user text kept literal, nothing half-written."""

import json
import os
from pathlib import Path
from types import MappingProxyType

import pytest
import yaml

from generator.errors import CatalogError, RenderError, TargetExists
from generator.layers import Layer, plan_files, stage_template
from generator.render import ANSWERS_FILE, _check_tree, plan, render
from generator.stack import Stack, read_answers_file, resolve
from tests.textcheck import markdown_heading


def _stack(catalog, **flags):
    return resolve(catalog, flags={"name": "demo", **flags}, no_input=True)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_render_writes_the_project_and_its_answers(catalog, tmp_path) -> None:
    result = render(_stack(catalog, database=["postgresql"]), catalog, tmp_path / "demo")
    files = set(result.files)
    assert {
        "README.md",
        "pyproject.toml",
        "Dockerfile",
        "compose.yaml",
        ".env.example",
        ".github/workflows/ci.yml",
        "app/main.py",
        "migrations/env.py",
        ANSWERS_FILE,
    } <= files
    answers = (tmp_path / "demo" / ANSWERS_FILE).read_text()
    assert "database:\n    - postgresql" in answers
    assert "template_version:" in answers
    assert "postgres:17" in (tmp_path / "demo" / "compose.yaml").read_text()
    assert sorted(files) == sorted(_tree(tmp_path / "demo"))


def test_answers_replay_reproduces_the_tree_byte_for_byte(catalog, tmp_path) -> None:
    first = _stack(catalog, database=["postgresql"], description="Orders & invoices.")
    render(first, catalog, tmp_path / "one")
    answers = read_answers_file(tmp_path / "one" / ANSWERS_FILE, catalog)
    again = resolve(catalog, flags={}, answers=answers, no_input=True)
    render(again, catalog, tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
    for path in (tmp_path / "one").rglob("*"):
        twin = tmp_path / "two" / path.relative_to(tmp_path / "one")
        assert os.stat(path).st_mode == os.stat(twin).st_mode


@pytest.mark.parametrize(
    "payload",
    [
        "{{ 7*7 }}",
        "{{ cycler.__init__.__globals__.os.popen('touch /tmp/stackgen-pwned').read() }}",
        "\" + __import__('os').system('id') + \"",
    ],
)
def test_user_text_is_never_rendered_even_without_validation(catalog, tmp_path, payload) -> None:
    """Validation refuses these; rendering must keep them literal anyway (defence in depth)."""
    valid = _stack(catalog)
    hostile = Stack(name=payload, slug="demo", description=payload, selections=valid.selections)
    marker = Path("/tmp/stackgen-pwned")
    marker.unlink(missing_ok=True)
    render(hostile, catalog, tmp_path / "demo")
    readme = (tmp_path / "demo" / "README.md").read_text()
    assert markdown_heading(readme) == payload
    assert "# 49" not in readme
    assert not marker.exists()
    project = json.loads((tmp_path / "demo" / "app" / "core" / "project.json").read_text())
    assert project == {"name": payload, "description": payload}


def test_a_non_empty_target_is_refused_and_untouched(catalog, tmp_path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(TargetExists, match="already exists and is not empty"):
        render(_stack(catalog), catalog, target)
    assert _tree(target) == {"keep.txt": b"mine"}
    assert sorted(os.listdir(tmp_path)) == ["taken"]


def test_an_empty_existing_target_is_filled(catalog, tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    render(_stack(catalog), catalog, tmp_path / "empty")
    assert (tmp_path / "empty" / "README.md").is_file()


def test_dry_run_writes_nothing(catalog, tmp_path) -> None:
    result = render(_stack(catalog), catalog, tmp_path / "a" / "b" / "demo", dry_run=True)
    assert "app/main.py" in result.files
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_a_failure_mid_render_leaves_nothing_behind(catalog, tmp_path, monkeypatch, error) -> None:
    from generator import templating

    real = templating.write_parts

    def interrupted(*args, **kwargs):
        real(*args, **kwargs)  # a full tree exists in staging...
        raise error("stop")  # ...and then the user presses Ctrl-C

    monkeypatch.setattr(templating, "write_parts", interrupted)
    with pytest.raises(error):
        render(_stack(catalog), catalog, tmp_path / "new" / "demo")
    assert os.listdir(tmp_path) == []


def test_leftover_template_syntax_is_an_error(tmp_path) -> None:
    (tmp_path / "ok.py").write_text("x = f'{{literal}}'\n")
    assert _check_tree(tmp_path, []) == ["ok.py"]
    (tmp_path / "bad.md").write_text("{{ cookiecutter.project_name }}\n")
    with pytest.raises(RenderError, match=r"survived rendering in bad\.md"):
        _check_tree(tmp_path, [])
    assert _check_tree(tmp_path, ["bad.md"]) == ["bad.md", "ok.py"]


def test_an_empty_rendered_name_is_an_error(tmp_path) -> None:
    (tmp_path / "{{cookiecutter.x}}").mkdir()
    with pytest.raises(RenderError, match="unrendered or empty name"):
        _check_tree(tmp_path, [])


def _layer(tmp_path: Path, name: str, files: dict[str, str], overrides=()) -> Layer:
    for rel, text in files.items():
        path = tmp_path / name / "files" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Layer(
        name=name,
        path=tmp_path / name,
        stage="base",
        when=MappingProxyType({}),
        overrides=tuple(overrides),
        copy_without_render=(),
        contributes={},
    )


def test_two_layers_writing_one_path_is_an_error_unless_overridden(tmp_path) -> None:
    a = _layer(tmp_path, "a", {"README.md": "a"})
    b = _layer(tmp_path, "b", {"README.md": "b"})
    with pytest.raises(CatalogError, match=r"layers a and b both write 'README\.md'"):
        plan_files((a, b))
    c = _layer(tmp_path, "c", {"README.md": "c"}, overrides=["README.md"])
    assert plan_files((a, c))["README.md"][0] is c
    d = _layer(tmp_path, "d", {}, overrides=["Makefile"])
    with pytest.raises(CatalogError, match="overrides 'Makefile' but does not provide it"):
        plan_files((a, d))


def _stringify(value):
    if isinstance(value, dict):
        return {str(k): _stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    return str(value)


def test_the_staged_template_bakes_the_same_with_stock_cookiecutter(catalog, tmp_path, cookies):
    """The staged folder is a standard cookiecutter template: pytest-cookies bakes it through
    cookiecutter's own prompt stage (safe here: every value is ours) to the same tree."""
    stack = _stack(catalog, database=["postgresql"])
    layers, context = plan(stack, catalog)
    template = stage_template(layers, context, tmp_path / "template")
    baked = cookies.bake(template=str(template))
    assert baked.exit_code == 0, baked.exception
    render(stack, catalog, tmp_path / "ours")
    theirs, ours = _tree(baked.project_path), _tree(tmp_path / "ours")
    assert set(ours) - set(theirs) == {ANSWERS_FILE}
    for rel, content in theirs.items():
        if rel.endswith(".yaml"):
            # Cookiecutter's prompt stage turns numbers inside dict variables into strings
            # (healthcheck retries: 10 -> '10'); stackgen's own context keeps them numbers.
            assert _stringify(yaml.safe_load(content)) == _stringify(yaml.safe_load(ours[rel]))
        else:
            assert content == ours[rel], rel
