/** The Lambda adapter on its own: events in, API Gateway responses out, the app built once
 * per container - against the run's real database (test/helpers.ts). */
import { gunzipSync, gzipSync } from "node:zlib";

import type { FastifyInstance } from "fastify";
import { afterAll, describe, expect, it } from "vitest";

import { buildApp } from "../src/app.js";
import { lambdaHandler } from "../src/lambda.js";
import { captureLog, testConfig } from "./helpers.js";
import { httpEvent } from "./host.js";

describe("the Lambda handler", () => {
  let builds = 0;
  let built: FastifyInstance | undefined;
  const handler = lambdaHandler(async () => {
    builds += 1;
    const app = await buildApp(testConfig());
    await app.resources.database.migrate(); // the table /readyz asks for, whichever file runs first
    app.post("/echo", (request, reply) =>
      reply
        .header("x-cookie", request.headers.cookie ?? "")
        .header("x-query", request.url.split("?")[1] ?? "")
        .type("application/octet-stream")
        .send(request.body),
    );
    app.addContentTypeParser(
      "application/octet-stream",
      { parseAs: "buffer" },
      (_r, body, done) => {
        done(null, body);
      },
    );
    app.get("/names/:name", (request) => ({ name: (request.params as { name: string }).name }));
    app.get("/cookies", (_request, reply) =>
      reply
        .header("set-cookie", ["a=1; Path=/", "b=2; Path=/"])
        .header("vary", ["Accept", "Origin"])
        .type("application/json")
        .send("{}"),
    );
    built = app;
    return app;
  });
  afterAll(async () => {
    await built?.close();
  });

  it("builds the app once for many events, its resources in use", async () => {
    for (let i = 0; i < 3; i += 1) {
      // /readyz asks the database: the resources the app opened answer.
      const result = await handler(httpEvent("/readyz"));
      expect(result.statusCode).toBe(200);
    }
    expect(builds).toBe(1);
  });

  it("hands a binary body, cookies and the raw query to the app", async () => {
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const event = httpEvent({
      method: "POST",
      url: "/echo?x=1&x=2&y=%C3%A9,z",
      payload: body,
      headers: { "content-type": "application/octet-stream", cookie: "a=1; b=2" },
    });
    expect(event.isBase64Encoded).toBe(true);
    expect(event.cookies).toEqual(["a=1", "b=2"]);
    const result = await handler(event);
    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body, "base64").equals(body)).toBe(true);
    expect(result.headers["x-cookie"]).toBe("a=1; b=2");
    expect(result.headers["x-query"]).toBe("x=1&x=2&y=%C3%A9,z");
  });

  it("hands a decoded path beyond ASCII to the app as the path it is", async () => {
    // API Gateway hands over the path percent-decoded: "%2541" arrives as "%41", once.
    const event = httpEvent("/names/caf%C3%A9%20%E2%82%AC%3F%23%2541");
    expect(event.rawPath).toBe("/names/café €?#%41");
    const result = await handler(event);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ name: "café €?#%41" });
  });

  it("answers cookies and repeated headers as API Gateway wants them", async () => {
    const result = await handler(httpEvent("/cookies"));
    expect(result.statusCode).toBe(200);
    expect(result.cookies).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(result.headers["set-cookie"]).toBeUndefined();
    expect(result.headers.vary).toBe("Accept, Origin");
    expect(result.isBase64Encoded).toBe(false);
    expect(result.body).toBe("{}");
  });
});

describe("a compressed text body", () => {
  it("goes base64-encoded", async () => {
    let app: FastifyInstance | undefined;
    const handler = lambdaHandler(async () => {
      app = await buildApp(testConfig());
      app.get("/compressed", (_request, reply) =>
        reply
          .header("content-encoding", "gzip")
          .type("application/json")
          .send(gzipSync('{"compressed":true}')),
      );
      return app;
    });
    const result = await handler(httpEvent("/compressed"));
    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(true);
    expect(gunzipSync(Buffer.from(result.body, "base64")).toString()).toBe('{"compressed":true}');
    await app?.close();
  });
});

describe("a container whose app failed to build", () => {
  it("builds it again on the next event", async () => {
    let attempts = 0;
    let built: FastifyInstance | undefined;
    const handler = lambdaHandler(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error("the database was not reachable yet");
      built = await buildApp(testConfig());
      return built;
    });
    await expect(handler(httpEvent("/healthz"))).rejects.toThrow("not reachable");
    expect((await handler(httpEvent("/healthz"))).statusCode).toBe(200);
    expect(attempts).toBe(2);
    await built?.close();
  });
});

describe("the log of an invocation", () => {
  it("carries API Gateway's and Lambda's request ids on each line of its request", async () => {
    const log = captureLog();
    let built: FastifyInstance | undefined;
    const handler = lambdaHandler(async () => {
      const app = await buildApp(testConfig({ logLevel: "info" }), { logStream: log.stream });
      app.get("/hello", (request) => {
        request.log.info("hello");
        return {};
      });
      return (built = app);
    });
    try {
      const [first, second] = [httpEvent("/hello"), httpEvent("/hello")];
      await handler(first, { awsRequestId: "invocation-1" });
      await handler(second, { awsRequestId: "invocation-2" });

      const ids = log.lines
        .filter((line) => line.msg === "hello" || line.msg === "request")
        .map((line) => [line.msg, line.correlationId, line.awsRequestId]);
      expect(ids).toEqual([
        ["hello", first.requestContext.requestId, "invocation-1"],
        ["request", first.requestContext.requestId, "invocation-1"],
        ["hello", second.requestContext.requestId, "invocation-2"],
        ["request", second.requestContext.requestId, "invocation-2"],
      ]);
    } finally {
      await built?.close();
    }
  });
});
