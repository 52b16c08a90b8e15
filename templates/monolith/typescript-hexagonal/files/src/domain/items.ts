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

export interface Item {
  readonly id: number | undefined;
  readonly name: string;
  readonly description: string | null;
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
export function newItem(name: string, description: string | null, now = new Date()): Item {
  return { id: undefined, name: checkedName(name), description, createdAt: now, updatedAt: now };
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
