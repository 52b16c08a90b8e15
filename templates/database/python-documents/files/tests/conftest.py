{%- set store = cookiecutter.data.python_item_store -%}
"""The fixtures every document store's tests share; the store's own (its server, `database_url`,
a `database` emptied before each test, `unreachable_settings`) come from tests/database.py."""

from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient

from app.core.config import Settings
from {{ store.resource_module }} import {{ store.resource }}
from app.main import create_app
from {{ store.module }} import {{ store.factory }}
from app.repositories.store import ItemStore
from tests import database as store
from tests.apps import app_client, settings_for_tests
{% for fixture in store.fixtures %}
{{ fixture }} = store.{{ fixture }}
{%- endfor %}


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for_tests(database_url)


@pytest.fixture
def items(database: {{ store.resource }}) -> ItemStore:
    return {{ store.factory }}(database)


@pytest.fixture
async def client(settings: Settings, database: {{ store.resource }}) -> AsyncIterator[AsyncClient]:
    async with app_client(create_app(settings)) as client:
        yield client
