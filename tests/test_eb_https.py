"""The Elastic Beanstalk stack serves HTTPS only: its load balancer listens on 443 with the
certificate the stack is given, port 80 does nothing but redirect there, and no project-wide
checkov skip hides a plain-HTTP listener."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.render import render
from generator.stack import resolve

LISTENER = "AWS::ElasticLoadBalancingV2::Listener"


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that keeps CloudFormation's short tags as their long form (!Ref X -> {"Ref": X},
    !GetAtt A.B -> {"Fn::GetAtt": [A, B]}, !Sub ... -> {"Fn::Sub": ...})."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _tag)


@pytest.fixture(scope="module", params=["python", "typescript"])
def project(request, catalog, tmp_path_factory) -> Path:
    flags = {
        "name": "demo",
        "language": request.param,
        "database": ["postgresql"],
        "infrastructure": "aws-elastic-beanstalk",
    }
    target = tmp_path_factory.mktemp(request.param) / "demo"
    render(resolve(catalog, flags=flags, no_input=True), catalog, target)
    return target


@pytest.fixture(scope="module")
def template(project) -> dict[str, Any]:
    text = (project / "deploy/aws/template.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=_CfnLoader)


def _listeners(template: dict[str, Any]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for resource in template["Resources"].values():
        if resource["Type"] == LISTENER:
            port = resource["Properties"]["Port"]
            assert port not in found, f"two listeners on port {port}"
            found[port] = resource["Properties"]
    return found


def _option(template: dict[str, Any], namespace: str, name: str) -> Any:
    settings = template["Resources"]["Environment"]["Properties"]["OptionSettings"]
    key = (namespace, name)
    values = [s["Value"] for s in settings if (s["Namespace"], s["OptionName"]) == key]
    assert len(values) == 1, f"{namespace} {name}: {values}"
    return values[0]


def test_port_443_is_https_with_the_certificate_parameter(template) -> None:
    https = _listeners(template)[443]
    assert https["Protocol"] == "HTTPS"
    assert https["Certificates"] == [{"CertificateArn": {"Ref": "CertificateArn"}}]
    # TLS 1.2 at least (checkov's CKV_AWS_103 accepts these prefixes).
    assert https["SslPolicy"].startswith("ELBSecurityPolicy-TLS13-1-2")
    # Required: with a default, the stack could come up without the certificate it names.
    assert "Default" not in template["Parameters"]["CertificateArn"]
    assert https["LoadBalancerArn"] == {"Ref": "LoadBalancer"}


def test_port_80_only_redirects_to_https(template) -> None:
    listeners = _listeners(template)
    assert set(listeners) == {80, 443}
    http = listeners[80]
    assert http["Protocol"] == "HTTP"
    [action] = http["DefaultActions"]
    assert action["Type"] == "redirect"
    assert action["RedirectConfig"]["Protocol"] == "HTTPS"
    assert action["RedirectConfig"]["Port"] == "443"
    assert action["RedirectConfig"]["StatusCode"] == "HTTP_301"
    # Nothing else may route port 80 traffic to the app: no rules of this template's own...
    rules = [r for r in template["Resources"].values() if r["Type"].endswith("::ListenerRule")]
    assert rules == []
    # ...and Elastic Beanstalk adds none to it (its "default" listener is port 80).
    assert _option(template, "aws:elbv2:listener:default", "ListenerEnabled") == "false"


def test_the_environment_uses_this_load_balancer_on_443_for_the_domain(template) -> None:
    assert _option(template, "aws:elasticbeanstalk:environment", "LoadBalancerIsShared") == "true"
    shared = _option(template, "aws:elbv2:loadbalancer", "SharedLoadBalancer")
    assert shared == {"Ref": "LoadBalancer"}
    # "default" is Elastic Beanstalk's own rule (the environment's CNAME); clients use DomainName.
    rules = _option(template, "aws:elbv2:listener:443", "Rules").split(",")
    hosts = [_option(template, f"aws:elbv2:listenerrule:{r}", "HostHeaders") for r in rules[1:]]
    assert rules[0] == "default"
    assert {"Ref": "DomainName"} in hosts
    assert template["Outputs"]["Url"]["Value"] == {"Fn::Sub": "https://${DomainName}"}


def test_no_project_wide_skip_hides_plain_http(project, template) -> None:
    config = yaml.safe_load((project / ".checkov.yaml").read_text(encoding="utf-8"))
    skipped = set(config["skip-check"])
    # 260: port 80 open to the world; 2: a listener not on HTTPS; 103: TLS older than 1.2;
    # 91 and 131: the load balancer's access logs and invalid-header dropping.
    assert not skipped & {"CKV_AWS_260", "CKV_AWS_2", "CKV_AWS_103", "CKV_AWS_91", "CKV_AWS_131"}
    # What the template suppresses itself is suppressed for one resource, with a reason: port 80
    # only on the load balancer's own security group, which admits 443 and 80 and nothing else.
    suppressed = {}
    for name, resource in template["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert len(skip["comment"].split()) >= 8, f"{name} {skip['id']}: give a reason"
            suppressed.setdefault(skip["id"], []).append(name)
    assert suppressed.get("CKV_AWS_260") == ["LoadBalancerSecurityGroup"]
    group = template["Resources"]["LoadBalancerSecurityGroup"]["Properties"]
    assert sorted(rule["FromPort"] for rule in group["SecurityGroupIngress"]) == [80, 443]


def test_the_app_talks_tls_to_rds_postgresql(project, template) -> None:
    """RDS PostgreSQL 15 and later refuse plain connections (rds.force_ssl=1): the driver is
    told to use TLS by its own variable (node-postgres would otherwise connect plainly)."""
    language = "typescript" if (project / "package.json").exists() else "python"
    mode = {"python": "require", "typescript": "no-verify"}[language]
    assert _option(template, "aws:elasticbeanstalk:application:environment", "PGSSLMODE") == mode
