"""Jinja filters for the templates, loaded by cookiecutter through ``_extensions``."""

from __future__ import annotations

import json
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

from generator import yamlio
from generator.escape import FILTERS


def to_yaml(value: Any, indent: int = 0) -> str:
    """Dump merged layer data as block YAML, each line indented by ``indent`` spaces."""
    text = yamlio.dump(value)
    pad = " " * indent
    return "\n".join(pad + line if line else line for line in text.rstrip("\n").split("\n"))


def quote(value: str) -> str:
    """A double-quoted literal for stackgen's own values (layer data such as environment
    defaults) in code or config. User text never goes through it: see ``escape.py``."""
    return json.dumps(value, ensure_ascii=False)


class StackgenExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["to_yaml"] = to_yaml
        environment.filters["quote"] = quote
        environment.filters.update(FILTERS)
