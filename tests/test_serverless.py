"""The serverless family (issue 19): `--architecture serverless` on `--infrastructure
aws-lambda` renders one function unit - the modular monolith's app behind the AWS Lambda
adapter of templates/serverless/<language>-function, with no server (and, in Python, the
report function fed the table's stream) - and a SAM stack that creates what it uses. These
fast tests read the rendered files; the verification matrix (tests/test_matrix.py) installs
the projects and runs their own tests, builds the package `sam build` deploys, invokes it with
API Gateway events and fuzzes it through the project's loopback API Gateway, against moto."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from generator.catalog import default_catalog
from generator.errors import IncompatibleChoices
from generator.matrix import all_stacks
from generator.render import plan_parts, render
from generator.stack import offered_options, resolve
from tests import harness

CATALOG = default_catalog()

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


def _flags(language: str, **changes: object) -> dict[str, object]:
    flags: dict[str, object] = {
        "name": "Shop",
        "language": language,
        "architecture": "serverless",
        "database": ["dynamodb"],
        "infrastructure": "aws-lambda",
        "api": "rest",
    }
    return flags | changes


def _render(tmp_path: Path, language: str, **changes: object) -> Path:
    stack = resolve(CATALOG, flags=_flags(language, **changes), no_input=True)
    render(stack, CATALOG, tmp_path / "fn")
    return tmp_path / "fn"


def _sam(project: Path) -> dict:
    """template.yaml, its short-form intrinsics (!Ref, !Sub...) read as plain tags."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, tag, node: {tag: node.value})
    return yaml.load((project / "template.yaml").read_text(), Loader=Loader)


def test_serverless_is_offered_exactly_where_it_works() -> None:
    """Every serverless stack is on aws-lambda with DynamoDB and an HTTP API type, both
    languages and the four API types API Gateway carries; no other architecture is."""
    stacks = [s for s in all_stacks(CATALOG) if "serverless" in s.selections["architecture"]]
    assert {(s.selections["language"][0], s.selections["api"][0]) for s in stacks} == {
        (lang, api) for lang in HOSTS for api in ("rest", "jsonapi", "xml", "graphql")
    }
    assert {s.selections["infrastructure"] for s in stacks} == {("aws-lambda",)}
    assert {s.selections["database"] for s in stacks} == {("dynamodb",)}
    lambda_stacks = [
        s for s in all_stacks(CATALOG) if "aws-lambda" in s.selections["infrastructure"]
    ]
    assert lambda_stacks == stacks


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"infrastructure": "kubernetes"}, "serverless-runs-on-aws-lambda"),
        ({"architecture": "hexagonal"}, "aws-lambda-hosts-serverless"),
        ({"database": ["sqlite"]}, "serverless-keeps-to-dynamodb"),
        ({"database": ["postgresql"]}, "serverless-keeps-to-dynamodb"),
        ({"database": ["mongodb"]}, "serverless-keeps-to-dynamodb"),
        ({"database": ["dynamodb", "redis"]}, "serverless-keeps-to-dynamodb"),
        ({"api": "grpc"}, "grpc-on-aws-lambda"),
    ],
)
def test_what_does_not_fit_is_refused_with_its_reason(changes, rule) -> None:
    reason = next(r for r in CATALOG.rules if r.id == rule).reason
    with pytest.raises(IncompatibleChoices, match=re.escape(reason[:40])):
        resolve(CATALOG, flags=_flags("python", **changes), no_input=True)


@pytest.mark.parametrize("language", HOSTS)
def test_a_function_takes_the_app_and_the_lambda_adapter_not_the_server(tmp_path, language):
    stack = resolve(CATALOG, flags=_flags(language), no_input=True)
    (part,) = plan_parts(stack, CATALOG)
    names = {la.name for la in part.layers}
    assert {
        f"language/{language}-http",
        f"serverless/{language}-function",
        f"api/{language}-rest",
        "infrastructure/aws-lambda",
    } <= names
    assert f"language/{language}-http-server" not in names
    project = _render(tmp_path, language)
    for rel in HOSTS[language]["function"]:
        assert (project / rel).is_file(), rel
    for rel in HOSTS[language]["server"]:
        assert not (project / rel).exists(), rel
    path, marker = HOSTS[language]["adapter"]
    assert marker in (project / path).read_text()
    if language == "python":
        pyproject = tomllib.loads((project / "pyproject.toml").read_text())
        assert any(d.startswith("fastapi") for d in pyproject["project"]["dependencies"])
        assert not any(d.startswith("uvicorn") for d in pyproject["project"]["dependencies"])


