"""YAML output in the style yamllint's default config accepts (block sequences indented)."""

from __future__ import annotations

from typing import Any

import yaml


class _IndentedDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump(value: Any) -> str:
    # Wide lines: a folded long string reads worse than a long line in config files.
    return yaml.dump(
        value,
        Dumper=_IndentedDumper,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
        allow_unicode=True,
    )
