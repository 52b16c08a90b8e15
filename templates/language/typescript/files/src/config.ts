{%- set with_passwords = cookiecutter.data.typescript_settings.values() | selectattr("password_env", "defined") | list -%}
/** Settings from the environment, read once by the entry point and passed to the app factory. */

export const ENVIRONMENTS = ["development", "test", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Settings of the stores; their development defaults are refused in production. */
export const SETTINGS = {
{%- for key, setting in cookiecutter.data.typescript_settings.items() %}
  {{ key }}: {
    env: {{ setting.env | quote }},
    developmentDefault: {{ setting.development_default | quote }},
{%- if setting.password_env is defined %}
    // Put into the URL as its password when set: platforms inject it from a secret store.
    passwordEnv: {{ setting.password_env | quote }},
{%- endif %}
  },
{%- endfor %}
} as const;

export type Config = {
  environment: Environment;
  logLevel: string;
  host: string;
  port: number;
  /** The docs UI and OpenAPI document: on outside production, in production only if API_DOCS=true. */
  apiDocs: boolean;
  /** Behind a router that forwards plain HTTP and sets X-Forwarded-Proto (Heroku's): plain HTTP
   * is redirected to HTTPS and HSTS sent. Never trust the header elsewhere. */
  httpsOnly: boolean;
{%- for key, option in cookiecutter.data.typescript_options.items() %}
  {{ key }}: {{ "number" if option.get("integer") or option.get("port") else "boolean" if option.get("boolean") else "string" }};
{%- endfor %}
} & Record<keyof typeof SETTINGS, string>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const environment = env.ENVIRONMENT ?? "development";
  if (!isEnvironment(environment)) {
    throw new ConfigError(
      `ENVIRONMENT must be one of ${ENVIRONMENTS.join(", ")}, not "${environment}"`,
    );
  }
  const port = Number(env.PORT ?? "8000");
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`PORT must be a TCP port number, not "${env.PORT ?? ""}"`);
  }
  const stores = Object.fromEntries(
    Object.entries(SETTINGS).map(([key, setting]) => {
      const value = env[setting.env];
      if (environment === "production" && !value) {
        throw new ConfigError(`${setting.env} must be set when ENVIRONMENT=production`);
      }
{%- if with_passwords %}
      return [key, withPassword(value ?? setting.developmentDefault, setting, env)];
{%- else %}
      return [key, value ?? setting.developmentDefault];
{%- endif %}
    }),
  ) as Record<keyof typeof SETTINGS, string>;
  return {
    environment,
    logLevel: env.LOG_LEVEL?.toLowerCase() ?? "info",
    host: env.HOST ?? "0.0.0.0",
    port,
    apiDocs: flag("API_DOCS", env.API_DOCS, environment !== "production"),
    httpsOnly: flag("HTTPS_ONLY", env.HTTPS_ONLY, false),
{%- for key, option in cookiecutter.data.typescript_options.items() %}
{%- if option.get("integer") %}
    {{ key }}: positiveInteger(env, {{ option.env | quote }}, {{ option.default | quote }}),
{%- elif option.get("port") %}
    {{ key }}: portNumber(env, {{ option.env | quote }}, {{ option.default | quote }}),
{%- elif option.get("boolean") %}
    {{ key }}: flag({{ option.env | quote }}, env.{{ option.env }}, {{ option.default }}),
{%- else %}
    {{ key }}: env.{{ option.env }} ?? {{ option.default | quote }},
{%- endif %}
{%- endfor %}
    ...stores,
  };
}

function flag(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") {
    return fallback;
  }
  if (value !== "true" && value !== "false") {
    throw new ConfigError(`${name} must be true or false, not "${value}"`);
  }
  return value === "true";
}
{%- if cookiecutter.data.typescript_options.values() | selectattr("integer", "defined") | list %}

/** The whole number above 0 that `name` holds, else `fallback`. */
function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: string): number {
  const value = env[name] ?? fallback;
  if (!/^[1-9][0-9]{0,8}$/.test(value)) {
    throw new ConfigError(`${name} must be a whole number above 0, not "${value}"`);
  }
  return Number(value);
}
{%- endif %}
{%- if cookiecutter.data.typescript_options.values() | selectattr("port", "defined") | list %}

/** A TCP port to listen on; 0 lets the system pick a free one (tests, side-by-side runs). */
function portNumber(env: NodeJS.ProcessEnv, name: string, fallback: string): number {
  const value = env[name] ?? fallback;
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) {
    throw new ConfigError(`${name} must be a TCP port number (0: any free one), not "${value}"`);
  }
  return Number(value);
}
{%- endif %}
{%- if with_passwords %}

function withPassword(url: string, setting: object, env: NodeJS.ProcessEnv): string {
  const password = "passwordEnv" in setting ? env[String(setting.passwordEnv)] : undefined;
  if (!password) return url;
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}
{%- endif %}

function isEnvironment(value: string): value is Environment {
  return (ENVIRONMENTS as readonly string[]).includes(value);
}
