/** The ItemRepository port on the database, whichever it is: its queries module
 * (src/repositories/items.ts, one per store, one API), mapped to domain terms. */
import { isInUse, isUniqueViolation } from "../db/client.js";
import { DuplicateItemNameError, ItemHasChildrenError, type Item } from "../domain/items.js";
import type { ItemFilter, ItemRepository, StoredItem } from "../domain/ports.js";
import type { ItemRepository as ItemQueries } from "../repositories/items.js";

export class StoreItemRepository implements ItemRepository {
  constructor(private readonly queries: ItemQueries) {}

  get(id: number): Promise<StoredItem | undefined> {
    return this.queries.get(id);
  }

  list(filter: ItemFilter): Promise<[StoredItem[], number]> {
    return this.queries.list(filter);
  }

  add(item: Item): Promise<StoredItem> {
    const { name, description, parentId, createdAt, updatedAt } = item;
    const fields = { name, description, parentId, createdAt, updatedAt };
    return this.unique(name, () => this.queries.add(fields));
  }

  async save(item: StoredItem): Promise<StoredItem> {
    const { id, name, description, parentId, updatedAt } = item;
    const saved = await this.unique(name, () =>
      this.queries.update(id, { name, description, parentId, updatedAt }),
    );
    return saved ?? item;
  }

  async delete(id: number): Promise<void> {
    try {
      await this.queries.delete(id);
    } catch (error) {
      if (isInUse(error)) throw new ItemHasChildrenError(id);
      throw error;
    }
  }

  private async unique<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateItemNameError(name);
      throw error;
    }
  }
}
