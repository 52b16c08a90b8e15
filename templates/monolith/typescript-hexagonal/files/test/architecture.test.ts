/**
 * The hexagon's boundaries, checked on every test run from the real import graph: the domain
 * imports nothing but itself; the use cases only the domain.
 */
import { describe, expect, it } from "vitest";

import { importsUnder, type ImportEdge } from "./import-graph.js";

function outside(folders: string[], edges: ImportEdge[]): string[] {
  return edges
    .filter(({ target }) => !folders.some((folder) => target.startsWith(`${folder}/`)))
    .map(({ file, target }) => `${file} imports ${target}`);
}

describe("architecture", () => {
  it("keeps the domain free of frameworks, the ORM and outer layers", () => {
    expect(outside(["domain"], importsUnder("domain"))).toEqual([]);
  });

  it("lets the use cases see the domain and its ports only", () => {
    expect(outside(["domain", "application"], importsUnder("application"))).toEqual([]);
  });

  it("sees an import that crosses a boundary", () => {
    const edge = { file: "domain/items.ts", target: "drizzle-orm" };
    expect(outside(["domain"], [edge])).toEqual(["domain/items.ts imports drizzle-orm"]);
  });
});
