/**
 * JSON:API 1.1 (https://jsonapi.org/format/1.1/): the media type and its negotiation, the
 * documents the items resource reads and writes (TypeBox schemas: the validation and the
 * OpenAPI document), and the query parameters it takes.
 *
 * Built on TypeBox rather than a serializer library (ts-japi, jsonapi-serializer): the schemas
 * already are the request validation and the OpenAPI document, so the documents are written
 * once, as schemas, and their types follow from them.
 */
import { Type, type Static } from "typebox";

import { JSONAPI } from "./error-format.js";
import { AppError, NotFoundError } from "./problems.js";
import {
  ItemCreate,
  ItemUpdate,
  MAX_INT,
  named,
  type ItemService,
  type ItemView,
} from "./schemas/items.js";

export const TYPE = "items" as const;
// The media type parameters a client may use: no extension (ext) is supported, and a server
// may ignore profiles it does not know (the spec's rules).
const ALLOWED_PARAMETERS = new Set(["profile"]);

/** The attributes as JSON:API names them (camelCase, its recommendation). */
export const ATTRIBUTES = ["name", "description", "createdAt", "updatedAt"] as const;
/** The fields a list may be sorted by. */
export const SORTABLE = ["id", "name", "createdAt", "updatedAt"] as const;
type SortField = (typeof SORTABLE)[number];
/** Sparse fieldsets name attributes and relationships alike; an item has one relationship,
 * the item it sits under. */
export const FIELDS = [...ATTRIBUTES, "parent"] as const;
type Field = (typeof FIELDS)[number];

const names = (list: readonly string[]) => list.join("|");
const Link = Type.String({ format: "uri" });
const SelfLink = Type.Object({ self: Link });
export const JSONAPI_OBJECT = { version: "1.1" } as const;
const JsonApiObject = Type.Object({ version: Type.Literal("1.1") });

const ItemAttributes = Type.Object(
  {
    name: Type.Optional(Type.String()),
    description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    createdAt: Type.Optional(Type.String({ format: "date-time" })),
    updatedAt: Type.Optional(Type.String({ format: "date-time" })),
  },
  { description: "A sparse fieldset (fields[items]) may leave any out" },
);

const ItemIdentifier = Type.Object({ type: Type.Literal(TYPE), id: Type.String() });

const ItemResource = Type.Object({
  type: Type.Literal(TYPE),
  id: Type.String(),
  attributes: ItemAttributes,
  relationships: Type.Optional(
    Type.Object(
      {
        parent: Type.Object({
          data: Type.Union([ItemIdentifier, Type.Null()], {
            description: "null when the item sits under nothing",
          }),
        }),
      },
      { description: "Left out when a sparse fieldset leaves out every relationship" },
    ),
  ),
  links: SelfLink,
});
type ItemResource = Static<typeof ItemResource>;

const Included = Type.Optional(
  Type.Array(ItemResource, { description: "The related items ?include asked for" }),
);

export const ItemDocument = named(
  "ItemDocument",
  Type.Object({
    jsonapi: JsonApiObject,
    data: ItemResource,
    links: SelfLink,
    included: Included,
  }),
);
export type ItemDocument = Static<typeof ItemDocument>;

export const ItemCollectionDocument = named(
  "ItemCollectionDocument",
  Type.Object({
    jsonapi: JsonApiObject,
    data: Type.Array(ItemResource),
    links: Type.Object({
      self: Link,
      first: Link,
      last: Link,
      // Left out when there is no such page (JSON:API's own schema takes every member of links
      // to be a link, so not null).
      prev: Type.Optional(Link),
      next: Type.Optional(Link),
    }),
    meta: Type.Object({
      total: Type.Integer({ description: "Items matching the filter, over all pages" }),
    }),
    included: Included,
  }),
);
export type ItemCollectionDocument = Static<typeof ItemCollectionDocument>;

// A resource of another type is a 409 (the spec's rule), so any string passes validation; the
// OpenAPI document names the one type a client should send.
const ResourceType = Type.Unsafe<string>({ type: "string", enum: [TYPE] });

