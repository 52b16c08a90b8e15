/** Items in DynamoDB: the only module that reads or writes them, whatever the style.
 *
 * One table, three kinds of record, told apart by the partition key `pk`:
 * - `item#<id>`: an item, with a `version` bumped by every write (optimistic concurrency);
 * - `name#<name>`: the claim on a name, so no two items share one; it is written in the same
 *   transaction as the item (TransactWriteItems), the way AWS documents unique attributes;
 * - `counter#items`: the last id handed out (an atomic ADD), so ids are integers as on SQL.
 *
 * Listing scans the items and pages in memory: simple and exact (total, offset, "contains"),
 * and fine for thousands of items. A large table wants a query on an index instead. */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  paginateScan,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";

import { InUse, UniqueViolation, type Db } from "../db/client.js";
import type { ItemChanges, ItemFilter, ItemOrder, ItemRow, NewItem } from "./types.js";

export type { ItemChanges, ItemFilter, ItemRow, NewItem } from "./types.js";

interface ItemRecord {
  pk: string;
  id: number;
  name: string;
  description: string | null;
  parentId?: number | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}
type TransactItems = NonNullable<TransactWriteCommandInput["TransactItems"]>;

export const ITEM_PREFIX = "item#";
const itemKey = (id: number) => `${ITEM_PREFIX}${String(id)}`;
const nameKey = (name: string) => `name#${name}`;

function toRow(record: ItemRecord): ItemRow {
  const { id, name, description, parentId = null, createdAt, updatedAt } = record;
  return {
    id,
    name,
    description,
    parentId,
    createdAt: new Date(createdAt),
    updatedAt: new Date(updatedAt),
  };
}

/** Items ordered as ItemFilter.orderBy says (a scan comes back in no order). */
function sortItems(rows: ItemRow[], orderBy: readonly ItemOrder[] = []): ItemRow[] {
  return [...rows].sort((a, b) => {
    for (const { field, descending } of orderBy) {
      const [x, y] = [sortValue(a[field]), sortValue(b[field])];
      if (x !== y) return x < y === descending ? 1 : -1;
    }
    return a.id - b.id;
  });
}

function sortValue(value: string | number | Date): string | number {
  return value instanceof Date ? value.getTime() : value;
}

export class ItemRepository {
  /** `updateAttempts`: how often a write retries when other writes keep beating it. */
  constructor(
    private readonly db: Db,
    private readonly updateAttempts = 5,
  ) {}

  async list({ limit, offset, nameContains, orderBy }: ItemFilter): Promise<[ItemRow[], number]> {
    const needle = nameContains?.toLowerCase();
    const found = (await this.scan()).filter(
      (record) => needle === undefined || record.name.toLowerCase().includes(needle),
    );
    const ordered = sortItems(found.map(toRow), orderBy);
    return [ordered.slice(offset, offset + limit), found.length];
  }

  async get(id: number): Promise<ItemRow | undefined> {
    const record = await this.read(id);
    return record ? toRow(record) : undefined;
  }

  async add(data: NewItem): Promise<ItemRow> {
    const id = await this.nextId();
    const now = new Date();
    const record: ItemRecord = {
      pk: itemKey(id),
      id,
      name: data.name,
      description: data.description ?? null,
      parentId: data.parentId ?? null,
      createdAt: (data.createdAt ?? now).toISOString(),
      updatedAt: (data.updatedAt ?? now).toISOString(),
      version: 1,
    };
    await this.write(
      [{ Put: { TableName: this.db.table, Item: record, ...absent } }, this.claim(record)],
      true,
    );
    return toRow(record);
  }

  /** Read, change, write back if nobody wrote in between; a new name is claimed and the old
   * one released in the same transaction. */
  async update(id: number, changes: ItemChanges): Promise<ItemRow | undefined> {
    for (let attempt = 0; attempt < this.updateAttempts; attempt++) {
      const current = await this.read(id);
      if (!current) return undefined;
      const { updatedAt = new Date(), ...fields } = changes;
      const next: ItemRecord = {
        ...current,
        ...fields,
        updatedAt: updatedAt.toISOString(),
        version: current.version + 1,
      };
      const writes: TransactItems = [
        { Put: { TableName: this.db.table, Item: next, ...this.unchanged(current) } },
      ];
      const renamed = next.name !== current.name;
      if (renamed) writes.push(this.claim(next), this.release(current));
      if (await this.write(writes, renamed)) return toRow(next);
    }
    throw new Error(
      `item ${String(id)} kept changing during ${String(this.updateAttempts)} attempts`,
    );
  }

