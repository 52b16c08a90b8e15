{%- set modular = cookiecutter.selections.architecture[0] == "modular-monolith" -%}
{%- set projection = cookiecutter.data.report_function is defined -%}
/** /graphql: the GraphQL endpoint (POST, or GET for queries) and GraphiQL at /graphiql. */
import type { FastifyPluginAsync } from "fastify";
import mercurius from "mercurius";

import { checkTokens, coded, resolvers, typeDefs, validationRules } from "../graphql.js";
{%- if projection %}
import type { Reports } from "../modules/reports/index.js";
{%- elif modular %}
import { ReportService } from "../modules/reports/index.js";
{%- endif %}
import type { ItemService } from "../schemas/items.js";
{% if projection %}
export function itemRoutes(service: ItemService, reports: Reports): FastifyPluginAsync {
{%- else %}
export function itemRoutes(service: ItemService): FastifyPluginAsync {
{%- endif %}
  return async (app) => {
    // GraphQL is described by its own schema (schema.graphql), not in the OpenAPI document.
    app.addHook("onRoute", (route) => {
      route.schema = { ...route.schema, hide: true };
    });
{%- if projection %}
    const context = { items: service, reports };
{%- else %}
    const context = { items: service{% if modular %}, reports: new ReportService(service){% endif %} };
{%- endif %}
    await app.register(mercurius, {
      schema: typeDefs,
      resolvers,
      context: () => context,
      path: "/graphql",
      graphiql: true,
      validationRules,
      errorFormatter: (execution, context) => {
        // mercurius's own answer (its status: 400 for a document it refused, 405 for a
        // mutation sent with GET), with a code on every error and the server's failures masked.
        const { statusCode, response } = mercurius.defaultErrorFormatter(execution, context);
        for (const error of execution.errors) {
          if (error.path !== undefined && error.extensions.code === undefined) {
            context.app.log.error(
              { err: error.originalError, path: error.path },
              "a resolver failed",
            );
          }
        }
        return {
          statusCode,
          response: { ...response, errors: (response.errors ?? []).map(coded) },
        };
      },
    });
    app.graphql.addHook("preParsing", (_schema, source) => {
      checkTokens(source);
      return Promise.resolve();
    });
  };
}
