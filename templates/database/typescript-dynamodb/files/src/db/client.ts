/** Amazon DynamoDB, through the AWS SDK v3's document client. DATABASE_URL is the endpoint:
 * DynamoDB Local or moto for development and tests, `https://dynamodb.<region>.amazonaws.com`
 * on AWS, where credentials come from the SDK's usual chain (environment, role). */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

import { unreachable } from "../outage.js";

/** The table's keys: {{ cookiecutter.data.dynamodb_table_template }} declares the same (a test compares them). */
export const TABLE_KEYS = {
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" as const }],
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" as const }],
};

export function createDatabase(url: string, table: string, region: string) {
  const client = new DynamoDBClient({
    endpoint: url,
    region,
    // Fail fast when DynamoDB is unreachable, so /readyz answers instead of hanging (without
    // throwOnRequestTimeout the SDK only warns, and a server that accepts the connection but
    // never answers holds the request for ever).
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: 2_000,
      requestTimeout: 5_000,
      throwOnRequestTimeout: true,
    },
  });
  let closed = false;
  // The SDK would quietly open new connections after destroy(): a closed database stays closed.
  client.middlewareStack.add(
    (next) => (args) => {
      if (closed) throw new Error("the database client is closed");
      return next(args);
    },
    { step: "initialize", name: "refuseWhenClosed" },
  );
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    name: "database",
    db: { documents, table },
    /** The SDK's own client, for libraries that take one. */
    client,
    /** Ready when the table answers (it is also there). */
    async ping(): Promise<void> {
      await client.send(new DescribeTableCommand({ TableName: table }));
    },
    /** The endpoint refused, dropped or never answered the request, after the SDK's retries: a
     * Node.js network error, or the SDK's own TimeoutError. */
    isOutage(error: unknown): boolean {
      return unreachable(error, (cause) => cause.name === "TimeoutError");
    },
    /** Creates the table where it is missing (idempotent), for local use: on AWS the
     * CloudFormation template in deploy/aws makes it. */
    async migrate(): Promise<void> {
      try {
        await client.send(new DescribeTableCommand({ TableName: table }));
        return;
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
{%- if cookiecutter.data.dynamodb_stream is defined %}
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: "PAY_PER_REQUEST",
          ...TABLE_KEYS,
          // The change stream the report function reads, as the template declares it.
          StreamSpecification: {
            StreamEnabled: true,
            StreamViewType: "{{ cookiecutter.data.dynamodb_stream }}",
          },
        }),
      );
{%- else %}
      await client.send(
        new CreateTableCommand({ TableName: table, BillingMode: "PAY_PER_REQUEST", ...TABLE_KEYS }),
      );
{%- endif %}
      await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: table });
    },
    close(): Promise<void> {
      if (!closed) {
        closed = true;
        client.destroy();
      }
      return Promise.resolve();
    },
  };
}

export type Database = ReturnType<typeof createDatabase>;
export type Db = Database["db"];

/** Thrown by the repository when a write would give two items one name. */
export class UniqueViolation extends Error {}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof UniqueViolation;
}

/** Thrown by a delete of an item other items sit under. */
export class InUse extends Error {}

export function isInUse(error: unknown): boolean {
  return error instanceof InUse;
}
