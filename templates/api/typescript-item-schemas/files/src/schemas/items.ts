{%- set pages = cookiecutter.selections.api[0] in ["rest", "xml"] -%}
{%- set ids = cookiecutter.selections.api[0] in ["rest", "xml", "jsonapi"] -%}
/** Request and response bodies for /items: validated by Fastify, published in the OpenAPI document. */
import { Type, type Static{% if ids %}, type TSchema{% endif %} } from "typebox";

// Not blank, and no NUL characters (PostgreSQL cannot store them: a 422, not a 500).
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: "^(?=.*\\S)[^\\u0000]*$" });
const Description = Type.Union([
  Type.Null(),
  Type.String({ maxLength: 1000, pattern: "^[^\\u0000]*$" }),
]);

export const ItemCreate = Type.Object(
  { name: Name, description: Type.Optional(Description) },
  { additionalProperties: false },
);
export type ItemCreate = Static<typeof ItemCreate>;

/** A partial update: only the fields sent are changed. */
export const ItemUpdate = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description) },
  { additionalProperties: false },
);
export type ItemUpdate = Static<typeof ItemUpdate>;

{%- if ids %}

/** Ids and offsets fit the database's 32-bit integers: larger values are a 422, not a 500. */
export const MAX_INT = 2 ** 31 - 1;

export const ItemId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_INT }) });

/** A schema the OpenAPI document names: `name` is its $id, its key in components.schemas
 * (the app shares it with every route: app.addSchema), as the Python service names its models. */
export function named<T extends TSchema>(name: string, schema: T): T & { $id: string } {
  return Object.assign(schema, { $id: name });
}

/** A reference to a named schema, typed as the schema. */
export function ref<T extends TSchema>(schema: T & { $id: string }) {
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id));
}
{%- endif %}
{%- if pages %}

export const ItemRead = named(
  "ItemRead",
  Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    description: Description,
    parent_id: Type.Union([Type.Integer(), Type.Null()], {
      description: "The item this one sits under",
    }),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
  }),
);
export type ItemRead = Static<typeof ItemRead>;

export const DEFAULT_LIMIT = 20;

export const ItemQuery = Type.Object({
  // Optional: a request may leave them out (the defaults apply), so the OpenAPI document says so.
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_LIMIT })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INT, default: 0 })),
  name: Type.Optional(
    Type.String({ maxLength: 100, description: "Case-insensitive substring of the name" }),
  ),
});

export const PageLinks = named(
  "PageLinks",
  Type.Object({
    self: Type.String(),
    next: Type.Optional(Type.String()),
    prev: Type.Optional(Type.String()),
  }),
);

export const ItemPage = named(
  "ItemPage",
  Type.Object({
    items: Type.Array(ref(ItemRead)),
    total: Type.Integer({ description: "Items matching the filter, over all pages" }),
    limit: Type.Integer(),
    offset: Type.Integer(),
    links: ref(PageLinks),
  }),
);
export type ItemPage = Static<typeof ItemPage>;
{%- endif %}

/** What the routes need of an item, whichever architecture produced it. */
export interface ItemView {
  id: number;
  name: string;
  description: string | null;
  parentId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An item's fields as a client gives them; `parentId` puts it under another item (null:
 * under nothing). */
export interface ItemFields {
  name: string;
  description: string | null;
  parentId?: number | null | undefined;
}

/** A field to order a list by, descending or not; ties, and no order, go by id. */
export interface ItemOrder {
  field: "id" | "name" | "createdAt" | "updatedAt";
  descending: boolean;
}

/** The use cases the routes call; each architecture style provides an implementation. */
export interface ItemService {
  list(filter: {
    limit: number;
    offset: number;
    nameContains?: string | undefined;
    orderBy?: readonly ItemOrder[] | undefined;
  }): Promise<[ItemView[], number]>;
  get(id: number): Promise<ItemView>;
  create(data: ItemFields): Promise<ItemView>;
  update(id: number, changes: Partial<ItemFields>): Promise<ItemView>;
  delete(id: number): Promise<void>;
}
{%- if pages %}

export function toItemRead(item: ItemView): ItemRead {
  return {
    id: item.id,
    name: item.name,
    description: item.description,
    parent_id: item.parentId,
    created_at: item.createdAt.toISOString(),
    updated_at: item.updatedAt.toISOString(),
  };
}

/** One page, with links to the next and previous pages when there are any. */
export function buildPage(
  rows: ItemView[],
  total: number,
  page: { limit: number; offset: number },
  url: URL,
): ItemPage {
  return { items: rows.map(toItemRead), total, ...page, links: pageLinks(total, page, url) };
}

/** The links of one page of a list: itself, and the next and previous pages if any. */
export function pageLinks(
  total: number,
  { limit, offset }: { limit: number; offset: number },
  url: URL,
): ItemPage["links"] {
  const at = (start: number): string => {
    const link = new URL(url);
    link.searchParams.set("offset", String(start));
    link.searchParams.set("limit", String(limit));
    return link.toString();
  };
  const links: ItemPage["links"] = { self: url.toString() };
  if (offset + limit < total) links.next = at(offset + limit);
  if (offset > 0) links.prev = at(Math.max(offset - limit, 0));
  return links;
}
{%- endif %}
