/** OpenAPI responses for route schemas: each of these statuses answers with the document
 * above, named in the document's components (errorFormat.register shares it with every
 * route). */
export function problemResponses(...statuses: number[]) {
  const response = { content: { [MEDIA_TYPE]: { schema: ref(errorSchema) } } };
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