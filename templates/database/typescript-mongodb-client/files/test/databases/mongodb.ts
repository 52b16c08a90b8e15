/** MongoDB's part in the tests' own database (test/global-setup.ts): MongoDB makes a database
 * on its first write, so making one only checks that the server answers; it is dropped at the
 * end. */
import type { MongoClient } from "mongodb";

import { mongoClient } from "../../src/mongodb.js";

/** Makes database `name`; `urlOf` gives the server's URL naming a database. */
export async function createTestDatabase(
  name: string,
  urlOf: (database: string) => string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = urlOf(name);
  await using(url, async (client) => {
    await client.db().command({ ping: 1 });
  });
  return {
    url,
    drop: () =>
      using(url, async (client) => {
        await client.db().dropDatabase();
      }),
  };
}

async function using(url: string, work: (client: MongoClient) => Promise<void>): Promise<void> {
  const client = mongoClient(url);
  try {
    await work(client);
  } finally {
    await client.close();
  }
}
