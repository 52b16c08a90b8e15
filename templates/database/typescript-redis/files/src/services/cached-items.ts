/** Items read through the cache. Writes go to the database first and invalidate the cached
 * entry only once they are done, so no reader can re-cache the old row. */
import type { Cache } from "../cache.js";
import { ItemRepository, type ItemChanges, type ItemRow } from "../repositories/items.js";
import type { Resources } from "../resources.js";
import { ItemService } from "./items.js";

export function itemKey(id: number): string {
  return `items:${String(id)}`;
}

/** The service the routes use: the item service behind the app's cache. */
export function createItemService(resources: Resources): ItemService {
  return new CachedItemService(new ItemRepository(resources.database.db), resources.cache);
}

/** An item as JSON, and back: dates travel as ISO strings. */
function serialize(item: ItemRow): string {
  return JSON.stringify(item);
}

function deserialize(text: string): ItemRow {
  const item = JSON.parse(text) as ItemRow & { createdAt: string; updatedAt: string };
  return { ...item, createdAt: new Date(item.createdAt), updatedAt: new Date(item.updatedAt) };
}

export class CachedItemService extends ItemService {
  constructor(
    items: ItemRepository,
    private readonly cache: Cache,
  ) {
    super(items);
  }

  override async get(id: number): Promise<ItemRow> {
    const cached = await this.cache.get(itemKey(id));
    if (cached !== null) return deserialize(cached);
    const item = await super.get(id);
    await this.cache.set(itemKey(id), serialize(item));
    return item;
  }

  override async update(id: number, changes: ItemChanges): Promise<ItemRow> {
    const item = await super.update(id, changes);
    await this.cache.delete(itemKey(id));
    return item;
  }

  override async delete(id: number): Promise<void> {
    await super.delete(id);
    await this.cache.delete(itemKey(id));
  }
}
