/**
 * The item domain: the rules that hold however items are stored or served.
 *
 * Nothing here imports a web framework, an ORM or the app's configuration;
 * test/architecture.test.ts enforces it.
 */

export class DomainError extends Error {}

export class ItemNotFoundError extends DomainError {
  constructor(id: number) {
    super(`Item ${String(id)} does not exist.`);
  }
}

export class DuplicateItemNameError extends DomainError {
  constructor(name: string) {
    super(`An item named "${name}" already exists.`);
  }
}

export class ItemHasChildrenError extends DomainError {
  constructor(id: number) {
    super(`Item ${String(id)} has items under it; move or delete them first.`);
  }
}

/** An item cannot sit where it was put: its parent does not exist, or is the item itself or
 * below it. */
export class ItemPlacementError extends DomainError {}

export interface Item {
  readonly id: number | undefined;
  readonly name: string;
  readonly description: string | null;
  /** The item this one sits under, if any. */
  readonly parentId: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ItemChanges {
  name?: string;
  description?: string | null;
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new DomainError("An item needs a name.");
  return trimmed;
}

/** A new item, not stored yet. */
export function newItem(
  name: string,
  description: string | null,
  parentId: number | null = null,
  now = new Date(),
): Item {
  return {
    id: undefined,
    name: checkedName(name),
    description,
    parentId,
    createdAt: now,
    updatedAt: now,
  };
}

/** The item after a partial update; only the fields given change. */
export function changeItem(item: Item, changes: ItemChanges, now = new Date()): Item {
  return {
    ...item,
    ...(changes.name === undefined ? {} : { name: checkedName(changes.name) }),
    ...(changes.description === undefined ? {} : { description: changes.description }),
    updatedAt: now,
  };
}

/** The item put under `parent` (undefined: under nothing). `ancestors` are the items above the
 * parent, nearest first; the item must be neither the parent nor among them. */
export function moveItem<T extends Item>(
  item: T,
  parent: Item | undefined,
  ancestors: readonly Item[],
  now = new Date(),
): T {
  if (parent && [parent, ...ancestors].some((above) => above.id === item.id)) {
    throw new ItemPlacementError(
      `Item ${String(item.id)} cannot sit under item ${String(parent.id)}, which is it or under it.`,
    );
  }
  return { ...item, parentId: parent?.id ?? null, updatedAt: now };
}
