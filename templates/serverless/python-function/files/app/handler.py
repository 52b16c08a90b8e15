"""The Lambda function's entry point (``app.handler.handler``): the app, built once per
container from the environment's settings, serving API Gateway HTTP API events; a POST with an
``Idempotency-Key`` header is served once (app.core.idempotency).

``python -m app.handler events/api-request.json`` (`make invoke-api`) hands it an event from a
file, against the store the environment names, and prints its answer."""

import sys

from app.core.idempotency import with_idempotency
from app.core.lambda_http import LambdaApp
from app.core.lambda_local import invoke_file
from app.main import create_app

handler = LambdaApp(with_idempotency(create_app()))

if __name__ == "__main__":
    try:
        invoke_file(handler, sys.argv[1], "api")
    finally:
        handler.close()
