from app.core.config import Settings
from app.core.history import History


def create(settings: Settings) -> History:
    return History(settings.mongodb_url)
