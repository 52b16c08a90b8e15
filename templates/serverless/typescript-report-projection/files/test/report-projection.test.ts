/** The report function, handed the table's real change stream as Lambda hands it batches. */
import { readFile } from "node:fs/promises";

import type { DynamoDBStreamEvent } from "aws-lambda";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { createItemService } from "../src/modules/items/index.js";
import { changeBetween, ReportProjection } from "../src/modules/reports/index.js";
import { reportFunction } from "../src/report-handler.js";
import { testConfig, useApp } from "./helpers.js";
import { lambdaContext, TableStream } from "./report-stream.js";
import { emptyItems } from "./store.js";

const sample = new URL("../{{ cookiecutter.data.report_function.event }}", import.meta.url);

describe("the report function", () => {
  const app = useApp();
  const config = testConfig();
  const handler = reportFunction(() => config);
  let stream: TableStream;
  let projection: ReportProjection;

  beforeAll(() => {
    projection = new ReportProjection(app().resources.database.db);
  });
  beforeEach(async () => {
    await emptyItems(app());
    stream = await TableStream.open(config);
  });
  afterEach(() => {
    stream.close();
  });

  it("follows creates, updates and deletes", async () => {
    const items = createItemService(app().resources);
    const lamp = await items.create({ name: "Lamp", description: "Bright" });
    const desk = await items.create({ name: "Desk", description: null });
    await items.create({ name: "Chair", description: "Oak" });
    await items.update(desk.id, { description: "Walnut" });
    await items.update(lamp.id, { description: null });
    await items.delete(lamp.id);
    expect(await handler(await stream.batch(), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(await projection.read()).toEqual({ total: 2, described: 2 });
  });

  it("counts nothing twice when a batch is handed over again", async () => {
    await createItemService(app().resources).create({ name: "Lamp", description: "Bright" });
    const batch = await stream.batch();
    const stdout = vi.spyOn(process.stdout, "write");
    let written: string[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        // as Lambda retries a batch after a failure or a timeout
        expect(await handler(batch, lambdaContext())).toEqual({ batchItemFailures: [] });
      }
    } finally {
      written = stdout.mock.calls.map(([chunk]) => String(chunk));
      stdout.mockRestore();
    }
    expect(await projection.read()).toEqual({ total: 1, described: 1 });
    // Each invocation writes its metrics (CloudWatch's embedded metric format): the change
    // applied, then skipped.
    const emitted = written
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .map((line) => ({
        ChangesApplied: [line.ChangesApplied].flat(),
        ChangesSkipped: [line.ChangesSkipped].flat(),
      }));
    expect(emitted).toEqual([
      { ChangesApplied: [1], ChangesSkipped: [0] },
      { ChangesApplied: [0], ChangesSkipped: [1] },
    ]);
  });

  it("counts each change once when a batch cut short is handed over whole", async () => {
    // As when an invocation times out or its container dies after applying part of a batch:
    // Lambda hands the whole batch over again.
    const items = createItemService(app().resources);
    let last = await items.create({ name: "Lamp", description: "Oak" });
    for (const name of ["Desk", "Chair", "Shelf"]) {
      last = await items.create({ name, description: "Oak" });
    }
    await items.update(last.id, { description: null });
    const batch = await stream.batch();
    const half = { Records: batch.Records.slice(0, Math.floor(batch.Records.length / 2)) };
    expect(await handler(half, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await handler(batch, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await projection.read()).toEqual({ total: 4, described: 3 });
  });

  it("reports the changes that fail, for Lambda to hand over again", async () => {
    const items = createItemService(app().resources);
    await items.create({ name: "Lamp", description: "Bright" });
    await items.create({ name: "Desk", description: null });
    const batch = await stream.batch();
    const itemNumbers = batch.Records.filter((record) =>
      record.dynamodb?.Keys?.pk?.S?.startsWith("item#"),
    ).map((record) => record.dynamodb?.SequenceNumber);
    // DynamoDB cannot be reached: every item change fails and is reported by its number.
    const unreachable = reportFunction(() => ({ ...config, databaseUrl: "http://127.0.0.1:1" }));
    const failed = await unreachable(batch, lambdaContext());
    expect(failed.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(itemNumbers);
    // Handed over again once DynamoDB answers, they are applied.
    expect(await handler(batch, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await projection.read()).toEqual({ total: 2, described: 1 });
  });

  it("takes the sample batch in events/", async () => {
    const batch = JSON.parse(await readFile(sample, "utf8")) as DynamoDBStreamEvent;
    expect(await handler(batch, lambdaContext())).toEqual({ batchItemFailures: [] });
    // A lamp created with a description, then its description removed.
    expect(await projection.read()).toEqual({ total: 1, described: 0 });
  });

  it("skips records that are not an item's change", async () => {
    const claim = { pk: { S: "name#Lamp" } };
    const batch = {
      Records: [
        { eventID: "a", eventName: "INSERT" },
        { eventID: "b", eventName: "INSERT", dynamodb: { SequenceNumber: "2" } },
        { eventID: "c", eventName: "INSERT", dynamodb: { Keys: {}, SequenceNumber: "3" } },
        {
          eventID: "d",
          eventName: "INSERT",
          dynamodb: { Keys: claim, NewImage: claim, SequenceNumber: "4" },
        },
      ],
    } as DynamoDBStreamEvent;
    expect(await handler(batch, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await projection.read()).toEqual({ total: 0, described: 0 });
  });

  it("moves the figures by what a change changed", () => {
    const described = { name: "Lamp", description: "Bright" };
    const bare = { name: "Lamp", description: null };
    expect(changeBetween("e", undefined, described)).toEqual({
      eventId: "e",
      total: 1,
      described: 1,
    });
    expect(changeBetween("e", described, bare)).toEqual({ eventId: "e", total: 0, described: -1 });
    expect(changeBetween("e", bare, undefined)).toEqual({ eventId: "e", total: -1, described: 0 });
    expect(changeBetween("e", bare, { ...bare, name: "Desk" })).toEqual({
      eventId: "e",
      total: 0,
      described: 0,
    });
  });
});
