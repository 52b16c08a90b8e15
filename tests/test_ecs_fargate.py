"""The ECS on Fargate stack, for every combination the catalog allows: HTTPS only (the load
balancer partials it shares with Elastic Beanstalk), the service's tasks in private subnets on a
read-only root filesystem, health-checked on /healthz in the container and /readyz by the load
balancer, the migrations as their own task definition on the same image, and the database
password only ever a Secrets Manager reference. cfn-lint and checkov check the template in the
verification harness."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from generator.catalog import default_catalog
from generator.matrix import all_stacks, describe
from generator.render import plan
from generator.templating import render_file
from tests.test_eb_https import _CfnLoader, _listeners

CATALOG = default_catalog()
STACKS = [s for s in all_stacks(CATALOG) if s["infrastructure"] == "aws-ecs-fargate"]


def _container(resources: dict[str, Any], definition: str) -> dict[str, Any]:
    (container,) = resources[definition]["Properties"]["ContainerDefinitions"]
    return container


@pytest.mark.parametrize("stack", STACKS, ids=lambda s: describe(s).replace(" / ", "-"))
def test_the_ecs_stack(stack) -> None:
    layers, context = plan(stack, CATALOG)
    template = yaml.load(render_file(layers, context, "deploy/aws/template.yaml"), _CfnLoader)
    data = context["data"]
    resources = template["Resources"]

    listeners = _listeners(template)
    assert set(listeners) == {80, 443}
    assert listeners[443]["Protocol"] == "HTTPS"
    assert listeners[80]["DefaultActions"][0]["Type"] == "redirect"
    (rule,) = [r for r in resources.values() if r["Type"].endswith("::ListenerRule")]
    assert rule["Properties"]["ListenerArn"] == {"Ref": "HttpsListener"}
    assert rule["Properties"]["Conditions"][0]["HostHeaderConfig"] == {
        "Values": [{"Ref": "DomainName"}]
    }
    assert resources["TargetGroup"]["Properties"]["HealthCheckPath"] == "/readyz"

    service = resources["Service"]["Properties"]
    network = service["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert network["Subnets"] == [{"Ref": "AppSubnetA"}, {"Ref": "AppSubnetB"}]
    assert service["DeploymentConfiguration"]["DeploymentCircuitBreaker"]["Rollback"] is True

    app = _container(resources, "TaskDefinition")
    migrate = _container(resources, "MigrateTaskDefinition")
    assert app["HealthCheck"]["Command"] == ["CMD", *data["container"]["healthcheck"]]
    assert app["PortMappings"] == [{"ContainerPort": data["container"]["port"], "Protocol": "tcp"}]
    assert "Command" not in app  # the image's CMD
    assert migrate["Command"] == data["container"]["migrate"]
    assert app["Image"]["Fn::Join"][1][1] == {"Ref": "ImageTag"}
    assert migrate["Image"]["Fn::Join"][1][1] == {"Ref": "MigrateImageTag"}
    stores = set(stack.selections["database"])
    secrets = {k for k, item in data["env"].items() if "secret" in item or "local_only" in item}
    # The URLs the stack builds from what it creates; their passwords come as ECS secrets.
    from_the_stack = {"DATABASE_URL", "REDIS_URL"}
    expected_secrets = []
    if stores & {"postgresql", "mysql"}:
        expected_secrets.append(
            {"Name": "DATABASE_PASSWORD", "ValueFrom": {"Ref": "DatabaseSecret"}}
        )
    if "redis" in stores:
        expected_secrets.append({"Name": "REDIS_PASSWORD", "ValueFrom": {"Ref": "CacheSecret"}})
    for container in (app, migrate):
        assert container["ReadonlyRootFilesystem"] is True
        environment = {e["Name"]: e["Value"] for e in container["Environment"]}
        assert environment["ENVIRONMENT"] == "production"
        assert not (secrets - from_the_stack) & set(environment)
        assert container.get("Secrets", []) == expected_secrets
        if stores & {"postgresql", "mysql"}:
            # DATABASE_URL names the RDS endpoint and no password; ECS adds the password.
            url, variables = environment["DATABASE_URL"]["Fn::Sub"]
            assert url.startswith(f"{data['eb_database_scheme']}://app@${{Host}}:${{Port}}/app")
            assert variables == {
                "Host": {"Fn::GetAtt": ["Database", "Endpoint.Address"]},
                "Port": {"Fn::GetAtt": ["Database", "Endpoint.Port"]},
            }
        if "postgresql" in stores:
            # TLS, which RDS PostgreSQL requires: the driver's own setting.
            for key, value in data["postgresql_unverified_tls_env"].items():
                assert environment[key] == value
        if "dynamodb" in stores:
            assert environment["DYNAMODB_TABLE"] == {"Ref": "ItemsTable"}
            assert environment["AWS_REGION"] == {"Ref": "AWS::Region"}
            assert "dynamodb.${AWS::Region}" in environment["DATABASE_URL"]["Fn::Sub"]
        if "redis" in stores:
            assert environment["REDIS_URL"]["Fn::Sub"].startswith("rediss://${Cache.")

    engine = {"postgresql": "postgres", "mysql": "mysql"}
    databases = [r for r in resources.values() if r["Type"] == "AWS::RDS::DBInstance"]
    if stores & set(engine):
        (database,) = databases
        assert database["Properties"]["Engine"] == engine[next(iter(stores & set(engine)))]
        assert database["Properties"]["StorageEncrypted"] is True
        assert database["Properties"]["PubliclyAccessible"] is False
    else:
        assert not databases
    tables = [r for r in resources.values() if r["Type"] == "AWS::DynamoDB::Table"]
    assert len(tables) == ("dynamodb" in stores)
    if tables:
        # The task role may call the table, and nothing grants it more than the table.
        (policy,) = resources["TaskRole"]["Properties"]["Policies"]
        granted = policy["PolicyDocument"]["Statement"]
        assert granted[0]["Resource"] == {"Fn::GetAtt": ["ItemsTable", "Arn"]}
        assert all(not a.endswith("*") for st in granted for a in st["Action"])
    else:
        assert "Policies" not in resources["TaskRole"]["Properties"]
    caches = [r for r in resources.values() if r["Type"] == "AWS::ElastiCache::ReplicationGroup"]
    assert len(caches) == ("redis" in stores)
    if caches:
        cache = caches[0]["Properties"]
        assert cache["TransitEncryptionEnabled"] is True
        assert cache["AtRestEncryptionEnabled"] is True
