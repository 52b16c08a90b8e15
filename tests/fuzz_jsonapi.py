"""A schemathesis check for JSON:API APIs, loaded by the harness (SCHEMATHESIS_HOOKS) when a
layer names it in `harness.fuzz_hooks`.

schemathesis holds each answer to the app's own OpenAPI document; this check also holds every
answer to JSON:API itself: the media type, and the official JSON:API schema - the same file the
generated project's tests validate against (templates/api/jsonapi).
"""

import json
from pathlib import Path
from typing import Any

import schemathesis
from jsonschema import Draft6Validator

JSONAPI = "application/vnd.api+json"
SCHEMA = Path(__file__).parents[1] / "templates/api/jsonapi/files/jsonapi-schema.json"
VALIDATOR = Draft6Validator(
    json.loads(SCHEMA.read_text()), format_checker=Draft6Validator.FORMAT_CHECKER
)


@schemathesis.check
def jsonapi_document(ctx: Any, response: Any, case: Any) -> None:
    path = case.operation.path
    if not (path == "/items" or path.startswith(("/items/", "/reports/"))):
        return  # health and the OpenAPI document are plain JSON
    if response.status_code == 204:
        return
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if content_type != JSONAPI:
        raise AssertionError(f"{response.status_code} answered as {content_type!r}, not {JSONAPI}")
    errors = sorted(VALIDATOR.iter_errors(response.json()), key=lambda e: list(e.path))
    if errors:
        raise AssertionError(f"not a JSON:API document: {errors[0].message}")
