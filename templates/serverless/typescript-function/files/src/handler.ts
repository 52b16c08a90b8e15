/** The Lambda function's entry point (`handler`): the app, built once per container from the
 * environment's settings, serving API Gateway HTTP API events. */
import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import { lambdaHandler } from "./lambda.js";

export const handler = lambdaHandler(() => buildApp(loadConfig(process.env)));
