/** /reports: figures computed by the reports module. */
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";

import type { ReportService } from "./service.js";

const ItemReport = Type.Object({
  total: Type.Integer({ description: "Items stored" }),
  described: Type.Integer({ description: "Items with a description" }),
});

export function reportRoutes(reports: ReportService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      "/reports/items",
      { schema: { tags: ["reports"], response: { 200: ItemReport } } },
      () => reports.itemsReport(),
    );
    done();
  };
}
