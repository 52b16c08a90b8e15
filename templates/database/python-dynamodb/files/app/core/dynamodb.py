"""Amazon DynamoDB through boto3. DATABASE_URL is the endpoint: DynamoDB Local or moto for
development and tests, ``https://dynamodb.<region>.amazonaws.com`` on AWS, where credentials
come from boto3's usual chain (environment, role).

boto3 is synchronous and its clients are thread-safe: each call runs in a worker thread, so
the event loop never waits on the network."""

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.exceptions import HTTPClientError

from app.core.outage import causes, network_failure

if TYPE_CHECKING:  # boto3-stubs is a development dependency: the image and Lambda lack it
    from mypy_boto3_dynamodb import DynamoDBClient

T = TypeVar("T")

# The table's keys: {{ cookiecutter.data.dynamodb_table_template }} declares the same (a test compares them).
TABLE_KEYS: dict[str, Any] = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
}


class DatabaseClosedError(RuntimeError):
    pass


class Database:
    name = "database"

    def __init__(self, url: str, *, table: str, region: str) -> None:
        self.table = table
        self.client: DynamoDBClient = boto3.client(
            "dynamodb",
            endpoint_url=url,
            region_name=region,
            # A bounded pool and short timeouts: an unreachable DynamoDB fails fast, so /readyz
            # answers instead of hanging.
            config=Config(
                max_pool_connections=10,
                connect_timeout=2,
                read_timeout=5,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )
        self.closed = False

    async def call(self, method: Callable[..., T], **kwargs: Any) -> T:
        """One client call, in a worker thread; refused once the database is closed."""
        if self.closed:
            raise DatabaseClosedError("the database client is closed")
        return await asyncio.to_thread(method, **kwargs)

    async def ping(self) -> None:
        """Ready when the table answers (it is also there)."""
        await self.call(self.client.describe_table, TableName=self.table)

    async def migrate(self) -> None:
        """Creates the table where it is missing (idempotent), for local use: on AWS the
        CloudFormation template in deploy/aws makes it."""
        try:
            await self.call(self.client.describe_table, TableName=self.table)
            return
        except self.client.exceptions.ResourceNotFoundException:
            pass
        await self.call(
            self.client.create_table,
            TableName=self.table,
            BillingMode="PAY_PER_REQUEST",
            **TABLE_KEYS,
{%- if cookiecutter.data.dynamodb_stream is defined %}
            # The change stream the report function reads, as the template declares it.
            StreamSpecification={
                "StreamEnabled": True,
                "StreamViewType": "{{ cookiecutter.data.dynamodb_stream }}",
            },
{%- endif %}
        )
        waiter = self.client.get_waiter("table_exists")
        await asyncio.to_thread(waiter.wait, TableName=self.table)

    def is_outage(self, exc: BaseException) -> bool:
        """The endpoint refused, dropped or timed out the connection (after boto3's retries)."""
        return network_failure(exc, ("botocore", "urllib3")) or any(
            isinstance(e, BotoConnectionError | HTTPClientError) for e in causes(exc)
        )

    async def close(self) -> None:
        self.closed = True
        self.client.close()
