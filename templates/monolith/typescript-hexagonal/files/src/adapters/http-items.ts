/** The HTTP side of the use cases: domain errors become the problems the REST routes send. */
import type { ItemUseCases } from "../application/items.js";
import {
  DomainError,
  DuplicateItemNameError,
  ItemHasChildrenError,
  ItemNotFoundError,
  ItemPlacementError,
} from "../domain/items.js";
import { ConflictError, NotFoundError, UnprocessableError } from "../problems.js";
import type { ItemFields, ItemService, ItemView } from "../schemas/items.js";

function translated(error: unknown): unknown {
  if (error instanceof ItemNotFoundError) return new NotFoundError(error.message);
  if (
    error instanceof DuplicateItemNameError ||
    error instanceof ItemHasChildrenError ||
    error instanceof ItemPlacementError
  ) {
    return new ConflictError(error.message);
  }
  if (error instanceof DomainError) return new UnprocessableError(error.message);
  return error;
}

export class ItemHandlers implements ItemService {
  constructor(private readonly useCases: ItemUseCases) {}

  list(filter: Parameters<ItemService["list"]>[0]): Promise<[ItemView[], number]> {
    return this.call(() => this.useCases.list(filter));
  }

  get(id: number): Promise<ItemView> {
    return this.call(() => this.useCases.get(id));
  }

  create(data: ItemFields): Promise<ItemView> {
    return this.call(() => this.useCases.create(data));
  }

  update(id: number, changes: Partial<ItemFields>): Promise<ItemView> {
    return this.call(() => this.useCases.update(id, changes));
  }

  delete(id: number): Promise<void> {
    return this.call(() => this.useCases.delete(id));
  }

  private async call<T>(useCase: () => Promise<T>): Promise<T> {
    try {
      return await useCase();
    } catch (error) {
      throw translated(error);
    }
  }
}
