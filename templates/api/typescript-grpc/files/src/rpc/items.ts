/** items.v1.ItemService (proto/items/v1/items.proto) over the same item service as every other
 * API type; its errors become the standard status codes. */
import {
  status,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerErrorResponse,
} from "@grpc/grpc-js";
import { Ajv, type ValidateFunction } from "ajv";

import type { Empty } from "../gen/google/protobuf/empty.js";
import type { Item, ItemServiceServer, ListItemsResponse } from "../gen/items/v1/items.js";
import { AppError } from "../problems.js";
import { ItemCreate, ItemUpdate, type ItemService, type ItemView } from "../schemas/items.js";

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;
const MAX_NAME_FILTER = 100;
const STATUS: Record<number, status> = {
  404: status.NOT_FOUND,
  409: status.ALREADY_EXISTS,
  422: status.INVALID_ARGUMENT,
  503: status.UNAVAILABLE, // a store cannot be reached: the status clients retry
};

/** A request the schema of the proto cannot refuse by itself (an empty name, a bad token). */
export class InvalidArgument extends Error {}

const ajv = new Ajv({ allErrors: true });
const validCreate = ajv.compile<ItemCreate>(ItemCreate);
const validUpdate = ajv.compile<ItemUpdate>(ItemUpdate);

function validated<T>(validate: ValidateFunction<T>, fields: Record<string, unknown>): T {
  // Names are trimmed first, as the other API types do: "  " is then refused as empty.
  const input = typeof fields.name === "string" ? { ...fields, name: fields.name.trim() } : fields;
  if (validate(input)) return input;
  // "/name must NOT have fewer than 1 characters"
  throw new InvalidArgument(ajv.errorsText(validate.errors, { dataVar: "", separator: "; " }));
}

export function toMessage(item: ItemView): Item {
  return {
    id: item.id,
    name: item.name,
    ...(item.description === null ? {} : { description: item.description }),
    createTime: item.createdAt,
    updateTime: item.updatedAt,
  };
}

export function pageToken(offset: number): string {
  return Buffer.from(`offset:${String(offset)}`).toString("base64url");
}

function offsetOf(token: string): number {
  if (token === "") return 0;
  const [kind, offset] = Buffer.from(token, "base64url").toString().split(":");
  if (kind === "offset" && offset !== undefined && /^\d{1,10}$/.test(offset)) return Number(offset);
  throw new InvalidArgument("page_token is not a token this service gave out");
}

function nameFilter(nameContains: string): string | undefined {
  if (nameContains.length > MAX_NAME_FILTER) {
    throw new InvalidArgument(`name_contains is at most ${String(MAX_NAME_FILTER)} characters`);
  }
  return nameContains === "" ? undefined : nameContains;
}

/** The status a failure is answered with: the server's own failures without their detail. */
export function toStatus(error: unknown): Partial<ServerErrorResponse> {
  if (error instanceof InvalidArgument) {
    return { code: status.INVALID_ARGUMENT, details: error.message };
  }
  if (error instanceof AppError) {
    return { code: STATUS[error.status] ?? status.INTERNAL, details: error.message };
  }
  return { code: status.INTERNAL, details: "Internal server error." };
}

type Log = (error: unknown) => void;

function unary<Request, Response>(
  log: Log,
  handler: (request: Request) => Promise<Response>,
): handleUnaryCall<Request, Response> {
  return (call, callback) => {
    handler(call.request).then(
      (response) => {
        callback(null, response);
      },
      (error: unknown) => {
        if (!(error instanceof InvalidArgument || error instanceof AppError)) log(error);
        callback(toStatus(error));
      },
    );
  };
}

export function itemServer(items: ItemService, log: Log): ItemServiceServer {
  const streamItems: handleServerStreamingCall<{ nameContains: string }, Item> = (call) => {
    const send = async () => {
      const nameContains = nameFilter(call.request.nameContains);
      let offset = 0;
      let page: ItemView[];
      do {
        [page] = await items.list({ limit: MAX_PAGE, offset, nameContains });
        for (const item of page) call.write(toMessage(item));
        offset += page.length;
      } while (page.length === MAX_PAGE); // a short page is the last one
    };
    send().then(
      () => call.end(),
      (error: unknown) => {
        if (!(error instanceof InvalidArgument || error instanceof AppError)) log(error);
        // How @grpc/grpc-js ends a server stream with a status.
        call.emit("error", toStatus(error));
      },
    );
  };

  return {
    getItem: unary(log, async ({ id }: { id: number }) => toMessage(await items.get(id))),
    listItems: unary(
      log,
      async (request: {
        pageSize: number;
        pageToken: string;
        nameContains: string;
      }): Promise<ListItemsResponse> => {
        const limit = request.pageSize === 0 ? DEFAULT_PAGE : request.pageSize;
        if (limit < 1 || limit > MAX_PAGE) {
          throw new InvalidArgument(`page_size must be between 1 and ${String(MAX_PAGE)}`);
        }
        const offset = offsetOf(request.pageToken);
        const nameContains = nameFilter(request.nameContains);
        const [page, total] = await items.list({ limit, offset, nameContains });
        const more = offset + page.length < total;
        return {
          items: page.map(toMessage),
          nextPageToken: more ? pageToken(offset + page.length) : "",
          totalSize: total,
        };
      },
    ),
    streamItems,
    createItem: unary(log, async (request: { name: string; description?: string | undefined }) => {
      const fields = validated(validCreate, { ...request });
      return toMessage(
        await items.create({ name: fields.name, description: fields.description ?? null }),
      );
    }),
    updateItem: unary(
      log,
      async (request: {
        id: number;
        name?: string | undefined;
        description?: string | undefined;
        clearDescription: boolean;
      }) => {
        const { id, name, description, clearDescription } = request;
        if (clearDescription && description !== undefined) {
          throw new InvalidArgument("set description or clear_description, not both");
        }
        const changes = validated(validUpdate, {
          ...(name === undefined ? {} : { name }),
          ...(clearDescription ? { description: null } : {}),
          ...(description === undefined ? {} : { description }),
        });
        return toMessage(await items.update(id, changes));
      },
    ),
    deleteItem: unary(log, async ({ id }: { id: number }): Promise<Empty> => {
      await items.delete(id);
      return {};
    }),
  };
}
