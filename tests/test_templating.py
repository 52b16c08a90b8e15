"""What the renderer does besides the tree (tests/test_render_equivalence.py holds that): a
template error is one line naming the file, the target's own name is never rendered, and the
cache of compiled templates saves the compiling without ever failing a run."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest

from generator import cache, render, templating
from generator.errors import RenderError
from generator.layers import Layer, templates_digest
from generator.stack import resolve


@pytest.fixture
def stack(catalog):
    return resolve(catalog, flags={"name": "demo"}, no_input=True)


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Iterator[Path]:
    """A cache folder of the test's own (the cache lives in the temporary folder)."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    templates_digest.cache_clear()  # kept for the process too
    yield temp / f"stackgen-cache-{os.getuid()}"
    templates_digest.cache_clear()


def extra_layer(root: Path, files: dict[str, bytes], copy_without_render=()) -> Layer:
    """A layer made here, at ``root``, writing ``files``, for any stack."""
    for rel, content in files.items():
        (root / "files" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "files" / rel).write_bytes(content)
    return Layer(
        name=root.name,
        path=root,
        stage="infrastructure",
        when=MappingProxyType({}),
        overrides=(),
        copy_without_render=tuple(copy_without_render),
        contributes={},
    )


def _with_extra_file(monkeypatch, tmp_path: Path, rel: str, text: str) -> None:
    """Every stack gets one more layer holding ``rel``."""
    extra = extra_layer(tmp_path / "extra", {rel: text.encode()})
    real = render.plan_parts

    def with_extra(*args):
        first, *rest = real(*args)
        return (replace(first, layers=(*first.layers, extra)), *rest)

    monkeypatch.setattr(render, "plan_parts", with_extra)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ cookiecutter.nope }}\n", "'dict object' has no attribute 'nope'"),
        ("one\n{% if %}\n", "Expected an expression, got 'end of statement block' (line 2)"),
        ("{{ 'a' | nofilter }}\n", "No filter named 'nofilter'. (line 1)"),
        ("{% include 'nope.md' %}\n", "'nope.md' is neither a project file nor a partial"),
    ],
)
def test_a_template_error_is_one_line_naming_the_file(
    catalog, stack, tmp_path, monkeypatch, text, message
) -> None:
    _with_extra_file(monkeypatch, tmp_path, "docs/broken.md", text)
    with pytest.raises(RenderError) as caught:
        render.render(stack, catalog, tmp_path / "out")
    line = str(caught.value)
    assert line.startswith("rendering failed: Unable to create file 'docs/broken.md': ")
    assert message in line and "\n" not in line
    assert sorted(os.listdir(tmp_path)) == ["extra"]


def test_the_target_name_is_never_rendered(catalog, stack, tmp_path) -> None:
    """cookiecutter rendered whole output paths, the staging folder's name (the target's)
    among them: a{{7*7}} made a folder .a49..., left behind, and the run failed."""
    render.render(stack, catalog, tmp_path / "a{{7*7}}")
    assert os.listdir(tmp_path) == ["a{{7*7}}"]
    assert (tmp_path / "a{{7*7}}" / "README.md").is_file()


def _compiles(monkeypatch) -> list[str]:
    names: list[str] = []
    real = templating.Environment.compile

    def counted(self, source, name=None, *args, **kwargs):
        names.append(name)
        return real(self, source, name, *args, **kwargs)

    monkeypatch.setattr(templating.Environment, "compile", counted)
    return names


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_second_run_compiles_nothing(catalog, stack, tmp_path, own_cache, monkeypatch) -> None:
    compiled = _compiles(monkeypatch)
    render.render(stack, catalog, tmp_path / "one")
    assert "README.md" in compiled
    assert oct(own_cache.stat().st_mode & 0o777) == "0o700"
    compiled.clear()
    render.render(stack, catalog, tmp_path / "two")
    assert compiled == []
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_a_damaged_cache_is_compiled_again(catalog, stack, tmp_path, own_cache) -> None:
    render.render(stack, catalog, tmp_path / "one")
    entries = [p for p in own_cache.iterdir() if p.is_file()]
    assert any(p.name.startswith("digest-") for p in entries)
    assert any(p.name.startswith("jinja-") for p in entries)
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:20] + b"garbage")
    render.render(stack, catalog, tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_a_cache_folder_others_can_write_is_not_used(
    catalog, stack, tmp_path, own_cache, monkeypatch
) -> None:
    own_cache.mkdir(mode=0o700)
    own_cache.chmod(0o777)
    assert cache.folder() is None
    compiled = _compiles(monkeypatch)
    render.render(stack, catalog, tmp_path / "one")
    render.render(stack, catalog, tmp_path / "two")
    assert compiled.count("README.md") == 2
    assert list(own_cache.iterdir()) == []


def test_a_change_of_the_templates_empties_the_cache(catalog, stack, tmp_path, own_cache) -> None:
    """Entries of other template versions go (they would pile up: a lockfile compiles to about
    a megabyte); those of this run stay."""
    own_cache.mkdir(mode=0o700)
    old = own_cache / "jinja-0-old"
    old.write_text("from a run before the templates changed")
    os.utime(old, (1, 1))
    render.render(stack, catalog, tmp_path / "one")
    entries = sorted(p.name.split("-")[0] for p in own_cache.iterdir())
    assert not old.exists()
    assert entries.count("digest") == 1 and "jinja" in entries
