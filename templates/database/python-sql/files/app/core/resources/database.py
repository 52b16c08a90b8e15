from app.core.config import Settings
from app.core.db import Database


def create(settings: Settings) -> Database:
    return Database(settings.database_url)
