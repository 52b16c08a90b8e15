/** The MySQL / MariaDB database, through mysql2 with a bounded pool. */
import { DrizzleQueryError, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/mysql2";
import { migrate } from "drizzle-orm/mysql2/migrator";
import mysql from "mysql2/promise";

import { causes, unreachable, type Cause } from "../outage.js";
import { migrationsFolder } from "./migrations.js";
import * as schema from "./schema.js";

/**
 * TLS as the URL's `ssl_mode` asks, in MySQL's own client's terms: REQUIRED encrypts without
 * checking the server's certificate (a managed server whose authority the image does not
 * trust), VERIFY_IDENTITY checks the certificate and the host name.
 */
export function tlsOptions(url: string): { uri: string; ssl?: { rejectUnauthorized: boolean } } {
  const parsed = new URL(url);
  const mode = parsed.searchParams.get("ssl_mode");
  if (mode === null) return { uri: url };
  parsed.searchParams.delete("ssl_mode");
  const uri = parsed.toString();
  if (mode === "REQUIRED") return { uri, ssl: { rejectUnauthorized: false } };
  if (mode === "VERIFY_IDENTITY") return { uri, ssl: { rejectUnauthorized: true } };
  throw new Error(`ssl_mode must be REQUIRED or VERIFY_IDENTITY, not "${mode}"`);
}

export function createDatabase(url: string) {
  const pool = mysql.createPool({
    ...tlsOptions(url),
    connectionLimit: 10,
    maxIdle: 10,
    idleTimeout: 30_000,
    // Fail fast when the server is unreachable, so /readyz answers instead of hanging.
    connectTimeout: 5_000,
    // DATETIME columns hold UTC, whatever the server's or the process's time zone.
    timezone: "Z",
  });
  const db = drizzle({ client: pool, schema, mode: "default" });
  let closed = false;
  return {
    name: "database",
    db,
    async ping(): Promise<void> {
      await db.execute(sql`select 1`);
    },
    /** A query failed because the server could not be reached or dropped the connection (every
     * query goes through Drizzle, whose error wraps mysql2's: another store's failure is not
     * this one's). */
    isOutage(error: unknown): boolean {
      return causes(error).some(
        (cause) => cause instanceof DrizzleQueryError && unreachable(cause.cause, lostConnection),
      );
    },
    async migrate(): Promise<void> {
      // MySQL cannot roll DDL back, so two migrators at once (parallel test files, replicas
      // starting together) would both create the same table: a named lock takes turns.
      const connection = await pool.getConnection();
      try {
        const [rows] = await connection.query<mysql.RowDataPacket[]>(
          "SELECT GET_LOCK('drizzle_migrations', 60) AS locked",
        );
        if (rows[0]?.locked !== 1) throw new Error("timed out waiting for the migration lock");
        await migrate(drizzle({ client: connection, schema, mode: "default" }), {
          migrationsFolder: migrationsFolder(),
        });
      } finally {
        await connection.query("SELECT RELEASE_LOCK('drizzle_migrations')");
        connection.release();
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** mysql2 marks an error that ends the connection `fatal` (refused, lost, timed out, or the
 * server refusing the handshake), and a connection the server closed PROTOCOL_CONNECTION_LOST. */
function lostConnection(cause: Cause): boolean {
  return ("fatal" in cause && cause.fatal === true) || cause.code === "PROTOCOL_CONNECTION_LOST";
}

export type Database = ReturnType<typeof createDatabase>;
export type Db = Database["db"];

/** True when a write broke a UNIQUE constraint (ER_DUP_ENTRY, error 1062). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ("code" in e && e.code === "ER_DUP_ENTRY") return true;
  }
  return false;
}

/** True when a delete failed because other rows' foreign keys point at the row. */
export function isInUse(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ("code" in e && e.code === "ER_ROW_IS_REFERENCED_2") return true;
  }
  return false;
}
