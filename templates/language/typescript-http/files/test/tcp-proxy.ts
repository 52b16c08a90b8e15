/** A TCP forwarder on loopback, so a test can take a real server away and bring it back. */
import { createServer, connect, type AddressInfo, type Socket } from "node:net";

import type { FastifyInstance } from "fastify";

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Forward 127.0.0.1:port to the target until the returned function is called. */
export async function tcpProxy(
  port: number,
  host: string,
  targetPort: number,
): Promise<() => Promise<void>> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
}

/** A store's outage as the app sees it: the app is built with the store's URL pointing at a
 * loopback port nothing listens on, `whileDown` runs, then that port starts forwarding to the
 * real store (its URL's port, else `defaultPort`) and `afterwards` runs. The app is closed. */
export async function acrossOutage(
  storeUrl: string,
  defaultPort: string,
  build: (url: string) => Promise<FastifyInstance>,
  whileDown: (app: FastifyInstance) => Promise<void>,
  afterwards: (app: FastifyInstance) => Promise<void>,
): Promise<void> {
  const real = new URL(storeUrl);
  const port = await freePort();
  const down = new URL(storeUrl);
  down.hostname = "127.0.0.1";
  down.port = String(port);
  const app = await build(down.toString());
  let stop: (() => Promise<void>) | undefined;
  try {
    await whileDown(app);
    stop = await tcpProxy(port, real.hostname, Number(real.port || defaultPort));
    await afterwards(app);
  } finally {
    await app.close();
    await stop?.();
  }
}
