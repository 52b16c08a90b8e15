/** Before any test file: a DynamoDB endpoint for the whole run. DATABASE_URL when set (DynamoDB
 * Local from `docker compose up -d db`, CI's service container), else a moto_server this run
 * starts on a free port and stops at the end. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";

import type { TestProject } from "vitest/node";

import { freePort } from "./tcp-proxy.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** Returns the teardown vitest runs after the last test file. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url) {
    project.provide("databaseUrl", url);
    return () => Promise.resolve();
  }
  const port = await freePort();
  const server = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: "ignore",
  });
  const failed = once(server, "error").then(([error]) => {
    throw new Error(
      "The tests need a DynamoDB endpoint: set DATABASE_URL (docker compose up -d db gives " +
        "one at http://localhost:8000) or put moto_server on PATH (pipx install 'moto[server]')",
      { cause: error },
    );
  });
  await Promise.race([listening(port), failed]);
  failed.catch(() => undefined); // (settled only if the server fails later; the run sees that)
  project.provide("databaseUrl", `http://127.0.0.1:${String(port)}`);
  return async () => {
    server.kill();
    await once(server, "exit");
  };
}

/** Resolves once something accepts connections on the port (30 s at most). */
async function listening(port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const socket = connect(port, "127.0.0.1");
    try {
      await once(socket, "connect");
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      socket.destroy();
    }
  }
  throw new Error(`moto_server did not start on port ${String(port)}`);
}
