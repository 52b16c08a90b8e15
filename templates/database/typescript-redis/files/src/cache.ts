/** Redis as a cache: string values under a key prefix, each with a time to live (ioredis). */
import { Redis } from "ioredis";

import { causes } from "./outage.js";

export function createCache(url: string, prefix: string, ttlSeconds: number, verifyTls = true) {
  // TLS (rediss://) without checking the certificate, when told to: for a managed Redis whose
  // certificate no public authority signs (Heroku Key-Value Store).
  const unverified = url.startsWith("rediss://") && !verifyTls;
  const client = new Redis(url, {
    ...(unverified ? { tls: { rejectUnauthorized: false } } : {}),
    // While Redis is unreachable a command waits for one reconnection attempt, then fails,
    // so requests and /readyz answer; the client keeps reconnecting in the background.
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  // Connection errors surface through the commands; the event only needs a listener.
  client.on("error", () => undefined);
  const key = (name: string) => `${prefix}:${name}`;
  let closed = false;
  return {
    name: "cache",
    client,
    key,
    async get(name: string): Promise<string | null> {
      return client.get(key(name));
    },
    async set(name: string, value: string): Promise<void> {
      await client.set(key(name), value, "EX", ttlSeconds);
    },
    async delete(name: string): Promise<void> {
      await client.del(key(name));
    },
    async ping(): Promise<void> {
      await client.ping();
    },
    /** ioredis gives up on a command after one reconnection attempt (MaxRetriesPerRequestError),
     * or when Redis accepted the connection but did not answer in time, and refuses commands on
     * a connection it closed; it never passes a network error on. */
    isOutage(error: unknown): boolean {
      return causes(error).some(
        (cause) =>
          cause.name === "MaxRetriesPerRequestError" ||
          cause.message === "Command timed out" ||
          cause.message === "Connection is closed.",
      );
    },
    close(): Promise<void> {
      if (!closed) {
        closed = true;
        client.disconnect();
      }
      return Promise.resolve();
    },
  };
}

export type Cache = ReturnType<typeof createCache>;
