/** The app's import graph, read with the TypeScript compiler's own parser, for boundary tests. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

import ts from "typescript";

export const SRC = resolve(import.meta.dirname, "../src");

export interface ImportEdge {
  /** The importing file, relative to src/. */
  file: string;
  /** The imported file relative to src/ (relative imports), or the package name. */
  target: string;
}

/** Every import in the files under src/<folder>. */
export function importsUnder(folder: string): ImportEdge[] {
  const dir = join(SRC, folder);
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .flatMap((name) => {
      const path = join(dir, name);
      const { importedFiles } = ts.preProcessFile(readFileSync(path, "utf8"), true, true);
      return importedFiles.map(({ fileName }) => ({
        file: relative(SRC, path),
        target: fileName.startsWith(".")
          ? relative(SRC, resolve(join(dir, name), "..", fileName))
          : fileName,
      }));
    });
}
