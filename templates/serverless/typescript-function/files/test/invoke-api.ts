/** `npm run invoke:api [file]`: hands the API function an event from a file (the sample
 * request in events/ by default), against the store .env names, and prints its answer. */
import { readFile } from "node:fs/promises";
import process from "node:process";

import { handler } from "../src/handler.js";
import type { HttpApiEvent } from "../src/lambda.js";

const path = process.argv[2] ?? {{ cookiecutter.data.function.event | tojson }};
const event = JSON.parse(await readFile(path, "utf8")) as HttpApiEvent;
process.stdout.write(`${JSON.stringify(await handler(event))}\n`);
// The app the handler built keeps its connections open, as in a Lambda container: exit, once
// what the invocation left queued (X-Ray's last document, when traced) has gone.
setImmediate(() => process.exit(0));
