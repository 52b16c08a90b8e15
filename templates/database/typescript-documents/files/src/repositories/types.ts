/** The item records a document store's repository hands back: the same shape as the SQL
 * stores' rows, so services and routes do not care which store holds them. */
export interface ItemRow {
  id: number;
  name: string;
  description: string | null;
  parentId: number | null;
  createdAt: Date;
  updatedAt: Date;
}
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
export interface NewItem {
  name: string;
  description?: string | null;
  parentId?: number | null;
  createdAt?: Date;
  updatedAt?: Date;
}
