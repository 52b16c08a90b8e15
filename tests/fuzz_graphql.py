"""A schemathesis check for GraphQL APIs, loaded by the harness (SCHEMATHESIS_HOOKS) when a
layer names it in `harness.fuzz_checks`.

schemathesis's own `not_a_server_error` counts every error raised in a resolver as the
server's, so a NOT_FOUND or a CONFLICT - the API's documented answers to a missing item or a
taken name - would fail it. This check holds the API to what its README promises instead:
no 5xx, and every error in `errors` carries `extensions.code`, never INTERNAL_SERVER_ERROR.
"""

from typing import Any

import schemathesis


@schemathesis.check
def graphql_errors_are_coded(ctx: Any, response: Any, case: Any) -> None:
    if response.status_code >= 500:
        raise AssertionError(f"server error: {response.status_code}")
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code is None:
            raise AssertionError(f"an error without extensions.code: {error.get('message')!r}")
        if code == "INTERNAL_SERVER_ERROR":
            raise AssertionError(f"INTERNAL_SERVER_ERROR: {error.get('message')!r}")