// The parent a client names. Its type is checked by the route (another type is a 409), and an
// id that names no item is a 404, as the spec says.
// A relationship the resource does not have is a 422 pointing at it, never silently dropped.
const NewRelationships = Type.Object(
  {
    parent: Type.Optional(
      Type.Object({
        data: Type.Union([
          Type.Null(),
          Type.Object({ type: Type.String({ description: TYPE }), id: Type.String() }),
        ]),
      }),
    ),
  },
  { additionalProperties: false },
);
export type NewRelationships = Static<typeof NewRelationships>;

export const NewItemDocument = named(
  "NewItemDocument",
  Type.Object({
    data: Type.Object({
      type: ResourceType,
      // Ids are the server's: the document offers none, and the route refuses a client-generated
      // one with 403.
      attributes: ItemCreate,
      relationships: Type.Optional(NewRelationships),
    }),
  }),
);

export const ItemChangesDocument = named(
  "ItemChangesDocument",
  Type.Object({
    data: Type.Object({
      type: ResourceType,
      id: Type.String(),
      attributes: Type.Optional(ItemUpdate),
      relationships: Type.Optional(NewRelationships),
    }),
  }),
);

const DEFAULT_LIMIT = 20;
const Fields = Type.String({
  pattern: `^((${names(FIELDS)})(,(${names(FIELDS)}))*)?$`,
  description: `The fields to return, comma-separated: ${FIELDS.join(", ")}`,
});
const Include = Type.String({
  pattern: "^parent$",
  description: "The related items to include: parent",
});

export const ItemQuery = Type.Object(
  {
    "fields[items]": Type.Optional(Fields),
    include: Type.Optional(Include),
    sort: Type.Optional(
      Type.String({
        pattern: `^-?(${names(SORTABLE)})(,-?(${names(SORTABLE)}))*$`,
        description: `Sort fields, comma-separated, - for descending: ${SORTABLE.join(", ")}`,
      }),
    ),
    "page[offset]": Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INT, default: 0 })),
    "page[limit]": Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_LIMIT }),
    ),
    "filter[name]": Type.Optional(
      Type.String({ maxLength: 100, description: "Case-insensitive substring of the name" }),
    ),
  },
  // JSON:API: a query parameter the server does not know how to process is a 400.
  { additionalProperties: false },
);
export type ItemQuery = Static<typeof ItemQuery>;

export const ItemFieldsQuery = Type.Object(
  { "fields[items]": Type.Optional(Fields), include: Type.Optional(Include) },
  { additionalProperties: false },
);
export const NoQuery = Type.Object({}, { additionalProperties: false });

export function fieldsOf(fields: string | undefined): Field[] {
  if (fields === undefined) return [...FIELDS];
  return FIELDS.filter((name) => fields.split(",").includes(name));
}

export function orderOf(sort: string | undefined): { field: SortField; descending: boolean }[] {
  return (sort ?? "")
    .split(",")
    .filter((field) => field !== "")
    .map((field) => ({
      field: field.replace(/^-/, "") as SortField,
      descending: field.startsWith("-"),
    }));
}

/** The item as a resource object with the attributes and relationships named by `fields`
 * only. */
export function itemResource(item: ItemView, fields: readonly Field[], base: URL): ItemResource {
  const values: Required<Static<typeof ItemAttributes>> = {
    name: item.name,
    description: item.description,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
  };
  const attributes = Object.fromEntries(
    fields.filter((name) => name !== "parent").map((name) => [name, values[name]]),
  );
  const self = new URL(`items/${String(item.id)}`, `${base.origin}/`).toString();
  const resource: ItemResource = { type: TYPE, id: String(item.id), attributes, links: { self } };
  if (fields.includes("parent")) {
    const parent = item.parentId === null ? null : { type: TYPE, id: String(item.parentId) };
    resource.relationships = { parent: { data: parent } };
  }
  return resource;
}

/** The parents of `items` as `included` resource objects: each once, and none that is already
 * primary data (a compound document holds every resource once). */
