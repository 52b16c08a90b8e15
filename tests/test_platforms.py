"""The deploy files of the platforms without a validator of their own (Fly.io's fly.toml,
Heroku's app.json and heroku.yml, Cloud Run's service and job) are
checked for every combination the catalog allows: against the schema vendored for them in
templates/schemas/ (as the verification harness checks them with check-jsonschema), and field
by field for what the schemas let through - HTTPS only, health and readiness checks, the
migrations before the new version serves, secrets kept out of the file."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import jsonschema
import pytest
import yaml

from generator.catalog import default_catalog
from generator.matrix import all_stacks, describe
from generator.render import plan
from generator.templating import render_file
from tests.harness import VENDORED_SCHEMAS, vendored_schema

CATALOG = default_catalog()


def _stacks(platform: str) -> list[Any]:
    return [s for s in all_stacks(CATALOG) if s["infrastructure"] == platform]


def _validator(deploy_file: str) -> jsonschema.Validator:
    schema = json.loads(vendored_schema(VENDORED_SCHEMAS[deploy_file]).read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _errors(validator: jsonschema.Validator, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def _secrets(data: dict[str, Any]) -> set[str]:
    return {k for k, item in data["env"].items() if "secret" in item or "local_only" in item}


def test_every_vendored_schema_names_its_source_and_licence() -> None:
    readme = (vendored_schema("README.md")).read_text("utf-8")
    for schema in VENDORED_SCHEMAS.values():
        assert f"`{schema}`" in readme, f"{schema} has no row in templates/schemas/README.md"
        _validator(next(f for f, s in VENDORED_SCHEMAS.items() if s == schema))
    assert vendored_schema("LICENSE-SchemaStore").read_text("utf-8").startswith("\n")


@pytest.fixture(scope="module")
def fly_validator() -> jsonschema.Validator:
    return _validator("fly.toml")


def test_the_fly_schema_refuses_a_broken_file(fly_validator) -> None:
    """The vendored schema is really applied: a value it does not allow is an error."""
    broken = {"app": "x", "http_service": {"auto_stop_machines": "sometimes"}}
    assert _errors(fly_validator, broken)


@pytest.mark.parametrize("stack", _stacks("fly"), ids=lambda s: describe(s).replace(" / ", "-"))
def test_fly_toml(stack, fly_validator) -> None:
    layers, context = plan(stack, CATALOG)
    config = tomllib.loads(render_file(layers, context, "fly.toml"))
    assert _errors(fly_validator, config) == []
    data = context["data"]
    container = data["container"]

    http = config["http_service"]
    assert http["internal_port"] == container["port"]
    assert http["force_https"] is True
    assert {c["path"] for c in http["checks"]} == {"/healthz", "/readyz"}
    assert "Strict-Transport-Security" in http["http_options"]["response"]["headers"]

    env = config["env"]
    assert env["ENVIRONMENT"] == "production"
    assert not _secrets(data) & set(env), "a secret is in fly.toml"

    migrate = " ".join(container["migrate"])
    if "volume" in container:
        # The release command's Machine has no volume: the app's own Machine migrates first.
        assert "release_command" not in config["deploy"]
        assert config["deploy"]["strategy"] == "immediate"
        assert config["mounts"][0]["destination"] == container["volume"]
        assert env["DATABASE_URL"].endswith(f"{container['volume']}/app.db")
        start = " ".join(container["start"])
        assert config["processes"]["app"] == f"sh -c '{migrate} && exec {start}'"
    else:
        assert config["deploy"]["release_command"] == migrate
        assert "mounts" not in config

    extra = {p["port"]: p for p in container.get("ports", [])}
    services = {s["internal_port"]: s for s in config.get("services", [])}
    assert set(services) == set(extra)
    for port, service in services.items():
        (public,) = service["ports"]
        assert public["handlers"] == ["tls"]
        if extra[port].get("http2"):
            assert public["tls_options"]["alpn"] == ["h2"]


@pytest.fixture(scope="module")
def heroku_validators() -> tuple[jsonschema.Validator, jsonschema.Validator]:
    return _validator("app.json"), _validator("heroku.yml")


def test_the_heroku_schemas_refuse_broken_files(heroku_validators) -> None:
    app_json, heroku_yml = heroku_validators
    assert _errors(app_json, {"name": "x", "env": {"A": {"value": 1}}})
    assert _errors(app_json, {"name": "x", "formations": {}})
    assert _errors(heroku_yml, {"build": {"docker": {"web": "Dockerfile"}}, "releases": {}})
    assert _errors(heroku_yml, {"build": {"docker": {}}})


@pytest.mark.parametrize("stack", _stacks("heroku"), ids=lambda s: describe(s).replace(" / ", "-"))
def test_heroku_files(stack, heroku_validators) -> None:
    layers, context = plan(stack, CATALOG)
    app_json = json.loads(render_file(layers, context, "app.json"))
    heroku_yml = yaml.safe_load(render_file(layers, context, "heroku.yml"))
    assert _errors(heroku_validators[0], app_json) == []
    assert _errors(heroku_validators[1], heroku_yml) == []
    data = context["data"]

    assert app_json["stack"] == "container"
    assert heroku_yml["build"]["docker"] == {"web": "Dockerfile"}
    # The migrations run in the release phase, in the image the web dynos will run.
    assert heroku_yml["release"] == {
        "image": "web",
        "command": [" ".join(data["container"]["migrate"])],
    }
    assert "run" not in heroku_yml  # the image's CMD, listening on Heroku's PORT

    env = app_json["env"]
    assert env["ENVIRONMENT"]["value"] == "production"
    provided = set(data["heroku"]["provided"])
    for key in _secrets(data) - provided:
        if "local_only" not in data["env"][key]:
            assert env[key] == {"description": data["env"][key]["help"], "required": True}
    assert not (provided | {k for k, i in data["env"].items() if "local_only" in i}) & set(env)
    for key in _secrets(data) & set(env):
        assert "value" not in env[key], f"{key} has a value in app.json"
    addons = {a["as"]: a["plan"] for a in app_json["addons"]}
    expected_addons, expected_provided = {}, set()
    if "postgresql" in stack.all("database"):
        expected_addons["DATABASE"] = "heroku-postgresql:essential-0"
        expected_provided.add("DATABASE_URL")
        assert env["PGSSLMODE"]["value"] in {"require", "no-verify"}
    if "redis" in stack.all("database"):
        # Heroku Key-Value Store: rediss:// with a self-signed certificate.
        expected_addons["REDIS"] = "heroku-redis:mini"
        expected_provided.add("REDIS_URL")
        assert env["REDIS_TLS_VERIFY"]["value"] == "false"
    assert addons == expected_addons
    # The router forwards plain HTTP too: the app redirects it (X-Forwarded-Proto).
    assert env["HTTPS_ONLY"]["value"] == "true"
    assert provided == expected_provided


@pytest.fixture(scope="module")
def cloud_run_validator() -> jsonschema.Validator:
    return _validator("deploy/cloud-run/service.yaml")


def test_the_cloud_run_schema_refuses_a_broken_file(cloud_run_validator) -> None:
    service = {"apiVersion": "serving.knative.dev/v1", "kind": "Service", "spec": {}}
    assert _errors(cloud_run_validator, {**service, "apiVersion": "v1"})
    job = {"apiVersion": "run.googleapis.com/v1", "kind": "Job"}
    broken = {"spec": {"template": {"spec": {"template": {"spec": {"timeoutSeconds": 600}}}}}}
    assert _errors(cloud_run_validator, {**job, **broken})


def _cloud_run_env(container: dict[str, Any], data: dict[str, Any]) -> None:
    env = {e["name"]: e for e in container["env"]}
    assert env["ENVIRONMENT"]["value"] == "production"
    for key, item in data["env"].items():
        if "local_only" in item:
            assert key not in env
        elif "secret" in item:
            assert "value" not in env[key]
            assert env[key]["valueFrom"]["secretKeyRef"]["key"] == "latest"


@pytest.mark.parametrize(
    "stack", _stacks("google-cloud-run"), ids=lambda s: describe(s).replace(" / ", "-")
)
def test_cloud_run_files(stack, cloud_run_validator) -> None:
    layers, context = plan(stack, CATALOG)
    texts = {
        name: render_file(layers, context, f"deploy/cloud-run/{name}.yaml")
        for name in ("service", "migrate-job")
    }
    service, job = (yaml.safe_load(texts[n]) for n in ("service", "migrate-job"))
    assert _errors(cloud_run_validator, service) == []
    assert _errors(cloud_run_validator, job) == []
    data = context["data"]

    revision = service["spec"]["template"]
    (app,) = revision["spec"]["containers"]
    assert app["ports"] == [{"name": "http1", "containerPort": data["container"]["port"]}]
    assert app["startupProbe"]["httpGet"]["path"] == "/readyz"
    assert app["livenessProbe"]["httpGet"]["path"] == "/healthz"
    _cloud_run_env(app, data)

    execution = job["spec"]["template"]
    task = execution["spec"]["template"]["spec"]
    (migrate,) = task["containers"]
    assert migrate["command"] == data["container"]["migrate"]
    assert migrate["image"] == app["image"] == "${IMAGE}"
    assert task["maxRetries"] == 0
    _cloud_run_env(migrate, data)

    # Both reach Cloud SQL where the store is a SQL server; nothing else is annotated.
    sql = {"postgresql", "mysql"} & set(stack.all("database"))
    for found in (
        revision["metadata"]["annotations"],
        execution["metadata"]["annotations"] if "metadata" in execution else {},
    ):
        has = found.get("run.googleapis.com/cloudsql-instances")
        assert has == ("${CLOUD_SQL_INSTANCE}" if sql else None)

    # Every ${NAME} is one the deploy workflow fills in.
    workflow = render_file(layers, context, ".github/workflows/deploy.yml")
    (filled,) = re.findall(r"envsubst '([^']+)'", workflow)
    used = {m for t in texts.values() for m in re.findall(r"\$\{(\w+)\}", t)}
    assert {f"${name}" for name in used} <= set(filled.split())


def test_render_file_is_what_render_writes(tmp_path) -> None:
    from generator.render import render

    stack = _stacks("fly")[0]
    render(stack, CATALOG, tmp_path / "p")
    layers, context = plan(stack, CATALOG)
    written = (tmp_path / "p" / "fly.toml").read_text("utf-8")
    assert render_file(layers, context, "fly.toml") == written