  /** Refused while any item sits under this one (a scan finds them). There is no transaction
   * around the check: an item put under this one in between would point at a parent that is
   * gone (JSON:API's include leaves such a parent out). */
  async delete(id: number): Promise<boolean> {
    if ((await this.scan()).some((record) => record.parentId === id)) {
      throw new InUse(`items sit under item ${String(id)}`);
    }
    let release = true;
    for (let attempt = 0; attempt < this.updateAttempts; attempt++) {
      const current = await this.read(id);
      if (!current) return false;
      const removeItem = { TableName: this.db.table, Key: { pk: current.pk } };
      const writes: TransactItems = [{ Delete: { ...removeItem, ...this.unchanged(current) } }];
      if (release) writes.push(this.release(current));
      try {
        if (await this.write(writes, true)) return true;
      } catch (error) {
        if (!(error instanceof UniqueViolation)) throw error;
        // The name's claim is not this item's (it never should be): the item goes alone, and
        // whoever holds the name keeps it.
        release = false;
      }
    }
    throw new Error(
      `item ${String(id)} kept changing during ${String(this.updateAttempts)} attempts`,
    );
  }

  /** Every item record: a scan of the item keys. */
  private async scan(): Promise<ItemRecord[]> {
    const records: ItemRecord[] = [];
    const pages = paginateScan(
      { client: this.db.documents },
      {
        TableName: this.db.table,
        FilterExpression: "begins_with(pk, :prefix)",
        ExpressionAttributeValues: { ":prefix": ITEM_PREFIX },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) records.push(...((page.Items ?? []) as ItemRecord[]));
    return records;
  }

  private async read(id: number): Promise<ItemRecord | undefined> {
    const { Item } = await this.db.documents.send(
      new GetCommand({ TableName: this.db.table, Key: { pk: itemKey(id) }, ConsistentRead: true }),
    );
    return Item as ItemRecord | undefined;
  }

  /** Runs one transaction: the item's own write first, then the claim on its name (or its
   * release) if `claims`. False when the item's condition failed (someone else wrote first),
   * UniqueViolation when the claim's did (the name is taken, or not this item's). */
  private async write(writes: TransactItems, claims: boolean): Promise<boolean> {
    try {
      await this.db.documents.send(new TransactWriteCommand({ TransactItems: writes }));
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const failed = error.CancellationReasons?.map(
        (reason) => reason.Code === "ConditionalCheckFailed",
      );
      if (failed?.[0]) return false;
      if (claims && failed?.[1]) {
        throw new UniqueViolation("the item's name is taken", { cause: error });
      }
      throw error;
    }
  }

  private claim(record: ItemRecord): TransactItems[number] {
    const Item = { pk: nameKey(record.name), itemId: record.id };
    return { Put: { TableName: this.db.table, Item, ...absent } };
  }

  private release(record: ItemRecord): TransactItems[number] {
    return {
      Delete: {
        TableName: this.db.table,
        Key: { pk: nameKey(record.name) },
        ConditionExpression: "itemId = :id",
        ExpressionAttributeValues: { ":id": record.id },
      },
    };
  }

  private unchanged(record: ItemRecord) {
    return {
      ConditionExpression: "version = :version",
      ExpressionAttributeValues: { ":version": record.version },
    };
  }

  /** The next item id, from one atomic increment of the counter record. */
  private async nextId(): Promise<number> {
    const { Attributes } = await this.db.documents.send(
      new UpdateCommand({
        TableName: this.db.table,
        Key: { pk: "counter#items" },
        UpdateExpression: "ADD seq :one",
        ExpressionAttributeValues: { ":one": 1 },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    const seq: unknown = Attributes?.seq;
    if (typeof seq !== "number") throw new Error("the items counter was not returned");
    return seq;
  }
}

/** The condition that makes a Put create, never overwrite. */
const absent = { ConditionExpression: "attribute_not_exists(pk)" };
