/** src/tracing.ts in this process, set up as a Lambda container with X-Ray on (test/xray.ts
 * runs whole entry points so): an invocation's subsegment, annotated, with its error when it
 * fails, sent to a UDP socket standing in for the X-Ray daemon. */
import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { xrayDaemon, type XrayDaemon } from "./xray.js";

let daemon: XrayDaemon;

beforeAll(async () => {
  daemon = await xrayDaemon();
  for (const [name, value] of Object.entries(daemon.env)) vi.stubEnv(name, value);
});

afterAll(() => {
  vi.unstubAllEnvs();
  daemon.close();
});

it("puts each invocation in a subsegment of its own, its error too", async () => {
  // Loaded now, with the environment above (X-Ray's SDK reads it as it loads).
  const { Tracer } = await import("@aws-lambda-powertools/tracer");
  const { tracedHandler } = await import("../src/tracing.js");
  const tracer = new Tracer({ serviceName: "orders" });
  const served = tracedHandler(tracer, "served", async (n: number) => Promise.resolve(n + 1));
  const failing = tracedHandler(tracer, "failing", async () => {
    await Promise.resolve();
    throw new Error("the order was lost");
  });

  expect(await served(1)).toBe(2);
  await expect(failing()).rejects.toThrow("the order was lost");
  await sleep(200); // the last datagram on its way

  const { documents, traceId } = daemon;
  const byName = new Map(documents.map((document) => [document.name, document]));
  expect(byName.get("## served")?.annotations).toEqual({ ColdStart: true, Service: "orders" });
  expect(byName.get("## failing")?.annotations).toEqual({ ColdStart: false, Service: "orders" });
  expect(byName.get("## failing")?.fault).toBe(true);
  expect(JSON.stringify(byName.get("## failing")?.cause)).toContain("the order was lost");
  expect(new Set(documents.map((document) => document.trace_id))).toEqual(new Set([traceId]));
});
