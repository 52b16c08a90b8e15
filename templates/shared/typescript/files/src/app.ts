/** The app factory: every dependency comes in through `config`, nothing happens at import. */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
{%- if cookiecutter.selections.api[0] in ["rest", "jsonapi", "xml"] %}
import { Ajv } from "ajv";
{%- endif %}
import Fastify, { type FastifyInstance } from "fastify";

import type { Config } from "./config.js";
import {
  answerUnservedMethods,
  collectServedMethods,
  registerProblemHandlers,
} from "./problems.js";
import { createResources, type Resource, type Resources } from "./resources.js";
import { healthRoutes } from "./routes/health.js";
import { itemRoutes } from "./routes/items.js";
import { createItemService } from "{{ cookiecutter.data.typescript_item_service_modules | last }}";
{%- for name, plugin in cookiecutter.data.typescript_plugins.items() %}
import { {{ plugin.factory }} } from "{{ plugin.module }}";
{%- endfor %}

/** API answers are data, never pages: nothing in them may load, frame or be sniffed. */
export const SECURITY_HEADERS = {
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
} as const;

declare module "fastify" {
  interface FastifyInstance {
    resources: Resources;
  }
}

export async function buildApp(config: Config): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.maxBodyBytes,
  }).withTypeProvider<TypeBoxTypeProvider>();
{%- if cookiecutter.selections.api[0] in ["rest", "jsonapi", "xml"] %}
  // Query strings, path parameters and headers arrive as text, so their values are coerced to
  // the schema's types ("20" -> 20). A JSON body already has types: false or 7 where a string
  // belongs is a 422, not "false" or "7".
  const coercing = new Ajv({ coerceTypes: "array", useDefaults: true });
  const exact = new Ajv({ useDefaults: true });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === "body" ? exact : coercing).compile(schema),
  );
{%- endif %}

  const resources = createResources(config);
  app.decorate("resources", resources);
  app.addHook("onReady", async () => {
    for (const resource of Object.values(resources) as Resource[]) {
      try {
        await resource.start?.();
      } catch (error) {
        app.log.warn(
          { err: error, resource: resource.name },
          "not prepared at start-up; /readyz retries",
        );
      }
    }
  });
  app.addHook("onClose", async () => {
    await Promise.all(Object.values(resources).map((resource) => resource.close()));
  });

  registerProblemHandlers(app);
  app.addHook("onSend", async (request, reply, payload) => {
    // The docs UI is a page that loads its scripts from a CDN: no content security policy.
    const page = request.url.startsWith("/docs");
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!(page && name === "Content-Security-Policy")) {
        reply.header(name, value);
      }
    }
    return payload;
  });
  const served = collectServedMethods(app);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: {{ cookiecutter.project_name | ts_str }},
        description: {{ cookiecutter.description | ts_str }},
        version: "0.1.0",
      },
    },
  });
  if (config.apiDocs) {
    await app.register(swaggerUi, { routePrefix: "/docs" });
    app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());
  }

  await app.register(healthRoutes(Object.values(resources)));
  await app.register(itemRoutes(createItemService(resources){% if "grpc" in cookiecutter.selections.api %}, config{% endif %}));
{%- for name, plugin in cookiecutter.data.typescript_plugins.items() %}
  await app.register({{ plugin.factory }}(resources));
{%- endfor %}
  answerUnservedMethods(app, served);
  return app;
}
