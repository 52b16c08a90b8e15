{%- set http = "graphql" not in cookiecutter.selections.api -%}
{%- set projection = cookiecutter.data.report_function is defined -%}
/** The reports module: figures about other modules' data, read through their public interfaces. */
{%- if projection %}
{%- if http %}
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
{% endif %}
import type { Resources } from "../../resources.js";
import { ProjectedReportService, ReportProjection, type Reports } from "./projection.js";
{%- if http %}
import { reportRoutes } from "./routes.js";
{%- endif %}

export {
  changeBetween,
  ITEM_PREFIX,
  ProjectedReportService,
  ReportProjection,
  type ItemChange,
  type Reports,
} from "./projection.js";
export { ReportService, type ItemReport } from "./service.js";

/** The report the API serves: the projection the report function keeps from the table's
 * stream (src/report-handler.ts), not a count over every item. */
export function createReportService(resources: Resources): Reports {
  return new ProjectedReportService(new ReportProjection(resources.database.db));
}
{%- if http %}

/** The module's HTTP routes, wired to the app's resources. */
export function reportsPlugin(resources: Resources): FastifyPluginCallbackTypebox {
  return reportRoutes(createReportService(resources));
}
{%- endif %}
{%- else %}
{%- if http %}
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";

import type { Resources } from "../../resources.js";
import { createItemService } from "../items/index.js";
import { reportRoutes } from "./routes.js";
import { ReportService } from "./service.js";
{%- endif %}

export { ReportService, type ItemReport } from "./service.js";
{%- if http %}

/** The module's HTTP routes, wired to the app's resources. */
export function reportsPlugin(resources: Resources): FastifyPluginCallbackTypebox {
  return reportRoutes(new ReportService(createItemService(resources)));
}
{%- endif %}
{%- endif %}
