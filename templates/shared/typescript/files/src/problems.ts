/** Errors as RFC 9457 problem details (`application/problem+json`). */
import { STATUS_CODES } from "node:http";

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";

export const PROBLEM_JSON = "application/problem+json";

/** The problem document, as published in the OpenAPI document for every error response. */
export const problemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  errors: Type.Optional(
    Type.Array(Type.Object({ location: Type.String(), message: Type.String() })),
  ),
});

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { location: string; message: string }[];
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
  return reply.code(problem.status).type(PROBLEM_JSON).send(body);
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    send(reply, request, { status: 404, detail: `No route for ${request.method} ${request.url}` }),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return send(reply, request, { status: error.status, detail: error.message });
    }
    if (error.validation) {
      const where = error.validationContext ?? "request";
      const errors = error.validation.map((issue) => ({
        location: `${where}${issue.instancePath}`,
        message: String(issue.message),
      }));
      return send(reply, request, { status: 422, detail: "The request is invalid.", errors });
    }
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return send(reply, request, { status: error.statusCode, detail: error.message });
    }
    request.log.error({ err: error }, "unhandled error");
    return send(reply, request, { status: 500, detail: "An unexpected error occurred." });
  });
}
