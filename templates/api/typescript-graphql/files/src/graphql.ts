{%- set modular = cookiecutter.selections.architecture[0] == "modular-monolith" -%}
/** The example resource as a GraphQL schema (SDL, with its resolvers), over the same item
 * use cases as every other API type. `npm run schema` prints it to schema.graphql. */
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import {
  GraphQLError,
  GraphQLScalarType,
  buildSchema,
  lexicographicSortSchema,
  parse,
  printSchema,
  type GraphQLFormattedError,
  type ValidationRule,
} from "graphql";
import type { IResolvers, MercuriusContext } from "mercurius";

import { AppError, UnavailableError } from "./problems.js";
import { ItemCreate, ItemUpdate, type ItemService, type ItemView } from "./schemas/items.js";
{%- if modular %}
{%- if cookiecutter.data.report_function is defined %}
import type { Reports as ReportService } from "./modules/reports/index.js";
{%- else %}
import type { ReportService } from "./modules/reports/index.js";
{%- endif %}
{%- endif %}

// A page holds at most 100 items; ids fit GraphQL's Int (32-bit), as they fit the database.
export const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;
const MAX_NAME_FILTER = 100;
// Limits on what one request may ask for, checked before anything runs.
export const MAX_DEPTH = 6;
export const MAX_ALIASES = 15;
export const MAX_TOKENS = 2000;

export const typeDefs = /* GraphQL */ `
  """Date with time (isoformat)"""
  scalar DateTime

  """An item of the example resource."""
  type Item {
    id: Int!
    name: String!
    description: String
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  """Where a page sits in the whole list (Relay cursor connections)."""
  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type ItemEdge {
    cursor: String!
    node: Item!
  }

  """A page of items and the cursors to move on from it."""
  type ItemConnection {
    edges: [ItemEdge!]!
    pageInfo: PageInfo!
    """Items matching the filter, over all pages"""
    totalCount: Int!
  }

  """A new item."""
  input CreateItemInput {
    name: String!
    description: String = null
  }

  """The fields to change; those left out keep their value."""
  input UpdateItemInput {
    """Cannot be null: leave it out to keep the name."""
    name: String
    description: String
  }
{%- if modular %}

  """Figures computed by the reports module."""
  type ItemReport {
    """Items stored"""
    total: Int!
    """Items with a description"""
    described: Int!
  }
{%- endif %}

  type Query {
    """One item; null, with a NOT_FOUND error, if there is none."""
    item(id: Int!): Item
    """Items by id, a page at a time (\`first\` at most 100)."""
    items(first: Int! = ${String(DEFAULT_PAGE)}, after: String = null, nameContains: String = null): ItemConnection!
{%- if modular %}
    """Figures over all items, from the reports module."""
    itemReport: ItemReport!
{%- endif %}
  }

  type Mutation {
    """Adds an item; a CONFLICT error if the name is taken."""
    createItem(input: CreateItemInput!): Item!
    """Changes the fields given; NOT_FOUND or CONFLICT errors."""
    updateItem(id: Int!, input: UpdateItemInput!): Item!
    """Deletes an item and returns its id; NOT_FOUND if none."""
    deleteItem(id: Int!): Int!
  }
`;

