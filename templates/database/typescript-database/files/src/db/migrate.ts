/** `npm run migrate`: apply the migrations in drizzle/ to DATABASE_URL. */
import { loadConfig } from "../config.js";
import { createDatabase } from "./client.js";

const config = loadConfig();
const database = createDatabase(
{%- for arg in cookiecutter.data.typescript_resources.database.args %}config.{{ arg }}{{ ", " if not loop.last }}{% endfor -%}
);
try {
  await database.migrate();
} finally {
  await database.close();
}
