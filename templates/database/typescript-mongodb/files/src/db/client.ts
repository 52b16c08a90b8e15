/** The MongoDB database, through the official driver with a bounded pool. */
import { MongoServerError } from "mongodb";

import { isMongoOutage, mongoClient } from "../mongodb.js";

export function createDatabase(url: string) {
  const client = mongoClient(url);
  // The database named by the URL's path.
  const db = client.db();
  let closed = false;
  let indexed = false;

  /** Creates the indexes (idempotent): MongoDB's counterpart of the SQL migrations. */
  async function migrate(): Promise<void> {
    const items = db.collection("items");
    // (the three-argument form: the two-argument one is deprecated)
    await items.createIndex({ name: 1 }, { unique: true, name: "items_name_unique" }, undefined);
    await items.createIndex({ seq: 1 }, { name: "items_seq" }, undefined);
    indexed = true;
  }

  return {
    name: "database",
    db,
    migrate,
    /** Makes the indexes as the app starts, so a fresh database needs no separate step. */
    async start(): Promise<void> {
      await migrate();
    },
    async ping(): Promise<void> {
      // The driver would reconnect on demand; a closed database stays closed.
      if (closed) throw new Error("the database client is closed");
      // After a failed first connection the client stays disconnected until asked again:
      // connecting here (a no-op once connected) is what brings it back after an outage.
      await client.connect();
      await db.command({ ping: 1 });
      // Not ready without the unique name index; made here if the server was down at start.
      if (!indexed) await migrate();
    },
    isOutage: (error: unknown) => isMongoOutage(error, closed),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

export type Database = ReturnType<typeof createDatabase>;
export type Db = Database["db"];

/** True when a write broke a unique index (duplicate key, error 11000). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof MongoServerError && e.code === 11000) return true;
  }
  return false;
}

/** Thrown by a delete of an item other items sit under. */
export class InUse extends Error {}

export function isInUse(error: unknown): boolean {
  return error instanceof InUse;
}
