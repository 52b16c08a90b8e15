/** The process entry point: read the config, start the app, stop cleanly on SIGTERM / SIGINT. */
import closeWithGrace from "close-with-grace";

import { buildApp } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config.js";

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A misconfiguration is one clear line for whoever reads the deploy log, not a stack trace.
    console.error(`configuration error: ${error.message}`);
    process.exit(2);
  }
}

const config = configOrExit();
const app = await buildApp(config);

closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, "shutting down after an error");
  await app.close();
});

await app.listen({ host: config.host, port: config.port });
