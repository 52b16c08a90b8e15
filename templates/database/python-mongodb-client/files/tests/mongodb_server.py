"""A MongoDB database of the test run's own, as Django's and Rails' test runners make one:
MongoDB makes a database on its first write, so making one only checks that the server
answers; it is dropped at the end.

Connection strings are taken apart with patterns, not urllib: one may list several hosts."""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.errors import PyMongoError


@contextmanager
def throwaway_database(server: str, *, setting: str, service: str) -> Iterator[str]:
    """The URL of `test_<database>_<random>` on the server `server` names, for the tests to
    use instead of the database it names; if the server cannot be reached, the run stops
    with one line naming the compose `service` that runs it and the `setting` naming another."""
    named = re.match(r"[^:]+://[^/?]*/([^?]+)", server)
    database = re.sub(r"\W", "_", named[1] if named else "app")[:40]
    name = f"test_{database}_{uuid.uuid4().hex[:8]}"
    url = re.sub(r"^([^:]+://[^/?]*)(/[^?]*)?", rf"\g<1>/{name}", server, count=1)
    client: MongoClient[dict[str, Any]] = MongoClient(url, serverSelectionTimeoutMS=5000)
    with client:
        try:
            client.admin.command("ping")
        except PyMongoError as exc:
            where = re.sub(r"^([^:]+://)(?:[^@/]*@)?([^/?]*).*", r"\1\2", server)
            pytest.exit(
                f"cannot reach MongoDB at {where} ({type(exc).__name__}): start the compose "
                f"server with `docker compose up -d {service}`, or set {setting}",
                returncode=2,
            )
        try:
            yield url
        finally:
            client.drop_database(name)
