/** Every store's repository orders a list as ItemFilter.orderBy says, against the real server. */
import { expect, it } from "vitest";

import { ItemRepository } from "../src/repositories/items.js";
import { useApp } from "./helpers.js";

const app = useApp();

it("orders by the fields given, ties by id", async () => {
  const items = new ItemRepository(app().resources.database.db);
  const added = [];
  for (const name of ["order pear", "order apple", "order fig"]) {
    added.push(await items.add({ name }));
  }
  const names = async (orderBy: { field: "id" | "name"; descending: boolean }[]) => {
    const [rows, total] = await items.list({
      limit: 10,
      offset: 0,
      nameContains: "order ",
      orderBy,
    });
    expect(total).toBe(3);
    return rows.map((row) => row.name);
  };
  expect(await names([{ field: "name", descending: false }])).toEqual([
    "order apple",
    "order fig",
    "order pear",
  ]);
  expect(await names([{ field: "name", descending: true }])).toEqual([
    "order pear",
    "order fig",
    "order apple",
  ]);
  expect(await names([{ field: "id", descending: true }])).toEqual(
    added.map((row) => row.name).reverse(),
  );
  expect(await names([])).toEqual(added.map((row) => row.name));
});

it("orders by dates", async () => {
  const items = new ItemRepository(app().resources.database.db);
  const first = await items.add({ name: "dated first" });
  const second = await items.add({ name: "dated second" });
  await new Promise((resolve) => setTimeout(resolve, 10));
  await items.update(first.id, { description: "changed" });
  const ids = async (field: "createdAt" | "updatedAt", descending: boolean) => {
    const orderBy = [{ field, descending }];
    const [rows] = await items.list({ limit: 10, offset: 0, nameContains: "dated ", orderBy });
    return rows.map((row) => row.id);
  };
  expect(await ids("updatedAt", true)).toEqual([first.id, second.id]);
  expect(await ids("createdAt", false)).toEqual([first.id, second.id]);
});
