"""Stored records as domain objects: what every repository adapter hands the use cases."""

from app.domain.items import Item
from app.repositories.store import ItemRecord


def to_domain(record: ItemRecord) -> Item:
    return Item(
        id=record.id,
        name=record.name,
        description=record.description,
        parent_id=record.parent_id,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )
