/** The process entry point: read the config, start the app, stop cleanly on SIGTERM / SIGINT.
 * With WEB_CONCURRENCY above 1 this process forks that many workers (Node.js's cluster: they
 * share the one socket), replaces a worker that dies, and passes a stop signal on to them. */
import cluster from "node:cluster";

import closeWithGrace from "close-with-grace";

import { buildApp } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config.js";

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;

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

function superviseWorkers(count: number): void {
  let stopping = false;
  for (let n = 0; n < count; n++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(
      JSON.stringify({
        msg: "worker died; starting another",
        pid: worker.process.pid,
        code,
        signal,
      }),
    );
    cluster.fork();
  });
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {});
      if (workers.length === 0) process.exit(0);
      for (const worker of workers) worker?.process.kill(signal);
    });
  }
}

async function serve(config: Config): Promise<void> {
  const app = await buildApp(config);
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, "shutting down after an error");
    await app.close();
  });
  await app.listen({ host: config.host, port: config.port });
}

const config = configOrExit();
if (cluster.isPrimary && config.webConcurrency > 1) {
  superviseWorkers(config.webConcurrency);
} else {
  await serve(config);
}