export async function includedParents(
  service: ItemService,
  items: readonly ItemView[],
  fields: readonly Field[],
  base: URL,
): Promise<ItemResource[]> {
  const primary = new Set(items.map((item) => item.id));
  const wanted = new Set(
    items.flatMap(({ parentId }) => (parentId === null || primary.has(parentId) ? [] : [parentId])),
  );
  const included: ItemResource[] = [];
  for (const id of [...wanted].sort((a, b) => a - b)) {
    try {
      included.push(itemResource(await service.get(id), fields, base));
    } catch (error) {
      // Deleted in a race a document store cannot rule out: left out.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return included;
}

/** The URL with its query string percent-encoded as a form would be (brackets too: a raw `[`
 * is not allowed in a URI's query), so every link is a valid URI. */
export function canonical(url: URL): string {
  const link = new URL(url);
  link.search = link.searchParams.toString();
  return link.toString();
}

/** A document of one item: every attribute unless `fields` says otherwise, and the item's
 * own link as the document's unless `self` (the request's URL) is given. */
export function itemDocument(
  item: ItemView,
  base: URL,
  fields: readonly Field[] = FIELDS,
  self?: string,
): ItemDocument {
  const data = itemResource(item, fields, base);
  return { jsonapi: JSONAPI_OBJECT, data, links: { self: self ?? data.links.self } };
}

/** Links to this page, the first and last, and the previous and next when there are any. */
export function pageLinks(
  url: URL,
  total: number,
  { limit, offset }: { limit: number; offset: number },
): ItemCollectionDocument["links"] {
  const page = (start: number): string => {
    const link = new URL(url);
    link.searchParams.set("page[offset]", String(start));
    link.searchParams.set("page[limit]", String(limit));
    return link.toString();
  };
  const last = Math.floor(Math.max(total - 1, 0) / limit) * limit;
  const links: ItemCollectionDocument["links"] = {
    self: canonical(url),
    first: page(0),
    last: page(last),
  };
  if (offset > 0) links.prev = page(Math.max(offset - limit, 0));
  if (offset + limit < total) links.next = page(offset + limit);
  return links;
}

/** A 406 or a 415. */
class MediaTypeError extends AppError {
  constructor(
    message: string,
    override readonly status: number,
  ) {
    super(message);
  }
}

function mediaType(value: string): [string, Map<string, string>] {
  const [type = "", ...parameters] = value.split(";").map((part) => part.trim());
  const pairs = parameters
    .filter((parameter) => parameter !== "")
    .map((parameter): [string, string] => {
      const [key = "", ...rest] = parameter.split("=");
      return [key.trim().toLowerCase(), rest.join("=").trim()];
    });
  return [type.toLowerCase(), new Map(pairs)];
}

function weight(parameters: Map<string, string>): number {
  const q = Number(parameters.get("q") ?? "1");
  parameters.delete("q");
  return Number.isNaN(q) ? 0 : q;
}

const allowed = (parameters: Map<string, string>) =>
  [...parameters.keys()].every((key) => ALLOWED_PARAMETERS.has(key));

/** A 406 unless the Accept header (if any) takes JSON:API as this server sends it. As the spec
 * says: when it names JSON:API, at least one instance must carry no media type parameters but
 * profile; otherwise a wildcard must cover it. */
export function notAcceptable(accept: string | undefined): AppError | undefined {
  if (accept === undefined) return undefined;
  const offered = accept.split(",").map(mediaType);
  const jsonapi = offered.filter(([type]) => type === JSONAPI);
  const acceptable =
    jsonapi.length > 0
      ? jsonapi.some(([, parameters]) => weight(parameters) > 0 && allowed(parameters))
      : offered.some(
          ([type, parameters]) =>
            (type === "*/*" || type === "application/*") && weight(parameters) > 0,
        );
  if (acceptable) return undefined;
  return new MediaTypeError(
    `This API answers in ${JSONAPI} with no media type parameters but profile.`,
    406,
  );
}

/** A 415 unless the body was sent as JSON:API with no media type parameters but profile. */
export function unsupportedMediaType(contentType: string | undefined): AppError | undefined {
  const [type, parameters] = mediaType(contentType ?? "");
  if (type === JSONAPI && allowed(parameters)) return undefined;
  return new MediaTypeError(
    `Send the document as ${JSONAPI} with no media type parameters but profile.`,
    415,
  );
}
