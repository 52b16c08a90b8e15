from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.repository import SqlAlchemyItemRepository
from app.domain.ports import AbstractUnitOfWork


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.items = SqlAlchemyItemRepository(session)

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
