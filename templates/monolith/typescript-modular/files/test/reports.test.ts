{%- set xml = "xml" in cookiecutter.selections.api -%}
{%- set graphql = "graphql" in cookiecutter.selections.api -%}
{%- set projection = cookiecutter.data.report_function is defined -%}
{% if xml -%}
import { XMLParser } from "fast-xml-parser";
{% endif -%}
import type { FastifyInstance } from "fastify";
{%- if projection %}
import { afterAll, beforeAll, describe, expect, it } from "vitest";
{%- else %}
import { describe, expect, it } from "vitest";
{%- endif %}

import { createItemService } from "../src/modules/items/index.js";
import { ReportService } from "../src/modules/reports/index.js";
{%- if projection %}
import { reportFunction } from "../src/report-handler.js";
import { testConfig, useApp } from "./helpers.js";
import { lambdaContext, TableStream } from "./report-stream.js";
{%- else %}
import { useApp } from "./helpers.js";
{%- endif %}
{%- if xml %}

async function report(app: FastifyInstance): Promise<Record<string, number>> {
  const response = await app.inject("/reports/items");
  expect(response.statusCode).toBe(200);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" });
  const document = parser.parse(response.body) as { itemReport: Record<string, string> };
  return Object.fromEntries(
    Object.entries(document.itemReport).map(([key, value]) => [key, Number(value)]),
  );
}
{%- elif graphql %}

async function report(app: FastifyInstance): Promise<unknown> {
  const query = "{ itemReport { total described } }";
  const response = await app.inject({ method: "POST", url: "/graphql", payload: { query } });
  expect(response.statusCode).toBe(200);
  return response.json<{ data: { itemReport: unknown } }>().data.itemReport;
}
{%- elif "jsonapi" in cookiecutter.selections.api %}

async function report(app: FastifyInstance): Promise<unknown> {
  const response = await app.inject("/reports/items");
  expect(response.statusCode).toBe(200);
  expect(response.headers["content-type"]).toBe("application/vnd.api+json");
  const { data } = response.json<{ data: { type: string; id: string; attributes: unknown } }>();
  expect([data.type, data.id]).toEqual(["item-reports", "items"]);
  return data.attributes;
}
{%- else %}

async function report(app: FastifyInstance): Promise<unknown> {
  const response = await app.inject("/reports/items");
  expect(response.statusCode).toBe(200);
  return response.json();
}
{%- endif %}

describe("the reports module", () => {
  const app = useApp();
{%- if projection %}
  // The report is the report function's projection: each check first hands it the table's
  // changes, as Lambda does.
  const config = testConfig();
  const handler = reportFunction(() => config);
  let stream: TableStream;
  beforeAll(async () => {
    stream = await TableStream.open(config);
  });
  afterAll(() => {
    stream.close();
  });
  const applyChanges = async () => {
    const batch = await stream.batch();
    if (batch.Records.length) {
      expect(await handler(batch, lambdaContext())).toEqual({ batchItemFailures: [] });
    }
  };
{%- endif %}

  it("reports an empty store", async () => {
{%- if projection %}
    await applyChanges();
{%- endif %}
    expect(await report(app())).toEqual({ total: 0, described: 0 });
  });

  it("counts items across pages of the items module", async () => {
    for (const [name, description] of [
      ["Lamp", "Bright"],
      ["Desk", null],
      ["Chair", "Oak"],
    ] as const) {
      await createItemService(app().resources).create({ name, description });
    }
    const reports = new ReportService(createItemService(app().resources), 2);
    expect(await reports.itemsReport()).toEqual({ total: 3, described: 2 });
{%- if projection %}
    await applyChanges();
{%- endif %}
    expect(await report(app())).toEqual({ total: 3, described: 2 });
  });
});
