"""Write a stack's files straight from its layer folders with one Jinja environment.

The tree is the one cookiecutter's ``generate_files`` bakes from the same layers staged as one
template (``layers.stage_template``), byte for byte and mode for mode
(tests/test_render_equivalence.py): the same Jinja settings and the variables under
``cookiecutter``; template names found among the project's paths first, the layers' partials
second; paths rendered; ``_copy_without_render`` globs copied as they are (a matching folder
with all it holds); binary files copied; permission bits kept; a file whose first line ends in
CRLF written with CRLF.

It is faster for what it skips: no staged copy of the layers, no cookiecutter, no Jinja for a
path or file without template syntax (Jinja would return it unchanged), and no compiling of a
template an earlier run compiled (the bytecode cache, in ``cache.py``'s folder).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import (
    BaseLoader,
    BytecodeCache,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from generator import cache
from generator.errors import RenderError
from generator.jinja_ext import StackgenExtension
from generator.layers import Layer, partials, plan_files

TEMPLATE_MARKS = ("{{", "{%", "{#")
# Jinja's settings as cookiecutter gave them: strict, trailing newlines kept, stackgen's filters.
SETTINGS: dict[str, Any] = {
    "undefined": StrictUndefined,
    "keep_trailing_newline": True,
    "extensions": [StackgenExtension],
}


class _Sources(BaseLoader):
    """Template name -> file: a project path first, then a partial's name (cookiecutter
    searched the staged template's folder, then its ``templates/`` beside it)."""

    def __init__(self, *sources: Mapping[str, Path]) -> None:
        self.sources = sources

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        for source in self.sources:
            if template in source:
                path = source[template]
                # Text mode, as Jinja's FileSystemLoader reads: universal newlines.
                return path.read_text(encoding="utf-8"), str(path), lambda: True
        raise TemplateNotFound(
            template, f"'{template}' is neither a project file nor a partial of the chosen layers"
        )


