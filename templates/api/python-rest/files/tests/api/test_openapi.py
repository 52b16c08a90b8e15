{%- set sql = cookiecutter.data.python_item_store.session is defined -%}
"""Property-based API tests: schemathesis reads the app's OpenAPI document and sends the running
app generated requests - valid and invalid ones, boundary values, sequences that follow the
document's links - and checks that every answer is what the document says (status codes,
content types, headers, bodies; invalid input refused, valid input accepted)."""
{% if not sql %}
import asyncio
{%- endif %}
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from app.core.config import Settings
{%- if not sql %}
from app.core.resources.database import create
{%- endif %}
from app.main import create_app
from tests.host import host_app


@pytest.fixture
def running_app(settings: Settings) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port (in a thread of this process), as its
    host serves it (tests/host.py), as a client reaches it; the items the run made are deleted
    through the API afterwards."""
{%- if not sql %}
    asyncio.run(_prepare_database(settings))
{%- endif %}
    app = host_app(create_app(settings))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the app stopped while starting"
        assert time.monotonic() < deadline, "the app did not start in 30 s"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    try:
        yield url
    finally:
        _delete_every_item(url)
        server.should_exit = True
        thread.join(timeout=30)
{%- if not sql %}


async def _prepare_database(settings: Settings) -> None:
    """What the migrate step does before a deploy."""
    database = create(settings)
    try:
        await database.migrate()
    finally:
        await database.close()
{%- endif %}


def _delete_every_item(url: str) -> None:
    with httpx.Client(base_url=url) as client:
        while page := client.get("/items", params={"limit": 100}).json()["items"]:
            for item in page:
                client.delete(f"/items/{item['id']}")


# The whole run, every phase at `make check`'s 50 examples an operation, can pass the suite's
# 60 s hang guard on a busy machine; its length is bounded by the examples, not the clock.
@pytest.mark.timeout(300)
def test_the_api_answers_as_its_openapi_document_says(running_app: str) -> None:
    # schemathesis's command line (its pytest plugin lags pytest): every check, every phase -
    # the document's examples, boundary values, random requests, and stateful sequences that
    # follow its links. A fixed seed makes a failure reproducible. `make test` sends a few
    # requests an operation and skips the coverage phase (every boundary and invalid value,
    # some 200 requests); `make check` and CI run it all (API_FUZZ_EXAMPLES, API_FUZZ_PHASES).
    examples = os.environ.get("API_FUZZ_EXAMPLES", "5")
    phases = os.environ.get("API_FUZZ_PHASES", "examples,fuzzing,stateful")
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "run", f"{running_app}/openapi.json",
        "--checks", "all", "--max-examples", examples, "--phases", phases, "--seed", "1",
    ]  # fmt: skip
    # schemathesis is the client, not the app: it runs outside coverage's subprocess measurement
    # (pyproject's patch = ["subprocess"]), whose greenlet tracing could leave it spinning for
    # ever as a thread's greenlet state was torn down.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS_")}
    env.update(NO_COLOR="1", COLUMNS="120")
    try:
        result = subprocess.run(  # noqa: S603 - a fixed command from this venv
            command, env=env, capture_output=True, text=True, timeout=240, check=False
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout
        printed = out.decode(errors="replace") if isinstance(out, bytes) else str(out)
        pytest.fail(f"schemathesis ran past 240 s; it printed:\n{printed}")
    assert result.returncode == 0, result.stdout + result.stderr
