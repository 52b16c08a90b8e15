/** The app's connections to the outside world: created by the app factory, prepared as it
 * starts (those with a `start()`), checked by /readyz, closed with the app. */
import type { Config } from "./config.js";
{%- for name, resource in cookiecutter.data.typescript_resources.items() %}
import { {{ resource.factory }} } from "{{ resource.module }}";
{%- endfor %}

export interface Resource {
  readonly name: string;
  /** Prepares the resource as the app starts (MongoDB makes its indexes). A server that is
   * down must not stop the app: the resource is then not ready until `ping()` has done it. */
  start?(): Promise<void>;
  ping(): Promise<void>;
  /** True when the error means the resource cannot be reached (src/outage.ts): the request
   * answers 503. Left out by a resource that cannot be down (an SQLite file). */
  isOutage?(error: unknown): boolean;
  close(): Promise<void>;
}

export function createResources(config: Config) {
  return {
{%- for name, resource in cookiecutter.data.typescript_resources.items() %}
{%- set args = resource.args | map("replace", "", "config.", 1) | list %}
{%- set line = "    " ~ name ~ ": " ~ resource.factory ~ "(" ~ args | join(", ") ~ ")," %}
{%- if line | length <= 100 %}
{{ line }}
{%- else %}{# As Prettier breaks a call longer than its print width: one argument a line. #}
    {{ name }}: {{ resource.factory }}(
{%- for arg in args %}
      {{ arg }},
{%- endfor %}
    ),
{%- endif %}
{%- endfor %}
  };
}

export type Resources = ReturnType<typeof createResources>;
