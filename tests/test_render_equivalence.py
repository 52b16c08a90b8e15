"""stackgen renders its layers itself (generator/templating.py), and the tree must be the one
stock cookiecutter bakes from the same layers staged as one template (layers.stage_template):
every path, every byte, every permission bit, folders included. The covering array's stacks
carry the hostile names, and every tenth of all the stacks is compared too."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from cookiecutter.generate import generate_files

from generator import templating
from generator.catalog import default_catalog
from generator.layers import Layer, stage_template, templates_root
from generator.matrix import all_stacks, describe, pairwise
from generator.render import plan
from generator.stack import Stack, check_name, resolve
from tests.hostile import HOSTILE
from tests.test_templating import extra_layer

CATALOG = default_catalog()


def _id(stack: Stack) -> str:
    return describe(stack).replace(" / ", "-")


def _hostile(i: int, stack: Stack) -> Stack:
    name, description = HOSTILE[i % len(HOSTILE)]
    return replace(stack, name=name, slug=check_name(name)[1], description=description)


# The covering array touches every pair of options; the sample adds whole combinations (slow:
# cookiecutter takes most of the time).
STACKS = [
    *(pytest.param(_hostile(i, s), id=_id(s)) for i, s in enumerate(pairwise(CATALOG))),
    *(pytest.param(s, id=_id(s), marks=pytest.mark.slow) for s in all_stacks(CATALOG)[::10]),
]


def _snapshot(root: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every path under ``root``: its mode, and its bytes if it is a file."""
    out: dict[str, tuple[int, bytes | None]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            mode = path.lstat().st_mode
            content = path.read_bytes() if stat.S_ISREG(mode) else None
            out[path.relative_to(root).as_posix()] = (mode, content)
    return out


def _first_difference(theirs: dict, ours: dict) -> str | None:
    for rel in sorted(set(theirs) | set(ours)):
        if rel not in ours or rel not in theirs:
            return f"{rel}: only in {'cookiecutter' if rel in theirs else 'stackgen'}'s tree"
        if theirs[rel][0] != ours[rel][0]:
            return f"{rel}: mode {oct(theirs[rel][0])} (cookiecutter) vs {oct(ours[rel][0])}"
        if theirs[rel][1] != ours[rel][1]:
            return f"{rel}: contents differ"
    return None


def _bake_both(layers: tuple[Layer, ...], context: dict, tmp_path: Path) -> tuple[dict, dict]:
    """The trees cookiecutter and stackgen make of the same layers, as snapshots."""
    template = stage_template(layers, context, tmp_path / "template")
    theirs = generate_files(
        repo_dir=template,
        context={"cookiecutter": context},
        output_dir=tmp_path / "cookiecutter",
        accept_hooks=False,
    )
    templating.write_project(layers, context, tmp_path / "stackgen")
    return _snapshot(Path(theirs)), _snapshot(tmp_path / "stackgen")


@pytest.mark.parametrize("stack", STACKS)
def test_stackgen_writes_the_tree_cookiecutter_bakes(stack, tmp_path) -> None:
    assert _first_difference(*_bake_both(*plan(stack, CATALOG), tmp_path)) is None


def test_what_is_copied_as_binary_is_what_cookiecutter_copied() -> None:
    from binaryornot.check import is_binary

    for path in templates_root().rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert templating._is_binary(path.read_bytes()) == is_binary(str(path)), path


def test_crlf_binary_copy_only_and_rendered_names_match_too(catalog, tmp_path) -> None:
    """What no template has today, checked on a layer made here: CRLF and CR line ends, a
    binary file, an executable one, a rendered path, a copy-only folder and file."""
    made = {
        "crlf.txt": b"first {{ cookiecutter.project_slug }}\r\nsecond\r\n",
        # Mixed: the newline is the first kind Python's reader names (LF), as cookiecutter's.
        "mixed.txt": b"first\r\nsecond\n{{ cookiecutter.project_slug }}\r\n",
        "cr.txt": b"one\rtwo {{ cookiecutter.project_slug }}\r",
        "none.txt": b"{{ cookiecutter.project_slug }}",
        "logo.png": b"\x89PNG\r\n\x1a\n\0\0{{ x }}",
        "run.sh": b"#!/bin/sh\necho {{ cookiecutter.project_slug }}\n",
        "{{ cookiecutter.project_slug }}_pkg/{{ cookiecutter.language }}.txt": b"{{ 1 + 1 }}\n",
        "raw/sub/keep.txt": b"{{ not rendered }}\n",
        "raw/top.txt": b"{{ not rendered either }}\n",
        "gha.yml": b"${{ github.sha }}\n",
    }
    extra = extra_layer(tmp_path / "extra", made, copy_without_render=("raw/*", "gha.yml"))
    (extra.path / "files" / "run.sh").chmod(0o755)
    layers, context = plan(resolve(catalog, flags={"name": "demo"}, no_input=True), catalog)
    context = {**context, "_copy_without_render": ["raw/*", "gha.yml"]}
    theirs, ours = _bake_both((*layers, extra), context, tmp_path)
    assert _first_difference(theirs, ours) is None
    assert ours["crlf.txt"][1] == b"first demo\r\nsecond\r\n"
    assert ours["mixed.txt"][1] == b"first\nsecond\ndemo\n"
    assert ours["cr.txt"][1] == b"one\rtwo demo\r"
    assert ours["demo_pkg/python.txt"][1] == b"2\n"
    assert ours["raw/sub/keep.txt"][1] == made["raw/sub/keep.txt"]
    assert ours["run.sh"][0] & 0o111
