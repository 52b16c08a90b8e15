/**
 * Use cases, written against the ports only: they run the same on the real database and on
 * the in-memory fake of the unit tests.
 */
import {
  ItemNotFoundError,
  ItemPlacementError,
  changeItem,
  moveItem,
  newItem,
  type ItemChanges,
} from "../domain/items.js";
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

  async create(data: {
    name: string;
    description: string | null;
    parentId?: number | null | undefined;
  }): Promise<StoredItem> {
    const parentId = data.parentId ?? null;
    if (parentId !== null) await this.parent(parentId);
    return this.items.add(newItem(data.name, data.description, parentId));
  }

  /** A partial update in one write: `parentId` moves the item (null: under nothing), the
   * other fields go to changeItem. */
  async update(
    id: number,
    { parentId, ...changes }: ItemChanges & { parentId?: number | null | undefined },
  ): Promise<StoredItem> {
    let item = await this.get(id);
    if (parentId !== undefined) {
      const parent = parentId === null ? undefined : await this.parent(parentId);
      item = moveItem(item, parent, await this.ancestors(parent));
    }
    return this.items.save({ ...changeItem(item, changes), id });
  }

  async delete(id: number): Promise<void> {
    await this.get(id);
    await this.items.delete(id);
  }

  private async parent(id: number): Promise<StoredItem> {
    const parent = await this.items.get(id);
    if (!parent)
      throw new ItemPlacementError(`Item ${String(id)} does not exist, so it cannot be a parent.`);
    return parent;
  }

  /** The items above `item`, nearest first (a loop in the stored data ends the walk). */
  private async ancestors(item: StoredItem | undefined): Promise<StoredItem[]> {
    const ancestors: StoredItem[] = [];
    let above = item?.parentId ?? null;
    while (above !== null && !ancestors.some((ancestor) => ancestor.id === above)) {
      const ancestor = await this.items.get(above);
      if (!ancestor) break;
      ancestors.push(ancestor);
      above = ancestor.parentId;
    }
    return ancestors;
  }
}
