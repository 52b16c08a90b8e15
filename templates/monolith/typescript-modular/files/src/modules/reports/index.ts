{%- set http = "graphql" not in cookiecutter.selections.api -%}
/** The reports module: figures about other modules' data, read through their public interfaces. */
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
