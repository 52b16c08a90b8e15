/** Liveness and readiness for load balancers and orchestrators. */
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";

import type { Resource } from "../resources.js";

const Health = Type.Object({
  status: Type.Union([Type.Literal("ok"), Type.Literal("unavailable")]),
  checks: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.Literal("up"), Type.Literal("down")])),
  ),
});

export function healthRoutes(resources: readonly Resource[]): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get("/healthz", { schema: { tags: ["health"], response: { 200: Health } } }, () => ({
      status: "ok" as const,
    }));

    app.get(
      "/readyz",
      { schema: { tags: ["health"], response: { 200: Health, 503: Health } } },
      async (request, reply) => {
        const results = await Promise.all(
          resources.map(async (resource) => {
            try {
              await resource.ping();
              return [resource.name, "up"] as const;
            } catch (error) {
              request.log.warn({ err: error, resource: resource.name }, "readiness check failed");
              return [resource.name, "down"] as const;
            }
          }),
        );
        const ready = results.every(([, state]) => state === "up");
        return reply
          .code(ready ? 200 : 503)
          .send({ status: ready ? "ok" : "unavailable", checks: Object.fromEntries(results) });
      },
    );
    done();
  };
}