@pytest.mark.parametrize("language", HOSTS)
def test_the_sam_template_runs_the_package_the_project_builds(tmp_path, language):
    project = _render(tmp_path, language)
    template = _sam(project)
    assert template["Transform"] == "AWS::Serverless-2016-10-31"
    function = template["Resources"]["ApiFunction"]
    props = function["Properties"]
    assert function["Metadata"] == {"BuildMethod": "makefile"}
    assert props["Architectures"] == ["arm64"]
    # `sam build` runs build-ApiFunction from the Makefile beside template.yaml.
    assert re.search(r"^build-ApiFunction:", (project / "Makefile").read_text(), re.M)
    module, _, name = props["Handler"].rpartition(".")
    env = props["Environment"]["Variables"]
    # Lambda sets AWS_REGION itself and refuses a function that names it.
    assert "AWS_REGION" not in env
    assert env["ENVIRONMENT"] == "production"
    if language == "python":
        assert props["Runtime"] == "python3.13"
        makefile = (project / "Makefile").read_text()
        target = "LAMBDA_TARGET ?= --python-version 3.13 --python-platform aarch64-manylinux_2_34"
        assert target in makefile
        handler = project / (module.replace(".", "/") + ".py")
        assert re.search(rf"^({name} = |def {name}\()", handler.read_text(), re.M)
    else:
        assert props["Runtime"] == "nodejs22.x"
        assert (module, name) == ("handler", "handler")
        assert 'handler: "src/handler.ts"' in (project / "scripts/package.js").read_text()
        assert "export const handler" in (project / "src/handler.ts").read_text()
        assert (project / ".nvmrc").read_text().strip().startswith("22")
    # The table the function's role may use is the one the stack creates.
    statements = props["Policies"][0]["Statement"]
    assert statements[0]["Resource"] == {"GetAtt": "ItemsTable.Arn"}
    assert "ItemsTable" in template["Resources"]
    config = tomllib.loads((project / "samconfig.toml").read_text())
    assert config["default"]["global"]["parameters"]["stack_name"] == "shop"


