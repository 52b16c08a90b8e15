/** Before any test file: a DynamoDB endpoint for the whole run, and a table of the run's own
 * there. The endpoint is DATABASE_URL when set (DynamoDB Local from `docker compose up -d db`,
 * CI's service container), where the table is deleted at the end, so the tests never touch the
 * table DYNAMODB_TABLE names; else a moto_server this run starts on a free port and stops at the
 * end. */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { connect } from "node:net";

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
