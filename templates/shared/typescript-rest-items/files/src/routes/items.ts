/** /items: the example resource over REST. */
import type { FastifyPluginCallbackTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";

import { problemSchema } from "../problems.js";
import {
  ItemCreate,
  ItemId,
  ItemPage,
  ItemQuery,
  ItemRead,
  ItemUpdate,
  buildPage,
  toItemRead,
  type ItemService,
} from "../schemas/items.js";

export function itemRoutes(service: ItemService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      "/items",
      {
        schema: {
          tags: ["items"],
          querystring: ItemQuery,
          response: { 200: ItemPage, 422: problemSchema },
        },
      },
      async (request) => {
        const { limit, offset, name } = request.query;
        const [rows, total] = await service.list({ limit, offset, nameContains: name });
        return buildPage(rows, total, { limit, offset }, requestUrl(request));
      },
    );

    app.post(
      "/items",
      {
        schema: {
          tags: ["items"],
          body: ItemCreate,
          response: { 201: ItemRead, 409: problemSchema, 422: problemSchema },
        },
      },
      async (request, reply) => {
        const { name, description } = request.body;
        const item = await service.create({ name: name.trim(), description: description ?? null });
        const location = new URL(`items/${String(item.id)}`, `${requestUrl(request).origin}/`);
        return reply.code(201).header("location", location.toString()).send(toItemRead(item));
      },
    );

    app.get(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          params: ItemId,
          response: { 200: ItemRead, 404: problemSchema },
        },
      },
      async (request) => toItemRead(await service.get(request.params.id)),
    );

    app.patch(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          params: ItemId,
          body: ItemUpdate,
          response: { 200: ItemRead, 404: problemSchema, 409: problemSchema, 422: problemSchema },
        },
      },
      async (request) => {
        const { name, description } = request.body;
        const changes = {
          ...(name === undefined ? {} : { name: name.trim() }),
          ...(description === undefined ? {} : { description }),
        };
        return toItemRead(await service.update(request.params.id, changes));
      },
    );

    app.delete(
      "/items/:id",
      {
        schema: {
          tags: ["items"],
          params: ItemId,
          response: { 204: Type.Null(), 404: problemSchema },
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