class _Cache(FileSystemBytecodeCache):
    """Compiled templates kept between runs (``cache.py``): compiling is most of a run's time,
    and an entry is used only while its template's source is unchanged. It never fails a run:
    what cannot be read is compiled again, what cannot be written is not kept."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry: compile the template again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> BytecodeCache | None:
    where = cache.folder()
    if where is None:
        return None
    # Jinja keys an entry by the template's name, file and source; the code also depends on
    # Jinja's version and settings.
    tag = hashlib.sha256(f"{jinja2.__version__} {sorted(SETTINGS.items())}".encode())
    return _Cache(str(where), f"jinja-{tag.hexdigest()[:12]}-%s")


def _environment(layers: tuple[Layer, ...], sources: Mapping[str, Path]) -> Environment:
    """The one Jinja environment of a run."""
    return Environment(
        loader=_Sources(sources, partials(layers)), bytecode_cache=_bytecode_cache(), **SETTINGS
    )


def write_project(layers: tuple[Layer, ...], context: Mapping[str, Any], project: Path) -> None:
    """Render the files ``layers`` plan into ``project`` (created here; it must not exist).

    A template error is a ``RenderError`` of one line naming the file."""
    write_parts([("", layers, context, ())], project)


def write_parts(
    parts: list[tuple[str, tuple[Layer, ...], Mapping[str, Any], tuple[Layer, ...]]],
    project: Path,
) -> None:
    """Render each part - (prefix, layers, context, more layers whose partials it may
    include): the project's own layers at its root, each unit's under its prefix - into
    ``project`` (created here). Each part has its own Jinja environment, so its templates and
    partials are found by the part's own paths and names; two parts making one path is an
    error."""
    project.mkdir()
    origin: dict[str, str] = {}  # output path -> the source path it came from
    for prefix, layers, context, partials_from in parts:
        _write_part(prefix, layers, context, project, origin, partials_from)


def _write_part(
    prefix: str,
    layers: tuple[Layer, ...],
    context: Mapping[str, Any],
    project: Path,
    origin: dict[str, str],
    partials_from: tuple[Layer, ...] = (),
) -> None:
    sources = {
        rel: layer.path / "files" / src
        for rel, (layer, src) in plan_files(layers, context.get("data")).items()
    }
    env = _environment(partials_from or layers, sources)
    variables = {"cookiecutter": context}
    globs = tuple(context["_copy_without_render"])

    def render_name(text: str) -> str:
        if not any(mark in text for mark in TEMPLATE_MARKS):
            return text  # Jinja would return it unchanged
        return env.from_string(text).render(variables)

    for rel, src in sorted(sources.items()):
        with _naming(rel):
            out, copy_only = _output_path(rel, globs, render_name)
        if out and prefix:
            out = f"{prefix}/{out}"
        if not out or out.endswith("/"):  # a file name that rendered empty: no file, but
            if out:  # its folder, as cookiecutter made every folder of the template
                _inside(project, out.rstrip("/"), rel).mkdir(parents=True, exist_ok=True)
            continue
        if out in origin:
            raise RenderError(f"rendering failed: '{origin[out]}' and '{rel}' both make '{out}'")
        origin[out] = rel
        dest = _inside(project, out, rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        raw = src.read_bytes()
        if copy_only or _is_binary(raw):
            shutil.copyfile(src, dest)
        else:
            with _naming(rel):
                text = _rendered(env, rel, raw, variables)
            with open(dest, "w", encoding="utf-8", newline=_newline(src, raw)) as fh:
                fh.write(text)
        shutil.copymode(src, dest)


def render_file(layers: tuple[Layer, ...], context: Mapping[str, Any], rel: str) -> str:
    """The text of one project file (a path without template syntax), exactly as
    ``write_project`` writes it, without rendering the rest of the tree."""
    sources = {
        path: layer.path / "files" / src
        for path, (layer, src) in plan_files(layers, context.get("data")).items()
    }
    raw = sources[rel].read_bytes()
    if copied_as_is(rel, tuple(context["_copy_without_render"])):
        return raw.decode("utf-8")
    with _naming(rel):
        return _rendered(_environment(layers, sources), rel, raw, {"cookiecutter": context})


def _rendered(env: Environment, rel: str, raw: bytes, variables: Mapping[str, Any]) -> str:
    if b"\r" in raw or any(mark.encode() in raw for mark in TEMPLATE_MARKS):
        return env.get_template(rel).render(variables)
    # No template syntax, and no CR for Jinja to turn into LF: it would return the text as is.
    return raw.decode("utf-8")


@contextmanager
def _naming(rel: str) -> Iterator[None]:
    """A template error becomes one line naming the file (an undefined variable's line is
    the one cookiecutter gave)."""
    try:
        yield
    except UndefinedError as exc:
        raise RenderError(
            f"rendering failed: Unable to create file '{rel}': {exc.message}"
        ) from exc
    except TemplateError as exc:
        raise RenderError(
            f"rendering failed: Unable to create file '{rel}': {_describe(exc, rel)}"
        ) from exc


def copied_as_is(rel: str, globs: tuple[str, ...] | list[str]) -> bool:
    """Whether a path matches one of the ``_copy_without_render`` globs."""
    return any(fnmatch(rel, g) for g in globs)


def _output_path(
    rel: str, globs: tuple[str, ...], render: Callable[[str], str]
) -> tuple[str, bool]:
    """Where ``rel`` lands and whether it is copied as it is: a copy-only folder is copied
    whole, its contents' names unrendered; a copy-only file keeps its content only."""
    parts = rel.split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        if copied_as_is(folder, globs):
            return render(folder) + "/" + "/".join(parts[depth:]), True
    return render(rel), copied_as_is(rel, globs)


def _inside(project: Path, out: str, rel: str) -> Path:
    parts = out.split("/")
    if out.startswith("/") or any(p in ("", ".", "..") or not p.strip() for p in parts):
        raise RenderError(f"render produced an unrendered or empty name: '{out}' (from '{rel}')")
    return project.joinpath(*parts)


def _is_binary(raw: bytes) -> bool:
    """Copied, not rendered: what holds a NUL byte or is not UTF-8 (cookiecutter asked
    binaryornot, which says the same of every template file; a test compares the two)."""
    if b"\0" in raw:
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _newline(src: Path, raw: bytes) -> str | None:
    """The newline cookiecutter wrote a rendered file with: the kind its reader had met after
    the source's first line (LF unless the file holds a CR)."""
    if b"\r" not in raw:
        return "\n" if b"\n" in raw else None
    with open(src, encoding="utf-8") as fh:
        fh.readline()
        seen = fh.newlines
    return seen[0] if isinstance(seen, tuple) else seen


def _describe(exc: TemplateError, rel: str) -> str:
    message = (exc.message or type(exc).__name__).splitlines()[0]
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        where = "" if exc.name in (None, rel) else f"{exc.name}, "
        return f"{message} ({where}line {exc.lineno})"
    return message
