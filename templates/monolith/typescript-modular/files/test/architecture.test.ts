/**
 * Module boundaries, checked on every test run from the real import graph: code outside a
 * module may import its public interface (modules/<name>/index.js), never its internals.
 */
import { describe, expect, it } from "vitest";

import { importsUnder, type ImportEdge } from "./import-graph.js";

function moduleOf(path: string): string | undefined {
  const [top, name] = path.split("/");
  return top === "modules" ? name : undefined;
}

function reachIns(edges: ImportEdge[]): string[] {
  return edges
    .filter(({ file, target }) => {
      const module = moduleOf(target);
      const isPublic = target === `modules/${String(module)}/index.js`;
      return module !== undefined && module !== moduleOf(file) && !isPublic;
    })
    .map(({ file, target }) => `${file} imports ${target}`);
}

describe("architecture", () => {
  it("lets modules and the rest of the app use a module through its index only", () => {
    expect(reachIns(importsUnder("."))).toEqual([]);
  });

  it("sees a reach into another module's internals", () => {
    const edges = [
      { file: "modules/reports/service.ts", target: "modules/items/service.js" },
      { file: "modules/reports/service.ts", target: "modules/items/index.js" },
      { file: "modules/items/index.ts", target: "modules/items/service.js" },
    ];
    expect(reachIns(edges)).toEqual([
      "modules/reports/service.ts imports modules/items/service.js",
    ]);
  });
});
