/** The API's error format: RFC 9457 problem details in XML (`application/problem+xml`, the
 * RFC's Appendix B), published in the OpenAPI document for every error answer; a request the
 * routes' schemas refuse is a 422 naming each failing value. */
import { STATUS_CODES } from "node:http";

import type { FastifyError } from "fastify";
import XMLBuilder from "fast-xml-builder";
import { Type } from "typebox";

import type { ErrorFormat, Problem } from "./problems.js";
import { named, ref } from "./schemas/items.js";

const MEDIA_TYPE = "application/problem+xml";
const PROBLEM_NAMESPACE = "urn:ietf:rfc:7807"; // RFC 9457 keeps RFC 7807's namespace

export interface ErrorEntry {
  location: string;
  message: string;
}

/** The problem document, as published in the OpenAPI document for every error response: its
 * members as RFC 9457's XML format carries them (sent as text, as built). */
export const errorSchema = named(
  "Problem",
  Type.String({ description: "A <problem> in RFC 9457's XML format" }),
);

{% include "problem-responses.ts" %}

{% include "problem-validation.ts" %}

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

export const errorFormat: ErrorFormat = {
  mediaType: MEDIA_TYPE,
  render: problemXml,
  register: (app) => {
    app.addSchema(errorSchema);
  },
  invalid: invalidRequest,
};
