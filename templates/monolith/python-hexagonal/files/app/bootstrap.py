"""The composition root: the one place that picks the adapters behind each port."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.unit_of_work import SqlAlchemyUnitOfWork
from app.domain.ports import AbstractUnitOfWork


def unit_of_work(session: AsyncSession) -> AbstractUnitOfWork:
    return SqlAlchemyUnitOfWork(session)
