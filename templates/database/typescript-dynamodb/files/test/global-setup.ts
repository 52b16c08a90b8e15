/** Before any test file: a DynamoDB endpoint for the whole run, and a table of the run's own
 * there. The endpoint is DATABASE_URL when set (DynamoDB Local from `docker compose up -d db`,
 * CI's service container), where the table is deleted at the end, so the tests never touch the
 * table DYNAMODB_TABLE names; else a moto_server this run starts on a free port and stops at the
 * end, reached through a proxy that hands it one request at a time (oneAtATime). */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import {
  createServer,
  request as forwardRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { connect, type AddressInfo } from "node:net";

import {
  DeleteTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import type { TestProject } from "vitest/node";

import { freePort } from "./tcp-proxy.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dynamodbTable: string;
  }
}

/** Returns the teardown vitest runs after the last test file. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const table = `test_${process.env.DYNAMODB_TABLE ?? "items"}_${randomBytes(4).toString("hex")}`;
  const region = process.env.AWS_REGION ?? "us-east-1";
  project.provide("dynamodbTable", table);
  const url = process.env.DATABASE_URL;
  if (url) {
    const client = tableClient(project, url, region);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
    } catch (error) {
      client.destroy();
      // One line, as for a missing command: the fix is to start a server, not to read a trace.
      const reason = error instanceof Error ? error.message || error.name : String(error);
      process.stderr.write(
        `cannot reach DynamoDB at ${url} (${reason}): start DynamoDB Local with ` +
          "`docker compose up -d db`, or leave DATABASE_URL unset to have the tests start " +
          "moto_server\n",
      );
      process.exit(2);
    }
    project.provide("databaseUrl", url);
    return async () => {
      try {
        await client.send(new DeleteTableCommand({ TableName: table }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error; // (no test made it)
      } finally {
        client.destroy();
      }
    };
  }
  const port = await freePort();
  const server = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: "ignore",
  });
  const failed = once(server, "error").then(([error]) => {
    throw new Error(
      "The tests need a DynamoDB endpoint: set DATABASE_URL (docker compose up -d db gives " +
        "one at http://localhost:8001) or put moto_server on PATH (pipx install 'moto[server]')",
      { cause: error },
    );
  });
  await Promise.race([listening(port), failed]);
  failed.catch(() => undefined); // (settled only if the server fails later; the run sees that)
  const proxy = await oneAtATime(port);
  project.provide("databaseUrl", `http://127.0.0.1:${String(proxy.port)}`);
  return async () => {
    await proxy.close();
    server.kill();
    await once(server, "exit");
  };
}

/** moto_server serves each connection in a thread of its own, and moto runs a transaction by
 * checking its conditions, writing, and, when a condition fails, putting back a copy of the
 * whole table taken before it began: two transactions at once can both pass a condition, or
 * one's rollback undo the other's write, which DynamoDB never does. This proxy hands moto one
 * request at a time, so the tests of concurrent writes test the store, not moto's threads. */
async function oneAtATime(target: number): Promise<{ port: number; close: () => Promise<void> }> {
  let turn = Promise.resolve();
  const forward = (request: IncomingMessage, body: Buffer, response: ServerResponse) =>
    new Promise<void>((resolve) => {
      const upstream = forwardRequest(
        {
          host: "127.0.0.1",
          port: target,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on("end", resolve);
        },
      );
      upstream.on("error", () => {
        response.writeHead(502).end();
        resolve();
      });
      upstream.end(body);
    });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      turn = turn.then(() => forward(request, Buffer.concat(chunks), response));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
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

/** A client with the tests' own credentials (vitest.config.ts's env, which reaches only the
 * test files): a local server takes any. */
function tableClient(project: TestProject, url: string, region: string): DynamoDBClient {
  const { AWS_ACCESS_KEY_ID: accessKeyId = "", AWS_SECRET_ACCESS_KEY: secretAccessKey = "" } =
    project.config.env;
  return new DynamoDBClient({
    endpoint: url,
    region,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}
