/** The tables, for Drizzle ORM; `npm run db:generate` turns changes into a migration. */
import { index, integer, pgTable, timestamp, varchar, type AnyPgColumn } from "drizzle-orm/pg-core";

export const items = pgTable(
  "items",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: varchar("name", { length: 100 }).notNull().unique(),
    description: varchar("description", { length: 1000 }),
    // The item this one sits under. The database refuses to delete a parent (the key's default
    // NO ACTION), so no item points at one that is gone.
    parentId: integer("parent_id").references((): AnyPgColumn => items.id),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" })
      .notNull()
      .$defaultFn(() => new Date()),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (table) => [index("items_parent_id_idx").on(table.parentId)],
);
