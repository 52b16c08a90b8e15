import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";

import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";

import { HSTS, SECURITY_HEADERS, buildApp } from "../src/app.js";
import { LINGER_MS, answerClientError } from "../src/client-errors.js";
import type { Config } from "../src/config.js";
import { testConfig, useApp } from "./helpers.js";

const LIMIT = 1024;

describe("HTTP hardening", () => {
  const app = useApp();

  it("puts the security headers on every answer, and names no server", async () => {
    for (const url of ["/healthz", "/no-such-path"]) {
      const response = await app().inject(url);
      expect(response.headers).toMatchObject(
        Object.fromEntries(
          Object.entries(SECURITY_HEADERS).map(([name, value]) => [name.toLowerCase(), value]),
        ),
      );
      expect(response.headers).not.toHaveProperty("server");
    }
  });

  it("lets the docs page load its scripts", async () => {
    const response = await app().inject("/docs");
    expect(response.statusCode).toBe(200);
    expect(response.headers).not.toHaveProperty("content-security-policy");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
  });
});

describe("the body limit", () => {
  it("refuses a larger body with 413 in the API's error format", async () => {
    const app = await buildApp(testConfig({ maxBodyBytes: LIMIT }));
    // A route of the test's own, so the limit is shown whatever the API type parses.
    await app.register((scope, _options, registered) => {
      scope.addContentTypeParser("application/x-test", { parseAs: "string" }, (_, body, done) => {
        done(null, body);
      });
      scope.post("/echo", (request, reply) => reply.send({ size: String(request.body).length }));
      registered();
    });
    try {
      const errorFormat = (await app.inject("/no-such-path")).headers["content-type"];
      const post = (size: number) =>
        app.inject({
          method: "POST",
          url: "/echo",
          headers: { "content-type": "application/x-test" },
          payload: "x".repeat(size),
        });
      const within = await post(LIMIT);
      expect(within.statusCode).toBe(200);
      expect(within.json()).toEqual({ size: LIMIT });
      const over = await post(LIMIT + 1);
      expect(over.statusCode).toBe(413);
      expect(over.headers["content-type"]).toBe(errorFormat);
    } finally {
      await app.close();
    }
  });
});

describe("the docs in production", () => {
  it.each([
    [false, 404],
    [true, 200],
  ])("API docs %s: /openapi.json answers %i", async (apiDocs, status) => {
    const app = await buildApp(testConfig({ environment: "production", apiDocs }));
    try {
      expect((await app.inject("/openapi.json")).statusCode).toBe(status);
      expect((await app.inject("/docs")).statusCode).toBe(status);
    } finally {
      await app.close();
    }
  });
});

/** The app listening on a free loopback port, and a raw connection to it that collects what it
 * is sent until it closes. */
async function connected(overrides: Partial<Config>, { allowHalfOpen = false } = {}) {
  const app = await buildApp(testConfig(overrides));
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const socket: Socket = connect({ port, host: "127.0.0.1", allowHalfOpen });
  let received = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => {
    received += chunk;
  });
  // A write after the server closed the connection fails; the test looks at what came back.
  socket.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => {
    socket.on("close", () => {
      resolve();
    });
  });
  await once(socket, "connect");
  return { app, socket, closed, received: () => received };
}

async function closeAll(app: FastifyInstance, socket: Socket): Promise<void> {
  socket.destroy();
  await app.close();
}

