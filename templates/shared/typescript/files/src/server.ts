/** The process entry point: read the config, start the app, stop cleanly on SIGTERM / SIGINT. */
import closeWithGrace from "close-with-grace";

import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";

const config = loadConfig();
const app = await buildApp(config);

closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, "shutting down after an error");
  await app.close();
});

await app.listen({ host: config.host, port: config.port });
