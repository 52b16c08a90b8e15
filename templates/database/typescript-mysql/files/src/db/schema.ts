/** The tables, for Drizzle ORM; `npm run db:generate` turns changes into a migration. */
import {
  datetime,
  index,
  int,
  mysqlTable,
  varchar,
  type AnyMySqlColumn,
} from "drizzle-orm/mysql-core";

export const items = mysqlTable(
  "items",
  {
    id: int("id").primaryKey().autoincrement(),
    name: varchar("name", { length: 100 }).notNull().unique(),
    description: varchar("description", { length: 1000 }),
    // The item this one sits under. The database refuses to delete a parent (the key's default
    // NO ACTION), so no item points at one that is gone.
    parentId: int("parent_id").references((): AnyMySqlColumn => items.id),
    // DATETIME, not TIMESTAMP: no year-2038 limit and no implicit ON UPDATE in MariaDB.
    createdAt: datetime("created_at", { mode: "date", fsp: 3 })
      .notNull()
      .$defaultFn(() => new Date()),
    updatedAt: datetime("updated_at", { mode: "date", fsp: 3 })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (table) => [index("items_parent_id_idx").on(table.parentId)],
);
