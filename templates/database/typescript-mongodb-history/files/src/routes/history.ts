/** /items/{id}/history: an item's changes, newest first, read from MongoDB. */
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";

import { problemResponses } from "../error-format.js";
import type { Resources } from "../resources.js";
import {
  DEFAULT_LIMIT,
  ItemId,
  ItemPage,
  ItemQuery,
  named,
  pageLinks,
  ref,
} from "../schemas/items.js";
import { requestUrl } from "./items.js";

// Named in the OpenAPI document as the Python service names them.
const ItemEventRead = named(
  "ItemEventRead",
  Type.Object({
    itemId: Type.Integer(),
    action: Type.Union([Type.Literal("created"), Type.Literal("updated"), Type.Literal("deleted")]),
    at: Type.String({ format: "date-time" }),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
  }),
);

const HistoryQuery = Type.Pick(ItemQuery, ["limit", "offset"]);
const HistoryPage = named(
  "HistoryPage",
  Type.Object({
    ...Type.Omit(ItemPage, ["items"]).properties,
    items: Type.Array(ref(ItemEventRead)),
  }),
);

export function historyPlugin(resources: Resources): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.addSchema(ItemEventRead);
    app.addSchema(HistoryPage);
    app.get(
      "/items/:id/history",
      {
        schema: {
          tags: ["items"],
          operationId: "item_history_items__item_id__history_get",
          summary: "An item's changes, newest first (kept after the item is deleted)",
          params: ItemId,
          querystring: HistoryQuery,
          response: { 200: ref(HistoryPage), ...problemResponses(422) },
        },
      },
      async (request) => {
        const { limit = DEFAULT_LIMIT, offset = 0 } = request.query;
        const [events, total] = await resources.history.list(request.params.id, limit, offset);
        const items = events.map((event) => ({ ...event, at: event.at.toISOString() }));
        const links = pageLinks(total, { limit, offset }, requestUrl(request));
        return { items, total, limit, offset, links };
      },
    );
    done();
  };
}
