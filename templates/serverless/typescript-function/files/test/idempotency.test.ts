/** Keyed POSTs served once (src/idempotency.ts), against the run's real table: retries get the
 * first answer, a key reused for another body or still in progress is refused, server errors
 * are not kept, and a table that cannot be reached answers 503 like any other request. */
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";

import { buildApp } from "../src/app.js";
import type { Config } from "../src/config.js";
import {
  IN_PROGRESS,
  KEEP_SECONDS,
  MAX_KEY_LENGTH,
  REUSED,
  withIdempotency,
} from "../src/idempotency.js";
import { UNAVAILABLE, testConfig } from "./helpers.js";
import { hostApp } from "./host.js";
import { emptyItems } from "./store.js";

const SECONDS_OF_SLACK = 60;
/** Larger than a DynamoDB item may be (400 KB). */
const TOO_LARGE_TO_KEEP = 500_000;

/** A route that counts how often it runs, one that waits to be let go, and one that fails the
 * first time. */
class Orders {
  made = 0;
  failures = 1;
  release!: () => void;
  readonly released = new Promise<void>((resolve) => (this.release = resolve));
  started!: () => void;
  readonly running = new Promise<void>((resolve) => (this.started = resolve));
}

const opened: FastifyInstance[] = [];

async function startApp(orders: Orders, config: Config = testConfig(), migrate = true) {
  const app = await buildApp(config);
  opened.push(app);
  app.post("/orders", async (request, reply) => {
    orders.made += 1;
    return reply
      .code(201)
      .header("location", `/orders/${String(orders.made)}`)
      .send({ order: orders.made, sent: request.body });
  });
  app.post("/slow", async () => {
    orders.started();
    await orders.released;
    return { done: true };
  });
  app.post("/accepted", (_request, reply) => reply.code(202).send());
  app.post("/large", () => {
    orders.made += 1;
    return { text: "x".repeat(TOO_LARGE_TO_KEEP) };
  });
  app.post("/flaky", () => {
    if (orders.failures > 0) {
      orders.failures -= 1;
      throw new Error("a passing failure");
    }
    orders.made += 1;
    return { order: orders.made };
  });
  if (migrate) {
    await app.resources.database.migrate();
    await emptyItems(app);
  }
  return hostApp(app);
}

