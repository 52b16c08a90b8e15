/** The report function traced on X-Ray, for real (test/xray.ts): its batch and the DynamoDB
 * transactions that apply the batch's changes. */
import { expect, it } from "vitest";

import { startApp } from "./helpers.js";
import { tracedRun } from "./xray.js";

/** The sample batch `npm run invoke:report` hands the function. */
const SAMPLE = {{ cookiecutter.data.report_function.event | tojson }};

it("traces each batch and its DynamoDB calls", async () => {
  // The store migrated and emptied, as the tests' apps find it.
  await (await startApp()).close();
  const { traceId, documents } = await tracedRun("test/invoke-report.ts", SAMPLE);

  expect(new Set(documents.map((document) => document.trace_id))).toEqual(new Set([traceId]));
  const batch = documents.find((document) => document.name === "## handler");
  expect(batch?.annotations).toEqual({ ColdStart: true, Service: "reports" });
  const operations = documents
    .filter((document) => document.name === "DynamoDB")
    .map((document) => document.aws?.operation);
  expect(operations).toContain("TransactWriteItems");
}, 90_000);
