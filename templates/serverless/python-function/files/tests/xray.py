"""A function's entry point run as one traced invocation, for real: in a process of its own set
up as a Lambda container with X-Ray on (LAMBDA_TASK_ROOT, and the trace header Lambda sets for
an invocation), its X-Ray SDK sending the trace's documents to a UDP socket on loopback that
stands in for the X-Ray daemon. Outside such a container the tracer stays off, as in every
other test."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from app.core.config import Settings

ROOT = Path(__file__).resolve().parents[1]
# X-Ray's documents are small: one datagram each.
DATAGRAM = 65_536


def traced_run(settings: Settings, module: str, event: str) -> tuple[str, list[dict[str, Any]]]:
    """Runs ``python -m module event`` (the entry point handing itself the event in the file)
    against ``settings``' table; the trace's id and the documents sent for it."""
    trace_id = f"1-{int(time.time()):08x}-{secrets.token_hex(12)}"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as daemon:
        daemon.bind(("127.0.0.1", 0))
        daemon.settimeout(0.5)
        port = daemon.getsockname()[1]
        env = {
            **os.environ,
            "LAMBDA_TASK_ROOT": str(ROOT),
            "_X_AMZN_TRACE_ID": f"Root={trace_id};Parent={secrets.token_hex(8)};Sampled=1",
            "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{port}",
            "DATABASE_URL": settings.database_url,
            "DYNAMODB_TABLE": settings.dynamodb_table,
            "ENVIRONMENT": "test",
        }
        subprocess.run(  # noqa: S603 - this interpreter, with the test's own arguments
            [sys.executable, "-m", module, str(ROOT / event)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        )
        documents: list[dict[str, Any]] = []
        while True:
            try:
                datagram = daemon.recv(DATAGRAM)
            except TimeoutError:
                return trace_id, documents
            _, _, document = datagram.partition(b"\n")  # after the header line
            documents.append(json.loads(document))
