/** MySQL's part in the tests' own database (test/global-setup.ts): made and dropped as the
 * URL's user, which must be allowed to create databases (compose's and CI's root is). */
import mysql from "mysql2/promise";

/** Makes database `name`; `urlOf` gives the server's URL naming a database. */
export async function createTestDatabase(
  name: string,
  urlOf: (database: string) => string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = urlOf("");
  await execute(server, `CREATE DATABASE \`${name}\``);
  return {
    url: urlOf(name),
    drop: () => execute(server, `DROP DATABASE IF EXISTS \`${name}\``),
  };
}

async function execute(url: string, statement: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 5_000 });
  try {
    await connection.query(statement);
  } finally {
    await connection.end();
  }
}
