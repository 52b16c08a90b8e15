"""`stackgen new` answered at a real terminal (a pty), as a person would."""

import sys

import pexpect
import yaml

from generator.stack import offered_options


def spawn(cwd, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "generator", "new", *args],
        cwd=str(cwd),
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 200),
    )


def test_prompts_show_help_and_defaults_and_take_answers(tmp_path, catalog) -> None:
    child = spawn(tmp_path)
    child.expect(r"Project name \[my-api\]: ")
    child.sendline("Shop API")
    known: dict[str, tuple[str, ...]] = {}
    for choice in catalog.choices:
        child.expect_exact(choice.help)
        # Each prompt offers the options no rule refuses beside the answers so far.
        offered = offered_options(catalog, choice, known)
        for option in offered.options:
            if option.role != "secondary":
                child.expect_exact(option.help)
        child.expect_exact(f"{choice.prompt} [{choice.default}]: ")
        child.sendline("postgresql" if choice.id == "database" else "")
        known[choice.id] = ("postgresql", "redis") if choice.multiple else (choice.default,)
        if any(o.role == "secondary" for o in choice.options):
            child.expect_exact("Secondary store [none]: ")
            child.sendline("redis")
    child.expect("Created Shop API in shop-api")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    answers = yaml.safe_load((tmp_path / "shop-api" / ".stackgen.yml").read_text())["answers"]
    assert answers["database"] == ["postgresql", "redis"]
    assert answers["language"] == catalog.choice("language").default


def test_an_invalid_answer_is_asked_again(tmp_path) -> None:
    child = spawn(tmp_path, "--name", "x")
    child.expect_exact("Programming language [python]: ")
    child.sendline("cobol")
    child.expect_exact("Error: 'cobol' is not")
    child.expect_exact("Programming language [python]: ")
    child.sendcontrol("c")
    child.expect(r"Interrupted \(SIGINT\); nothing was written\.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []


def test_flags_skip_their_prompts(tmp_path) -> None:
    child = spawn(
        tmp_path,
        "--name",
        "Quick",
        "--language",
        "python",
        "--architecture",
        "monolith",
        "--database",
        "sqlite",
        "--infrastructure",
        "docker-compose",
    )
    child.expect_exact("API type [rest]: ")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Programming language" not in child.before
    assert (tmp_path / "quick" / "README.md").is_file()


def test_prompts_leave_out_what_the_answers_so_far_rule_out(tmp_path) -> None:
    # SQLite cannot run on Kubernetes or Elastic Beanstalk; the Redis cache is tested over REST.
    child = spawn(tmp_path, "--name", "x", "--architecture", "monolith")
    child.expect_exact("Programming language [python]: ")
    child.sendline("typescript")
    child.expect_exact("Database [sqlite]: ")
    child.sendline("")
    child.expect_exact("Secondary store [none]: ")
    child.sendline("redis")
    child.expect_exact("Infrastructure (where it runs) [docker-compose]: ")
    offered = child.before
    child.sendline("")
    child.expect_exact("API type [rest]: ")
    apis = child.before
    child.sendline("")
    child.expect("Created x in x")
    child.expect(pexpect.EOF)
    assert "docker-compose" in offered
    assert "kubernetes" not in offered
    assert "aws-elastic-beanstalk" not in offered
    assert "REST (JSON + OpenAPI)" in apis
    assert not [api for api in ("jsonapi", "graphql", "grpc", "xml") if f"  {api} " in apis]
