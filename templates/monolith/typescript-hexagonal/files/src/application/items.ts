/**
 * Use cases, written against the ports only: they run the same on the real database and on
 * the in-memory fake of the unit tests.
 */
import { ItemNotFoundError, changeItem, newItem, type ItemChanges } from "../domain/items.js";
import type { ItemFilter, ItemRepository, StoredItem } from "../domain/ports.js";

function found(item: StoredItem | undefined, id: number): StoredItem {
  if (!item) throw new ItemNotFoundError(id);
  return item;
}

export class ItemUseCases {
  constructor(private readonly items: ItemRepository) {}

  async get(id: number): Promise<StoredItem> {
    return found(await this.items.get(id), id);
  }

  list(filter: ItemFilter): Promise<[StoredItem[], number]> {
    return this.items.list(filter);
  }

  create(data: { name: string; description: string | null }): Promise<StoredItem> {
    return this.items.add(newItem(data.name, data.description));
  }

  async update(id: number, changes: ItemChanges): Promise<StoredItem> {
    const item = await this.get(id);
    return this.items.save({ ...changeItem(item, changes), id });
  }

  async delete(id: number): Promise<void> {
    await this.get(id);
    await this.items.delete(id);
  }
}
