"""The MongoDB specifics, over the wire against the server at DATABASE_URL."""

import asyncio

import pytest

from app.core.config import Settings
from app.core.mongo import Database
from app.repositories.items import MongoItemStore
from app.repositories.store import DuplicateNameError
from tests.tcp_proxy import readiness_across_outage


async def test_the_migration_makes_the_unique_name_index(database: Database) -> None:
    indexes = [index async for index in await database.db["items"].list_indexes()]
    assert any(index["key"] == {"name": 1} and index.get("unique") for index in indexes)


async def test_ids_are_increasing_integers(database: Database) -> None:
    items = MongoItemStore(database)
    first = await items.add(name="first id", description=None)
    second = await items.add(name="second id", description=None)
    assert isinstance(first.id, int)
    assert second.id > first.id


async def test_two_concurrent_updates_are_both_kept(database: Database) -> None:
    items = MongoItemStore(database)
    item = await items.add(name="contended", description=None)
    await asyncio.gather(
        items.update(item.id, {"description": "first"}),
        items.update(item.id, {"name": "contended, renamed"}),
    )
    stored = await items.get(item.id)
    assert stored is not None
    assert (stored.name, stored.description) == ("contended, renamed", "first")


async def test_items_are_listed_in_id_order_past_id_9(database: Database) -> None:
    items = MongoItemStore(database)
    added = [await items.add(name=f"ordered {n}", description=None) for n in range(11)]
    page, _ = await items.list(limit=20, offset=0)
    assert [item.id for item in page] == [item.id for item in added]


async def test_a_duplicate_name_is_refused_on_insert_and_on_rename(database: Database) -> None:
    items = MongoItemStore(database)
    await items.add(name="taken", description=None)
    other = await items.add(name="free", description=None)
    with pytest.raises(DuplicateNameError):
        await items.add(name="taken", description=None)
    with pytest.raises(DuplicateNameError):
        await items.update(other.id, {"name": "taken"})


async def test_names_match_literally_whatever_regex_syntax_they_hold(database: Database) -> None:
    items = MongoItemStore(database)
    await items.add(name="a.c (1)", description=None)
    await items.add(name="abc 1", description=None)
    found, total = await items.list(limit=10, offset=0, name_contains="A.C (")
    assert total == 1
    assert [item.name for item in found] == ["a.c (1)"]


async def test_an_update_gives_up_once_its_attempts_are_used_up(database: Database) -> None:
    item = await MongoItemStore(database).add(name="never written", description=None)
    with pytest.raises(RuntimeError, match="kept changing"):
        await MongoItemStore(database, update_attempts=0).update(item.id, {"description": "x"})


async def test_readiness_follows_mongodb_down_and_back_up(settings: Settings) -> None:
    down, up = await readiness_across_outage(settings, "database_url", 27017)
    assert down.status_code == 503
    assert down.json()["checks"]["database"] == "down"
    assert up.status_code == 200
    assert up.json()["checks"]["database"] == "up"
