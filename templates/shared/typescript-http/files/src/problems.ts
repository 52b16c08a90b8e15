{%- set xml = "xml" in cookiecutter.selections.api -%}
{%- set jsonapi = "jsonapi" in cookiecutter.selections.api -%}
{%- set bare = cookiecutter.selections.api[0] in ["graphql", "grpc"] -%}
{%- set error_type = "JSONAPI" if jsonapi else "PROBLEM_XML" if xml else "PROBLEM_JSON" -%}
{%- if jsonapi -%}
/** Errors as JSON:API errors documents (`application/vnd.api+json`): one error object per
 * failing member or query parameter, pointing at it, or one for the whole request. */
{%- else -%}
/** Errors as RFC 9457 problem details (`application/problem+{{ "xml" if xml else "json" }}`). */
{%- endif %}
import { STATUS_CODES } from "node:http";

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
{%- if xml %}
import XMLBuilder from "fast-xml-builder";
{%- endif %}
{%- if not bare %}
import { Type } from "typebox";
{%- endif %}

import type { Outages } from "./outage.js";
{%- if not bare %}
import { named, ref } from "./schemas/items.js";
{%- endif %}
{% if jsonapi %}
export const JSONAPI = "application/vnd.api+json";
{%- elif xml %}
export const PROBLEM_XML = "application/problem+xml";
const PROBLEM_NAMESPACE = "urn:ietf:rfc:7807"; // RFC 9457 keeps RFC 7807's namespace
{%- else %}
export const PROBLEM_JSON = "application/problem+json";
{%- endif %}

{%- if jsonapi %}
/** The errors document, as published in the OpenAPI document for every error response. */
export const errorSchema = named(
  "ErrorDocument",
  Type.Object({
    jsonapi: Type.Object({ version: Type.Literal("1.1") }),
    errors: Type.Array(
      Type.Object({
        status: Type.String(),
        title: Type.String(),
        detail: Type.Optional(Type.String()),
        source: Type.Optional(
          Type.Object({
            pointer: Type.Optional(Type.String()),
            parameter: Type.Optional(Type.String()),
          }),
        ),
      }),
    ),
  }),
);
{%- elif xml %}
/** The problem document, as published in the OpenAPI document for every error response: its
 * members as RFC 9457's XML format carries them (sent as text, as built). */
export const errorSchema = named(
  "Problem",
  Type.String({ description: "A <problem> in RFC 9457's XML format" }),
);
{%- elif not bare %}
/** The problem document, as published in the OpenAPI document for every error response. */
export const errorSchema = named(
  "Problem",
  Type.Object({
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ location: Type.String(), message: Type.String() })),
    ),
  }),
);
{%- endif %}
{%- if not bare %}

/** OpenAPI responses for route schemas: each of these statuses answers with the document
 * above, named in the document's components (registerProblemHandlers shares it with every
 * route). */
export function problemResponses(...statuses: number[]) {
  const response = { content: { [{{ error_type }}]: { schema: ref(errorSchema) } } };
  return {
    ...Object.fromEntries(
      statuses.map((status) => [
        status,
        { description: STATUS_CODES[status] ?? "Error", ...response },
      ]),
    ),
    // Every route that reaches a store answers 503 while the store is unreachable (outage.ts).
    503: {
      description: "A store the request needs is unreachable; retry after Retry-After seconds.",
      headers: {
        "Retry-After": { description: "Seconds to wait before retrying.", type: "integer" },
      },
      ...response,
    },
  };
}
{%- endif %}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
{%- if jsonapi %}
  errors?: { pointer?: string; parameter?: string; message: string }[];
{%- else %}
  errors?: { location: string; message: string }[];
{%- endif %}
}

/** A failure with a meaning for the client; subclasses set the status. */
export class AppError extends Error {
  readonly status: number = 500;
}

export class NotFoundError extends AppError {
  override readonly status = 404;
}

export class ConflictError extends AppError {
  override readonly status = 409;
}

/** A business rule the request broke that the schema could not see. */
export class UnprocessableError extends AppError {
  override readonly status = 422;
}

/** A store the request needs cannot be reached (src/outage.ts): a 503 the client may retry. */
export class UnavailableError extends AppError {
  override readonly status = 503;
  /** Sent as Retry-After: time for a store to restart or fail over. */
  readonly retryAfterSeconds = 5;

  constructor(options?: ErrorOptions) {
    super("A store the service needs is unavailable; retry later.", options);
  }
}

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  problem: Omit<Problem, "type" | "title" | "instance">,
) {
  const body: Problem = {
    type: "about:blank",
    title: STATUS_CODES[problem.status] ?? "Error",
    instance: request.url.split("?")[0] ?? request.url,
    ...problem,
  };
{%- if xml %}
  return reply.code(problem.status).type(PROBLEM_XML).send(problemXml(body));
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  suppressBooleanAttributes: false,
});

/** The problem in RFC 9457's XML format (Appendix B): a member per child element, a list as
 * `i` elements. */
