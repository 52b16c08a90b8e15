/** The composition root: the one place that picks the adapters for the ports. */
import { ItemHandlers } from "./adapters/http-items.js";
import { StoreItemRepository } from "./adapters/store-item-repository.js";
import { ItemUseCases } from "./application/items.js";
import { ItemRepository } from "./repositories/items.js";
import type { Resources } from "./resources.js";

export function createItemService(resources: Resources): ItemHandlers {
  return new ItemHandlers(
    new ItemUseCases(new StoreItemRepository(new ItemRepository(resources.database.db))),
  );
}
