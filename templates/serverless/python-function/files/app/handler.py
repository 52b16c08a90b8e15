"""The Lambda function's entry point (``app.handler.handler``): the app, built once per
container from the environment's settings, serving API Gateway HTTP API events."""

from app.core.lambda_http import LambdaApp
from app.main import create_app

handler = LambdaApp(create_app())
