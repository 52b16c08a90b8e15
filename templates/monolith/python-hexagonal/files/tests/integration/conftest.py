{%- set sql = cookiecutter.data.python_item_store.session is defined -%}
"""The unit of work the composition root builds, on the test's database:
{%- if sql %} its session, in a
transaction rolled back after the test."""{% else %} the item store, emptied
before each test."""{% endif %}

import pytest
{%- if sql %}
from sqlalchemy.ext.asyncio import AsyncSession
{%- endif %}

from app import bootstrap
from app.domain.ports import AbstractUnitOfWork
{%- if not sql %}
from app.repositories.store import ItemStore
{%- endif %}


@pytest.fixture
{%- if sql %}
def uow(session: AsyncSession) -> AbstractUnitOfWork:
    return bootstrap.unit_of_work(session)
{%- else %}
def uow(items: ItemStore) -> AbstractUnitOfWork:
    return bootstrap.unit_of_work(items)
{%- endif %}
