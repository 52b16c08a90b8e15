/** The item table's DynamoDB stream, read as Lambda reads it for the report function: the
 * changes written since the stream was opened (or last read), handed over as the batch event
 * Lambda sends. */
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";

import type { Config } from "../src/config.js";

export class TableStream {
  private readonly after = new Map<string, string>(); // the last sequence number, by shard

  private constructor(
    private readonly client: DynamoDBStreamsClient,
    readonly arn: string,
  ) {}

  /** The stream of the config's table, positioned after what is already in it. */
  static async open(config: Config): Promise<TableStream> {
    const options = { endpoint: config.databaseUrl, region: config.awsRegion };
    const tables = new DynamoDBClient(options);
    try {
      const { Table } = await tables.send(
        new DescribeTableCommand({ TableName: config.dynamodbTable }),
      );
      if (!Table?.LatestStreamArn) throw new Error(`${config.dynamodbTable} has no stream`);
      const stream = new TableStream(new DynamoDBStreamsClient(options), Table.LatestStreamArn);
      await stream.batch(); // what came before is not this test's
      return stream;
    } finally {
      tables.destroy();
    }
  }

  /** Every change since the last call, as Lambda hands the report function a batch. */
  async batch(): Promise<DynamoDBStreamEvent> {
    const records: StreamRecord[] = [];
    const { StreamDescription } = await this.client.send(
      new DescribeStreamCommand({ StreamArn: this.arn }),
    );
    for (const { ShardId } of StreamDescription?.Shards ?? []) {
      if (!ShardId) continue;
      const last = this.after.get(ShardId);
      let { ShardIterator: iterator } = await this.client.send(
        new GetShardIteratorCommand({
          StreamArn: this.arn,
          ShardId,
          ...(last
            ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: last }
            : { ShardIteratorType: "TRIM_HORIZON" }),
        }),
      );
      while (iterator) {
        const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator }));
        const found = page.Records ?? [];
        if (!found.length) break;
        records.push(...found);
        const sequence = found.at(-1)?.dynamodb?.SequenceNumber;
        if (sequence) this.after.set(ShardId, sequence);
        iterator = page.NextShardIterator;
      }
    }
    return { Records: records.map((record) => this.asLambdaSends(record)) };
  }

  /** A record as the event carries it: with the stream's ARN, its time in seconds. */
  private asLambdaSends(record: StreamRecord): DynamoDBRecord {
    const change = record.dynamodb ?? {};
    const time = change.ApproximateCreationDateTime;
    return {
      ...(record as DynamoDBRecord),
      dynamodb: {
        ...(change as DynamoDBRecord["dynamodb"]),
        ...(time ? { ApproximateCreationDateTime: time.getTime() / 1000 } : {}),
      },
      eventSourceARN: this.arn,
    };
  }

  close(): void {
    this.client.destroy();
  }
}

/** The context Lambda hands a handler, as far as the report function reads it (not the
 * callbacks of handlers written before promises). */
export function lambdaContext(): Context {
  const context: Omit<Context, "done" | "fail" | "succeed"> = {
    functionName: "report",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:report",
    memoryLimitInMB: "256",
    awsRequestId: crypto.randomUUID(),
    logGroupName: "/aws/lambda/report",
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 60_000,
  };
  return context as Context;
}
