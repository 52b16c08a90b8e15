/** The sample request in events/ (what `npm run invoke:api` hands the handler) is one the
 * function answers, against the run's real database. */
import { readFile } from "node:fs/promises";

import type { FastifyInstance } from "fastify";
import { afterAll, describe, expect, it } from "vitest";

import { buildApp } from "../src/app.js";
import { lambdaHandler, type HttpApiEvent } from "../src/lambda.js";
import { startApp, testConfig } from "./helpers.js";

const sample = new URL("../{{ cookiecutter.data.function.event }}", import.meta.url);

describe("the sample request in events/", () => {
  let built: FastifyInstance | undefined;
  afterAll(async () => {
    await built?.close();
  });

  it("is answered by the handler", async () => {
    // The store migrated and emptied, as the tests' apps find it.
    await (await startApp()).close();
    const handler = lambdaHandler(async () => (built = await buildApp(testConfig())));
    const event = JSON.parse(await readFile(sample, "utf8")) as HttpApiEvent;
    const result = await handler(event);
    expect(result.statusCode).toBe(200);
    expect(result.body).not.toContain('"errors"'); // (GraphQL answers its errors with 200)
  });
});
