"""A function unit (units.KINDS: "function"): the app of the HTTP host layers behind the
AWS Lambda adapter of templates/serverless/<language>-function, with no server. The serverless
family (issue 19) is not offered yet, so a throwaway architecture of one function unit, made
with the layered monolith's code, is added to a copy of the catalog; no template is edited
for it. The slow test installs the rendered project and runs its own lint, type-check and
tests - every API test handing its request to the app as an API Gateway event - against this
machine's PostgreSQL."""

from __future__ import annotations

import copy
import os
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from generator.catalog import CATALOG_PATH, parse_catalog
from generator.render import plan_parts, render
from generator.stack import resolve
from tests.harness import PASSED, app_checks, missing_services, project_env

FUNCTION = {
    "id": "one-function",
    "label": "One function",
    "help": "A throwaway architecture for this test.",
    "units": [{"name": "api", "kind": "function", "choices": {"architecture": ["monolith"]}}],
}


@pytest.fixture(scope="module")
def catalog():
    raw = copy.deepcopy(yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8")))
    next(c for c in raw["choices"] if c["id"] == "architecture")["options"].append(FUNCTION)
    return parse_catalog(raw)


HOSTS = {
    "python": {
        "function": ["app/handler.py", "app/core/lambda_http.py", "app/main.py", "tests/host.py"],
        "server": ["Dockerfile", "app/__main__.py", "app/core/server.py"],
        "adapter": ("tests/host.py", "LambdaTransport"),
    },
    "typescript": {
        "function": ["src/handler.ts", "src/lambda.ts", "src/app.ts", "test/host.ts"],
        "server": ["Dockerfile", "src/server.ts", "test/processes.test.ts"],
        "adapter": ("test/host.ts", "serveEvent"),
    },
}


def _stack(catalog, language: str, database: str = "postgresql"):
    flags = {
        "name": "Shop",
        "language": language,
        "architecture": "one-function",
        "database": [database],
        "api": "rest",
    }
    return resolve(catalog, flags=flags, no_input=True)


@pytest.mark.parametrize("language", ["python", "typescript"])
def test_a_function_takes_the_app_and_the_lambda_adapter_not_the_server(
    catalog, tmp_path, language
):
    stack = _stack(catalog, language)
    (part,) = plan_parts(stack, catalog)
    names = {la.name for la in part.layers}
    assert {
        f"language/{language}-http",
        f"serverless/{language}-function",
        f"api/{language}-rest",
    } <= names
    assert f"language/{language}-http-server" not in names
    render(stack, catalog, tmp_path / "fn")
    project = tmp_path / "fn"
    for rel in HOSTS[language]["function"]:
        assert (project / rel).is_file(), rel
    for rel in HOSTS[language]["server"]:
        assert not (project / rel).exists(), rel
    path, marker = HOSTS[language]["adapter"]
    assert marker in (project / path).read_text()
    if language == "python":
        dependencies = _main_dependencies(project / "pyproject.toml")
        assert any(d.startswith("fastapi") for d in dependencies)
        assert not any(d.startswith("uvicorn") for d in dependencies)


def _main_dependencies(pyproject: Path) -> list[str]:
    return tomllib.loads(pyproject.read_text())["project"]["dependencies"]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["python", "typescript"])
def test_the_function_passes_its_own_checks_through_api_gateway_events(catalog, tmp_path, language):
    stack = _stack(catalog, language)
    if missing := missing_services(stack, catalog):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {missing[0].name} is down")
        pytest.skip(f"{missing[0].name} is down")
    project = tmp_path / "fn"
    render(stack, catalog, project)
    # The lockfile layers hold no lock for a function's dependencies yet (a server's are
    # missing from them): lock them here, from the registry, as a user would.
    lock = (
        ["uv", "lock", "-q"]
        if language == "python"
        else ["npm", "install", "--package-lock-only", "--no-audit", "--no-fund"]
    )
    runtime = "node" if language == "typescript" else None
    subprocess.run(lock, cwd=project, env=project_env({}, runtime), check=True)
    steps = app_checks(stack, catalog, project)
    report = "\n\n".join(f"[{s.name}] {s.status}: {s.detail}" for s in steps if s.status != PASSED)
    # (the harness invokes the entry point with events where it serves and fuzzes a server)
    assert [s.name for s in steps] == ["install", "lint", "types", "tests", "invoke"]
    assert all(s.status == PASSED for s in steps), report
