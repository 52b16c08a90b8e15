"""The generated apps against stores set up the way the platforms' managed services are, with
the environment the generated deploy config gives them - not the open servers of this
machine. Each drill runs a private server the test controls (never the shared ones):

- PostgreSQL that accepts TLS only and a password (RDS PostgreSQL 15+ refuses plain
  connections; Heroku Postgres's certificate is self-signed);
- Redis on a TLS port only with an auth token (ElastiCache with in-transit encryption, its
  certificate from a public authority - here a CA the app is told to trust; Heroku Key-Value
  Store, its certificate trusted by nobody);
- MySQL with a password the platform injects apart from the URL (ECS's secret).

What the app gets comes from the rendered deploy files: the ECS task definition's environment
and secrets, and app.json's config vars. Negative controls show each drill can fail: without
the TLS settings the deploy config adds, the same app never becomes ready.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.catalog import default_catalog
from generator.render import plan
from generator.stack import resolve
from generator.templating import render_file
from tests.harness import (
    FAILED,
    _free_port,
    _run,
    generate,
    project_env,
    stop_server,
)
from tests.test_eb_https import _CfnLoader

pytestmark = pytest.mark.slow

CATALOG = default_catalog()
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)


def _tool(name: str) -> bool:
    return shutil.which(name) is not None


def _require(available: bool, what: str) -> None:
    if not available:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing on this machine")
        pytest.skip(f"{what} is missing on this machine")


# --- Certificates: a CA of the test's own and a server certificate for localhost ---


@dataclass
class Certificates:
    ca: Path
    cert: Path
    key: Path


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> Certificates:
    _require(_tool("openssl"), "openssl")
    root = tmp_path_factory.mktemp("tls")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=root, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "ca.crt", "-days", "2", "-subj", "/CN=stackgen drill CA")  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
            "-out", "server.csr", "-subj", "/CN=localhost")  # fmt: skip
    (root / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.crt", "-days", "2",
            "-extfile", "san.ext")  # fmt: skip
    (root / "server.key").chmod(0o600)
    return Certificates(root / "ca.crt", root / "server.crt", root / "server.key")


# --- Private servers ---


@dataclass
class Server:
    port: int
    user: str
    password: str
    database: str
    # Makes a fresh database of that name (each drill gets one: the apps migrate it).
    create_database: Callable[[str], None] | None = None


def _server_user(name: str) -> tuple[list[str], int, int]:
    """How to run a database server's programs, which refuse to run as root: as the server's
    own system user when the tests run as root. (argv prefix, uid, gid)"""
    if os.geteuid() != 0:
        return [], os.getuid(), os.getgid()
    _require(_tool("runuser"), "runuser (to run a server as a user other than root)")
    user = pwd.getpwnam(name)
    return ["runuser", "-u", name, "--"], user.pw_uid, user.pw_gid


@pytest.fixture(scope="module")
def tls_postgresql(certificates) -> Iterator[Server]:
    """A PostgreSQL of the test's own: TLS and a password, or the connection is refused."""
    _require(PG_BIN is not None, "PostgreSQL's server programs (initdb)")
    assert PG_BIN is not None
    as_server, uid, gid = _server_user("postgres")
    # Outside pytest's private temporary directory, which the server's user cannot enter.
    root = Path(tempfile.mkdtemp(prefix="stackgen-drill-pg-"))
    data, socket_dir = root / "data", root / "socket"
    socket_dir.mkdir()
    shutil.copy(certificates.cert, root / "server.crt")
    shutil.copy(certificates.key, root / "server.key")
    for path in (root, socket_dir, root / "server.crt", root / "server.key"):
        os.chown(path, uid, gid)

    def run(*argv: object) -> None:
        subprocess.run([*as_server, *map(str, argv)], check=True, capture_output=True, timeout=60)

    port = _free_port()
    server = Server(port, "app", secrets.token_urlsafe(12) + "/@:", "")
    try:
        run(PG_BIN / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync")
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{socket_dir}'\nfsync = off\n"
                f"ssl = on\nssl_cert_file = '{root / 'server.crt'}'\n"
                f"ssl_key_file = '{root / 'server.key'}'\n"
            )
        (data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
            "hostnossl all all 127.0.0.1/32 reject\n"
        )
        run(PG_BIN / "pg_ctl", "-D", data, "-l", root / "server.log", "-w", "start")
        psql = [PG_BIN / "psql", "-h", socket_dir, "-p", port, "-U", "postgres", "-qc"]
        run(*psql, f"CREATE ROLE app LOGIN PASSWORD '{server.password}'")
        server.create_database = lambda name: run(*psql, f"CREATE DATABASE {name} OWNER app")
        yield server
    finally:
        subprocess.run(
            [*as_server, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def _own_database_on(server: Server) -> Server:
    """A database of the drill's own on a module's server, for the same user."""
    name = f"drill_{secrets.token_hex(4)}"
    assert server.create_database
    server.create_database(name)
    return Server(server.port, server.user, server.password, name)


@pytest.fixture
def postgresql(tls_postgresql) -> Server:
    """A database of this drill's own on the TLS-only PostgreSQL."""
    return _own_database_on(tls_postgresql)


@pytest.fixture(scope="module")
def tls_redis(certificates, tmp_path_factory) -> Iterator[Server]:
    """A Redis of the test's own on a TLS port only, with an auth token."""
    _require(_tool("redis-server"), "redis-server")
    port = _free_port()
    token = secrets.token_hex(24)
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        ["redis-server", "--port", "0", "--tls-port", str(port),
         "--tls-cert-file", str(certificates.cert), "--tls-key-file", str(certificates.key),
         "--tls-ca-cert-file", str(certificates.ca), "--tls-auth-clients", "no",
         "--requirepass", token, "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_port(port)
        yield Server(port, "", token, "0")
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_port(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


@pytest.fixture(scope="module")
def tls_mysql(certificates) -> Iterator[Server]:
    """A MariaDB of the test's own that refuses connections without TLS
    (require_secure_transport, as the ECS stack's parameter group sets it on RDS MySQL)."""
    _require(_tool("mariadb-install-db") and _tool("mariadbd"), "MariaDB's server programs")
    as_server, uid, gid = _server_user("mysql")
    root = Path(tempfile.mkdtemp(prefix="stackgen-drill-mysql-"))
    shutil.copy(certificates.cert, root / "server.crt")
    shutil.copy(certificates.key, root / "server.key")
    for path in (root, root / "server.crt", root / "server.key"):
        os.chown(path, uid, gid)
    port, socket_file = _free_port(), root / "server.sock"
    subprocess.run(
        [*as_server, "mariadb-install-db", "--no-defaults", f"--datadir={root / 'data'}",
         "--auth-root-authentication-method=normal", "--skip-test-db"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    process = subprocess.Popen(
        [*as_server, shutil.which("mariadbd") or "mariadbd", "--no-defaults",
         f"--datadir={root / 'data'}", f"--socket={socket_file}", f"--port={port}",
         "--bind-address=127.0.0.1", f"--ssl-cert={root / 'server.crt'}",
         f"--ssl-key={root / 'server.key'}", "--require-secure-transport=ON",
         "--skip-log-bin", "--innodb-flush-log-at-trx-commit=0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def sql(statement: str) -> None:
        client = shutil.which("mariadb") or "mysql"
        subprocess.run(
            [client, f"--socket={socket_file}", "-u", "root", "-e", statement],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    try:
        _wait_port(port)
        password = secrets.token_urlsafe(12) + "/@:"
        sql(f"CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY '{password}'")
        yield Server(
            port,
            "app",
            password,
            "",
            create_database=lambda name: sql(
                f"CREATE DATABASE {name}; GRANT ALL ON {name}.* TO 'app'@'127.0.0.1'"
            ),
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mysql(tls_mysql) -> Server:
    """A database of this drill's own on the TLS-only MariaDB."""
    return _own_database_on(tls_mysql)


# --- The generated project, installed once per language and stores ---


@dataclass
class Project:
    path: Path
    data: dict[str, Any]
    runtime: str | None

    def deploy_file(self, infrastructure: str, rel: str) -> str:
        """A deploy file as the same stack on another platform renders it."""
        flags = dict(self.flags, infrastructure=infrastructure)
        layers, context = plan(resolve(CATALOG, flags=flags, no_input=True), CATALOG)
        return render_file(layers, context, rel)

    flags: dict[str, Any]


def _project(language: str, databases: list[str], workdir: Path) -> Project:
    flags = {
        "name": "drill",
        "language": language,
        "architecture": "monolith",
        "database": databases,
        "infrastructure": "aws-ecs-fargate",
        "api": "rest",
    }
    stack = resolve(CATALOG, flags=flags, no_input=True)
    _, context = plan(stack, CATALOG)
    data = context["data"]
    project = generate(stack, CATALOG, workdir)
    runtime = data["harness"].get("runtime")
    install = _run(
        "install", data["harness"]["steps"]["install"], project, project_env({}, runtime)
    )
    assert install.status != FAILED, install.detail
    return Project(project, data, runtime, flags)


@pytest.fixture(scope="module", params=["python", "typescript"])
def cached_project(request, tmp_path_factory) -> Project:
    return _project(request.param, ["postgresql", "redis"], tmp_path_factory.mktemp("pg"))


@pytest.fixture(scope="module", params=["python", "typescript"])
def mysql_project(request, tmp_path_factory) -> Project:
    return _project(request.param, ["mysql"], tmp_path_factory.mktemp("my"))


# --- Running the app as deployed ---


def _ecs_environment(project: Project) -> tuple[dict[str, Any], list[str]]:
    """The app container's environment (values, or !Sub strings) and the names of its
    secrets, from the task definition."""
    template = yaml.load((project.path / "deploy/aws/template.yaml").read_text(), Loader=_CfnLoader)
    (container,) = template["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    environment = {e["Name"]: e["Value"] for e in container["Environment"]}
    return environment, [s["Name"] for s in container.get("Secrets", [])]


def _sub(value: Any, attributes: dict[str, str]) -> str:
    """A value of the task definition's environment; a CloudFormation Fn::Sub (either form)
    with the resources' attributes (e.g. "Database.Endpoint.Address") put in."""
    if not isinstance(value, dict):
        return str(value)
    sub = value["Fn::Sub"]
    text, variables = (sub, {}) if isinstance(sub, str) else sub
    for name, reference in variables.items():
        text = text.replace(f"${{{name}}}", attributes[".".join(reference["Fn::GetAtt"])])
    for name, attribute in attributes.items():
        text = text.replace(f"${{{name}}}", attribute)
    assert "${" not in text, text
    return text


def _endpoints(**servers: tuple[str, int]) -> dict[str, str]:
    """The attributes of the stack's resources (Database, Cache) for the drill's servers."""
    name = {"Database": "Database.Endpoint", "Cache": "Cache.PrimaryEndPoint"}
    attributes = {}
    for resource, (host, port) in servers.items():
        attributes[f"{name[resource]}.Address"] = host
        attributes[f"{name[resource]}.Port"] = str(port)
    return attributes


def _ready(url: str, server: subprocess.Popen[bytes], seconds: float) -> tuple[bool, str]:
    """Whether /readyz answered 200 in time, and its last answer."""
    deadline = time.monotonic() + seconds
    answer = ""
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return True, response.read().decode()
        except urllib.error.HTTPError as error:
            answer = error.read().decode()
        except OSError:
            pass
        time.sleep(0.3)
    return False, answer


def _own_database(url: str, name: str) -> str:
    """The stack's URL names the database "app"; each drill has one of its own."""
    assert url.endswith("/app"), url
    return f"{url.removesuffix('/app')}/{name}"


def _serve(
    project: Project,
    env: dict[str, str],
    wait: float = 60,
    probe: Callable[[str], None] | None = None,
) -> tuple[bool, str]:
    """Migrate, start the app, wait for /readyz; then create and read an item, and run
    `probe` with the app's address. (ready, log)"""
    serve = project.data["harness"]["serve"]
    port = _free_port()
    env = project_env({**env, "PORT": str(port), "HOST": "127.0.0.1"}, project.runtime)
    for argv in [
        *serve.get("prepare", []),
        [*serve.get("run", []), *project.data["container"]["migrate"]],
    ]:
        step = _run("migrate", argv, project.path, env)
        if step.status == FAILED:
            return False, f"{' '.join(argv)}: {step.detail}"
    log = project.path / ".drill.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            serve["start"], cwd=project.path, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        ready, answer = _ready(f"{base}/readyz", server, wait)
        if not ready:
            return False, f"/readyz: {answer}\n{log.read_text()}"
        name = f"drill {secrets.token_hex(4)}"
        request = urllib.request.Request(
            f"{base}/items", json.dumps({"name": name}).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
            item = json.load(response)
        for _ in range(2):  # the second read comes from the cache where there is one
            with urllib.request.urlopen(f"{base}/items/{item['id']}", timeout=10) as response:
                assert json.load(response)["name"] == name
        if probe:
            probe(base)
        return True, log.read_text()[-3000:]
    finally:
        stop_server(server)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_: Any) -> None:
        return None


def _plain_http_is_redirected(base: str) -> None:
    """Heroku's router forwards plain HTTP with X-Forwarded-Proto: http; the app (HTTPS_ONLY)
    sends it to HTTPS, and answers HTTPS with HSTS."""
    opener = urllib.request.build_opener(_NoRedirects)
    plain = urllib.request.Request(
        f"{base}/items?limit=1", headers={"X-Forwarded-Proto": "http", "Host": "x.herokuapp.com"}
    )
    try:
        opener.open(plain, timeout=10)
    except urllib.error.HTTPError as answer:
        assert answer.code == 308
        assert answer.headers["Location"] == "https://x.herokuapp.com/items?limit=1"
    else:
        raise AssertionError("plain HTTP was answered, not redirected")
    secure = urllib.request.Request(f"{base}/healthz", headers={"X-Forwarded-Proto": "https"})
    with opener.open(secure, timeout=10) as response:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def _redis_keys(redis: Server, certificates: Certificates) -> int:
    answer = subprocess.run(
        ["redis-cli", "-p", str(redis.port), "--tls", "--cacert", str(certificates.ca),
         "--no-auth-warning", "-a", redis.password, "DBSIZE"],
        check=True, capture_output=True, text=True, timeout=10,
    )  # fmt: skip
    return int(answer.stdout.strip())


def _flush(redis: Server, certificates: Certificates) -> None:
    subprocess.run(
        ["redis-cli", "-p", str(redis.port), "--tls", "--cacert", str(certificates.ca),
         "--no-auth-warning", "-a", redis.password, "FLUSHALL"],
        check=True, capture_output=True, timeout=10,
    )  # fmt: skip


def _trust(project: Project, certificates: Certificates) -> dict[str, str]:
    """What makes the runtime trust the drill's CA, as a public authority is trusted."""
    if project.runtime == "node":
        return {"NODE_EXTRA_CA_CERTS": str(certificates.ca)}
    return {"SSL_CERT_FILE": str(certificates.ca)}


# --- The drills ---


def test_on_ecs_the_app_reaches_rds_postgresql_and_elasticache_over_tls(
    cached_project, postgresql, tls_redis, certificates
) -> None:
    environment, secret_names = _ecs_environment(cached_project)
    assert secret_names == ["DATABASE_PASSWORD", "REDIS_PASSWORD"]
    endpoints = _endpoints(
        Database=("127.0.0.1", postgresql.port), Cache=("localhost", tls_redis.port)
    )
    env = {k: _sub(v, endpoints) for k, v in environment.items()}
    env["DATABASE_URL"] = _own_database(env["DATABASE_URL"], postgresql.database)
    env.update(
        DATABASE_PASSWORD=postgresql.password,
        REDIS_PASSWORD=tls_redis.password,
        **_trust(cached_project, certificates),
    )
    _flush(tls_redis, certificates)
    ready, log = _serve(cached_project, env)
    assert ready, log
    assert _redis_keys(tls_redis, certificates) > 0  # the item was cached, over TLS


def test_without_the_tls_setting_the_deploy_config_adds_the_app_never_gets_ready(
    cached_project, postgresql, tls_redis, certificates
) -> None:
    """The negative control: node-postgres connects plainly unless PGSSLMODE says otherwise,
    and the server refuses it; asyncpg tries TLS first by itself, so for Python the control
    is the Redis certificate, which nobody trusts without the CA."""
    environment, _ = _ecs_environment(cached_project)
    endpoints = _endpoints(
        Database=("127.0.0.1", postgresql.port), Cache=("localhost", tls_redis.port)
    )
    env = {k: _sub(v, endpoints) for k, v in environment.items() if k != "PGSSLMODE"}
    env["DATABASE_URL"] = _own_database(env["DATABASE_URL"], postgresql.database)
    env.update(DATABASE_PASSWORD=postgresql.password, REDIS_PASSWORD=tls_redis.password)
    if cached_project.runtime == "node":
        env.update(_trust(cached_project, certificates))
    # Long enough: the same app is ready within seconds with the setting (the drill above).
    ready, detail = _serve(cached_project, env, wait=20)
    assert not ready, "the app became ready against a server it should not have reached"
    # ... and for the reason the control is about.
    if cached_project.runtime == "node":
        assert "no encryption" in detail, detail  # PostgreSQL's refusal of a plain connection
    else:
        assert '"database":"up"' in detail, detail
        assert '"cache":"down"' in detail, detail
        assert "CERTIFICATE_VERIFY_FAILED" in detail, detail


def test_on_heroku_the_app_reaches_the_add_ons_over_tls_it_cannot_verify(
    cached_project, postgresql, tls_redis, certificates
) -> None:
    app = json.loads(cached_project.deploy_file("heroku", "app.json"))
    assert {a["as"] for a in app["addons"]} == {"DATABASE", "REDIS"}
    config = {k: v["value"] for k, v in app["env"].items() if "value" in v}
    pg, redis = postgresql, tls_redis
    quote = urllib.parse.quote
    # As the add-ons set them: plain schemes, the credentials in the URLs.
    config["DATABASE_URL"] = (
        f"postgres://{pg.user}:{quote(pg.password, safe='')}@127.0.0.1:{pg.port}/{pg.database}"
    )
    config["REDIS_URL"] = f"rediss://:{redis.password}@127.0.0.1:{redis.port}"
    _flush(redis, certificates)
    # The drill's CA is trusted by nobody here.
    ready, log = _serve(cached_project, config, probe=_plain_http_is_redirected)
    assert ready, log
    assert _redis_keys(redis, certificates) > 0


def _mysql_env(project: Project, mysql: Server, keep_tls: bool) -> dict[str, str]:
    environment, secret_names = _ecs_environment(project)
    assert secret_names == ["DATABASE_PASSWORD"]
    url = _sub(environment["DATABASE_URL"], _endpoints(Database=("127.0.0.1", mysql.port)))
    base, _, query = url.partition("?")
    assert query == "ssl_mode=REQUIRED", url
    env = {k: str(v) for k, v in environment.items()}
    env["DATABASE_URL"] = _own_database(base, mysql.database) + (f"?{query}" if keep_tls else "")
    env["DATABASE_PASSWORD"] = mysql.password
    return env


def test_on_ecs_the_app_reaches_rds_mysql_over_tls_with_the_injected_password(
    mysql_project, mysql
) -> None:
    ready, log = _serve(mysql_project, _mysql_env(mysql_project, mysql, keep_tls=True))
    assert ready, log


def test_without_ssl_mode_the_app_never_reaches_mysql(mysql_project, mysql) -> None:
    """The negative control: the server refuses the driver's plain connection. (MySQL says
    "insecure transport"; MariaDB answers as for a wrong password, and the password is the
    one the drill above connects with.)"""
    ready, detail = _serve(mysql_project, _mysql_env(mysql_project, mysql, keep_tls=False), 20)
    assert not ready, "the app reached a server that requires TLS without it"
    assert "insecure transport" in detail or "Access denied" in detail, detail
