/**
 * The app behind AWS Lambda: API Gateway HTTP API events (payload format 2.0) handed to
 * Fastify's `inject`, and its answer handed back as the response API Gateway expects.
 *
 * A Lambda container serves one event at a time and lives for many: the app and its resources
 * (the database pool, clients) are made once per container, on the first event, and kept.
 * API Gateway (on the `$default` stage, whose paths carry no stage name) hands over the path
 * percent-decoded: it is encoded again for `inject`, so a `?`, `#` or `%` in it stays part of
 * the path. The query string is passed on as it came, so repeated keys and commas in values
 * reach the routes as a server would see them.
 *
 * Every line a request logs carries the ids of the invocation that served it: `correlationId`
 * (API Gateway's request id, which the API's access log records too) and `awsRequestId`
 * (Lambda's), so one request's lines can be found and joined across both logs.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { isUtf8 } from "node:buffer";

import type { FastifyInstance, InjectOptions } from "fastify";

export interface HttpApiEvent {
  version: "2.0";
  rawPath: string;
  rawQueryString: string;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded: boolean;
  requestContext: {
    requestId: string;
    http: { method: string; path: string; sourceIp: string };
  };
}

export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

/** What the handler reads of Lambda's context object. */
export interface InvocationContext {
  awsRequestId: string;
}

interface RequestIds {
  correlationId: string;
  awsRequestId?: string;
}

/** The ids of the event being served (none outside one). */
const servedIds = new AsyncLocalStorage<RequestIds>();

/** `app`, whose requests log with the ids of the event that made each one (the store the
 * adapter runs `inject` in holds them as the request arrives). Call it before the app is ready. */
export function withRequestIds(app: FastifyInstance): FastifyInstance {
  app.addHook("onRequest", (request, _reply, done) => {
    const ids = servedIds.getStore();
    if (ids) request.log = request.log.child(ids);
    done();
  });
  return app;
}

/** A decoded path, percent-encoded again segment by segment. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** Bodies API Gateway passes on as text; any other is sent base64-encoded, as it requires. */
const TEXT = /^(text\/|application\/(json|xml|graphql)|[^;]*\+(json|xml)\s*(;|$))/i;

export async function serveEvent(
  app: FastifyInstance,
  event: HttpApiEvent,
  context?: InvocationContext,
): Promise<HttpApiResult> {
  const headers: Record<string, string> = { ...event.headers };
  // Payload 2.0 takes cookies out of the headers; the app reads them from a Cookie header.
  if (event.cookies?.length) headers.cookie = event.cookies.join("; ");
  const options: InjectOptions = {
    method: event.requestContext.http.method.toUpperCase(),
    url: `${encodePath(event.rawPath)}${event.rawQueryString ? `?${event.rawQueryString}` : ""}`,
    headers,
    remoteAddress: event.requestContext.http.sourceIp,
  };
  if (event.body !== undefined) {
    options.payload = Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
  }
  const ids: RequestIds = { correlationId: event.requestContext.requestId };
  if (context) ids.awsRequestId = context.awsRequestId;
  // Awaited inside: `inject` starts the request when awaited, and it must start in the store.
  const response = await servedIds.run(ids, async () => {
    const answer = await app.inject(options);
    return answer;
  });
  const joined: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    if (name.toLowerCase() === "set-cookie") cookies = values;
    else joined[name.toLowerCase()] = values.join(", ");
  }
  // Text goes as it is; a compressed or non-UTF-8 body, or any other type, base64-encoded.
  const compressed = (joined["content-encoding"] ?? "identity").toLowerCase() !== "identity";
  const text =
    TEXT.test(joined["content-type"] ?? "") && !compressed && isUtf8(response.rawPayload);
  return {
    statusCode: response.statusCode,
    headers: joined,
    ...(cookies ? { cookies } : {}),
    body: text ? response.body : response.rawPayload.toString("base64"),
    isBase64Encoded: !text,
  };
}

/** A Lambda handler serving the app `build` makes: built and made ready on the first event,
 * kept for the container's life. */
export function lambdaHandler(
  build: () => Promise<FastifyInstance>,
): (event: HttpApiEvent, context?: InvocationContext) => Promise<HttpApiResult> {
  let ready: Promise<FastifyInstance> | undefined;
  return async (event, context) => {
    ready ??= (async () => {
      const app = withRequestIds(await build());
      try {
        await app.ready();
      } catch (error) {
        await app.close();
        throw error;
      }
      return app;
    })().catch((error: unknown) => {
      ready = undefined; // the next event tries again, as a fresh container would
      throw error;
    });
    return serveEvent(await ready, event, context);
  };
}
