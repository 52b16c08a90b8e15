/** The items report as a projection: figures kept up to date by the report function
 * (src/report-handler.ts) from the item table's change stream, and read back in one GetItem
 * instead of a scan of every item.
 *
 * Each change is applied once in effect: the figures move in the same transaction that records
 * the change's stream event id (an `applied#<id>` record), and that transaction fails when the
 * id is already recorded, so a batch Lambda hands over again counts nothing twice. The records
 * expire (the table's time to live) after two days, when the stream, which keeps a change for
 * 24 hours, can no longer hand it over. */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";

import type { Db } from "../../db/client.js";
import type { ItemReport, ReportService } from "./service.js";

/** What the routes ask of the reports module. */
export type Reports = Pick<ReportService, "itemsReport">;

export const REPORT_KEY = "report#items";
export const APPLIED_PREFIX = "applied#";
export const ITEM_PREFIX = "item#";
/** The attribute the table's time to live reads (template.yaml), and how long a record lasts. */
export const EXPIRES = "expires_at";
const APPLIED_KEPT_SECONDS = 2 * 24 * 60 * 60;

/** How one change of an item moves the figures. */
export interface ItemChange {
  eventId: string;
  total: number;
  described: number;
}

type Image = Record<string, unknown> | undefined;

/** The change from `before` to `after` (either missing: the item was created or deleted). */
export function changeBetween(eventId: string, before: Image, after: Image): ItemChange {
  const figures = (image: Image): [number, number] =>
    image ? [1, image.description ? 1 : 0] : [0, 0];
  const [oldTotal, oldDescribed] = figures(before);
  const [newTotal, newDescribed] = figures(after);
  return { eventId, total: newTotal - oldTotal, described: newDescribed - oldDescribed };
}

export class ReportProjection {
  constructor(private readonly db: Db) {}

  /** Moves the figures by `change` unless its event was applied before (then false). */
  async apply(change: ItemChange): Promise<boolean> {
    if (!change.total && !change.described) return false;
    const { documents, table } = this.db;
    const expires = Math.floor(Date.now() / 1000) + APPLIED_KEPT_SECONDS;
    try {
      await documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { pk: `${APPLIED_PREFIX}${change.eventId}`, [EXPIRES]: expires },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Update: {
                TableName: table,
                Key: { pk: REPORT_KEY },
                UpdateExpression: "ADD #total :total, #described :described",
                ExpressionAttributeNames: { "#total": "total", "#described": "described" },
                ExpressionAttributeValues: {
                  ":total": change.total,
                  ":described": change.described,
                },
              },
            },
          ],
        }),
      );
    } catch (error) {
      const applied =
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed";
      if (applied) return false;
      throw error;
    }
    return true;
  }

  async read(): Promise<ItemReport> {
    const { Item } = await this.db.documents.send(
      new GetCommand({ TableName: this.db.table, Key: { pk: REPORT_KEY }, ConsistentRead: true }),
    );
    return { total: Number(Item?.total ?? 0), described: Number(Item?.described ?? 0) };
  }
}

/** The reports module's figures, read from the projection rather than counted. */
export class ProjectedReportService implements Reports {
  constructor(private readonly projection: ReportProjection) {}

  itemsReport(): Promise<ItemReport> {
    return this.projection.read();
  }
}
