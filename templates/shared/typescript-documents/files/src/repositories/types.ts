/** The item records a document store's repository hands back: the same shape as the SQL
 * stores' rows, so services and routes do not care which store holds them. */
export interface ItemRow {
  id: number;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export type ItemChanges = Partial<Pick<ItemRow, "name" | "description" | "updatedAt">>;
export interface ItemFilter {
  limit: number;
  offset: number;
  nameContains?: string | undefined;
}
export interface NewItem {
  name: string;
  description?: string | null;
  createdAt?: Date;
  updatedAt?: Date;
}
