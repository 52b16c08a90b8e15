"""The MongoDB specifics, over the wire against the server at DATABASE_URL."""

import pytest

from app.core.config import Settings
from app.core.mongo import Database
from app.main import create_app
from app.repositories.items import MongoItemStore
from tests.apps import app_client
from tests.tcp_proxy import readiness_across_outage


async def has_unique_name_index(database: Database) -> bool:
    indexes = [index async for index in await database.db["items"].list_indexes()]
    return any(index["key"] == {"name": 1} and index.get("unique") for index in indexes)


async def test_the_migration_makes_the_unique_name_index(database: Database) -> None:
    assert await has_unique_name_index(database)


async def test_the_app_makes_the_indexes_as_it_starts(
    settings: Settings, database: Database
) -> None:
    await database.db.drop_collection("items")
    assert not await has_unique_name_index(database)
    async with app_client(create_app(settings)):
        assert await has_unique_name_index(database)


async def test_the_app_starts_while_mongodb_is_down(unreachable_settings: Settings) -> None:
    async with app_client(create_app(unreachable_settings)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503


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
