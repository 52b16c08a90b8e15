/** Where Drizzle Kit's migrations are, from source (src/db) and compiled (dist/src/db) alike. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The nearest `drizzle/` folder holding a migration journal, above `from`. */
export function migrationsFolder(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const candidate = join(dir, "drizzle");
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no drizzle/meta/_journal.json above ${from}`);
  }
}
