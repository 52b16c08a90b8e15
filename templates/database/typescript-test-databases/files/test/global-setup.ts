{%- set databases = cookiecutter.data.typescript_test_databases -%}
{%- set stores = databases.values() | map(attribute="store") | unique | sort -%}
/** Before any test file: a database of this run's own on each store's server, as Django's and
 * Rails' test runners make one - on the server the store's URL names, else the compose one -
 * dropped after the last test file. testConfig() (test/helpers.ts) takes these databases' URLs
 * instead, so the tests never touch the data in the databases the settings name. */
import { randomBytes } from "node:crypto";

import type { TestProject } from "vitest/node";
{% for store in stores %}
import * as {{ store }} from "./databases/{{ store }}.js";
{%- endfor %}

declare module "vitest" {
  export interface ProvidedContext {
{%- for key, _ in databases | dictsort %}
    {{ key }}: string;
{%- endfor %}
  }
}

/** Per config key: the variable naming its server, compose's server and the service running
 * it, and the store's own way of making a database. */
const DATABASES = [
{%- for key, database in databases | dictsort %}
  {
    key: "{{ key }}",
    env: "{{ cookiecutter.data.typescript_settings[key].env }}",
    compose: "{{ database.server }}",
    service: "{{ database.service }}",
    store: {{ database.store }},
  },
{%- endfor %}
] as const;

/** Returns the teardown vitest runs after the last test file: every database made is dropped. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const drops: (() => Promise<void>)[] = [];
  const dropAll = async () => {
    for (const drop of drops.reverse()) await drop();
  };
  for (const database of DATABASES) {
    const server = process.env[database.env] ?? database.compose;
    const name = `test_${databaseName(server)}_${randomBytes(4).toString("hex")}`;
    try {
      const made = await database.store.createTestDatabase(name, (other) =>
        withDatabase(server, other),
      );
      drops.push(made.drop);
      project.provide(database.key, made.url);
    } catch (error) {
      await dropAll();
      // One line, as for a missing command: the fix is to start a server, not to read a trace.
      process.stderr.write(
        `cannot make the tests' database on ${where(server)} (${reason(error)}): start the ` +
          `compose server with \`docker compose up -d ${database.service}\`, or set ` +
          `${database.env} to a server where its user may create databases\n`,
      );
      process.exit(2);
    }
  }
  return dropAll;
}

/** The database the URL names (its path), as a part of a name: `app` when it names none. */
function databaseName(url: string): string {
  const path = /^[^:]+:\/\/[^/]*\/([^?]+)/.exec(url)?.[1] ?? "app";
  return path.replace(/\W/g, "_").slice(0, 40);
}

/** The URL naming another database (by its path). Connection strings are taken apart with
 * patterns, not WHATWG's URL: MongoDB's may list several hosts. */
function withDatabase(url: string, database: string): string {
  return url.replace(/^([^:]+:\/\/[^/?]*)(\/[^?]*)?/, `$1/${database}`);
}

/** The URL's scheme and hosts, without its credentials or database. */
function where(url: string): string {
  return url.replace(/^([^:]+:\/\/)(?:[^@/]*@)?([^/?]*).*$/, "$1$2");
}

/** The first line of what went wrong (the code of an error without a message). */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = "code" in error && typeof error.code === "string" ? error.code : error.name;
  const [line = ""] = error.message.split("\n", 1);
  return line === "" ? code : line;
}
