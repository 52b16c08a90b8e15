"""A team's preset file through the real CLI and at a real terminal: its answers, locked
choices, allowed options and own files; `options --preset`; `check` and `update` holding
projects to it; and a hostile preset refused in one line."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from generator import update as update_mod
from tests.test_cli import run
from tests.test_update import committed, git

PRESET = """\
preset: acme-services
answers:
  language: python
  database: [postgresql]
  infrastructure: kubernetes
locked: [language, infrastructure]
allowed:
  api: [rest, graphql]
files: acme-files
"""


@pytest.fixture
def team(tmp_path) -> Path:
    folder = tmp_path / "team"
    (folder / "acme-files" / ".github").mkdir(parents=True)
    (folder / "acme-files" / ".github" / "CODEOWNERS").write_text("* @acme/platform\n")
    # Copied as it is: text that looks like a template stays text.
    (folder / "acme-files" / "NOTICE").write_text("Copyright ACME {{ cookiecutter.name }}\n")
    (folder / "preset.yml").write_text(PRESET)
    return folder / "preset.yml"


def test_a_project_from_a_preset(tmp_path, team) -> None:
    code, _, err = run(["new", "shop", "--preset", str(team), "--no-input"], tmp_path)
    assert code == 0, err
    project = tmp_path / "shop"
    record = yaml.safe_load((project / ".stackgen.yml").read_text())
    assert record["preset"] == "acme-services"
    assert record["answers"]["infrastructure"] == "kubernetes"
    assert record["answers"]["database"] == ["postgresql"]
    assert (project / ".github" / "CODEOWNERS").read_text() == "* @acme/platform\n"
    assert (project / "NOTICE").read_text() == "Copyright ACME {{ cookiecutter.name }}\n"

    # An open choice from a preset's answers can still be changed; a locked one cannot.
    code, _, err = run(
        ["new", "b", "--preset", str(team), "--no-input", "--database", "mysql"], tmp_path
    )
    assert code == 0, err
    code, _, err = run(
        ["new", "c", "--preset", str(team), "--no-input", "--language", "typescript"], tmp_path
    )
    assert code == 2 and err.count("\n") == 1
    assert "--language: language is locked to python" in err and "acme-services" in err
    code, _, err = run(["new", "d", "--preset", str(team), "--no-input", "--api", "xml"], tmp_path)
    assert code == 2 and "--api: xml is not allowed" in err and "allowed: rest, graphql" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "shop", "team"]


def test_the_preset_comes_from_the_environment(tmp_path, team, monkeypatch) -> None:
    monkeypatch.setenv("STACKGEN_PRESET", str(team))
    code, _, err = run(["new", "shop", "--no-input"], tmp_path)
    assert code == 0, err
    assert (tmp_path / "shop" / "NOTICE").exists()


def test_options_shows_what_the_preset_leaves_open(tmp_path, team) -> None:
    code, out, _ = run(["options", "--preset", str(team)], tmp_path)
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "locked: python" in lines["language"]
    assert "locked: kubernetes" in lines["infrastructure"]
    assert "allowed: rest, graphql" in lines["api"]
    assert "open:" in lines["architecture"] and "(default postgresql)" in lines["database"]
    assert ".github/CODEOWNERS" in lines["files"]


@pytest.mark.parametrize(
    ("preset", "named"),
    [
        ("preset: acme\nlocked: [colour]\n", "locked: unknown choice 'colour'"),
        ("preset: acme\nlocked: [api]\n", "locked: api is locked but has no value"),
        ("preset: acme\nallowed: {api: [soap]}\n", "allowed: api: 'soap' is not an option"),
        ("preset: acme\nanswers: {api: xml}\nallowed: {api: [rest]}\n", "not in its own allowed"),
        ("preset: Bad Name\n", "'preset' must name it"),
        ("preset: acme\nscript: rm -rf /\n", "unknown key 'script'"),
        ("preset: acme\nfiles: ../../etc\n", "files:"),
        ("a: &x [1]\nb: *x\n", "--preset"),
    ],
)
def test_a_bad_preset_is_one_line(tmp_path, preset, named) -> None:
    (tmp_path / "preset.yml").write_text(preset)
    code, _, err = run(["new", "x", "--preset", "preset.yml", "--no-input"], tmp_path)
    assert code == 2 and err.count("\n") == 1, err
    assert named in err and "preset.yml" in err, err
    assert not (tmp_path / "x").exists()


def test_preset_files_are_regular_and_never_replace_stackgens(tmp_path, team) -> None:
    files = team.parent / "acme-files"
    (files / "README.md").write_text("ours\n")
    code, _, err = run(["new", "x", "--preset", str(team), "--no-input"], tmp_path)
    assert code == 2 and "README.md would replace a file stackgen writes" in err
    (files / "README.md").unlink()
    (files / "link").symlink_to("/etc/passwd")
    code, _, err = run(["new", "x", "--preset", str(team), "--no-input"], tmp_path)
    assert code == 2 and "link is a symbolic link" in err
    assert not (tmp_path / "x").exists()


def test_check_and_update_hold_a_project_to_its_preset(tmp_path, team) -> None:
    code, _, err = run(["new", "shop", "--preset", str(team), "--no-input"], tmp_path)
    assert code == 0, err
    project = committed(tmp_path / "shop")
    code, out, _ = run(["check", str(project), "--preset", str(team)], tmp_path)
    assert code == 0, out
    code, _, err = run(["check", str(project)], tmp_path)
    assert code == 2 and "generated with preset acme-services" in err

    # --set cannot change a locked choice, nor leave the allowed options.
    args = ["update", str(project), "--preset", str(team)]
    code, _, err = run([*args, "--set", "infrastructure=fly"], tmp_path)
    assert code == 2 and "locked to kubernetes" in err
    code, _, err = run([*args, "--set", "api=jsonapi"], tmp_path)
    assert code == 2 and "not allowed" in err
    code, out, err = run([*args, "--set", "api=graphql"], tmp_path)
    assert code == 0, err
    assert (project / "NOTICE").exists() and "NOTICE" not in out  # team files stay as they are
    git(project, "add", "-A")
    git(project, "commit", "-qm", "graphql")

    # The team tightens its preset: the project now breaks it, and check says so.
    team.write_text(PRESET.replace("api: [rest, graphql]", "api: [rest]"))
    code, out, _ = run(["check", str(project), "--preset", str(team), "--json"], tmp_path)
    assert code == update_mod.POLICY
    assert "api graphql is not allowed by preset acme-services" in out


def test_prompts_offer_only_what_the_preset_allows(tmp_path, team) -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "generator", "new", "--preset", str(team), "--name", "Shop"],
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 200),
    )
    child.expect_exact("Architecture [monolith]: ")  # language is locked: never asked
    child.sendline("")
    child.expect_exact("Database [postgresql]: ")  # the preset's answer is the default
    child.sendline("")
    child.expect_exact("Secondary store [none]: ")
    child.sendline("")
    before = child.before
    child.expect_exact("API type [rest]: ")  # infrastructure is locked: never asked
    offered = child.before
    assert "Infrastructure" not in before + offered
    assert "graphql" in offered and "jsonapi" not in offered and "grpc" not in offered
    child.sendline("jsonapi")
    child.expect_exact("Error: 'jsonapi' is not")
    child.sendline("graphql")
    child.expect("Created Shop in shop")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    answers = yaml.safe_load((tmp_path / "shop" / ".stackgen.yml").read_text())["answers"]
    assert answers["api"] == "graphql" and answers["infrastructure"] == "kubernetes"


def test_a_default_preset_leaves_other_projects_alone(tmp_path, team, monkeypatch) -> None:
    """$STACKGEN_PRESET shapes new projects; a project generated without a preset is checked
    and updated as it is, and one generated with it finds it there."""
    code, _, err = run(["new", "plain", "--no-input"], tmp_path)
    assert code == 0, err
    code, _, err = run(["new", "acme", "--preset", str(team), "--no-input"], tmp_path)
    assert code == 0, err
    monkeypatch.setenv("STACKGEN_PRESET", str(team))
    for name in ("plain", "acme"):
        code, out, err = run(["check", str(tmp_path / name)], tmp_path)
        assert code == 0, (name, out, err)
