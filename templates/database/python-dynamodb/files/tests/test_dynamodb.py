"""The DynamoDB specifics, over HTTP against the endpoint at DATABASE_URL or the run's own."""

from pathlib import Path

import pytest
import yaml

from app.core.config import Settings
from app.core.dynamodb import TABLE_KEYS, Database, DatabaseClosedError
from app.repositories.items import DynamoItemStore, name_key
from tests.tcp_proxy import readiness_across_outage

ROOT = Path(__file__).resolve().parent.parent
# The CloudFormation template that declares the table.
TEMPLATE = ROOT / {{ cookiecutter.data.dynamodb_table_template | quote }}


class CloudFormationLoader(yaml.SafeLoader):
    """Reads CloudFormation's short forms (!Ref, !Sub, ...) as nothing: only the table's
    plain keys are compared."""


CloudFormationLoader.add_multi_constructor("!", lambda *_: None)


async def name_claim(database: Database, name: str) -> dict[str, object] | None:
    response = database.client.get_item(
        TableName=database.table, Key={"pk": {"S": name_key(name)}}, ConsistentRead=True
    )
    return dict(response["Item"]) if "Item" in response else None


def test_the_table_has_the_keys_the_cloudformation_template_declares() -> None:
    template = yaml.load(TEMPLATE.read_text(), CloudFormationLoader)  # noqa: S506 - a safe loader
    properties = template["Resources"]["ItemsTable"]["Properties"]
    assert {key: properties[key] for key in TABLE_KEYS} == TABLE_KEYS


async def test_a_rename_or_a_delete_frees_the_name(database: Database) -> None:
    items = DynamoItemStore(database)
    renamed = await items.add(name="old name", description=None)
    deleted = await items.add(name="gone", description=None)
    await items.update(renamed.id, {"name": "new name"})
    await items.delete(deleted.id)
    assert await name_claim(database, "old name") is None
    assert await name_claim(database, "gone") is None
    assert (await items.add(name="old name", description=None)).name == "old name"


async def test_a_name_another_item_holds_is_never_released(database: Database) -> None:
    items = DynamoItemStore(database)
    item = await items.add(name="claimed twice", description=None)
    claim = {"pk": {"S": name_key("claimed twice")}, "item_id": {"N": str(item.id + 1000)}}
    database.client.put_item(TableName=database.table, Item=claim)
    assert await items.delete(item.id) is True  # the item goes all the same
    assert await items.get(item.id) is None
    assert await name_claim(database, "claimed twice") == claim


async def test_writes_give_up_once_their_attempts_are_used_up(database: Database) -> None:
    item = await DynamoItemStore(database).add(name="never written", description=None)
    stuck = DynamoItemStore(database, update_attempts=0)
    with pytest.raises(RuntimeError, match="kept changing"):
        await stuck.update(item.id, {"description": "x"})
    with pytest.raises(RuntimeError, match="kept changing"):
        await stuck.delete(item.id)


async def test_a_closed_database_refuses_calls(settings: Settings) -> None:
    database = Database(
        settings.database_url, table=settings.dynamodb_table, region=settings.aws_region
    )
    await database.close()
    with pytest.raises(DatabaseClosedError):
        await database.migrate()


async def test_readiness_follows_dynamodb_down_and_back_up(settings: Settings) -> None:
    down, up = await readiness_across_outage(settings, "database_url", 80)
    assert down.status_code == 503
    assert down.json()["checks"]["database"] == "down"
    assert up.status_code == 200
    assert up.json()["checks"]["database"] == "up"
