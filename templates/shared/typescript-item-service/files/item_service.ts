/** The item use cases: the rules live here, the queries in the repository. */
import { isInUse, isUniqueViolation } from "{{ cookiecutter.data.typescript_item_service.up }}/db/client.js";
import { ConflictError, NotFoundError } from "{{ cookiecutter.data.typescript_item_service.up }}/problems.js";
import {
  ItemRepository,
  type ItemChanges,
  type ItemFilter,
  type ItemRow,
} from "{{ cookiecutter.data.typescript_item_service.up }}/repositories/items.js";
import type { Resources } from "{{ cookiecutter.data.typescript_item_service.up }}/resources.js";

/** The service the routes use, wired to the app's database. */
export function createItemService(resources: Resources): ItemService {
  return new ItemService(new ItemRepository(resources.database.db));
}

export class ItemService {
  constructor(private readonly items: ItemRepository) {}

  list(filter: ItemFilter): Promise<[ItemRow[], number]> {
    return this.items.list(filter);
  }

  async get(id: number): Promise<ItemRow> {
    const item = await this.items.get(id);
    if (!item) throw new NotFoundError(`Item ${String(id)} does not exist.`);
    return item;
  }

  async create(data: {
    name: string;
    description?: string | null;
    parentId?: number | null | undefined;
  }): Promise<ItemRow> {
    const { parentId = null, ...fields } = data;
    await this.checkParent(parentId);
    return this.uniqueName(data.name, () => this.items.add({ ...fields, parentId }));
  }

  async update(id: number, changes: ItemChanges): Promise<ItemRow> {
    if (changes.parentId !== undefined) await this.checkParent(changes.parentId, id);
    const item = await this.uniqueName(changes.name, () => this.items.update(id, changes));
    if (!item) throw new NotFoundError(`Item ${String(id)} does not exist.`);
    return item;
  }

  async delete(id: number): Promise<void> {
    let deleted: boolean;
    try {
      deleted = await this.items.delete(id);
    } catch (error) {
      if (!isInUse(error)) throw error;
      throw new ConflictError(`Item ${String(id)} has items under it; move or delete them first.`);
    }
    if (!deleted) throw new NotFoundError(`Item ${String(id)} does not exist.`);
  }

  /** A parent must exist, and an item cannot sit under itself or under anything below it: the
   * walk up from the new parent must not meet the item. Either is a 409: the request is
   * well-formed, but the items as they stand do not allow it. */
  private async checkParent(parentId: number | null, id?: number): Promise<void> {
    if (parentId === null) return;
    let ancestor = await this.items.get(parentId);
    if (!ancestor) {
      throw new ConflictError(`Item ${String(parentId)} does not exist, so it cannot be a parent.`);
    }
    const seen = new Set<number>();
    while (id !== undefined && ancestor && !seen.has(ancestor.id)) {
      if (ancestor.id === id) {
        throw new ConflictError(
          `Item ${String(id)} cannot sit under item ${String(parentId)}, which is it or under it.`,
        );
      }
      seen.add(ancestor.id);
      ancestor = ancestor.parentId === null ? undefined : await this.items.get(ancestor.parentId);
    }
  }

  private async uniqueName<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (name !== undefined && isUniqueViolation(error)) {
        throw new ConflictError(`An item named "${name}" already exists.`);
      }
      throw error;
    }
  }
}
