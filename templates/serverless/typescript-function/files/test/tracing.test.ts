/** The API function traced on X-Ray, for real (test/xray.ts): its invocation and the DynamoDB
 * calls the app makes while serving it. */
import { expect, inject, it } from "vitest";

import { startApp } from "./helpers.js";
import { tracedRun } from "./xray.js";

/** The sample request `npm run invoke:api` hands the handler. */
const SAMPLE = {{ cookiecutter.data.function.event | tojson }};

it("traces each invocation and its DynamoDB calls", async () => {
  // The store migrated and emptied, as the tests' apps find it.
  await (await startApp()).close();
  const { traceId, documents } = await tracedRun("test/invoke-api.ts", SAMPLE);

  expect(documents.length).toBeGreaterThan(0);
  expect(new Set(documents.map((document) => document.trace_id))).toEqual(new Set([traceId]));
  const invocation = documents.find((document) => document.name === "## handler");
  expect(invocation?.annotations).toEqual({ ColdStart: true, Service: "api" });
  const dynamodb = documents.find((document) => document.name === "DynamoDB");
  expect(dynamodb?.namespace).toBe("aws");
  expect(dynamodb?.aws?.table_name).toBe(inject("dynamodbTable"));
}, 90_000);