/** The schema in SDL, types in alphabetical order (what schema.graphql holds). */
export function schemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(buildSchema(typeDefs)))}\n`;
}

/** What the resolvers reach: the item use cases, whichever style provides them. */
declare module "mercurius" {
  interface MercuriusContext {
    items: ItemService;
{%- if modular %}
    reports: ReportService;
{%- endif %}
  }
}

const BAD_USER_INPUT = "BAD_USER_INPUT";
const CODES: Record<number, string> = {
  404: "NOT_FOUND",
  409: "CONFLICT",
  422: BAD_USER_INPUT,
  503: "UNAVAILABLE",
};

function userInputError(message: string, errors?: { field: string; message: string }[]) {
  return new GraphQLError(message, {
    extensions: errors ? { code: BAD_USER_INPUT, errors } : { code: BAD_USER_INPUT },
  });
}

/** The use case's result; its errors become GraphQL errors with a code (a store that cannot be
 * reached: UNAVAILABLE, with the seconds to wait before retrying, as HTTP's Retry-After). */
async function answer<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof AppError) {
      const code = CODES[error.status] ?? "INTERNAL_SERVER_ERROR";
      const extensions =
        error instanceof UnavailableError
          ? { code, retryAfter: error.retryAfterSeconds }
          : { code };
      throw new GraphQLError(error.message, { extensions, originalError: error });
    }
    throw error;
  }
}

const ajv = new Ajv({ allErrors: true });
const validCreate = ajv.compile<ItemCreate>(ItemCreate);
const validUpdate = ajv.compile<ItemUpdate>(ItemUpdate);

function validated<T>(validate: ValidateFunction<T>, input: Record<string, unknown>): T {
  // Names are trimmed first, as the REST API does: "  " is then refused as empty.
  const fields = typeof input.name === "string" ? { ...input, name: input.name.trim() } : input;
  if (validate(fields)) return fields;
  // One error per field: the first rule it broke (a union reports each branch it failed).
  const errors = new Map<string, string>();
  for (const error of validate.errors ?? ([] as ErrorObject[])) {
    const field = error.instancePath.replace(/^\/([^/]*).*$/, "$1");
    if (!errors.has(field)) errors.set(field, String(error.message));
  }
  throw userInputError(
    "The input is not valid.",
    [...errors].map(([field, message]) => ({ field, message })),
  );
}

function cursorOf(position: number): string {
  return Buffer.from(`item:${String(position)}`).toString("base64url");
}

function positionOf(cursor: string): number {
  const [kind, position] = Buffer.from(cursor, "base64url").toString().split(":");
  if (kind === "item" && position !== undefined && /^\d{1,10}$/.test(position)) {
    return Number(position);
  }
  throw userInputError(`${JSON.stringify(cursor)} is not a cursor this API gave out.`);
}

const DateTime = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "Date with time (isoformat)",
  serialize: (value) => (value as Date).toISOString(),
});

export const resolvers: IResolvers = {
  DateTime,
  Query: {
    item: async (_root, { id }: { id: number }, { items }: MercuriusContext): Promise<ItemView> =>
      answer(items.get(id)),
    items: async (
      _root,
      args: { first: number; after: string | null; nameContains: string | null },
      { items }: MercuriusContext,
    ) => {
      const { first, after, nameContains } = args;
      if (first < 1 || first > MAX_PAGE) {
        throw userInputError(`first must be between 1 and ${String(MAX_PAGE)}.`);
      }
      if (nameContains !== null && nameContains.length > MAX_NAME_FILTER) {
        throw userInputError(`nameContains is at most ${String(MAX_NAME_FILTER)} characters.`);
      }
      const offset = after === null ? 0 : positionOf(after) + 1;
      const [page, total] = await answer(
        items.list({ limit: first, offset, nameContains: nameContains ?? undefined }),
      );
      const edges = page.map((node, index) => ({ cursor: cursorOf(offset + index), node }));
      return {
        edges,
        totalCount: total,
        pageInfo: {
          hasNextPage: offset + page.length < total,
          hasPreviousPage: offset > 0,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
{%- if modular %}
    itemReport: async (_root, _args, { reports }: MercuriusContext) =>
      answer(reports.itemsReport()),
{%- endif %}
  },
  Mutation: {
    createItem: async (
      _root,
      { input }: { input: Record<string, unknown> },
      { items }: MercuriusContext,
    ) => {
      const { name, description } = validated(validCreate, input);
      return answer(items.create({ name, description: description ?? null }));
    },
    updateItem: async (
      _root,
      { id, input }: { id: number; input: Record<string, unknown> },
      { items }: MercuriusContext,
    ) => {
      if (input.name === null) {
        throw userInputError("The input is not valid.", [
          { field: "name", message: "cannot be null" },
        ]);
      }
      const { name, description } = validated(validUpdate, input);
      const changes = {
        ...(name === undefined ? {} : { name }),
        ...(description === undefined ? {} : { description }),
      };
      return answer(items.update(id, changes));
    },
    deleteItem: async (_root, { id }: { id: number }, { items }: MercuriusContext) => {
      await answer(items.delete(id));
      return id;
    },
  },
};

/** Checked before anything runs: nesting depth and aliases (GraphQL Armor's rules). */
export const validationRules: ValidationRule[] = [
  maxDepthRule({ n: MAX_DEPTH, exposeLimits: true }),
  maxAliasesRule({ n: MAX_ALIASES, exposeLimits: true }),
];

/** Refuses a document of more than MAX_TOKENS tokens before it is parsed for real. */
export function checkTokens(source: string): void {
  parse(source, { maxTokens: MAX_TOKENS, noLocation: true });
}

/** The error as clients get it: every one with a code; a failure of the server itself with no
 * detail (it is logged). Parse errors carry where they happened; validation errors, from the
 * rules above or graphql-js's, are the rest of those without a path. */
export function coded(error: GraphQLFormattedError): GraphQLFormattedError {
  if (typeof error.extensions?.code === "string") return error;
  if (error.path === undefined) {
    const parsing = error.message.startsWith("Syntax Error") && error.locations !== undefined;
    const code = parsing ? "GRAPHQL_PARSE_FAILED" : "GRAPHQL_VALIDATION_FAILED";
    return { ...error, extensions: { ...error.extensions, code } };
  }
  return {
    message: "Internal server error.",
    ...(error.locations ? { locations: error.locations } : {}),
    path: error.path,
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  };
}
