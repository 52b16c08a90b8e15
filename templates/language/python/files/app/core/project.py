"""The service's display name and description: data in project.json, never in code."""

import json
from functools import cache
from pathlib import Path
from typing import TypedDict


class Project(TypedDict):
    name: str
    description: str


@cache
def project() -> Project:
    """Read once; the file ships inside the app package (and so in the image)."""
    data: Project = json.loads(Path(__file__).with_name("project.json").read_text("utf-8"))
    return data
