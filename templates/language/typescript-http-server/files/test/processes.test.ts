/** The server as the image runs it (src/server.ts), with WEB_CONCURRENCY=2: two worker
 * processes serve on the one port, a worker that dies is replaced, and a stop signal stops
 * them all. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

import { expect, it } from "vitest";

import { SETTINGS } from "../src/config.js";
import { testConfig } from "./helpers.js";
import { freePort } from "./tcp-proxy.js";

it("runs WEB_CONCURRENCY worker processes, replaces a dead one, stops them all", async () => {
  const port = await freePort();
  const config = testConfig();
  const stores = Object.fromEntries(
    Object.entries(SETTINGS).map(([key, setting]) => [
      setting.env,
      config[key as keyof typeof SETTINGS],
    ]),
  );
  const server = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    env: {
      ...process.env,
      ...stores,
      ENVIRONMENT: "test",
      LOG_LEVEL: "info",
      HOST: "127.0.0.1",
      PORT: String(port),
      WEB_CONCURRENCY: "2",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(server, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const lines: AsyncIterator<string, undefined> = createInterface({ input: server.stdout })[
    Symbol.asyncIterator
  ]();
  const workers = new Set<number>();
  // Each worker logs "Server listening at ..." with its own pid (a JSON line each).
  const listening = async (count: number) => {
    while (workers.size < count) {
      const line = await lines.next();
      if (line.done === true) break;
      const entry = JSON.parse(line.value) as { msg?: string; pid?: number };
      if (entry.msg?.startsWith("Server listening") && entry.pid) workers.add(entry.pid);
    }
    expect(workers.size).toBe(count);
  };
  const healthy = async () => {
    for (let n = 0; n < 4; n++) {
      const response = await fetch(`http://127.0.0.1:${String(port)}/healthz`);
      expect(response.status).toBe(200);
    }
  };
  try {
    await listening(2);
    expect(workers.has(server.pid ?? 0)).toBe(false);
    await healthy();
    process.kill([...workers][0] ?? 0, "SIGKILL");
    await listening(3);
    await healthy();
  } finally {
    server.kill("SIGTERM");
  }
  const [code] = await exited;
  expect(code).toBe(0);
  for (const pid of workers) {
    // The supervisor exits only once its workers have.
    expect(() => process.kill(pid, 0)).toThrow();
  }
}, 60_000);
