"""Invoking a function's handler by hand, as Lambda would (`make invoke-api`,
`make invoke-report`): an event from a file, a stand-in for Lambda's context."""

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any


def invoke_file(handler: Callable[[Any, Any], Any], path: str, function_name: str) -> None:
    """Hands ``handler`` the event in the file at ``path`` and prints its answer."""
    context = SimpleNamespace(
        function_name=function_name,
        memory_limit_in_mb=512,
        invoked_function_arn=f"arn:aws:lambda:local:000000000000:function:{function_name}",
        aws_request_id=str(uuid.uuid4()),
    )
    event = json.loads(Path(path).read_text(encoding="utf-8"))
    print(json.dumps(handler(event, context)))
