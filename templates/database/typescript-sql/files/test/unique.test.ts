import { expect, it } from "vitest";

import { isUniqueViolation } from "../src/db/client.js";
import { items } from "../src/db/schema.js";
import { startApp } from "./helpers.js";

it("tells a UNIQUE violation from other constraint failures", async () => {
  const app = await startApp();
  const { db } = app.resources.database;
  const failure = (query: Promise<unknown>) =>
    query.then(
      () => undefined,
      (error: unknown) => error,
    );
  await db.insert(items).values({ name: "Lamp" });
  const duplicate = await failure(db.insert(items).values({ name: "Lamp" }));
  const missingName = await failure(
    // A NOT NULL failure, which the type system would normally stop.
    db.insert(items).values({ name: null as unknown as string }),
  );
  await app.close();
  expect(isUniqueViolation(duplicate)).toBe(true);
  expect(isUniqueViolation(missingName)).toBe(false);
  expect(isUniqueViolation(new Error("unrelated"))).toBe(false);
});
