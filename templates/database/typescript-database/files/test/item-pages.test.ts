/** Every store's repository counts the items that match a filter, whichever page is asked for. */
import { expect, it } from "vitest";

import { ItemRepository } from "../src/repositories/items.js";
import { useApp } from "./helpers.js";

const app = useApp();

it("counts every match on a page past the end", async () => {
  const items = new ItemRepository(app().resources.database.db);
  for (const name of ["tally one", "tally two", "other"]) await items.add({ name });
  expect(await items.list({ limit: 10, offset: 5, nameContains: "tally" })).toEqual([[], 2]);
});

it("counts none when nothing matches", async () => {
  const items = new ItemRepository(app().resources.database.db);
  await items.add({ name: "tally" });
  expect(await items.list({ limit: 10, offset: 0, nameContains: "nothing like it" })).toEqual([
    [],
    0,
  ]);
});
