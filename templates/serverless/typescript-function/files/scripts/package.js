// `npm run package`: the function's code as Lambda runs it - src/handler.ts and everything it
// imports in one ES module for Node.js 22, minified, with a source map for stack traces. `sam
// build` runs it through the Makefile with ARTIFACTS_DIR set; by hand it writes build/function.
import { cp } from "node:fs/promises";
import process from "node:process";

import { build } from "esbuild";

const outdir = process.env.ARTIFACTS_DIR ?? "build/function";

const result = await build({
{%- set report = cookiecutter.data.report_function | default(none) %}
{%- if report %}
  // One bundle a function: the API's handler, and the report function's.
  entryPoints: {
    handler: "src/handler.ts",
    {{ report.handler.rpartition(".")[0] | tojson }}: {{ report.entry | tojson }},
  },
{%- else %}
  entryPoints: { handler: "src/handler.ts" },
{%- endif %}
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  minify: true,
  sourcemap: true,
  metafile: true,
  // Packages written as CommonJS call require() and read __dirname: an ES module has
  // neither until it makes them.
  banner: {
    js: [
      "import { createRequire } from 'node:module';",
      "import { dirname as __stackgenDirname } from 'node:path';",
      "import { fileURLToPath as __stackgenFileURLToPath } from 'node:url';",
      "const require = createRequire(import.meta.url);",
      "const __filename = __stackgenFileURLToPath(import.meta.url);",
      "const __dirname = __stackgenDirname(__filename);",
    ].join(" "),
  },
  logLevel: "warning",
});
// What the app reads at run time beside its code (a container image copies the same).
for (const path of {{ cookiecutter.data.container.get("copy", []) | tojson }}) {
  await cp(path, `${outdir}/${path}`, { recursive: true });
}
const bytes = Object.values(result.metafile.outputs).reduce((sum, out) => sum + out.bytes, 0);
process.stdout.write(`${outdir}: ${String(Math.round(bytes / 1024))} KiB\n`);
