"""The hexagon's boundaries, checked on every test run: import-linter's contracts in
pyproject.toml must all be kept (the domain imports no framework, ORM or outer layer; use
cases see ports, not adapters)."""

import pytest
from importlinter.cli import lint_imports


def test_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = lint_imports(no_cache=True)
    report = capsys.readouterr().out
    assert exit_code == 0, report
    assert "BROKEN" not in report
