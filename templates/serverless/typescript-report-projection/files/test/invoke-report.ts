/** `npm run invoke:report [file]`: hands the report function a batch from a file (the sample
 * in events/ by default), against the table .env names, and prints the failures it reports. */
import { readFile } from "node:fs/promises";
import process from "node:process";

import type { DynamoDBStreamEvent } from "aws-lambda";

import { handler } from "../src/report-handler.js";
import { lambdaContext } from "./report-stream.js";

const path = process.argv[2] ?? {{ cookiecutter.data.report_function.event | tojson }};
const event = JSON.parse(await readFile(path, "utf8")) as DynamoDBStreamEvent;
process.stdout.write(`${JSON.stringify(await handler(event, lambdaContext()))}\n`);
// The function's DynamoDB client keeps its connections open, as in a Lambda container: exit,
// once what the invocation left queued (X-Ray's last document, when traced) has gone.
setImmediate(() => process.exit(0));
