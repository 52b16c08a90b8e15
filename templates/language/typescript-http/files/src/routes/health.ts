/** Liveness and readiness for load balancers and orchestrators. */
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";

import type { Outages } from "../outage.js";
import type { Resource } from "../resources.js";

const Health = Type.Object({
  status: Type.Union([Type.Literal("ok"), Type.Literal("unavailable")]),
  checks: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.Literal("up"), Type.Literal("down")])),
  ),
});

/** Liveness, and readiness from each resource's ping: a resource going down, and coming back,
 * is logged once each (src/outage.ts), not at every probe. */
export function healthRoutes(
  resources: readonly Resource[],
  outages: Outages,
): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      "/healthz",
      {
        schema: { tags: ["health"], operationId: "healthz_healthz_get", response: { 200: Health } },
      },
      () => ({ status: "ok" as const }),
    );

    app.get(
      "/readyz",
      {
        schema: {
          tags: ["health"],
          operationId: "readyz_readyz_get",
          response: { 200: Health, 503: Health },
        },
      },
      async (_request, reply) => {
        const results = await Promise.all(
          resources.map(async (resource) => {
            try {
              await resource.ping();
              outages.recovered(resource);
              return [resource.name, "up"] as const;
            } catch (error) {
              outages.failed(resource, error);
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
