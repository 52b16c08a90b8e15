"""YAML output in the style yamllint's default config accepts (block sequences indented)."""

from __future__ import annotations

import unicodedata
from typing import Any

import yaml


class _IndentedDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _escape_units(value: str) -> list[str]:
    """``value`` as the units of a YAML double-quoted scalar: one character or one escape."""
    units = []
    for ch in value:
        if ch in ('"', "\\"):
            units.append("\\" + ch)
        elif unicodedata.category(ch) in ("Cc", "Cs", "Cn", "Zl", "Zp") or ch == "\ufeff":
            units.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            units.append(ch)
    return units


def quoted(value: str, column: int, indent: int, width: int) -> str:
    """A YAML double-quoted scalar starting at ``column`` whose lines, continued with escaped
    line breaks at ``indent``, never pass ``width`` characters, however long its words (PyYAML
    folds only at spaces)."""
    lines: list[str] = []
    line = '"'
    room = width - column - 1  # the closing quote or the continuation backslash
    for unit in _escape_units(value):
        if len(line) + len(unit) > room:
            lines.append(line + "\\")
            line = " " * indent
            room = width - 1
            if unit == " ":
                unit = "\\ "  # a continuation line's leading spaces would be dropped
        line += unit
    return "\n".join([*lines, line + '"'])


# libyaml's parser where PyYAML was built with it: several times faster on the catalog and the
# layers' layer.yaml files, which every run reads. Only for stackgen's own files: user files go
# through inputs.py's loader, which refuses aliases and deep nesting.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """Parse one of stackgen's own YAML files (the catalog, a layer, the version map)."""
    return yaml.load(text, Loader=_FAST_LOADER)


def dump(value: Any, width: int = 4096) -> str:
    """Block YAML. Wide lines by default: in config files a folded long string reads worse
    than a long line (user text in ``.stackgen.yml`` is written by ``quoted`` instead)."""
    return yaml.dump(
        value,
        Dumper=_IndentedDumper,
        sort_keys=False,
        default_flow_style=False,
        width=width,
        allow_unicode=True,
    )
