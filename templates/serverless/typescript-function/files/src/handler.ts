/** The Lambda function's entry point (`handler`): the app, built once per container from the
 * environment's settings, serving API Gateway HTTP API events; a POST with an `Idempotency-Key`
 * header is served once (src/idempotency.ts). Each invocation and the app's DynamoDB calls are
 * traced on X-Ray (src/tracing.ts). */
import { Tracer } from "@aws-lambda-powertools/tracer";

import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import { withIdempotency } from "./idempotency.js";
import { lambdaHandler } from "./lambda.js";
import { tracedHandler } from "./tracing.js";

const tracer = new Tracer({ serviceName: "api" });

export const handler = tracedHandler(
  tracer,
  "handler",
  lambdaHandler(async () => {
    const app = withIdempotency(await buildApp(loadConfig(process.env)));
    tracer.captureAWSv3Client(app.resources.database.client);
    return app;
  }),
);