function post(app: FastifyInstance, url: string, key: string | undefined, payload: unknown = {}) {
  return app.inject({
    method: "POST",
    url,
    payload: JSON.stringify(payload),
    headers: {
      "content-type": "application/json",
      ...(key === undefined ? {} : { "idempotency-key": key }),
    },
  });
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

describe("a POST with an Idempotency-Key", () => {
  it("is served once: a retry gets the first answer", async () => {
    const orders = new Orders();
    const app = await startApp(orders);
    const first = await post(app, "/orders", "order-1", { pizza: 1 });
    const retry = await post(app, "/orders", "order-1", { pizza: 1 });

    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual({ order: 1, sent: { pizza: 1 } });
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers.location).toBe("/orders/1");
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    expect(retry.headers["x-content-type-options"]).toBe("nosniff");
    expect(orders.made).toBe(1);
  });

  it("leaves requests without a key, or with other keys, each served", async () => {
    const orders = new Orders();
    const app = await startApp(orders);
    const answers = [
      await post(app, "/orders", undefined),
      await post(app, "/orders", undefined),
      await post(app, "/orders", "a"),
      await post(app, "/orders", "b"),
    ];

    expect(answers.map((answer) => answer.json<{ order: number }>().order)).toEqual([1, 2, 3, 4]);
  });

  it("is served once with no body, and another query under its key is refused", async () => {
    const orders = new Orders();
    const app = await startApp(orders);
    const keyed = (url: string) =>
      app.inject({ method: "POST", url, headers: { "idempotency-key": "q" } });
    const answers = [
      await keyed("/flaky?a=1"),
      await keyed("/flaky?a=1"),
      await keyed("/flaky?a=1"),
    ];
    const otherQuery = await keyed("/flaky?a=2");

    expect(answers.map((answer) => answer.statusCode)).toEqual([500, 200, 200]);
    expect(answers[2]?.headers["idempotent-replayed"]).toBe("true");
    expect(orders.made).toBe(1);
    expect(otherQuery.statusCode).toBe(422);
  });

  it("keeps an answer with no body", async () => {
    const app = await startApp(new Orders());
    const answers = [await post(app, "/accepted", "empty"), await post(app, "/accepted", "empty")];

    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 202]);
    expect(answers[1]?.headers["idempotent-replayed"]).toBe("true");
    expect(answers[1]?.body).toBe("");
  });

  it("is another request on another path", async () => {
    const orders = new Orders();
    const app = await startApp(orders);
    const order = await post(app, "/orders", "shared");
    const flaky = await post(app, "/flaky", "shared");

    expect(order.statusCode).toBe(201);
    expect(flaky.statusCode).toBe(500); // served, not answered with the order
  });

  it("is refused when the key was used for another body", async () => {
    const orders = new Orders();
    const app = await startApp(orders);
    const errorFormat = (await app.inject("/no-such-path")).headers["content-type"];
    await post(app, "/orders", "order-2", { pizza: 1 });
    const changed = await post(app, "/orders", "order-2", { pizza: 2 });

    expect(changed.statusCode).toBe(422);
    expect(changed.headers["content-type"]).toBe(errorFormat);
    expect(changed.body).toContain(REUSED);
    expect(orders.made).toBe(1);
  });

  it("is told to wait while the first with its key is served", async () => {
    const orders = new Orders();
    const app = await startApp(orders);
    const first = post(app, "/slow", "slow-1");
    await orders.running;
    const early = await post(app, "/slow", "slow-1");
    orders.release();
    const answered = await first;
    const late = await post(app, "/slow", "slow-1");

    expect(early.statusCode).toBe(409);
    expect(early.headers["retry-after"]).toBe("1");
    expect(early.body).toContain(IN_PROGRESS);
    expect(answered.statusCode).toBe(200);
    expect(late.statusCode).toBe(200);
    expect(late.headers["idempotent-replayed"]).toBe("true");
  });

  it("is served again after a server error", async () => {
    const orders = new Orders();
    const app = await startApp(orders);
    const failed = await post(app, "/flaky", "flaky-1");
    const retried = await post(app, "/flaky", "flaky-1");

    expect(failed.statusCode).toBe(500);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual({ order: 1 });
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("keeps an answer too large to keep whole without its body", async () => {
    const orders = new Orders();
    const app = await startApp(orders);
    const answer = await post(app, "/large", "large-1");
    const retry = await post(app, "/large", "large-1");

    expect(answer.statusCode).toBe(200);
    expect(answer.json<{ text: string }>().text).toHaveLength(TOO_LARGE_TO_KEEP);
    expect(retry.statusCode).toBe(200); // the first answer's status and headers, not a second run
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(retry.body).toBe("");
    expect(orders.made).toBe(1);
  });

  it.each(["", "x".repeat(MAX_KEY_LENGTH + 1), "tab\tkey"])(
    "is refused when the key is not one (%j)",
    async (key) => {
      const app = await startApp(new Orders());
      const answer = await post(app, "/orders", key);

      expect(answer.statusCode).toBe(400);
      expect(answer.body).toContain("Idempotency-Key");
    },
  );

  it("is kept until the table's TTL removes it, a day on", async () => {
    const app = await startApp(new Orders());
    await post(app, "/orders", "kept");

    const { Items = [] } = await app.resources.database.client.send(
      new ScanCommand({ TableName: app.resources.database.db.table }),
    );
    const kept = Items.filter((item) => item.pk?.S?.startsWith("idempotency#"));
    expect(kept).toHaveLength(1);
    expect(kept[0]?.status?.S).toBe("COMPLETED");
    const expiresAt = Number(kept[0]?.expires_at?.N);
    expect(Math.abs(expiresAt - (Date.now() / 1000 + KEEP_SECONDS))).toBeLessThan(SECONDS_OF_SLACK);
  });

  it("answers 503 while the table cannot be reached", async () => {
    const orders = new Orders();
    const away = testConfig({ databaseUrl: "http://127.0.0.1:1" });
    const app = await startApp(orders, away, false);
    const answer = await post(app, "/orders", "k");

    expect(answer.statusCode).toBe(503);
    expect(answer.headers["retry-after"]).toBeDefined();
    expect(answer.body).toContain(UNAVAILABLE);
    expect(orders.made).toBe(0);
  });
});

describe("other requests", () => {
  it("ignore the key", async () => {
    const app = await startApp(new Orders());
    const answer = await app.inject({ url: "/healthz", headers: { "idempotency-key": "k" } });

    expect(answer.statusCode).toBe(200);
    expect(answer.headers["idempotent-replayed"]).toBeUndefined();
  });
});

it("adds its hooks once", async () => {
  const orders = new Orders();
  const app = await startApp(orders);
  withIdempotency(app); // a second time: a second set of hooks would find its own record

  const answer = await post(app, "/orders", "twice");
  expect(answer.statusCode).toBe(201);
});