function problemXml({ errors, ...members }: Problem): string {
  const problem = {
    "@xmlns": PROBLEM_NAMESPACE,
    ...members,
    ...(errors === undefined ? {} : { errors: { i: errors } }),
  };
  return '<?xml version="1.0" encoding="UTF-8"?>' + builder.build({ problem });
}
{%- elif jsonapi %}
  return reply.code(problem.status).type(JSONAPI).send(errorsDocument(body));
}

/** The problem as a JSON:API errors document. */
function errorsDocument({ status, title, detail, errors }: Problem) {
  const base = { status: String(status), title };
  const objects =
    errors === undefined
      ? [{ ...base, ...(detail === undefined ? {} : { detail }) }]
      : errors.map(({ message, ...source }) => ({ ...base, detail: message, source }));
  return { jsonapi: { version: "1.1" }, errors: objects };
}

/** Where a failing value was, from an ajv issue: a JSON Pointer into the body, or the query
 * parameter. */
function source(
  where: string,
  issue: { instancePath: string; params: Record<string, unknown> },
): { pointer: string } | { parameter: string } {
  const member = issue.params.missingProperty ?? issue.params.additionalProperty;
  const path = `${issue.instancePath}${typeof member === "string" ? `/${member}` : ""}`;
  if (where === "querystring") return { parameter: path.replace(/^\//, "") };
  return { pointer: path };
}
{%- else %}
  return reply.code(problem.status).type(PROBLEM_JSON).send(body);
}
{%- endif %}

/** A 405 with the Allow header (RFC 9110) for the methods a path does not serve; Fastify
 * would answer them 404. Call it once every route is registered. */
export function answerUnservedMethods(
  app: FastifyInstance,
  served: Map<string, Set<string>>,
): void {
  for (const [url, methods] of served) {
    const allow = [...methods]
      .filter((method) => method !== "HEAD")
      .sort()
      .join(", ");
    const unserved = app.supportedMethods.filter((method) => !methods.has(method));
    if (unserved.length === 0) continue;
    app.route({
      method: unserved,
      url,
      schema: { hide: true },
      // Before the body is read: a QUERY without a Content-Type is still a 405, not a 400.
      onRequest: async (request, reply) => {
        await send(reply.header("allow", allow), request, {
          status: 405,
          detail: `Allowed: ${allow}`,
        });
      },
      handler: () => undefined,
    });
  }
}

/** Collects each documented path's methods as routes are added, for answerUnservedMethods
 * (the ones the OpenAPI document lists: the docs UI's own routes are hidden from it). */
export function collectServedMethods(app: FastifyInstance): Map<string, Set<string>> {
  const served = new Map<string, Set<string>>();
  app.addHook("onRoute", (route) => {
    if (route.schema?.hide === true) return;
    const methods = served.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    served.set(route.url, methods);
  });
  return served;
}

/** Every error answered in the API's format; a store's outage (`outages`) as a 503 with
 * Retry-After. */
export function registerProblemHandlers(app: FastifyInstance, outages: Outages): void {
{%- if not bare %}
  app.addSchema(errorSchema);
{%- endif %}
{%- if jsonapi %}
  // JSON:API answers carry no media type parameters but ext or profile; Fastify adds
  // charset=utf-8 to every object it serialises.
  app.addHook("onSend", (_request, reply, payload, done) => {
    const type = reply.getHeader("content-type");
    if (typeof type === "string" && type.startsWith(`${JSONAPI};`)) reply.type(JSONAPI);
    done(null, payload);
  });
{%- endif %}
  app.setNotFoundHandler((request, reply) =>
    send(reply, request, { status: 404, detail: `No route for ${request.method} ${request.url}` }),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
{%- if bare %}
    // The API answers its own errors (GraphQL's `errors`, gRPC's status codes); what reaches
    // this handler comes from the HTTP routes: a store's outage, Fastify refusing a request (a
    // body over the limit: 413) or a failure of the server itself.
{%- endif %}
    const failure = outages.classify(error);
    if (failure instanceof UnavailableError) {
      reply.header("retry-after", String(failure.retryAfterSeconds));
    }
    if (failure instanceof AppError) {
      return send(reply, request, { status: failure.status, detail: failure.message });
    }
{%- if not bare %}
    if (error.validation) {
      const where = error.validationContext ?? "request";
{%- if jsonapi %}
      const errors = error.validation.map((issue) => ({
        ...source(where, issue),
        message: String(issue.message),
      }));
      // JSON:API: a query parameter the server cannot process is a 400, and a resource of a
      // type the collection does not hold a 409.
      const otherType = error.validation.every(
        (issue) => issue.instancePath === "/data/type" && issue.keyword === "enum",
      );
      const status = where === "querystring" ? 400 : otherType ? 409 : 422;
      return send(reply, request, { status, detail: "The request is invalid.", errors });
{%- else %}
      const errors = error.validation.map((issue) => ({
        location: `${where}${issue.instancePath}`,
        message: String(issue.message),
      }));
      return send(reply, request, { status: 422, detail: "The request is invalid.", errors });
{%- endif %}
    }
{%- endif %}
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return send(reply, request, { status: error.statusCode, detail: error.message });
    }
    request.log.error({ err: error }, "unhandled error");
    return send(reply, request, { status: 500, detail: "An unexpected error occurred." });
  });
}
