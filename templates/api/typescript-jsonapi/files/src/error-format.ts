/** The API's error format: JSON:API errors documents (`application/vnd.api+json`), published in
 * the OpenAPI document for every error answer: one error object per failing member or query
 * parameter, pointing at it, or one for the whole request. */
import { STATUS_CODES } from "node:http";

import { Type } from "typebox";

import type { ErrorFormat, Problem } from "./problems.js";
import { named, ref } from "./schemas/items.js";

export const JSONAPI = "application/vnd.api+json";
const MEDIA_TYPE = JSONAPI;

export interface ErrorEntry {
  pointer?: string;
  parameter?: string;
  message: string;
}

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

{% include "problem-responses.ts" %}

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

export const errorFormat: ErrorFormat = {
  mediaType: JSONAPI,
  render: errorsDocument,
  register: (app) => {
    app.addSchema(errorSchema);
    // JSON:API answers carry no media type parameters but ext or profile; Fastify adds
    // charset=utf-8 to every object it serialises.
    app.addHook("onSend", (_request, reply, payload, done) => {
      const type = reply.getHeader("content-type");
      if (typeof type === "string" && type.startsWith(`${JSONAPI};`)) reply.type(JSONAPI);
      done(null, payload);
    });
  },
  invalid: (error) => {
    if (!error.validation) return undefined;
    const where = error.validationContext ?? "request";
    const errors = error.validation.map((issue) => ({
      ...source(where, issue),
      message: String(issue.message),
    }));
    // JSON:API: a query parameter the server cannot process is a 400, and a resource of a type
    // the collection does not hold a 409.
    const otherType = error.validation.every(
      (issue) => issue.instancePath === "/data/type" && issue.keyword === "enum",
    );
    const status = where === "querystring" ? 400 : otherType ? 409 : 422;
    return { status, detail: "The request is invalid.", errors };
  },
};
