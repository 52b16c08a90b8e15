/** The API's error format: RFC 9457 problem details as JSON (`application/problem+json`).
 * GraphQL and gRPC answer their own errors (GraphQL's `errors`, gRPC's status codes); what
 * reaches this format comes from the HTTP routes: a store's outage, Fastify refusing a request
 * (a body over the limit: 413) or a failure of the server itself. No route here carries a
 * schema, so there is no error schema to publish and no validation error to answer. An API type
 * whose routes carry schemas replaces this file with one giving the same names. */
import type { ErrorFormat } from "./problems.js";

export interface ErrorEntry {
  location: string;
  message: string;
}

export const errorFormat: ErrorFormat = {
  mediaType: "application/problem+json",
  render: (problem) => problem,
  register: () => undefined,
  invalid: () => undefined,
};
