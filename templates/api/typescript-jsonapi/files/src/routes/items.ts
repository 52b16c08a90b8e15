/** /items: the example resource as JSON:API 1.1 documents (application/vnd.api+json). */
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { Type, type Static } from "typebox";

import {
  canonical,
  ItemChangesDocument,
  ItemCollectionDocument,
  ItemDocument,
  ItemFieldsQuery,
  ItemQuery,
  JSONAPI_OBJECT,
  NewItemDocument,
  NoQuery,
  TYPE,
  fieldsOf,
  includedParents,
  itemDocument,
  itemResource,
  notAcceptable,
  orderOf,
  pageLinks,
  unsupportedMediaType,
  type NewRelationships,
} from "../jsonapi.js";
import { JSONAPI, problemResponses } from "../error-format.js";
import { AppError, ConflictError, NotFoundError } from "../problems.js";
import { ItemId, MAX_INT, ref, type ItemService } from "../schemas/items.js";

/** The documents the OpenAPI document names, as the Python service names its models; the app
 * shares them with every route, which refers to them by $id. */
export const itemSchemas = [
  NewItemDocument,
  ItemChangesDocument,
  ItemDocument,
  ItemCollectionDocument,
];

type Named = Parameters<typeof ref>[0];
const jsonapi = <T extends Named>(description: string, schema: T) => ({
  description,
  content: { [JSONAPI]: { schema: ref(schema) } },
});
// A body schema keyed by media type, so the OpenAPI document names JSON:API's. Fastify
// validates the body against it; the type provider cannot see through the key, hence the
// Static<> casts in the handlers.
const body = <T extends Named>(schema: T) => ({ content: { [JSONAPI]: { schema: ref(schema) } } });

class ClientIdError extends AppError {
  override readonly status = 403;
}

/** The parent a document names, once it is known to be an item that exists: a 409 for another
 * type, a 404 for an item that does not exist (the spec's rules). */
async function parentId(
  relationships: NewRelationships,
  service: ItemService,
): Promise<number | null> {
  const identifier = relationships.parent?.data ?? null;
  if (identifier === null) return null;
  if (identifier.type !== TYPE) {
    throw new ConflictError(`A parent is one of the "${TYPE}", not "${identifier.type}".`);
  }
  if (!/^[1-9][0-9]{0,9}$/.test(identifier.id) || Number(identifier.id) > MAX_INT) {
    throw new NotFoundError(`Item "${identifier.id}" does not exist.`);
  }
  return (await service.get(Number(identifier.id))).id;
}

export function itemRoutes(service: ItemService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    // Only JSON:API bodies; anything else (application/json too) is a 415.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      JSONAPI,
      { parseAs: "string" },
      app.getDefaultJsonParser("error", "error"),
    );
    app.addHook("onRequest", (request, _reply, next) => {
      next(notAcceptable(request.headers.accept));
    });
    app.addHook("preValidation", (request, _reply, next) => {
      const hasBody = request.method === "POST" || request.method === "PATCH";
      next(hasBody ? unsupportedMediaType(request.headers["content-type"]) : undefined);
    });
    const requestUrl = (request: { protocol: string; host: string; url: string }) =>
      new URL(request.url, `${request.protocol}://${request.host}`);

    app.get(
      "/items",
      {
        schema: {
          tags: ["items"],
          operationId: "list_items_items_get",
          querystring: ItemQuery,
          response: {
            200: jsonapi("A page of items", ItemCollectionDocument),
            ...problemResponses(400, 406),
          },
        },
      },
      async (request, reply) => {
        // ajv's useDefaults has filled in the page parameters a request leaves out.
        const query = request.query as Required<Pick<ItemQuery, "page[limit]" | "page[offset]">> &
          ItemQuery;
        const [limit, offset] = [query["page[limit]"], query["page[offset]"]];
        const [rows, total] = await service.list({
          limit,
          offset,
          nameContains: query["filter[name]"],
          orderBy: orderOf(query.sort),
        });
        const url = requestUrl(request);
        const fields = fieldsOf(query["fields[items]"]);
        return reply.type(JSONAPI).send({
          jsonapi: JSONAPI_OBJECT,
          data: rows.map((row) => itemResource(row, fields, url)),
          links: pageLinks(url, total, { limit, offset }),
          meta: { total },
          ...(query.include && { included: await includedParents(service, rows, fields, url) }),
        });
      },
    );

    app.post(
      "/items",
      {
        schema: {
          tags: ["items"],
          operationId: "create_item_items_post",
          querystring: NoQuery,
          body: body(NewItemDocument),
          // 400: not JSON at all; 415: not sent as JSON:API; 422: JSON, but not a valid item.
          response: {
            201: jsonapi("The new item", ItemDocument),
            ...problemResponses(400, 403, 404, 406, 409, 415, 422),
          },
        },
      },
      async (request, reply) => {
        // A resource of another type never gets here: the schema's enum makes it a 409.
        const { data } = request.body as Static<typeof NewItemDocument>;
        if (Object.hasOwn(data, "id")) {
          throw new ClientIdError("Ids are given by the server; send the item without one.");
        }
        const { name, description } = data.attributes;
        const item = await service.create({
          name: name.trim(),
          description: description ?? null,
          parentId: await parentId(data.relationships ?? {}, service),
        });
        const document = itemDocument(item, requestUrl(request));
        return reply.code(201).type(JSONAPI).header("location", document.links.self).send(document);
      },
    );

    app.get(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          operationId: "get_item_items__item_id__get",
          params: ItemId,
          querystring: ItemFieldsQuery,
          response: {
            200: jsonapi("The item", ItemDocument),
            ...problemResponses(400, 404, 406, 422),
          },
        },
      },
      async (request, reply) => {
        const item = await service.get(request.params.id);
        const url = requestUrl(request);
        const fields = fieldsOf(request.query["fields[items]"]);
        const document = itemDocument(item, url, fields, canonical(url));
        if (request.query.include) {
          document.included = await includedParents(service, [item], fields, url);
        }
        return reply.type(JSONAPI).send(document);
      },
    );

    app.patch(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          operationId: "update_item_items__item_id__patch",
          params: ItemId,
          querystring: NoQuery,
          body: body(ItemChangesDocument),
          response: {
            200: jsonapi("The changed item", ItemDocument),
            ...problemResponses(400, 404, 406, 409, 415, 422),
          },
        },
      },
      async (request, reply) => {
        const { data } = request.body as Static<typeof ItemChangesDocument>;
        const id = String(request.params.id);
        if (data.id !== id) {
          throw new ConflictError(`The document names item "${data.id}", not "${id}".`);
        }
        const { name, description } = data.attributes ?? {};
        const moved = data.relationships?.parent !== undefined;
        const changes = {
          ...(name === undefined ? {} : { name: name.trim() }),
          ...(description === undefined ? {} : { description }),
          ...(moved ? { parentId: await parentId(data.relationships ?? {}, service) } : {}),
        };
        const item = await service.update(request.params.id, changes);
        return reply.type(JSONAPI).send(itemDocument(item, requestUrl(request)));
      },
    );

    app.delete(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          operationId: "delete_item_items__item_id__delete",
          params: ItemId,
          querystring: NoQuery,
          response: { 204: Type.Null(), ...problemResponses(400, 404, 406, 409, 422) },
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
