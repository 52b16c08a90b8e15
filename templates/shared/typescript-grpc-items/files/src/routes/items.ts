/** The gRPC server (items.v1.ItemService, grpc.health.v1.Health, reflection), started when
 * the app is ready and stopped when it closes; HTTP keeps /healthz and /readyz. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { Server, ServerCredentials } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import type { FastifyPluginCallback } from "fastify";
import fastifyPlugin from "fastify-plugin";
import { HealthImplementation, protoPath as healthProto } from "grpc-health-check";

import type { Config } from "../config.js";
import { ItemServiceService } from "../gen/items/v1/items.js";
import { itemServer } from "../rpc/items.js";
import type { ItemService } from "../schemas/items.js";

declare module "fastify" {
  interface FastifyInstance {
    /** The port the gRPC server listens on (config.grpcPort, or the free one 0 picked). */
    grpcPort: number;
  }
}

const ITEM_SERVICE = "items.v1.ItemService";
// Stop taking calls, then give those under way this long to finish.
const GRACE_MS = 5000;
const PROTO = join("items", "v1", "items.proto");

/** The proto/ folder that reflection serves the service from, found above this module from
 * src/ and from dist/src/ alike. */
export function protoRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "proto", PROTO))) return join(dir, "proto");
    if (dirname(dir) === dir) throw new Error(`no proto/${PROTO} above ${from}`);
  }
}

export function itemRoutes(service: ItemService, config: Config): FastifyPluginCallback {
  // fastify-plugin: the port decorator belongs to the app, not to this plugin's scope.
  return fastifyPlugin((app, _options, done) => {
    const server = new Server();
    server.addService(
      ItemServiceService,
      itemServer(service, (error) => {
        app.log.error({ err: error }, "a gRPC call failed");
      }),
    );
    const health = new HealthImplementation({ "": "SERVING", [ITEM_SERVICE]: "SERVING" });
    health.addToServer(server);
    const root = protoRoot();
    const definitions = loadSync([join(root, PROTO), healthProto], { includeDirs: [root] });
    new ReflectionService(definitions).addToServer(server);
    app.decorate("grpcPort", 0);

    app.addHook("onReady", async () => {
      app.grpcPort = await new Promise<number>((resolve, reject) => {
        server.bindAsync(
          `${config.grpcHost}:${String(config.grpcPort)}`,
          ServerCredentials.createInsecure(),
          (error, port) => {
            if (error) reject(error);
            else resolve(port);
          },
        );
      });
    });
    app.addHook("onClose", async () => {
      health.setStatus("", "NOT_SERVING");
      health.setStatus(ITEM_SERVICE, "NOT_SERVING");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    });
    done();
  });
}
