"""The hexagon's boundaries, checked on every test run: import-linter's contracts in
pyproject.toml must all be kept (the domain imports no framework, ORM or outer layer; use
cases see ports, not adapters)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    # Its own process with a plain, fixed-width console: import-linter's rich output is
    # written for a terminal, and the contracts should not depend on how tests are captured.
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "120"}
    result = subprocess.run(  # noqa: S603 - a fixed command from this venv
        [Path(sys.executable).parent / "lint-imports", "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "BROKEN" not in report
    assert "KEPT" in report
