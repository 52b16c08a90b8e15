/** The tables, for Drizzle ORM; `npm run db:generate` turns changes into a migration. */
import { index, integer, sqliteTable, text, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";

export const items = sqliteTable(
  "items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name", { length: 100 }).notNull().unique(),
    description: text("description", { length: 1000 }),
    // The item this one sits under. The database refuses to delete a parent (the key's default
    // NO ACTION), so no item points at one that is gone.
    parentId: integer("parent_id").references((): AnySQLiteColumn => items.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date()),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (table) => [index("items_parent_id_idx").on(table.parentId)],
);
