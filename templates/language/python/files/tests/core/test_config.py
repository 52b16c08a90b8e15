{%- if cookiecutter.data.python_settings.values() | selectattr("password_field", "defined") | list -%}
from urllib.parse import unquote, urlsplit

{% endif -%}
import pytest
from pydantic import ValidationError

from app.core.config import DEVELOPMENT_ONLY_DEFAULTS, Settings, get_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    passwords: list[str] = [{% for f in cookiecutter.data.python_settings.values() | selectattr("password_field", "defined") | list %}{{ "" if loop.first else ", " }}"{{ f.password_field }}"{% endfor %}]
    for name in [*DEVELOPMENT_ONLY_DEFAULTS, "environment", "log_level", *passwords]:
        monkeypatch.delenv(name.upper(), raising=False)


def test_production_refuses_development_defaults() -> None:
    assert DEVELOPMENT_ONLY_DEFAULTS
    with pytest.raises(ValidationError, match="must be set when ENVIRONMENT=production"):
        Settings(_env_file=None, environment="production")


def test_production_accepts_explicit_values(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in DEVELOPMENT_ONLY_DEFAULTS.items():
        monkeypatch.setenv(name.upper(), f"{value}-prod")
    settings = Settings(_env_file=None, environment="production")
    assert settings.environment == "production"


def test_development_uses_defaults() -> None:
    settings = Settings(_env_file=None)
    for name, value in DEVELOPMENT_ONLY_DEFAULTS.items():
        assert getattr(settings, name) == value


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    assert Settings(_env_file=None).log_level == "DEBUG"


def test_invalid_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "staging")
    with pytest.raises(ValidationError, match="environment"):
        Settings(_env_file=None)


def test_get_settings_is_cached() -> None:
    get_settings.cache_clear()
    assert get_settings() is get_settings()
    get_settings.cache_clear()
{%- for name, field in cookiecutter.data.python_settings.items() if field.password_field is defined %}


def test_{{ field.password_field }}_goes_into_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("{{ field.password_field | upper }}", "s3cr/t@:x")
    url = urlsplit(Settings(_env_file=None).{{ name }})
    assert unquote(url.password or "") == "s3cr/t@:x"
    assert url.hostname
    assert url.path
{%- endfor %}
{%- for name, field in cookiecutter.data.python_settings.items() if field.driver_scheme is defined %}
{%- for plain in field.plain_schemes %}


def test_a_{{ plain }}_url_gets_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("{{ name | upper }}", "{{ plain }}://u:p@db.example.com:5/d")
    url = Settings(_env_file=None).{{ name }}
    assert url == "{{ field.driver_scheme }}://u:p@db.example.com:5/d"
{%- endfor %}
{%- endfor %}
