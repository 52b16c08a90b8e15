/** The MongoDB specifics (test/repository.test.ts has the rest), against DATABASE_URL. */
import { expect, it } from "vitest";

import { useApp } from "./helpers.js";

const app = useApp();

it("creates the unique name index", async () => {
  const indexes = await app().resources.database.db.collection("items").indexes();
  expect(indexes).toContainEqual(expect.objectContaining({ key: { name: 1 }, unique: true }));
});
