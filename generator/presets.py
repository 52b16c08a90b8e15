"""Organisation presets: a team's answers, the choices it locks, the options it allows, and
files of its own, in one YAML file a team keeps beside its services.

```yaml
preset: acme-services            # a name, recorded in each project's .stackgen.yml
answers: {language: python, database: [postgresql], infrastructure: kubernetes}
locked: [language, infrastructure]      # flags, prompts and --set cannot change these
allowed: {api: [rest, graphql]}         # prompts offer only these; others are refused
files: acme-files                       # a folder beside this file, copied into every project
```

A preset is untrusted input, like an answers file: read by inputs.py's loader (size, UTF-8,
no aliases, bounded nesting), every key and option checked against the catalog, and its
files copied as they are (never rendered as templates), regular files only, inside the
project, never over a file stackgen writes. ``stackgen new`` takes one with ``--preset FILE``,
else from ``$STACKGEN_PRESET``, else from ``~/.config/stackgen/preset.yml`` if it exists.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.catalog import Catalog
from generator.errors import AnswersFileError, shorten
from generator.inputs import load_yaml

KEYS = ("preset", "description", "answers", "locked", "allowed", "files")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
MAX_FILES = 200
MAX_BYTES = 1024 * 1024
# Path parts a team file may not have: the project's own record and git's folder.
FORBIDDEN = (".stackgen.yml", ".git")


class PresetError(AnswersFileError):
    """A preset file that cannot be used (exit 2, one line naming the file)."""


@dataclass(frozen=True)
class OrgPreset:
    name: str
    path: Path
    answers: dict[str, Any]
    locked: frozenset[str] = frozenset()
    allowed: Mapping[str, frozenset[str]] = field(default_factory=dict)
    files: Mapping[str, bytes] = field(default_factory=dict)  # project path -> bytes

    @property
    def source(self) -> str:
        return f"--preset {self.path}"


def default_path() -> Path | None:
    """$STACKGEN_PRESET, else ~/.config/stackgen/preset.yml when it exists."""
    if given := os.environ.get("STACKGEN_PRESET"):
        return Path(given)
    try:
        config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        path = config / "stackgen" / "preset.yml"
        return path if path.is_file() else None
    except (OSError, RuntimeError):  # no home, or one this user cannot read
        return None


def load(path: Path, catalog: Catalog) -> OrgPreset:
    where = f"--preset {path}"
    data = load_yaml(path, "--preset")
    if not isinstance(data, dict):
        raise PresetError(f"{where}: must be a mapping with answers, locked, allowed, files")
    unknown = sorted(set(map(str, data)) - set(KEYS))
    if unknown:
        raise PresetError(
            f"{where}: unknown key '{shorten(unknown[0])}' (valid keys: {', '.join(KEYS)})"
        )
    name = data.get("preset")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise PresetError(f"{where}: 'preset' must name it in lowercase letters, digits and -")
    choices = {c.id: c for c in catalog.choices}
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        raise PresetError(f"{where}: 'answers' must be a mapping of choice: option")
    for key, value in answers.items():
        if key not in choices:
            raise PresetError(
                f"{where}: answers: unknown choice '{shorten(str(key))}' "
                f"(valid: {', '.join(choices)})"
            )
        for option in value if isinstance(value, list) else [value]:
            if not isinstance(option, str) or option not in choices[key].option_ids:
                raise PresetError(
                    f"{where}: answers: {key}: '{shorten(str(option))}' is not an option "
                    f"(valid: {', '.join(choices[key].option_ids)})"
                )
    locked = data.get("locked") or []
    if not isinstance(locked, list) or not all(isinstance(k, str) for k in locked):
        raise PresetError(f"{where}: 'locked' must be a list of choices")
    for key in locked:
        if key not in choices:
            raise PresetError(f"{where}: locked: unknown choice '{shorten(key)}'")
        if key not in answers:
            raise PresetError(f"{where}: locked: {key} is locked but has no value in answers")
    allowed_raw = data.get("allowed") or {}
    if not isinstance(allowed_raw, dict):
        raise PresetError(f"{where}: 'allowed' must map choices to lists of options")
    allowed: dict[str, frozenset[str]] = {}
    for key, options in allowed_raw.items():
        if key not in choices:
            raise PresetError(f"{where}: allowed: unknown choice '{shorten(str(key))}'")
        if not isinstance(options, list) or not options:
            raise PresetError(f"{where}: allowed: {key} must be a non-empty list of options")
        for option in options:
            if option not in choices[key].option_ids:
                raise PresetError(
                    f"{where}: allowed: {key}: '{shorten(str(option))}' is not an option "
                    f"(valid: {', '.join(choices[key].option_ids)})"
                )
        allowed[key] = frozenset(options)
    for key, value in answers.items():
        outside = [v for v in (value if isinstance(value, list) else [value])
                   if key in allowed and v not in allowed[key]]  # fmt: skip
        if outside:
            raise PresetError(f"{where}: answers: {key}: {outside[0]} is not in its own allowed")
    files = _files(path, data.get("files"), where)
    return OrgPreset(name, path, dict(answers), frozenset(locked), allowed, files)


def _files(path: Path, folder: Any, where: str) -> dict[str, bytes]:
    if folder is None:
        return {}
    if not isinstance(folder, str) or not folder:
        raise PresetError(f"{where}: 'files' must name a folder beside the preset")
    base = (path.parent / folder).resolve()
    if not base.is_relative_to(path.parent.resolve()) or not base.is_dir():
        raise PresetError(f"{where}: files: {shorten(folder)} is not a folder beside the preset")
    out: dict[str, bytes] = {}
    total = 0
    for dirpath, dirnames, filenames in os.walk(base):
        for name in dirnames + filenames:
            entry = Path(dirpath) / name
            rel = entry.relative_to(base).as_posix()
            if entry.is_symlink():
                raise PresetError(f"{where}: files: {shorten(rel)} is a symbolic link")
            if name.lower() in FORBIDDEN or not name.strip() or "\\" in name:
                raise PresetError(f"{where}: files: {shorten(rel)} may not be written by a preset")
        for name in sorted(filenames):
            entry = Path(dirpath) / name
            rel = entry.relative_to(base).as_posix()
            if not entry.is_file():
                raise PresetError(f"{where}: files: {shorten(rel)} is not a regular file")
            total += entry.stat().st_size  # before reading: a huge file is never read
            if len(out) >= MAX_FILES or total > MAX_BYTES:
                raise PresetError(
                    f"{where}: files: more than {MAX_FILES} files or {MAX_BYTES} bytes"
                )
            with entry.open("rb") as fh:
                out[rel] = fh.read(MAX_BYTES + 1)
    return out


def open_choices(preset: OrgPreset, catalog: Catalog) -> list[tuple[str, str]]:
    """Each choice and what the preset leaves of it, for ``stackgen options --preset``."""
    out = []
    for choice in catalog.choices:
        value = preset.answers.get(choice.id)
        shown = "+".join(value) if isinstance(value, list) else value
        if choice.id in preset.locked:
            out.append((choice.id, f"locked: {shown}"))
        elif choice.id in preset.allowed:
            options = [o for o in choice.option_ids if o in preset.allowed[choice.id]]
            default = f" (default {shown})" if shown else ""
            out.append((choice.id, f"allowed: {', '.join(options)}{default}"))
        else:
            default = f" (default {shown})" if shown else ""
            out.append((choice.id, f"open: {', '.join(choice.option_ids)}{default}"))
    return out


def violations(preset: OrgPreset, selections: Mapping[str, tuple[str, ...]]) -> list[str]:
    """What in ``selections`` the preset forbids: a locked choice changed, an option outside
    its allowed set."""
    problems = []
    for key in sorted(preset.locked):
        want = preset.answers[key]
        want = tuple(want) if isinstance(want, list) else (want,)
        if tuple(selections.get(key, ())) != want:
            problems.append(
                f"{key} is locked to {'+'.join(want)} by preset {preset.name}, "
                f"not {'+'.join(selections.get(key, ())) or 'unset'}"
            )
    for key, options in sorted(preset.allowed.items()):
        outside = [v for v in selections.get(key, ()) if v not in options]
        if outside:
            problems.append(
                f"{key} {outside[0]} is not allowed by preset {preset.name} "
                f"(allowed: {', '.join(sorted(options))})"
            )
    return problems
