{%- macro names(name, values) -%}
{%- set line = "const " ~ name ~ ": string[] = " ~ (values | sort | tojson) ~ ";" -%}
{%- if line | length <= 100 -%}
{{ line }}
{%- else -%}
const {{ name }}: string[] = [
{%- for value in values | sort %}
  {{ value | tojson }},
{%- endfor %}
];
{%- endif -%}
{%- endmacro -%}
/** The OpenAPI document names what a client generated from it is made of: every operation has
 * an operationId and every body a schema named in components.schemas, with the names the Python
 * service's document gives, so clients of either language read the same. */
import { describe, expect, it } from "vitest";

import { useApp } from "./helpers.js";

{{ names("OPERATIONS", cookiecutter.data.openapi_names.operations) }}
{{ names("SCHEMAS", cookiecutter.data.openapi_names.schemas) }}

interface Body {
  content?: Record<string, { schema?: { $ref?: string } }>;
}

interface Operation {
  operationId?: string;
  tags?: string[];
  requestBody?: Body;
  responses?: Record<string, Body>;
}

interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

describe("the OpenAPI document", () => {
  const app = useApp();
  // As a client reads it.
  const document = async () => (await app().inject("/openapi.json")).json<Document>();
  const operations = (document: Document) =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        where: `${method.toUpperCase()} ${path}`,
        operation,
      })),
    );

  it("gives every operation the operationId the Python service gives it", async () => {
    const ids = operations(await document()).map(
      ({ where, operation }) => operation.operationId ?? where,
    );
    expect(ids.sort()).toEqual(OPERATIONS);
  });

  it("refers every body to a named schema (health's aside, as in the Python service)", async () => {
    const openapi = await document();
    const named = Object.keys(openapi.components?.schemas ?? {});
    const referred = operations(openapi)
      .filter(({ operation }) => !operation.tags?.includes("health"))
      .flatMap(({ where, operation }) =>
        [operation.requestBody, ...Object.values(operation.responses ?? {})].flatMap((body) =>
          Object.entries(body?.content ?? {})
            // XML documents are described by the XSD the service publishes, not by a schema.
            .filter(([type]) => type !== "application/xml")
            .map(([type, { schema }]) => ({ where: `${where} ${type}`, ref: schema?.$ref })),
        ),
      );
    for (const { where, ref } of referred) {
      expect(ref ?? "an unnamed schema", where).toMatch(/^#\/components\/schemas\/\w+$/);
      expect(named, where).toContain(ref?.split("/").at(-1));
    }
    expect(named).toEqual(expect.arrayContaining(SCHEMAS));
  });
});
