"""The Lambda function's entry point (``app.handler.handler``): the app, built once per
container from the environment's settings, serving API Gateway HTTP API events.

``python -m app.handler events/api-request.json`` (`make invoke-api`) hands it an event from a
file, against the store the environment names, and prints its answer."""

import json
import sys
from pathlib import Path
from types import SimpleNamespace

from app.core.lambda_http import LambdaApp
from app.main import create_app

handler = LambdaApp(create_app())


def main(path: str) -> None:
    context = SimpleNamespace(
        function_name="api",
        memory_limit_in_mb=512,
        invoked_function_arn="arn:aws:lambda:local:000000000000:function:api",
        aws_request_id="local",
    )
    event = json.loads(Path(path).read_text(encoding="utf-8"))
    try:
        print(json.dumps(handler(event, context)))
    finally:
        handler.close()


if __name__ == "__main__":
    main(sys.argv[1])