describe("slow clients", () => {
  it("applies the configured timeouts to the server", async () => {
    const app = await buildApp(testConfig({ headersTimeoutSeconds: 7 }));
    try {
      await app.ready();
      expect(app.server).toMatchObject({
        headersTimeout: 7_000,
        requestTimeout: 30_000,
        keepAliveTimeout: 75_000,
      });
    } finally {
      await app.close();
    }
  });

  it("cuts off a client that sends its headers a line at a time, with 408", async () => {
    const { app, socket, closed, received } = await connected({ headersTimeoutSeconds: 1 });
    const started = Date.now();
    socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n");
    let line = 0;
    const drip = setInterval(() => socket.write(`X-Drip-${String(++line)}: 1\r\n`), 300);
    try {
      await closed;
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(received()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(drip);
      await closeAll(app, socket);
    }
  });

  it("keeps a keep-alive connection idle for longer than the header timeout", async () => {
    const { app, socket, received } = await connected({ headersTimeoutSeconds: 1 });
    const request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    const answers = () => received().match(/HTTP\/1\.1 200 /g)?.length ?? 0;
    try {
      socket.write(request);
      await expect.poll(answers).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      socket.write(request);
      await expect.poll(answers).toBe(2);
    } finally {
      await closeAll(app, socket);
    }
  });
});

describe("requests the HTTP parser refuses", () => {
  it.each([
    ["a request that is not HTTP", "NOT HTTP\r\n\r\n", 400],
    [
      "a header over Node.js's 16 KiB",
      `GET / HTTP/1.1\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      431,
    ],
  ])("answers %s with %i, then closes", async (_, request, status) => {
    const { app, socket, closed, received } = await connected({});
    try {
      socket.write(request);
      await closed;
      expect(received()).toMatch(new RegExp(`^HTTP/1\\.1 ${String(status)} `));
    } finally {
      await closeAll(app, socket);
    }
  });

  it("reads on after the answer until the client closes, for LINGER_MS at most", async () => {
    // A client that never closes its side: the server's timer ends the connection.
    const { app, socket, received } = await connected({}, { allowHalfOpen: true });
    const connections = () =>
      new Promise<number>((resolve, reject) => {
        app.server.getConnections((error, count) => {
          if (error) reject(error);
          else resolve(count);
        });
      });
    try {
      socket.write("NOT HTTP\r\n\r\n");
      await once(socket, "end");
      const answered = Date.now();
      expect(received()).toMatch(/^HTTP\/1\.1 400 /);
      socket.write("what the client still sends is dropped\r\n");
      await expect.poll(connections, { timeout: LINGER_MS + 2_000 }).toBe(0);
      expect(Date.now() - answered).toBeGreaterThanOrEqual(LINGER_MS / 2);
    } finally {
      await closeAll(app, socket);
    }
  });

  it("says nothing on a reset connection, and answers a connection once", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const client = connect((server.address() as AddressInfo).port, "127.0.0.1");
    const [serverSide] = (await once(server, "connection")) as [Socket];
    let received = "";
    client.setEncoding("utf8").on("data", (chunk: string) => {
      received += chunk;
    });
    try {
      answerClientError(Object.assign(new Error("reset"), { code: "ECONNRESET" }), serverSide);
      expect(serverSide.writableEnded).toBe(false);
      answerClientError(new Error("malformed"), serverSide);
      answerClientError(new Error("malformed again"), serverSide);
      await once(client, "end");
      expect(received.match(/HTTP\/1\.1 400 /g)).toHaveLength(1);
    } finally {
      client.destroy();
      serverSide.destroy();
      server.close();
    }
  });
});

describe("HTTPS only (HTTPS_ONLY=true, behind Heroku's router)", () => {
  it("redirects plain HTTP to the same address over HTTPS, keeping the method", async () => {
    const app = await buildApp(testConfig({ httpsOnly: true }));
    const response = await app.inject({
      method: "POST",
      url: "/items/7?a=1&b=%20",
      headers: { "x-forwarded-proto": "http", host: "api.example.com" },
    });
    await app.close();
    expect(response.statusCode).toBe(308);
    expect(response.headers.location).toBe("https://api.example.com/items/7?a=1&b=%20");
    expect(response.body).toBe("");
  });

  it("answers HTTPS with HSTS", async () => {
    const app = await buildApp(testConfig({ httpsOnly: true }));
    const response = await app.inject({
      url: "/healthz",
      headers: { "x-forwarded-proto": "https" },
    });
    await app.close();
    expect(response.statusCode).toBe(200);
    expect(response.headers["strict-transport-security"]).toBe(HSTS);
  });

  it("does not trust the forwarded header otherwise", async () => {
    const app = await buildApp(testConfig());
    const response = await app.inject({
      url: "/healthz",
      headers: { "x-forwarded-proto": "http" },
    });
    await app.close();
    expect(response.statusCode).toBe(200);
    expect(response.headers["strict-transport-security"]).toBeUndefined();
  });
});
