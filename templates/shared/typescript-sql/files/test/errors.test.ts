import { expect, it } from "vitest";

import { isUniqueViolation } from "../src/db/client.js";
import { items } from "../src/db/schema.js";
import { startApp } from "./helpers.js";

it("turns an unexpected error into a 500 problem without leaking its message", async () => {
  const app = await startApp();
  app.get("/boom", () => {
    throw new Error("secret internals");
  });
  const response = await app.inject("/boom");
  await app.close();
  expect(response.statusCode).toBe(500);
  expect(response.headers["content-type"]).toContain("application/problem+json");
  expect(response.body).not.toContain("secret internals");
});

it("passes a database failure on as a 500 problem, not as a conflict", async () => {
  const app = await startApp();
  await app.resources.database.close();
  const response = await app.inject({ method: "POST", url: "/items", payload: { name: "Lamp" } });
  await app.close();
  expect(response.statusCode).toBe(500);
});

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
