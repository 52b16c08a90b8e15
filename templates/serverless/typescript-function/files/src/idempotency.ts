/**
 * POSTs a client can retry safely: a request carrying an `Idempotency-Key` header is served
 * once, and a retry with the same key gets the first answer again (mobile clients retry on
 * flaky networks, and a client that timed out cannot tell whether its item was made).
 *
 * Powertools' idempotency utility keeps one record per method, path and key in the table (`pk`
 * = `idempotency#` and a hash of them; `expires_at`, which the table's TTL reads, a day on),
 * with a hash of the rest of the request (its query, content type and body as parsed, so JSON
 * spaced differently is the same body). These hooks drive its persistence layer around the
 * routes, as Powertools' own Middy middleware does around a handler. A retry with the same key:
 * - while the first request is still served: 409, with Retry-After;
 * - with another query or body (the key reused for a different request): 422;
 * - afterwards: the first answer, marked `Idempotent-Replayed: true`.
 * An answer of 5xx is not kept, so the retry is served again; one too large for a DynamoDB item
 * is kept without its body. A request without the header is served as always. The record of a
 * request cut off mid-way (the function timed out) stops counting as in progress after the
 * function's timeout. The key is the client's: with sign-in, make the caller part of it.
 */
import {
  IdempotencyConfig,
  IdempotencyItemAlreadyExistsError,
  IdempotencyRecordStatus,
  IdempotencyValidationError,
} from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { IdempotencyRecord } from "@aws-lambda-powertools/idempotency/persistence";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

import { AppError, ConflictError, UnprocessableError } from "./problems.js";

/** How long an answer is kept for retries (a day, as payment APIs keep theirs). */
export const KEEP_SECONDS = 24 * 60 * 60;
export const MAX_KEY_LENGTH = 255;
/** How long a request counts as in progress: the function's timeout (template.yaml). */
export const IN_PROGRESS_MS = 29_000;
export const RETRY_AFTER_SECONDS = 1;

export const REUSED = "this Idempotency-Key was used for another request (another query or body)";
export const IN_PROGRESS =
  "a request with this Idempotency-Key is still being served; retry shortly";

/** An answer as it is kept: the status, headers and the body (base64). */
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- Powertools keeps JSON values, which an interface is not
type Answer = {
  status: number;
  headers: Record<string, string>;
  body: string;
};

/** What identifies a keyed request (method, path, key) and what must not change (the rest). */
type Keyed = Record<"method" | "path" | "key" | "query" | "contentType" | "body", string>;

class InvalidKeyError extends AppError {
  override readonly status = 400;
}

const PRINTABLE = /^[\x20-\x7e]+$/;
// Hop-by-hop and length headers are the server's to set on each answer.
const NOT_KEPT = new Set(["content-length", "connection", "transfer-encoding", "keep-alive"]);
/** What describes a body, dropped with it. */
const CONTENT_HEADERS = new Set(["content-type", "content-encoding", "etag"]);

/** `app` with keyed POSTs served once, against its DynamoDB table. Call it before the app is
 * ready; the hooks run after the app's own, so a replayed answer gets its headers too. */
export function withIdempotency(app: FastifyInstance): FastifyInstance {
  if (app.hasDecorator("idempotentPosts")) return app;
  app.decorate("idempotentPosts", true);
  const { database } = app.resources;
  const records = new DynamoDBPersistenceLayer({
    tableName: database.db.table,
    keyAttr: "pk",
    expiryAttr: "expires_at",
    awsSdkV3Client: database.client,
  });
  records.configure({
    config: new IdempotencyConfig({
      eventKeyJmesPath: "[method, path, key]",
      payloadValidationJmesPath: "[query, contentType, body]",
      expiresAfterSeconds: KEEP_SECONDS,
    }),
    keyPrefix: "idempotency",
  });
  const served = new WeakMap<FastifyRequest, Keyed>();

  /** The record a keyed request found (DynamoDB returns it with the failed write), checked
   * against the request's body. */
  function existing(error: IdempotencyItemAlreadyExistsError, keyed: Keyed) {
    if (error.existingRecord === undefined) return undefined;
    try {
      return records.processExistingRecord(error.existingRecord, keyed);
    } catch (failure) {
      if (failure instanceof IdempotencyValidationError) throw new UnprocessableError(REUSED);
      throw failure;
    }
  }

  /** The first answer, once there is one. */
  function replay(reply: FastifyReply, record: IdempotencyRecord | undefined) {
    const completed = record?.getStatus() === IdempotencyRecordStatus.COMPLETED;
    const answer = completed ? (record.getResponse() as unknown as Answer | undefined) : undefined;
    if (answer === undefined) {
      reply.header("retry-after", String(RETRY_AFTER_SECONDS));
      throw new ConflictError(IN_PROGRESS);
    }
    return reply
      .code(answer.status)
      .headers({ ...answer.headers, "idempotent-replayed": "true" })
      .send(Buffer.from(answer.body, "base64"));
  }

  app.addHook("preValidation", async (request, reply) => {
    const key = request.headers["idempotency-key"];
    if (request.method !== "POST" || key === undefined) return;
    if (typeof key !== "string" || key.length > MAX_KEY_LENGTH || !PRINTABLE.test(key)) {
      throw new InvalidKeyError(
        `Idempotency-Key must be 1 to ${String(MAX_KEY_LENGTH)} printable characters`,
      );
    }
    const path = request.url.replace(/\?.*$/s, "");
    const keyed: Keyed = {
      method: request.method,
      path,
      key,
      query: request.url.slice(path.length + 1),
      contentType: request.headers["content-type"] ?? "",
      body: JSON.stringify(request.body ?? null),
    };
    try {
      await records.saveInProgress(keyed, IN_PROGRESS_MS);
    } catch (error) {
      if (!(error instanceof IdempotencyItemAlreadyExistsError)) throw error;
      return replay(reply, existing(error, keyed));
    }
    served.set(request, keyed);
  });

  /** Keeps the answer for retries; one too large for a DynamoDB item (400 KB) without its
   * body, so a retry gets its status and headers (Location names what was made), not a second
   * run. Not kept at all (the table went away), the record counts as in progress until its
   * time is up, then a retry is served anew. */
  async function keep(request: FastifyRequest, keyed: Keyed, answer: Answer) {
    const bodiless = Object.fromEntries(
      Object.entries(answer.headers).filter(([name]) => !CONTENT_HEADERS.has(name)),
    );
    for (const kept of [answer, { ...answer, headers: bodiless, body: "" }]) {
      try {
        await records.saveSuccess(keyed, kept);
        return;
      } catch (error) {
        request.log.warn({ err: error }, "the answer to a keyed request was not kept");
      }
    }
  }

  app.addHook("onSend", async (request, reply, payload) => {
    const keyed = served.get(request);
    if (keyed === undefined) return payload;
    served.delete(request);
    const body = payload ?? ""; // (an answer with no body)
    if (reply.statusCode >= 500 || !(typeof body === "string" || Buffer.isBuffer(body))) {
      // A server error, or a stream that cannot be kept: a retry is served anew.
      await records.deleteRecord(keyed).catch((error: unknown) => {
        request.log.warn({ err: error }, "a keyed request's record was not dropped");
      });
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined && !NOT_KEPT.has(name)) headers[name] = String(value);
    }
    const kept = Buffer.from(body).toString("base64");
    await keep(request, keyed, { status: reply.statusCode, headers, body: kept });
    return payload;
  });
  return app;
}
