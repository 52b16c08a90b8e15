"""items sit under a parent item

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table, so Alembic copies it.
    with op.batch_alter_table("items") as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_items_parent_id"), ["parent_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_items_parent_id_items"), "items", ["parent_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("items") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_items_parent_id_items"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_items_parent_id"))
        batch_op.drop_column("parent_id")
