"""Settings from the environment (or .env), created by the app factory, never at import."""

from functools import lru_cache
from typing import Literal, Self
{%- if cookiecutter.data.python_settings.values() | selectattr("password_field", "defined") | list %}
from urllib.parse import quote, urlsplit, urlunsplit
{%- endif %}

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core.project import project

# Values fine on a laptop and in tests, refused in production so it cannot start on them.
DEVELOPMENT_ONLY_DEFAULTS: dict[str, str] = {
{%- for name, field in cookiecutter.data.python_settings.items() if field.get("development_only") %}
    "{{ name }}": {{ cookiecutter.data.env[name | upper].value | quote }},
{%- endfor %}
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    app_name: str = Field(default_factory=lambda: project()["name"])
    environment: Literal["development", "test", "production"] = "development"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # A request whose body is larger is refused with 413 (1 MiB).
    max_body_bytes: int = Field(default=1_048_576, gt=0)
    # Where `python -m app` listens (the image sets HOST=0.0.0.0).
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    # A request's line and headers must arrive within this, and all of it within the next;
    # otherwise 408 and the connection is closed (app.core.server).
    headers_timeout_seconds: float = Field(default=10, gt=0)
    request_timeout_seconds: float = Field(default=30, gt=0)
    # Idle keep-alive connections are closed after this: longer than the 60 s idle timeout of
    # AWS's and Google's load balancers, so the balancer closes first and no request meets a
    # socket the app just closed.
    keep_alive_timeout_seconds: int = Field(default=75, gt=0)
    # Server processes in one container (app.core.server): 1 where the platform scales by
    # adding containers, the machine's cores where one container has the machine to itself.
    web_concurrency: int = Field(default=1, ge=1, le=64)
    # The docs UI and the OpenAPI document: served outside production; in production only
    # when API_DOCS=true (an API's shape is a map for attackers too).
    api_docs: bool | None = None
    # Behind a router that forwards plain HTTP and sets X-Forwarded-Proto (Heroku's): redirect
    # plain HTTP to HTTPS, send HSTS (app.core.http.HttpsOnly); never trust the header elsewhere.
    https_only: bool = False
{%- for name, field in cookiecutter.data.python_settings.items() %}
    {{ name }}: {{ field.type }} = {{ field.default if field.default is defined else cookiecutter.data.env[name | upper].value | quote }}
{%- if field.password_field is defined %}
    # Put into {{ name }} as its password when set: platforms inject it from a secret store.
    {{ field.password_field }}: str | None = None
{%- endif %}
{%- endfor %}

    @model_validator(mode="after")
    def _refuse_development_defaults(self) -> Self:
        if self.environment == "production":
            for name, default in DEVELOPMENT_ONLY_DEFAULTS.items():
                if getattr(self, name) == default:
                    msg = (
                        f"{name.upper()} must be set when ENVIRONMENT={self.environment}; "
                        "the development default is refused"
                    )
                    raise ValueError(msg)
{%- for name, field in cookiecutter.data.python_settings.items() if field.driver_scheme is defined %}
        # Hosting platforms hand out URLs without the driver SQLAlchemy needs (postgres://...).
        scheme, found, rest = self.{{ name }}.partition("://")
        if found and scheme in {{ "{" }}{{ field.plain_schemes | map("quote") | join(", ") }}{{ "}" }}:
            self.{{ name }} = f"{{ field.driver_scheme }}://{rest}"
{%- endfor %}
{%- for name, field in cookiecutter.data.python_settings.items() if field.password_field is defined %}
        if self.{{ field.password_field }}:
            self.{{ name }} = with_password(self.{{ name }}, self.{{ field.password_field }})
{%- endfor %}
        return self

    @property
    def docs_enabled(self) -> bool:
        if self.api_docs is not None:
            return self.api_docs
        return self.environment != "production"
{%- if cookiecutter.data.python_settings.values() | selectattr("password_field", "defined") | list %}


def with_password(url: str, password: str) -> str:
    """The URL with this password (percent-encoded), its user name and the rest kept."""
    parts = urlsplit(url)
    user, _, host = parts.netloc.rpartition("@")
    user = user.partition(":")[0]
    netloc = f"{user}:{quote(password, safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))
{%- endif %}


@lru_cache
def get_settings() -> Settings:
    return Settings()
