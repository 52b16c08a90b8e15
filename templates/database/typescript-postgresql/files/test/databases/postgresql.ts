/** PostgreSQL's part in the tests' own database (test/global-setup.ts): made and dropped
 * through the server's maintenance database, as the URL's user. */
import pg from "pg";

/** Makes database `name`; `urlOf` gives the server's URL naming a database. */
export async function createTestDatabase(
  name: string,
  urlOf: (database: string) => string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const maintenance = urlOf("postgres");
  await execute(maintenance, `CREATE DATABASE "${name}"`);
  return {
    url: urlOf(name),
    // FORCE: a connection a test left open does not keep the database.
    drop: () => execute(maintenance, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function execute(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query(statement);
  } finally {
    await client.end();
  }
}
