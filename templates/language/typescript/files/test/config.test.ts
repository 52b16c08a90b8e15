import { describe, expect, it } from "vitest";

import { ConfigError, SETTINGS, loadConfig } from "../src/config.js";

const required = Object.values(SETTINGS).map((setting) => setting.env);
const production = Object.fromEntries(required.map((name) => [name, `${name} value`]));

describe("loadConfig", () => {
  it("has development defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ environment: "development", port: 8000, logLevel: "info" });
    for (const [key, setting] of Object.entries(SETTINGS)) {
      expect(config).toHaveProperty(key, setting.developmentDefault);
    }
  });

  it("reads the environment", () => {
    const config = loadConfig({
      ENVIRONMENT: "production",
      PORT: "9000",
      LOG_LEVEL: "WARN",
      ...production,
    });
    expect(config).toMatchObject({ environment: "production", port: 9000, logLevel: "warn" });
    for (const [key, setting] of Object.entries(SETTINGS)) {
      expect(config).toHaveProperty(key, `${setting.env} value`);
    }
  });

  it.each([
    [{ ENVIRONMENT: "staging" }, /ENVIRONMENT must be one of/],
    [{ PORT: "http" }, /PORT must be a TCP port/],
  ])("refuses %o", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    [{}, true],
    [{ API_DOCS: "" }, true],
    [{ ENVIRONMENT: "production", ...production }, false],
    [{ ENVIRONMENT: "production", API_DOCS: "true", ...production }, true],
    [{ API_DOCS: "false" }, false],
  ])("serves the API docs for %o: %s", (env, apiDocs) => {
    expect(loadConfig(env).apiDocs).toBe(apiDocs);
  });

  it("refuses an API_DOCS that is not true or false", () => {
    expect(() => loadConfig({ API_DOCS: "yes" })).toThrow(
      'API_DOCS must be true or false, not "yes"',
    );
  });

  it.each(required)("refuses production without %s", (name) => {
    const env = Object.fromEntries(
      Object.entries({ ...production, ENVIRONMENT: "production" }).filter(([key]) => key !== name),
    );
    expect(() => loadConfig(env)).toThrow(`${name} must be set when ENVIRONMENT=production`);
  });
{%- for key, option in cookiecutter.data.typescript_options.items() %}
{%- if option.get("boolean") %}

  it("reads {{ option.env }} as true or false, defaulting to {{ option.default }}", () => {
    expect(loadConfig({}).{{ key }}).toBe({{ option.default }});
    expect(loadConfig({ {{ option.env }}: "false" }).{{ key }}).toBe(false);
    expect(loadConfig({ {{ option.env }}: "true" }).{{ key }}).toBe(true);
    expect(() => loadConfig({ {{ option.env }}: "no" })).toThrow(
      `{{ option.env }} must be true or false, not "no"`,
    );
  });
{%- else %}

  it("reads {{ option.env }}, defaulting to {{ option.default }}", () => {
    expect(loadConfig({}).{{ key }}).toBe({{ option.default | int if option.get("integer") or option.get("port") else option.default | quote }});
    expect(loadConfig({ {{ option.env }}: "7" }).{{ key }}).toBe({{ "7" if option.get("integer") or option.get("port") else '"7"' }});
  });
{%- endif %}
{%- if option.get("integer") %}

  it.each(["0", "-1", "1.5", "soon", ""])("refuses {{ option.env }}=%s", (value) => {
    expect(() => loadConfig({ {{ option.env }}: value })).toThrow(
      `{{ option.env }} must be a whole number above 0, not "${value}"`,
    );
  });
{%- elif option.get("port") %}

  it("takes {{ option.env }}=0, any free port", () => {
    expect(loadConfig({ {{ option.env }}: "0" }).{{ key }}).toBe(0);
  });

  it.each(["-1", "1.5", "soon", "", "65536"])("refuses {{ option.env }}=%s", (value) => {
    expect(() => loadConfig({ {{ option.env }}: value })).toThrow(
      `{{ option.env }} must be a TCP port number (0: any free one), not "${value}"`,
    );
  });
{%- endif %}
{%- endfor %}
{%- for key, setting in cookiecutter.data.typescript_settings.items() if setting.password_env is defined %}

  it("puts {{ setting.password_env }} into {{ key }} as its password", () => {
    const config = loadConfig({ {{ setting.password_env }}: "s3cr/t@:x" });
    expect(decodeURIComponent(new URL(config.{{ key }}).password)).toBe("s3cr/t@:x");
  });
{%- endfor %}
});
