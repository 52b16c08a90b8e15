import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: {{ cookiecutter.data.drizzle_dialect | quote }},
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
