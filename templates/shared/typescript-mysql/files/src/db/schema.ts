/** The tables, for Drizzle ORM; `npm run db:generate` turns changes into a migration. */
import { datetime, int, mysqlTable, varchar } from "drizzle-orm/mysql-core";

export const items = mysqlTable("items", {
  id: int("id").primaryKey().autoincrement(),
  name: varchar("name", { length: 100 }).notNull().unique(),
  description: varchar("description", { length: 1000 }),
  // DATETIME, not TIMESTAMP: no year-2038 limit and no implicit ON UPDATE in MariaDB.
  createdAt: datetime("created_at", { mode: "date", fsp: 3 })
    .notNull()
    .$defaultFn(() => new Date()),
  updatedAt: datetime("updated_at", { mode: "date", fsp: 3 })
    .notNull()
    .$defaultFn(() => new Date()),
});
