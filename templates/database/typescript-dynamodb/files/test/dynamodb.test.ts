/** The DynamoDB specifics (test/repository.test.ts has the rest), over HTTP against the
 * endpoint at DATABASE_URL or the one the test run started. */
import { readFileSync } from "node:fs";

import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { expect, it } from "vitest";
import { parse } from "yaml";

import { createDatabase, TABLE_KEYS } from "../src/db/client.js";
import { ItemRepository } from "../src/repositories/items.js";
import { testConfig, useApp } from "./helpers.js";

const app = useApp();

async function nameClaim(name: string): Promise<Record<string, unknown> | undefined> {
  const { documents, table } = app().resources.database.db;
  const { Item } = await documents.send(
    new GetCommand({ TableName: table, Key: { pk: `name#${name}` }, ConsistentRead: true }),
  );
  return Item;
}

it("creates the table with the keys the CloudFormation template declares", () => {
  // CloudFormation's short forms (!Ref, ...) are tags yaml does not know: read as plain values.
  const text = readFileSync({{ cookiecutter.data.dynamodb_table_template | tojson }}, "utf8");
  const template = parse(text, { logLevel: "error" }) as {
    Resources: { ItemsTable: { Properties: Record<string, unknown> } };
  };
  expect(template.Resources.ItemsTable.Properties).toMatchObject(TABLE_KEYS);
});

it("gives up a delete once its attempts are used up", async () => {
  const items = new ItemRepository(app().resources.database.db, 0);
  const { id } = await items.add({ name: "never deleted" });
  await expect(items.delete(id)).rejects.toThrow("kept changing");
});

it("frees a name when its item is renamed or deleted", async () => {
  const items = new ItemRepository(app().resources.database.db);
  const renamed = await items.add({ name: "old name" });
  const deleted = await items.add({ name: "gone" });
  await items.update(renamed.id, { name: "new name" });
  await items.delete(deleted.id);
  expect(await nameClaim("old name")).toBeUndefined();
  expect(await nameClaim("gone")).toBeUndefined();
  expect(await nameClaim("new name")).toMatchObject({ itemId: renamed.id });
  await expect(items.add({ name: "old name" })).resolves.toMatchObject({ name: "old name" });
  await expect(items.add({ name: "gone" })).resolves.toMatchObject({ name: "gone" });
});

it("never releases a name another item holds, and deletes the item all the same", async () => {
  const items = new ItemRepository(app().resources.database.db);
  const { id } = await items.add({ name: "claimed twice" });
  const { documents, table } = app().resources.database.db;
  const Item = { pk: "name#claimed twice", itemId: id + 1000 };
  await documents.send(new PutCommand({ TableName: table, Item }));
  await expect(items.delete(id)).resolves.toBe(true);
  expect(await nameClaim("claimed twice")).toEqual(Item);
  expect(await items.get(id)).toBeUndefined();
});

it("passes on what stops the table being made", async () => {
  const { databaseUrl, dynamodbTable, awsRegion } = testConfig();
  const database = createDatabase(databaseUrl, dynamodbTable, awsRegion);
  await database.close();
  await expect(database.migrate()).rejects.toThrow("closed");
});
