import { describe, expect, it } from "vitest";

import { DomainError, changeItem, newItem } from "../src/domain/items.js";

describe("the item domain", () => {
  it("makes a new item with a trimmed name and equal timestamps", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(newItem("  Lamp ", null, now)).toEqual({
      id: undefined,
      name: "Lamp",
      description: null,
      createdAt: now,
      updatedAt: now,
    });
  });

  it("refuses an item without a name", () => {
    expect(() => newItem("   ", null)).toThrow(DomainError);
  });

  it("changes only the fields given, and moves updatedAt", () => {
    const created = newItem("Lamp", "Bright", new Date("2026-01-01T00:00:00Z"));
    const later = new Date("2026-01-02T00:00:00Z");
    expect(changeItem(created, { description: null }, later)).toMatchObject({
      name: "Lamp",
      description: null,
      createdAt: created.createdAt,
      updatedAt: later,
    });
    expect(changeItem(created, { name: "Desk" }, later)).toMatchObject({
      name: "Desk",
      description: "Bright",
    });
    expect(() => changeItem(created, { name: "" })).toThrow(DomainError);
  });
});
