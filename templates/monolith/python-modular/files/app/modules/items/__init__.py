"""The items module: the example resource. Its public interface is what this file exports."""

from app.modules.items.service import ItemService

__all__ = ["ItemService"]
