from alembic import command
from alembic.config import Config


def test_models_and_migrations_agree(alembic_config: Config) -> None:
    """Fails when a model changed without a migration (run `alembic revision --autogenerate`)."""
    command.check(alembic_config)
