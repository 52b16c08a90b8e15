/** An in-memory ItemRepository: the use cases' unit tests run on it, no database needed. */
import { DuplicateItemNameError, ItemHasChildrenError, type Item } from "../src/domain/items.js";
import type { ItemFilter, ItemRepository, StoredItem } from "../src/domain/ports.js";

export class InMemoryItemRepository implements ItemRepository {
  readonly rows = new Map<number, StoredItem>();
  private nextId = 1;

  get(id: number): Promise<StoredItem | undefined> {
    return Promise.resolve(this.rows.get(id));
  }

  list({ limit, offset, nameContains, orderBy = [] }: ItemFilter): Promise<[StoredItem[], number]> {
    const needle = nameContains?.toLowerCase();
    const matching = [...this.rows.values()].filter(
      (item) => needle === undefined || item.name.toLowerCase().includes(needle),
    );
    // Stable sorts, the last key first: the first key decides, ties go by id.
    for (const { field, descending } of [...orderBy].reverse()) {
      const value = (item: StoredItem) => {
        const v = item[field];
        return v instanceof Date ? v.getTime() : v;
      };
      matching.sort((a, b) =>
        value(a) === value(b) ? 0 : value(a) < value(b) === descending ? 1 : -1,
      );
    }
    return Promise.resolve([matching.slice(offset, offset + limit), matching.length]);
  }

  add(item: Item): Promise<StoredItem> {
    if (this.taken(item.name, undefined)) return this.duplicate(item.name);
    const stored = { ...item, id: this.nextId++ };
    this.rows.set(stored.id, stored);
    return Promise.resolve(stored);
  }

  save(item: StoredItem): Promise<StoredItem> {
    if (this.taken(item.name, item.id)) return this.duplicate(item.name);
    this.rows.set(item.id, item);
    return Promise.resolve(item);
  }

  delete(id: number): Promise<void> {
    if ([...this.rows.values()].some((row) => row.parentId === id)) {
      return Promise.reject(new ItemHasChildrenError(id));
    }
    this.rows.delete(id);
    return Promise.resolve();
  }

  private taken(name: string, id: number | undefined): boolean {
    return [...this.rows.values()].some((row) => row.name === name && row.id !== id);
  }

  private duplicate(name: string): Promise<never> {
    return Promise.reject(new DuplicateItemNameError(name));
  }
}
