/**
 * The hexagon's boundaries, checked on every test run from the real import graph (the
 * TypeScript compiler's own parser): the domain imports nothing but itself; the use cases
 * only the domain.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");

function imports(folder: string): { file: string; target: string }[] {
  const dir = join(SRC, folder);
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .flatMap((name) => {
      const path = join(dir, name);
      const { importedFiles } = ts.preProcessFile(readFileSync(path, "utf8"), true, true);
      return importedFiles.map(({ fileName }) => ({
        file: relative(SRC, path),
        // Relative imports as paths under src/, packages by name.
        target: fileName.startsWith(".") ? relative(SRC, resolve(dir, fileName)) : fileName,
      }));
    });
}

function outside(folders: string[], edges: { file: string; target: string }[]): string[] {
  return edges
    .filter(({ target }) => !folders.some((folder) => target.startsWith(`${folder}/`)))
    .map(({ file, target }) => `${file} imports ${target}`);
}

describe("architecture", () => {
  it("keeps the domain free of frameworks, the ORM and outer layers", () => {
    expect(outside(["domain"], imports("domain"))).toEqual([]);
  });

  it("lets the use cases see the domain and its ports only", () => {
    expect(outside(["domain", "application"], imports("application"))).toEqual([]);
  });
});
