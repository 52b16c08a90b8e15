/** Items in MongoDB: the only module that queries them, whatever the style. Ids are integers
 * handed out by a counter document, so the API is the same as on the SQL stores. */
import type { Collection, Filter } from "mongodb";

import { InUse, type Db } from "../db/client.js";
import type { ItemChanges, ItemFilter, ItemRow, NewItem } from "./types.js";

export type { ItemChanges, ItemFilter, ItemRow, NewItem } from "./types.js";

interface ItemDocument extends Omit<ItemRow, "id"> {
  _id: number;
  /** Bumped by every write: an update replaces the version it read, or tries again. */
  version: number;
  /** The id again, to sort by: nx-27017 (the stand-in stackgen verifies with) orders `_id`
   * as text, so 10 would come before 9; every server orders this field numerically. */
  seq: number;
}
interface Counter {
  _id: string;
  seq: number;
}

function toRow(document: ItemDocument): ItemRow {
  const { _id, name, description, parentId, createdAt, updatedAt } = document;
  // parentId is absent from items stored before items had parents.
  return { id: _id, name, description, parentId: parentId ?? null, createdAt, updatedAt };
}

function nameFilter(nameContains: string | undefined): Filter<ItemDocument> {
  if (nameContains === undefined) return {};
  // The text is matched literally, case-insensitively: regex syntax in it is escaped.
  const pattern = nameContains.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return { name: { $regex: pattern, $options: "i" } };
}

export class ItemRepository {
  private readonly items: Collection<ItemDocument>;
  private readonly counters: Collection<Counter>;

  /** `updateAttempts`: how often an update retries when other writes keep beating it. */
  constructor(
    db: Db,
    private readonly updateAttempts = 5,
  ) {
    this.items = db.collection<ItemDocument>("items");
    this.counters = db.collection<Counter>("counters");
  }

  async list({
    limit,
    offset,
    nameContains,
    orderBy = [],
  }: ItemFilter): Promise<[ItemRow[], number]> {
    const filter = nameFilter(nameContains);
    // The id sorts as seq (see add); the first mention of a key decides its direction.
    const sort: Record<string, 1 | -1> = {};
    for (const { field, descending } of [...orderBy, { field: "id", descending: false }]) {
      sort[field === "id" ? "seq" : field] ??= descending ? -1 : 1;
    }
    const [documents, total] = await Promise.all([
      this.items.find(filter).sort(sort).skip(offset).limit(limit).toArray(),
      this.items.countDocuments(filter),
    ]);
    return [documents.map(toRow), total];
  }

  async get(id: number): Promise<ItemRow | undefined> {
    const document = await this.items.findOne({ _id: id });
    return document ? toRow(document) : undefined;
  }

  async add(data: NewItem): Promise<ItemRow> {
    const now = new Date();
    const id = await this.nextId();
    const document: ItemDocument = {
      _id: id,
      seq: id,
      name: data.name,
      description: data.description ?? null,
      parentId: data.parentId ?? null,
      createdAt: data.createdAt ?? now,
      updatedAt: data.updatedAt ?? now,
      version: 1,
    };
    await this.items.insertOne(document);
    return toRow(document);
  }

  /** Read, change, replace if nobody wrote in between (optimistic concurrency on `version`).
   * A whole-document replace rather than `$set`: it keeps BSON dates on every
   * MongoDB-compatible server stackgen tests with, and reports a duplicate name as 11000. */
  async update(id: number, changes: ItemChanges): Promise<ItemRow | undefined> {
    for (let attempt = 0; attempt < this.updateAttempts; attempt++) {
      const current = await this.items.findOne({ _id: id });
      if (!current) return undefined;
      const { _id, ...fields } = current;
      const next = { ...fields, updatedAt: new Date(), ...changes, version: current.version + 1 };
      const { matchedCount } = await this.items.replaceOne({ _id, version: current.version }, next);
      if (matchedCount > 0) return toRow({ _id, ...next });
    }
    throw new Error(
      `item ${String(id)} kept changing during ${String(this.updateAttempts)} attempts`,
    );
  }

  /** Refused while any item sits under this one. There is no transaction around the check: an
   * item put under this one in between would point at a parent that is gone (JSON:API's
   * include leaves such a parent out). */
  async delete(id: number): Promise<boolean> {
    if (await this.items.findOne({ parentId: id }, { projection: { _id: 1 } })) {
      throw new InUse(`items sit under item ${String(id)}`);
    }
    const { deletedCount } = await this.items.deleteOne({ _id: id });
    return deletedCount > 0;
  }

  /** The next item id, from one atomic increment of the counter document. */
  private async nextId(): Promise<number> {
    const counter = await this.counters.findOneAndUpdate(
      { _id: "items" },
      { $inc: { seq: 1 } },
      { upsert: true, returnDocument: "after" },
    );
    if (!counter) throw new Error("the items counter was not returned");
    return counter.seq;
  }
}
