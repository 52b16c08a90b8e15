/** Ports: what the domain needs from the outside world, as interfaces. */
import type { Item } from "./items.js";

export interface StoredItem extends Item {
  readonly id: number;
}

/** A field a list may be ordered by, descending or not; ties, and no order, go by id. */
export interface ItemOrder {
  field: "id" | "name" | "createdAt" | "updatedAt";
  descending: boolean;
}

/** A page of items whose name contains a substring (any case). */
export interface ItemFilter {
  limit: number;
  offset: number;
  nameContains?: string | undefined;
  orderBy?: readonly ItemOrder[] | undefined;
}

export interface ItemRepository {
  get(id: number): Promise<StoredItem | undefined>;
  list(filter: ItemFilter): Promise<[StoredItem[], number]>;
  /** Store a new item; reject with DuplicateItemNameError if its name is taken. */
  add(item: Item): Promise<StoredItem>;
  /** Store changes to an existing item; reject with DuplicateItemNameError likewise. */
  save(item: StoredItem): Promise<StoredItem>;
  /** Reject with ItemHasChildrenError while other items sit under it. */
  delete(id: number): Promise<void>;
}
