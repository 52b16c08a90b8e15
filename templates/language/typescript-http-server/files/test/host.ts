/** How the tests hand the app requests as its host does: Fastify's own `inject`, the path a
 * request takes from the server's socket. */
import type { FastifyInstance } from "fastify";

export function hostApp(app: FastifyInstance): FastifyInstance {
  return app;
}
