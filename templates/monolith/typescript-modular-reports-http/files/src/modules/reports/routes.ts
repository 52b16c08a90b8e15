{%- set xml = "xml" in cookiecutter.selections.api -%}
{%- set jsonapi = "jsonapi" in cookiecutter.selections.api -%}
/** /reports: figures computed by the reports module. */
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
{%- if xml %}
import XMLBuilder from "fast-xml-builder";
{%- endif %}
import { Type } from "typebox";
{% if xml %}
import { XML } from "../../xml.js";
{%- elif jsonapi %}
import { JSONAPI } from "../../error-format.js";
import { notAcceptable } from "../../jsonapi.js";
{%- endif %}
{%- if cookiecutter.data.report_function is defined %}
import type { Reports as ReportService } from "./projection.js";
{%- else %}
import type { ReportService } from "./service.js";
{%- endif %}

{%- if xml %}
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@" });
{%- endif %}
{%- if not xml %}
// Named in the OpenAPI document (components.schemas) as the Python service names it.
const ItemReport = Type.Object(
  {
    total: Type.Integer({ description: "Items stored" }),
    described: Type.Integer({ description: "Items with a description" }),
  },
  { $id: "ItemReport" },
);
{%- endif %}

export function reportRoutes(reports: ReportService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
{%- if xml %}
    app.get(
      "/reports/items",
      {
        schema: {
          tags: ["reports"],
          operationId: "items_report_reports_items_get",
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
{%- elif jsonapi %}
    // A singleton resource of type item-reports.
    const ItemReportDocument = Type.Object(
      {
        jsonapi: Type.Object({ version: Type.Literal("1.1") }),
        data: Type.Object({
          type: Type.Literal("item-reports"),
          id: Type.Literal("items"),
          attributes: Type.Ref("ItemReport"),
          links: Type.Object({ self: Type.String() }),
        }),
        links: Type.Object({ self: Type.String() }),
      },
      { $id: "ItemReportDocument" },
    );
    app.addSchema(ItemReport).addSchema(ItemReportDocument);
    app.get(
      "/reports/items",
      {
        schema: {
          tags: ["reports"],
          operationId: "items_report_reports_items_get",
          response: {
            200: {
              description: "The items report",
              content: { [JSONAPI]: { schema: Type.Ref("ItemReportDocument") } },
            },
          },
        },
        onRequest: (request, _reply, next) => {
          next(notAcceptable(request.headers.accept));
        },
      },
      async (request, reply) => {
        const self = new URL("reports/items", `${request.protocol}://${request.host}/`).toString();
        const attributes = await reports.itemsReport();
        const data = { type: "item-reports", id: "items", attributes, links: { self } } as const;
        return reply.type(JSONAPI).send({ jsonapi: { version: "1.1" }, data, links: { self } });
      },
    );
{%- else %}
    app.addSchema(ItemReport);
    app.get(
      "/reports/items",
      {
        schema: {
          tags: ["reports"],
          operationId: "items_report_reports_items_get",
          response: { 200: Type.Ref("ItemReport") },
        },
      },
      () => reports.itemsReport(),
    );
{%- endif %}
    done();
  };
}
