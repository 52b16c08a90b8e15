/** The report function's entry point (`report-handler.handler`): batches of the item table's
 * changes from its DynamoDB stream, applied to the items report.
 *
 * A change that fails is reported back (a partial batch response: template.yaml's
 * ReportBatchItemFailures) and Lambda hands it over again, with the ones after it, until its
 * retries run out and it goes to the dead-letter queue. Changes applied before are skipped by
 * the projection, so a batch handed over again counts nothing twice. `npm run invoke:report`
 * hands it the sample batch in events/, against the table .env names. */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { PartialItemFailureResponse } from "@aws-lambda-powertools/batch/types";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";

import { loadConfig, type Config } from "./config.js";
import { changeBetween, ITEM_PREFIX, ReportProjection } from "./modules/reports/index.js";
import { createResources } from "./resources.js";
import { tracedHandler } from "./tracing.js";

const logger = new Logger({ serviceName: "reports" });
// X-Ray: a subsegment for each batch and one for each DynamoDB call (off outside Lambda).
const tracer = new Tracer({ serviceName: "reports" });
// CloudWatch metrics in the embedded metric format (log lines CloudWatch turns into metrics, no
// API call): the changes applied and those skipped, a batch at a time, under the namespace
// template.yaml gives (POWERTOOLS_METRICS_NAMESPACE).
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "app",
  serviceName: "reports",
});

type Image = NonNullable<DynamoDBRecord["dynamodb"]>["NewImage"];

function plain(image: Image): Record<string, unknown> | undefined {
  return image ? unmarshall(image as Record<string, AttributeValue>) : undefined;
}

export type ReportHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<PartialItemFailureResponse>;

/** The handler, with its settings and DynamoDB client made once per container, on the first
 * batch. */
export function reportFunction(config: () => Config): ReportHandler {
  let projection: ReportProjection | undefined;
  let counts = { ChangesApplied: 0, ChangesSkipped: 0 }; // the current batch's changes
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const containerProjection = () => {
    if (projection === undefined) {
      const { database } = createResources(config());
      tracer.captureAWSv3Client(database.client); // its calls traced
      projection = new ReportProjection(database.db);
    }
    return projection;
  };

  async function applyRecord(record: DynamoDBRecord): Promise<void> {
    const change = record.dynamodb;
    // The event source mapping lets only items' changes through; anything else is skipped
    // here as well, for batches handed over by hand.
    if (!change?.Keys?.pk?.S?.startsWith(ITEM_PREFIX)) return;
    const itemChange = changeBetween(
      String(record.eventID),
      plain(change.OldImage),
      plain(change.NewImage),
    );
    const applied = await containerProjection().apply(itemChange);
    counts[applied ? "ChangesApplied" : "ChangesSkipped"] += 1;
    logger.info(applied ? "change applied" : "change skipped (applied before, or no change)", {
      eventId: record.eventID,
      sequenceNumber: change.SequenceNumber,
    });
  }

  return tracedHandler(tracer, "handler", async (event: DynamoDBStreamEvent, context: Context) => {
    // Every log line of the batch carries the request id and the function's name.
    logger.addContext(context);
    counts = { ChangesApplied: 0, ChangesSkipped: 0 };
    try {
      // One record at a time: each updates the one report record, and DynamoDB cancels a
      // transaction that meets another on the same item in flight (TransactionConflict).
      return await processPartialResponse(event, applyRecord, processor, {
        context,
        processInParallel: false,
      });
    } finally {
      // A batch's figures, zeros included (the batch ran).
      for (const [name, count] of Object.entries(counts)) {
        metrics.addMetric(name, MetricUnit.Count, count);
      }
      metrics.publishStoredMetrics();
    }
  });
}

export const handler = reportFunction(() => loadConfig(process.env));
