"""The composition root: the one place that picks the adapters behind each port."""
{%- if cookiecutter.data.python_item_store.session is defined %}

from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.unit_of_work import SqlAlchemyUnitOfWork
from app.domain.ports import AbstractUnitOfWork


def unit_of_work(session: AsyncSession) -> AbstractUnitOfWork:
    return SqlAlchemyUnitOfWork(session)
{%- else %}

from app.adapters.unit_of_work import StoreUnitOfWork
from app.domain.ports import AbstractUnitOfWork
from app.repositories.store import ItemStore


def unit_of_work(store: ItemStore) -> AbstractUnitOfWork:
    return StoreUnitOfWork(store)
{%- endif %}
