/** `npm run dev`: API Gateway on loopback. Each HTTP request becomes the event Lambda would
 * hand the function (httpEvent, as in the tests) and the handler's answer the response, so a
 * request made while developing takes the path it takes on AWS. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

import { handler } from "../src/handler.js";
import { httpEvent } from "./host.js";

const port = Number(process.env.PORT ?? "8000");

async function relay(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    // API Gateway joins a repeated header's values with commas.
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const result = await handler(
    httpEvent({
      method: request.method ?? "GET",
      url: request.url ?? "/",
      headers,
      ...(chunks.length ? { payload: Buffer.concat(chunks) } : {}),
    }),
  );
  response.writeHead(result.statusCode, {
    ...result.headers,
    ...(result.cookies ? { "set-cookie": result.cookies } : {}),
  });
  response.end(Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8"));
}

createServer((request, response) => {
  relay(request, response).catch((error: unknown) => {
    // What API Gateway answers when the function fails.
    console.error(error);
    response.writeHead(500, { "content-type": "application/json" });
    response.end(JSON.stringify({ message: "Internal Server Error" }));
  });
}).listen(port, "127.0.0.1", () => {
  console.log(`API Gateway stand-in on http://127.0.0.1:${String(port)}`);
});
