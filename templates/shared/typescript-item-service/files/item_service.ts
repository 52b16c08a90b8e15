/** The item use cases: the rules live here, the queries in the repository. */
import { isUniqueViolation } from "{{ cookiecutter.data.typescript_item_service.up }}/db/client.js";
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

  async create(data: { name: string; description?: string | null }): Promise<ItemRow> {
    return this.uniqueName(data.name, () => this.items.add(data));
  }

  async update(id: number, changes: ItemChanges): Promise<ItemRow> {
    const item = await this.uniqueName(changes.name, () => this.items.update(id, changes));
    if (!item) throw new NotFoundError(`Item ${String(id)} does not exist.`);
    return item;
  }

  async delete(id: number): Promise<void> {
    if (!(await this.items.delete(id)))
      throw new NotFoundError(`Item ${String(id)} does not exist.`);
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