@pytest.mark.parametrize("language", HOSTS)
def test_the_report_function_reads_the_tables_item_changes_and_reports_its_failures(
    tmp_path, language
):
    """The stream mapping the report function's tests assume: item changes only, partial
    batch responses, retries that end in a dead-letter queue, which an alarm watches."""
    project = _render(tmp_path, language)
    resources = _sam(project)["Resources"]
    table = resources["ItemsTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    props = resources["ReportFunction"]["Properties"]
    module, _, name = props["Handler"].rpartition(".")
    if language == "python":
        handler = project / (module.replace(".", "/") + ".py")
        assert re.search(rf"^({name} = |def {name}\()", handler.read_text(), re.M)
    else:  # the bundle's entry point of that name
        assert f'"{module}": "src/{module}.ts"' in (project / "scripts/package.js").read_text()
        assert f"export const {name} = " in (project / f"src/{module}.ts").read_text()
    assert re.search(r"^build-ReportFunction:", (project / "Makefile").read_text(), re.M)
    stream = props["Events"]["ItemChanges"]["Properties"]
    assert stream["Stream"] == {"GetAtt": "ItemsTable.StreamArn"}
    assert stream["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert stream["DestinationConfig"]["OnFailure"]["Destination"] == {
        "GetAtt": "ReportDeadLetters.Arn"
    }
    (pattern,) = stream["FilterCriteria"]["Filters"]
    assert yaml.safe_load(pattern["Pattern"]) == {
        "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "item#"}]}}}
    }
    statements = props["Policies"][0]["Statement"]
    # Exactly what each change's transaction does (SAM adds the stream and the queue).
    writes = next(s for s in statements if s["Resource"] == {"GetAtt": "ItemsTable.Arn"})
    assert sorted(writes["Action"]) == ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    alarm = resources["ReportDeadLettersAlarm"]["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {"GetAtt": "ReportDeadLetters.QueueName"}
    # The sample batch `make invoke-report` hands over is there (the project's tests run it).
    assert (project / "events/dynamodb-stream.json").is_file()


@pytest.mark.parametrize("language", HOSTS)
@pytest.mark.parametrize("api", ["rest", "jsonapi", "xml", "graphql"])
def test_the_sample_api_event_is_the_api_types_own_listing_request(tmp_path, language, api):
    """events/api-request.json, which the invoke command hands the handler and the project's
    tests run: an API Gateway HTTP API event of the request the harness lists items with."""
    project = _render(tmp_path, language, api=api)
    event = json.loads((project / "events/api-request.json").read_text())
    stack = resolve(CATALOG, flags=_flags(language, api=api), no_input=True)
    (part,) = plan_parts(stack, CATALOG)
    request = part.context["data"]["harness"]["list_request"]
    assert event["version"] == "2.0"
    assert event["requestContext"]["http"]["method"] == request["method"]
    assert event["rawPath"] == event["requestContext"]["http"]["path"] == request["path"]
    assert request.get("headers", {}).items() <= event["headers"].items()
    assert event.get("body") == request.get("body")
    if language == "python":
        assert re.search(r"^invoke-api:", (project / "Makefile").read_text(), re.M)
    else:
        scripts = json.loads((project / "package.json").read_text())["scripts"]
        assert "test/invoke-api.ts" in scripts["invoke:api"]


@pytest.mark.parametrize("language", HOSTS)
def test_compose_runs_only_the_stores_for_a_function(tmp_path, language):
    """No image to build: compose gives the local DynamoDB, on a port the dev server does
    not take."""
    project = _render(tmp_path, language)
    services = yaml.safe_load((project / "compose.yaml").read_text())["services"]
    assert list(services) == ["db"]
    assert services["db"]["ports"] == ["127.0.0.1:8001:8000"]
    assert not (project / "deploy").exists()


def test_the_prompts_after_serverless_offer_only_what_works() -> None:
    """Asked in catalog order, the store and the platform come after the architecture: each
    prompt offers only what no rule refuses beside the answers so far."""
    known = {"language": ("python",), "architecture": ("serverless",)}
    database = offered_options(CATALOG, CATALOG.choice("database"), known)
    assert database.option_ids == ("dynamodb",)
    known["database"] = ("dynamodb",)
    platform = offered_options(CATALOG, CATALOG.choice("infrastructure"), known)
    assert platform.option_ids == ("aws-lambda",)
    known["infrastructure"] = ("aws-lambda",)
    api = offered_options(CATALOG, CATALOG.choice("api"), known)
    assert api.option_ids == ("rest", "jsonapi", "xml", "graphql")


def test_the_package_check_refuses_a_library_built_for_this_machine(tmp_path) -> None:
    """The harness's package step reads each native library's ELF header: one built for
    x86-64 in an arm64 function fails it, naming the file; the arm64 one passes."""
    output = tmp_path / "build" / "function"
    (output / "app").mkdir(parents=True)
    (output / "app" / "handler.py").write_text("handler = None\n")
    header = bytearray(b"\x7fELF" + bytes(60))
    spec = {
        "command": ["true"],
        "output": "build/function",
        "entry": "app/handler.py",
        "machine": "aarch64",
    }
    for machine, status in ((0x3E, harness.FAILED), (0xB7, harness.PASSED)):
        header[18:20] = machine.to_bytes(2, "little")
        (output / "native.so").write_bytes(bytes(header))
        step = harness._package(spec, tmp_path, dict(os.environ), [])
        assert step.status == status, step.detail
    assert "1 native" in step.detail
    (output / "app" / "handler.py").unlink()
    assert harness._package(spec, tmp_path, dict(os.environ), []).status == harness.FAILED
