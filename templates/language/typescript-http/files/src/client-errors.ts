/** Requests Node.js's HTTP parser refuses, or that arrive too slowly, answered the way Fastify
 * answers them (400, 431, 408) but closed in stages (RFC 9112, section 9.6): the answer, then
 * this side of the connection, then whatever the client still sends is read and dropped until
 * it closes or LINGER_MS pass. Destroyed at once with the client's bytes unread, the connection
 * would be reset, and a reset can destroy the answer before the client reads it. */
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";

/** How long a connection that was cut off goes on reading before it is destroyed. */
export const LINGER_MS = 2_000;

const ANSWERS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Client Timeout"],
  HPE_HEADER_OVERFLOW: [431, "Header Overflow"],
};

/** Fastify's `clientErrorHandler`. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection, or one already answered: nothing to say, nowhere to say it.
  if (error.code === "ECONNRESET" || socket.destroyed || socket.writableEnded) return;
  const [status, message] = ANSWERS[error.code ?? ""] ?? [400, "Client Error"];
  const phrase = STATUS_CODES[status] ?? "Error";
  const body = JSON.stringify({ error: phrase, message, statusCode: status });
  socket.end(
    `HTTP/1.1 ${String(status)} ${phrase}\r\nContent-Length: ${String(Buffer.byteLength(body))}` +
      `\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
  );
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once("close", () => {
    clearTimeout(linger);
  });
}
