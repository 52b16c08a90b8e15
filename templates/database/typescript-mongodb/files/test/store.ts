/** Direct writes to MongoDB for tests, around the app rather than through it. */
import type { FastifyInstance } from "fastify";

export async function emptyItems(app: FastifyInstance): Promise<void> {
  await app.resources.database.db.collection("items").deleteMany({});
}

export async function setDescription(
  app: FastifyInstance,
  id: number,
  description: string,
): Promise<void> {
  await app.resources.database.db
    .collection<{ _id: number }>("items")
    .updateOne({ _id: id }, { $set: { description } });
}
