"""Every stack of the pairwise covering array, generated and checked for real: the project's
own install, lint, type-check and tests against this machine's servers, and its deploy and
CI config through offline validators. Slow; parallel with pytest-xdist."""

import os
from dataclasses import replace

import pytest

from generator.catalog import default_catalog
from generator.matrix import describe, pairwise
from generator.render import units_of
from tests.harness import PASSED, check_stack, missing_services
from tests.hostile import HOSTILE

CATALOG = default_catalog()
# Each stack carries one of the hostile names and descriptions (the exploit among them), so
# the generated projects' own lint, type-check and tests show the text stays data.
CI_STACKS = [
    replace(stack, name=HOSTILE[i % len(HOSTILE)][0], description=HOSTILE[i % len(HOSTILE)][1])
    for i, stack in enumerate(pairwise(CATALOG))
]


# The README's plain test command (no server URL: a fallback store, or a server the tests
# start) depends on the language and the stores: checked on the first stack of each pair.
FIRST_OF_THEIR_STORES = {
    describe(next(s for s in CI_STACKS if (s["language"], s.selections["database"]) == key))
    for key in {(s["language"], s.selections["database"]) for s in CI_STACKS}
}


def _id(stack) -> str:
    return describe(stack).replace(" / ", "-")


@pytest.mark.slow
@pytest.mark.parametrize("stack", CI_STACKS, ids=_id)
def test_generated_project_passes_every_check(stack, tmp_path) -> None:
    missing = missing_services(stack, CATALOG)
    if missing:
        reason = ", ".join(
            f"{s.name} is not installed"
            if s.spawn
            else f"{s.name} not reachable at {s.host}:{s.port}"
            for s in missing
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and a required service is down: {reason}")
        pytest.skip(reason)
    first = describe(stack) in FIRST_OF_THEIR_STORES
    outcome = check_stack(stack, CATALOG, tmp_path, default_settings=first)
    report = "\n\n".join(
        f"[{s.name}] {s.status}: {s.detail}" for s in outcome.steps if s.status != PASSED
    )
    assert [s.name for s in outcome.steps if s.status != PASSED] == [], report
    assert not list(tmp_path.rglob("PWNED")), "the project name ran as code"
    # (minus the note on a stand-in server: "tests (on nx-27017 (MongoDB-compatible))")
    names = [s.name.split(" (on ")[0] for s in outcome.steps]
    # The checks really ran: the project's own four steps and each kind of validator.
    assert {"install", "lint", "types", "tests", "yamllint"} <= set(names)
    assert any(n.startswith("workflow schema") for n in names)
    assert "dependabot schema" in names
    if any(unit.kind == "http-service" for unit in units_of(stack, CATALOG)):
        assert any(n.startswith("hadolint") for n in names)
        assert "limits" in names  # the served app's headers and body limit, seen as a client
    else:
        # A function: its deployable package built and checked, invoked with events, then
        # served and fuzzed through the project's loopback API Gateway.
        assert {"package", "invoke", "serve", "fuzz"} <= set(names)
    # The served API document is titled and described with the user's text, exactly.
    assert "openapi title" in names
    assert any(n.startswith("compose schema") for n in names)
    assert "checkov" in names
    if stack["infrastructure"] == "kubernetes":
        assert "kubernetes-validate" in names
    if stack["infrastructure"] == "fly":
        assert "fly.toml schema" in names
    if stack["infrastructure"] in ("aws-elastic-beanstalk", "aws-ecs-fargate"):
        assert "cfn-lint deploy/aws/template.yaml" in names
    if stack["infrastructure"] == "google-cloud-run":
        assert "deploy/cloud-run/service.yaml schema" in names
    if stack["infrastructure"] == "aws-lambda":
        assert "cfn-lint template.yaml" in names
    if stack["infrastructure"] == "heroku":
        assert {"app.json schema", "heroku.yml schema"} <= set(names)
