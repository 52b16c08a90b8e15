/** Errors as the API answers them, in its own format (src/error-format.ts): the failures the
 * app knows, and handlers that turn every error Fastify meets into one such answer. */
import { STATUS_CODES } from "node:http";

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

import { errorFormat, type ErrorEntry } from "./error-format.js";
import type { Outages } from "./outage.js";

/** An RFC 9457 problem: what every error format renders. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ErrorEntry[];
}

/** How an API type answers errors: src/error-format.ts gives one, and an API type with a format
 * of its own replaces that file. */
export interface ErrorFormat {
  /** The media type of every error answer. */
  mediaType: string;
  /** The body of an error answer. */
  render: (problem: Problem) => unknown;
  /** What the format adds to the app: its error schema, hooks. */
  register: (app: FastifyInstance) => void;
  /** The answer to a request the routes' schemas refused (`error.validation`), if it is one. */
  invalid: (error: FastifyError) => Pick<Problem, "status" | "detail" | "errors"> | undefined;
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
  return reply.code(problem.status).type(errorFormat.mediaType).send(errorFormat.render(body));
}

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
  errorFormat.register(app);
  app.setNotFoundHandler((request, reply) =>
    send(reply, request, { status: 404, detail: `No route for ${request.method} ${request.url}` }),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const failure = outages.classify(error);
    if (failure instanceof UnavailableError) {
      reply.header("retry-after", String(failure.retryAfterSeconds));
    }
    if (failure instanceof AppError) {
      return send(reply, request, { status: failure.status, detail: failure.message });
    }
    const invalid = errorFormat.invalid(error);
    if (invalid) return send(reply, request, invalid);
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return send(reply, request, { status: error.statusCode, detail: error.message });
    }
    request.log.error({ err: error }, "unhandled error");
    return send(reply, request, { status: 500, detail: "An unexpected error occurred." });
  });
}
