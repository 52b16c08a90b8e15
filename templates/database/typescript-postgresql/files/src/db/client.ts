/** The PostgreSQL database, through node-postgres (pg) with a bounded pool. */

import { DrizzleQueryError } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

import { causes, unreachable, type Cause } from "../outage.js";
import { migrationsFolder } from "./migrations.js";
import * as schema from "./schema.js";

export function createDatabase(url: string) {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Fail fast when the server is unreachable, so /readyz answers instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  const db = drizzle(pool, { schema });
  return {
    name: "database",
    db,
    async ping(): Promise<void> {
      await pool.query("select 1");
    },
    /** A query failed because PostgreSQL could not be reached or dropped the connection (every
     * query goes through Drizzle, whose error wraps pg's: another store's failure is not this
     * one's). */
    isOutage(error: unknown): boolean {
      return causes(error).some(
        (cause) => cause instanceof DrizzleQueryError && unreachable(cause.cause, lostConnection),
      );
    },
    async migrate(): Promise<void> {
      await migrate(db, { migrationsFolder: migrationsFolder() });
    },
    async close(): Promise<void> {
      if (!pool.ended) await pool.end();
    },
  };
}

/** pg's own words for a connection it lost or could not make in time, and the SQLSTATEs of a
 * server that refuses connections or is shutting down: class 08 (connection exception),
 * 57P01-57P03 (admin_shutdown, crash_shutdown, cannot_connect_now). */
function lostConnection(cause: Cause): boolean {
  return (
    cause.message.startsWith("Connection terminated") ||
    cause.message === "timeout exceeded when trying to connect" ||
    (typeof cause.code === "string" && /^(08...|57P0[1-3])$/.test(cause.code))
  );
}

export type Database = ReturnType<typeof createDatabase>;
export type Db = Database["db"];

/** True when a write broke a UNIQUE constraint (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ("code" in e && e.code === "23505") return true;
  }
  return false;
}

/** True when a delete failed because other rows' foreign keys point at the row. */
export function isInUse(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ("code" in e && e.code === "23503") return true; // foreign_key_violation
  }
  return false;
}
