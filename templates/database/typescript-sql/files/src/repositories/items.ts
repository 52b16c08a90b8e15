/** Items in the SQL database: the only module that writes queries for them, whatever the style. */
import { asc, count, desc, eq, sql, type SQL } from "drizzle-orm";

import type { Db } from "../db/client.js";
import { items } from "../db/schema.js";

export type ItemRow = typeof items.$inferSelect;
export type ItemChanges = Partial<Pick<ItemRow, "name" | "description" | "parentId" | "updatedAt">>;
/** A field a list may be ordered by, descending or not; ties, and no order, go by id. */
export interface ItemOrder {
  field: "id" | "name" | "createdAt" | "updatedAt";
  descending: boolean;
}
export interface ItemFilter {
  limit: number;
  offset: number;
  nameContains?: string | undefined;
  orderBy?: readonly ItemOrder[] | undefined;
}

function nameFilter(nameContains: string | undefined): SQL | undefined {
  if (nameContains === undefined) return undefined;
  // "!" escapes LIKE's wildcards: unlike a backslash, it means the same in every SQL dialect.
  const escaped = nameContains.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`);
  return sql`lower(${items.name}) like ${`%${escaped}%`} escape '!'`;
}

export class ItemRepository {
  constructor(private readonly db: Db) {}

  async list({
    limit,
    offset,
    nameContains,
    orderBy = [],
  }: ItemFilter): Promise<[ItemRow[], number]> {
    const where = nameFilter(nameContains);
    const order = orderBy.map(({ field, descending }) => (descending ? desc : asc)(items[field]));
    // One query: the total is a window count over the matching rows, taken before the page is
    // cut. Only a page past the end, where the window has no row to ride on, counts apart.
    const page = await this.db
      .select({ row: items, total: sql<number>`count(*) over ()`.mapWith(Number) })
      .from(items)
      .where(where)
      .orderBy(...order, items.id)
      .limit(limit)
      .offset(offset);
    const [first] = page;
    if (first) return [page.map(({ row }) => row), first.total];
    if (offset === 0) return [[], 0];
    const [{ total } = { total: 0 }] = await this.db
      .select({ total: count() })
      .from(items)
      .where(where);
    return [[], total];
  }

  async get(id: number): Promise<ItemRow | undefined> {
    const [row] = await this.db.select().from(items).where(eq(items.id, id));
    return row;
  }

  async add(data: typeof items.$inferInsert): Promise<ItemRow> {
{%- if cookiecutter.data.drizzle_returning is not false %}
    const [row] = await this.db.insert(items).values(data).returning();
{%- else %}
    const [inserted] = await this.db.insert(items).values(data).$returningId();
    const row = inserted && (await this.get(inserted.id));
{%- endif %}
    if (!row) throw new Error("INSERT returned no row");
    return row;
  }

  async update(id: number, changes: ItemChanges): Promise<ItemRow | undefined> {
{%- if cookiecutter.data.drizzle_returning is not false %}
    const [row] = await this.db
      .update(items)
      .set({ updatedAt: new Date(), ...changes })
      .where(eq(items.id, id))
      .returning();
    return row;
{%- else %}
    await this.db
      .update(items)
      .set({ updatedAt: new Date(), ...changes })
      .where(eq(items.id, id));
    return this.get(id);
{%- endif %}
  }

  async delete(id: number): Promise<boolean> {
{%- if cookiecutter.data.drizzle_returning is not false %}
    const rows = await this.db.delete(items).where(eq(items.id, id)).returning({ id: items.id });
    return rows.length > 0;
{%- else %}
    const [result] = await this.db.delete(items).where(eq(items.id, id));
    return result.affectedRows > 0;
{%- endif %}
  }
}
