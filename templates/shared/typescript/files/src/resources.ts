/** The app's connections to the outside world: created by the app factory, closed with the app. */
import type { Config } from "./config.js";
{%- for name, resource in cookiecutter.data.typescript_resources.items() %}
import { {{ resource.factory }} } from "{{ resource.module }}";
{%- endfor %}

export interface Resource {
  readonly name: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createResources(config: Config) {
  return {
{%- for name, resource in cookiecutter.data.typescript_resources.items() %}
    {{ name }}: {{ resource.factory }}({% for arg in resource.args %}config.{{ arg }}{{ ", " if not loop.last }}{% endfor %}),
{%- endfor %}
  };
}

export type Resources = ReturnType<typeof createResources>;
