/** The gRPC server (items.v1.ItemService, grpc.health.v1.Health, reflection), started when
 * the app is ready and stopped when it closes; HTTP keeps /healthz and /readyz. */
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { loadSync, type PackageDefinition } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import type { FastifyPluginCallback } from "fastify";
import fastifyPlugin from "fastify-plugin";
import { HealthImplementation, protoPath as healthProto } from "grpc-health-check";

import type { Config } from "../config.js";
import { descriptorSet } from "../gen/descriptor-set.js";
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

/** What server reflection (v1 and v1alpha) serves: the files of proto/ and those they import,
 * as buf built them (src/gen/descriptor-set.ts), beside the health service's.
 *
 * @grpc/reflection takes a package definition but reads nothing of it but each entry's
 * `fileDescriptorProtos`. proto-loader's own would hold files it re-synthesised per package
 * (items_v1.proto, google_protobuf.proto) with no imports declared, from which a client cannot
 * resolve google.protobuf.Timestamp (grpc/grpc-node#3018); so the real files ride on one entry
 * of their own. health.proto imports nothing, so proto-loader's version of it will do. */
export function reflectedFiles(): PackageDefinition {
  const set = fromBinary(FileDescriptorSetSchema, Buffer.from(descriptorSet, "base64"));
  const files = set.file.map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file)));
  return {
    ...loadSync(healthProto),
    "(proto/ and its imports)": {
      format: "Protocol Buffer 3 EnumDescriptorProto", // a shape reflection reads; no enum
      type: {},
      fileDescriptorProtos: files,
    },
  };
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
    new ReflectionService(reflectedFiles()).addToServer(server);
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
