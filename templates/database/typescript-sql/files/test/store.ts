/** Direct writes to the SQL database for tests, around the app rather than through it. */
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";

import { items } from "../src/db/schema.js";

export async function emptyItems(app: FastifyInstance): Promise<void> {
  // Parents last: MySQL checks each row's foreign key as it deletes it.
  await app.resources.database.db.update(items).set({ parentId: null });
  await app.resources.database.db.delete(items);
}

export async function setDescription(
  app: FastifyInstance,
  id: number,
  description: string,
): Promise<void> {
  await app.resources.database.db.update(items).set({ description }).where(eq(items.id, id));
}
