/** `npm run migrate`: apply the migrations in drizzle/ to DATABASE_URL. */
import { loadConfig } from "../config.js";
import { createDatabase } from "./client.js";

const database = createDatabase(loadConfig().databaseUrl);
try {
  await database.migrate();
} finally {
  await database.close();
}
