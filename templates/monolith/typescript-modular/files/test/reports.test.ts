import { describe, expect, it } from "vitest";

import { createItemService } from "../src/modules/items/index.js";
import { ReportService } from "../src/modules/reports/index.js";
import { useApp } from "./helpers.js";

describe("the reports module", () => {
  const app = useApp();

  it("reports an empty store", async () => {
    const response = await app().inject("/reports/items");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ total: 0, described: 0 });
  });

  it("counts items across pages of the items module", async () => {
    for (const [name, description] of [
      ["Lamp", "Bright"],
      ["Desk", null],
      ["Chair", "Oak"],
    ] as const) {
      const created = await app().inject({
        method: "POST",
        url: "/items",
        payload: { name, description },
      });
      expect(created.statusCode).toBe(201);
    }
    const reports = new ReportService(createItemService(app().resources), 2);
    expect(await reports.itemsReport()).toEqual({ total: 3, described: 2 });
    expect((await app().inject("/reports/items")).json()).toEqual({ total: 3, described: 2 });
  });
});
