"""POSTs a client can retry safely: a request carrying an ``Idempotency-Key`` header is served
once, and a retry with the same key gets the first answer again (mobile clients retry on flaky
networks, and a client that timed out cannot tell whether its item was made).

Powertools' idempotency utility keeps one record per method, path and key in the table
(``pk`` = ``idempotency#`` and a hash of them; ``expires_at``, which the table's TTL reads, a
day on), with a hash of the rest of the request (its query, content type and body, byte for
byte). This middleware drives its persistence layer around the app, as Powertools' own Middy
middleware does around a handler. A retry with the same key:
- while the first request is still served: 409, with Retry-After;
- with another query or body (the key reused for a different request): 422;
- afterwards: the first answer, marked ``Idempotent-Replayed: true``.
An answer of 5xx is not kept, so the retry is served again; one too large for a DynamoDB item
is kept without its body. A request without the header is served as always. The record of a
request cut off mid-way (the function timed out) stops counting as in progress when the
invocation's time is up. The key is the client's: with sign-in, make the caller part of it.
"""

import base64
import logging
import re
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.dynamodb import Database
from app.core.problems import problem_response

logger = logging.getLogger(__name__)

HEADER = b"idempotency-key"
# How long an answer is kept for retries (a day, as payment APIs keep theirs).
KEEP_SECONDS = 24 * 60 * 60
MAX_KEY_LENGTH = 255
PRINTABLE = re.compile(r"[\x20-\x7e]+")
# How long a request counts as in progress where no Lambda context says how much time the
# invocation has left (the loopback gateway of `make dev`).
IN_PROGRESS_MILLIS = 30_000
RETRY_AFTER_SECONDS = 1
# What describes a body, dropped with it.
CONTENT_HEADERS = frozenset({"content-type", "content-length", "content-encoding", "etag"})

Answer = dict[str, Any]


def with_idempotency(app: FastAPI) -> FastAPI:
    """``app`` with keyed POSTs served once, against its DynamoDB table. The middleware goes
    innermost, so the answers it gives pass the app's own (security headers, the request log,
    503 while the table cannot be reached) like any other."""
    if not getattr(app.state, "idempotency", False):
        database = app.state.resources["database"]
        if not isinstance(database, Database):
            raise TypeError("idempotent requests are kept in the DynamoDB table")
        app.user_middleware.append(Middleware(Idempotency, database=database))
        app.state.idempotency = True
    return app


