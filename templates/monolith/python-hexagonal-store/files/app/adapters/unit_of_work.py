from app.adapters.repository import StoreItemRepository
from app.domain.ports import AbstractUnitOfWork
from app.repositories.store import ItemStore


class StoreUnitOfWork(AbstractUnitOfWork):
    """A business transaction on a document database.

    Each store write is atomic on its own and lands when the call returns: one document on
    MongoDB, one transaction with the item's name claim on DynamoDB. Every use case makes at
    most one write, as its last step, so ``commit`` has nothing left to send and ``rollback``
    nothing to undo. A use case that needs several writes to land together would need the
    store's multi-document transactions here.
    """

    def __init__(self, store: ItemStore) -> None:
        self.items = StoreItemRepository(store)

    async def commit(self) -> None:
        """The write already landed."""

    async def rollback(self) -> None:
        """Nothing was held back to undo."""
