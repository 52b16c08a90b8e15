{%- set xml = "xml" in cookiecutter.selections.api -%}
{% if xml -%}
import { XMLParser } from "fast-xml-parser";
{% endif -%}
import { describe, expect, it } from "vitest";

import { createItemService } from "../src/modules/items/index.js";
import { ReportService } from "../src/modules/reports/index.js";
import { useApp } from "./helpers.js";
{%- if xml %}

function report(response: { body: string }): Record<string, number> {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" });
  const document = parser.parse(response.body) as { itemReport: Record<string, string> };
  return Object.fromEntries(
    Object.entries(document.itemReport).map(([key, value]) => [key, Number(value)]),
  );
}
{%- else %}

function report(response: { json: () => unknown }): unknown {
  return response.json();
}
{%- endif %}

describe("the reports module", () => {
  const app = useApp();

  it("reports an empty store", async () => {
    const response = await app().inject("/reports/items");
    expect(response.statusCode).toBe(200);
    expect(report(response)).toEqual({ total: 0, described: 0 });
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
    expect(report(await app().inject("/reports/items"))).toEqual({ total: 3, described: 2 });
  });
});
