"""Settings from the environment (or .env), created by the app factory, never at import."""

from functools import lru_cache
from typing import Literal, Self

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values fine on a laptop and in tests, refused in production so it cannot start on them.
DEVELOPMENT_ONLY_DEFAULTS: dict[str, str] = {
{%- for name, field in cookiecutter.data.python_settings.items() if field.get("development_only") %}
    "{{ name }}": {{ cookiecutter.data.env[name | upper].value | quote }},
{%- endfor %}
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    app_name: str = {{ cookiecutter.project_name | quote }}
    environment: Literal["development", "test", "production"] = "development"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
{%- for name, field in cookiecutter.data.python_settings.items() %}
    {{ name }}: {{ field.type }} = {{ field.default if field.default is defined else cookiecutter.data.env[name | upper].value | quote }}
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
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
