/** Items whose every change is recorded in the history. The SQL write comes first; the event
 * is written once it is committed, so the history never holds a change that did not happen. */
import type { Action, History } from "../history.js";
import { ItemRepository, type ItemChanges, type ItemRow } from "../repositories/items.js";
import type { Resources } from "../resources.js";
import { ItemService } from "./items.js";

/** The service the routes use: the item service, recording into the app's history. */
export function createItemService(resources: Resources): ItemService {
  return new RecordedItemService(new ItemRepository(resources.database.db), resources.history);
}

export class RecordedItemService extends ItemService {
  constructor(
    items: ItemRepository,
    private readonly history: History,
  ) {
    super(items);
  }

  override async create(data: Parameters<ItemService["create"]>[0]): Promise<ItemRow> {
    return this.recorded("created", await super.create(data));
  }

  override async update(id: number, changes: ItemChanges): Promise<ItemRow> {
    return this.recorded("updated", await super.update(id, changes));
  }

  override async delete(id: number): Promise<void> {
    const item = await this.get(id);
    await super.delete(id);
    await this.recorded("deleted", item);
  }

  private async recorded(action: Action, item: ItemRow): Promise<ItemRow> {
    const { id: itemId, name, description } = item;
    await this.history.record({ itemId, action, at: new Date(), name, description });
    return item;
  }
}
