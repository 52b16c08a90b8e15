"""The report function, handed the table's real change stream as Lambda hands it batches."""

import json
from pathlib import Path

import pytest

from app.core.config import Settings
from app.core.dynamodb import Database
from app.modules.reports import ItemChange, ItemReport, ReportProjection
from app.report_handler import ReportFunction
from app.repositories.store import ItemStore
from tests import report_stream
from tests.factories import create_item
from tests.host import lambda_context
from tests.report_stream import ApplyChanges, TableStream

table_stream = report_stream.table_stream
apply_changes = report_stream.apply_changes
EVENTS = Path(__file__).resolve().parent.parent / "events"


async def test_the_report_follows_creates_updates_and_deletes(
    items: ItemStore, database: Database, apply_changes: ApplyChanges
) -> None:
    lamp = await create_item(items, name="Lamp", description="Bright")
    desk = await create_item(items, name="Desk", description=None)
    await create_item(items, name="Chair", description="Oak")
    await items.update(desk.id, {"description": "Walnut"})
    await items.update(lamp.id, {"description": None})
    await items.delete(lamp.id)
    assert apply_changes() == {"batchItemFailures": []}
    assert await ReportProjection(database).read() == ItemReport(total=2, described=2)


async def test_a_batch_handed_over_again_counts_nothing_twice(
    items: ItemStore,
    database: Database,
    settings: Settings,
    table_stream: TableStream,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await create_item(items, name="Lamp", description="Bright")
    batch = table_stream.batch()
    function = ReportFunction(settings)
    for _ in range(2):  # as Lambda retries a batch after a failure or a timeout
        assert function(batch, lambda_context()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    assert await ReportProjection(database).read() == ItemReport(total=1, described=1)
    # Each invocation writes its metrics (CloudWatch's embedded metric format): the change
    # applied, then skipped.
    out = capsys.readouterr().out.splitlines()
    lines = [json.loads(line) for line in out if line.startswith("{")]
    emitted = [
        {name: line[name] for name in ("ChangesApplied", "ChangesSkipped") if name in line}
        for line in lines
        if "_aws" in line
    ]
    assert emitted == [
        {"ChangesApplied": [1.0], "ChangesSkipped": [0.0]},
        {"ChangesApplied": [0.0], "ChangesSkipped": [1.0]},
    ]


async def test_a_batch_cut_short_then_handed_over_whole_counts_each_change_once(
    items: ItemStore, database: Database, settings: Settings, table_stream: TableStream
) -> None:
    """As when an invocation times out or its container dies after applying part of a batch:
    Lambda hands the whole batch over again."""
    for name in ["Lamp", "Desk", "Chair", "Shelf"]:
        item = await create_item(items, name=name, description="Oak")
    await items.update(item.id, {"description": None})
    batch = table_stream.batch()
    half = {"Records": batch["Records"][: len(batch["Records"]) // 2]}
    function = ReportFunction(settings)
    assert function(half, lambda_context()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    assert function(batch, lambda_context()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    assert await ReportProjection(database).read() == ItemReport(total=4, described=3)


async def test_changes_that_fail_are_reported_for_lambda_to_hand_over_again(
    items: ItemStore,
    database: Database,
    settings: Settings,
    unreachable_settings: Settings,
    table_stream: TableStream,
) -> None:
    await create_item(items, name="Lamp", description="Bright")
    await create_item(items, name="Desk", description=None)
    batch = table_stream.batch()
    numbers = [record["dynamodb"]["SequenceNumber"] for record in batch["Records"]]
    # DynamoDB cannot be reached: every item change fails and is reported by its number.
    failed = ReportFunction(unreachable_settings)(batch, lambda_context())  # type: ignore[arg-type]
    reported = [failure["itemIdentifier"] for failure in failed["batchItemFailures"]]
    item_numbers = [
        record["dynamodb"]["SequenceNumber"]
        for record in batch["Records"]
        if record["dynamodb"]["Keys"]["pk"]["S"].startswith("item#")
    ]
    assert reported == item_numbers
    assert set(reported) <= set(numbers)
    # Handed over again once DynamoDB answers, they are applied.
    assert ReportFunction(settings)(batch, lambda_context()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    assert await ReportProjection(database).read() == ItemReport(total=2, described=1)


async def test_the_sample_batch_in_events_is_one_the_function_takes(
    database: Database, settings: Settings
) -> None:
    batch = json.loads((EVENTS / "dynamodb-stream.json").read_text(encoding="utf-8"))
    assert ReportFunction(settings)(batch, lambda_context()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    # A lamp created with a description, then its description removed.
    assert await ReportProjection(database).read() == ItemReport(total=1, described=0)


async def test_records_that_are_not_an_items_change_are_skipped(
    database: Database, settings: Settings
) -> None:
    claim = {"pk": {"S": "name#Lamp"}}
    batch = {
        "Records": [
            {"eventID": "a", "eventName": "INSERT"},
            {"eventID": "b", "eventName": "INSERT", "dynamodb": {"SequenceNumber": "2"}},
            {
                "eventID": "c",
                "eventName": "INSERT",
                "dynamodb": {"Keys": claim, "NewImage": claim, "SequenceNumber": "3"},
            },
        ]
    }
    assert ReportFunction(settings)(batch, lambda_context()) == {"batchItemFailures": []}  # type: ignore[arg-type]
    assert await ReportProjection(database).read() == ItemReport(total=0, described=0)


def test_a_change_moves_the_figures_by_what_it_changed() -> None:
    described = {"name": "Lamp", "description": "Bright"}
    bare = {"name": "Lamp", "description": None}
    assert ItemChange.between("e", None, described) == ItemChange("e", 1, 1)
    assert ItemChange.between("e", described, bare) == ItemChange("e", 0, -1)
    assert ItemChange.between("e", bare, None) == ItemChange("e", -1, 0)
    assert ItemChange.between("e", bare, bare | {"name": "Desk"}) == ItemChange("e", 0, 0)
