"""`stackgen update` and `stackgen check` through the real CLI, on real projects and real git
work trees: untouched files follow the template, files both sides changed are merged, conflicts
are marked where git shows them (and nothing is written outside git), deleted files stay
deleted, dropped files go only if unchanged, and a signal never leaves half an update. The last
test runs two real releases of stackgen, each installed into its own virtual environment."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

import pexpect
import pytest
import yaml

from generator import update as update_mod
from generator.render import render
from generator.stack import resolve
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def fresh(tmp_path: Path, name: str, catalog, **choices) -> Path:
    stack = resolve(catalog, flags={"name": "shop", **choices}, no_input=True)
    target = tmp_path / name
    render(stack, catalog, target)
    return target


def git(project: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    out = subprocess.run(
        ["git", "-C", str(project), *args], capture_output=True, text=True, check=True, env=env
    )
    return out.stdout


def committed(project: Path) -> Path:
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "generated")
    return project


def test_check_says_current_outdated_or_invalid(tmp_path, catalog) -> None:
    project = fresh(tmp_path, "shop", catalog)
    code, out, _ = run(["check", str(project), "--json"], tmp_path)
    status = json.loads(out)
    assert (code, status["status"]) == (0, "current")
    assert status["recorded"]["files_digest"] == status["current"]["files_digest"]

    record = project / ".stackgen.yml"
    text = record.read_text()
    digest = status["recorded"]["files_digest"]
    record.write_text(text.replace(f"files_digest: {digest}", "files_digest: 0123456789abcdef"))
    code, out, _ = run(["check", str(project)], tmp_path)
    assert code == update_mod.OUTDATED
    assert out.startswith("outdated:") and "stackgen update" in out

    record.write_text(text.replace("api: rest", "api: soap"))
    code, out, _ = run(["check", str(project), "--json"], tmp_path)
    assert code == update_mod.INVALID
    assert json.loads(out)["status"] == "invalid" and "soap" in json.loads(out)["message"]


def test_check_outside_a_project_is_one_line_exit_2(tmp_path) -> None:
    code, _, err = run(["check", str(tmp_path)], tmp_path)
    assert code == 2
    assert err.count("\n") == 1 and ".stackgen.yml" in err


def test_set_moves_a_project_and_keeps_the_users_edits(tmp_path, catalog) -> None:
    """From docker-compose + SQLite to Kubernetes + PostgreSQL: the result is the fresh project
    of the new answers, apart from the user's own line in the README; the compose-only deploy
    file the user never touched is gone."""
    project = fresh(tmp_path, "shop", catalog)
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n## Our notes\n\nAsk Ana about the data.\n")
    assert (project / "deploy" / "compose.prod.yaml").exists()

    args = ["update", str(project), "--set", "infrastructure=kubernetes"]
    code, out, err = run([*args, "--set", "database=postgresql", "--dry-run"], tmp_path)
    assert code == 0, err
    assert "merge         README.md" in out and "(dry run: nothing written)" in out
    assert (project / "deploy" / "compose.prod.yaml").exists()

    code, out, err = run([*args, "--set", "database=postgresql"], tmp_path)
    assert code == 0, err
    expected = fresh(
        tmp_path, "expected", catalog, infrastructure="kubernetes", database=["postgresql"]
    )
    got, want = tree(project), tree(expected)
    assert got.pop("README.md").endswith(b"Ask Ana about the data.\n")
    want.pop("README.md")
    assert got == want
    code, out, _ = run(["check", str(project)], tmp_path)
    assert code == 0, out


def test_a_conflict_in_git_is_marked_where_git_shows_it(tmp_path, catalog) -> None:
    project = committed(fresh(tmp_path, "shop", catalog, database=["postgresql"]))
    compose = project / "compose.yaml"
    mine = "postgresql+asyncpg://me:secret@db:5432/app"
    compose.write_text(
        compose.read_text().replace("postgresql+asyncpg://postgres:postgres@db:5432/app", mine)
    )
    git(project, "commit", "-qam", "my database user")

    code, out, err = run(["update", str(project), "--set", "database=mysql"], tmp_path)
    assert code == update_mod.CONFLICTS
    assert "conflict      compose.yaml" in out and "compose.yaml" in err
    text = compose.read_text()
    assert "<<<<<<< yours\n" in text and mine in text and "mysql+aiomysql://" in text
    assert "UU compose.yaml" in git(project, "status", "--short")
    # Everything else was applied: the files the user never touched follow the template.
    assert "mysql" in (project / ".stackgen.yml").read_text()


def test_a_conflict_outside_git_writes_nothing(tmp_path, catalog) -> None:
    project = fresh(tmp_path, "shop", catalog, database=["postgresql"])
    compose = project / "compose.yaml"
    compose.write_text(compose.read_text().replace("postgres:postgres@db", "me:secret@db"))
    before = tree(project)
    code, _, err = run(["update", str(project), "--set", "database=mysql"], tmp_path)
    assert code == update_mod.CONFLICTS
    assert "nothing written" in err and "compose.yaml" in err
    assert tree(project) == before


def test_deleted_and_dropped_files(tmp_path, catalog) -> None:
    """A file the user deleted stays deleted (unless asked); a file the template drops goes
    only if the user left it unchanged."""
    project = committed(fresh(tmp_path, "shop", catalog, database=["postgresql"]))
    (project / "README.md").unlink()
    prod = project / "deploy" / "compose.prod.yaml"
    prod.write_text(prod.read_text() + "# tuned by us\n")
    git(project, "commit", "-qam", "ours")

    code, out, err = run(["update", str(project), "--set", "infrastructure=kubernetes"], tmp_path)
    assert code == 0, err
    assert "keep-changed  deploy/compose.prod.yaml" in out
    assert prod.read_text().endswith("# tuned by us\n")
    assert "keep-deleted  README.md" in out and not (project / "README.md").exists()
    assert (project / "deploy" / "k8s" / "deployment.yaml").exists()
    git(project, "add", "-A")
    git(project, "commit", "-qm", "update")

    code, out, err = run(
        ["update", str(project), "--set", "database=mysql", "--recreate-deleted"], tmp_path
    )
    assert code == 0, err
    assert "MySQL" in (project / "README.md").read_text()


def test_uncommitted_changes_and_bad_sets_are_refused(tmp_path, catalog) -> None:
    project = committed(fresh(tmp_path, "shop", catalog))
    (project / "notes.txt").write_text("draft\n")
    code, _, err = run(["update", str(project), "--set", "api=graphql"], tmp_path)
    assert code == 2 and "uncommitted changes" in err and "--force" in err
    assert err.count("\n") == 1
    for bad, named in [
        ("api", "CHOICE=VALUE"),
        ("colour=red", "unknown choice"),
        ("api=soap", "soap"),
    ]:
        code, _, err = run(["update", str(project), "--force", "--set", bad], tmp_path)
        assert code == 2 and named in err and err.count("\n") == 1, err
    # The catalog's rules hold for the new answers (the project is on SQLite).
    code, _, err = run(
        ["update", str(project), "--force", "--set", "infrastructure=kubernetes"], tmp_path
    )
    assert code == 2 and "sqlite" in err.lower() and err.count("\n") == 1, err


def test_a_signal_during_the_apply_leaves_all_of_it(tmp_path, catalog, monkeypatch) -> None:
    """SIGTERM arrives while the files are being moved into place: the move completes (it is
    deferred), then the run ends as interrupted, with the project whole."""
    project = fresh(tmp_path, "shop", catalog)
    moved = []
    real_move = update_mod._move

    def move(src: Path, dest: Path) -> None:
        moved.append(dest)
        if len(moved) == 2:
            os.kill(os.getpid(), signal.SIGTERM)
        real_move(src, dest)

    monkeypatch.setattr(update_mod, "_move", move)
    code, _, err = run(["update", str(project), "--set", "database=postgresql"], tmp_path)
    assert code == 128 + signal.SIGTERM
    assert "Interrupted (SIGTERM)" in err
    monkeypatch.undo()
    expected = fresh(tmp_path, "expected", catalog, database=["postgresql"])
    assert tree(project) == tree(expected)


def test_a_recorded_source_is_never_installed_unless_it_is_a_release(tmp_path, catalog) -> None:
    """A hostile .stackgen.yml naming a wheel it ships, or a branch, is refused before pip
    runs, whatever the user agrees to; so is a --base-from of that kind."""
    project = fresh(tmp_path, "shop", catalog)
    record = project / ".stackgen.yml"
    text = record.read_text().replace("files_digest: ", "files_digest: 0000000000000000\n#: ")
    for source in ["tools/evil-1.0-py3-none-any.whl", "git+https://host/x@main", "-e ."]:
        record.write_text(text.replace("answers:", f"stackgen_source: {source!r}\nanswers:"))
        code, _, err = run(["update", str(project), "--dry-run"], tmp_path)
        assert code == 2 and "is not a stackgen release stackgen will install" in err, err
    code, _, err = run(["update", str(project), "--base-from", "./evil.whl"], tmp_path)
    assert code == 2 and "--base-from" in err


def test_modes_links_and_folders_in_the_way(tmp_path, catalog) -> None:
    """The executable bit is part of a file; a link or a folder in the way is never written
    through or replaced; a deleted file the template did not change comes back when asked."""
    project = committed(fresh(tmp_path, "shop", catalog))
    secret = project / ".env.example"
    secret.chmod(0o600)
    (project / "Makefile").unlink()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.rmtree(project / "deploy")
    (project / "deploy").symlink_to(outside, target_is_directory=True)
    git(project, "add", "-A")
    git(project, "commit", "-qm", "ours")

    sets = ["--set", "infrastructure=kubernetes", "--set", "database=postgresql"]
    code, out, err = run(["update", str(project), *sets, "--recreate-deleted"], tmp_path)
    assert code == 0, err
    assert list(outside.iterdir()) == []  # nothing written through the link
    assert "keep-blocked  deploy/k8s/deployment.yaml" in out
    assert (project / "Makefile").exists()  # unchanged by the template, recreated as asked
    assert secret.stat().st_mode & 0o777 == 0o600  # updated, the user's permissions kept


def test_an_executable_bit_the_template_adds_is_applied(tmp_path, catalog) -> None:
    base, new, project = (fresh(tmp_path, n, catalog) for n in ("base", "new", "project"))
    script = "Makefile"
    (new / script).chmod(0o755)
    plan = update_mod.plan_update(project, base, new)
    assert [(c.path, c.action) for c in plan.changes if c.path == script] == [(script, "update")]
    update_mod.apply(project, plan, git=False)
    assert os.access(project / script, os.X_OK)


def test_a_signal_after_the_update_is_reported_as_kept(tmp_path, catalog, monkeypatch) -> None:
    project = fresh(tmp_path, "shop", catalog)
    real_apply = update_mod.apply

    def apply_then_signal(*args, **kwargs) -> None:
        real_apply(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(update_mod, "apply", apply_then_signal)
    code, out, err = run(["update", str(project), "--set", "api=graphql"], tmp_path)
    assert code == 128 + signal.SIGINT
    assert "Updated" in out and "was complete; it is kept" in err
    assert "graphql" in (project / ".stackgen.yml").read_text()


def _install(venv_dir: Path, source: Path) -> Path:
    venv.create(venv_dir, with_pip=True)
    subprocess.run(
        [str(venv_dir / "bin" / "pip"), "install", "-q", str(source)],
        check=True,
        capture_output=True,
    )
    return venv_dir / "bin" / "stackgen"


@pytest.mark.slow
def test_two_real_releases(tmp_path) -> None:
    """Release 1 generates; the user edits; release 2 (a template change, a file renamed, a
    new version) updates, rendering the base with release 1 installed from its recorded
    source: a commit of the clone it was installed from."""
    source = tmp_path / "stackgen"
    source.mkdir()
    for part in ("generator", "templates"):
        shutil.copytree(ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    committed(source)
    old = _install(tmp_path / "v1", source)
    env = {**os.environ, "STACKGEN_RELEASES": str(tmp_path / "releases")}
    env.pop("PYTHONPATH", None)
    work = tmp_path / "work"
    work.mkdir()
    subprocess.run([str(old), "new", "--no-input", "shop"], cwd=work, check=True, env=env)
    project = committed(work / "shop")
    record = yaml.safe_load((project / ".stackgen.yml").read_text())
    commit = git(source, "rev-parse", "HEAD").strip()
    assert record["stackgen_source"] == f"git+{source.as_uri()}@{commit}"

    # The user's edits: a line of their own under the README's title, and in the Makefile.
    title, rest = (project / "README.md").read_text().split("\n", 1)
    (project / "README.md").write_text(f"{title}\n\nOur notes.\n{rest}")
    makefile = project / "Makefile"
    makefile.write_text(makefile.read_text().replace("uv run pytest", "uv run pytest -x"))
    git(project, "commit", "-qam", "ours")

    # Release 2: the README template gains a line, .dockerignore is renamed, version bumped.
    readme = source / "templates" / "common" / "files" / "README.md"
    readme.write_text(readme.read_text() + "\nKept in line with `stackgen update`.\n")
    ignore = source / "templates" / "language" / "python-http-server" / "files" / ".dockerignore"
    ignore.rename(ignore.with_name(".containerignore"))
    init = source / "generator" / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "', '__version__ = "9.'))
    git(source, "add", "-A")
    git(source, "commit", "-qm", "release 2")
    new = _install(tmp_path / "v2", source)

    # Without the user's consent (no terminal to ask on), the old release is not installed.
    result = subprocess.run(
        [str(new), "update"], cwd=project, capture_output=True, text=True, env=env
    )
    assert result.returncode == 2 and "--base-from git+file://" in result.stderr
    assert not (tmp_path / "releases").exists()
    base_from = f"git+{source.as_uri()}@{commit}"
    result = subprocess.run(
        [str(new), "update", "--base-from", base_from],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the release that rendered the project" in result.stdout
    text = (project / "README.md").read_text()
    assert "Our notes." in text and "Kept in line with `stackgen update`." in text
    assert "uv run pytest -x" in makefile.read_text()
    assert not (project / ".dockerignore").exists() and (project / ".containerignore").exists()
    record = yaml.safe_load((project / ".stackgen.yml").read_text())
    assert record["stackgen_version"].startswith("9.")
    result = subprocess.run([str(new), "check"], cwd=project, capture_output=True, env=env)
    assert result.returncode == 0


def test_installing_the_recorded_release_is_asked_first(tmp_path, catalog) -> None:
    """At a terminal, update shows the release it would install and run, and a "no" (the
    default) installs nothing."""
    project = fresh(tmp_path, "shop", catalog)
    record = project / ".stackgen.yml"
    text = record.read_text().replace("files_digest: ", "files_digest: 0000000000000000\n#: ")
    record.write_text(text.replace("answers:", "stackgen_source: stackgen==0.0.1\nanswers:"))
    child = pexpect.spawn(
        sys.executable,
        ["-m", "generator", "update", str(project)],
        cwd=str(tmp_path),
        env={**os.environ, "STACKGEN_RELEASES": str(tmp_path / "releases")},
        encoding="utf-8",
        timeout=30,
    )
    child.expect_exact("stackgen==0.0.1")
    child.expect_exact("Install and run it? [y/N]: ")
    child.sendline("")
    child.expect("pass --base-from stackgen==0.0.1 to agree")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert not (tmp_path / "releases").exists()
