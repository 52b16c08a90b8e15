/** The SQLite database, through libSQL (its native code ships as npm packages, no download). */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

import { createClient } from "@libsql/client";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";

import { migrationsFolder } from "./migrations.js";
import * as schema from "./schema.js";

/** The path of a `file:` URL, whose folder is created, as the server would create its data dir. */
function ensureFolder(url: string): void {
  const path = url.startsWith("file:") ? url.slice("file:".length) : undefined;
  if (path && path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
}

export function createDatabase(url: string) {
  ensureFolder(url);
  const client = createClient({ url });
  const db = drizzle(client, { schema });
  return {
    name: "database",
    db,
    async ping(): Promise<void> {
      await db.run(sql`select 1`);
    },
    async migrate(): Promise<void> {
      await migrate(db, { migrationsFolder: migrationsFolder() });
    },
    close(): Promise<void> {
      client.close();
      return Promise.resolve();
    },
  };
}

export type Database = ReturnType<typeof createDatabase>;
export type Db = Database["db"];

/** True when a write broke a UNIQUE constraint. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ("code" in e && typeof e.code === "string" && e.code.startsWith("SQLITE_CONSTRAINT")) {
      return e.message.includes("UNIQUE");
    }
  }
  return false;
}

/** True when a delete failed because other rows' foreign keys point at the row. */
export function isInUse(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ("code" in e && e.code === "SQLITE_CONSTRAINT_FOREIGNKEY") return true;
  }
  return false;
}
