/** The API's error format: RFC 9457 problem details as JSON (`application/problem+json`),
 * published in the OpenAPI document for every error answer; a request the routes' schemas
 * refuse is a 422 naming each failing value. */
import { STATUS_CODES } from "node:http";

import type { FastifyError } from "fastify";
import { Type } from "typebox";

import type { ErrorFormat, Problem } from "./problems.js";
import { named, ref } from "./schemas/items.js";

const MEDIA_TYPE = "application/problem+json";

export interface ErrorEntry {
  location: string;
  message: string;
}

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

{% include "problem-responses.ts" %}

{% include "problem-validation.ts" %}

export const errorFormat: ErrorFormat = {
  mediaType: MEDIA_TYPE,
  render: (problem) => problem,
  register: (app) => {
    app.addSchema(errorSchema);
  },
  invalid: invalidRequest,
};
