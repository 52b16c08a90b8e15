"""Deployable units: a project of several units renders each unit's layers under its prefix
with a context of its own, and the project's layers once at the root, seeing every unit in
data.units. A throwaway architecture of two units (each made with the layered monolith's
choices) is added to a copy of the catalog; no template is edited for it."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import render as render_mod
from generator.catalog import CATALOG_PATH, parse_catalog
from generator.errors import CatalogError
from generator.render import plan_parts, render
from generator.stack import resolve
from generator.units import parse_units

PAIR = {
    "id": "pair",
    "label": "Two services",
    "help": "A throwaway architecture for this test.",
    "units": [
        {
            "name": "items",
            "kind": "http-service",
            "prefix": "services/items",
            "choices": {"architecture": ["monolith"]},
        },
        {
            "name": "reports",
            "kind": "http-service",
            "prefix": "services/reports",
            "choices": {"architecture": ["monolith"]},
        },
    ],
}


# A service and a consumer beside it: the consumer takes the language's toolchain and core,
# not its HTTP host.
DUO = {
    "id": "duo",
    "label": "A service and a worker",
    "help": "A throwaway architecture for this test.",
    "units": [
        {
            "name": "api",
            "kind": "http-service",
            "prefix": "services/api",
            "choices": {"architecture": ["monolith"]},
        },
        {
            "name": "jobs",
            "kind": "worker",
            "prefix": "workers/jobs",
            "choices": {"architecture": ["monolith"]},
        },
    ],
}


@pytest.fixture(scope="module")
def catalog():
    raw = copy.deepcopy(yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8")))
    next(c for c in raw["choices"] if c["id"] == "architecture")["options"].extend([PAIR, DUO])
    return parse_catalog(raw)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("language", ["python", "typescript"])
def test_each_unit_is_rendered_under_its_prefix_as_the_monolith_renders_it(
    catalog, tmp_path, language
) -> None:
    flags = {"name": "Shop", "language": language, "database": ["postgresql"]}
    pair = resolve(catalog, flags={**flags, "architecture": "pair"}, no_input=True)
    mono = resolve(catalog, flags={**flags, "architecture": "monolith"}, no_input=True)
    render(pair, catalog, tmp_path / "pair")
    render(mono, catalog, tmp_path / "mono")
    ours, theirs = _files(tmp_path / "pair"), _files(tmp_path / "mono")

    parts = plan_parts(pair, catalog)
    assert [p.prefix for p in parts] == ["", "services/items", "services/reports"]
    project_layers = {la.name for la in parts[0].layers}
    assert "common" in project_layers and f"language/{language}" not in project_layers
    unit_files = {
        rel
        for rel in theirs
        if not any(
            (Path(la_path) / "files" / rel).exists()
            for la_path in [la.path for la in parts[0].layers]
        )
        and rel != ".stackgen.yml"
    }
    assert unit_files, "the monolith has files of its unit's layers"
    for prefix in ("services/items", "services/reports"):
        for rel in unit_files:
            assert ours.get(f"{prefix}/{rel}") == theirs[rel], f"{prefix}/{rel}"
    # The project's own files sit once at the root; no unit file is left there.
    assert "README.md" in ours and "compose.yaml" in ours
    readme = ours["README.md"].decode()
    assert readme.count("## items (`services/items/`)") == 1
    assert readme.count("## reports (`services/reports/`)") == 1
    assert not any(rel in ours for rel in unit_files)


def test_project_layers_see_every_unit(catalog) -> None:
    pair = resolve(catalog, flags={"name": "Shop", "architecture": "pair"}, no_input=True)
    project, items, _ = plan_parts(pair, catalog)
    units = project.context["data"]["units"]
    assert [(u["name"], u["kind"], u["prefix"]) for u in units] == [
        ("items", "http-service", "services/items"),
        ("reports", "http-service", "services/reports"),
    ]
    # Each unit keeps its own container (a unit-scoped key); the project's data does not
    # merge them, so two units' ports could differ without a conflict.
    assert "container" not in project.context["data"]
    assert units[0]["data"]["container"]["port"] == items.context["data"]["container"]["port"]
    assert items.context["unit"]["name"] == "items" and items.context["architecture"] == "monolith"
    # Project keys are merged over every unit (the compose services of both); the README
    # sections are each unit's own, and the project's README includes them unit by unit.
    assert (
        "postgres" in str(project.context["data"]["compose"]) or project.context["data"]["compose"]
    )
    assert "python-layered.md" in items.context["data"]["readme"]
    assert "python-layered.md" not in project.context["data"]["readme"]


def test_a_monolith_is_one_unit_at_the_root() -> None:
    from generator.catalog import default_catalog

    catalog = default_catalog()
    stack = resolve(catalog, flags={"name": "Shop"}, no_input=True)
    (part,) = plan_parts(stack, catalog)
    assert part.prefix == "" and part.context["unit"]["name"] == "app"
    assert [u["name"] for u in part.context["data"]["units"]] == ["app"]


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ([{"name": "a", "kind": "daemon"}], "kind must be one of"),
        ([{"name": "a", "kind": "worker", "prefix": "../x"}], "prefix must be a relative folder"),
        (
            [
                {"name": "a", "kind": "worker", "prefix": "s"},
                {"name": "a", "kind": "worker", "prefix": "t"},
            ],
            "two units share one name",
        ),
        (
            [
                {"name": "a", "kind": "worker", "prefix": "s"},
                {"name": "b", "kind": "worker", "prefix": "s/b"},
            ],
            "lies inside",
        ),
        (
            [{"name": "a", "kind": "worker"}, {"name": "b", "kind": "worker", "prefix": "b"}],
            "a prefix of its own",
        ),
        ([{"name": "a", "kind": "worker", "choices": {"api": ["soap"]}}], "unknown option"),
    ],
)
def test_a_malformed_unit_is_a_catalog_error(units, message) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_units(units, "option x", {"api": ("rest",)})


def test_a_layer_serves_only_the_unit_kinds_it_names(catalog, tmp_path) -> None:
    from generator.layers import discover_layers
    from generator.units import Unit

    layer = tmp_path / "shared" / "host"
    layer.mkdir(parents=True)
    (layer / "layer.yaml").write_text("stage: language\nkinds: [http-service]\n")
    (host,) = discover_layers(tmp_path, catalog)
    stack = resolve(catalog, flags={"name": "Shop"}, no_input=True)
    assert host.applies_to(stack, Unit("api", "http-service"))
    assert not host.applies_to(stack, Unit("fn", "function"))
    assert render_mod.units_of(stack, catalog)[0].prefix == ""


@pytest.mark.parametrize(
    ("language", "toolchain", "host"),
    [
        (
            "python",
            ["pyproject.toml", "Makefile", "app/core/config.py"],
            ["Dockerfile", "app/main.py"],
        ),
        (
            "typescript",
            ["package.json", "tsconfig.json", "src/config.ts"],
            ["Dockerfile", "src/app.ts"],
        ),
    ],
)
def test_a_worker_takes_the_toolchain_and_not_the_http_host(
    catalog, tmp_path, language, toolchain, host
) -> None:
    stack = resolve(
        catalog, flags={"name": "Shop", "language": language, "architecture": "duo"}, no_input=True
    )
    _, api, jobs = plan_parts(stack, catalog)
    assert f"language/{language}-http" in {la.name for la in api.layers}
    assert f"language/{language}" in {la.name for la in jobs.layers}
    assert f"language/{language}-http" not in {la.name for la in jobs.layers}
    render(stack, catalog, tmp_path / "duo")
    for rel in toolchain:
        assert (tmp_path / "duo" / "workers/jobs" / rel).is_file(), rel
        assert (tmp_path / "duo" / "services/api" / rel).is_file(), rel
    for rel in host:
        assert not (tmp_path / "duo" / "workers/jobs" / rel).exists(), rel
        assert (tmp_path / "duo" / "services/api" / rel).is_file(), rel
    # The worker's data has no container: nothing of the HTTP host reached it.
    assert "port" not in jobs.context["data"].get("container", {})


def test_one_ci_workflow_and_one_dependabot_file_serve_every_unit(catalog, tmp_path) -> None:
    """GitHub reads workflows and Dependabot's file at the root only: one job a unit, run in
    the unit's folder; each unit's manifests watched in its folder. Both pass their schemas."""
    stack = resolve(
        catalog,
        flags={"name": "Shop", "language": "typescript", "architecture": "duo"},
        no_input=True,
    )
    render(stack, catalog, tmp_path / "duo")
    workflow = tmp_path / "duo" / ".github" / "workflows" / "ci.yml"
    dependabot = tmp_path / "duo" / ".github" / "dependabot.yml"
    assert not list((tmp_path / "duo").glob("*/*/.github"))
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    assert {name: job["defaults"]["run"]["working-directory"] for name, job in jobs.items()} == {
        "check-api": "services/api",
        "check-jobs": "workers/jobs",
    }
    updates = {u["package-ecosystem"]: u for u in yaml.safe_load(dependabot.read_text())["updates"]}
    assert updates["npm"]["directories"] == ["/services/api", "/workers/jobs"]
    # Only the service has a Dockerfile, so only its folder is watched for base images.
    assert updates["docker"]["directories"] == ["/services/api"]
    assert not (tmp_path / "duo" / "workers/jobs" / "Dockerfile").exists()
    bin_dir = Path(sys.executable).parent
    for schema, path in (("vendor.github-workflows", workflow), ("vendor.dependabot", dependabot)):
        proc = subprocess.run(
            [str(bin_dir / "check-jsonschema"), "--builtin-schema", schema, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_unit_file_may_include_a_project_layer_partial(catalog, tmp_path) -> None:
    from generator import templating
    from generator.layers import discover_layers

    root = tmp_path / "layers"
    (root / "shared" / "notes" / "partials").mkdir(parents=True)
    (root / "shared" / "notes" / "layer.yaml").write_text("stage: base\nscope: project\n")
    (root / "shared" / "notes" / "partials" / "note.md").write_text(
        "for {{ cookiecutter.unit.name }}\n"
    )
    (root / "shared" / "page" / "files").mkdir(parents=True)
    (root / "shared" / "page" / "layer.yaml").write_text("stage: base\n")
    (root / "shared" / "page" / "files" / "NOTE.md").write_text('{% include "note.md" %}')
    stack = resolve(catalog, flags={"name": "Shop", "architecture": "pair"}, no_input=True)
    parts = plan_parts(stack, catalog, discover_layers(root, catalog))
    templating.write_parts(
        [(p.prefix, p.layers, p.context, p.partials_from) for p in parts], tmp_path / "out"
    )
    assert (tmp_path / "out" / "services/items/NOTE.md").read_text() == "for items\n"
    assert (tmp_path / "out" / "services/reports/NOTE.md").read_text() == "for reports\n"


def _render_pair(catalog, tmp_path: Path, infrastructure: str) -> Path:
    """The two-service architecture on PostgreSQL and gRPC (HTTP and HTTP/2 ports), rendered."""
    flags = {
        "name": "Shop",
        "architecture": "pair",
        "database": ["postgresql"],
        "infrastructure": infrastructure,
        "api": "grpc",
    }
    render(resolve(catalog, flags=flags, no_input=True), catalog, tmp_path / "pair")
    return tmp_path / "pair"


def test_kubernetes_runs_each_service_of_its_own(catalog, tmp_path) -> None:
    """The platform layer reads data.units: each HTTP service gets a Deployment, Service,
    PodDisruptionBudget, migration Job and NetworkPolicies named after it, running its own
    image on its own ports, and the manifests pass kubernetes-validate --strict."""
    k8s = _render_pair(catalog, tmp_path, "kubernetes") / "deploy" / "k8s"
    docs = [d for f in sorted(k8s.glob("*.yaml")) for d in yaml.safe_load_all(f.read_text()) if d]
    by_kind: dict[str, list[str]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], []).append(doc["metadata"]["name"])
    assert by_kind == {
        "ConfigMap": ["shop-config"],
        "Deployment": ["shop-items", "shop-reports"],
        "Job": ["shop-items-migrate", "shop-reports-migrate"],
        "Namespace": ["shop"],
        "NetworkPolicy": [
            "shop-items",
            "shop-items-migrate",
            "shop-reports",
            "shop-reports-migrate",
        ],
        "PodDisruptionBudget": ["shop-items", "shop-reports"],
        "Service": ["shop-items", "shop-reports"],
    }
    for doc in docs:
        if doc["kind"] == "Deployment":
            (container,) = doc["spec"]["template"]["spec"]["containers"]
            assert container["image"] == f"registry.example.com/{doc['metadata']['name']}:0.1.0"
            assert [p["name"] for p in container["ports"]] == ["http", "grpc"]
            labels = doc["spec"]["template"]["metadata"]["labels"]
            assert labels == {"app.kubernetes.io/name": doc["metadata"]["name"]}
        if doc["kind"] == "Service":
            assert doc["spec"]["selector"] == {"app.kubernetes.io/name": doc["metadata"]["name"]}
    readme = (tmp_path / "pair" / "README.md").read_text()
    assert "docker build -t REGISTRY/shop-reports:0.1.0 services/reports" in readme
    assert "job/shop-items-migrate" in readme and "job/shop-reports-migrate" in readme
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "kubernetes-validate"),
            "--strict",
            "--quiet",
            *map(str, sorted(k8s.glob("*.yaml"))),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_compose_runs_each_service_of_its_own(catalog, tmp_path) -> None:
    """compose.yaml and the production override read data.units: each HTTP service's app and
    migrate step are its own services, built from its folder, started after its own
    migration, on host ports no other service takes; the stores are there once. Both files
    pass the Compose specification's schema."""
    root = _render_pair(catalog, tmp_path, "docker-compose")
    dev = yaml.safe_load((root / "compose.yaml").read_text())
    prod = yaml.safe_load((root / "deploy" / "compose.prod.yaml").read_text())
    assert sorted(dev["services"]) == ["db", "items", "items-migrate", "reports", "reports-migrate"]
    assert sorted(prod["services"]) == sorted(dev["services"])
    for unit in ("items", "reports"):
        service, migrate = dev["services"][unit], dev["services"][f"{unit}-migrate"]
        assert service["build"] == migrate["build"] == f"./services/{unit}"
        assert service["depends_on"] == {
            f"{unit}-migrate": {"condition": "service_completed_successfully"}
        }
        # The migrate steps share one database until each service owns its data: one at a time.
        after = {
            "items": {},
            "reports": {"items-migrate": {"condition": "service_completed_successfully"}},
        }
        assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}, **after[unit]}
        assert prod["services"][unit]["environment"]["ENVIRONMENT"] == "production"
    hosts = [p.split(":")[-2] for s in dev["services"].values() for p in s.get("ports", [])]
    assert len(hosts) == len(set(hosts)) == 5, hosts  # db; HTTP and gRPC of each service
    assert dev["services"]["items"]["ports"] == ["8000:8000", "50051:50051"]
    assert dev["services"]["reports"]["ports"] == ["8001:8000", "50052:50051"]
    for path in (root / "compose.yaml", root / "deploy" / "compose.prod.yaml"):
        proc = subprocess.run(
            [
                str(Path(sys.executable).parent / "check-jsonschema"),
                "--builtin-schema",
                "vendor.compose-spec",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_the_harness_checks_every_unit_in_its_own_folder(catalog, tmp_path) -> None:
    """The verification harness runs each unit's own commands in the unit's folder - install,
    lint, types, tests, serve and fuzz - and names each step after its unit."""
    from tests.harness import APP_STEPS, PASSED, check_stack

    stack = resolve(
        catalog,
        flags={"name": "Shop", "architecture": "pair", "database": ["sqlite"]},
        no_input=True,
    )
    outcome = check_stack(stack, catalog, tmp_path, config=False)
    names = [step.name for step in outcome.steps]
    for unit in ("items", "reports"):
        for step in APP_STEPS:
            assert f"{unit}: {step}" in names, names
    failed = [f"{s.name}: {s.detail}" for s in outcome.steps if s.status != PASSED]
    assert not failed, "\n".join(failed)


def test_compose_builds_no_image_for_a_unit_without_one(catalog, tmp_path) -> None:
    """A worker has no Dockerfile: compose runs the service beside it and the stores, and no
    service built from the worker's folder."""
    flags = {"name": "Shop", "architecture": "duo", "database": ["postgresql"]}
    render(resolve(catalog, flags=flags, no_input=True), catalog, tmp_path / "duo")
    dev = yaml.safe_load((tmp_path / "duo" / "compose.yaml").read_text())
    assert sorted(dev["services"]) == ["api", "api-migrate", "db"]
    assert dev["services"]["api"]["build"] == "./services/api"
    assert not (tmp_path / "duo" / "workers" / "jobs" / "Dockerfile").exists()