class Idempotency:
    def __init__(self, app: ASGIApp, database: Database) -> None:
        self.app = app
        self.database = database
        self.records = DynamoDBPersistenceLayer(
            table_name=database.table,
            key_attr="pk",
            expiry_attr="expires_at",
            boto3_client=database.client,
        )
        config = IdempotencyConfig(
            event_key_jmespath="[method, path, key]",
            payload_validation_jmespath="[query, content_type, body]",
            expires_after_seconds=KEEP_SECONDS,
        )
        self.records.configure(config, key_prefix="idempotency")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, HEADER) if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        if len(key) > MAX_KEY_LENGTH or not PRINTABLE.fullmatch(key):
            detail = f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters"
            await problem_response(Request(scope), HTTPStatus.BAD_REQUEST, detail)(
                scope, receive, send
            )
            return
        try:
            body = await _read_body(receive)
        except Exception as exc:  # too large, or the client left: the app answers it as always
            await self.app(scope, _raising(exc), send)
            return
        request = {
            "method": scope["method"],
            "path": scope["path"],
            "key": key,
            "query": scope["query_string"].decode("latin-1"),
            "content_type": _header(scope, b"content-type") or "",
            "body": base64.b64encode(body).decode("ascii"),
        }
        answer = await self._kept_answer(scope, request)
        if answer is None:
            answer = await self._serve(scope, body, request)
        await _send_answer(answer, send)

    async def _kept_answer(self, scope: Scope, request: dict[str, str]) -> Answer | None:
        """None once the request is recorded as in progress (it is to be served); otherwise
        the answer to give instead: the first request's, or why there is none."""
        context = scope.get("aws.context")
        remaining = getattr(context, "get_remaining_time_in_millis", lambda: IN_PROGRESS_MILLIS)
        try:
            await self.database.call(
                self.records.save_inprogress, data=request, remaining_time_in_millis=remaining()
            )
        except IdempotencyValidationError:
            return await _problem(scope, HTTPStatus.UNPROCESSABLE_ENTITY, REUSED)
        except IdempotencyItemAlreadyExistsError as exc:
            # DynamoDB hands back the record that stopped the write, checked against the body.
            return await self._replay(scope, exc.old_data_record)
        return None

    async def _replay(self, scope: Scope, record: DataRecord | None) -> Answer:
        answer = record.response_json_as_dict() if record and record.status == "COMPLETED" else None
        if answer is None:
            in_progress = await _problem(scope, HTTPStatus.CONFLICT, IN_PROGRESS)
            in_progress["headers"].append(["retry-after", str(RETRY_AFTER_SECONDS)])
            return in_progress
        answer["headers"].append(["idempotent-replayed", "true"])
        return answer

    async def _serve(self, scope: Scope, body: bytes, request: dict[str, str]) -> Answer:
        """The app's answer, kept for retries unless it is a server error."""
        try:
            answer = await _answer_of(self.app, scope, body)
        except BaseException as exc:
            await self._forget(request, exc)
            raise
        if answer["status"] >= HTTPStatus.INTERNAL_SERVER_ERROR:
            await self._forget(request, RuntimeError(f"answered {answer['status']}"))
            return answer
        # An answer too large for a DynamoDB item (400 KB) is kept without its body: a retry
        # gets its status and headers (Location names what was made), not a second run.
        bodiless = answer | {"body": "", "headers": _without_content(answer["headers"])}
        for kept in (answer, bodiless):
            try:
                await self.database.call(self.records.save_success, data=request, result=kept)
            except Exception:  # the first may be too large; the second try has no body
                logger.warning("the answer to a keyed request was not kept", exc_info=True)
            else:
                return answer
        # Not kept at all (the table went away): the record counts as in progress until the
        # invocation's time is up, then a retry is served anew.
        return answer

    async def _forget(self, request: dict[str, str], reason: BaseException) -> None:
        """Drops the in-progress record, so a retry is served anew."""
        try:
            await self.database.call(self.records.delete_record, data=request, exception=reason)
        except Exception:  # the record ends with the invocation's time; the app's error stands
            logger.warning("a keyed request's record was not dropped", exc_info=True)


def _without_content(headers: list[list[str]]) -> list[list[str]]:
    return [[name, value] for name, value in headers if name not in CONTENT_HEADERS]


REUSED = "this Idempotency-Key was used for another request (another query or body)"
IN_PROGRESS = "a request with this Idempotency-Key is still being served; retry shortly"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionResetError("the client left before sending the whole body")
        body += bytes(message.get("body", b""))
        if not message.get("more_body", False):
            return body


def _raising(exc: Exception) -> Receive:
    async def receive() -> Message:
        raise exc

    return receive


async def _answer_of(app: ASGIApp, scope: Scope, body: bytes) -> Answer:
    """What ``app`` answers the request: status, headers and the body (base64), all of it."""
    answer: Answer = {"status": 500, "headers": [], "body": ""}
    chunks: list[bytes] = []
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def collect(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = [
                [name.decode("latin-1"), value.decode("latin-1")]
                for name, value in message.get("headers", [])
            ]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, collect)
    answer["body"] = base64.b64encode(b"".join(chunks)).decode("ascii")
    return answer


async def _problem(scope: Scope, status: HTTPStatus, detail: str) -> Answer:
    response = problem_response(Request(scope), status, detail)
    return await _answer_of(response, scope, b"")


async def _send_answer(answer: Answer, send: Send) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in answer["headers"]
    ]
    await send({"type": "http.response.start", "status": answer["status"], "headers": headers})
    await send({"type": "http.response.body", "body": base64.b64decode(answer["body"])})
