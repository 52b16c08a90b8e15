/** /items: the example resource as XML (application/xml, described by /schemas/items.xsd). */
import { readFileSync } from "node:fs";

import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { Type, type TSchema } from "typebox";

import { problemResponses } from "../error-format.js";
import {
  DEFAULT_LIMIT,
  ItemCreate,
  ItemId,
  ItemQuery,
  ItemUpdate,
  buildPage,
  toItemRead,
  type ItemService,
} from "../schemas/items.js";
import {
  XML,
  XML_TYPES,
  itemDocument,
  notAcceptable,
  pageDocument,
  readItem,
  schemaFile,
} from "../xml.js";

const described = (what: string) => ({
  description: what,
  content: { [XML]: { schema: Type.String({ description: "See /schemas/items.xsd" }) } },
});
// The body reaches the handler as the raw document; the OpenAPI document says what it holds.
const ItemDocument = {
  content: {
    [XML]: { schema: Type.String({ description: "An <item> (see /schemas/items.xsd)" }) },
  },
};

/** The schemas the OpenAPI document names for the app to share with every route: none, the
 * bodies are XML documents that /schemas/items.xsd describes (the problem document is named
 * where it is defined, in src/problems.ts). */
export const itemSchemas: TSchema[] = [];

export function itemRoutes(service: ItemService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    // Only XML bodies, read as text; anything else is a 415.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(XML_TYPES, { parseAs: "string" }, (_request, body, parsed) => {
      parsed(null, body);
    });
    app.addHook("onRequest", (request, _reply, next) => {
      next(notAcceptable(request.headers.accept));
    });
    const xsd = readFileSync(schemaFile(), "utf8");

    app.get(
      "/schemas/items.xsd",
      {
        schema: {
          tags: ["schemas"],
          operationId: "items_schema_schemas_items_xsd_get",
          response: { 200: described("The XML Schema of /items") },
        },
      },
      async (_request, reply) => reply.type(XML).send(xsd),
    );

    app.get(
      "/items",
      {
        schema: {
          tags: ["items"],
          operationId: "list_items_items_get",
          querystring: ItemQuery,
          response: { 200: described("A page of items"), ...problemResponses(406, 422) },
        },
      },
      async (request, reply) => {
        const { limit = DEFAULT_LIMIT, offset = 0, name } = request.query;
        const [rows, total] = await service.list({ limit, offset, nameContains: name });
        const url = new URL(request.url, `${request.protocol}://${request.host}`);
        return reply.type(XML).send(pageDocument(buildPage(rows, total, { limit, offset }, url)));
      },
    );

    app.post(
      "/items",
      {
        schema: {
          tags: ["items"],
          operationId: "create_item_items_post",
          body: ItemDocument,
          response: {
            201: described("The new item"),
            ...problemResponses(400, 406, 409, 415, 422),
          },
        },
      },
      async (request, reply) => {
        const fields = readItem(String(request.body), ItemCreate);
        const item = await service.create({
          name: fields.name.trim(),
          description: fields.description ?? null,
        });
        const location = new URL(
          `items/${String(item.id)}`,
          `${request.protocol}://${request.host}/`,
        );
        return reply
          .code(201)
          .header("location", location.toString())
          .type(XML)
          .send(itemDocument(toItemRead(item)));
      },
    );

    app.get(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          operationId: "get_item_items__item_id__get",
          params: ItemId,
          response: { 200: described("The item"), ...problemResponses(404, 406, 422) },
        },
      },
      async (request, reply) =>
        reply.type(XML).send(itemDocument(toItemRead(await service.get(request.params.id)))),
    );

    app.patch(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          operationId: "update_item_items__item_id__patch",
          params: ItemId,
          body: ItemDocument,
          response: {
            200: described("The changed item"),
            ...problemResponses(400, 404, 406, 409, 415, 422),
          },
        },
      },
      async (request, reply) => {
        const { name, description } = readItem(String(request.body), ItemUpdate);
        const changes = {
          ...(name === undefined ? {} : { name: name.trim() }),
          ...(description === undefined ? {} : { description }),
        };
        const item = await service.update(request.params.id, changes);
        return reply.type(XML).send(itemDocument(toItemRead(item)));
      },
    );

    app.delete(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          operationId: "delete_item_items__item_id__delete",
          params: ItemId,
          response: { 204: Type.Null(), ...problemResponses(404, 406, 422) },
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
