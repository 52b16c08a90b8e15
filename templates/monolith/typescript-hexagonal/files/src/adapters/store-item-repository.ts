/** The ItemRepository port on the database, whichever it is: its queries module
 * (src/repositories/items.ts, one per store, one API), mapped to domain terms. */
import { isUniqueViolation } from "../db/client.js";
import { DuplicateItemNameError, type Item } from "../domain/items.js";
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
    const { name, description, createdAt, updatedAt } = item;
    return this.unique(name, () => this.queries.add({ name, description, createdAt, updatedAt }));
  }

  async save(item: StoredItem): Promise<StoredItem> {
    const { id, name, description, updatedAt } = item;
    const saved = await this.unique(name, () =>
      this.queries.update(id, { name, description, updatedAt }),
    );
    return saved ?? item;
  }

  async delete(id: number): Promise<void> {
    await this.queries.delete(id);
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
