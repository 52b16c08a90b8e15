"""The installed package, as a new user gets it: `pip install .` into a fresh venv, then
`stackgen new` from an unrelated directory renders the same tree as the source checkout, and
`stackgen advise` finds its rules."""

import subprocess
import venv
from pathlib import Path

import pytest

from generator.render import render
from generator.stack import resolve

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_installed_wheel_renders_what_the_checkout_renders(tmp_path, catalog) -> None:
    venv.create(tmp_path / "venv", with_pip=True)
    pip = tmp_path / "venv" / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", str(ROOT)], check=True, capture_output=True)
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run(
        [
            str(tmp_path / "venv" / "bin" / "stackgen"),
            "new",
            "--no-input",
            "--database",
            "postgresql",
            "demo",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    stack = resolve(catalog, flags={"name": "demo", "database": ["postgresql"]}, no_input=True)
    render(stack, catalog, tmp_path / "expected")

    def tree(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    assert tree(work / "demo") == tree(tmp_path / "expected")

    # The advisor's rules (generator/advice.yaml) ship too: `advise` works from the wheel.
    proc = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "stackgen"), "advise", "--internet", "no"],
        cwd=work,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("No backend needed.")
