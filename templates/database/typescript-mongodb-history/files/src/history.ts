/** Each item's change history, kept in MongoDB beside the SQL database: one document per
 * change, holding the item as it was after it (or, for a deletion, before it). */
import type { Collection } from "mongodb";

import { isMongoOutage, mongoClient } from "./mongodb.js";

export type Action = "created" | "updated" | "deleted";

export interface ItemEvent {
  itemId: number;
  action: Action;
  at: Date;
  name: string;
  description: string | null;
}

export function createHistory(url: string) {
  const client = mongoClient(url);
  const events: Collection<ItemEvent> = client.db().collection<ItemEvent>("item_events");
  let indexed: Promise<unknown> | undefined;
  let closed = false;

  /** The index the history is read by, made once (idempotent; retried if it failed). */
  function ready(): Promise<unknown> {
    indexed ??= events.createIndex({ itemId: 1, at: -1 }).catch((error: unknown) => {
      indexed = undefined;
      throw error;
    });
    return indexed;
  }

  return {
    name: "history",
    events,
    /** Makes the index as the app starts (or, if MongoDB is down then, on first use). */
    async start(): Promise<void> {
      await ready();
    },
    async ping(): Promise<void> {
      if (closed) throw new Error("the history client is closed");
      // Connecting again (a no-op once connected) is what brings it back after an outage.
      await client.connect();
      await client.db().command({ ping: 1 });
    },
    isOutage: (error: unknown) => isMongoOutage(error, closed),
    async record(event: ItemEvent): Promise<void> {
      await ready();
      await events.insertOne({ ...event });
    },
    /** One page of an item's events, newest first, and how many there are. */
    async list(itemId: number, limit: number, offset: number): Promise<[ItemEvent[], number]> {
      await ready();
      const [page, total] = await Promise.all([
        events
          .find({ itemId }, { projection: { _id: 0 } })
          .sort({ at: -1, _id: -1 })
          .skip(offset)
          .limit(limit)
          .toArray(),
        events.countDocuments({ itemId }),
      ]);
      return [page, total];
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

export type History = ReturnType<typeof createHistory>;
