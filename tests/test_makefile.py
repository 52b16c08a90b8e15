"""The generated Makefile's targets work on a fresh clone in any order: a target that imports
generated code (gRPC stubs) makes it first. Checked with make's dry run on the real file."""

import shutil
import subprocess

import pytest

from generator.render import render
from generator.stack import resolve

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@pytest.mark.parametrize("target", ["test", "lint", "typecheck"])
def test_a_grpc_target_generates_the_stubs_first_on_a_fresh_clone(catalog, tmp_path, target):
    stack = resolve(catalog, flags={"name": "demo", "api": "grpc"}, no_input=True)
    render(stack, catalog, tmp_path / "demo")
    plan = subprocess.run(
        ["make", "-n", target], cwd=tmp_path / "demo", capture_output=True, text=True, check=True
    ).stdout.splitlines()
    protoc = next(i for i, line in enumerate(plan) if "grpc_tools.protoc" in line)
    assert protoc < len(plan) - 1  # the target's own commands come after
    (tmp_path / "demo" / "app/rpc/gen/items/v1").mkdir(parents=True)
    (tmp_path / "demo" / "app/rpc/gen/items/v1/items_pb2.py").touch()
    again = subprocess.run(
        ["make", "-n", target], cwd=tmp_path / "demo", capture_output=True, text=True, check=True
    ).stdout
    assert "grpc_tools.protoc" not in again  # made once, not on every run


def test_a_project_without_generated_code_has_no_such_step(catalog, tmp_path) -> None:
    render(resolve(catalog, flags={"name": "demo"}, no_input=True), catalog, tmp_path / "demo")
    plan = subprocess.run(
        ["make", "-n", "test"], cwd=tmp_path / "demo", capture_output=True, text=True, check=True
    ).stdout
    assert plan.strip() == "uv run pytest"
