/** How the tests hand the app requests: as API Gateway HTTP API events (payload format 2.0)
 * through the Lambda adapter, so every API test also tests the translation both ways. */
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";

import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";

import { withIdempotency } from "../src/idempotency.js";
import {
  serveEvent,
  withRequestIds,
  type HttpApiEvent,
  type HttpApiResult,
} from "../src/lambda.js";

/** The event API Gateway sends for a request: lower-case headers, cookies apart, a body that
 * is not UTF-8 text base64-encoded, and the headers API Gateway adds itself. */
export function httpEvent(options: InjectOptions | string): HttpApiEvent {
  const opts = typeof options === "string" ? { url: options } : options;
  if (typeof opts.url !== "string") throw new Error("give the request's url as a string");
  // The path and query as the test wrote them (a URL object would normalise both); of an
  // absolute URL (a link the API gave), what API Gateway would get: its path and query.
  const local = opts.url.replace(/^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i, "");
  const url = local.startsWith("/") ? local : `/${local}`;
  const [target = "/", written = ""] = url.split("#", 1)[0]?.split(/\?(.*)/s) ?? [];
  const extra =
    typeof opts.query === "string"
      ? opts.query
      : Object.entries(opts.query ?? {})
          .flatMap(([key, value]) =>
            (Array.isArray(value) ? value : [value]).map(
              (one) => `${encodeURIComponent(key)}=${encodeURIComponent(one)}`,
            ),
          )
          .join("&");
  const query = [written, extra].filter(Boolean).join("&");
  let path = target;
  try {
    path = decodeURIComponent(target); // API Gateway hands the path over decoded
  } catch {
    // a malformed escape stays as it was written
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = String(value);
  }
  let body: Buffer | undefined;
  const payload = opts.payload ?? opts.body;
  if (payload !== undefined) {
    if (Buffer.isBuffer(payload)) body = payload;
    else if (typeof payload === "string") body = Buffer.from(payload);
    else {
      body = Buffer.from(JSON.stringify(payload));
      headers["content-type"] ??= "application/json";
    }
  }
  const cookies = headers.cookie
    ?.split(";")
    .map((part) => part.trim())
    .filter(Boolean);
  delete headers.cookie;
  headers["x-forwarded-proto"] = "http";
  headers["x-forwarded-for"] = "192.0.2.1";
  const text = body === undefined || Buffer.from(body.toString("utf8")).equals(body);
  return {
    version: "2.0",
    rawPath: path,
    rawQueryString: query,
    headers,
    ...(cookies?.length ? { cookies } : {}),
    ...(body === undefined ? {} : { body: text ? body.toString("utf8") : body.toString("base64") }),
    isBase64Encoded: !text,
    requestContext: {
      requestId: randomUUID(),
      http: {
        method: (opts.method ?? "GET").toUpperCase(),
        path,
        sourceIp: "192.0.2.1",
      },
    },
  };
}

/** What a test reads of an answer, made from API Gateway's response. */
export function injectResponse(result: HttpApiResult): LightMyRequestResponse {
  const raw = Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8");
  const headers: Record<string, string | string[]> = { ...result.headers };
  if (result.cookies) headers["set-cookie"] = result.cookies;
  const response = {
    statusCode: result.statusCode,
    statusMessage: STATUS_CODES[result.statusCode] ?? "",
    headers,
    rawPayload: raw,
    payload: raw.toString("utf8"),
    body: raw.toString("utf8"),
    json: () => JSON.parse(raw.toString("utf8")) as unknown,
  };
  return response as unknown as LightMyRequestResponse;
}

/** The app as the tests see it: `inject` goes through the Lambda adapter as an event; every
 * other member is the app's own. */
export function hostApp(app: FastifyInstance): FastifyInstance {
  withIdempotency(withRequestIds(app));
  const inject = async (options: InjectOptions | string) =>
    injectResponse(await serveEvent(app, httpEvent(options)));
  return new Proxy(app, {
    get: (target, property) => {
      if (property === "inject") return inject;
      // A Fastify instance is thenable (awaiting it waits for ready and gives the instance),
      // so an async function returning this proxy would hand back the app itself: it is not.
      if (property === "then") return undefined;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as () => unknown).bind(target) : value;
    },
  });
}
