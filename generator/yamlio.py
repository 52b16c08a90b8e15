"""YAML output in the style yamllint's default config accepts (block sequences indented)."""

from __future__ import annotations

from typing import Any

import yaml


class _IndentedDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump(value: Any, width: int = 4096) -> str:
    """Block YAML. Wide lines by default: in config files a folded long string reads worse
    than a long line; user text (``.stackgen.yml``) is folded at spaces to stay in the
    generated project's yamllint line limit."""
    return yaml.dump(
        value,
        Dumper=_IndentedDumper,
        sort_keys=False,
        default_flow_style=False,
        width=width,
        allow_unicode=True,
    )
