"""The Lambda function's entry point (``app.handler.handler``): the app, built once per
container from the environment's settings, serving API Gateway HTTP API events; a POST with an
``Idempotency-Key`` header is served once (app.core.idempotency).

Traced with Powertools' tracer on AWS X-Ray (template.yaml turns tracing on): a subsegment for
each invocation, cold starts annotated, and one for each call the app makes to AWS (boto3 is
patched as the tracer starts). Outside Lambda the tracer stays off and X-Ray's SDK is not
loaded.

``python -m app.handler events/api-request.json`` (`make invoke-api`) hands it an event from a
file, against the store the environment names, and prints its answer."""

import sys
from typing import Any

from aws_lambda_powertools import Tracer

from app.core.idempotency import with_idempotency
from app.core.lambda_http import LambdaApp
from app.core.lambda_local import invoke_file
from app.main import create_app

tracer = Tracer(service="api")
api = LambdaApp(with_idempotency(create_app()))


@tracer.capture_lambda_handler(capture_response=False)  # (answers can be large, or personal)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return api(event, context)


if __name__ == "__main__":
    try:
        invoke_file(handler, sys.argv[1], "api")
    finally:
        api.close()
