import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { migrationsFolder } from "../src/db/migrations.js";
import { scratchDir } from "./helpers.js";

describe("migrationsFolder", () => {
  it("finds drizzle/ from the source tree", () => {
    expect(migrationsFolder()).toMatch(/drizzle$/);
  });

  it("finds drizzle/ from the compiled tree too, as the container runs it", () => {
    const root = scratchDir();
    mkdirSync(join(root, "drizzle", "meta"), { recursive: true });
    writeFileSync(join(root, "drizzle", "meta", "_journal.json"), "{}");
    const compiled = join(root, "dist", "src", "db", "migrations.js");
    expect(migrationsFolder(compiled)).toBe(join(root, "drizzle"));
  });

  it("says so when there is no journal", () => {
    expect(() => migrationsFolder(join(scratchDir(), "a", "b.js"))).toThrow(/no drizzle/);
  });
});
