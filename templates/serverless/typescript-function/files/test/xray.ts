/** A function's entry point run as one traced invocation, for real: in a process of its own set
 * up as a Lambda container with X-Ray on (AWS_EXECUTION_ENV, LAMBDA_TASK_ROOT and the trace header
 * Lambda sets for an invocation), its X-Ray SDK sending the trace's documents to a UDP socket on
 * loopback that stands in for the X-Ray daemon. Outside such a container the tracer is off, as
 * in every other test. */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

import { inject } from "vitest";

/** How long the daemon listens once the process is gone, for datagrams still on their way. */
const STRAGGLERS_MS = 500;

export interface TraceDocument {
  name: string;
  trace_id: string;
  annotations?: Record<string, unknown>;
  aws?: Record<string, unknown>;
  namespace?: string;
  fault?: boolean;
  cause?: unknown;
}

/** A UDP socket on loopback standing in for the X-Ray daemon, the documents it has received,
 * and the environment Lambda gives a container with tracing on, for one new trace. */
export interface XrayDaemon {
  traceId: string;
  env: Record<string, string>;
  documents: TraceDocument[];
  close(): void;
}

export async function xrayDaemon(): Promise<XrayDaemon> {
  const traceId = `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString("hex")}`;
  const socket = createSocket("udp4");
  const documents: TraceDocument[] = [];
  socket.on("message", (datagram) => {
    const [, document = "{}"] = datagram.toString("utf8").split("\n", 2); // after the header
    documents.push(JSON.parse(document) as TraceDocument);
  });
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  const env = {
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    LAMBDA_TASK_ROOT: process.cwd(),
    _X_AMZN_TRACE_ID: `Root=${traceId};Parent=${randomBytes(8).toString("hex")};Sampled=1`,
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${String(socket.address().port)}`,
  };
  return { traceId, env, documents, close: () => socket.close() };
}

/** Runs `script` (an invoke script of test/, handing the entry point the event in the file
 * `event`) against the tests' table; the trace's id and the documents sent for it. */
export async function tracedRun(
  script: string,
  event: string,
): Promise<{ traceId: string; documents: TraceDocument[] }> {
  const daemon = await xrayDaemon();
  try {
    await promisify(execFile)(process.execPath, ["--import", "tsx", script, event], {
      env: {
        ...process.env,
        ...daemon.env,
        DATABASE_URL: inject("databaseUrl"),
        DYNAMODB_TABLE: inject("dynamodbTable"),
        ENVIRONMENT: "test",
      },
      timeout: 60_000,
    });
    await sleep(STRAGGLERS_MS);
  } finally {
    daemon.close();
  }
  return { traceId: daemon.traceId, documents: daemon.documents };
}
