/** MongoDB through the official driver, whatever it holds: the client, and which of its errors
 * mean MongoDB cannot be reached (src/outage.ts). */
import {
  MongoClient,
  MongoNetworkError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from "mongodb";

import { causes } from "./outage.js";

export function mongoClient(url: string): MongoClient {
  return new MongoClient(url, {
    maxPoolSize: 10,
    // Fail fast when MongoDB is unreachable, so /readyz and requests answer instead of hanging.
    serverSelectionTimeoutMS: 2_000,
    connectTimeoutMS: 2_000,
  });
}

/** No server could be selected in time, or the connection to it failed (the driver wraps every
 * network failure in one of these), or the first connection failed and left the client closed
 * until a ping connects it again (src/outage.ts has the resource pinged as requests fail on
 * it); a duplicate key, or a client the app `closed` itself, is not an outage. */
export function isMongoOutage(error: unknown, closed: boolean): boolean {
  return causes(error).some(
    (cause) =>
      cause instanceof MongoNetworkError ||
      cause instanceof MongoServerSelectionError ||
      (cause instanceof MongoTopologyClosedError && !closed),
  );
}
