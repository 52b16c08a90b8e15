import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The test files share one database server; run them one after another.
    fileParallelism: false,
{%- if cookiecutter.data.typescript_vitest.global_setup is defined %}
    globalSetup: {{ cookiecutter.data.typescript_vitest.global_setup | tojson }},
{%- endif %}
{%- if cookiecutter.data.typescript_vitest.env is defined %}
    env: {
{%- for key, value in cookiecutter.data.typescript_vitest.env.items() %}
      {{ key }}: {{ value | quote }},
{%- endfor %}
    },
{%- endif %}
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      // The process entry points only wire things together; the app factory is tested.
      exclude: ["src/server.ts", "src/db/migrate.ts"{% for path in cookiecutter.data.typescript_generated %}, "{{ path }}/**"{% endfor %}],
      thresholds: { lines: 90, functions: 90, branches: 90, statements: 90 },
    },
  },
});
