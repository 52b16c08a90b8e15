{%- set xml = "xml" in cookiecutter.selections.api -%}
/** /reports: figures computed by the reports module. */
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
{%- if xml %}
import XMLBuilder from "fast-xml-builder";
{%- endif %}
import { Type } from "typebox";
{% if xml %}
import { XML } from "../../xml.js";
{%- endif %}
import type { ReportService } from "./service.js";

{%- if xml %}
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@" });
{%- else %}
const ItemReport = Type.Object({
  total: Type.Integer({ description: "Items stored" }),
  described: Type.Integer({ description: "Items with a description" }),
});
{%- endif %}

export function reportRoutes(reports: ReportService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
{%- if xml %}
    app.get(
      "/reports/items",
      {
        schema: {
          tags: ["reports"],
          response: {
            200: {
              description: "Items stored and items with a description",
              content: {
                [XML]: { schema: Type.String({ description: "See /schemas/items.xsd" }) },
              },
            },
          },
        },
      },
      async (_request, reply) => {
        const { total, described } = await reports.itemsReport();
        const itemReport = { "@total": String(total), "@described": String(described) };
        return reply.type(XML).send(builder.build({ itemReport }));
      },
    );
{%- else %}
    app.get(
      "/reports/items",
      { schema: { tags: ["reports"], response: { 200: ItemReport } } },
      () => reports.itemsReport(),
    );
{%- endif %}
    done();
  };
}
