/** /items: the example resource over REST. */
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";

import { problemResponses } from "../error-format.js";
import {
  DEFAULT_LIMIT,
  ItemCreate,
  ItemId,
  ItemPage,
  ItemQuery,
  ItemRead,
  ItemUpdate,
  MAX_INT,
  PageLinks,
  buildPage,
  named,
  ref,
  toItemRead,
  type ItemService,
} from "../schemas/items.js";

// The item an item sits under (null: under nothing), beside its own fields.
const ParentId = Type.Union([Type.Null(), Type.Integer({ minimum: 1, maximum: MAX_INT })], {
  description: "The item this one sits under",
});
const ItemCreateBody = named(
  "ItemCreate",
  Type.Object(
    { ...ItemCreate.properties, parent_id: Type.Optional(ParentId) },
    { additionalProperties: false },
  ),
);
const ItemUpdateBody = named(
  "ItemUpdate",
  Type.Object(
    { ...ItemUpdate.properties, parent_id: Type.Optional(ParentId) },
    { additionalProperties: false },
  ),
);

/** The schemas the OpenAPI document names, as the Python service names its models; the app
 * shares them with every route, which refers to them by $id. */
export const itemSchemas = [ItemCreateBody, ItemUpdateBody, ItemRead, PageLinks, ItemPage];

export function itemRoutes(service: ItemService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      "/items",
      {
        schema: {
          tags: ["items"],
          operationId: "list_items_items_get",
          querystring: ItemQuery,
          response: { 200: ref(ItemPage), ...problemResponses(422) },
        },
      },
      async (request) => {
        const { limit = DEFAULT_LIMIT, offset = 0, name } = request.query;
        const [rows, total] = await service.list({ limit, offset, nameContains: name });
        return buildPage(rows, total, { limit, offset }, requestUrl(request));
      },
    );

    app.post(
      "/items",
      {
        schema: {
          tags: ["items"],
          operationId: "create_item_items_post",
          body: ref(ItemCreateBody),
          // 400: not JSON at all; 415: not sent as JSON; 422: JSON, but not a valid item.
          response: { 201: ref(ItemRead), ...problemResponses(400, 409, 415, 422) },
        },
      },
      async (request, reply) => {
        const { name, description, parent_id: parentId } = request.body;
        const item = await service.create({
          name: name.trim(),
          description: description ?? null,
          parentId,
        });
        const location = new URL(`items/${String(item.id)}`, `${requestUrl(request).origin}/`);
        return reply.code(201).header("location", location.toString()).send(toItemRead(item));
      },
    );

    app.get(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          operationId: "get_item_items__item_id__get",
          params: ItemId,
          response: { 200: ref(ItemRead), ...problemResponses(404, 422) },
        },
      },
      async (request) => toItemRead(await service.get(request.params.id)),
    );

    app.patch(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          operationId: "update_item_items__item_id__patch",
          params: ItemId,
          body: ref(ItemUpdateBody),
          response: { 200: ref(ItemRead), ...problemResponses(400, 404, 409, 415, 422) },
        },
      },
      async (request) => {
        const { name, description, parent_id: parentId } = request.body;
        const changes = {
          ...(name === undefined ? {} : { name: name.trim() }),
          ...(description === undefined ? {} : { description }),
          ...(parentId === undefined ? {} : { parentId }),
        };
        return toItemRead(await service.update(request.params.id, changes));
      },
    );

    app.delete(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          operationId: "delete_item_items__item_id__delete",
          params: ItemId,
          response: { 204: Type.Null(), ...problemResponses(404, 409, 422) },
        },
      },
      async (request, reply) => {
        await service.delete(request.params.id);
        return reply.code(204).send(null);
      },
    );
    done();
  };
}

export function requestUrl(request: { protocol: string; host: string; url: string }): URL {
  return new URL(request.url, `${request.protocol}://${request.host}`);
}
