from app.core.config import Settings
from app.core.dynamodb import Database


def create(settings: Settings) -> Database:
    return Database(
        settings.database_url, table=settings.dynamodb_table, region=settings.aws_region
    )
