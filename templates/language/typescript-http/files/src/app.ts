/** The app factory: every dependency comes in through `config`, nothing happens at import. */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
{%- if cookiecutter.selections.api[0] in ["rest", "jsonapi", "xml"] %}
import { Ajv } from "ajv";
{%- endif %}
import Fastify, { type FastifyInstance, LogController } from "fastify";

import { answerClientError } from "./client-errors.js";
import type { Config } from "./config.js";
import { Outages } from "./outage.js";
import {
  answerUnservedMethods,
  collectServedMethods,
  registerProblemHandlers,
} from "./problems.js";
import project from "./project.json" with { type: "json" };
import { createResources, type Resource, type Resources } from "./resources.js";
import { healthRoutes } from "./routes/health.js";
import { itemRoutes{% if cookiecutter.selections.api[0] in ["rest", "jsonapi", "xml"] %}, itemSchemas{% endif %} } from "./routes/items.js";
import { createItemService } from "{{ cookiecutter.data.typescript_item_service_modules | last }}";
{%- if cookiecutter.data.report_function is defined and "graphql" in cookiecutter.selections.api %}
import { createReportService } from "./modules/reports/index.js";
{%- endif %}
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

/** Browsers that have seen this over HTTPS use only HTTPS for the host for a year. */
export const HSTS = "max-age=31536000";

/** How often Node.js checks the header and request timeouts (its default: every 30 s). */
const TIMEOUT_CHECK_MS = 500;

/** Where the app writes its JSON log lines: stdout, or a stream of the tests. */
export interface LogStream {
  write(line: string): void;
}

export async function buildApp(
  config: Config,
  { logStream }: { logStream?: LogStream } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    // process.stdout, not pino's own writer, which hands each line to the thread pool and
    // returns: a line could reach the log after the answer it precedes ("store available again"
    // after /readyz said 200), or never if the process is killed meanwhile. Node.js writes
    // stdout at once: to a file or a terminal before the call returns, to a pipe unless it is
    // full (then in order, as the reader catches up).
    logger: { level: config.logLevel, stream: logStream ?? process.stdout },
    // One log line a request, written below, as the Python service writes (Fastify's own are
    // two: one when the request arrives, one when it is answered).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.maxBodyBytes,
    // A client that sends its request slowly (a header line every few seconds) is answered 408
    // and cut off instead of holding a connection for ever. Idle keep-alive connections outlive
    // the load balancer's own idle timeout, so it closes them first and no request it forwards
    // meets a socket the app has just closed.
    requestTimeout: config.requestTimeoutSeconds * 1000,
    keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
    // The 408 (and a malformed request's 400 or 431) reaches the client before the connection
    // closes (src/client-errors.ts).
    clientErrorHandler: answerClientError,
    http: {
      // (Node.js refuses a header timeout above the request timeout: the request's is the cap.)
      headersTimeout: Math.min(config.headersTimeoutSeconds, config.requestTimeoutSeconds) * 1000,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
{%- if cookiecutter.selections.api[0] in ["rest", "jsonapi", "xml"] %}
  // The schemas the OpenAPI document names (components.schemas), which routes refer to by $id:
  // shared with every route, and known to the validators below.
  for (const schema of itemSchemas) app.addSchema(schema);
  // Query strings, path parameters and headers arrive as text, so their values are coerced to
  // the schema's types ("20" -> 20). A JSON body already has types: false or 7 where a string
  // belongs is a 422, not "false" or "7".
  const coercing = new Ajv({ coerceTypes: "array", useDefaults: true, schemas: itemSchemas });
  const exact = new Ajv({ useDefaults: true, schemas: itemSchemas });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === "body" ? exact : coercing).compile(schema),
  );
{%- endif %}

  if (config.httpsOnly) {
    // Behind a router that ends TLS and says how each request came (X-Forwarded-Proto, as
    // Heroku's does): a request that came over plain HTTP goes to its https:// address with a
    // permanent redirect (308 keeps the method and body); answers over HTTPS carry HSTS.
    app.addHook("onRequest", async (request, reply) => {
      const [proto = ""] = String(request.headers["x-forwarded-proto"] ?? "").split(",");
      if (proto.trim().toLowerCase() === "http") {
        const target = `https://${request.headers.host ?? ""}${request.url}`;
        return reply.code(308).header("location", target).send();
      }
      reply.header("strict-transport-security", HSTS);
    });
  }

  const resources = createResources(config);
  const outages = new Outages(Object.values(resources), app.log);
  app.decorate("resources", resources);
  app.addHook("onReady", async () => {
    for (const resource of Object.values(resources) as Resource[]) {
      try {
        await resource.start?.();
      } catch (error) {
        if (resource.isOutage?.(error) === true) {
          outages.failed(resource, error);
        } else {
          app.log.warn(
            { err: error, resource: resource.name },
            "not prepared at start-up; /readyz retries",
          );
        }
      }
    }
  });
  app.addHook("onClose", async () => {
    await Promise.all(Object.values(resources).map((resource) => resource.close()));
  });

  registerProblemHandlers(app, outages);
  app.addHook("onResponse", async (request, reply) => {
    const [path] = request.url.split("?", 1);
    const durationMs = Math.round(reply.elapsedTime * 100) / 100;
    request.log.info(
      { method: request.method, path, status: reply.statusCode, durationMs },
      "request",
    );
  });
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
        title: project.name,
        description: project.description,
        version: "0.1.0",
      },
    },
    // A shared schema is named by its $id in components.schemas, as the Python service names
    // its models (not def-0, def-1, ...).
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === "string" ? json.$id : `def-${String(i)}`,
    },
  });
  if (config.apiDocs) {
    await app.register(swaggerUi, { routePrefix: "/docs" });
    app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());
  }

  await app.register(healthRoutes(Object.values(resources), outages));
  const service = outages.guard(createItemService(resources));
{%- if cookiecutter.data.report_function is defined and "graphql" in cookiecutter.selections.api %}
  // The GraphQL API serves the report the report function keeps (its itemReport query).
  await app.register(itemRoutes(service, createReportService(resources)));
{%- else %}
  await app.register(itemRoutes(service{% if "grpc" in cookiecutter.selections.api %}, config{% endif %}));
{%- endif %}
{%- for name, plugin in cookiecutter.data.typescript_plugins.items() %}
  await app.register({{ plugin.factory }}(resources));
{%- endfor %}
  answerUnservedMethods(app, served);
  return app;
}
