/** The Lambda function's entry point (`handler`): the app, built once per container from the
 * environment's settings, serving API Gateway HTTP API events; a POST with an `Idempotency-Key`
 * header is served once (src/idempotency.ts). */
import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import { withIdempotency } from "./idempotency.js";
import { lambdaHandler } from "./lambda.js";

export const handler = lambdaHandler(async () =>
  withIdempotency(await buildApp(loadConfig(process.env))),
);
