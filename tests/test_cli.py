"""The CLI's wiring: flags, prompts' absence without a terminal, output, exit codes, and one
line on stderr for every error a user can cause."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import __version__
from generator.catalog import default_catalog
from generator.cli import main


def run(args: list[str], cwd: Path, input: str | None = None) -> tuple[int, str, str]:
    """Call the real entry point (with its error handling) in click's test isolation."""
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with runner.isolation(input=input) as (out, err, _):
            try:
                main(args)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            return code, out.getvalue().decode(), err.getvalue().decode()
    finally:
        os.chdir(old)


def test_version(tmp_path) -> None:
    code, out, _ = run(["--version"], tmp_path)
    assert code == 0
    assert __version__ in out


def test_help_lists_every_choice_flag(tmp_path, catalog) -> None:
    code, out, _ = run(["new", "--help"], tmp_path)
    assert code == 0
    for choice in catalog.choices:
        assert choice.flag in out
    for flag in ("--name", "--description", "--preset", "--answers", "--no-input", "--dry-run"):
        assert flag in out


def test_help_does_not_import_the_renderer() -> None:
    code = (
        "import sys; from generator.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "main_mods = {'cookiecutter', 'jinja2'} & {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(main_mods))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_options_lists_choices_help_and_rules(tmp_path, catalog) -> None:
    code, out, _ = run(["options"], tmp_path)
    assert code == 0
    for choice in catalog.choices:
        assert choice.flag in out
        for option in choice.options:
            assert option.id in out and option.help in out
    assert "Refused combinations:" in out


def test_options_json_is_the_catalog(tmp_path, catalog) -> None:
    code, out, _ = run(["options", "--json"], tmp_path)
    assert code == 0
    assert json.loads(out) == catalog.to_dict()


def test_new_with_flags(tmp_path) -> None:
    args = [
        "new",
        "--name",
        "Orders API",
        "--language",
        "python",
        "--architecture",
        "monolith",
        "--database",
        "postgresql",
        "--infrastructure",
        "docker-compose",
        "--api",
        "rest",
    ]
    code, out, err = run(args, tmp_path)
    assert code == 0, err
    assert "Created Orders API in orders-api" in out
    answers = yaml.safe_load((tmp_path / "orders-api" / ".stackgen.yml").read_text())
    assert answers["answers"]["database"] == ["postgresql"]
    assert answers["answers"]["name"] == "Orders API"


def test_new_no_input_takes_defaults_and_dir_name(tmp_path, catalog) -> None:
    code, _, err = run(["new", "--no-input", "my-api"], tmp_path)
    assert code == 0, err
    answers = yaml.safe_load((tmp_path / "my-api" / ".stackgen.yml").read_text())["answers"]
    assert answers["name"] == "my-api"
    for choice in catalog.choices:
        value = answers[choice.id]
        assert (value[0] if choice.multiple else value) == choice.default


def test_preset(tmp_path) -> None:
    code, _, err = run(["new", "--preset", "python-postgres", "--no-input", "p"], tmp_path)
    assert code == 0, err
    assert "postgres:17" in (tmp_path / "p" / "compose.yaml").read_text()


def test_guide_example_preset_is_the_reference_stack_given_as_flags(tmp_path) -> None:
    flags = [
        "--language", "typescript", "--architecture", "hexagonal", "--database", "postgresql",
        "--infrastructure", "aws-elastic-beanstalk", "--api", "rest",
    ]  # fmt: skip
    assert (
        run(["new", "--preset", "guide-example", "--no-input", "--name", "x", "a"], tmp_path)[0]
        == 0
    )
    assert run(["new", *flags, "--no-input", "--name", "x", "b"], tmp_path)[0] == 0
    trees = [
        {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
        for root in (tmp_path / "a", tmp_path / "b")
    ]
    assert trees[0] == trees[1]
    assert (tmp_path / "a" / "deploy" / "aws" / "template.yaml").is_file()
    assert (tmp_path / "a" / "src" / "domain" / "ports.ts").is_file()


def test_answers_replay_through_the_cli(tmp_path) -> None:
    assert run(["new", "--no-input", "--database", "postgresql", "one"], tmp_path)[0] == 0
    code, _, err = run(["new", "--answers", "one/.stackgen.yml", "two"], tmp_path)
    assert code == 0, err
    one = {
        p.relative_to(tmp_path / "one"): p.read_bytes()
        for p in (tmp_path / "one").rglob("*")
        if p.is_file()
    }
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes()
        for p in (tmp_path / "two").rglob("*")
        if p.is_file()
    }
    assert one == two


def test_dry_run_prints_the_tree_and_writes_nothing(tmp_path) -> None:
    code, out, _ = run(["new", "--no-input", "--dry-run", "demo"], tmp_path)
    assert code == 0
    assert out.startswith("demo/\n")
    assert "    app/\n        main.py" not in out  # nested under app/
    assert "        main.py" in out
    assert "nothing written" in out
    assert list(tmp_path.iterdir()) == []


PAYLOAD = "{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "--language", "cobol", "x"], "Invalid value for '--language': 'cobol' is not"),
        (["new", "--no-input", "--name", "2fast"], "--name: '2fast' gives the package name"),
        (["new", "--no-input", "--name", PAYLOAD], "--name: '{{' is not allowed"),
        (["new", "--no-input", "--description", PAYLOAD, "x"], "--description: '{{' is not"),
        (
            ["new", "--no-input", "--database", "sqlite", "--database", "postgresql", "x"],
            "--database sqlite + postgresql: at most one primary store",
        ),
        (["new", "x"], "--language: no value given and no terminal to ask on"),
        (["new"], "--name: no project name given and no terminal to ask on"),
        (["new", "--answers", "missing.yml", "x"], "--answers: cannot read missing.yml"),
        (["new", "--preset", "nope", "x"], "--preset: 'nope' is neither a preset (python-postgres"),
        (["new", "--no-input", "--bogus"], "No such option '--bogus'"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
)
def test_usage_errors_are_one_line_exit_2_and_write_nothing(tmp_path, args, message) -> None:
    code, _, err = run(args, tmp_path)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("field", ["name", "description"])
def test_payloads_in_an_answers_file_are_refused(tmp_path, field) -> None:
    (tmp_path / "a.yml").write_text(yaml.safe_dump({"answers": {"name": "ok", field: PAYLOAD}}))
    code, _, err = run(["new", "--answers", "a.yml", "--no-input", "out"], tmp_path)
    assert code == 2
    assert f"--answers a.yml: {field}: '{{{{' is not allowed" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yml"]


def test_malformed_answers_file_is_one_line(tmp_path) -> None:
    (tmp_path / "a.yml").write_text("answers:\n  language: [python\n")
    code, _, err = run(["new", "--answers", "a.yml", "out"], tmp_path)
    assert code == 2
    assert err.strip() == (
        "stackgen: error: --answers: a.yml is not valid YAML (line 3): "
        "expected ',' or ']', but got '<stream end>'"
    )


def test_existing_target_is_refused(tmp_path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "f").write_text("keep")
    code, _, err = run(["new", "--no-input", "x"], tmp_path)
    assert code == 2
    assert "already exists and is not empty" in err
    assert (tmp_path / "x" / "f").read_text() == "keep"
    assert [p.name for p in (tmp_path / "x").iterdir()] == ["f"]


def test_installed_command_exits_2_with_one_line(tmp_path) -> None:
    """The console script itself, in a subprocess with no terminal: never hangs, exit 2."""
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "new", "x"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("stackgen: error: --language: no value given")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("rule", default_catalog().rules, ids=lambda r: r.id)
def test_every_rule_is_refused_by_the_cli(tmp_path, rule) -> None:
    from tests.test_catalog import rule_flags

    args = ["new", "--no-input", "x"]
    for choice_id, values in rule_flags(default_catalog(), rule.when, rule.unless).items():
        for value in values:
            args += [f"--{choice_id}", value]
    code, _, err = run(args, tmp_path)
    assert code == 2
    assert rule.reason in err and f"Instead: {rule.instead}" in err
    assert len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
