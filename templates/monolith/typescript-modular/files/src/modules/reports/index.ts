/** The reports module: figures about other modules' data, read through their public interfaces. */
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";

import type { Resources } from "../../resources.js";
import { createItemService } from "../items/index.js";
import { reportRoutes } from "./routes.js";
import { ReportService } from "./service.js";

export { ReportService, type ItemReport } from "./service.js";

/** The module's HTTP routes, wired to the app's resources. */
export function reportsPlugin(resources: Resources): FastifyPluginCallbackTypebox {
  return reportRoutes(new ReportService(createItemService(resources)));
}
